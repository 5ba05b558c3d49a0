"""Reading one row of a sheet into the values the services take, each error named by row
and by the header as the user wrote it."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.accounts.permissions import parks_for, regions_for
from investrack.core.excel import Sheet, restored
from investrack.core.units import (
    UnitError,
    currency_code,
    parse_amount,
    parse_area,
    parse_date,
)
from investrack.projects import rules
from investrack.projects.imports.columns import labels_in_both_languages, stage_names
from investrack.projects.investor_keys import credit_code_clean, validate_credit_code
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    Category,
    Project,
    Stage,
)
from investrack.regions.models import Industry, Region


class Lookups:
    """Regions, parks and industries by code or name, within the user's jurisdiction."""

    def __init__(self, user):
        self.user = user
        self.regions = {}
        short: dict[str, list] = {}
        for region in regions_for(user):
            self.regions[region.code] = region
            self.regions[region.name] = region
            # Counties write each other short: 鹿城 for 鹿城区, 瑞安 for 瑞安市.
            if len(region.name) > 2 and region.name[-1] in "区县市旗":
                short.setdefault(region.name[:-1], []).append(region)
        for name, regions in short.items():
            if len(regions) == 1:
                self.regions.setdefault(name, regions[0])
        self.all_regions = dict(
            Region.objects.filter(level=Region.Level.COUNTY).values_list("name", "code")
        )
        self.parks = {}
        for park in parks_for(user).select_related("region"):
            self.parks[park.code.lower()] = park
            self.parks[park.name] = park
        self.stages = stage_names()
        self.categories = labels_in_both_languages(Category.choices)
        self._industries: dict[str, Industry | None] = {}
        counties = {r.pk: r for r in self.regions.values()}
        self.own_region = next(iter(counties.values())) if len(counties) == 1 else None

    def industry(self, text: str):
        key = text.strip()
        if key not in self._industries:
            code = key.split()[0] if key[:1].isalnum() else key
            found = Industry.objects.filter(code=code.upper()).first()
            if found is None:
                name = key.split(maxsplit=1)[-1] if key[:1].isdigit() else key
                found = Industry.objects.filter(name=name).order_by("-level").first()
            self._industries[key] = found
        return self._industries[key]


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restored(str(value).strip())


CENT = Decimal("0.01")
TOO_LARGE = Decimal("1e16")


def amount_of(value, unit, *, currency_allowed=False):
    kind = type(value)
    if kind is float or kind is int or kind is Decimal:
        number = Decimal(repr(value)) if kind is float else Decimal(value)
        if not number.is_finite():
            raise UnitError(_("“%(value)s” is not an amount.") % {"value": value})
        if number < 0:
            raise UnitError(_("An amount cannot be negative."))
        amount, currency = number * unit.multiplier, unit.currency
    else:
        money = parse_amount(str(value), default_unit=unit.multiplier)
        amount = money.amount
        currency = money.currency if money.currency != "CNY" else unit.currency
    if amount >= TOO_LARGE:  # before rounding: 10³⁰ does not round to cents
        raise UnitError(_("This amount is too large to be real."))
    amount = amount.quantize(CENT)
    if currency != "CNY" and not currency_allowed:
        raise UnitError(
            _("Enter this amount in RMB (元); %(currency)s is not accepted here.")
            % {"currency": currency}
        )
    return amount, currency


def present_columns(sheet: Sheet) -> list[tuple[str, str, object]]:
    """(key, kind, unit) of the columns the sheet has, in the importer's order."""
    return [
        (c.key, c.kind, sheet.units.get(c.key)) for c in sheet.columns if c.key in sheet.positions
    ]


class _Row:
    """One row being read: its values so far and whether it is still free of errors."""

    def __init__(self, sheet: Sheet, row, plan):
        self.sheet, self.row, self.plan = sheet, row, plan
        self.values: dict = {}
        self.ok = True

    def fail(self, key: str, message) -> None:
        self.ok = False
        self.plan.error(self.row.number, self.sheet.header_of(key), message)


def _read_cells(r: _Row, columns) -> None:
    """Each present cell by the kind of its column (text, date, amount with the header's
    unit, area, currency)."""
    values, cells = r.values, r.row.values
    named_currency = None  # from a column of its own (外资币种), as the exports write it
    for key, kind, unit in columns:
        raw = cells.get(key)
        if raw is None:
            if kind != "currency":
                values[key] = "" if kind == "text" else None
            continue
        try:
            if kind == "text":
                values[key] = text_of(raw)
            elif kind == "date":
                values[key] = parse_date(raw)
            elif kind == "currency":
                named_currency = currency_code(text_of(raw))
            elif kind == "amount":
                amount, currency = amount_of(
                    raw, unit, currency_allowed=key == "foreign_investment"
                )
                values[key] = amount
                if key == "foreign_investment":
                    values["foreign_currency"] = currency
            else:  # area
                if isinstance(raw, int | float) and not isinstance(raw, bool):
                    raw = Decimal(repr(raw)) * unit.multiplier
                values[key] = parse_area(raw)
        except UnitError as exc:
            r.fail(key, exc)
    if named_currency and values.get("foreign_investment") is not None:
        written = values.get("foreign_currency")
        if written not in ("CNY", named_currency):
            r.fail(
                "foreign_currency",
                _("The amount says %(written)s but this column says %(named)s.")
                % {"written": written, "named": named_currency},
            )
        values["foreign_currency"] = named_currency


