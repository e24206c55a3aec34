"""No lost updates: two administrators at once, each in a browser of their own (issue 12, item 4).

Every form, inline row and list row carries the version it showed (addressbook.admin.versions);
a stale one is refused (a form) or asked again (a bulk action), and nothing is overwritten.
"""

from __future__ import annotations

import re

import psycopg
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from addressbook.admin.versions import VersionedAdmin, VersionedForm
from addressbook.choices import Role, Status
from addressbook.models import ApiClient, Code, FunctionAddress, Organization
from addressbook.services.addresses import function_addresses_activate, function_addresses_deactivate
from addressbook.services.api_clients import api_client_create, api_clients_revoke
from addressbook.services.imports import import_run
from addressbook.services.organizations import (
    organization_save,
    organizations_activate,
    organizations_deactivate,
)
from tests.conftest import login_verified, second_connection
from tests.factories import FunctionAddressCodeFactory, persona

pytestmark = pytest.mark.django_db

STALE = "Någon annan har ändrat posten efter att du öppnade den"


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def browser(username: str, language: str = "sv") -> Client:
    """A browser of its own, logged in as a federation administrator called ``username``."""
    client = Client(headers={"accept-language": language})
    login_verified(client, persona(Role.FEDERATION_ADMINISTRATOR, username))
    return client


@pytest.fixture
def anna() -> Client:
    return browser("anna")


@pytest.fixture
def bertil() -> Client:
    return browser("bertil")


def form_data(page, **changes) -> dict:
    """The change form on ``page`` as the browser posts it, with ``changes`` typed in."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict = {}
    for form in forms:
        for field in form:
            if field.field.disabled:
                continue
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else value
    return {**data, **changes}


def shown_versions(page) -> dict:
    """The list rows' versions a change list page carries next to its checkboxes."""
    return dict(re.findall(r'name="(record_version_[^"]+)" value="([^"]+)"', page.text))


def errors(page) -> str:
    form = page.context["adminform"].form
    inline_errors = [
        str(form.errors) for inline in page.context["inline_admin_formsets"] for form in inline.formset
    ]
    return " ".join([str(form.errors), *inline_errors])


def test_a_stale_form_is_refused_naming_what_changed_and_a_second_save_keeps_both(
    anna, bertil, malmo_address
):
    # given Anna and Bertil with the same function address open
    annas_page = anna.get(change_url(malmo_address))
    bertils_page = bertil.get(change_url(malmo_address))

    # when Anna saves a new name, then Bertil saves his stale form with only the description changed
    saved = anna.post(change_url(malmo_address), form_data(annas_page, name="Socialtjänsten, familj"))
    refused = bertil.post(change_url(malmo_address), form_data(bertils_page, description="Öppet vardagar"))

    # then Bertil is told what changed and what is stored, in Swedish, and nothing of his is written
    assert saved.status_code == 302
    assert refused.status_code == 200
    assert STALE in errors(refused)
    assert "Namn är nu ”Socialtjänsten, familj”" in errors(refused)
    malmo_address.refresh_from_db()
    assert (malmo_address.name, malmo_address.description) == ("Socialtjänsten, familj", "")

    # and his form keeps his description and now shows Anna's name, so saving it again loses neither
    shown_again = form_data(refused)
    assert (shown_again["name"], shown_again["description"]) == ("Socialtjänsten, familj", "Öppet vardagar")
    assert bertil.post(change_url(malmo_address), shown_again).status_code == 302
    malmo_address.refresh_from_db()
    assert (malmo_address.name, malmo_address.description) == ("Socialtjänsten, familj", "Öppet vardagar")


def test_the_message_is_english_when_the_admin_is(anna, malmo_address):
    # given Anna and an English-speaking colleague with the same address open
    colleague = browser("charlie", language="en")
    annas_page = anna.get(change_url(malmo_address))
    colleagues_page = colleague.get(change_url(malmo_address))
    anna.post(change_url(malmo_address), form_data(annas_page, name="Socialtjänsten, familj"))

    # when the colleague saves the stale form
    refused = colleague.post(
        change_url(malmo_address), form_data(colleagues_page, description="Open weekdays")
    )

    # then the refusal is in English
    assert "Someone else changed this record after you opened it" in errors(refused)
    assert "Name is now “Socialtjänsten, familj”" in errors(refused)


