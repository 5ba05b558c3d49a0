"""Importing the sheets counties send: projects (with their stage dates) and monthly progress.

Two steps. :func:`import_preview` stores the file as an :class:`ImportBatch` and works out
what it would do — rows to create, update or leave unchanged, and every error by row
number and by the header as the user wrote it — without writing a project. Then
:func:`import_confirm` reads the stored file again (the database may have moved on since
the preview), plans it again and, only if no row has an error, writes everything in one
transaction through the project services; otherwise it writes nothing and says why.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investrack.core import progress
from investrack.core.excel import Column, Sheet, SheetError, restored
from investrack.core.models import AuditEntry
from investrack.core.permissions import parks_for, regions_for, require_editor, scope
from investrack.core.units import (
    UnitError,
    currency_code,
    format_amount,
    format_date,
    parse_amount,
    parse_area,
    parse_date,
)
from investrack.projects import services
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    Category,
    ImportBatch,
    ProgressReport,
    Project,
    Stage,
)
from investrack.regions.models import Industry, Region

MAX_KEPT = 1000  # errors and changes kept on the batch
IMPORT_LOCK = 0x1D7A1  # PostgreSQL advisory lock key of the import confirms
MAX_FILE_SIZE = 50 * 1024 * 1024
CHUNK = 500  # ids per IN (...) look-up

# The project sheet. Labels are the template's headers; synonyms are the headers counties
# actually write, in Chinese and English, compared without spaces, stars or units.
PROJECT_COLUMNS = [
    Column("code", gettext_lazy("Project code"), ("项目代码", "项目编号", "编号", "project code", "code")),
    Column("name", gettext_lazy("Project name"), ("项目名称", "项目", "project name", "project", "name"), required=True),
    Column("investor", gettext_lazy("Investor"), ("投资主体", "投资方", "投资企业", "投资单位", "建设单位", "项目业主", "investor")),
    Column("category", gettext_lazy("Category"), ("项目类别", "类别", "项目类型", "category")),
    Column("industry", gettext_lazy("Industry"), ("所属行业", "行业", "行业类别", "国民经济行业", "行业代码", "industry")),
    Column("region", gettext_lazy("Region"), ("所属区域", "县（市、区）", "县(市、区)", "县市区", "所在县区", "区域", "属地", "region", "county")),
    Column("park", gettext_lazy("Park"), ("所属园区", "园区", "所在园区", "平台", "park")),
    Column("total_investment", gettext_lazy("Total investment"), ("总投资", "投资额", "计划总投资", "总投资额", "项目总投资", "协议投资额", "total investment", "investment"), kind="amount", required=True),
    Column("foreign_investment", gettext_lazy("Foreign investment"), ("外资", "利用外资", "合同外资", "外资金额", "其中:外资", "其中外资", "其中:利用外资", "foreign investment"), kind="amount"),
    Column("foreign_currency", gettext_lazy("Currency of the foreign investment"), ("外资币种", "币种", "外资币别", "currency"), kind="currency"),
    Column("land_area", gettext_lazy("Land area"), ("用地面积", "用地", "占地面积", "供地面积", "land area", "land"), kind="area"),
    Column("expected_annual_output", gettext_lazy("Expected annual output"), ("预计年产值", "达产产值", "达产后年产值", "expected annual output"), kind="amount"),
    Column("expected_annual_tax", gettext_lazy("Expected annual tax"), ("预计年税收", "达产税收", "达产后年税收", "expected annual tax"), kind="amount"),
    Column("stage", gettext_lazy("Current stage"), ("当前阶段", "阶段", "项目阶段", "项目进度", "进展阶段", "current stage", "stage")),
    Column("planned_sign_date", gettext_lazy("Planned signing date"), ("计划签约时间", "计划签约日期", "planned signing date"), kind="date"),
    Column("planned_start_date", gettext_lazy("Planned start date"), ("计划开工时间", "计划开工日期", "planned start date"), kind="date"),
    Column("planned_completion_date", gettext_lazy("Planned completion date"), ("计划竣工时间", "计划竣工日期", "planned completion date"), kind="date"),
    Column("planned_production_date", gettext_lazy("Planned production date"), ("计划投产时间", "计划投产日期", "planned production date"), kind="date"),
    Column("lead_on", gettext_lazy("Lead date"), ("线索时间", "线索日期", "获取线索时间", "lead date"), kind="date"),
    Column("negotiating_on", gettext_lazy("Negotiation start date"), ("在谈时间", "洽谈时间", "洽谈日期", "negotiation start date"), kind="date"),
    Column("signed_on", gettext_lazy("Signing date"), ("签约时间", "签约日期", "实际签约时间", "signing date"), kind="date"),
    Column("started_on", gettext_lazy("Start date"), ("开工时间", "开工日期", "实际开工时间", "start date"), kind="date"),
    Column("completed_on", gettext_lazy("Completion date"), ("竣工时间", "竣工日期", "实际竣工时间", "completion date"), kind="date"),
    Column("production_on", gettext_lazy("Production date"), ("投产时间", "投产日期", "实际投产时间", "production date"), kind="date"),
    Column("full_output_on", gettext_lazy("Full output date"), ("达产时间", "达产日期", "full output date"), kind="date"),
    Column("description", gettext_lazy("Description"), ("建设内容", "项目简介", "主要建设内容", "项目内容", "description")),
]  # fmt: skip

PROGRESS_COLUMNS = [
    Column("code", gettext_lazy("Project code"), ("项目代码", "项目编号", "编号", "project code", "code"), required=True),
    Column("name", gettext_lazy("Project name"), ("项目名称", "项目", "project name", "name")),
    Column("period", gettext_lazy("Month"), ("月份", "填报月份", "报告期", "统计月份", "年月", "month", "period"), kind="date", required=True),
    Column("investment_completed", gettext_lazy("Investment completed this month"), ("本月完成投资", "当月完成投资", "月度完成投资", "完成投资", "investment completed this month", "investment completed"), kind="amount", required=True),
    Column("construction_progress", gettext_lazy("Construction progress (%)"), ("形象进度", "工程进度", "形象进度(%)", "construction progress", "progress"), kind="integer"),
    Column("note", gettext_lazy("Note"), ("备注", "进展情况", "note")),
]  # fmt: skip

PROJECT_FIELDS = [
    c.key for c in PROJECT_COLUMNS if c.key not in STAGE_DATE_FIELD.values() and c.key != "stage"
]


def _labels_in_both_languages(choices) -> dict[str, object]:
    """'签约' / 'signed' / '3' → the choice value, whatever the language of the sheet."""
    names = {}
    # Not translation.override(): leaving it with no language active would deactivate
    # translations altogether, and a command or job run after it would speak English.
    previous = translation.get_language()
    try:
        for language in ("zh-hans", "en"):
            translation.activate(language)
            for value, label in choices:
                names[str(value).lower()] = value
                names[str(label).lower().replace(" ", "")] = value
    finally:
        if previous:
            translation.activate(previous)
        else:
            translation.deactivate()
    return names


def stage_names() -> dict[str, int]:
    names = _labels_in_both_languages(Stage.choices)
    names.update(
        {
            "洽谈": Stage.NEGOTIATING,
            "已签约": Stage.SIGNED,
            "已开工": Stage.STARTED,
            "在建": Stage.STARTED,
            "已竣工": Stage.COMPLETED,
            "已投产": Stage.PRODUCTION,
            "已达产": Stage.FULL_OUTPUT,
        }
    )
    return names


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Plan:
    """What a sheet would do: counts, errors and the changes of updated rows."""

    rows: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    def error(self, row: int, column: str, message) -> None:
        self.errors.append(RowError(row, column, str(message)))


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# --- reading one row ----------------------------------------------------------------------


class _Lookups:
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
        self.categories = _labels_in_both_languages(Category.choices)
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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restored(str(value).strip())


CENT = Decimal("0.01")
TOO_LARGE = Decimal("1e16")


def _amount(value, unit, *, currency_allowed=False):
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


def _present_columns(sheet: Sheet) -> list[tuple[str, str, object]]:
    """(key, kind, unit) of the columns the sheet has, in the importer's order."""
    return [
        (c.key, c.kind, sheet.units.get(c.key)) for c in sheet.columns if c.key in sheet.positions
    ]


