"""The identifier and number rules that keep routing data clean."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from addressbook import validators


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


@pytest.mark.parametrize("code", ["١٢٨٠", "12 8"])
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
