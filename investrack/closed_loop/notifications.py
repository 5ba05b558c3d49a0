"""The inbox and e-mail. ``notify`` is idempotent: one notification per user and key, so a
job that runs twice, or a step retried, never tells anyone twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import transaction
from django.utils import timezone

from investrack.closed_loop import robots
from investrack.closed_loop.models import Notification

log = logging.getLogger(__name__)


def notify(*, users, kind: str, key: str, title: str, body: str = "", url: str = "") -> None:
    """Put a notification in each user's inbox (once per key) and e-mail it after commit."""
    rows = [
        Notification(user_id=user_id, kind=kind, key=key, title=title[:200], body=body, url=url)
        for user_id in {getattr(u, "pk", u) for u in users if u is not None}
    ]
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        robots.queue(rows)
        transaction.on_commit(send_pending_emails)


def notify_many(rows: list[Notification]) -> None:
    """Many different notifications at once (the daily job)."""
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    robots.queue(rows)


def send_pending_emails() -> int:
    """E-mail every notification not yet e-mailed to users who have an address.

    A failure of the mail server leaves them pending; the next call (or the daily job)
    tries again. Returns how many were sent."""
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("id")[:5000]
    )
    if not pending:
        return 0
    base = settings.SITE_URL.rstrip("/")
    messages = [
        EmailMessage(
            subject=n.title,
            body="\n\n".join(part for part in [n.body, base + n.url if n.url else ""] if part),
            to=[n.user.email],
        )
        for n in pending
    ]
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except OSError:
        log.exception("E-mail could not be sent; %d notifications stay pending", len(pending))
        return 0
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return len(pending)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox(user):
    return Notification.objects.filter(user=user)


def mark_read(*, user, pk: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
