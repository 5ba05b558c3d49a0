"""The leaders' pages: the dashboard, the indicator table with its drill-downs, the race;
the briefing and the industry-chain map."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from investrack.accounts import permissions
from investrack.accounts.permissions import parks_for, regions_for
from investrack.core.units import format_amount
from investrack.insights import briefing as briefings
from investrack.insights import selectors
from investrack.insights.forms import MonthForm, PeriodForm
from investrack.insights.indicators import (
    figure_text,
    first_of_month,
    last_closed_month,
    month_label,
)
from investrack.insights.race import city_of, race, race_weights
from investrack.projects.models import Category
from investrack.promotion.selectors import targets_by_link
from investrack.regions.models import Indicator, IndustryChain


def projects_url(params: dict) -> str:
    """The project list behind a figure."""
    return reverse("projects:list") + "?" + urlencode({k: v for k, v in params.items() if v})


def _area(request):
    return selectors.area_for(
        request.user, region=request.GET.get("region", ""), park=request.GET.get("park", "")
    )


def _period_form(request) -> PeriodForm:
    form = PeriodForm(request.GET)
    if request.GET and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.warning(request, error)
    return form


@login_required
@require_safe
def dashboard(request):
    """领导驾驶舱: one page of figures, each drilling down to its projects."""
    area = _area(request)
    form = _period_form(request)
    period, category = form.period(), form.chosen_category
    table = selectors.area_table(area, period, category=category)
    base = {**area.params, "category": category}
    funnel = selectors.stage_funnel(area, period.as_of, category=category, known_on=period.known_on)
    trend = selectors.monthly_trend(area, period, table, category=category)
    industries = selectors.by_industry(area, period, category=category)
    chains = selectors.by_chain(area, period, category=category)
    pace = selectors.pace_figure(table)
    largest = selectors.largest_projects(area, period.as_of)
    city = city_of(request.user)
    standings = {}
    # The race counts every category: its ranks show on the dashboard of all categories.
    if city and area.level == "county" and not category:
        # The city's own figures serve the race when they are the race's (year to date).
        whole_city = table if area.region == city and not area.params else None
        standings = {
            s.pk: s
            for s in race(
                city, period.until, table=whole_city, reds=False, known_on=period.known_on
            )
        }
    tiles = [
        {
            "row": row,
            "standing": standings.get(row.pk),
            "completion": row.figures[Indicator.INTRODUCED].completion,
            "url": reverse("insights:dashboard")
            + "?"
            + urlencode({**row.scope_params(), **_period_params(period)}),
        }  # fmt: skip
        for row in table.rows
    ]
    charts = {
        "funnel": [
            {"name": str(s["label"]), "value": s["count"], "amount": float(s["amount"]),
             "amount_text": format_amount(s["amount"]), "url": projects_url({**base, **s["params"]})}
            for s in funnel
        ],
        "trend": {
            "months": [month_label(p["month"]) for p in trend[0]["points"]] if trend else [],
            "series": [
                {"name": str(line["label"]), "target_name": _("%(label)s target") % {"label": line["label"]},
                 "values": [p["cumulative"] for p in line["points"]],
                 "urls": [projects_url({**base, **p["params"]}) for p in line["points"]],
                 "target": line["target_line"]}
                for line in trend
            ],
        },
        "counties": [
            {"name": row.name, "count": row.figures[Indicator.INTRODUCED].actual,
             "amount": float(row.figures[Indicator.INTRODUCED_INVESTMENT].actual or 0) / 1e8,
             "url": projects_url({**base, **row.scope_params(), "indicator": Indicator.INTRODUCED,
                                  **period.params()})}
            for row in table.rows
        ],
        "industries": [
            {"name": row["name"], "value": row["count"], "amount": float(row["amount"] or 0) / 1e8,
             "url": projects_url({**base, **row["params"]})}
            for row in industries
        ],
        "chains": [
            {"name": row["name"], "value": row["count"], "amount": float(row["amount"] or 0) / 1e8,
             "url": projects_url({**base, **row["params"]})}
            for row in chains
        ],
    }  # fmt: skip
    context = {
        "area": area,
        "form": form,
        "period": period,
        # The briefing reports a closed month: the period's last month if it has ended.
        "briefing_month": min(
            first_of_month(period.until), last_closed_month(timezone.localdate())
        ),
        "table": table,
        "figures": _figure_cells(table.total, table, base),
        "pace": pace,
        "pace_url": projects_url({**base, **pace["params"]}),
        "largest": largest,
        "tiles": tiles,
        "charts": {
            **charts,
            # The charts' own words, translated here rather than chosen in the script.
            "labels": {
                "projects": _("Projects"),
                "amount": _("Investment (100 million yuan)"),
                "unit": _("100 million yuan"),
            },
        },
        "regions": regions_for(request.user),
        "parks": parks_for(request.user),
        "categories": Category.choices,
        "query": urlencode({**area.params, **_period_params(period), "category": category}),
        "query_known_now": _known_now(area, period, category),
        "may_issue_briefing": permissions.may_issue_briefing(request.user),
    }
    return render(request, "insights/dashboard.html", context)


def _known_now(area, period, category: str) -> str:
    """The same page's query as known now (the record clock left)."""
    params = {**area.params, **_period_params(period), "category": category}
    params.pop("known_on", None)
    return urlencode(params)


