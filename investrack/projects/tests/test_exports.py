"""Lists as files in the layout officials print, and back again unchanged."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from investrack.conftest import days_ago, upload
from investrack.core.models import AuditEntry
from investrack.projects import imports, services
from investrack.projects.models import Project, Stage, StageEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(make_project, county_staff, other_staff, other_county, park):
    started = make_project(name="动力电池项目", total_investment=Decimal("1500000000"),
                           land_area=Decimal("120.5"), park=park, stage=Stage.STARTED,
                           dates={Stage.SIGNED: days_ago(300), Stage.STARTED: days_ago(200)},
                           planned_completion_date=days_ago(10),
                           foreign_investment=Decimal("30000000"), foreign_currency="USD")  # fmt: skip
    signed = make_project(name="智能座舱项目", total_investment=Decimal("80000000"),
                          stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(50)},
                          planned_start_date=days_ago(20))  # fmt: skip
    make_project(name="瑞安的项目", actor=other_staff, region=other_county)
    for months_back, amount, progress in ((4, "3000000", 10), (2, "4500000.50", 25)):
        services.progress_report_submit(
            actor=county_staff,
            project=started,
            period=days_ago(30 * months_back),
            investment_completed=Decimal(amount),
            construction_progress=progress,
        )
    return started, signed


def rows_of(data: bytes) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.get_sheet_by_index(0).to_python()


def get(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_project_list_xlsx_is_in_the_printed_layout(client, county_staff, projects):
    client.force_login(county_staff)
    data = get(client, reverse("projects:export", args=["xlsx"]) + "?sort=name")
    rows = rows_of(data)
    assert rows[0][0] == "鹿城区项目清单"
    assert "截至" in rows[1][0] and "共2个项目" in rows[1][0]
    header = rows[2]
    assert header[:3] == ["序号", "项目代码", "项目名称"]
    assert "总投资（万元）" in header and "用地面积（亩）" in header
    body = rows[3:-1]
    names = [r[header.index("项目名称")] for r in body]
    assert names == ["动力电池项目", "智能座舱项目"]  # the list's sort; no other county's rows
    total = rows[-1]
    assert total[0] == "合计（2个）"
    assert total[header.index("总投资（万元）")] == 158000  # 150000 + 8000 万元
    assert total[header.index("用地面积（亩）")] == 120.5
    # A number in the amount's column, its currency in the next one: one unit per column.
    assert body[0][header.index("外资额（万）")] == 3000
    assert body[0][header.index("外资币种")] == "美元"
    assert body[1][header.index("外资额（万）")] == "" and body[1][header.index("外资币种")] == ""


def test_filters_apply_to_the_export(client, county_staff, projects):
    client.force_login(county_staff)
    rows = rows_of(get(client, reverse("projects:export", args=["xlsx"]) + "?tier=10yi"))
    assert [r[2] for r in rows[3:-1]] == ["动力电池项目"]


def test_working_list_export_has_days_overdue(client, county_staff, projects):
    client.force_login(county_staff)
    rows = rows_of(get(client, reverse("projects:work_list_export", args=["to-start", "xlsx"])))
    assert rows[0][0] == "鹿城区促开工清单"
    assert rows[2][-1] == "逾期天数"
    assert rows[3][2] == "智能座舱项目" and rows[3][-1] == 20


def test_csv_has_a_bom_and_the_same_columns(client, county_staff, projects):
    client.force_login(county_staff)
    text = get(client, reverse("projects:export", args=["csv"])).decode("utf-8")
    assert text.startswith("\ufeff序号,项目代码,项目名称")
    assert len(list(csv.reader(io.StringIO(text)))) == 3


def test_progress_export_has_the_running_total(client, county_staff, projects):
    client.force_login(county_staff)
    rows = rows_of(get(client, reverse("projects:progress_export", args=["xlsx"])))
    header = rows[2]
    assert header[-1] == "累计完成投资（万元）"
    assert [r[-1] for r in rows[3:-1]] == [300, 750.00005]
    assert rows[-1][0] == "合计（2个）" and rows[-1][4] == 750.00005


@pytest.mark.parametrize(
    ("kind", "fmt"), [(k, f) for k in ("projects", "progress") for f in ("xlsx", "csv")]
)
def test_what_you_export_imports_back_unchanged(client, county_staff, projects, kind, fmt):
    client.force_login(county_staff)
    url = reverse(
        "projects:export" if kind == "projects" else "projects:progress_export", args=[fmt]
    )
    data = get(client, url)
    before = (Project.objects.count(), StageEvent.objects.count(), AuditEntry.objects.count(),
              list(Project.objects.values().order_by("id")))  # fmt: skip
    batch = imports.import_preview(actor=county_staff, kind=kind, upload=upload(f"x.{fmt}", data))
    assert batch.error_count == 0, batch.errors
    assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 2)
    imports.import_confirm(actor=county_staff, batch=batch)
    after = (Project.objects.count(), StageEvent.objects.count(), AuditEntry.objects.count(),
             list(Project.objects.values().order_by("id")))  # fmt: skip
    assert after == before


def test_another_county_exports_only_its_own(client, other_staff, projects):
    client.force_login(other_staff)
    rows = rows_of(get(client, reverse("projects:export", args=["xlsx"])))
    assert [r[2] for r in rows[3:-1]] == ["瑞安的项目"]
    progress = rows_of(get(client, reverse("projects:progress_export", args=["xlsx"])))
    assert progress[3][0] == "合计（0个）"
    to_start = rows_of(get(client, reverse("projects:work_list_export", args=["to-start", "xlsx"])))
    assert to_start[3][0] == "合计（0个）"  # 智能座舱项目 is 鹿城区's
    text = get(client, reverse("projects:work_list_export", args=["to-start", "csv"])).decode()
    assert "智能座舱项目" not in text


def test_export_links_follow_the_filters_after_in_page_filtering(client, county_staff, projects):
    client.force_login(county_staff)
    fragment = client.get(
        reverse("projects:list") + "?tier=10yi", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert reverse("projects:export", args=["xlsx"]) + "?tier=10yi" in fragment
    fragment = client.get(
        reverse("projects:work_list", args=["to-start"]) + "?tier=1yi", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert reverse("projects:work_list_export", args=["to-start", "csv"]) + "?tier=1yi" in fragment


def test_titles_and_headers_follow_the_language(client, county_staff, projects):
    client.force_login(county_staff)
    client.post(reverse("set_language"), {"language": "en"})
    rows = rows_of(get(client, reverse("projects:work_list_export", args=["to-start", "xlsx"])))
    assert rows[0][0] == "鹿城区 To start list"
    assert "Total investment (10,000 yuan)" in rows[2]


HOSTILE = ['=HYPERLINK("http://x.example","点我")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize(
    "url",
    [
        ("projects:export", ["csv"]),
        ("projects:work_list_export", ["to-complete", "csv"]),
        ("projects:progress_export", ["csv"]),
    ],
)
def test_no_csv_export_carries_a_live_formula(client, county_staff, make_project, url):
    """OWASP CSV injection: text a spreadsheet would run is written as text ('=…)."""
    from investrack.projects import services as project_services

    for i, text in enumerate(HOSTILE):
        project = make_project(
            name=text + str(i),
            description=text,
            investor=project_services.investor_for_name(name=text + "有限公司", origin="domestic"),
            stage=Stage.STARTED,
            dates={Stage.SIGNED: days_ago(60), Stage.STARTED: days_ago(40)},
        )
        project_services.progress_report_submit(
            actor=county_staff,
            project=project,
            period=days_ago(35),
            investment_completed=Decimal("1000000"),
            construction_progress=10,
            note=text,
        )
    client.force_login(county_staff)
    name, args = url
    text = get(client, reverse(name, args=args)).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    live = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert live == []
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_no_xlsx_export_carries_a_formula(client, county_staff, make_project):
    """Text that looks like a formula is a text cell in the .xlsx, never a formula."""
    for i, text in enumerate(HOSTILE):
        make_project(name=text + str(i), description=text)
    client.force_login(county_staff)
    data = get(client, reverse("projects:export", args=["xlsx"]) + "?sort=name")
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    names = {row[2] for row in rows_of(data)[3:-1]}
    assert names == {text + str(i) for i, text in enumerate(HOSTILE)}
