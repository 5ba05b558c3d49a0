"""The leaders' pages: dashboard, indicators, horse race, targets, briefing, chain map.
Thin: read the request, call a selector or a service, render."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from investrack.core.excel import SheetError
from investrack.core.permissions import parks_for, regions_for
from investrack.core.units import format_amount
from investrack.insights import briefing as briefings
from investrack.insights import selectors
from investrack.insights.forms import MonthForm, PeriodForm, TargetsUploadForm
from investrack.insights.indicators import (
    figure_text,
    first_of_month,
    last_closed_month,
    month_label,
)
from investrack.insights.race import city_of, race, race_units, race_weights
from investrack.projects.models import Category
from investrack.regions import services as region_services
from investrack.regions.models import Indicator, IndustryChain, Target, Unit, indicator_unit
from investrack.regions.services import TargetCell
from investrack.regions.targets_sheet import shown, stored, targets_read, targets_sheet


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
    funnel = selectors.stage_funnel(area, period.as_of, category=category)
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
        standings = {s.pk: s for s in race(city, period.until, table=whole_city, reds=False)}
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
    }
    return render(request, "insights/dashboard.html", context)


def _period_params(period) -> dict:
    return {
        "from": period.start.strftime("%Y-%m"),
        "to": period.end.strftime("%Y-%m"),
        "as_of": period.as_of.isoformat(),
    }


def _figure_cells(row, table, base: dict) -> list[dict]:
    """A row's figures, each with its text and the link to its projects."""
    cells = []
    for indicator in Indicator:
        figure = row.figures[indicator]
        cells.append(
            {
                "indicator": indicator.value,
                "label": indicator.label,
                "actual": figure_text(indicator, figure.actual),
                "target": figure_text(indicator, figure.target),
                "completion": figure.completion,
                "url": projects_url(
                    {
                        **base,
                        **row.scope_params(),
                        "indicator": indicator.value,
                        **table.period.params(),
                    }
                ),  # fmt: skip
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


# --- targets ------------------------------------------------------------------------------


def _target_units(user):
    city = city_of(user)
    if city is None:
        return [], []
    counties = list(race_units(city, "county"))
    parks = list(race_units(city, "park").select_related("region"))
    mine = set(regions_for(user).values_list("pk", flat=True))
    my_parks = set(parks_for(user).values_list("pk", flat=True))
    return [c for c in counties if c.pk in mine], [p for p in parks if p.pk in my_parks]


def _targets_of(year: int, units: list) -> dict:
    found = {}
    rows = Target.objects.filter(year=year).select_related("region", "park")
    by_key = {(type(u).__name__, u.pk): u for u in units}
    for target in rows:
        unit = target.region or target.park
        key = (type(unit).__name__, unit.pk)
        if key in by_key:
            found[(by_key[key], target.indicator)] = target.value
    return found


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def targets(request):  # noqa: C901 - to split (issue 14)
    """The year's targets of each county and park, and the race's weights: a grid the city
    administrator edits (others read theirs)."""
    year = _year(request)
    counties, parks = _target_units(request.user)
    units = counties + parks
    may_edit = region_services.may_set_targets(request.user)
    current = _targets_of(year, units)
    weights = race_weights(year)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the city administrator sets targets and weights."))
        changes, expected, errors = {}, {}, []
        for unit in units:
            prefix = f"{'p' if unit in parks else 'r'}{unit.pk}"
            for indicator in Indicator:
                name = f"{prefix}-{indicator.value}"
                if name not in request.POST:
                    continue
                cell = TargetCell(unit, indicator.value)
                try:
                    new = _cell_value(request.POST[name], indicator)
                    before = _cell_value(request.POST.get(f"was-{name}", ""), indicator)
                except ValueError:
                    errors.append(
                        _("%(cell)s: “%(value)s” is not a number.")
                        % {"cell": cell.describe(), "value": request.POST[name]}
                    )
                    continue
                if new != before:
                    changes[cell] = new
                    expected[cell] = before
        new_weights = {}
        for indicator in Indicator:
            raw = request.POST.get(f"w-{indicator.value}", "").strip()
            try:
                new_weights[indicator.value] = _decimal(raw) if raw else None
            except ValueError:
                errors.append(_("Weight of %(indicator)s: “%(value)s” is not a number.")
                              % {"indicator": indicator.label, "value": raw})  # fmt: skip
        if not errors:
            try:
                changed = region_services.targets_set(
                    actor=request.user, year=year, changes=changes, expected=expected
                )
                changed += region_services.race_weights_set(
                    actor=request.user, year=year, weights=new_weights
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Saved: %(n)s changes.") % {"n": changed})
                return redirect(reverse("insights:targets") + f"?year={year}")
        for error in errors:
            messages.error(request, error)
    rows = []
    for unit in units:
        prefix = f"{'p' if unit in parks else 'r'}{unit.pk}"
        cells = []
        for indicator in Indicator:
            value = shown(indicator, current.get((unit, indicator.value)))
            cells.append({"name": f"{prefix}-{indicator.value}",
                          "value": "" if value is None else format(value, "f")})  # fmt: skip
        rows.append({"unit": unit, "is_park": unit in parks, "cells": cells})
    headers = [(indicator.label, _unit_label(indicator)) for indicator in Indicator]
    context = {
        "year": year,
        "rows": rows,
        "headers": headers,
        "weights": [
            {
                "name": f"w-{i.value}",
                "value": ""
                if weights.get(i.value) is None
                else format(weights[i.value].normalize(), "f"),
            }
            for i in Indicator
        ],  # fmt: skip
        "may_edit": may_edit,
        "upload_form": TargetsUploadForm(),
        "years": range(timezone.localdate().year - 3, timezone.localdate().year + 2),
    }
    return render(request, "insights/targets.html", context)


def _unit_label(indicator) -> str:
    unit = indicator_unit(indicator)
    return {Unit.YUAN: _("100 million yuan"), Unit.USD: _("10k US dollars"),
            Unit.PERCENT: "%", Unit.COUNT: _("projects")}[unit]  # fmt: skip


def _decimal(raw: str):
    try:
        return Decimal(raw.replace(",", "").strip())
    except InvalidOperation as exc:
        raise ValueError(raw) from exc


def _cell_value(raw: str, indicator):
    raw = (raw or "").strip()
    if not raw:
        return None
    return stored(indicator, _decimal(raw))


@login_required
@require_safe
def targets_download(request):
    year = _year(request)
    counties, parks = _target_units(request.user)
    sheet = targets_sheet(
        year=year,
        units=counties + parks,
        targets=_targets_of(year, counties + parks),
        title=_("Annual targets %(year)s") % {"year": year},
    )
    response = HttpResponse(
        sheet.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _("targets-%(year)s.xlsx") % {"year": year}
    )
    return response


@login_required
@require_POST
def targets_upload(request):
    """Read a filled-in grid: every error by row and column, or every change saved at once."""
    year = _year(request)
    if not region_services.may_set_targets(request.user):
        raise PermissionDenied(_("Only the city administrator sets targets and weights."))
    form = TargetsUploadForm(request.POST, request.FILES)
    back = reverse("insights:targets") + f"?year={year}"
    if not form.is_valid():
        messages.error(request, _("Choose a sheet to upload."))
        return redirect(back)
    counties, parks = _target_units(request.user)
    upload = form.cleaned_data["file"]
    try:
        changes, errors = targets_read(upload, upload.name, units=counties + parks)
    except SheetError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if errors:
        messages.error(
            request, _("Nothing was saved: the sheet has %(n)s errors.") % {"n": len(errors)}
        )
        for error in errors[:50]:
            messages.error(
                request,
                _("Row %(row)s, “%(column)s”: %(message)s") % error,
            )
        return redirect(back)
    try:
        changed = region_services.targets_set(actor=request.user, year=year, changes=changes)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Targets imported: %(n)s changes.") % {"n": changed})
    return redirect(back)


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
    for link in links:
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
