"""Properties of the identifier validators (addressbook/validators.py): organisation numbers,
participant identifiers in every ICD SDK accepts, and function-address identifiers.

Each property states the documented grammar independently of the code (a Luhn or EAN-13 sum
written out here, a label pattern, the characters an identifier may not hold) and holds the
validators to it: what they accept, the one stored form they return, that it is a fixed point,
and that a number with one digit wrong is refused.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import assume, example, given
from hypothesis import strategies as st

from addressbook import constants
from addressbook.models import FunctionAddress
from addressbook.validators import (
    format_organization_number,
    normalize_organization_number,
    normalize_participant_identifier,
    participant_identifier_for_lookup,
    validate_identifier,
)
from tests.factories import FunctionAddressFactory
from tests.hypothesis_profiles import costly

digits = st.text("0123456789", min_size=1, max_size=1)


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that completes ``payload`` (every second digit from the right doubled)."""
    total = 0
    for position, digit in enumerate(reversed(payload)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def ean_check_digit(payload: str) -> str:
    """The EAN-13 digit that completes a 12-digit ``payload`` (weights 1, 3, 1, 3 … from the left)."""
    return str(-sum(int(digit) * (3 if position % 2 else 1) for position, digit in enumerate(payload)) % 10)


organization_numbers = st.text("0123456789", min_size=9, max_size=9).map(lambda n: n + luhn_check_digit(n))
glns = st.text("0123456789", min_size=12, max_size=12).map(lambda n: n + ean_check_digit(n))


def code_of(call) -> str | None:
    """The ValidationError code ``call()`` raises, or None when it accepts."""
    try:
        call()
    except ValidationError as error:
        return error.code
    return None


def with_one_digit_changed(number: str, data) -> str:
    position = data.draw(st.integers(0, len(number) - 1), label="position")
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]), label="digit")
    return number[:position] + digit + number[position + 1 :]


# ------------------------------------------------------------------------------
# Organisation numbers (organisationsnummer): 10 digits, the last a Luhn check digit
# ------------------------------------------------------------------------------
@given(organization_numbers, st.sampled_from(["", "16"]), st.booleans(), st.sampled_from(["", " ", "\t"]))
def test_every_written_form_of_an_organisation_number_is_stored_as_its_ten_digits(
    number, century, hyphen, padding
):
    written = f"{padding}{century}{number[:6]}{'-' if hyphen else ''}{number[6:]}{padding}"

    assert normalize_organization_number(written) == number


@given(organization_numbers)
def test_an_organisation_number_is_shown_as_swedes_write_it_and_read_back_as_itself(number):
    shown = format_organization_number(number)

    assert shown == f"{number[:6]}-{number[6:]}"
    assert normalize_organization_number(shown) == normalize_organization_number(number) == number


@given(organization_numbers, st.data())
def test_an_organisation_number_with_one_digit_changed_is_refused(number, data):
    changed = with_one_digit_changed(number, data)

    with pytest.raises(ValidationError) as refused:
        normalize_organization_number(f"{changed[:6]}-{changed[6:]}")
    assert refused.value.code == "organization_number_check_digit"


@given(organization_numbers, st.integers(0, 8))
def test_an_organisation_number_with_two_neighbouring_digits_swapped_is_refused(number, position):
    # Luhn catches every swap of neighbours but 09 <-> 90.
    pair = number[position : position + 2]
    assume(pair[0] != pair[1] and pair not in {"09", "90"})
    swapped = number[:position] + pair[::-1] + number[position + 2 :]

    assert code_of(lambda: normalize_organization_number(swapped)) == "organization_number_check_digit"


def documented_organization_number(text: str) -> str | None:
    """The grammar in the docstring: (16)NNNNNN(-)NNNN, spaces anywhere, a Luhn digit last."""
    compact = text.strip().replace(" ", "")
    match = re.fullmatch(r"(?:16)?([0-9]{6})-?([0-9]{4})", compact)
    if not match:
        return None
    number = match[1] + match[2]
    return number if luhn_check_digit(number[:9]) == number[9] else None


@given(st.text("0123456789-16 \u0665\uff15x", max_size=16) | organization_numbers)
@example("5560160680")
@example("16556016-0680")
@example("556016-068\u0660")  # an Arabic-Indic zero: a digit to str.isdigit, not to us
def test_an_organisation_number_is_accepted_exactly_by_the_documented_grammar(text):
    expected = documented_organization_number(text)

    if expected is None:
        with pytest.raises(ValidationError):
            normalize_organization_number(text)
    else:
        assert normalize_organization_number(text) == expected


