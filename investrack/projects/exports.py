"""Lists as files: the project list, the working lists and monthly progress, as .xlsx in the
layout officials print, and as CSV.

The columns and headers are the importer's, so that an exported file imports back
unchanged. Rows are streamed from the database; the 合计 row is one SQL aggregate.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from decimal import Decimal

import xlsxwriter
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.core.excel import OutColumn, neutralised, write_printed_sheet
from investrack.core.units import format_date, is_chinese, to_wan
from investrack.projects.imports import PROGRESS_COLUMNS, PROJECT_COLUMNS
from investrack.projects.models import Category, ImportBatch, Stage
from investrack.projects.selectors import progress_of_projects

EXPORTED_PROJECT_KEYS = [c.key for c in PROJECT_COLUMNS]
SUMMED_KEYS = ("total_investment", "land_area", "expected_annual_output", "expected_annual_tax")
CURRENCY_NAMES = {"CNY": "元", "USD": "美元", "HKD": "港元", "EUR": "欧元", "JPY": "日元"}


def unit_suffix(kind: str) -> str:
    """The unit a header names: 万元 for amounts, 亩 for land."""
    chinese = is_chinese()
    if kind == "amount":
        return "（万元）" if chinese else " (10,000 yuan)"
    if kind == "area":
        return "（亩）" if chinese else " (mu)"
    return ""


def _header(column) -> str:
    if column.key == "foreign_investment":  # in the currency of the next column
        return f"{column.label}{'（万）' if is_chinese() else ' (10,000)'}"
    return f"{column.label}{unit_suffix(column.kind)}"


def _out_kind(kind: str) -> str:
    return {"amount": "number", "area": "number", "date": "date", "integer": "integer"}.get(
        kind, "text"
    )


# What each exported column reads from the database, and how its cell is written.
_SOURCE_COLUMNS = {
    "investor": ("investor__name",),
    "investor_credit_code": ("investor__credit_code",),
    "industry": ("industry__code", "industry__name"),
    "region": ("region__name",),
    "park": ("park__name",),
    "foreign_investment": ("foreign_investment",),
    "foreign_currency": ("foreign_currency", "foreign_investment"),
}


def _cell_converters():
    """For each exported key: the database columns it needs and a function of their values."""
    category_labels = {value: str(label) for value, label in Category.choices}
    stage_labels = {value: str(label) for value, label in Stage.choices}

    def currency(code, amount):
        # The amount's currency in a column of its own, so the amount stays a number.
        return None if amount is None else CURRENCY_NAMES.get(code, code)

    def industry(code, name):
        return f"{code} {name}" if code else None

    converters = {
        "foreign_investment": to_wan,
        "foreign_currency": currency,
        "industry": industry,
        "total_investment": to_wan,
        "expected_annual_output": to_wan,
        "expected_annual_tax": to_wan,
        "land_area": lambda v: v.normalize() if v is not None else None,
        "category": category_labels.get,
        "stage": stage_labels.get,
    }
    return [
        (_SOURCE_COLUMNS.get(key, (key,)), converters.get(key)) for key in EXPORTED_PROJECT_KEYS
    ]


class ProjectTable:
    """The columns of a project export, optionally with 逾期天数 for a working list."""

    def __init__(self, *, overdue_field: str | None = None):
        self.overdue_field = overdue_field
        self.columns = [OutColumn(_("No."), "integer", width=6)]
        for column in PROJECT_COLUMNS:
            width = {"name": 36, "investor": 28, "description": 40, "industry": 28}.get(column.key)
            self.columns.append(OutColumn(_header(column), _out_kind(column.kind), width=width))
        if overdue_field:
            self.columns.append(OutColumn(_("Days overdue"), "integer"))
        self.keys = ["_no", *EXPORTED_PROJECT_KEYS] + (["_overdue"] if overdue_field else [])
        self.converters = _cell_converters()

    def source_columns(self) -> list[str]:
        columns = [c for sources, _convert in self.converters for c in sources]
        return columns + ([self.overdue_field] if self.overdue_field else [])

    def rows(self, queryset, today: datetime.date) -> Iterator[list]:
        """The cells of each project, numbered, read as plain values (no model instances)."""
        plan = []
        position = 0
        for sources, convert in self.converters:
            plan.append((position, len(sources), convert))
            position += len(sources)
        values = queryset.values_list(*self.source_columns()).iterator(chunk_size=2000)
        for number, record in enumerate(values, start=1):
            row = [number]
            for at, width, convert in plan:
                if convert is None:
                    row.append(record[at])
                elif width == 1:
                    row.append(convert(record[at]))
                else:
                    row.append(convert(*record[at : at + width]))
            if self.overdue_field:
                planned = record[-1]
                row.append(max((today - planned).days, 0) if planned else None)
            yield row


def _totals(queryset, table: ProjectTable) -> tuple[int, dict[int, Decimal]]:
    """The 合计 row's figures, in one aggregate query."""
    sums = {key: Sum(key) for key in SUMMED_KEYS}
    figures = queryset.order_by().aggregate(_count=Count("id"), **sums)
    totals = {}
    for key in sums:
        value = figures[key]
        if value is not None:
            totals[table.keys.index(key)] = value if key == "land_area" else to_wan(value)
    return figures["_count"], totals


