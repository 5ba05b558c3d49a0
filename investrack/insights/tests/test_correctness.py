"""A real city's published figures, rebuilt through the services, read back from the
dashboard, the indicator API and the briefing.

肇庆, January–September 2023: 310 manufacturing projects introduced with planned investment
of 689亿元, 20 of them of 10亿元 or more; 116 started, 110 completed, 91 in production;
investment completed 316.6亿元.
"""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from investrack.insights import briefing as briefings
from investrack.insights.selectors import area_for
from investrack.projects import services
from investrack.projects.models import Category, Project, Stage
from investrack.regions.models import Indicator

D = datetime.date
YI = Decimal(100_000_000)
QUERY = {"from": "2023-01", "to": "2023-09", "as_of": "2023-09-30", "category": "manufacturing"}
PUBLISHED = {
    Indicator.INTRODUCED: 310,
    Indicator.INTRODUCED_INVESTMENT: 689 * YI,
    Indicator.OVER_10YI: 20,
    Indicator.STARTED: 116,
    Indicator.COMPLETED: 110,
    Indicator.PRODUCTION: 91,
    Indicator.INVESTMENT_COMPLETED: Decimal("316.6") * YI,
}
TEXTS = ["310个", "689亿元", "20个", "116个", "110个", "91个", "316.6亿元"]


def _day(n: int, start: D, span: int) -> D:
    return start + datetime.timedelta(days=n % span)


@pytest.fixture
def zhaoqing(city_admin, county, other_county):
    rows = []

    def add(**row):
        region = county if len(rows) % 2 else other_county
        rows.append({"name": f"制造业项目{len(rows) + 1:03d}", "code": f"ZQ-{len(rows) + 1:04d}",
                     "region": region, "category": Category.MANUFACTURING, **row})  # fmt: skip

    # 310 introduced Jan–Sep 2023: 20 of 15亿 (one of them later dropped, in 2024),
    # 280 of 1.3亿 and 10 of 2.5亿 = 689亿. 100 of them started in the period.
    amounts = [15 * YI] * 20 + [Decimal("1.3") * YI] * 280 + [Decimal("2.5") * YI] * 10
    for n, amount in enumerate(amounts):
        signed = _day(n, D(2023, 1, 3), 240)
        if n < 100:
            add(stage=Stage.STARTED, total_investment=amount, signed_on=signed,
                started_on=signed + datetime.timedelta(days=20))  # fmt: skip
        else:
            add(stage=Stage.SIGNED, total_investment=amount, signed_on=signed)
    # 16 signed in 2022, started in 2023; 110 started in 2022 and completed in 2023, 91 of
    # them in production by the end of September.
    for n in range(16):
        add(stage=Stage.STARTED, total_investment=2 * YI, signed_on=D(2022, 6, 1),
            started_on=_day(n, D(2023, 2, 1), 200))  # fmt: skip
    for n in range(110):
        dates = {"signed_on": D(2021, 9, 1), "started_on": D(2022, 3, 1),
                 "completed_on": _day(n, D(2023, 1, 10), 150)}  # fmt: skip
        if n < 91:
            dates["production_on"] = dates["completed_on"] + datetime.timedelta(days=30)
        add(stage=Stage.PRODUCTION if n < 91 else Stage.COMPLETED, total_investment=3 * YI, **dates)
    # What must not count: other categories, signings after September, a project dropped
    # in the period, a project started in October.
    add(stage=Stage.SIGNED, total_investment=50 * YI, signed_on=D(2023, 5, 5),
        category=Category.SERVICES)  # fmt: skip
    add(stage=Stage.SIGNED, total_investment=5 * YI, signed_on=D(2023, 10, 8))
    add(stage=Stage.SIGNED, total_investment=3 * YI, signed_on=D(2023, 3, 8), code="ZQ-DROP")
    add(stage=Stage.STARTED, total_investment=3 * YI, signed_on=D(2022, 3, 8),
        started_on=D(2023, 10, 2))  # fmt: skip
    services.project_create_many(actor=city_admin, rows=rows)
    services.project_drop(
        actor=city_admin, project=Project.objects.get(code="ZQ-DROP"),
        effective_date=D(2023, 6, 30), reason="企业投资计划调整",
    )  # fmt: skip
    services.project_drop(
        actor=city_admin, project=Project.objects.get(code="ZQ-0001"),
        effective_date=D(2024, 4, 1), reason="项目终止（在9月底之后）",
    )  # fmt: skip
    # 316.6亿 completed, reported for September by the 116 projects started in the period,
    # recorded in the first days of… September's end is the as-of date: reported on the 30th.
    started = list(
        Project.objects.filter(started_on__range=(D(2023, 1, 1), D(2023, 9, 30))).order_by("code")
    )
    assert len(started) == 116
    with time_machine.travel(datetime.datetime(2023, 9, 30, 2, tzinfo=datetime.UTC)):
        for n, project in enumerate(started):
            services.progress_report_submit(
                actor=city_admin, project=project, period=D(2023, 9, 1),
                investment_completed=Decimal("2.7") * YI if n < 115 else Decimal("6.1") * YI,
                construction_progress=30,
            )  # fmt: skip


