"""The change feed under real concurrency: a transaction that commits late is not skipped."""

from __future__ import annotations

import pytest

from addressbook.models import Organization
from tests.conftest import second_connection
from tests.factories import OrganizationFactory


def feed(client, after: int) -> list[dict]:
    response = client.get("/api/changes", {"filter[after]": str(after), "page[size]": "1000"})
    assert response.status_code == 200
    return response.json()["data"]


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_after_later_ones_is_still_delivered(client):
    # given a follower that has read the feed to its end
    OrganizationFactory(name="Före")
    position = max(int(change["id"]) for change in feed(client, 0))

    # when one transaction changes Malmö but commits only after another has changed Lund
    slow = second_connection()
    try:
        malmo = OrganizationFactory(name="Malmö stad")
        slow.execute(f"UPDATE {Organization._meta.db_table} SET name = %s WHERE id = %s", ("Malmö", malmo.pk))  # noqa: S608
        OrganizationFactory(name="Lunds kommun")
        first_read = feed(client, position)
        slow.commit()
    finally:
        slow.close()
    position = max([position, *(int(change["id"]) for change in first_read)])
    second_read = feed(client, position)

    # then the follower got every change exactly once: Lund's first, Malmö's update later
    resources = [
        (c["relationships"]["resource"]["data"]["id"], c["attributes"]["action"]) for c in first_read
    ]
    resources += [
        (c["relationships"]["resource"]["data"]["id"], c["attributes"]["action"]) for c in second_read
    ]
    assert (str(malmo.pk), "updated") in resources
    assert len(resources) == len(set(resources))
    assert [action for pk, action in resources if pk == str(malmo.pk)] == ["created", "updated"]
