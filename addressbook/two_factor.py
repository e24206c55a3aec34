"""Two-factor login for the admin: a TOTP app (with backup codes) after the password.

After the password (django-axes counts the failures), a staff member either proves a
second factor or, on first login, sets up an authenticator app. Until then the admin
site refuses them (``AddressbookAdminSite.has_permission``). ``ADMIN_REQUIRE_2FA`` makes
the second factor mandatory; without it, only those who set one up are asked for it.
"""

from __future__ import annotations

import base64
from functools import wraps

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import devices_for_user, user_has_device, verify_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10


def two_factor_satisfied(request: HttpRequest) -> bool:
    """Whether the session may use the admin as far as the second factor goes."""
    user = request.user
    if _verified(user):
        return True
    return not settings.ADMIN_REQUIRE_2FA and not user_has_device(user)


def _verified(user) -> bool:
    # OTPMiddleware adds is_verified; a user logged in during this request has none yet.
    return getattr(user, "is_verified", lambda: False)()


def two_factor_url(request: HttpRequest, next_url: str | None = None) -> str:
    """Where a password-authenticated user goes next: the code prompt, or setting one up."""
    name = "admin:two_factor_verify" if user_has_device(request.user) else "admin:two_factor_setup"
    query = urlencode({REDIRECT_FIELD_NAME: next_url}) if next_url else ""
    return reverse(name) + (f"?{query}" if query else "")


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _password_authenticated_staff(view):
    """Only for someone who passed the password step of the admin login."""

    @wraps(view)
    @never_cache
    @csrf_protect
    def wrapper(request: HttpRequest, admin_site, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff):
            return redirect(reverse("admin:login"))
        if _verified(request.user):
            return redirect(_next_url(request))
        return view(request, admin_site, *args, **kwargs)

    return wrapper


class TokenForm(forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, devices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.devices = list(devices)
        self.device = None

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        for device in self.devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                raise forms.ValidationError(
                    _("Too many wrong codes. Wait a moment and try again."), code="throttled"
                )
            self.device = verify_token(device.user, device.persistent_id, token)
            if self.device is not None:
                return token
        raise forms.ValidationError(_("The code is wrong or has expired."), code="invalid")


def _page(request: HttpRequest, admin_site, template: str, title: str, **context) -> TemplateResponse:
    context = {
        **admin_site.each_context(request),
        "title": title,
        REDIRECT_FIELD_NAME: _next_url(request),
        "redirect_field_name": REDIRECT_FIELD_NAME,
        **context,
    }
    return TemplateResponse(request, template, context)


@_password_authenticated_staff
def verify(request: HttpRequest, admin_site) -> HttpResponse:
    """Asks for the second factor of someone who has one."""
    if not user_has_device(request.user):
        return redirect(two_factor_url(request, _next_url(request)))
    devices = devices_for_user(request.user)
    form = TokenForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return _page(
        request, admin_site, "admin/addressbook/two_factor_verify.html", _("Two-factor login"), form=form
    )


def _qr_code(device: TOTPDevice) -> SafeString:
    # Inline SVG, not a data: URL or a script, so the Content-Security-Policy stays strict.
    # segno writes the markup itself; the only text in it is its own XML-escaped title.
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=str(_("QR code for the authenticator app"))
    )
    return mark_safe(svg)


@_password_authenticated_staff
def setup(request: HttpRequest, admin_site) -> HttpResponse:
    """Sets up an authenticator app on first login, then shows backup codes once."""
    user = request.user
    if user_has_device(user):
        return redirect(two_factor_url(request, _next_url(request)))
    # One pending device per user: reloading the page must not invalidate the scanned code.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=str(_("Authenticator app")), confirmed=False
    )
    form = TokenForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            backup = StaticDevice.objects.create(user=user, name=str(_("Backup codes")))
            codes = [StaticToken.random_token() for _index in range(BACKUP_CODE_COUNT)]
            StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
        otp_login(request, device)
        return _page(
            request,
            admin_site,
            "admin/addressbook/two_factor_backup_codes.html",
            _("Your backup codes"),
            codes=codes,
        )
    secret = base64.b32encode(device.bin_key).decode()
    return _page(
        request,
        admin_site,
        "admin/addressbook/two_factor_setup.html",
        _("Set up two-factor login"),
        form=form,
        qr_code=_qr_code(device),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


def two_factor_reset(*, users) -> int:
    """Removes the second factors of ``users``; they set up a new one at their next login."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user__in=users).delete()[0]
    return removed
