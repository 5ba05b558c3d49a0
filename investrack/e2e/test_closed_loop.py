"""A problem goes round the loop in a real browser: raised by the county, solved by a
department, confirmed by the raiser; the red project shows in its leader's view."""

import pytest
from playwright.sync_api import expect

from investrack.accounts.models import Department, Person, Role
from investrack.conftest import days_ago, make_user
from investrack.e2e.test_journey import log_in
from investrack.projects import services as project_services
from investrack.projects.models import Stage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_out(page):
    page.click("#logout")
    expect(page.locator("#id_username")).to_be_visible()


def test_a_problem_goes_round_the_loop(live_server, page):
    from investrack.regions.models import Region

    base = live_server.url
    city, county = Region.objects.get(code="330300"), Region.objects.get(code="330302")
    land = Department.objects.create(name="温州市自然资源和规划局", short_name="自然资源局")
    official = make_user("lucheng", Role.COUNTY_STAFF, region=county, full_name="鹿城专员")
    clerk = make_user(
        "zrzy", Role.DEPARTMENT_STAFF, region=city, department=land, full_name="资规经办"
    )
    boss = make_user("wang", Role.LEADER, region=county, full_name="王副区长")
    leader = Person.objects.create(name="王副区长", region=county, is_leader=True, user=boss)
    project = project_services.project_create(
        actor=official,
        data={
            "name": "年产5GWh储能电池项目",
            "code": "LC-E2E-1",
            "region": county,
            "total_investment": 2_000_000_000,
        },
        stage=Stage.SIGNED,
        stage_dates={Stage.SIGNED: days_ago(400)},
        linked_leaders=[leader],
    )

    log_in(page, base, official)
    page.goto(f"{base}{project.get_absolute_url()}")
    expect(page.locator("#light")).to_contain_text("签约已400天仍未开工")
    page.click("#raise-problem")
    page.fill("#id_title", "用地指标未落实")
    page.fill("#id_description", "二期用地120亩尚缺指标")
    page.select_option("#id_category", "land")
    page.select_option("#id_department", str(land.pk))
    page.fill("#id_working_days", "5")
    page.click("button.primary")
    expect(page.locator("#problems")).to_contain_text("用地指标未落实")
    log_out(page)

    log_in(page, base, clerk)
    expect(page.locator("#unread")).to_have_text("1")
    page.click("text=问题督办")
    expect(page.locator("h1")).to_contain_text("工作台")
    page.click("#problem-list >> text=用地指标未落实")
    page.click("#accept")
    page.fill("#reply-text", "已调剂建设用地指标120亩")
    page.click("#resolve")
    expect(page.locator("#problem-status")).to_have_text("已办结，待确认")
    log_out(page)

    log_in(page, base, official)
    page.click("#inbox-link")
    page.click("#notifications >> text=已办结，请确认")
    expect(page.locator("#reply")).to_contain_text("120亩")
    page.click("#confirm")
    expect(page.locator("#problem-status")).to_have_text("已确认解决")
    log_out(page)

    log_in(page, base, boss)
    page.click("text=我的包联项目")
    row = page.locator("#leader-projects tbody tr", has_text="年产5GWh储能电池项目")
    expect(row.locator(".light.l2")).to_be_visible()
    expect(row).to_contain_text("签约已400天仍未开工")