# ------------------------------------------------------------------------------
# Participant identifiers, ICD:value, in each ICD SDK accepts
# ------------------------------------------------------------------------------
LABEL = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?\Z")
TOP_LEVEL = st.from_regex(r"\A[a-z]{2,6}\Z")
domains = st.builds(
    lambda labels, top: ".".join([*labels, top]), st.lists(LABEL, min_size=1, max_size=3), TOP_LEVEL
)
# Letters Swedish (and Sami, Finnish) place names are spelt with, beyond ASCII.
unicode_labels = st.text("abcdefghijklmnopqrstuvwxyzåäöéüáðŋšžčđŧʒ", min_size=1, max_size=15)


def any_case(text: str, data) -> str:
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)), label="upper")
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


@given(domains, st.data())
@example("malmo.se", None)
def test_an_sdk_domain_identifier_is_stored_in_lower_case_however_it_is_typed(domain, data):
    typed = domain if data is None else any_case(domain, data)
    stored = normalize_participant_identifier(f" {constants.ICD_SDK_DOMAIN}:{typed}. ")

    assert stored == f"0203:{domain}"
    assert normalize_participant_identifier(stored) == stored
    assert participant_identifier_for_lookup(f"0203:{typed}") == stored


@given(st.lists(unicode_labels, min_size=1, max_size=2), TOP_LEVEL, st.booleans())
@example(["malmö"], "se", False)
@example(["göteborg"], "se", True)
def test_an_international_domain_is_stored_as_the_ascii_form_that_decodes_to_it(labels, top, upper):
    domain = ".".join([*labels, top])
    typed = domain.upper() if upper else domain
    try:
        stored = normalize_participant_identifier(f"0203:{typed}")
    except ValidationError:
        # A label whose ASCII form is over 63 characters is no host name (RFC 1035).
        assert any(len(label.encode("idna")) > 63 for label in labels)
        return

    icd, ascii_domain = stored.split(":")
    assert (icd, ascii_domain) == ("0203", ascii_domain.lower())
    assert ascii_domain.isascii()
    assert ascii_domain.encode("ascii").decode("idna") == domain
    assert normalize_participant_identifier(stored) == stored


def is_a_label(label: str) -> bool:
    """An IDNA A-label: ``xn--`` and the Punycode of a Unicode label whose ASCII form (IDNA's
    ToASCII, which refuses control characters and the like) it is (RFC 3490)."""
    try:
        unicode_label = label[4:].encode("ascii").decode("punycode")
        return not unicode_label.isascii() and unicode_label.encode("idna").decode("ascii") == label
    except UnicodeError:
        return False


def documented_domain(text: str) -> str | None:
    """Host-name grammar (RFC 1035 labels, an alphabetic or IDNA top level), for ASCII text."""
    domain = text.strip().lower().rstrip(".")
    labels = domain.split(".")
    ok = (
        len(domain) <= 253
        and len(labels) >= 2
        and all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) for label in labels)
        and all(is_a_label(label) for label in labels if label.startswith("xn--"))
        and re.fullmatch(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", labels[-1])
    )
    return domain if ok else None


@given(st.text("aZ09-. _x", max_size=20) | st.from_regex(r"\Axn--[a-z0-9-]{1,8}\.(se|xn--[a-z0-9]{1,6})\Z"))
@example("malmo.se")
@example("-malmo.se")
@example("malmo.s")
@example("a..se")
@example("xn--malm-8qa.se")
@example("xn--zz.se")  # found: no Unicode label has this ASCII form, and it was accepted
@example("xn--a.se")  # the Punycode of a control character
@example("malmo.xn--p1ai")
def test_an_sdk_domain_is_accepted_exactly_by_the_host_name_grammar(text):
    expected = documented_domain(text)
    code = code_of(lambda: normalize_participant_identifier(f"0203:{text}"))

    if expected is None:
        assert code in {"domain", "participant_identifier_format"}
    else:
        assert code is None
        stored = normalize_participant_identifier(f"0203:{text}")
        assert stored == f"0203:{expected}"
        # The name it stands for is stored as the same identifier.
        assert normalize_participant_identifier(f"0203:{expected.encode().decode('idna')}") == stored


