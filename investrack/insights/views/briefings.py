"""Issued briefings: the list, issuing one, what changed since, the file as issued and the
file made again as known on the day it was issued."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from investrack.accounts import permissions
from investrack.accounts.permissions import get_for_user_or_404
from investrack.insights import briefing as briefings
from investrack.insights import changes, services
from investrack.insights.forms import MonthForm
from investrack.insights.selectors import area_for
from investrack.projects.models import Category

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_safe
def briefing_list(request):
    """The briefings issued in the user's jurisdiction, newest first."""
    page = Paginator(changes.issued_visible_to(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "insights/briefings.html",
        {"page": page, "may_issue": permissions.may_issue_briefing(request.user)},
    )


@login_required
@require_POST
def briefing_issue(request):
    """Issue a month's briefing of the user's jurisdiction (or a county or park in it)."""
    if not permissions.may_issue_briefing(request.user):
        raise PermissionDenied(_("Your role may read briefings but not issue them."))
    area = area_for(
        request.user, region=request.POST.get("region", ""), park=request.POST.get("park", "")
    )
    form = MonthForm(request.POST)
    category = request.POST.get("category", "")
    if not form.is_valid() or category not in ("", *Category.values):
        messages.error(request, _("Choose a month that has ended."))
        return redirect("insights:briefings")
    try:
        issued = services.briefing_issue(
            actor=request.user, area=area, month=form.chosen_month(closed=True), category=category
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("insights:briefings")
    messages.success(request, _("The briefing was issued; it is kept as it is now."))
    return redirect(issued)


def _issued(request, pk: int):
    return get_for_user_or_404(request.user, changes.issued_visible_to(request.user), pk=pk)


@login_required
@require_safe
def issued_briefing(request, pk: int):
    """One issued briefing: each figure as printed, as known on its day and as known now,
    and the records entered since."""
    issued = _issued(request, pk)
    area = changes.issued_area(issued, request.user)
    figures = changes.figure_changes(issued, area)
    projects = reverse("projects:list")
    for figure in figures:
        figure.url_now = f"{projects}?{urlencode(figure.params_now)}"
        figure.url_then = f"{projects}?{urlencode(figure.params_then)}"
    return render(
        request,
        "insights/issued_briefing.html",
        {
            "issued": issued,
            "day": changes.issued_day(issued),
            "figures": figures,
            "changed": [f for f in figures if f.changed],
            "records": changes.records_since(issued, area),
        },
    )


def _docx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_safe
def issued_briefing_file(request, pk: int):
    """The Word file as it was issued."""
    issued = _issued(request, pk)
    with issued.document.open("rb") as handle:
        return _docx(handle.read(), f"{issued.title}.docx")


@login_required
@require_safe
def issued_briefing_again(request, pk: int):
    """The briefing made again as known on the day it was issued (its figures are those it
    printed; the lights and problems it lists are read as they are now)."""
    issued = _issued(request, pk)
    area = changes.issued_area(issued, request.user)
    b = briefings.briefing_for(
        area=area,
        user=request.user,
        month=issued.month,
        category=issued.category,
        known_on=changes.issued_day(issued),
        made_at=issued.issued_at,
    )
    return _docx(
        briefings.briefing_docx(b), _("%(title)s (made again).docx") % {"title": issued.title}
    )
