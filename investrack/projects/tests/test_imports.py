"""Importing the sheets counties send: preview, confirm, errors by row and column."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from investrack.conftest import days_ago, upload
from investrack.core.models import AuditEntry
from investrack.projects import imports, services
from investrack.projects.models import ImportBatch, ProgressReport, Project, Stage, StageEvent

pytestmark = pytest.mark.django_db

HEADER = ["序号", "项目名称", "项目代码", "投资主体", "所属区域", "计划总投资（亿元）", "用地（亩）",
          "当前阶段", "签约时间", "开工时间", "计划开工时间", "行业"]  # fmt: skip


def county_sheet(make_xlsx, rows):
    return make_xlsx(
        [["鹿城区2026年招商引资项目清单"], ["填报单位：鹿城区投促中心"], HEADER, *rows,
         ["合计", None, None, None, None, 99]],
        merges=[(0, 0, 0, len(HEADER) - 1, "鹿城区2026年招商引资项目清单")],
    )  # fmt: skip


def preview(user, data, kind="projects", name="清单.xlsx"):
    with translation.override("zh-hans"):
        return imports.import_preview(actor=user, kind=kind, upload=upload(name, data))


def confirm(user, batch):
    with translation.override("zh-hans"):
        return imports.import_confirm(actor=user, batch=batch)


def test_preview_writes_nothing_and_confirm_creates_with_history(make_xlsx, county_staff, county):
    signed = days_ago(100)
    data = county_sheet(
        make_xlsx,
        [
            [1, "动力电池项目", "LC-001", "瓯江新能源有限公司", "鹿城区", 1.5, 120, "签约",
             signed.isoformat(), None, "2027年3月", "3841"],
            [2, "智能座舱项目", None, None, "330302", "3000万元", None, "在谈", None, None, None,
             "汽车零部件及配件制造"],
        ],
    )  # fmt: skip
    batch = preview(county_staff, data)
    assert (batch.rows, batch.created, batch.updated, batch.unchanged) == (2, 2, 0, 0)
    assert batch.errors == [] and batch.status == ImportBatch.Status.PREVIEWED
    assert Project.objects.count() == 0
    confirm(county_staff, batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    battery = Project.objects.get(code="LC-001")
    assert battery.total_investment == Decimal("150000000.00")
    assert battery.land_area == Decimal("120.00")
    assert battery.stage == Stage.SIGNED and battery.signed_on == signed
    assert battery.planned_start_date == datetime.date(2027, 3, 1)
    assert battery.investor.name == "瓯江新能源有限公司"
    assert battery.industry.code == "3841"
    assert list(battery.events.values_list("stage", flat=True)) == [1, 2, 3]
    cockpit = Project.objects.get(name="智能座舱项目")
    assert cockpit.total_investment == Decimal("30000000.00")
    assert cockpit.code.startswith("330302-")  # a code is given to a project without one
    assert cockpit.industry.code == "3670"
    entry = AuditEntry.objects.get(object_id=battery.pk, table="projects.project")
    assert entry.action == AuditEntry.Action.IMPORT and entry.actor == county_staff


def test_reimporting_the_same_file_changes_nothing(make_xlsx, county_staff):
    data = county_sheet(
        make_xlsx,
        [[1, "动力电池项目", "LC-001", None, "鹿城区", 1.5, 120, "线索", None, None, None, None],
         [2, "无编号项目", None, None, "鹿城区", 2, None, "线索", None, None, None, None]],
    )  # fmt: skip
    confirm(county_staff, preview(county_staff, data))
    events, audits = StageEvent.objects.count(), AuditEntry.objects.count()
    again = confirm(county_staff, preview(county_staff, data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Project.objects.count() == 2
    assert (StageEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)


def test_a_changed_row_updates_the_project_and_appears_in_its_history(
    make_xlsx, make_project, county_staff, client
):
    project = make_project(code="LC-9", name="旧名称", stage=Stage.SIGNED,
                           dates={Stage.SIGNED: days_ago(60)})  # fmt: skip
    started = days_ago(3)
    data = county_sheet(
        make_xlsx,
        [[1, "新名称", "LC-9", None, "鹿城区", 2.5, None, "开工", days_ago(60), started, None,
          None]],
    )  # fmt: skip
    batch = preview(county_staff, data)
    assert (batch.created, batch.updated) == (0, 1)
    fields = {c["field"]: (c["before"], c["after"]) for c in batch.changes[0]["fields"]}
    assert fields["项目名称"] == ("旧名称", "新名称")
    assert fields["总投资"] == ("1.5亿元", "2.5亿元")
    assert fields["阶段"] == ("签约", "开工")
    confirm(county_staff, batch)
    project.refresh_from_db()
    assert project.name == "新名称" and project.stage == Stage.STARTED
    assert project.started_on == started
    client.force_login(county_staff)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "导入" in page and "鹿城专员" in page


def test_errors_name_the_row_and_the_header_as_written(make_xlsx, make_project, county_staff):
    make_project(code="LC-5", stage=Stage.STARTED,
                 dates={Stage.SIGNED: days_ago(90), Stage.STARTED: days_ago(30)})  # fmt: skip
    future = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    data = county_sheet(
        make_xlsx,
        [
            [1, "估算项目", None, None, "鹿城区", "约3亿", None, "线索", None, None, None, None],
            [2, "未来项目", None, None, "鹿城区", 1, None, "签约", future, None, None, None],
            [3, "回退项目", "LC-5", None, "鹿城区", 1.5, None, "签约", days_ago(90), None, None,
             None],
            [4, "外县项目", None, None, "瑞安市", 1, None, "线索", None, None, None, None],
            [5, "缺日期项目", None, None, "鹿城区", 1, None, "开工", days_ago(9), None, None, None],
            [6, "坏日期项目", None, None, "鹿城区", 1, None, "线索", None, None, "下个月", None],
        ],
    )  # fmt: skip
    batch = preview(county_staff, data)
    errors = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "约" in errors[(4, "计划总投资（亿元）")]
    assert "将来" in errors[(5, "签约时间")] or "未来" in errors[(5, "签约时间")]
    assert "开工" in errors[(6, "当前阶段")] and "签约" in errors[(6, "当前阶段")]
    assert "辖区" in errors[(7, "所属区域")]
    assert (8, "开工时间") in errors
    assert (9, "计划开工时间") in errors
    assert batch.created == 0 and batch.error_count == 6
    assert confirm(county_staff, batch).status == ImportBatch.Status.REFUSED
    assert Project.objects.count() == 1


def test_a_failed_import_writes_nothing_even_if_the_preview_was_clean(
    make_xlsx, make_project, county_staff, city_admin, other_county
):
    moved = make_project(code="LC-7", name="将被划走的项目")
    data = county_sheet(
        make_xlsx,
        [[1, "新项目甲", None, None, "鹿城区", 1, None, "线索", None, None, None, None],
         [2, "将被划走的项目", "LC-7", None, "鹿城区", 3, None, "线索", None, None, None, None]],
    )  # fmt: skip
    batch = preview(county_staff, data)
    assert (batch.created, batch.updated, batch.error_count) == (1, 1, 0)
    # Between preview and confirm, the city moves the project to another county.
    services.project_update(actor=city_admin, project=moved, data={"region": other_county},
                            expected_version=moved.version)  # fmt: skip
    batch = confirm(county_staff, batch)
    assert batch.status == ImportBatch.Status.REFUSED
    assert "LC-7" in batch.errors[0]["message"]
    assert not Project.objects.filter(name="新项目甲").exists()


def test_another_county_cannot_see_or_confirm_a_batch(make_xlsx, county_staff, other_staff, client):
    batch = preview(county_staff, county_sheet(make_xlsx, []))
    client.force_login(other_staff)
    for name in ("import_detail", "import_file"):
        assert client.get(reverse(f"projects:{name}", args=[batch.pk])).status_code == 404
    assert client.post(reverse("projects:import_confirm", args=[batch.pk])).status_code == 404
    assert batch.file.name not in client.get(reverse("projects:imports")).content.decode()


def test_a_viewer_cannot_import(make_xlsx, viewer, client):
    client.force_login(viewer)
    response = client.post(
        reverse("projects:imports"),
        {"kind": "projects", "file": upload("a.xlsx", make_xlsx([["项目名称"], ["x"]]))},
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_preview_confirm_through_the_pages(make_xlsx, county_staff, client):
    client.force_login(county_staff)
    data = county_sheet(
        make_xlsx, [[1, "页面导入项目", None, None, None, 1.2, None, None, None, None, None, None]]
    )
    response = client.post(
        reverse("projects:imports"), {"kind": "projects", "file": upload("清单.xlsx", data)}
    )
    batch = ImportBatch.objects.get()
    assert response.url == reverse("projects:import_detail", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert 'id="count-created">1<' in page and "confirm-import" in page
    client.post(reverse("projects:import_confirm", args=[batch.pk]))
    project = Project.objects.get(name="页面导入项目")
    assert project.region == county_staff.region  # a county's sheet may leave the region out
    download = client.get(reverse("projects:import_file", args=[batch.pk]))
    assert b"".join(download.streaming_content) == data
    batch.refresh_from_db()
    assert len(batch.sha256) == 64 and batch.uploaded_by == county_staff


def test_template_headers_follow_the_language(client, county_staff):
    client.force_login(county_staff)
    import io

    from investrack.core.excel import Sheet

    for language, header in (
        ("zh-hans", "总投资（万元）"),
        ("en", "Total investment (10,000 yuan)"),
    ):
        client.post(reverse("set_language"), {"language": language})
        data = client.get(reverse("projects:import_template", args=["projects"])).content
        sheet = Sheet(io.BytesIO(data), "t.xlsx", imports.PROJECT_COLUMNS)
        assert sheet.headers["total_investment"] == header


def test_progress_import_never_overwrites_a_reported_month(make_xlsx, make_project, county_staff):
    project = make_project(code="LC-P", stage=Stage.STARTED,
                           dates={Stage.SIGNED: days_ago(200), Stage.STARTED: days_ago(150)})  # fmt: skip
    month = days_ago(40).replace(day=1)
    services.progress_report_submit(actor=county_staff, project=project, period=month,
                                    investment_completed=Decimal("5000000"),
                                    construction_progress=20)  # fmt: skip
    later = days_ago(5).replace(day=1)
    rows = [["项目代码", "月份", "本月完成投资（万元）", "形象进度(%)"],
            ["LC-P", f"{month.year}年{month.month}月", 500, 20],
            ["LC-P", f"{later:%Y-%m}", 800, 35]]  # fmt: skip
    batch = preview(county_staff, make_xlsx(rows), kind="progress")
    assert (batch.created, batch.unchanged, batch.error_count) == (1, 1, 0)
    confirm(county_staff, batch)
    assert project.progress_reports.get(period=later).investment_completed == Decimal("8000000")
    rows[1][2] = 600
    refused = preview(county_staff, make_xlsx(rows), kind="progress")
    assert refused.error_count == 1 and refused.errors[0]["row"] == 2
    assert (
        "不会被覆盖" in refused.errors[0]["message"]
        or "overwritten" in refused.errors[0]["message"]
    )
    assert ProgressReport.objects.get(
        project=project, period=month
    ).investment_completed == Decimal("5000000")


def test_the_back_office_lists_imports_but_cannot_change_them(
    make_xlsx, county_staff, city_admin, client
):
    batch = preview(county_staff, county_sheet(make_xlsx, []))
    client.force_login(city_admin)
    listing = client.get(reverse("admin:projects_importbatch_changelist")).content.decode()
    assert batch.original_name in listing
    assert client.get(reverse("admin:projects_importbatch_add")).status_code == 403
    detail = client.get(reverse("admin:projects_importbatch_change", args=[batch.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_reading_a_sheet_outside_a_request_keeps_chinese(settings):
    from django.utils import translation

    translation.deactivate_all()
    try:
        imports.stage_names()
        assert str(Stage.SIGNED.label) == "签约"
    finally:
        translation.activate(settings.LANGUAGE_CODE)


def test_a_blank_cell_never_clears_a_value(make_xlsx, make_project, county_staff):
    project = make_project(code="LC-B", land_area=Decimal("80"), description="年产10万台")
    rows = [["项目代码", "项目名称", "用地面积（亩）", "建设内容", "总投资（万元）"],
            ["LC-B", project.name, None, None, 15000]]  # fmt: skip
    batch = preview(county_staff, make_xlsx(rows))
    assert (batch.updated, batch.unchanged) == (0, 1)


def test_new_projects_without_a_code_are_numbered_on_from_the_last(
    make_xlsx, make_project, county_staff
):
    year = datetime.date.today().year
    make_project(code=f"330302-{year}-0000007")
    rows = [["项目名称", "总投资（万元）"], ["甲项目", 100], ["乙项目", 200], ["丙项目", 300]]
    confirm(county_staff, preview(county_staff, make_xlsx(rows)))
    codes = dict(
        Project.objects.filter(name__in=["甲项目", "乙项目", "丙项目"]).values_list("name", "code")
    )
    assert codes == {
        name: f"330302-{year}-{n:07d}" for name, n in (("甲项目", 8), ("乙项目", 9), ("丙项目", 10))
    }


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_sheet_over_the_limits_is_refused_with_the_limit(county_staff, settings, make_xlsx, kind):
    settings.IMPORT_MAX_ROWS = 50
    rows = [["项目名称", "总投资（万元）"]] + [[f"项目{i}", 100] for i in range(80)]
    if kind == "csv":
        data = "\n".join(",".join(map(str, r)) for r in rows).encode()
    else:
        data = make_xlsx(rows)
    batch = imports.import_preview(
        actor=county_staff, kind="projects", upload=upload(f"大表.{kind}", data)
    )
    assert batch.error_count == 1 and batch.created == 0
    assert "50" in batch.errors[0]["message"]
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS = 1000, 10
    wide = [["项目名称", "总投资（万元）", *[f"备注{i}" for i in range(20)]], ["项目", 100]]
    data = (
        "\n".join(",".join(map(str, r)) for r in wide).encode()
        if kind == "csv"
        else make_xlsx(wide)
    )
    batch = imports.import_preview(
        actor=county_staff, kind="projects", upload=upload(f"宽表.{kind}", data)
    )
    assert batch.error_count == 1 and "10" in batch.errors[0]["message"]


def test_a_county_style_sheet_is_read_as_written(city_admin, make_xlsx):
    """Section headings inside the data, a short county name, 单位：亿元 above the header
    (for the columns without a unit) and a 其中：外资（万美元） sub-column."""
    rows = [
        ["2026年重大项目清单"],
        [None, None, None, "单位：亿元"],
        ["序号", "项目名称", "县（市、区）", "总投资", "其中：外资（万美元）", "用地（亩）"],
        ["一、新签约项目"],
        [1, "瓯江新材料项目", "鹿城", 12.5, 3000, 120],
        ["（二）续建项目（1个）"],
        [2, "瑞安汽配产业园", "瑞安", 3, None, 80],
    ]
    batch = imports.import_preview(
        actor=city_admin, kind="projects", upload=upload("县区报表.xlsx", make_xlsx(rows))
    )
    assert batch.error_count == 0, batch.errors
    assert (batch.rows, batch.created) == (2, 2)
    imports.import_confirm(actor=city_admin, batch=batch)
    first = Project.objects.get(name="瓯江新材料项目")
    assert first.region.name == "鹿城区" and first.total_investment == Decimal("1250000000")
    assert (first.foreign_investment, first.foreign_currency) == (Decimal("30000000"), "USD")
    assert first.land_area == Decimal("120")
    assert Project.objects.get(name="瑞安汽配产业园").region.name == "瑞安市"
    assert not Project.objects.filter(name__contains="项目（1个）").exists()


def test_the_preview_applies_the_services_date_rules(make_xlsx, county_staff):
    """The plan is a dry run through the services' rules: a signing after the start, which
    the services refuse, is an error of the preview, named by row and column — not a
    preview that promises an import the confirm would then refuse."""
    data = county_sheet(
        make_xlsx,
        [[1, "顺序颠倒项目", "LC-009", None, "鹿城区", 2, None, "开工",
          days_ago(10).isoformat(), days_ago(30).isoformat(), None, None]],
    )  # fmt: skip
    batch = preview(county_staff, data)
    assert batch.created == 0 and batch.error_count == 1
    [error] = batch.errors
    assert (error["row"], error["column"]) == (4, "开工时间")
    assert "签约" in error["message"] and "开工" in error["message"]


def test_the_investors_credit_code_is_checked_read_and_kept(make_xlsx, county_staff):
    from investrack.projects.investor_keys import credit_code_check_char
    from investrack.projects.models import Investor

    def code(body):
        return body + credit_code_check_char(body)

    known = Investor.objects.create(
        name="宁德时代新能源科技股份有限公司", credit_code=code("91350900MA2YCQ7P1")
    )
    header = ["项目名称", "投资主体", "统一社会信用代码", "总投资（万元）", "所属区域"]
    wrong = code("913303027000000A1")[:-1] + "X"  # a typing mistake: the check fails
    rows = [
        ["储能项目", "宁德时代", known.credit_code, 50000, "鹿城区"],  # the code names it
        ["电机项目", "瓯江电机有限公司", code("913303027000000A1"), 8000, "鹿城区"],  # new
        ["泵阀项目", "瓯江泵阀有限公司", wrong, 3000, "鹿城区"],
    ]
    batch = preview(county_staff, make_xlsx([header, *rows]))
    assert [e["row"] for e in batch.errors] == [4]
    assert "统一社会信用代码" in batch.errors[0]["column"]
    assert Project.objects.count() == 0
    good = preview(county_staff, make_xlsx([header, *rows[:2]]))
    confirm(county_staff, good)
    assert Project.objects.get(name="储能项目").investor == known
    assert Project.objects.get(name="电机项目").investor.credit_code == code("913303027000000A1")
    # A name registered with another code is refused on the preview, by its row.
    clash = preview(
        county_staff,
        make_xlsx(
            [header, ["新项目", "瓯江电机有限公司", code("913303027000000B1"), 100, "鹿城区"]]
        ),
    )
    assert [e["row"] for e in clash.errors] == [2] and "已登记统一社会信用代码" in str(clash.errors)
