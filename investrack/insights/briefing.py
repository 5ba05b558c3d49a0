"""The monthly briefing (通报): figures against targets, the ranking, red-lit projects with
their problems, three charts and a sentence per county — as .docx and as PDF.

Everything in it is read from the same selectors as the dashboard; the sentences are put
together from the figures only (a clause whose figure is missing is left out).
"""

from __future__ import annotations

import base64
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from investrack.closed_loop.lights import LightBook
from investrack.closed_loop.models import OPEN_STATUSES, Light, Problem
from investrack.core.units import format_amount, format_date
from investrack.insights import charts
from investrack.insights.indicators import (
    IndicatorTable,
    Row,
    figure_text,
    last_of_month,
    month_label,
    percent,
)
from investrack.insights.race import Standing, city_of, month_period, race
from investrack.insights.selectors import (
    Area,
    area_table,
    monthly_trend,
    pace_figure,
    stage_funnel,
)
from investrack.projects.models import Category, Project
from investrack.regions.models import Indicator

HEADLINE = [
    Indicator.INTRODUCED,
    Indicator.INTRODUCED_INVESTMENT,
    Indicator.OVER_1YI,
    Indicator.OVER_10YI,
    Indicator.STARTED,
    Indicator.COMPLETED,
    Indicator.PRODUCTION,
    Indicator.INVESTMENT_COMPLETED,
    Indicator.FOREIGN_ARRIVED,
    Indicator.START_RATE,
]
RED_PROJECTS_SHOWN = 30


@dataclass
class Briefing:
    area: Area
    month: datetime.date
    table: IndicatorTable
    standings: list[Standing]
    red_projects: list[Project]
    red_total: int
    funnel: list[dict]
    trend: list[dict]
    pace: dict
    category: str = ""
    sentences: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)
    # When it was made: the document's own date and time (an issued briefing's instant).
    made_at: datetime.datetime | None = None

    @property
    def title(self) -> str:
        title = _("%(area)s: investment promotion and major projects") % {"area": self.area.name}
        if self.category:
            title += _(" (%(category)s projects)") % {"category": Category(self.category).label}
        return title

    @property
    def issue(self) -> str:
        return _("Briefing %(year)s, no. %(number)s") % {
            "year": self.month.year,
            "number": self.month.month,
        }

    @property
    def issuer(self) -> str:
        return settings.BRIEFING_ISSUER or _("%(area)s Investment Promotion Bureau") % {
            "area": self.area.name
        }

    @property
    def as_of_text(self) -> str:
        return format_date(self.table.period.as_of)

    @property
    def period_text(self) -> str:
        return self.table.period.label

    def headline_rows(self) -> list[dict]:
        total = self.table.total
        return [
            {
                "label": Indicator(indicator).label,
                "actual": figure_text(indicator, total.figures[indicator].actual),
                "target": figure_text(indicator, total.figures[indicator].target),
                "completion": percent(total.figures[indicator].completion),
            }
            for indicator in HEADLINE
        ]

    def lead_paragraph(self) -> str:
        total = self.table.total.figures
        text = _(
            "%(period)s, %(area)s introduced %(introduced)s with planned investment of "
            "%(amount)s, %(over10)s of them of 1 billion yuan or more; %(started)s started, "
            "%(completed)s were completed and %(production)s went into production."
        ) % {
            "period": self.period_text,
            "area": self.area.name,
            "introduced": figure_text(Indicator.INTRODUCED, total[Indicator.INTRODUCED].actual),
            "amount": format_amount(total[Indicator.INTRODUCED_INVESTMENT].actual),
            "over10": figure_text(Indicator.OVER_10YI, total[Indicator.OVER_10YI].actual),
            "started": figure_text(Indicator.STARTED, total[Indicator.STARTED].actual),
            "completed": figure_text(Indicator.COMPLETED, total[Indicator.COMPLETED].actual),
            "production": figure_text(Indicator.PRODUCTION, total[Indicator.PRODUCTION].actual),
        }
        if self.pace["every"] is not None:
            text += " " + _(
                "A project of 100 million yuan or more was introduced every %(days)s days."
            ) % {"days": self.pace["every"]}
        return text


