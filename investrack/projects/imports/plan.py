"""Planning a sheet: what it would create, update or leave unchanged, and every error —
a dry run through the same rules the services apply (``projects.rules``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core.excel import Sheet
from investrack.core.units import (
    UnitError,
    format_amount,
    format_date,
    parse_date,
)
from investrack.projects import rules
from investrack.projects.imports.columns import PROJECT_COLUMNS, PROJECT_FIELDS
from investrack.projects.imports.read import (
    Lookups,
    amount_of,
    present_columns,
    read_project_row,
    text_of,
)
from investrack.projects.models import (
    PLANNED_DATE_FIELD,
    STAGE_DATE_FIELD,
    Category,
    Investor,
    ProgressReport,
    Project,
    Stage,
)

MAX_KEPT = 1000  # errors and changes kept on the batch
CHUNK = 500  # ids per IN (...) look-up


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


def message_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


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
        elif key == "investor_credit_code":
            old = project.investor.credit_code if project.investor_id else ""
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
    """(ok, (target stage, its dates)) if the row moves the project on; errors if it moves
    it back or contradicts a recorded date — the rules of ``stage_advance``."""
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
    if target is None or target == project.stage:
        return ok, None
    refusal = rules.advance_refusal(project, target)
    if refusal:
        plan.error(row.number, sheet.header_of("stage"), refusal)
        return False, None
    if not ok:
        return ok, None
    given = {
        stage: values.get(field)
        for stage, field in STAGE_DATE_FIELD.items()
        if project.stage < stage <= target and values.get(field)
    }
    dates = rules.fill_skipped_stages(
        from_stage=project.stage + 1,
        to_stage=target,
        effective_date=given.get(target) or timezone.localdate(),
        given=given,
    )
    try:
        rules.check_stage_dates(
            {project.stage: project.stage_since, **dates},
            field=STAGE_DATE_FIELD[Stage(target)],
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            plan.error(row.number, sheet.header_of(key), " ".join(messages))
        return False, None
    return ok, (target, given)


def existing_projects(user, rows: list[tuple]) -> tuple[dict, dict, set]:
    """Projects the file names, looked up in chunks: by code and by (name, region)."""
    codes = sorted({v["code"] for _r, v in rows if v.get("code")})
    by_code, hidden = {}, set()
    visible = Project.objects.visible_to(user)
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


def _read_rows(sheet: Sheet, user, plan: Plan) -> list[tuple]:
    """Every row read, its errors recorded; a code (or a name in a region) twice in the
    file is an error of the later row."""
    lookups = Lookups(user)
    rows = []
    codes_seen: dict[str, int] = {}
    names_seen: dict[tuple, int] = {}
    columns, today = present_columns(sheet), timezone.localdate()
    for row in sheet:
        plan.rows += 1
        values = read_project_row(sheet, row, lookups, plan, columns, today)
        if values is None:
            continue
        code = values.get("code")
        if code:
            seen, key, column = codes_seen, code, "code"
            message = _("The code %(code)s is already on row %(row)s of this file.")
        else:
            seen, column = names_seen, "name"
            key = (values["name"], getattr(values.get("region"), "pk", None))
            message = _("“%(name)s” in the same region is already on row %(row)s of this file.")
        if key in seen:
            plan.error(
                row.number,
                sheet.header_of(column),
                message % {"code": code, "name": values["name"], "row": seen[key]},
            )
            continue
        seen[key] = row.number
        row.values = {}  # the raw cells are no longer needed: keep memory for the parsed rows
        rows.append((row, values))
    return rows


def _match(row, values: dict, sheet: Sheet, plan: Plan, found) -> tuple[bool, Project | None]:
    """(ok, the project the row names or None for a new one): by code, else by name in
    its region."""
    by_code, by_name, hidden = found
    if values.get("code"):
        if values["code"] in hidden:
            plan.error(
                row.number,
                sheet.header_of("code"),
                _("The code %(code)s belongs to a project outside your jurisdiction.")
                % {"code": values["code"]},
            )
            return False, None
        return True, by_code.get(values["code"])
    matches = by_name.get((values["name"], getattr(values.get("region"), "pk", None)), [])
    if len(matches) > 1:
        plan.error(
            row.number,
            sheet.header_of("name"),
            _("Several projects are called “%(name)s” in this region: add the project code.")
            % {"name": values["name"]},
        )
        return False, None
    return True, (matches[0] if matches else None)


def _planned_dates_ok(row, sheet: Sheet, plan: Plan, dates: dict) -> bool:
    try:
        rules.check_planned_dates(dates)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            plan.error(row.number, sheet.header_of(key), " ".join(messages))
        return False
    return True


def _plan_create(row, values: dict, sheet: Sheet, plan: Plan) -> None:
    for key, message in (
        ("region", _("Enter the county or district of the project.")),
        ("total_investment", _("Enter the total investment.")),
    ):
        if values.get(key) is None:
            plan.error(row.number, sheet.header_of(key), message)
            return
    if _planned_dates_ok(row, sheet, plan, values):
        plan.creates.append((row.number, values))


def _plan_update(row, values: dict, project: Project, sheet: Sheet, plan: Plan) -> None:
    changed = _project_changes(project, values)
    ok, advance = _stage_plan(project, values, sheet, row, plan)
    if not ok:
        return
    if any(f in changed for f in PLANNED_DATE_FIELD.values()):
        planned = {f: changed.get(f, getattr(project, f)) for f in PLANNED_DATE_FIELD.values()}
        if not _planned_dates_ok(row, sheet, plan, planned):
            return
    if not changed and advance is None:
        plan.unchanged += 1
        return
    plan.updates.append((row.number, project, changed, advance))
    if len(plan.changes) >= MAX_KEPT:
        return
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


def _credit_codes_agree(rows, sheet: Sheet, plan: Plan):
    """The rows whose investor's credit code agrees with the register (the rule of
    ``investor_for_name``): a known code names its investor; a new code goes on the named
    investor unless that one is registered with another code. In bulk, for 10⁴ rows."""
    coded = [(row, v) for row, v in rows if v.get("investor_credit_code")]
    if not coded:
        return rows
    codes = {v["investor_credit_code"] for _row, v in coded}
    known = set(
        Investor.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
    )
    names = {v.get("investor") for _row, v in coded if v.get("investor")}
    registered = dict(
        Investor.objects.filter(name__in=names)
        .exclude(credit_code="")
        .values_list("name", "credit_code")
    )
    refused = set()
    for row, v in coded:
        code, name = v["investor_credit_code"], v.get("investor") or ""
        if code not in known and registered.get(name, code) != code:
            plan.error(
                row.number,
                sheet.header_of("investor_credit_code"),
                _("%(investor)s is registered with the code %(code)s; the city bureau "
                  "corrects the register.") % {"investor": name, "code": registered[name]},
            )  # fmt: skip
            refused.add(row.number)
    return [(row, v) for row, v in rows if row.number not in refused]


def plan_projects(sheet: Sheet, *, user) -> Plan:
    """What the project sheet would do, as ``user`` would do it."""
    plan = Plan()
    rows = _credit_codes_agree(_read_rows(sheet, user, plan), sheet, plan)
    found = existing_projects(user, rows)
    for row, values in rows:
        ok, project = _match(row, values, sheet, plan, found)
        if not ok:
            continue
        if project is None:
            _plan_create(row, values, sheet, plan)
        else:
            _plan_update(row, values, project, sheet, plan)
    return plan


def _before_value(project: Project, key: str):
    if key == "investor":
        return project.investor.name if project.investor_id else None
    if key == "investor_credit_code":
        return project.investor.credit_code if project.investor_id else None
    return getattr(project, key)


def _read_progress_row(sheet: Sheet, row, plan: Plan, today: datetime.date) -> dict | None:
    """A progress row's values (code, month, amount, percentage, note), or None after
    recording its errors."""
    values, ok = {}, True
    for key in ("code", "name", "note"):
        values[key] = text_of(row.values.get(key))
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
        values["investment_completed"], _c = amount_of(raw, sheet.units["investment_completed"])
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
    return values if ok else None


def _reports_of(projects) -> dict[tuple, ProgressReport]:
    """The reports already recorded for these projects, by (project, month)."""
    reported = {}
    ids = [p.pk for p in projects]
    for start in range(0, len(ids), CHUNK):
        for report in ProgressReport.objects.filter(project_id__in=ids[start : start + CHUNK]):
            reported[(report.project_id, report.period)] = report
    return reported


def _plan_report(row, values: dict, project: Project, existing, sheet: Sheet, plan: Plan):
    """A month already reported with the same figures is unchanged, with other figures an
    error (a report is not overwritten); otherwise the rules of ``progress_report_submit``."""
    if existing is not None:
        if (
            existing.investment_completed == values["investment_completed"]
            and existing.construction_progress == values["construction_progress"]
        ):
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
        return
    refusal = rules.progress_refusal(project, values["period"])
    if refusal:
        plan.error(row.number, sheet.header_of("period"), refusal)
        return
    plan.creates.append((row.number, project, values))


def plan_progress(sheet: Sheet, *, user) -> Plan:
    """What the progress sheet would do, as ``user`` would do it."""
    plan = Plan()
    rows = []
    seen: dict[tuple, int] = {}
    today = timezone.localdate()
    for row in sheet:
        plan.rows += 1
        values = _read_progress_row(sheet, row, plan, today)
        if values is None:
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
    by_code, _by_name, hidden = existing_projects(user, rows)
    reported = _reports_of(by_code.values())
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
        _plan_report(row, values, project, existing, sheet, plan)
    return plan