def _period_params(period) -> dict:
    params = {
        "from": period.start.strftime("%Y-%m"),
        "to": period.end.strftime("%Y-%m"),
        "as_of": period.as_of.isoformat(),
    }
    if period.known_on is not None:
        params["known_on"] = period.known_on.isoformat()
    return params


def _figure_cells(row, table, base: dict) -> list[dict]:
    """A row's figures, each with its text and the link to its projects (the same link as
    ``projects_url`` makes, its common parts encoded once: a table holds hundreds)."""
    list_url = reverse("projects:list")
    head = urlencode({k: v for k, v in {**base, **row.scope_params()}.items() if v})
    tail = urlencode({k: v for k, v in table.period.params().items() if v})
    cells = []
    for indicator in Indicator:
        figure = row.figures[indicator]
        query = "&".join(p for p in (head, urlencode({"indicator": indicator.value}), tail) if p)
        cells.append(
            {
                "indicator": indicator.value,
                "label": indicator.label,
                "actual": figure_text(indicator, figure.actual),
                "target": figure_text(indicator, figure.target),
                "completion": figure.completion,
                "url": f"{list_url}?{query}",
            }
        )
    return cells


@login_required
@require_safe
def indicators(request):
    """Every indicator of every county and park against its target, as of a date."""
    area = _area(request)
    form = _period_form(request)
    period, category = form.period(), form.chosen_category
    base = {"category": category}
    tables = []
    for level in ("county", "park"):
        if level == "county" and area.level == "park" and area.region is None:
            continue
        table = selectors.area_table(area, period, level=level, category=category)
        rows = [
            {"row": row, "cells": _figure_cells(row, table, base)}
            for row in [*table.rows, table.total]
        ]
        tables.append({"level": level, "rows": rows})
    context = {
        "area": area,
        "form": form,
        "period": period,
        "tables": tables,
        "indicators": Indicator.choices,
        "categories": Category.choices,
        "regions": regions_for(request.user),
        "parks": parks_for(request.user),
        "query_known_now": _known_now(area, period, category),
    }
    return render(request, "insights/indicators.html", context)


@login_required
@require_safe
def race_page(request):
    """赛马: the ranking of the month, with last month's rank and the flags."""
    form = MonthForm(request.GET)
    if request.GET and not form.is_valid():
        for error in form.errors.get("month", []):
            messages.warning(request, error)
    month = form.chosen_month()
    city = city_of(request.user)
    mine = {r.pk for r in regions_for(request.user)}
    my_parks = {p.pk for p in parks_for(request.user)}
    tables = []
    if city is not None:
        for level, heading in (("county", _("Counties")), ("park", _("Parks"))):
            standings = race(city, month, level)
            for s in standings:
                visible = s.pk in (mine if level == "county" else my_parks)
                s.url = (
                    reverse("insights:dashboard") + "?" + urlencode(
                        {"region" if level == "county" else "park": s.code}
                    )
                    if visible
                    else ""
                )  # fmt: skip
            tables.append({"level": level, "heading": heading, "standings": standings})
    weights = race_weights(month.year)
    context = {
        "form": form,
        "month": month,
        "tables": tables,
        "weights": [(Indicator(k).label, w) for k, w in weights.items()],
        "city": city,
    }
    return render(request, "insights/race.html", context)


# --- the briefing -------------------------------------------------------------------------


@login_required
@require_safe
def briefing(request, fmt: str):
    """The month's briefing of the user's jurisdiction (or a county inside it)."""
    area = _area(request)
    form = MonthForm(request.GET)
    month = form.chosen_month(closed=True)
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    b = briefings.briefing_for(area=area, user=request.user, month=month, category=category)
    if fmt == "docx":
        content = briefings.briefing_docx(b)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        try:
            content = briefings.briefing_pdf(b)
        except OSError as exc:  # Pango missing on this machine
            return HttpResponse(
                _("PDF cannot be made on this server (%(error)s); download the Word file.")
                % {"error": exc},
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, briefings.briefing_filename(b, fmt)
    )
    return response


# --- the industry-chain map ---------------------------------------------------------------


@login_required
@require_safe
def chain_list(request):
    return render(request, "insights/chains.html", {"chains": selectors.chains()})


@login_required
@require_safe
def chain_map(request, pk: int):
    area = _area(request)
    chain = get_object_or_404(IndustryChain, pk=pk)
    as_of = timezone.localdate()
    links = selectors.chain_map(area, chain, as_of)
    chased = targets_by_link(chain)
    for link in links:
        link["targets"] = chased.get(link["link"].pk)
        link["url"] = projects_url({**area.params, **link["params"]})
        for stage in link["by_stage"]:
            stage["url"] = projects_url({**area.params, **stage["params"]})
    segments = []
    for segment, label in chain.links.model.Segment.choices:
        segments.append(
            {"label": label, "links": [x for x in links if x["link"].segment == segment]}
        )
    context = {
        "chain": chain,
        "area": area,
        "segments": segments,
        "gaps": [x for x in links if x["gap"]],
        "as_of": as_of,
        "leaders": chain.leaders.select_related("link", "region"),
        "regions": regions_for(request.user),
    }
    return render(request, "insights/chain.html", context)
