"""项目地图: the counties coloured by an indicator as of a date (each opening its list), and
the projects as points sized by investment and coloured by light, filtered like the list."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Count, DecimalField, Max, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from investrack.accounts.permissions import regions_for, scope
from investrack.core.units import YI
from investrack.insights import selectors
from investrack.insights.indicators import figure_text
from investrack.insights.race import city_of
from investrack.insights.views.figures import _area, _period_form, projects_url
from investrack.projects import selectors as project_selectors
from investrack.projects.map_cells import cell_of, on_the_map
from investrack.projects.models import Category, MapCell
from investrack.regions.models import Indicator
from investrack.regions.outlines import outline_for, outlined_names

# Beyond this many projects the points are summed per cell of a grid (0.01°, about 1 km).
MAX_POINTS = 3000
PERIOD_PARAMS = ("indicator", "from", "to", "as_of", "known_on")


def county_figures(table, period, indicator: str, category: str = "") -> list[dict]:
    """Each county's figure of ``indicator`` as the map colours it, with its target and
    the list behind it (the dashboard's drill-down link)."""
    counties = []
    for row in table.rows:
        figure = row.figures[indicator]
        counties.append(
            {
                "name": row.name,
                "value": float(figure.actual or 0),
                "text": figure_text(indicator, figure.actual),
                "target": figure_text(indicator, figure.target),
                "completion": figure.completion,
                "url": projects_url({"category": category, **row.scope_params(),
                                     "indicator": indicator, **period.params()}),
            }
        )  # fmt: skip
    return counties


@login_required
@require_safe
def city_map(request):
    city = city_of(request.user)
    if city is None:
        raise Http404
    area = _area(request)
    form = _period_form(request)
    period, category = form.period(), form.chosen_category
    indicator = request.GET.get("indicator") or Indicator.INTRODUCED
    if indicator not in Indicator.values:
        indicator = Indicator.INTRODUCED
    outline, source = outline_for(city)
    drawn = outlined_names(outline)
    table = selectors.area_table(area, period, level="county", category=category)
    counties = county_figures(table, period, indicator, category)
    missing = [c for c in counties if c["name"] not in drawn]
    # The points follow the list's filters (county, park, category …), not the period.
    filters = {k: v for k, v in request.GET.items() if k not in PERIOD_PARAMS}
    context = {
        "area": area,
        "form": form,
        "period": period,
        "indicator": indicator,
        "map_indicators": Indicator.choices,
        "categories": Category.choices,
        "regions": regions_for(request.user),
        "source": source,
        "has_outline": outline is not None,
        "missing": missing,
        "map_data": {
            "outline_url": reverse("insights:map_outline"),
            "points_url": reverse("insights:map_points") + "?" + urlencode(filters),
            "counties": counties,
            "indicator": str(Indicator(indicator).label),
            "unit": _("100 million yuan"),
            # With {n} for the number: the script fills it in.
            "count_text": _("{n} projects with a place on the map"),
            "cells_text": _("{n} projects with a place, summed per cell of about 1 km"),
        },
    }
    return render(request, "insights/map.html", context)


@login_required
@require_safe
@cache_control(private=True, max_age=3600)
def map_outline(request):
    city = city_of(request.user)
    outline = outline_for(city)[0] if city is not None else None
    if outline is None:
        raise Http404
    return JsonResponse(outline)


@login_required
@require_safe
def map_points(request):
    """The projects of the list's filters that have a place: each one, or per grid cell
    when they are many (the count and the sums exact, the position the cell's centre)."""
    filterset = project_selectors.project_list(user=request.user, params=request.GET)
    if not filterset.is_valid():  # the list says so in its error box; the data, with a 400
        errors = {name: [str(e) for e in errs] for name, errs in filterset.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    placed = on_the_map(filterset.qs).order_by()
    # The cells first: their sums give the count, and when the projects are few they are
    # shown one by one instead. Filtered by what the kept cells know, they are read from
    # those (a few thousand rows where the city has a million projects); else summed here.
    kept = _kept_cells(request.user, filterset)
    cells = kept if kept is not None else _summed_cells(placed)
    count = sum(c["n"] for c in cells)
    if count <= MAX_POINTS:
        light = Coalesce("recorded_light__light", 0)
        rows = placed.values_list("pk", "name", "longitude", "latitude", "total_investment", light)
        points = [
            {"name": name, "value": [float(lon), float(lat), _yi(amount)], "light": level,
             "url": reverse("projects:detail", args=[pk])}
            for pk, name, lon, lat, amount, level in rows
        ]  # fmt: skip
        return JsonResponse({"count": count, "clustered": False, "points": points})
    list_url = reverse("projects:list") + "?" + request.GET.urlencode()
    points = [
        {"name": str(c["n"]), "count": c["n"],
         "value": [float(c["lon"]), float(c["lat"]), _yi(c["amount"])], "light": c["light"],
         "url": list_url}
        for c in cells
    ]  # fmt: skip
    return JsonResponse({"count": count, "clustered": True, "points": points})


# The list's filters the kept cells can answer (with the default status, active).
KEPT_FILTERS = {"region", "park", "category", "sort", "status"}


def _kept_cells(user, filterset) -> list[dict] | None:
    """The cells of the kept table in the user's jurisdiction and the list's county, park
    and category; None when the list is filtered by anything else."""
    data = filterset.form.cleaned_data
    if data.get("status") not in (None, "", "active"):
        return None
    if any(value not in (None, "", []) for name, value in data.items() if name not in KEPT_FILTERS):
        return None
    rows = scope(user, MapCell.objects.all())
    for name in ("region", "park", "category"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    # Summed per cell and light by the database (a few rows per cell, not one per county,
    # park and category); a light counts where it still has projects (the rows are a
    # ledger: a project that changed light left a +1 and a -1 under the old one).
    per_light = (
        rows.order_by()
        .values("longitude", "latitude", "light")
        .annotate(n=Sum("projects"), amount=Sum("investment"))
        .filter(n__gt=0)
        .values_list("longitude", "latitude", "light", "n", "amount")
    )
    cells: dict[tuple, dict] = {}
    for lon, lat, light, n, amount in per_light:
        cell = cells.setdefault((lon, lat), {"lon": lon, "lat": lat, "n": 0, "amount": 0,
                                             "light": 0})  # fmt: skip
        cell["n"] += n
        cell["amount"] += amount
        cell["light"] = max(cell["light"], light)
    return list(cells.values())


def _summed_cells(placed) -> list[dict]:
    light = Coalesce("recorded_light__light", 0)
    return list(
        placed.annotate(lon=cell_of("longitude"), lat=cell_of("latitude"))
        .values("lon", "lat")
        .annotate(
            n=Count("pk"),
            amount=Sum("total_investment", output_field=DecimalField()),
            light=Max(light),
        )
    )


def _yi(amount) -> float:
    return float((amount or Decimal(0)) / YI)
