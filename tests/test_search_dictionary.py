"""The search dictionary: every word of every search document, kept by statement triggers."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from addressbook.models import FunctionAddress, Organization, SearchWord
from tests.factories import FunctionAddressFactory, OrganizationFactory, SubOrganizationFactory

pytestmark = pytest.mark.django_db


def words() -> set[str]:
    return set(SearchWord.objects.values_list("word", flat=True))


def made_up_word(n: int) -> str:
    """A distinct alphabetic word per number (a word of digits is no dictionary word)."""
    letters = ""
    while True:
        n, digit = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not n:
            return "ord" + letters


def test_a_new_record_adds_its_words_folded_once():
    # given an organisation and an address with accented and repeated words
    malmo = OrganizationFactory(name="Malmö stad", participant_identifier="0203:malmo.se")
    FunctionAddressFactory(
        organization=malmo, name="Överförmyndaren Malmö", identifier="sdk:of:0203:malmo.se"
    )

    # then their words are there, without accents, once each; numbers and short words are not
    assert {"malmo", "stad", "overformyndaren"} <= words()
    assert SearchWord.objects.filter(word="malmo").count() == 1
    assert not {"0203", "se", "of"} & words()


def test_a_change_that_keeps_the_words_adds_nothing():
    organization = OrganizationFactory(name="Kulturförvaltningen")
    before = SearchWord.objects.count()

    organization.description = ""
    organization.status = "inactive"
    organization.save()

    assert SearchWord.objects.count() == before


def test_a_rename_cascades_new_words_from_the_parent_into_the_dictionary():
    parent = OrganizationFactory(name="Region Norrbotten")
    SubOrganizationFactory.create_batch(2, parent=parent)

    Organization.objects.filter(pk=parent.pk).update(name="Region Västernorrland")

    assert "vasternorrland" in words()


def test_generated_data_fills_the_dictionary():
    call_command("generate_dataset", organizations=12, addresses=40, seed=3, stdout=None)

    names = " ".join(FunctionAddress.objects.values_list("search_document", flat=True))
    assert {word for word in names.split() if word.isalpha() and 3 <= len(word) <= 64} <= words()


def dictionary_work(rows: int, owner: Organization, start: int) -> dict[str, int]:
    """Dictionary table statistics of this transaction for a bulk load of ``rows`` addresses."""

    def counters() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(seq_scan, 0), coalesce(seq_tup_read, 0), coalesce(idx_scan, 0), n_tup_ins"
                " FROM pg_stat_xact_user_tables WHERE relname = 'addressbook_searchword'"
            )
            return dict(
                zip(("seq_scan", "seq_tup_read", "idx_scan", "inserted"), cursor.fetchone(), strict=True)
            )

    before = counters()
    for batch in range(start, start + rows, 500):
        FunctionAddress.objects.bulk_create(
            FunctionAddress(
                organization=owner,
                identifier=f"sdk:{n}:0203:bulk.se",  # no new word but the name's
                name=f"Brevlåda {made_up_word(n)} {made_up_word(n + 1)}",
            )
            for n in range(batch, batch + 500)
        )
    after = counters()
    return {name: after[name] - before[name] for name in after}


def test_the_dictionary_triggers_grow_linearly_with_a_bulk_load():
    # given bulk loads of N and 4N addresses, each with new words, in one transaction
    owner = OrganizationFactory(name="Bulkverket", participant_identifier="0203:bulk.se")
    small = dictionary_work(1000, owner, start=0)
    large = dictionary_work(4000, owner, start=100_000)

    # then every new word is stored once, by index probes in proportion to the rows,
    # and the growing dictionary is never scanned
    assert small["inserted"] == 1001 + 2  # and the first load's "brevlada" and "sdk"
    assert large["inserted"] == 4001
    assert small["seq_scan"] == large["seq_scan"] == 0
    assert large["idx_scan"] <= 4 * small["idx_scan"] * 1.1
