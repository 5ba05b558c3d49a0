"""大屏: the command room's full-screen view of the figures (dark, 1920×1080 and 3840×2160):
the headline figures against targets, the map, the stages, the race, the red projects, the
time of the figures. It refreshes its panels in place (htmx) without reloading the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from investrack.core.periods import Period
from investrack.core.units import format_amount
from investrack.insights import selectors
from investrack.insights.race import city_of, race
from investrack.insights.views.figures import _figure_cells
from investrack.insights.views.maps import county_figures
from investrack.projects import selectors as project_selectors
from investrack.regions.models import Indicator
from investrack.regions.outlines import outline_for

REFRESH_SECONDS = 120  # ?refresh=N sets it for one screen, from 5 s to an hour
RED_ROWS = 30
HEADLINES = [Indicator.INTRODUCED, Indicator.INTRODUCED_INVESTMENT, Indicator.OVER_1YI,
             Indicator.STARTED, Indicator.COMPLETED, Indicator.INVESTMENT_COMPLETED]  # fmt: skip


@login_required
@require_safe
def screen(request):
    area = selectors.area_for(request.user)
    period = Period.year_to_date(timezone.localdate())
    table = selectors.area_table(area, period)
    cells = {c["indicator"]: c for c in _figure_cells(table.total, table, {})}
    funnel = selectors.stage_funnel(area, period.as_of, known_on=None)
    city = city_of(request.user)
    standings = race(city, period.until, reds=False) if city is not None else []
    filterset = project_selectors.project_list(
        user=request.user, params=QueryDict("light=red&sort=-total_investment")
    )
    first = project_selectors.ListPaginator(
        filterset.rows, RED_ROWS, book=filterset.book, count=filterset.known_count()
    ).get_page(1)
    reds = list(first)
    for project in reds:
        project.light_reasons = [text for _level, text in filterset.book.reasons(project)]
    context = {
        "area": area,
        "period": period,
        "made_at": timezone.localtime(),
        "headlines": [cells[i.value] for i in HEADLINES if i.value in cells],
        "standings": standings[:12],
        "reds": reds,
        "red_count": first.paginator.count,  # counted once, by the page
        "refresh": _refresh(request.GET.get("refresh", "")),
        "screen_data": {
            "funnel": [
                {"name": str(s["label"]), "value": s["count"], "amount": format_amount(s["amount"])}
                for s in funnel
            ],
            "map": {
                "outline_url": reverse("insights:map_outline")
                if city is not None and outline_for(city)[0] is not None
                else "",
                "points_url": reverse("insights:map_points"),
                "counties": county_figures(table, period, Indicator.INTRODUCED),
                "indicator": str(Indicator.INTRODUCED.label),
            },
            "labels": {"projects": _("Projects")},
        },  # fmt: skip
    }
    template = (
        "insights/_screen_panels.html"
        if request.headers.get("HX-Request")
        else ("insights/screen.html")
    )
    return render(request, template, context)


def _refresh(asked: str) -> int:
    return min(max(int(asked), 5), 3600) if asked.isdigit() else REFRESH_SECONDS