def _check_required(r: _Row) -> None:
    values = r.values
    if not values.get("name"):
        r.fail("name", _("Enter the project name."))
    if "total_investment" in r.sheet.positions and values.get("total_investment") is None:
        r.fail("total_investment", _("Enter the total investment."))
    for key in ("name", "code", "investor"):
        limit = Project._meta.get_field(key).max_length if key != "investor" else 128
        if len(values.get(key) or "") > limit:
            r.fail(key, _("At most %(n)s characters.") % {"n": limit})
    if values.get("investor_credit_code"):
        code = credit_code_clean(values["investor_credit_code"])
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            r.fail("investor_credit_code", " ".join(exc.messages))
        values["investor_credit_code"] = code


def _place(r: _Row, lookups: Lookups) -> None:
    """Region and park, by code or name, inside the user's jurisdiction. A county user's
    sheet may leave the region out: it is theirs."""
    values = r.values
    region_text = values.pop("region", None) or ""
    park_text = values.pop("park", None) or ""
    region = park = None
    if park_text:
        park = lookups.parks.get(park_text.lower()) or lookups.parks.get(park_text)
        if park is None:
            r.fail(
                "park", _("“%(value)s” is not a park in your jurisdiction.") % {"value": park_text}
            )
    if region_text:
        region = lookups.regions.get(region_text)
        if region is None:
            known = (
                region_text in lookups.all_regions or region_text in lookups.all_regions.values()
            )
            r.fail(
                "region",
                _("“%(value)s” is outside your jurisdiction.") % {"value": region_text}
                if known
                else _("“%(value)s” is not a county or district we know.") % {"value": region_text},
            )
    elif park is not None:
        region = park.region
    elif lookups.own_region is not None:
        region = lookups.own_region
    if region is not None and park is not None and park.region_id != region.pk:
        r.fail(
            "park", _("The park %(park)s is not in %(region)s.") % {"park": park, "region": region}
        )
    if region is not None:
        values["region"] = region
    if "park" in r.sheet.positions:
        values["park"] = park


def _name_choices(r: _Row, lookups: Lookups) -> None:
    """Category, industry and stage by their names in either language."""
    values = r.values
    if values.get("category"):
        category = lookups.categories.get(values["category"].lower().replace(" ", ""))
        if category is None:
            r.fail("category", _("“%(value)s” is not a category.") % {"value": values["category"]})
        values["category"] = category
    elif "category" in values:
        values.pop("category")
    if "industry" in values and not values["industry"]:
        values["industry"] = None
    elif values.get("industry"):
        industry = lookups.industry(values["industry"])
        if industry is None:
            r.fail(
                "industry",
                _("“%(value)s” is not a GB/T 4754 industry code or name.")
                % {"value": values["industry"]},
            )
        values["industry"] = industry
    stage = None
    if values.get("stage"):
        stage = lookups.stages.get(values["stage"].lower().replace(" ", ""))
        if stage is None:
            r.fail("stage", _("“%(value)s” is not a stage.") % {"value": values["stage"]})
    values["stage"] = Stage(stage) if stage else None


def _check_stage_dates(r: _Row, today: datetime.date) -> None:
    """The lifecycle's date rules, as the services apply them: no date in the future or
    out of order, the stage reached has its date, no date for a stage not reached."""
    dates = {stage: r.values.get(field) for stage, field in STAGE_DATE_FIELD.items()}
    try:
        rules.check_stage_dates({s: d for s, d in dates.items() if d}, now=today)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            r.fail(key, " ".join(messages))
    if r.ok and r.values["stage"]:
        for key, message in rules.creation_stage_errors(r.values["stage"], dates).items():
            r.fail(key, message)


def read_project_row(
    sheet: Sheet, row, lookups: Lookups, plan, columns=None, today=None
) -> dict | None:
    """The row's values as the services take them, or None after recording its errors."""
    r = _Row(sheet, row, plan)
    _read_cells(r, columns or present_columns(sheet))
    if not r.ok:
        return None
    _check_required(r)
    _place(r, lookups)
    _name_choices(r, lookups)
    _check_stage_dates(r, today or timezone.localdate())
    return r.values if r.ok else None