def test_a_field_both_changed_keeps_the_administrators_input_beside_the_stored_value(
    anna, bertil, malmo_address
):
    # given Anna and Bertil with the same address open, both renaming it
    annas_page = anna.get(change_url(malmo_address))
    bertils_page = bertil.get(change_url(malmo_address))
    anna.post(change_url(malmo_address), form_data(annas_page, name="Annas namn"))

    # when Bertil saves his name after hers
    refused = bertil.post(change_url(malmo_address), form_data(bertils_page, name="Bertils namn"))

    # then his input stays in the field, with the stored name beside it, and Anna's name is kept
    assert form_data(refused)["name"] == "Bertils namn"
    assert "Ändrat av någon annan också; lagrat nu: ”Annas namn”." in str(
        refused.context["adminform"].form.errors
    )
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Annas namn"


def test_a_fresh_form_saves(bertil, malmo_address):
    # given Bertil's open form, which nobody else changed
    page = bertil.get(change_url(malmo_address))

    # when he saves a description
    response = bertil.post(change_url(malmo_address), form_data(page, description="Öppet vardagar"))

    # then it is stored
    assert response.status_code == 302
    malmo_address.refresh_from_db()
    assert malmo_address.description == "Öppet vardagar"


def test_a_form_without_a_version_is_refused(bertil, malmo_address):
    # given a change form posted without the version its page carries (an old page, a script)
    data = form_data(bertil.get(change_url(malmo_address)), name="Utan version")
    del data["record_version"]

    # when it is saved
    refused = bertil.post(change_url(malmo_address), data)

    # then nothing is written
    assert "inte vilken version" in errors(refused)
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Socialtjänsten, barn och unga"


def test_a_stale_inline_row_is_refused(anna, bertil, malmo, malmo_address):
    # given Bertil on Malmö's page, whose address rows include this address
    bertils_page = bertil.get(change_url(malmo))

    # when Anna renames the address on its own page, and Bertil then sets its row's end date
    annas_page = anna.get(change_url(malmo_address))
    anna.post(change_url(malmo_address), form_data(annas_page, name="Socialtjänsten, familj"))
    refused = bertil.post(
        change_url(malmo), form_data(bertils_page, **{"function_addresses-0-valid_to": "2030-01-01"})
    )

    # then his page is refused on that row, naming the new name, and the row is as Anna left it
    assert refused.status_code == 200
    row = refused.context["inline_admin_formsets"][0].formset.forms[0]
    assert "Namn är nu ”Socialtjänsten, familj”" in str(row.non_field_errors())
    malmo_address.refresh_from_db()
    assert (malmo_address.name, malmo_address.valid_to) == ("Socialtjänsten, familj", None)


@pytest.mark.django_db(transaction=True)
def test_a_write_racing_a_save_waits_until_the_save_has_committed(malmo_address):
    # given Bertil's change form of an address, checked as his save begins
    request = RequestFactory().post(change_url(malmo_address))
    request.user = persona(Role.FEDERATION_ADMINISTRATOR, "bertil")
    form_class = admin.site._registry[FunctionAddress].get_form(request, malmo_address, change=True)
    shown = {
        field.html_name: "" if field.value() is None else str(field.value())
        for field in form_class(instance=malmo_address)
    }
    racer = second_connection()
    try:
        with transaction.atomic():
            assert form_class({**shown, "description": "Öppet vardagar"}, instance=malmo_address).is_valid()

            # when another writer renames the address before that save has committed
            racer.execute("SET lock_timeout = '200ms'")
            rename = f"UPDATE {FunctionAddress._meta.db_table} SET name = 'Kapplöpning' WHERE id = %s"  # noqa: S608

            # then it has to wait: the check and the write are one step, not check-then-write
            with pytest.raises(psycopg.errors.LockNotAvailable):
                racer.execute(rename, (malmo_address.pk,))
    finally:
        racer.close()


