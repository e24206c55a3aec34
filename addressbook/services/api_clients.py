"""API clients: create one (its token is returned once), revoke it, give it a new token."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from addressbook.models import ApiClient, Organization
from addressbook.models.api_clients import TOKEN_PREFIX_LENGTH, hash_token

# Minutes between writes of last_used_at: one UPDATE per client per minute, not per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def api_client_issue_token(client: ApiClient) -> str:
    """Give ``client`` a new token (not yet saved) and return it: the only time it is visible."""
    token = secrets.token_urlsafe(32)
    client.token_prefix = token[:TOKEN_PREFIX_LENGTH]
    client.token_hash = hash_token(token)
    client.revoked_at = None
    return token


@transaction.atomic
def api_client_create(
    *,
    name: str,
    organization: Organization | None = None,
    contact: str = "",
    expires_at: datetime.datetime | None = None,
    throttle_rate: str = "",
) -> tuple[ApiClient, str]:
    """Create a client and return it with its token, which is not stored and cannot be shown again."""
    client = ApiClient(
        name=name,
        organization=organization,
        contact=contact,
        expires_at=expires_at,
        throttle_rate=throttle_rate,
    )
    token = api_client_issue_token(client)
    client.full_clean()
    client.save()
    return client, token


@transaction.atomic
def api_client_rotate_token(*, client: ApiClient) -> str:
    """Give a client a new token (the old one stops working at once) and return it."""
    token = api_client_issue_token(client)
    client.save(update_fields=["token_prefix", "token_hash", "revoked_at", "updated_at"])
    return token


def api_clients_revoke(*, clients) -> int:
    """Revoke clients' tokens now. Returns how many were revoked.

    A new updated_at too: it is the clients' version, so an admin form opened before is stale.
    """
    return clients.filter(revoked_at=None).update(revoked_at=timezone.now(), updated_at=Now())


def api_client_authenticate(token: str) -> ApiClient | None:
    """The usable client a token belongs to, noting (at most once a minute) that it was used."""
    client = ApiClient.objects.filter(token_hash=hash_token(token)).first()
    if client is None or not client.is_usable:
        return None
    now = timezone.now()
    if client.last_used_at is None or client.last_used_at < now - LAST_USED_RESOLUTION:
        # After the request's transaction: its row lock then lasts one statement, not a request.
        transaction.on_commit(lambda: _note_use(client.pk, now))
    return client


def _note_use(client_id, now: datetime.datetime) -> None:
    # A conditional UPDATE: concurrent requests write once, and nothing else is touched.
    ApiClient.objects.filter(pk=client_id).exclude(last_used_at__gte=now - LAST_USED_RESOLUTION).update(
        last_used_at=now
    )
