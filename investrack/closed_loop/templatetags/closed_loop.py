"""The warning light of a row, as a filter: lists render it for every row of a page, and a
template include per row costs far more than this."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def light_dot(project) -> str:
    """A red or yellow dot with its reasons: on hover, and as text where nothing hovers
    (a phone's card, a touchscreen); nothing for an unlit project."""
    level = getattr(project, "light", 0)
    if not level:
        return ""
    label = _("Red") if level == 2 else _("Yellow")
    reasons = "；".join(getattr(project, "light_reasons", None) or [])
    return format_html(
        '<span class="light l{}" title="{}" role="img" aria-label="{}"></span>'
        '<span class="sr">{}</span><span class="light-why l{}">{}</span>',
        level,
        reasons,
        label,
        label,
        level,
        reasons,
    )