def county_sentence(row: Row, standing: Standing | None, time_progress) -> str:
    """One sentence of figures about a county: only the clauses whose figures exist."""
    f = row.figures
    if f[Indicator.INTRODUCED].actual:
        clauses = [
            _("introduced %(count)s, planned investment %(amount)s")
            % {
                "count": figure_text(Indicator.INTRODUCED, f[Indicator.INTRODUCED].actual),
                "amount": format_amount(f[Indicator.INTRODUCED_INVESTMENT].actual),
            }
        ]
    else:
        clauses = [_("no project newly introduced")]
    completion = f[Indicator.INTRODUCED].completion
    if completion is not None:
        clauses.append(
            _("%(completion)s of the annual target (time elapsed %(time)s)")
            % {"completion": percent(completion), "time": percent(time_progress)}
        )
    clauses.append(
        _("started %(started)s, completed %(completed)s, in production %(production)s")
        % {
            "started": f[Indicator.STARTED].actual,
            "completed": f[Indicator.COMPLETED].actual,
            "production": f[Indicator.PRODUCTION].actual,
        }
    )
    if standing is not None and standing.rank is not None:
        clause = _("score %(score)s, ranked %(rank)s") % {
            "score": standing.score,
            "rank": standing.rank,
        }
        if standing.change:
            clause += (
                _(" (up %(n)s from last month)") % {"n": standing.change}
                if standing.change > 0
                else _(" (down %(n)s from last month)") % {"n": -standing.change}
            )
        clauses.append(clause)
        if standing.flagged:
            clauses.append(_("among the last places"))
    if standing is not None and standing.red_projects:
        clauses.append(_("%(n)s red-lit projects") % {"n": standing.red_projects})
    return _("%(name)s: %(clauses)s.") % {"name": row.name, "clauses": _("; ").join(clauses)}


def briefing_for(
    *,
    area: Area,
    user,
    month: datetime.date,
    category: str = "",
    charts_on: bool = True,
    known_on: datetime.date | None = None,
    made_at: datetime.datetime | None = None,
) -> Briefing:
    """Everything the briefing of ``month`` says about ``area`` (projects of ``category``
    only, if given), year to date as of the month's end, as known now (or on
    ``known_on``: to make again a briefing issued that day)."""
    period = month_period(month, known_on)
    table = area_table(area, period, category=category)
    projects = area.projects.filter(category=category) if category else area.projects
    city = city_of(user)
    standings = race(city, month, known_on=known_on) if city is not None else []
    by_pk = {s.pk: s for s in standings}
    book = LightBook.load(period.as_of)  # one load: it filters and it tells why
    red = book.filter(projects, Light.RED)
    open_problems = Problem.objects.filter(status__in=OPEN_STATUSES).select_related("department")
    red_projects = list(
        red.select_related("region", "park")
        .prefetch_related(Prefetch("problems", queryset=open_problems, to_attr="open_problems"))
        .order_by("-total_investment", "pk")[:RED_PROJECTS_SHOWN]
    )
    reasons = {
        p.pk: [text for _level, text in book.reasons(p)]
        for p in book.annotate(Project.objects.filter(pk__in=[p.pk for p in red_projects]))
    }
    for project in red_projects:
        project.light_reasons = reasons.get(project.pk, [])
    briefing = Briefing(
        area=area,
        month=month,
        table=table,
        standings=standings,
        red_projects=red_projects,
        red_total=red.count(),
        funnel=stage_funnel(area, period.as_of, category=category, known_on=known_on),
        trend=monthly_trend(area, period, table, category=category),
        category=category,
        pace=pace_figure(table),
        made_at=made_at,
    )
    if table.level == "county":
        briefing.sentences = [
            county_sentence(row, by_pk.get(row.pk), period.time_progress) for row in table.rows
        ]
    else:
        briefing.sentences = [
            county_sentence(table.total, by_pk.get(area.region.pk) if area.region else None,
                            period.time_progress)
        ]  # fmt: skip
    if charts_on:
        briefing.images = _charts(briefing)
    return briefing


