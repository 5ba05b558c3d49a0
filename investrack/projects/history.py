"""The change history of a project in the words of its form: labels as the form names
them, choices by their label, amounts in 万元/亿元 with their currency, dates in Chinese."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from investrack.core import audit
from investrack.core.units import format_amount, format_area, format_date
from investrack.projects.models import Project

# The form's labels where the model's name speaks of the stored unit (元).
LABELS = {
    "total_investment": _("Total investment"),
    "foreign_investment": _("Foreign investment"),
    "expected_annual_output": _("Expected annual output"),
    "expected_annual_tax": _("Expected annual tax"),
    "land_area": _("Land area"),
}
AMOUNTS = {"total_investment", "expected_annual_output", "expected_annual_tax"}


def _value(name: str, value, currency: str = "CNY"):
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    try:
        field = Project._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed: shown as stored
        return str(value)
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    try:
        if name in AMOUNTS:
            return format_amount(Decimal(value))
        if name == "foreign_investment":
            return format_amount(Decimal(value), currency)
        if name == "land_area":
            return format_area(Decimal(value))
    except InvalidOperation:
        return str(value)
    if isinstance(value, str) and (name.endswith("_date") or name.endswith("_on")):
        try:
            return format_date(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return value


def _label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    try:
        return Project._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001
        return name


def lines(changes: dict) -> list[tuple[str, str, str]]:
    """(label, before, after) for each change; the currency goes with the amount it is of."""
    currency = changes.get("foreign_currency", [None, None])
    rows = []
    for name, (before, after) in changes.items():
        if name == "foreign_currency":
            continue
        if name == "foreign_investment":
            rows.append(
                (
                    _label(name),
                    _value(name, before, currency[0] or "USD"),
                    _value(name, after, currency[1] or "USD"),
                )
            )
            continue
        rows.append((_label(name), _value(name, before), _value(name, after)))
    if "foreign_currency" in changes and "foreign_investment" not in changes and all(currency):
        # Only a real switch of currency; the default set on a project without foreign
        # investment says nothing.
        rows.append((_label("foreign_currency"), currency[0], currency[1]))
    return rows


def project_history(project: Project) -> list:
    """The project's audit entries, newest first, each with ``lines`` to show."""
    entries = list(audit.history_for(project))
    for entry in entries:
        entry.lines = lines(entry.changes or {})
    return entries