def test_a_bulk_action_on_rows_changed_since_the_list_asks_again_and_then_acts(anna, bertil, malmo_address):
    # given Bertil's list of addresses, and Anna renaming one of them after it was shown
    shown = shown_versions(bertil.get(changelist_url(FunctionAddress)))
    annas_page = anna.get(change_url(malmo_address))
    anna.post(change_url(malmo_address), form_data(annas_page, name="Socialtjänsten, familj"))

    # when Bertil deactivates it from his list
    selection = {"action": "deactivate", "index": "0", "_selected_action": [str(malmo_address.pk)], **shown}
    asked = bertil.post(changelist_url(FunctionAddress), selection)

    # then nothing is done yet: he is shown what changed and asked again
    assert asked.status_code == 200
    assert "admin/addressbook/stale_selection.html" in [template.name for template in asked.templates]
    assert "Namn är nu ”Socialtjänsten, familj”" in asked.text
    malmo_address.refresh_from_db()
    assert malmo_address.status == Status.ACTIVE

    # and when he confirms, the action applies to the address as it is now
    confirmed = {
        "action": asked.context["action"],
        "select_across": asked.context["select_across"],
        "_selected_action": asked.context["selected"],
        **dict(asked.context["versions"]),
    }
    done = bertil.post(changelist_url(FunctionAddress), confirmed)
    assert done.status_code == 302
    malmo_address.refresh_from_db()
    assert (malmo_address.status, malmo_address.name) == (Status.INACTIVE, "Socialtjänsten, familj")


def test_a_bulk_action_on_rows_unchanged_since_the_list_acts_at_once(bertil, malmo_address):
    # given Bertil's list, unchanged since it was shown
    shown = shown_versions(bertil.get(changelist_url(FunctionAddress)))

    # when he deactivates an address from it
    selection = {"action": "deactivate", "index": "0", "_selected_action": [str(malmo_address.pk)], **shown}
    response = bertil.post(changelist_url(FunctionAddress), selection)

    # then it is done without asking
    assert response.status_code == 302
    malmo_address.refresh_from_db()
    assert malmo_address.status == Status.INACTIVE


def test_an_import_that_changed_a_record_makes_an_open_form_stale(bertil, malmo_address):
    # given Bertil's open form of an address
    page = bertil.get(change_url(malmo_address))

    # when a spreadsheet import renames the address, and Bertil then saves a description
    row = f"{malmo_address.identifier};Importerat namn;0203:malmo.se"
    content = f"Identifier;Name;Participant identifier\n{row}".encode()
    import_run(resource="addresses", file_name="adresser.csv", content=content, dry_run=False)
    refused = bertil.post(change_url(malmo_address), form_data(page, description="Öppet vardagar"))

    # then his save is refused naming the imported name, which stays
    assert "Namn är nu ”Importerat namn”" in errors(refused)
    malmo_address.refresh_from_db()
    assert (malmo_address.name, malmo_address.description) == ("Importerat namn", "")


def test_codes_added_elsewhere_make_an_open_address_form_stale(bertil, malmo_address, psychiatry_codes):
    # given Bertil's open form of an address
    page = bertil.get(change_url(malmo_address))

    # when someone classifies the address with a code (the trigger moves its updated_at)
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[0])
    refused = bertil.post(change_url(malmo_address), form_data(page, description="Öppet vardagar"))

    # then his save is refused: the address is no longer what he saw
    assert STALE in errors(refused)
    malmo_address.refresh_from_db()
    assert malmo_address.description == ""


