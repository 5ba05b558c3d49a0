"""The rows of the project tables (the project list, the working lists), rendered by
Jinja2: the Django template language spent 10 ms on a page of 50 rows at 10⁵ projects,
resolving every variable and calling every filter row by row; Jinja2 compiles the loop to
Python. The tables around the rows stay Django templates; the words of both (the headers,
the rows' labels on a phone) come translated from :func:`table_words`, so that they are
written once and found and translated as every other string."""

from __future__ import annotations

import operator

import jinja2
from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from investrack.closed_loop.templatetags.closed_loop import light_dot
from investrack.core.templatetags.investrack import (
    amount,
    days_overdue,
    days_since,
    is_past,
    official_date,
)
from investrack.projects.models import Stage


def environment(**options) -> jinja2.Environment:
    env = jinja2.Environment(**options)
    env.filters.update(
        amount=amount,
        official_date=official_date,
        days_since=days_since,
        days_overdue=days_overdue,
        is_past=is_past,
        light_dot=light_dot,
    )
    return env


def table_words() -> dict[str, str]:
    """The columns' names and the rows' words, for the table (``words`` in its context)
    and its rows alike."""
    return {
        "light": _("Light"),
        "project": _("Project"),
        "region_park": _("Region / park"),
        "stage": _("Stage"),
        "days_in_stage": _("Days in stage"),
        "total_investment": _("Total investment"),
        "industry": _("Industry"),
        "signed": _("Signed"),
        "responsible_leader": _("Responsible / leader"),
        "open_problems": _("Open problems"),
        "planned_date": _("Planned date"),
        "days_overdue": _("Days overdue"),
        "stalled": _("stalled"),
        "dropped": _("dropped"),
        "not_set": _("not set"),
    }


def render_jinja(name: str, **context) -> SafeString:
    """A Jinja2 template of ``investrack/jinja2`` with ``context`` and the stages' names
    (``stages``), as HTML to put in a Django template."""
    template = engines["jinja2"].get_template(name)
    stages = {stage.value: str(stage.label) for stage in Stage}
    # Jinja2 escapes every value; the lights' dots arrive marked safe.
    return mark_safe(template.render({"stages": stages, **context}))  # noqa: S308


def project_rows(page, words: dict[str, str]) -> SafeString:
    """The rows of a page of the project list (its table: projects/_project_table.html)."""
    return render_jinja(
        "projects/_project_rows.jinja",
        page=page,
        words=words,
        empty=_("No project matches these filters."),
    )


def work_rows(page, words: dict[str, str], planned_field: str) -> SafeString:
    """The rows of a page of a working list (projects/_work_table.html)."""
    return render_jinja(
        "projects/_work_rows.jinja",
        page=page,
        words=words,
        planned_of=operator.attrgetter(planned_field),
        empty=_("Nothing on this list."),
    )