def projects_xlsx(*, user, queryset, title: str, overdue_field: str | None = None):
    """A named temporary file holding the list as .xlsx."""
    table = ProjectTable(overdue_field=overdue_field)
    today = timezone.localdate()
    count, totals = _totals(queryset, table)
    output = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - returned open
    write_printed_sheet(
        output,
        title=title,
        subtitle=_("%(jurisdiction)s · as of %(date)s · %(count)s projects")
        % {"jurisdiction": user.jurisdiction_name, "date": format_date(today), "count": count},
        columns=table.columns,
        rows=table.rows(queryset, today),
        total=(_("Total (%(count)s)") % {"count": count}, totals),
    )
    output.seek(0)
    return output


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralised(value)
    return str(value)


class _Echo:
    def write(self, value):
        return value


def projects_csv(*, queryset, overdue_field: str | None = None) -> Iterator[str]:
    """The list as CSV rows (UTF-8 with a BOM, so that Excel shows Chinese), streamed."""
    table = ProjectTable(overdue_field=overdue_field)
    today = timezone.localdate()
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.header for c in table.columns])
    for row in table.rows(queryset, today):
        yield writer.writerow([_csv_value(v) for v in row])


# --- monthly progress ---------------------------------------------------------------------


def _progress_columns() -> list[OutColumn]:
    columns = [OutColumn(_("No."), "integer", width=6)]
    for column in PROGRESS_COLUMNS:
        kind = "text" if column.key == "period" else _out_kind(column.kind)
        width = {"name": 36, "note": 30}.get(column.key)
        columns.append(OutColumn(_header(column), kind, width=width))
    columns.append(
        OutColumn(_("Cumulative investment completed") + unit_suffix("amount"), "number")
    )
    return columns


def _progress_values(number: int, report) -> list:
    return [
        number,
        report.project.code,
        report.project.name,
        f"{report.period:%Y-%m}",
        to_wan(report.investment_completed),
        report.construction_progress,
        report.note,
        to_wan(report.cumulative),
    ]


def progress_xlsx(*, user, queryset, title: str):
    reports = progress_of_projects(projects=queryset)
    figures = reports.order_by().aggregate(n=Count("id"), total=Sum("investment_completed"))
    output = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - returned open
    write_printed_sheet(
        output,
        title=title,
        subtitle=_("%(jurisdiction)s · as of %(date)s · %(count)s reports")
        % {
            "jurisdiction": user.jurisdiction_name,
            "date": format_date(timezone.localdate()),
            "count": figures["n"],
        },
        columns=_progress_columns(),
        rows=(
            _progress_values(number, report)
            for number, report in enumerate(reports.iterator(chunk_size=2000), start=1)
        ),
        total=(
            _("Total (%(count)s)") % {"count": figures["n"]},
            {4: to_wan(figures["total"])} if figures["total"] is not None else {},
        ),
    )
    output.seek(0)
    return output


def progress_csv(*, queryset) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.header for c in _progress_columns()])
    for number, report in enumerate(
        progress_of_projects(projects=queryset).iterator(chunk_size=2000), 1
    ):
        yield writer.writerow([_csv_value(v) for v in _progress_values(number, report)])


# --- templates ----------------------------------------------------------------------------


def import_template(kind: str) -> bytes:
    """An empty sheet with the headers in the active language and how to fill them in."""
    columns = PROJECT_COLUMNS if kind == ImportBatch.Kind.PROJECTS else PROGRESS_COLUMNS
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Projects") if kind == "projects" else _("Monthly progress"))
    bold = workbook.add_format(
        {"bold": True, "border": 1, "bg_color": "#DDE7F3", "text_wrap": True}
    )
    required = workbook.add_format(
        {"bold": True, "border": 1, "bg_color": "#F8D7A9", "text_wrap": True}
    )
    for index, column in enumerate(columns):
        header = _header(column)
        sheet.write_string(0, index, header, required if column.required else bold)
        sheet.set_column(index, index, max(12, min(len(header) * 2 + 2, 30)))
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("How to fill in"))
    notes.set_column(0, 0, 100)
    lines = [
        _("One project per row; the orange columns are required."),
        _(
            "Amounts: a plain number is in the unit of its header (万元); you may also write "
            "1.5亿, 15000万元 or 3,000万美元. Estimates such as 约3亿 are refused."
        ),
        _("Land: a plain number is in 亩; 8000平方米 or 2公顷 are converted."),
        _("Dates: 2023-10-09, 2023/10/9, 2023年10月9日, or a month such as 2023年10月."),
        _("Region and park: by name or code. Industry: GB/T 4754 code or name."),
        _(
            "A row with a project code updates that project; a row without one is matched "
            "by name and region, or creates a new project. Rows of totals (合计) and notes "
            "(注：) are skipped."
        ),
        _("Nothing is written until you have seen the preview and confirmed it."),
    ]
    if kind != ImportBatch.Kind.PROJECTS:
        lines = [
            _("One project and month per row: project code, month (2026-10 or 2026年10月)."),
            _("Investment completed in the month, in 万元 unless you write a unit."),
            _("A month already reported with other figures is refused, never overwritten."),
        ]
    for index, line in enumerate(lines):
        notes.write_string(index, 0, line)
    workbook.close()
    return buffer.getvalue()
