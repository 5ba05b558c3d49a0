"""One call to record a change: ``record(actor=..., instance=..., action=..., changes=...)``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models

from investrack.core.models import AuditEntry


def plain(value):
    """A JSON-safe, human-readable form of a field value."""
    if value is None:
        return None
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The current values of ``fields`` (many-to-many included), for a later diff."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = plain(list(getattr(instance, name).all())) if instance.pk else []
        else:
            values[name] = plain(getattr(instance, name))
    return values


def diff(before: dict, after: dict) -> dict:
    """``{field: [before, after]}`` for every field whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record(*, actor, instance: models.Model, action: str, changes: dict) -> AuditEntry | None:
    """Append an audit entry; a change that changed nothing records nothing."""
    if action == AuditEntry.Action.UPDATE and not changes:
        return None
    return AuditEntry.objects.create(
        table=instance._meta.label_lower,
        object_id=instance.pk,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        changes=changes,
    )


def history_for(instance: models.Model):
    return AuditEntry.objects.filter(
        table=instance._meta.label_lower, object_id=instance.pk
    ).select_related("actor")
