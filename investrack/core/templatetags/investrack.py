"""Template filters: amounts in 万元/亿元, land in 亩, days in stage and overdue."""

import datetime

from django import template
from django.utils import timezone

from investrack.core.units import format_amount, format_area, format_date, format_datetime, to_wan

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
def official_datetime(value):
    """2026年12月1日 07:11 in the server's time zone (English: 2026-12-01 07:11)."""
    return format_datetime(value)


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
def minutes(value: datetime.timedelta | None):
    """A duration in whole minutes."""
    return int(value.total_seconds() // 60) if value else 0


@register.filter
def get_field(form, name):
    """A form's bound field by name (for error messages that name the field's label)."""
    try:
        return form[name]
    except KeyError:
        return None


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
