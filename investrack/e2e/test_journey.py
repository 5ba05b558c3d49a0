"""A new county official's first day, in a real browser."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investrack.accounts.models import Role
from investrack.conftest import make_user
from investrack.projects.models import Project, Stage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    expect(page.locator(".who")).to_contain_text(user.display_name)


def record_stage(page, stage: Stage):
    page.click("#record-stage")
    page.select_option("#id_to_stage", str(stage.value))
    # The server's date (Asia/Shanghai), not the browser's UTC one: they differ after 16:00 UTC.
    page.fill("#id_effective_date", timezone.localdate().isoformat())
    page.fill("#id_note", f"推进到{stage.label}")
    page.click("button.primary")
    expect(page.locator(".messages")).to_be_visible()


def names_on(page, base, kind):
    page.goto(f"{base}/projects/lists/{kind}/")
    return page.locator("table.projects tbody").inner_text()


def test_county_official_creates_and_moves_a_project(live_server, page):
    from investrack.regions.models import Region

    lucheng = Region.objects.get(code="330302")
    ruian = Region.objects.get(code="330381")
    staff = make_user("e2e-lucheng", Role.COUNTY_STAFF, region=lucheng, full_name="鹿城招商科")
    stranger = make_user("e2e-ruian", Role.COUNTY_STAFF, region=ruian, full_name="瑞安招商科")
    base = live_server.url

    log_in(page, base, staff)
    page.goto(f"{base}/projects/new/")
    page.fill("#id_name", "年产5万台新能源电机项目")
    page.fill("#id_code", "E2E-0001")
    page.select_option("#id_region", "330302")
    page.fill("#id_total_investment", "约3亿")
    page.click("button.primary")
    # A vague amount is refused on its field, and the rest of the input is kept.
    expect(page.locator("#error-total_investment")).to_contain_text("估计数")
    expect(page.locator("#id_name")).to_have_value("年产5万台新能源电机项目")
    page.fill("#id_total_investment", "3亿")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("年产5万台新能源电机项目")
    expect(page.locator("#total-investment")).to_have_text("3亿元")
    project = Project.objects.get(code="E2E-0001")

    record_stage(page, Stage.NEGOTIATING)
    assert "年产5万台新能源电机项目" in names_on(page, base, "to-sign")
    page.goto(f"{base}{project.get_absolute_url()}")
    record_stage(page, Stage.SIGNED)
    assert "年产5万台新能源电机项目" not in names_on(page, base, "to-sign")
    assert "年产5万台新能源电机项目" in names_on(page, base, "to-start")
    page.goto(f"{base}{project.get_absolute_url()}")
    record_stage(page, Stage.STARTED)
    assert "年产5万台新能源电机项目" not in names_on(page, base, "to-start")
    assert "年产5万台新能源电机项目" in names_on(page, base, "to-complete")

    # The timeline shows every step with who recorded it.
    page.goto(f"{base}{project.get_absolute_url()}")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("推进到开工")
    expect(timeline).to_contain_text("鹿城招商科")

    # Switch to English; the page and the navigation follow.
    page.click("button[data-lang=en]")
    expect(page.locator("nav.mainnav")).to_contain_text("To complete")
    expect(page.locator("#timeline h2")).to_have_text("Stage timeline")

    page.click("#logout")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Another county's official cannot open the project by its URL.
    log_in(page, base, stranger)
    response = page.goto(f"{base}{project.get_absolute_url()}")
    assert response.status == 404
    assert "年产5万台新能源电机项目" not in page.content()
