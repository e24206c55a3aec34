"""factory_boy factories: one per model, valid by default."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory
from stdnum import luhn

from addressbook.choices import OrganizationKind, OrganizationType, Role
from addressbook.models import (
    AdministeredOrganization,
    Code,
    CodeSystem,
    FunctionAddress,
    FunctionAddressCode,
    Organization,
    StaffRole,
)


def with_luhn_digit(nine_digits: str) -> str:
    """Append the Luhn check digit that makes a valid Swedish organisation number."""
    return nine_digits + luhn.calc_check_digit(nine_digits)


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    type = OrganizationType.PARTICIPANT
    participant_identifier = factory.Sequence(lambda n: f"0203:kommun{n}.se")
    # 55… is no real series in the reference data, so tests may also use real numbers.
    organization_number = factory.Sequence(lambda n: with_luhn_digit(f"55{n:07d}"))
    name = factory.Sequence(lambda n: f"Testkommun {n}")
    kind = OrganizationKind.MUNICIPALITY
    county_code = "12"


class SubOrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    type = OrganizationType.SUB_ORGANIZATION
    parent = factory.SubFactory(OrganizationFactory)
    participant_identifier = factory.SelfAttribute("parent.participant_identifier")
    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    local_identifier = factory.Sequence(lambda n: f"forvaltning-{n}")
    kind = factory.SelfAttribute("parent.kind")


class CodeSystemFactory(DjangoModelFactory[CodeSystem]):
    class Meta:
        model = CodeSystem

    identifier = factory.Sequence(lambda n: f"1.2.752.99.{n}")
    name = factory.Sequence(lambda n: f"Kodverk {n}")
    version = "1"


class CodeFactory(DjangoModelFactory[Code]):
    class Meta:
        model = Code

    code_system = factory.SubFactory(CodeSystemFactory)
    code = factory.Sequence(lambda n: f"kod{n}")
    display_name = factory.Sequence(lambda n: f"Kod {n}")


class FunctionAddressFactory(DjangoModelFactory[FunctionAddress]):
    class Meta:
        model = FunctionAddress

    organization = factory.SubFactory(OrganizationFactory)
    identifier = factory.Sequence(lambda n: f"sdk:inkorg{n}:0203:test.se")
    name = factory.Sequence(lambda n: f"Funktionsbrevlåda {n}")


class FunctionAddressCodeFactory(DjangoModelFactory[FunctionAddressCode]):
    class Meta:
        model = FunctionAddressCode

    function_address = factory.SubFactory(FunctionAddressFactory)
    code = factory.SubFactory(CodeFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"anvandare{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.se")
    password = factory.django.Password("ett långt lösenord för test")
    is_staff = True


class StaffRoleFactory(DjangoModelFactory[StaffRole]):
    """An organisation administrator by default; pass ``organizations=[...]`` to say of what."""

    class Meta:
        model = StaffRole
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Role.ORGANIZATION_ADMINISTRATOR

    @factory.post_generation
    def organizations(self, create: bool, extracted, **kwargs) -> None:
        for organization in extracted or ():
            AdministeredOrganization.objects.create(staff_role=self, organization=organization)


def persona(role: Role, username: str, organizations=()):
    """A user holding ``role`` (of ``organizations``, for organisation administrators)."""
    return StaffRoleFactory(user__username=username, role=role, organizations=list(organizations)).user