def _charts(b: Briefing) -> dict[str, bytes]:
    rows = b.table.rows
    completion = [float(row.figures[Indicator.INTRODUCED].completion or 0) for row in rows]
    flagged = {s.pk for s in b.standings if s.flagged}
    months = [month_label(p["month"]) for p in b.trend[0]["points"]] if b.trend else []
    return {
        "completion": charts.bar_chart(
            title=_("Projects introduced: share of the annual target"),
            labels=[row.name for row in rows],
            values=completion,
            unit="%",
            marks=[row.pk in flagged for row in rows],
            reference=float(b.table.period.time_progress),
            reference_label=_("time elapsed"),
        ),
        "trend": charts.trend_chart(
            title=_("Signed, started and completed this year (cumulative)"),
            months=months,
            series=[
                {
                    "label": str(line["label"]),
                    "values": [p["cumulative"] for p in line["points"]],
                    "target": line["target_line"],
                    "target_label": _("%(label)s target") % {"label": line["label"]},
                }
                for line in b.trend
            ],
        ),
        "funnel": charts.funnel_chart(
            title=_("Projects by stage on %(date)s") % {"date": b.as_of_text},
            labels=[str(s["label"]) for s in b.funnel],
            counts=[s["count"] for s in b.funnel],
            amounts=[format_amount(s["amount"]) for s in b.funnel],
        ),
    }


# --- writing ---------------------------------------------------------------------------


def briefing_docx(b: Briefing) -> bytes:
    """The briefing as a Word document in the layout of a government briefing."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    style = document.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
    style.font.size = Pt(12)

    def paragraph(text, *, size=12, bold=False, align=None, colour=None):
        p = document.add_paragraph()
        run = p.add_run(text)
        run.font.size, run.bold = Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)
        if align:
            p.alignment = align
        return p

    center = WD_ALIGN_PARAGRAPH.CENTER
    paragraph(_("Briefing"), size=26, bold=True, align=center, colour="B22222")
    paragraph(b.issue, size=12, align=center)
    paragraph(f"{b.issuer}    {b.as_of_text}", size=11, align=center)
    paragraph(b.title, size=16, bold=True, align=center)
    paragraph(b.lead_paragraph())

    paragraph(_("1. Main figures against the annual targets"), size=14, bold=True)
    paragraph(
        _("%(period)s, as of %(date)s; time elapsed in the year: %(time)s.")
        % {
            "period": b.period_text,
            "date": b.as_of_text,
            "time": percent(b.table.period.time_progress),
        }
    )
    _docx_table(
        document,
        [_("Indicator"), _("Actual"), _("Annual target"), _("Completion")],
        [[r["label"], r["actual"], r["target"], r["completion"]] for r in b.headline_rows()],
    )
    if b.standings:
        paragraph(_("2. Horse-race ranking of the counties"), size=14, bold=True)
        _docx_table(
            document,
            [
                _("Rank"),
                _("County"),
                _("Score"),
                _("Last month"),
                _("Change"),
                _("Red-lit projects"),
            ],
            [_standing_cells(s) for s in b.standings],
        )
    paragraph(_("3. How each county stands"), size=14, bold=True)
    for sentence in b.sentences:
        paragraph(sentence)
    paragraph(_("4. Red-lit projects"), size=14, bold=True)
    if b.red_projects:
        paragraph(_red_intro(b))
        _docx_table(
            document,
            [_("Project"), _("County"), _("Investment"), _("Why"), _("Open problems")],
            [_red_cells(p) for p in b.red_projects],
        )
    else:
        paragraph(_("No project is red-lit."))
    if b.images:  # the heading stays on the page of the first chart
        paragraph(_("5. Charts"), size=14, bold=True).paragraph_format.keep_with_next = True
    for key in ("completion", "trend", "funnel"):
        if key in b.images:
            document.add_picture(io.BytesIO(b.images[key]), width=Cm(15.5))
    made_at = b.made_at or timezone.now()
    properties = document.core_properties
    properties.created = properties.modified = properties.last_printed = made_at
    properties.title, properties.author = b.title, b.issuer
    buffer = io.BytesIO()
    document.save(buffer)
    return _stamped_zip(buffer.getvalue(), timezone.localtime(made_at))


def _stamped_zip(content: bytes, when: datetime.datetime) -> bytes:
    """The .docx (a zip) with every part dated ``when``: the same briefing made again is
    the same file, byte for byte."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def briefing_figures(b: Briefing) -> dict:
    """The figures a briefing prints, as kept with an issued one (amounts as exact
    decimals in 元, counts, rates): the whole and every county or park."""

    def of(row: Row) -> dict:
        return {
            "code": row.code,
            "name": row.name,
            "figures": {
                indicator: {
                    "actual": None if f.actual is None else str(f.actual),
                    "target": None if f.target is None else str(f.target),
                }
                for indicator, f in row.figures.items()
            },
        }

    period = b.table.period
    return {
        "period": {**period.params(), "label": period.label},
        "total": of(b.table.total),
        "rows": [of(row) for row in b.table.rows],
        "standings": [
            {
                "code": s.code,
                "name": s.name,
                "rank": s.rank,
                "score": None if s.score is None else str(s.score),
            }
            for s in b.standings
        ],  # fmt: skip
    }


