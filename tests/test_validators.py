"""The identifier and number rules that keep routing data clean."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from addressbook import validators
from tests.factories import with_luhn_digit


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("212000-1124", "2120001124"),
        ("2120001124", "2120001124"),
        ("16212000-1124", "2120001124"),
        ("162120001124", "2120001124"),
        (" 212000-1124 ", "2120001124"),
    ],
)
def test_organization_number_accepts_every_swedish_spelling(typed, stored):
    assert validators.normalize_organization_number(typed) == stored


@pytest.mark.parametrize("typed", ["212000-1125", "2120001120"])
def test_organization_number_with_wrong_check_digit_is_refused(typed):
    with pytest.raises(ValidationError) as caught:
        validators.normalize_organization_number(typed)
    assert caught.value.code == "organization_number_check_digit"


@pytest.mark.parametrize("typed", ["21200011", "212000-11245", "abcdef-ghij", "172120001124", ""])
def test_organization_number_in_wrong_shape_is_refused(typed):
    with pytest.raises(ValidationError) as caught:
        validators.normalize_organization_number(typed)
    assert caught.value.code == "organization_number_format"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0203:malmo.se", "0203:malmo.se"),
        ("0203:Malmo.SE", "0203:malmo.se"),
        ("0203:sub.domain-name.se.", "0203:sub.domain-name.se"),
        ("0007:212000-1124", "0007:2120001124"),
        ("0088:7350053850019", "0088:7350053850019"),
    ],
)
def test_participant_identifier_is_normalised(typed, stored):
    assert validators.normalize_participant_identifier(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("malmo.se", "participant_identifier_format"),
        ("0203:", "participant_identifier_format"),
        ("0203:localhost", "domain"),
        ("0203:-malmo.se", "domain"),
        ("0203:malmo..se", "domain"),
        ("0203:mal mo.se", "domain"),
        ("0203:malmo.s3", "domain"),
        ("0203:" + "a" * 64 + ".se", "domain"),
        ("0007:212000-1125", "organization_number_check_digit"),
        ("0088:7350053850018", "gln"),
        ("0088:735005385001", "gln"),
        ("9999:malmo.se", "participant_identifier_icd"),
    ],
)
def test_bad_participant_identifier_is_refused_with_its_reason(typed, code):
    with pytest.raises(ValidationError) as caught:
        validators.normalize_participant_identifier(typed)
    assert caught.value.code == code


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "a > b", "<"])
def test_angle_brackets_are_refused(text):
    with pytest.raises(ValidationError):
        validators.reject_angle_brackets(text)


def test_ordinary_swedish_text_passes():
    validators.reject_angle_brackets('Socialtjänsten, barn & unga (Malmö) – "akut"')


@pytest.mark.parametrize("identifier", ["sdk:inkorg 0203:digg.se", "sdk:inkorg\t:x", "a\nb", "sdk:<x>"])
def test_identifier_without_spaces_or_markup(identifier):
    with pytest.raises(ValidationError):
        validators.validate_identifier(identifier)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0203:malmö.se", "0203:xn--malm-8qa.se"),
        ("0203:ｍａｌｍｏ.se", "0203:malmo.se"),  # full-width letters are the same domain
    ],
)
def test_unicode_domains_are_stored_in_their_ascii_form(typed, stored):
    assert validators.normalize_participant_identifier(typed) == stored


@pytest.mark.parametrize("typed", ["٢١٢٠٠٠-١١٢٤", "２１２０００１１２４"])
def test_organization_number_in_other_digits_is_refused(typed):
    with pytest.raises(ValidationError):
        validators.normalize_organization_number(typed)


@pytest.mark.parametrize("code", ["١٢٨٠", "12 8", "128\n"])
def test_municipality_code_takes_ascii_digits_only(code):
    with pytest.raises(ValidationError):
        validators.validate_municipality_code(code)


@pytest.mark.parametrize(
    "identifier", ["sdk:inkorg\u200b:0203:digg.se", "sdk:inkorg\u00a0x", "sdk:\u202einkorg"]
)
def test_identifier_with_invisible_characters_is_refused(identifier):
    with pytest.raises(ValidationError):
        validators.validate_identifier(identifier)


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07"])
def test_control_characters_are_refused_in_text(text):
    with pytest.raises(ValidationError):
        validators.reject_control_characters(text)


def test_line_breaks_and_tabs_are_fine_in_text():
    validators.reject_control_characters("Rad ett\nRad två\tmed tabb")


# python-stdnum checks the digits; these pin the strict parsing kept around it.


@pytest.mark.parametrize("typed", ["٢١٢٠٠٠-١١٢٤", "２１２０００１１２４", "１６２１２０００１１２４"])
def test_organization_number_in_other_digits_is_a_format_error(typed):
    with pytest.raises(ValidationError) as caught:
        validators.normalize_organization_number(typed)
    assert caught.value.code == "organization_number_format"


@pytest.mark.parametrize(
    "typed",
    [
        "212000.1124",  # stdnum's orgnr.compact would drop the dot
        "212000\u20131124",  # and read an en dash as a hyphen
        "21-20001124",
        "16-2120001124",
        "SE2120001124",
        "212000112401",  # the VAT number's digits
    ],
)
def test_organization_number_accepts_only_our_own_spellings(typed):
    with pytest.raises(ValidationError) as caught:
        validators.normalize_organization_number(typed)
    assert caught.value.code == "organization_number_format"


def test_wrong_organization_check_digit_names_the_number_as_typed():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validators.normalize_organization_number(" 16212000-1125 ")
    assert caught.value.code == "organization_number_check_digit"
    assert caught.value.params == {"value": "16212000-1125"}
    assert caught.value.messages == ["The check digit of organisation number 16212000-1125 is wrong."]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("2120001124", "212000-1124"), ("", ""), ("162120001124", "162120001124")],
)
def test_organization_number_is_shown_with_a_hyphen(stored, shown):
    assert validators.format_organization_number(stored) == shown


@pytest.mark.parametrize("nine_digits", ["212000112", "556016096", "000000000", "999999999"])
def test_factory_check_digit_agrees_with_the_validator(nine_digits):
    number = with_luhn_digit(nine_digits)
    assert validators.normalize_organization_number(number) == number
    wrong = nine_digits + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError):
        validators.normalize_organization_number(wrong)


@pytest.mark.parametrize(
    "gln",
    [
        "0088:73513537",  # a valid EAN-8
        "0088:036000291452",  # a valid UPC-A (12 digits)
        "0088:98412345678908",  # a valid GTIN-14
        "0088:735005-3850019",  # stdnum's ean.compact would drop the hyphen
        "0088:7350053850019\u200b",
        "0088:７３５００５３８５００１９",
        "0088:7350053850010",
    ],
)
def test_gln_must_be_13_ascii_digits_with_the_ean13_check_digit(gln):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validators.normalize_participant_identifier(gln)
    assert caught.value.code == "gln"
    assert caught.value.messages == ["A GLN (0088) must have 13 digits with a valid check digit."]


@pytest.mark.parametrize("code", ["SE", "NO", "FI", "AX", "GB"])
def test_assigned_country_codes_are_accepted(code):
    validators.validate_country_code(code)


@pytest.mark.parametrize("code", ["se", "Se", "sE", "XX", "UK", "EU", "SWE", "S", "", " SE", "ＳＥ"])
def test_other_country_codes_are_refused(code):
    with pytest.raises(ValidationError) as caught:
        validators.validate_country_code(code)
    assert caught.value.code == "country_code"
    assert caught.value.params == {"value": code}