def _read_project_row(  # noqa: C901 - to split (issue 14)
    sheet: Sheet, row, lookups: _Lookups, plan: Plan, columns=None, today=None
) -> dict | None:
    """The row's values as the services take them, or None after recording its errors."""
    values, ok = {}, True
    today = today or timezone.localdate()

    def fail(key, message):
        nonlocal ok
        ok = False
        plan.error(row.number, sheet.header_of(key), message)

    cells = row.values
    named_currency = None  # from a column of its own (外资币种), as the exports write it
    for key, kind, unit in columns or _present_columns(sheet):
        raw = cells.get(key)
        if raw is None:
            if kind != "currency":
                values[key] = "" if kind == "text" else None
            continue
        try:
            if kind == "text":
                values[key] = _text(raw)
            elif kind == "date":
                values[key] = parse_date(raw)
            elif kind == "currency":
                named_currency = currency_code(_text(raw))
            elif kind == "amount":
                amount, currency = _amount(raw, unit, currency_allowed=key == "foreign_investment")
                values[key] = amount
                if key == "foreign_investment":
                    values["foreign_currency"] = currency
            else:  # area
                if isinstance(raw, int | float) and not isinstance(raw, bool):
                    raw = Decimal(repr(raw)) * unit.multiplier
                values[key] = parse_area(raw)
        except UnitError as exc:
            fail(key, exc)
    if named_currency and values.get("foreign_investment") is not None:
        written = values.get("foreign_currency")
        if written not in ("CNY", named_currency):
            fail(
                "foreign_currency",
                _("The amount says %(written)s but this column says %(named)s.")
                % {"written": written, "named": named_currency},
            )
        values["foreign_currency"] = named_currency
    if not ok:
        return None
    if not values.get("name"):
        fail("name", _("Enter the project name."))
    if "total_investment" in sheet.positions and values.get("total_investment") is None:
        fail("total_investment", _("Enter the total investment."))
    for key in ("name", "code", "investor"):
        limit = Project._meta.get_field(key).max_length if key != "investor" else 128
        if len(values.get(key) or "") > limit:
            fail(key, _("At most %(n)s characters.") % {"n": limit})
    # Region and park, by code or name, inside the user's jurisdiction. A county user's
    # sheet may leave the region out: it is theirs.
    region_text = values.pop("region", None) or ""
    park_text = values.pop("park", None) or ""
    region = park = None
    if park_text:
        park = lookups.parks.get(park_text.lower()) or lookups.parks.get(park_text)
        if park is None:
            fail(
                "park", _("“%(value)s” is not a park in your jurisdiction.") % {"value": park_text}
            )
    if region_text:
        region = lookups.regions.get(region_text)
        if region is None:
            known = (
                region_text in lookups.all_regions or region_text in lookups.all_regions.values()
            )
            fail(
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
        fail(
            "park", _("The park %(park)s is not in %(region)s.") % {"park": park, "region": region}
        )
    if region is not None:
        values["region"] = region
    if "park" in sheet.positions:
        values["park"] = park
    # Category, industry, stage by their names in either language.
    if values.get("category"):
        category = lookups.categories.get(values["category"].lower().replace(" ", ""))
        if category is None:
            fail("category", _("“%(value)s” is not a category.") % {"value": values["category"]})
        values["category"] = category
    elif "category" in values:
        values.pop("category")
    if "industry" in values and not values["industry"]:
        values["industry"] = None
    elif values.get("industry"):
        industry = lookups.industry(values["industry"])
        if industry is None:
            fail(
                "industry",
                _("“%(value)s” is not a GB/T 4754 industry code or name.")
                % {"value": values["industry"]},
            )
        values["industry"] = industry
    stage = None
    if values.get("stage"):
        stage = lookups.stages.get(values["stage"].lower().replace(" ", ""))
        if stage is None:
            fail("stage", _("“%(value)s” is not a stage.") % {"value": values["stage"]})
    values["stage"] = Stage(stage) if stage else None
    # Stage dates: none in the future, none after a later stage; a reached stage has its date.
    for stage_key, date_field in STAGE_DATE_FIELD.items():
        when = values.get(date_field)
        if when and when > today:
            fail(
                date_field,
                _("The date of “%(stage)s” (%(date)s) is in the future.")
                % {"stage": stage_key.label, "date": format_date(when)},
            )
    if ok and stage:
        for stage_key, date_field in STAGE_DATE_FIELD.items():
            if Stage.SIGNED <= stage_key <= stage and not values.get(date_field):
                fail(
                    date_field,
                    _("The project is at “%(stage)s”: enter the date of “%(reached)s”.")
                    % {"stage": Stage(stage).label, "reached": stage_key.label},
                )
            if stage_key > stage and values.get(date_field):
                fail(
                    date_field,
                    _("The project is at “%(stage)s” but has a date for “%(later)s”.")
                    % {"stage": Stage(stage).label, "later": stage_key.label},
                )
    return values if ok else None


# --- planning ---------------------------------------------------------------------------


def _field_label(key: str) -> str:
    column = next((c for c in PROJECT_COLUMNS if c.key == key), None)
    return str(column.label) if column else key


def _shown(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_amount(value) if key != "land_area" else f"{value.normalize():f}"
    if isinstance(value, datetime.date):
        return format_date(value)
    if key == "category":
        return str(Category(value).label)
    return str(value)


def _project_changes(project: Project, values: dict) -> dict:
    """The fields whose value in the row differs from the project's.

    A blank cell says nothing: counties send partial sheets, so it never clears a value
    (that is done on the project's form).
    """
    changed = {}
    for key in [*PROJECT_FIELDS, "region", "park"]:
        if key not in values or values[key] is None or values[key] == "":
            continue
        new = values[key]
        if key == "investor":
            old = project.investor.name if project.investor_id else ""
            new = new or ""
        elif key in ("region", "park", "industry"):
            old = getattr(project, f"{key}_id")
            new = new.pk if new is not None else None
        elif key in ("code", "description", "foreign_currency"):
            old, new = getattr(project, key) or "", new or ""
        else:
            old = getattr(project, key)
        if key == "code" and not new:
            continue
        if key == "foreign_currency" and values.get("foreign_investment") is None:
            continue
        if old != new:
            changed[key] = values[key]
    return changed


def _stage_plan(project: Project, values: dict, sheet: Sheet, row, plan: Plan):
    """(target stage, its dates) if the row moves the project on; errors if it moves it back
    or contradicts a recorded date."""
    ok = True
    for stage, date_field in STAGE_DATE_FIELD.items():
        given = values.get(date_field)
        recorded = getattr(project, date_field)
        if given and recorded and given != recorded and stage <= project.stage:
            ok = False
            plan.error(
                row.number,
                sheet.header_of(date_field),
                _(
                    "The project reached “%(stage)s” on %(recorded)s, not %(given)s. A recorded "
                    "date is corrected on the project page, with a reason."
                )
                % {
                    "stage": stage.label,
                    "recorded": format_date(recorded),
                    "given": format_date(given),
                },
            )
    target = values.get("stage")
    if target is None:
        return ok, None
    if project.is_dropped and target != project.stage:
        plan.error(row.number, sheet.header_of("stage"), _("This project was dropped."))
        return False, None
    if target < project.stage:
        plan.error(
            row.number,
            sheet.header_of("stage"),
            _(
                "The project is already at “%(current)s”: it cannot move back to “%(target)s”. "
                "If an earlier entry was wrong, record a correction on the project page."
            )
            % {"current": Stage(project.stage).label, "target": Stage(target).label},
        )
        return False, None
    if target == project.stage or not ok:
        return ok, None
    dates = {
        stage: values.get(field)
        for stage, field in STAGE_DATE_FIELD.items()
        if project.stage < stage <= target and values.get(field)
    }
    latest = max(dates.values(), default=None) or timezone.localdate()
    if latest < project.stage_since:
        plan.error(
            row.number,
            sheet.header_of(STAGE_DATE_FIELD[Stage(target)]),
            _("The project reached its current stage on %(date)s, after this date.")
            % {"date": format_date(project.stage_since)},
        )
        return False, None
    return ok, (target, dates)


def _existing(user, rows: list[tuple]) -> tuple[dict, dict, set]:
    """Projects the file names, looked up in chunks: by code and by (name, region)."""
    codes = sorted({v["code"] for _r, v in rows if v.get("code")})
    by_code, hidden = {}, set()
    visible = scope(user, Project.objects.all())
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        for project in visible.filter(code__in=chunk).select_related("investor"):
            by_code[project.code] = project
        missing = [c for c in chunk if c not in by_code]
        if missing:
            hidden.update(Project.objects.filter(code__in=missing).values_list("code", flat=True))
    names = sorted({v["name"] for _r, v in rows if not v.get("code") and v.get("name")})
    by_name: dict[tuple, list] = {}
    for start in range(0, len(names), CHUNK):
        for project in visible.filter(name__in=names[start : start + CHUNK]).select_related(
            "investor"
        ):
            by_name.setdefault((project.name, project.region_id), []).append(project)
    return by_code, by_name, hidden


def plan_projects(sheet: Sheet, *, user) -> Plan:  # noqa: C901 - to split (issue 14)
    plan = Plan()
    lookups = _Lookups(user)
    rows = []
    codes_seen: dict[str, int] = {}
    names_seen: dict[tuple, int] = {}
    columns, today = _present_columns(sheet), timezone.localdate()
    for row in sheet:
        plan.rows += 1
        values = _read_project_row(sheet, row, lookups, plan, columns, today)
        if values is None:
            continue
        code = values.get("code")
        if code:
            if code in codes_seen:
                plan.error(
                    row.number,
                    sheet.header_of("code"),
                    _("The code %(code)s is already on row %(row)s of this file.")
                    % {"code": code, "row": codes_seen[code]},
                )
                continue
            codes_seen[code] = row.number
        else:
            key = (values["name"], getattr(values.get("region"), "pk", None))
            if key in names_seen:
                plan.error(
                    row.number,
                    sheet.header_of("name"),
                    _("“%(name)s” in the same region is already on row %(row)s of this file.")
                    % {"name": values["name"], "row": names_seen[key]},
                )
                continue
            names_seen[key] = row.number
        row.values = {}  # the raw cells are no longer needed: keep memory for the parsed rows
        rows.append((row, values))
    by_code, by_name, hidden = _existing(user, rows)
    for row, values in rows:
        project = None
        if values.get("code"):
            if values["code"] in hidden:
                plan.error(
                    row.number,
                    sheet.header_of("code"),
                    _("The code %(code)s belongs to a project outside your jurisdiction.")
                    % {"code": values["code"]},
                )
                continue
            project = by_code.get(values["code"])
        else:
            matches = by_name.get((values["name"], getattr(values.get("region"), "pk", None)), [])
            if len(matches) > 1:
                plan.error(
                    row.number,
                    sheet.header_of("name"),
                    _(
                        "Several projects are called “%(name)s” in this region: add the project code."
                    )
                    % {"name": values["name"]},
                )
                continue
            project = matches[0] if matches else None
        if project is None:
            if values.get("region") is None:
                plan.error(
                    row.number,
                    sheet.header_of("region"),
                    _("Enter the county or district of the project."),
                )
                continue
            if values.get("total_investment") is None:
                plan.error(
                    row.number,
                    sheet.header_of("total_investment"),
                    _("Enter the total investment."),
                )
                continue
            try:
                services.check_planned_dates(values)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    plan.error(row.number, sheet.header_of(key), " ".join(messages))
                continue
            plan.creates.append((row.number, values))
            continue
        changed = _project_changes(project, values)
        ok, advance = _stage_plan(project, values, sheet, row, plan)
        if not ok:
            continue
        if "planned_sign_date" in changed or any(f in changed for f in PLANNED_DATE_FIELD.values()):
            try:
                services.check_planned_dates(
                    {f: changed.get(f, getattr(project, f)) for f in PLANNED_DATE_FIELD.values()}
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    plan.error(row.number, sheet.header_of(key), " ".join(messages))
                continue
        if not changed and advance is None:
            plan.unchanged += 1
            continue
        plan.updates.append((row.number, project, changed, advance))
        if len(plan.changes) < MAX_KEPT:
            shown = [
                {
                    "field": _field_label(key),
                    "before": _shown(key, _before_value(project, key)),
                    "after": _shown(key, value),
                }
                for key, value in changed.items()
            ]
            if advance:
                shown.append(
                    {
                        "field": str(_("Stage")),
                        "before": str(Stage(project.stage).label),
                        "after": str(Stage(advance[0]).label),
                    }
                )
            plan.changes.append(
                {"row": row.number, "project": project.name, "code": project.code, "fields": shown}
            )
    return plan


def _before_value(project: Project, key: str):
    if key == "investor":
        return project.investor.name if project.investor_id else None
    return getattr(project, key)


def _write_projects(plan: Plan, *, user, progress=None) -> None:
    try:
        services.project_create_many(
            actor=user,
            rows=[values for _number, values in plan.creates],
            action=AuditEntry.Action.IMPORT,
            progress=progress,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _RowFailed(0, _message(exc)) from exc
    for number, project, changed, advance in plan.updates:
        if progress is not None:
            progress(1)
        try:
            data = dict(changed)
            if "investor" in data:
                data["investor"] = services.investor_for_name(
                    name=data["investor"], origin=getattr(project.investor, "origin", "domestic")
                )
            if data:
                project = services.project_update(
                    actor=user,
                    project=project,
                    data=data,
                    expected_version=project.version,
                    action=AuditEntry.Action.IMPORT,
                )
            if advance:
                target, dates = advance
                services.stage_advance(
                    actor=user,
                    project=project,
                    to_stage=target,
                    effective_date=dates.get(target) or timezone.localdate(),
                    skipped_dates=dates,
                    note=_("Imported from a sheet"),
                )
        except (ValidationError, PermissionDenied) as exc:
            raise _RowFailed(number, _message(exc)) from exc


# --- monthly progress ---------------------------------------------------------------------


def plan_progress(sheet: Sheet, *, user) -> Plan:  # noqa: C901 - to split (issue 14)
    plan = Plan()
    rows = []
    seen: dict[tuple, int] = {}
    today = timezone.localdate()
    for row in sheet:
        plan.rows += 1
        values, ok = {}, True
        for key in ("code", "name", "note"):
            values[key] = _text(row.values.get(key))
        if not values["code"]:
            plan.error(row.number, sheet.header_of("code"), _("Enter the project code."))
            ok = False
        try:
            if row.values.get("period") is None:
                raise UnitError(_("Enter the month reported."))
            values["period"] = parse_date(row.values["period"]).replace(day=1)
            if values["period"] > today.replace(day=1):
                raise UnitError(_("You cannot report a month that has not begun."))
        except UnitError as exc:
            plan.error(row.number, sheet.header_of("period"), exc)
            ok = False
        try:
            raw = row.values.get("investment_completed")
            if raw is None:
                raise UnitError(_("Enter an amount."))
            values["investment_completed"], _c = _amount(raw, sheet.units["investment_completed"])
        except UnitError as exc:
            plan.error(row.number, sheet.header_of("investment_completed"), exc)
            ok = False
        progress = row.values.get("construction_progress")
        try:
            number = Decimal(str(progress).rstrip("%％").strip()) if progress is not None else 0
            if number <= 1 and isinstance(progress, float) and number != 0:
                number *= 100  # a cell formatted as a percentage holds 0.45
            if not 0 <= number <= 100 or number != number.to_integral_value():
                raise ValueError
            values["construction_progress"] = int(number)
        except (ValueError, ArithmeticError):
            plan.error(
                row.number,
                sheet.header_of("construction_progress"),
                _("“%(value)s” is not a whole percentage from 0 to 100.") % {"value": progress},
            )
            ok = False
        if not ok:
            continue
        key = (values["code"], values["period"])
        if key in seen:
            plan.error(
                row.number,
                sheet.header_of("period"),
                _("This project and month are already on row %(row)s of this file.")
                % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        row.values = {}  # the raw cells are no longer needed: keep memory for the parsed rows
        rows.append((row, values))
    by_code, _by_name, hidden = _existing(user, rows)
    reported = {}
    ids = [p.pk for p in by_code.values()]
    for start in range(0, len(ids), CHUNK):
        for report in ProgressReport.objects.filter(project_id__in=ids[start : start + CHUNK]):
            reported[(report.project_id, report.period)] = report
    for row, values in rows:
        project = by_code.get(values["code"])
        if project is None:
            plan.error(
                row.number,
                sheet.header_of("code"),
                _("The code %(code)s belongs to a project outside your jurisdiction.")
                % {"code": values["code"]}
                if values["code"] in hidden
                else _("No project has the code %(code)s.") % {"code": values["code"]},
            )
            continue
        existing = reported.get((project.pk, values["period"]))
        if existing is not None:
            same = (
                existing.investment_completed == values["investment_completed"]
                and existing.construction_progress == values["construction_progress"]
            )
            if same:
                plan.unchanged += 1
            else:
                plan.error(
                    row.number,
                    sheet.header_of("investment_completed"),
                    _(
                        "%(month)s was already reported for this project with other figures "
                        "(%(amount)s, %(progress)s%%); a report is not overwritten."
                    )
                    % {
                        "month": f"{values['period']:%Y-%m}",
                        "amount": format_amount(existing.investment_completed),
                        "progress": existing.construction_progress,
                    },
                )
            continue
        if project.stage < Stage.STARTED:
            plan.error(
                row.number,
                sheet.header_of("code"),
                _("Progress is reported once construction has started."),
            )
            continue
        if project.started_on and values["period"] < project.started_on.replace(day=1):
            plan.error(
                row.number,
                sheet.header_of("period"),
                _("Construction started on %(date)s, after this month.")
                % {"date": format_date(project.started_on)},
            )
            continue
        plan.creates.append((row.number, project, values))
    return plan


def _write_progress(plan: Plan, *, user, progress=None) -> None:
    for number, project, values in plan.creates:
        try:
            services.progress_report_submit(
                actor=user,
                project=project,
                period=values["period"],
                investment_completed=values["investment_completed"],
                construction_progress=values["construction_progress"],
                note=values["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            raise _RowFailed(number, _message(exc)) from exc


KINDS = {
    ImportBatch.Kind.PROJECTS: (PROJECT_COLUMNS, plan_projects, _write_projects),
    ImportBatch.Kind.PROGRESS: (PROGRESS_COLUMNS, plan_progress, _write_progress),
}


class _RowFailed(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


# --- the two steps ------------------------------------------------------------------------


def _plan(batch: ImportBatch, user, *, step: str = "") -> Plan:
    """Plan the stored file; a sheet that cannot be read, or meets a limit while its rows
    are read, is one error of the plan."""
    columns, planner, _writer = KINDS[batch.kind]
    with batch.file.open("rb") as handle:
        try:
            sheet = Sheet(handle, batch.original_name, columns)
            if step:
                sheet.on_row = progress.Counter(
                    progress_key(batch), total=sheet.size_hint, step=step
                ).add
            plan = planner(sheet, user=user)
        except SheetError as exc:
            plan = Plan()
            plan.error(0, "", exc)
            return plan
        plan.ignored_columns = sheet.ignored
        return plan


def _store_counts(batch: ImportBatch, plan: Plan) -> None:
    batch.rows = plan.rows
    batch.created = len(plan.creates)
    batch.updated = len(plan.updates)
    batch.unchanged = plan.unchanged
    batch.error_count = len(plan.errors)
    batch.errors = [e.as_dict() for e in plan.errors[:MAX_KEPT]]
    batch.changes = plan.changes[:MAX_KEPT]
    batch.ignored_columns = plan.ignored_columns


def progress_key(batch: ImportBatch) -> str:
    return f"import-{batch.pk}"


def import_preview(*, actor, kind: str, upload) -> ImportBatch:
    """Store the uploaded file and work out what importing it would do (in the background
    where tasks run in a worker). Writes no project."""
    require_editor(actor)
    if upload.size > MAX_FILE_SIZE:
        raise ValidationError(
            {"file": _("The file is larger than %(n)s MB.") % {"n": MAX_FILE_SIZE // 2**20}}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    batch = ImportBatch(
        kind=kind,
        original_name=upload.name[-200:],
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
        region=actor.region,
        park=actor.park,
        status=ImportBatch.Status.PLANNING,
    )
    batch.file.save(upload.name[-120:], upload, save=False)
    batch.save()
    progress.report(progress_key(batch), done=0, total=None, step="queued")
    from investrack.projects.tasks import import_preview_task

    import_preview_task.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def preview_run(batch_id: int) -> None:
    """The preview itself: plan the stored file, keep the counts and errors."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.PLANNING:
        return  # done already (a task delivered twice)
    try:
        plan = _plan(batch, batch.uploaded_by, step="reading")
    except Exception:
        plan = Plan()
        plan.error(
            0, "", _("The file could not be read; nothing was imported. Tell the administrator.")
        )
        _store_counts(batch, plan)
        batch.status = ImportBatch.Status.REFUSED
        batch.save()
        progress.clear(progress_key(batch))
        raise
    _store_counts(batch, plan)
    batch.status = ImportBatch.Status.PREVIEWED
    batch.save()
    progress.clear(progress_key(batch))
    _tell(batch, _("The preview of “%(name)s” is ready."))


def may_confirm(*, user, batch: ImportBatch) -> bool:
    """Whether the preview offers to import: the uploader's own clean preview that would
    change something."""
    return (
        batch.status == ImportBatch.Status.PREVIEWED
        and batch.uploaded_by_id == user.pk
        and batch.error_count == 0
        and bool(batch.created or batch.updated)
    )


def _one_import_at_a_time() -> None:
    """Confirms of imports run one after another: a second confirm (a double click, another
    tab, a second preview of the same sheet) plans against the rows the first wrote. SQLite
    serialises write transactions already (BEGIN IMMEDIATE); PostgreSQL takes a lock held
    until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def import_confirm(*, actor, batch: ImportBatch) -> ImportBatch:
    """Import a previewed file: every row, in one transaction, or nothing; once.

    The batch is claimed first (previewed → being imported, one conditional update), so
    however many confirms of it arrive at once, one goes on and the others are refused.
    The import runs as a task (in a worker, or at once where tasks run in the request).
    """
    require_editor(actor)
    if batch.uploaded_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded a file can import it."))
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.IMPORTING
    )
    if not claimed:
        raise ValidationError(
            _("This file is being imported, or was already imported or refused; upload it again.")
        )
    progress.report(progress_key(batch), done=0, total=None, step="queued")
    from investrack.projects.tasks import import_confirm_task

    import_confirm_task.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


def confirm_run(batch_id: int) -> None:
    """The import itself. The file is planned again (the database may have moved on since
    the preview); if any row has an error now, nothing is written and the batch is marked
    refused with the errors. A worker that dies midway leaves the transaction unwritten."""
    batch = ImportBatch.objects.select_related("uploaded_by").get(pk=batch_id)
    actor = batch.uploaded_by
    _columns, _planner, writer = KINDS[batch.kind]
    try:
        with transaction.atomic():
            _one_import_at_a_time()
            batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
            if batch.status != ImportBatch.Status.IMPORTING:
                return  # done already (a task delivered twice)
            plan = _plan(batch, actor, step="checking")
            if not plan.errors:
                counter = progress.Counter(
                    progress_key(batch),
                    total=len(plan.creates) + len(plan.updates),
                    step="writing",
                    every=500,
                )
                try:
                    with transaction.atomic():
                        writer(plan, user=actor, progress=counter.add)
                except _RowFailed as exc:
                    plan.error(exc.row, "", exc.message)
            _store_counts(batch, plan)
            if plan.errors:
                batch.status, batch.imported_at = ImportBatch.Status.REFUSED, None
            else:
                batch.status, batch.imported_at = ImportBatch.Status.IMPORTED, timezone.now()
            batch.save()
    except Exception:
        # Nothing was written; the batch says so instead of staying "being imported".
        ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.IMPORTING).update(
            status=ImportBatch.Status.PREVIEWED
        )
        raise
    finally:
        progress.clear(progress_key(batch))
    if batch.status == ImportBatch.Status.IMPORTED:
        _tell(batch, _("“%(name)s” was imported."))
    else:
        _tell(batch, _("“%(name)s” was not imported: the file has errors now."))


def _tell(batch: ImportBatch, title: str) -> None:
    """The uploader hears in the inbox when a job that ran in a worker ends."""
    from investrack.projects.tasks import runs_in_background
    from investrack.service.notifications import notify

    if runs_in_background():
        notify(
            users=[batch.uploaded_by],
            kind="import_done",
            key=f"import-{batch.pk}-{batch.status}",
            title=title % {"name": batch.original_name},
            url=reverse("projects:import_detail", args=[batch.pk]),
        )


def recover_interrupted(*, stall_seconds: int | None = None) -> int:
    """Batches whose worker died (no progress for IMPORT_STALL_SECONDS): an import goes back
    to previewed (its transaction wrote nothing; it can be confirmed again), a preview is
    refused (upload again). Called by the import pages and the daily job."""
    stall_seconds = stall_seconds or settings.IMPORT_STALL_SECONDS
    recovered = 0
    busy = ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.PLANNING, ImportBatch.Status.IMPORTING]
    )
    for batch in busy:
        if not progress.stalled(progress.read(progress_key(batch)), seconds=stall_seconds):
            continue
        if batch.status == ImportBatch.Status.IMPORTING:
            recovered += ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.IMPORTING
            ).update(status=ImportBatch.Status.PREVIEWED)
        else:
            recovered += ImportBatch.objects.filter(
                pk=batch.pk, status=ImportBatch.Status.PLANNING
            ).update(
                status=ImportBatch.Status.REFUSED,
                error_count=1,
                errors=[
                    {
                        "row": 0,
                        "column": "",
                        "message": str(_("Reading the file was interrupted: upload it again.")),
                    }
                ],
            )
        progress.clear(progress_key(batch))
    return recovered


def earlier_import(batch: ImportBatch) -> ImportBatch | None:
    """The same sheet (same kind and SHA-256), imported before in the same jurisdiction."""
    return (
        ImportBatch.objects.filter(
            kind=batch.kind,
            sha256=batch.sha256,
            status=ImportBatch.Status.IMPORTED,
            region_id=batch.region_id,
            park_id=batch.park_id,
        )
        .exclude(pk=batch.pk)
        .select_related("uploaded_by")
        .order_by("-imported_at")
        .first()
    )


def import_batches_visible_to(user):
    return scope(user, ImportBatch.objects.select_related("uploaded_by"))