def _docx_table(document, header: list[str], rows: list[list[str]]) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(10)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(10)


def _standing_cells(s: Standing) -> list[str]:
    change = (
        "—"
        if s.change is None
        else (f"↑{s.change}" if s.change > 0 else (f"↓{-s.change}" if s.change < 0 else "—"))
    )
    rank = "—" if s.rank is None else str(s.rank)
    if s.flagged:
        rank += " " + _("(last places)")
    return [rank, s.name, "—" if s.score is None else str(s.score),
            "—" if s.last_rank is None else str(s.last_rank), change, str(s.red_projects)]  # fmt: skip


def _red_cells(p: Project) -> list[str]:
    problems = "；".join(
        f"{problem.title}（{problem.department}，{format_date(problem.deadline)}）"
        for problem in p.open_problems
    )
    return [p.name, p.region.name, format_amount(p.total_investment),
            "；".join(p.light_reasons) or "—", problems or "—"]  # fmt: skip


def _red_intro(b: Briefing) -> str:
    text = _("%(n)s projects are red-lit as of %(date)s.") % {
        "n": b.red_total,
        "date": b.as_of_text,
    }
    if b.red_total > len(b.red_projects):
        text += " " + _("The %(shown)s largest are listed.") % {"shown": len(b.red_projects)}
    return text


def briefing_html(b: Briefing) -> str:
    images = {key: base64.b64encode(png).decode() for key, png in b.images.items()}
    return render_to_string(
        "insights/briefing_pdf.html",
        {
            "b": b,
            "headline": b.headline_rows(),
            "standings": [_standing_cells(s) + [s.flagged] for s in b.standings],
            "red_rows": [_red_cells(p) for p in b.red_projects],
            "red_intro": _red_intro(b),
            "images": images,
            "time_progress": percent(b.table.period.time_progress),
        },
    )


def briefing_pdf(b: Briefing) -> bytes:
    """The briefing as PDF through WeasyPrint (needs Pango and Noto CJK on the machine)."""
    from weasyprint import HTML

    return HTML(string=briefing_html(b)).write_pdf()


def briefing_filename(b: Briefing, suffix: str) -> str:
    end = last_of_month(b.month)
    return (
        _("%(area)s briefing %(year)s-%(month)02d")
        % {
            "area": b.area.name,
            "year": end.year,
            "month": end.month,
        }
        + f".{suffix}"
    )
