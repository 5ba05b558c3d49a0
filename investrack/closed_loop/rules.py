"""Rules of the closed loop as pure functions: the services, the models' own validation
(forms and the back office) and the importer ask these, so each rule is written once."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from investrack.core.units import format_date


def approval_date_errors(
    *,
    status: str,
    submitted_on: datetime.date | None,
    approved_on: datetime.date | None,
    today: datetime.date,
) -> dict[str, str]:
    """What is wrong with an approval item's status and dates, by field."""
    from investrack.closed_loop.models import ApprovalStatus

    errors: dict[str, str] = {}
    for field, value in (("submitted_on", submitted_on), ("approved_on", approved_on)):
        if value and value > today:
            errors[field] = _("%(date)s is in the future.") % {"date": format_date(value)}
    if status == ApprovalStatus.APPROVED and not approved_on:
        errors["approved_on"] = _("Enter the date it was approved.")
    if status != ApprovalStatus.APPROVED and approved_on:
        errors["approved_on"] = _("Only an approved item has an approval date.")
    if submitted_on and approved_on and approved_on < submitted_on:
        errors["approved_on"] = _("It cannot be approved before it was submitted.")
    if status == ApprovalStatus.NOT_STARTED and submitted_on:
        errors["submitted_on"] = _("An item not started has not been submitted.")
    return errors


def warning_threshold_errors(
    *, kind: str, yellow_at: Decimal | None, red_at: Decimal | None
) -> dict[str, str]:
    """Red lies beyond yellow: later for the rules counting days, lower for the standards."""
    if yellow_at is None or red_at is None:
        return {}
    if kind in ("low_intensity", "low_tax"):
        if red_at > yellow_at:
            return {"red_at": _("Red must be at or below yellow for a standard per mu.")}
    elif red_at < yellow_at:
        return {"red_at": _("Red must be at or beyond yellow.")}
    return {}
