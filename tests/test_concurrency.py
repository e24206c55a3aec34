"""Concurrent writers cannot break the hierarchy: the cycle trigger serialises re-parenting."""

from __future__ import annotations

import threading

import psycopg
import pytest

from addressbook.models import Organization
from tests.conftest import second_connection
from tests.factories import OrganizationFactory, SubOrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_a_move_racing_an_uncommitted_move_cannot_make_a_cycle():
    # given Malmö → A and Malmö → B, both committed
    malmo = OrganizationFactory()
    a = SubOrganizationFactory(parent=malmo)
    b = SubOrganizationFactory(parent=malmo)
    update = f"UPDATE {Organization._meta.db_table} SET parent_id = %s WHERE id = %s"  # noqa: S608
    first, second = second_connection(), second_connection()
    outcome: dict[str, str] = {}

    def move_b_under_a() -> None:
        try:
            second.execute(update, (a.pk, b.pk))
            second.commit()
            outcome["b-under-a"] = "committed"
        except psycopg.errors.CheckViolation:
            second.rollback()
            outcome["b-under-a"] = "refused"

    try:
        # when one writer moves A under B and, before it commits, another moves B under A
        first.execute(update, (b.pk, a.pk))
        racer = threading.Thread(target=move_b_under_a)
        racer.start()
        racer.join(timeout=1)
        waited_for_the_first = racer.is_alive()
        first.commit()
        racer.join(timeout=30)
    finally:
        first.close()
        second.close()

    # then the second waits for the first, sees its move and is refused: no cycle
    assert waited_for_the_first
    assert outcome == {"b-under-a": "refused"}
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.parent_id, b.parent_id) == (b.pk, malmo.pk)