@given(organization_numbers, st.data())
def test_an_organisation_number_identifier_is_its_ten_digits_and_refuses_a_wrong_digit(number, data):
    assert normalize_participant_identifier(f"0007:{number[:6]}-{number[6:]}") == f"0007:{number}"
    assert normalize_participant_identifier(f"0007:{number}") == f"0007:{number}"

    changed = with_one_digit_changed(number, data)
    assert code_of(lambda: normalize_participant_identifier(f"0007:{changed}")) == (
        "organization_number_check_digit"
    )


@given(glns, st.data())
def test_a_gln_identifier_is_its_thirteen_digits_and_refuses_a_wrong_digit(gln, data):
    assert normalize_participant_identifier(f"0088:{gln}") == f"0088:{gln}"
    assert normalize_participant_identifier(f"0088: {gln} ") == f"0088:{gln}"

    changed = with_one_digit_changed(gln, data)
    assert code_of(lambda: normalize_participant_identifier(f"0088:{changed}")) == "gln"


@given(st.text("0123456789", min_size=1, max_size=16))
@example("00000000")  # a valid EAN-8, not a GLN
@example("00000000000000")  # a valid GTIN-14, not a GLN
def test_a_gln_identifier_has_exactly_thirteen_digits(number):
    accepted = code_of(lambda: normalize_participant_identifier(f"0088:{number}")) is None

    assert accepted == (len(number) == 13 and ean_check_digit(number[:12]) == number[12])


@given(st.text("0123456789", min_size=1, max_size=5), st.text(min_size=1, max_size=12).filter(str.strip))
def test_a_participant_identifier_in_an_icd_sdk_does_not_accept_is_refused(icd, value):
    assume(icd not in constants.APPROVED_ICDS)

    assert code_of(lambda: normalize_participant_identifier(f"{icd}:{value}")) == (
        "participant_identifier_icd"
    )


@given(st.text(max_size=20))
def test_every_stored_participant_identifier_is_its_own_stored_form(text):
    try:
        stored = normalize_participant_identifier(text)
    except ValidationError:
        assert participant_identifier_for_lookup(text) == text.strip().lower()
        return
    assert normalize_participant_identifier(stored) == stored
    assert participant_identifier_for_lookup(text) == stored
    assert stored.isascii()
    assert stored == stored.strip()


# ------------------------------------------------------------------------------
# Function-address identifiers: no white space, nothing invisible, no < or >
# ------------------------------------------------------------------------------
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def documented_identifier(text: str) -> bool:
    """DESIGN.md: no white space (nor anything else one cannot see), no < or >."""
    return not any(char.isspace() or char in "<>" or unicodedata.category(char) in INVISIBLE for char in text)


identifier_text = st.text(
    st.one_of(
        st.sampled_from("sdk:inkorg0203.digg.se-_/<> \t\u00a0\u200b\u2028\ufeff\u0085"),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=20,
)


@given(identifier_text)
@example("sdk:inkorg:0203:digg.se")
@example("sdk:inkorg:0203:digg.se\u200b")  # a zero-width space makes a look-alike
@example("sdk:in korg")
@example("sdk:<script>")
def test_a_function_address_identifier_is_accepted_exactly_by_the_documented_grammar(text):
    accepted = code_of(lambda: validate_identifier(text)) is None

    assert accepted == documented_identifier(text)


def case_partner(char: str) -> str:
    """The letter in the other case, where it is one letter that lower-cases as ``char`` does
    (not ß -> SS, nor ς -> Σ, which lower-cases to σ)."""
    other = char.lower() if char.isupper() else char.upper()
    return other if len(other) == 1 and other.lower() == char.lower() else char


@pytest.mark.django_db
@costly()
@given(
    st.text("sdkinkorg0203:.-ÅÄÖåäöÉéÜüΣσςΟοİıẞß", min_size=1, max_size=20).map(lambda text: f"sdk:{text}"),
    st.data(),
)
@example("sdk:ΟΔΟΣ", None)  # found: Python lower-cases a final Σ as ς, PostgreSQL as σ
@example("sdk:Överförmyndare", None)
def test_a_function_address_is_found_by_its_identifier_however_it_is_cased(identifier, data):
    typed = identifier
    if data is not None:
        flips = data.draw(st.lists(st.booleans(), min_size=len(identifier), max_size=len(identifier)))
        typed = "".join(case_partner(c) if flip else c for c, flip in zip(identifier, flips, strict=True))
    with transaction.atomic():
        address = FunctionAddressFactory(identifier=identifier)

        assert list(FunctionAddress.objects.with_identifier(f" {typed} ")) == [address]
        transaction.set_rollback(True)
