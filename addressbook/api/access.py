"""Who may use the API: token authentication, the optional token requirement, rate limits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions, throttling

from addressbook.api.rate_limits import WindowRateThrottle
from addressbook.services.api_clients import api_client_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` identifies an API client (a machine, not a person)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword.lower() != self.keyword.lower() or not token.strip():
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <token>.")
        failures = FailedTokenThrottle()
        if not failures.allow_request(request, None):
            # Guessing tokens costs a lookup each: an address that keeps failing is slowed down.
            raise exceptions.Throttled(failures.wait())
        client = api_client_authenticate(token.strip())
        if client is None:
            failures.record_failure(request)
            raise exceptions.AuthenticationFailed("Unknown, expired or revoked token.")
        # A machine, not a person: no Django user; permissions and throttles look at request.auth.
        return (AnonymousUser(), client)

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ReadAccess(permissions.BasePermission):
    """Anonymous reads are allowed (as in the reference), unless API_REQUIRE_TOKEN is set."""

    message = "This address book requires an API token."

    def has_permission(self, request, view) -> bool:
        return request.auth is not None or not settings.API_REQUIRE_TOKEN


class ClientRateThrottle(WindowRateThrottle):
    """Requests per API client, at the client's own rate or the default one."""

    scope = "client"

    def allow_request(self, request, view):
        client = request.auth
        if client is None:
            return True
        if client.throttle_rate:
            self.rate = client.throttle_rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AnonymousRateThrottle(WindowRateThrottle):
    """Requests per address for those without a token."""

    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FailedTokenThrottle(throttling.SimpleRateThrottle):
    """Failed token attempts per address; counts only failures (see ApiTokenAuthentication)."""

    scope = "failed_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        # Only looks: an attempt is counted by record_failure(), when it has failed.
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) < self.num_requests

    def record_failure(self, request) -> None:
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
