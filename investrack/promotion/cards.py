"""The cards of the bureau's two queues — the 撞单 conflicts and the projects likely
counted twice — each pair with its decision form, rendered by Jinja2 as the project
tables' rows are (``projects/views/rows.py``): the Django template language spent a third
of the 撞单 queue's time resolving each card's variables. The pages around them stay
Django templates; the cards' words come translated from here."""

from __future__ import annotations

from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from investrack.projects.views.rows import render_jinja


def _words() -> dict[str, str]:
    return {
        "county": _("County"),
        "project": _("Project"),
        "stage": _("Stage"),
        "lead_date": _("Lead date"),
        "registered_by": _("Registered by"),
        "total_investment": _("Total investment"),
        "decision": _("Decision"),
        "decide": _("Decide"),
    }


def _render(request, name: str, **context) -> SafeString:
    # The token's field written once for every form of the page: the backend's own
    # ``csrf_input`` masks the token afresh each time it is written (32 forms: 3 ms).
    return render_jinja(name, csrf_input=csrf_input(request), **context)


def conflict_cards(request, conflicts, *, may_decide: bool, failed, form) -> SafeString:
    """The 撞单 queue's cards (its page: promotion/conflicts.html)."""
    words = _words() | {
        "registered_first": _("Registered first"),
        "registered_later": _("Registered later"),
        "theirs": _("another county's lead"),
        "same_name": _("same company name"),
        "same_code": _("same unified social credit code"),
        "none": _("No conflicting leads: no investor is chased by two counties."),
    }
    return _render(
        request,
        "promotion/_conflict_cards.jinja",
        conflicts=conflicts,
        words=words,
        may_decide=may_decide,
        failed=failed,
        form=form,
        decide_url=lambda first, second: reverse("promotion:decide", args=[first, second]),
    )


def _reason(kind: str, value, candidate) -> str:
    if kind == "code":
        return _("The same national project code %(code)s") % {"code": value}
    return _("The same investor %(investor)s; names %(alike)s%% alike; amounts within a tenth") % {
        "investor": candidate.first.investor.name,
        "alike": value,
    }


def duplicate_cards(request, candidates, *, may_decide: bool, failed, form) -> SafeString:
    """The cards of a page of the projects likely counted twice (promotion/duplicates.html)."""
    words = _words() | {
        "registered_earlier": _("Registered earlier"),
        "registered_afterwards": _("Registered afterwards"),
        "theirs": _("another county's project"),
        "none": _("No project looks counted twice."),
    }
    return _render(
        request,
        "promotion/_duplicate_cards.jinja",
        candidates=candidates,
        words=words,
        reason=_reason,
        may_decide=may_decide,
        failed=failed,
        form=form,
        decide_url=lambda first, second: reverse(
            "promotion:duplicate_decide", args=[first, second]
        ),
    )
