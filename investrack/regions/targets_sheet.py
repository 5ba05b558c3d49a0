"""Targets as a sheet: the grid downloaded with this year's targets filled in, and read back.

One row per county or park, one column per indicator with its unit in the header
("计划总投资（亿元）"); the county is named by name or GB/T 2260 code. Reading never
writes: it returns the cells to set or the errors, each naming its row and column.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investrack.core.excel import Column, OutColumn, Sheet, write_printed_sheet
from investrack.core.units import WAN, YI, UnitError, parse_amount
from investrack.regions.models import Indicator, Unit, indicator_unit
from investrack.regions.services import TargetCell

UNIT_COLUMN = Column(
    "unit",
    gettext_lazy("County or park"),
    (
        "县（市、区）或园区",
        "县（市、区）",
        "县市区",
        "地区",
        "园区",
        "单位",
        "名称",
        "region",
        "park",
    ),
    required=True,
)

# Each indicator's column: its header (with the unit the template uses) and the Chinese
# names officials use, so that a sheet in either language is read.
HEADERS = {
    Indicator.INTRODUCED: (gettext_lazy("Projects introduced (number)"), "新引进项目"),
    Indicator.INTRODUCED_INVESTMENT: (
        gettext_lazy("Planned investment (100 million yuan)"),
        "计划总投资",
    ),
    Indicator.OVER_1YI: (gettext_lazy("Projects ≥ 1亿 (number)"), "亿元以上项目"),
    Indicator.OVER_10YI: (gettext_lazy("Projects ≥ 10亿 (number)"), "10亿元以上项目"),
    Indicator.OVER_100YI: (gettext_lazy("Projects ≥ 100亿 (number)"), "100亿元以上项目"),
    Indicator.STARTED: (gettext_lazy("Projects started (number)"), "新开工项目"),
    Indicator.COMPLETED: (gettext_lazy("Projects completed (number)"), "新竣工项目"),
    Indicator.PRODUCTION: (gettext_lazy("Projects in production (number)"), "新投产项目"),
    Indicator.INVESTMENT_COMPLETED: (
        gettext_lazy("Investment completed (100 million yuan)"),
        "完成投资",
    ),
    Indicator.FOREIGN_ARRIVED: (
        gettext_lazy("Foreign investment arrived (10k US dollars)"),
        "实际到位外资",
    ),
    Indicator.START_RATE: (gettext_lazy("Start rate (%)"), "签约项目开工率"),
}
SHOWN_IN = {Unit.YUAN: YI, Unit.USD: WAN, Unit.COUNT: Decimal(1), Unit.PERCENT: Decimal(1)}


def _columns() -> list[Column]:
    columns = [UNIT_COLUMN]
    for indicator, (header, chinese) in HEADERS.items():
        kind = "amount" if indicator_unit(indicator) in (Unit.YUAN, Unit.USD) else "text"
        columns.append(Column(indicator.value, header, (chinese, indicator.value), kind=kind))
    return columns


def shown(indicator: str, value: Decimal | None):
    """A stored target in the unit of the grid (亿元, 万美元, 个, %)."""
    if value is None:
        return None
    return (Decimal(value) / SHOWN_IN[indicator_unit(indicator)]).normalize()


def stored(indicator: str, value: Decimal) -> Decimal:
    return (value * SHOWN_IN[indicator_unit(indicator)]).quantize(Decimal("0.01"))


def targets_sheet(*, year: int, units: list, targets: dict, title: str) -> io.BytesIO:
    """The grid of ``units`` × indicators with ``targets`` (``{(unit, indicator): value}``)."""
    output = io.BytesIO()
    write_printed_sheet(
        output,
        title=title,
        subtitle=_("Annual targets %(year)s · fill in or change the figures and upload the sheet")
        % {"year": year},
        columns=[OutColumn(str(UNIT_COLUMN.label), width=24)]
        + [OutColumn(str(header), kind="number", width=14) for header, _cn in HEADERS.values()],
        rows=(
            [unit.name]
            + [shown(indicator, targets.get((unit, indicator.value))) for indicator in HEADERS]
            for unit in units
        ),
    )
    output.seek(0)
    return output


def _number(raw, indicator: str, unit_of_column) -> Decimal:
    value = _parsed(raw, indicator, unit_of_column)
    if not value.is_finite() or value >= Decimal("1e16"):
        raise UnitError(_("“%(value)s” is not a number.") % {"value": raw})
    return value


def _parsed(raw, indicator: str, unit_of_column) -> Decimal:
    if isinstance(raw, float | Decimal) and not Decimal(raw).is_finite():
        raise UnitError(_("“%(value)s” is not a number.") % {"value": raw})
    kind = indicator_unit(indicator)
    if kind in (Unit.YUAN, Unit.USD):
        expected = "USD" if kind == Unit.USD else "CNY"
        if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
            amount, currency = (
                Decimal(str(raw)) * unit_of_column.multiplier,
                unit_of_column.currency,
            )
        else:
            money = parse_amount(str(raw), default_unit=unit_of_column.multiplier)
            # A bare number takes the currency of its header (万美元); a written one its own.
            written = any(mark in str(raw) for mark in ("元", "美", "$", "USD", "RMB"))
            amount, currency = money.amount, money.currency if written else unit_of_column.currency
        if currency != expected:
            raise UnitError(_("Enter this amount in %(currency)s.") % {"currency": expected})
        if amount < 0:
            raise UnitError(_("A target cannot be negative."))
        if amount >= Decimal("1e16"):
            raise UnitError(_("This amount is too large to be real."))
        return amount.quantize(Decimal("0.01"))
    text = str(raw).strip().rstrip("%％个").strip()
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:
        raise UnitError(_("“%(value)s” is not a number.") % {"value": raw}) from exc
    if kind == Unit.PERCENT and isinstance(raw, float) and 0 < raw < 1:
        value *= 100  # a cell formatted as a percentage holds the fraction
    if kind == Unit.COUNT and value != value.to_integral_value():
        raise UnitError(_("A number of projects is a whole number."))
    if value < 0:
        raise UnitError(_("A target cannot be negative."))
    if kind == Unit.PERCENT and value > 100:
        raise UnitError(_("A rate is at most 100%."))
    return value


def targets_read(file, filename: str, *, units: list) -> tuple[dict, list[dict]]:
    """``({TargetCell: value}, errors)`` of an uploaded grid; blank cells change nothing."""
    sheet = Sheet(file, filename, _columns())
    by_name = {}
    for unit in units:
        by_name[unit.name] = unit
        by_name[unit.code] = unit
    changes, errors, seen = {}, [], {}
    for row in sheet:
        name = str(row.values.get("unit") or "").strip()
        unit = by_name.get(name)
        if unit is None:
            errors.append(
                {
                    "row": row.number,
                    "column": sheet.header_of("unit"),
                    "message": _("“%(name)s” is not a county or park of your city.")
                    % {"name": name},
                }
            )
            continue
        if unit in seen:
            errors.append(
                {
                    "row": row.number,
                    "column": sheet.header_of("unit"),
                    "message": _("%(name)s is already on row %(row)s.")
                    % {"name": name, "row": seen[unit]},
                }
            )
            continue
        seen[unit] = row.number
        for indicator in HEADERS:
            raw = row.values.get(indicator.value)
            if raw is None:
                continue
            try:
                value = _number(raw, indicator, sheet.units.get(indicator.value))
            except UnitError as exc:
                errors.append(
                    {"row": row.number, "column": sheet.header_of(indicator.value),
                     "message": str(exc)}
                )  # fmt: skip
                continue
            if indicator_unit(indicator) not in (Unit.YUAN, Unit.USD):
                value = stored(indicator, value)
            changes[TargetCell(unit, indicator.value)] = value
    return changes, errors
