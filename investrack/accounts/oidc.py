"""Single sign-on by OpenID Connect (mozilla-django-oidc), off unless OIDC_ENABLED.

Only accounts an administrator created log in this way: the provider's username claim
(OIDC_USERNAME_CLAIM) must name an active user; nobody is created. Where the provider
also tells the role (OIDC_ROLE_CLAIM) or the jurisdiction as a GB/T 2260 code
(OIDC_REGION_CLAIM), the account follows it, audited.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from investrack.accounts.models import Role, User
from investrack.core import audit
from investrack.core.models import AuditEntry

log = logging.getLogger(__name__)


class OfficialsBackend(OIDCAuthenticationBackend):
    def _username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def describe_user_by_claims(self, claims):
        return f"user {self._username(claims)}"

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if not username:
            return User.objects.none()
        return User.objects.filter(username=username, is_active=True)

    def create_user(self, claims):
        return None  # an account is created by an administrator, never by a log-in

    def update_user(self, user, claims):
        from investrack.regions.models import Region

        before = audit.snapshot(user, ["role", "region"])
        role_claim, region_claim = settings.OIDC_ROLE_CLAIM, settings.OIDC_REGION_CLAIM
        if role_claim and claims.get(role_claim) in Role.values:
            user.role = claims[role_claim]
        if region_claim and claims.get(region_claim):
            region = Region.objects.filter(code=str(claims[region_claim])).first()
            if region is not None:
                user.region = region
                if user.park_id and user.park.region_id != region.pk:
                    user.park = None
            else:
                log.warning("OIDC: unknown region code %r for %s", claims[region_claim], user)
        changes = audit.diff(before, audit.snapshot(user, ["role", "region"]))
        if changes:
            user.save(update_fields=["role", "region", "park"])
            audit.record(
                actor=user, instance=user, action=AuditEntry.Action.UPDATE, changes=changes
            )
        return user


def _enabled():
    if not settings.OIDC_ENABLED:
        raise Http404(_("Single sign-on is not set up."))


def oidc_authenticate(request):
    _enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


class _Callback(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        messages.error(
            self.request,
            _(
                "Single sign-on did not log you in: your account must first be created by "
                "an administrator. Ask them, or log in with your password."
            ),
        )
        return resolve_url(settings.LOGIN_URL)


def oidc_callback(request):
    _enabled()
    return _Callback.as_view()(request)
