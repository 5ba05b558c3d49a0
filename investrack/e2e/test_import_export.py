"""A county official brings their Excel sheet in, checks the preview, imports, exports."""

import pytest
from playwright.sync_api import expect

from investrack.accounts.models import Role
from investrack.conftest import make_user
from investrack.e2e.test_journey import log_in
from investrack.projects.models import Project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_upload_preview_confirm_and_export(live_server, page, make_xlsx, tmp_path):
    from investrack.regions.models import Region

    official = make_user("lc_e2e", Role.COUNTY_STAFF, region=Region.objects.get(code="330302"),
                         full_name="鹿城招商专员")  # fmt: skip
    sheet = tmp_path / "鹿城区项目清单.xlsx"
    sheet.write_bytes(
        make_xlsx(
            [["鹿城区重点项目清单"], ["项目名称", "总投资（亿元）", "当前阶段", "计划开工时间"],
             ["新能源电机项目", 2.5, "在谈", "2027年5月"], ["估算项目", "约3亿", "线索", None],
             ["合计", 5.5, None, None]]
        )
    )  # fmt: skip
    base = live_server.url
    log_in(page, base, official)
    page.goto(f"{base}/projects/imports/")
    page.select_option("#id_kind", "projects")
    page.set_input_files("#id_file", str(sheet))
    page.click("#import-form button[type=submit]")
    # The preview names the bad row and column; nothing can be imported yet.
    expect(page.locator("#import-errors")).to_contain_text("总投资（亿元）")
    expect(page.locator("#import-errors")).to_contain_text("约3亿")
    expect(page.locator("#confirm-import")).to_have_count(0)
    sheet.write_bytes(
        make_xlsx([["项目名称", "总投资（亿元）", "当前阶段"], ["新能源电机项目", 2.5, "在谈"]])
    )
    page.goto(f"{base}/projects/imports/")
    page.set_input_files("#id_file", str(sheet))
    page.click("#import-form button[type=submit]")
    expect(page.locator("#count-created")).to_have_text("1")
    page.click("#confirm-import")
    expect(page.locator("#batch-status")).to_have_text("已导入")
    assert Project.objects.get(name="新能源电机项目").stage == 2
    page.goto(f"{base}/projects/")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
