"""Writes on accounts: personal API keys."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.models import ApiToken, User
from investrack.core import audit
from investrack.core.models import AuditEntry

MAX_ACTIVE_TOKENS = 10
KEY_PREFIX = "itk_"


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new key for ``user``; returns the record and the key, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the key, e.g. after the system that will use it.")})
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(n)s active keys: revoke one before creating another.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:64], prefix=key[:12], digest=token_digest(key)
    )
    return token, key


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.get(pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_api_key(key: str) -> User | None:
    """The active user a key belongs to, noting when it was last used; None if none."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__region", "user__park")
        .filter(digest=token_digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def sessions_end_all(*, user: User) -> None:
    """Every session of ``user`` ends at its next request (the session hash changes)."""
    from django.db.models import F

    from investrack.accounts.models import User

    User.objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    audit.record(actor=user, instance=user, action=AuditEntry.Action.UPDATE,
                 changes={"sessions": ["", "ended everywhere"]})  # fmt: skip