def test_a_stale_account_form_is_refused(anna, bertil):
    # given a colleague's account open in two browsers
    colleague = User.objects.create_user("cecilia", email="cecilia@example.se", is_staff=True)
    annas_page = anna.get(change_url(colleague))
    bertils_page = bertil.get(change_url(colleague))

    # when Anna changes the e-mail address and Bertil then saves a first name
    assert anna.post(change_url(colleague), form_data(annas_page, email="c@malmo.se")).status_code == 302
    refused = bertil.post(change_url(colleague), form_data(bertils_page, first_name="Cecilia"))

    # then Bertil is refused and Anna's address stays
    assert STALE in errors(refused)
    colleague.refresh_from_db()
    assert (colleague.email, colleague.first_name) == ("c@malmo.se", "")


def test_a_revoked_api_client_makes_an_open_form_stale(anna, bertil, malmo):
    # given an API client's form open in Bertil's browser
    client, _token = api_client_create(name="Malmö meddelandetjänst", organization=malmo)
    page = bertil.get(change_url(client))

    # when Anna revokes it from the list, and Bertil then saves a contact
    shown = shown_versions(anna.get(changelist_url(ApiClient)))
    anna.post(
        changelist_url(ApiClient),
        {"action": "revoke", "index": "0", "_selected_action": [str(client.pk)], **shown},
    )
    refused = bertil.post(change_url(client), form_data(page, contact="drift@malmo.se"))

    # then his save is refused and the client stays revoked
    assert STALE in errors(refused)
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert client.contact == ""


def _deactivate_addresses(malmo, address, client):
    function_addresses_deactivate(function_addresses=FunctionAddress.objects.filter(pk=address.pk))
    return address


def _activated(record, activate):
    """``record`` made inactive (and read so, as a form would), then activated by ``activate``."""
    records = type(record).objects.filter(pk=record.pk)
    records.update(status=Status.INACTIVE)
    record.refresh_from_db()
    activate(records)
    return record


def _activate_addresses(malmo, address, client):
    return _activated(address, lambda addresses: function_addresses_activate(function_addresses=addresses))


def _deactivate_organizations(malmo, address, client):
    organizations_deactivate(organizations=Organization.objects.filter(pk=malmo.pk))
    return address  # taken with its organisation


def _activate_organizations(malmo, address, client):
    return _activated(malmo, lambda organizations: organizations_activate(organizations=organizations))


def _move_participant_identifier(malmo, address, client):
    department = Organization(type="ou", parent=malmo, name="Socialförvaltningen", local_identifier="sof")
    organization_save(organization=department)
    department.refresh_from_db()
    malmo.participant_identifier = "0203:malmo.com"
    organization_save(organization=malmo)
    return department  # routed by the new identifier too


def _revoke_api_clients(malmo, address, client):
    api_clients_revoke(clients=ApiClient.objects.filter(pk=client.pk))
    return client


def _classify(malmo, address, client):
    FunctionAddressCodeFactory(function_address=address)
    return address  # by the classification trigger


@pytest.mark.parametrize(
    "write",
    [
        _deactivate_addresses,
        _activate_addresses,
        _deactivate_organizations,
        _activate_organizations,
        _move_participant_identifier,
        _revoke_api_clients,
        _classify,
    ],
    ids=lambda write: write.__name__.strip("_"),
)
def test_every_write_path_moves_the_version(malmo, malmo_address, write):
    # given an address, its organisation and an API client
    client, _token = api_client_create(name="Malmö meddelandetjänst", organization=malmo)

    # when one of the services' bulk writes (or a trigger) changes one of them
    record = write(malmo, malmo_address, client)
    before = record.updated_at
    record.refresh_from_db()

    # then that record has a new updated_at: the version sync and the forms' check read
    assert record.updated_at != before


def test_every_admin_of_edited_records_is_versioned():
    # given the admins of records administrators edit (the audit log, imports and statistics are not edited)
    edited = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model in (Organization, FunctionAddress, Code, ApiClient, User)
        or model._meta.model_name in ("codesystem", "staffrole")
    ]

    # then each form and each inline row carries a version
    assert len(edited) == 7
    for model_admin in edited:
        assert isinstance(model_admin, VersionedAdmin), model_admin
        assert issubclass(model_admin.form, VersionedForm), model_admin
        for inline in model_admin.inlines:
            assert issubclass(inline.form, VersionedForm), inline