@pytest.mark.django_db
def test_the_dashboard_shows_the_published_figures(zhaoqing, client_for, city_admin):
    response = client_for(city_admin).get(reverse("insights:dashboard"), QUERY)
    assert response.status_code == 200
    table = response.context["table"]
    for indicator, value in PUBLISHED.items():
        assert table.total.figures[indicator].actual == value, indicator
    page = response.content.decode()
    shown = {cell["indicator"]: cell["actual"] for cell in response.context["figures"]}
    assert shown[Indicator.INTRODUCED] == "310个"
    assert shown[Indicator.INTRODUCED_INVESTMENT] == "689亿元"
    assert shown[Indicator.INVESTMENT_COMPLETED] == "316.6亿元"
    for text in TEXTS:
        assert text in page
    # The figures open their lists, and each list holds the figure's projects.
    listing = client_for(city_admin).get(
        reverse("projects:list"),
        {"indicator": "introduced", "from": "2023-01-01", "to": "2023-09-01",
         "as_of": "2023-09-30", "category": "manufacturing"},
    )  # fmt: skip
    assert listing.context["page"].paginator.count == 310
    assert "310个" in listing.content.decode()


@pytest.mark.django_db
def test_the_indicator_api_gives_the_published_figures(zhaoqing, client_for, city_admin):
    data = client_for(city_admin).get("/api/v1/insights/indicators", QUERY).json()
    total = data["total"]["figures"]
    for indicator, value in PUBLISHED.items():
        assert Decimal(total[indicator]["actual"]) == value, indicator
    assert data["period"]["label"] == "2023年1—9月"
    assert sum(Decimal(row["figures"]["introduced"]["actual"]) for row in data["rows"]) == 310


@pytest.mark.django_db
def test_the_briefing_gives_the_published_figures(zhaoqing, city_admin, client_for):
    area = area_for(city_admin)
    b = briefings.briefing_for(
        area=area, user=city_admin, month=D(2023, 9, 1), category="manufacturing"
    )
    headline = {row["label"]: row["actual"] for row in b.headline_rows()}
    assert headline[Indicator.INTRODUCED.label] == "310个"
    assert headline[Indicator.INTRODUCED_INVESTMENT.label] == "689亿元"
    assert headline[Indicator.OVER_10YI.label] == "20个"
    assert headline[Indicator.STARTED.label] == "116个"
    assert headline[Indicator.COMPLETED.label] == "110个"
    assert headline[Indicator.PRODUCTION.label] == "91个"
    assert headline[Indicator.INVESTMENT_COMPLETED.label] == "316.6亿元"
    lead = b.lead_paragraph()
    for text in ["310个", "689亿元", "20个", "116个", "110个", "91个"]:
        assert text in lead
    # The Word file holds the same figures in its text and tables.
    from docx import Document

    document = Document(io.BytesIO(briefings.briefing_docx(b)))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    for text in TEXTS:
        assert text in words
    assert len(document.inline_shapes) == 3  # the three charts
    # And so does the PDF's page (made from the same HTML), downloadable from the dashboard.
    html = briefings.briefing_html(b)
    for text in TEXTS:
        assert text in html
    response = client_for(city_admin).get(
        reverse("insights:briefing", args=["pdf"]),
        {"month": "2023-09", "category": "manufacturing"},
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
