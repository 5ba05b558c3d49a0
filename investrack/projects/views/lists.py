"""The overview and the project lists (all projects, the four working lists)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from investrack.accounts.permissions import scope
from investrack.closed_loop.lights import LightBook, light_counts
from investrack.closed_loop.models import LightTotal
from investrack.closed_loop.selectors import problem_counts
from investrack.projects import selectors
from investrack.projects.filters import industry_choices
from investrack.projects.views import rows

WORK_LIST_TITLES = {
    "to-sign": (gettext_lazy("To sign"), "促签约"),
    "to-start": (gettext_lazy("To start"), "促开工"),
    "to-complete": (gettext_lazy("To complete"), "促竣工"),
    "to-produce": (gettext_lazy("To production"), "促投产"),
}


def _list_page(request, filterset):
    paginator = selectors.ListPaginator(
        filterset.rows, settings.PAGE_SIZE, book=filterset.book, count=filterset.known_count()
    )
    return paginator.get_page(request.GET.get("page"))


def _with_reasons(page, book):
    """Why each row of the page is lit, in words (the rows already carry their levels)."""
    for project in page:
        project.light_reasons = [text for _level, text in book.reasons(project)]
    return page


def _is_htmx(request) -> bool:
    """A swap of the results only (not a boosted link, not a restore of the history)."""
    return (
        request.headers.get("HX-Request") == "true"
        and not request.headers.get("HX-Boosted")
        and not request.headers.get("HX-History-Restore-Request")
    )


def _list_response(request, context, *, partial: str, page: str):
    """The list page, or only its results for an htmx swap; caches keep the two apart."""
    response = render(request, partial if _is_htmx(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def home(request):
    stages, work_counts = selectors.stage_overview(user=request.user)
    return render(
        request,
        "projects/home.html",
        {
            "stages": stages,
            "work_counts": work_counts,
            "lights": light_counts(
                selectors.projects_visible_to(request.user),
                LightBook.load(),
                totals=scope(request.user, LightTotal.objects.all()),
            ),
            "problems": problem_counts(user=request.user),
        },
    )


@login_required
@require_safe
def project_list(request):
    filterset = selectors.project_list(user=request.user, params=request.GET)
    page = _with_reasons(_list_page(request, filterset), filterset.book)
    words = rows.table_words()
    context = {
        "filter": filterset,
        "page": page,
        "words": words,
        "rows": rows.project_rows(page, words),
        "industries": industry_choices(),
    }
    return _list_response(
        request, context, partial="projects/_project_table.html", page="projects/list.html"
    )


@login_required
@require_safe
def work_list(request, kind: str):
    if kind not in selectors.WORK_LISTS:
        raise Http404
    filterset = selectors.work_list(user=request.user, kind=kind, params=request.GET)
    page = _with_reasons(_list_page(request, filterset), filterset.book)
    title, chinese = WORK_LIST_TITLES[kind]
    words = rows.table_words()
    context = {
        "filter": filterset,
        "page": page,
        "words": words,
        "rows": rows.work_rows(page, words, filterset.planned_field),
        "kind": kind,
        "title": title,
        "planned_field": filterset.planned_field,
        "industries": industry_choices(),
        "work_lists": WORK_LIST_TITLES,
    }
    return _list_response(
        request, context, partial="projects/_work_table.html", page="projects/work_list.html"
    )
