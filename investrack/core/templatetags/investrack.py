"""Template filters: amounts in 万元/亿元, land in 亩, days in stage and overdue."""

import datetime

from django import template
from django.utils import timezone

from investrack.core.units import format_amount, format_area, format_date, to_wan

register = template.Library()


@register.filter
def amount(value, currency="CNY"):
    return format_amount(value, currency or "CNY")


@register.filter
def wan(value):
    """An amount in 万元 as a plain number (for tables whose header names the unit)."""
    value = to_wan(value)
    return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


@register.filter
def official_date(value):
    """2023年10月9日 (English: 2023-10-09)."""
    return format_date(value)


@register.filter
def area(value):
    return format_area(value)


@register.filter
def days_since(value):
    if not value:
        return ""
    return (timezone.localdate() - value).days


@register.filter
def days_overdue(value):
    """Days past a planned date (0 if not yet due, blank if none is set)."""
    if not value:
        return None
    return max((timezone.localdate() - value).days, 0)


@register.filter
def get_attr(obj, name):
    return getattr(obj, name, None)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sort and page links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def is_past(value):
    return bool(value) and value < timezone.localdate()


@register.filter
def field_label(name):
    """The translated label of a project field, for the change history."""
    from investrack.projects.models import Project

    try:
        return Project._meta.get_field(name).verbose_name
    except Exception:
        return name


AMOUNT_FIELDS = {"total_investment", "expected_annual_output", "expected_annual_tax"}


@register.filter
def history_value(value, field):
    """A value from the change history, shown in the unit officials read."""
    from decimal import Decimal, InvalidOperation

    from django.utils.dateformat import format as date_format
    from django.utils.formats import get_format

    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    try:
        if field in AMOUNT_FIELDS:
            return format_amount(Decimal(value))
        if field == "land_area":
            return format_area(Decimal(value))
    except InvalidOperation:
        return value
    if field.startswith("planned_"):
        try:
            return date_format(datetime.date.fromisoformat(value), get_format("DATE_FORMAT"))
        except ValueError:
            return value
    return value
