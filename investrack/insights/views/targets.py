"""The year's targets and the race's weights: the grid, its sheet, its upload."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from investrack.accounts import permissions
from investrack.accounts.permissions import parks_for, regions_for
from investrack.core.excel import SheetError
from investrack.insights.forms import TargetsUploadForm
from investrack.insights.race import city_of, race_units, race_weights
from investrack.regions import services as region_services
from investrack.regions.models import Indicator, Target, Unit, indicator_unit
from investrack.regions.services import TargetCell
from investrack.regions.targets_sheet import shown, stored, targets_read, targets_sheet

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


def _posted_targets(post, units, parks) -> tuple[dict, dict, list]:
    """The cells the grid changed (``was-`` holds the value the page showed, so a change
    saved meanwhile by someone else is refused, not overwritten), and what did not read."""
    changes, expected, errors = {}, {}, []
    for unit in units:
        prefix = f"{'p' if unit in parks else 'r'}{unit.pk}"
        for indicator in Indicator:
            name = f"{prefix}-{indicator.value}"
            if name not in post:
                continue
            cell = TargetCell(unit, indicator.value)
            try:
                new = _cell_value(post[name], indicator)
                before = _cell_value(post.get(f"was-{name}", ""), indicator)
            except ValueError:
                errors.append(
                    _("%(cell)s: “%(value)s” is not a number.")
                    % {"cell": cell.describe(), "value": post[name]}
                )
                continue
            if new != before:
                changes[cell] = new
                expected[cell] = before
    return changes, expected, errors


def _posted_weights(post) -> tuple[dict, list]:
    weights, errors = {}, []
    for indicator in Indicator:
        raw = post.get(f"w-{indicator.value}", "").strip()
        try:
            weights[indicator.value] = _decimal(raw) if raw else None
        except ValueError:
            errors.append(_("Weight of %(indicator)s: “%(value)s” is not a number.")
                          % {"indicator": indicator.label, "value": raw})  # fmt: skip
    return weights, errors


def _targets_grid(units, parks, current: dict) -> list[dict]:
    rows = []
    for unit in units:
        prefix = f"{'p' if unit in parks else 'r'}{unit.pk}"
        cells = []
        for indicator in Indicator:
            value = shown(indicator, current.get((unit, indicator.value)))
            cells.append({"name": f"{prefix}-{indicator.value}",
                          "value": "" if value is None else format(value, "f")})  # fmt: skip
        rows.append({"unit": unit, "is_park": unit in parks, "cells": cells})
    return rows


@login_required
def targets(request):
    """The year's targets of each county and park, and the race's weights: a grid the city
    administrator edits (others read theirs)."""
    year = _year(request)
    counties, parks = _target_units(request.user)
    units = counties + parks
    may_edit = permissions.may_set_targets(request.user)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the city administrator sets targets and weights."))
        changes, expected, errors = _posted_targets(request.POST, units, parks)
        new_weights, weight_errors = _posted_weights(request.POST)
        errors += weight_errors
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
    weights = race_weights(year)
    context = {
        "year": year,
        "rows": _targets_grid(units, parks, _targets_of(year, units)),
        "headers": [(indicator.label, _unit_label(indicator)) for indicator in Indicator],
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
    if not permissions.may_set_targets(request.user):
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
