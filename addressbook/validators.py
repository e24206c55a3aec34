"""Validators shared by the models, the admin forms and (later) the API and imports.

Each normaliser returns the one stored form of a value or raises ValidationError with a
message an administrator can act on.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.se import orgnr

from addressbook import constants

_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TOP_LEVEL_DOMAIN = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
# ASCII digits only: \d would also accept Arabic-Indic or full-width digits. The shapes we accept
# are parsed here, strictly; python-stdnum only computes check digits and formats (its compact()
# would also drop dots, map Unicode dashes and accept other lengths, e.g. EAN-8/12/14 for a GLN).
_DIGITS = re.compile(r"[0-9]+")
# Control, format (zero-width, bidi) and separator characters: invisible in a sheet or a form,
# they would make look-alike identifiers that route differently.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def reject_control_characters(value: str) -> None:
    """Text may hold tabs and line breaks but no NUL or other control characters."""
    if not value or (value.isascii() and value.isprintable()):  # the usual text: no look at each character
        return
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value):
        raise ValidationError(_("Must not contain control characters."), code="control_characters")


def reject_angle_brackets(value: str) -> None:
    """Text may not contain < or > (as in the reference address book): no markup can slip in."""
    if value and ("<" in value or ">" in value):
        raise ValidationError(_("Must not contain the characters < or >."), code="angle_brackets")


def normalize_organization_number(value: str) -> str:
    """Return a Swedish organisation number as 10 digits.

    Accepts ``NNNNNN-NNNN``, ``NNNNNNNNNN`` and the 12-digit ``16NNNNNNNNNN`` form (with or
    without the hyphen); rejects anything else and a wrong Luhn check digit (checked by
    python-stdnum's ``stdnum.se.orgnr``).
    """
    compact = value.strip().replace(" ", "")
    if re.fullmatch(r"(16)?[0-9]{6}-[0-9]{4}", compact):
        compact = compact.replace("-", "")
    if len(compact) == 12 and compact.startswith("16"):
        compact = compact[2:]
    if not (len(compact) == 10 and _DIGITS.fullmatch(compact)):
        raise ValidationError(
            _("Enter an organisation number as NNNNNN-NNNN (10 digits)."), code="organization_number_format"
        )
    if not orgnr.is_valid(compact):
        raise ValidationError(
            _("The check digit of organisation number %(value)s is wrong."),
            code="organization_number_check_digit",
            params={"value": value.strip()},
        )
    return compact


def format_organization_number(digits: str) -> str:
    """Show a stored organisation number the way Swedes write it: NNNNNN-NNNN."""
    return orgnr.format(digits) if len(digits) == 10 and _DIGITS.fullmatch(digits) else digits


def normalize_domain(value: str) -> str:
    """Return a domain name in its ASCII (IDNA) form, lower case, or raise if it is no host name.

    Storing the ASCII form makes look-alikes one value: ``malmö.se`` is stored as
    ``xn--malm-8qa.se`` and full-width ``ｍａｌｍｏ.se`` as ``malmo.se``.
    """
    domain = value.strip().lower().rstrip(".")
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
        # A label typed as xn--… is taken as it is: it must be the ASCII form of a Unicode
        # label ("xn--zz" is none), which decoding checks, round trip included.
        if "xn--" in ascii_domain:
            ascii_domain.encode("ascii").decode("idna")
    except UnicodeError as error:
        raise ValidationError(
            _("%(value)s is not a valid domain name."), code="domain", params={"value": value}
        ) from error
    labels = ascii_domain.split(".")
    if (
        len(ascii_domain) > 253
        or len(labels) < 2
        or not all(_DOMAIN_LABEL.match(label) for label in labels)
        or not _TOP_LEVEL_DOMAIN.match(labels[-1])
    ):
        raise ValidationError(
            _("%(value)s is not a valid domain name."), code="domain", params={"value": value}
        )
    return ascii_domain


def normalize_participant_identifier(value: str) -> str:
    """Return an ISO 6523 participant identifier (``ICD:value``) in its stored form.

    SDK uses ICD 0203 with a domain name; 0007 (organisation number) and 0088 (GLN) are the
    other approved designators.
    """
    icd, separator, local = value.strip().partition(":")
    if not separator or not local:
        raise ValidationError(
            _("Enter a participant identifier as ICD:value, for example 0203:malmo.se."),
            code="participant_identifier_format",
        )
    if icd == constants.ICD_SDK_DOMAIN:
        return f"{icd}:{normalize_domain(local)}"
    if icd == constants.ICD_ORGANIZATION_NUMBER:
        return f"{icd}:{normalize_organization_number(local)}"
    if icd == constants.ICD_GLN:
        gln = local.strip()
        # A GLN carries the EAN-13 check digit; ean.is_valid alone would also take 8, 12 or 14 digits.
        if not (len(gln) == 13 and _DIGITS.fullmatch(gln) and ean.is_valid(gln)):
            raise ValidationError(_("A GLN (0088) must have 13 digits with a valid check digit."), code="gln")
        return f"{icd}:{gln}"
    raise ValidationError(
        _("Unknown ICD %(icd)s; SDK accepts %(approved)s."),
        code="participant_identifier_icd",
        params={"icd": icd, "approved": ", ".join(constants.APPROVED_ICDS)},
    )


def participant_identifier_for_lookup(value: str) -> str:
    """What a lookup compares a typed participant identifier with: its stored form if it has
    one, else the text as it is (which then matches nothing, like any unknown identifier)."""
    try:
        return normalize_participant_identifier(value)
    except ValidationError:
        return value.strip().lower()


def validate_identifier(value: str) -> None:
    """Identifiers travel in message headers and URLs: no spaces, no markup."""
    # Printable ASCII without a space holds none of them (asked of every row of an import).
    visible = value.isascii() and value.isprintable() and " " not in value
    if not visible and any(unicodedata.category(c) in _INVISIBLE_CATEGORIES for c in value):
        raise ValidationError(
            _("An identifier must not contain spaces, line breaks or invisible characters."),
            code="whitespace",
        )
    reject_angle_brackets(value)


def validate_code_value(value: str) -> None:
    """A code is listed in one spreadsheet cell with others (a, b) and after its code system (system#a)."""
    if any(separator in value for separator in ",#"):
        raise ValidationError(_("A code must not contain a comma or #."), code="code_separator")


@functools.cache
def _country_codes() -> frozenset[str]:
    """The officially assigned ISO 3166-1 alpha-2 codes, upper case, from pycountry (read once)."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


def validate_country_code(value: str) -> None:
    """ISO 3166-1 alpha-2, upper case (SE, NO, FI …).

    A set lookup, not ``pycountry.countries.get(alpha_2=...)``, which ignores case and would
    accept ``se``.
    """
    if value not in _country_codes():
        raise ValidationError(
            _("%(value)s is not an ISO 3166-1 alpha-2 country code."),
            code="country_code",
            params={"value": value},
        )


def validate_municipality_code(value: str) -> None:
    """SCB municipality codes (kommunkod) are four digits, e.g. 1280 for Malmö."""
    if not (len(value) == 4 and _DIGITS.fullmatch(value)):
        raise ValidationError(_("A municipality code has four digits, e.g. 1280."), code="municipality_code")
