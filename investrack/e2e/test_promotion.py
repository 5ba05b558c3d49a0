"""The promotion front in a browser: two counties chase one investor, the city bureau
arbitrates, the county that keeps the lead logs a visit, signs the lead at its mass
signing ceremony, and the colleague who owns the next step finds it in the inbox."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investrack.accounts.models import Role
from investrack.conftest import make_user
from investrack.projects.investor_keys import credit_code_check_char
from investrack.projects.models import Project

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE17 = "91330302MA2L7X3Q5"
CODE = CODE17 + credit_code_check_char(CODE17)


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    expect(page.locator(".who")).to_contain_text(user.display_name)


def register_lead(page, base, name: str, region: str, investor: str, code: str = ""):
    page.goto(f"{base}/projects/new/")
    page.fill("#id_name", name)
    page.select_option("#id_region", region)
    page.fill("#id_total_investment", "12亿")
    page.fill("#id_investor_name", investor)
    page.fill("#id_investor_credit_code", code)
    page.select_option("#id_stage", "1")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text(name)


def test_two_counties_chase_one_investor_the_bureau_decides_and_the_visits_go_on(live_server, page):
    from investrack.regions.models import Region

    lucheng, ruian = Region.objects.get(code="330302"), Region.objects.get(code="330381")
    first = make_user("e2e-lc", Role.COUNTY_STAFF, region=lucheng, full_name="鹿城招商科")
    colleague = make_user("e2e-lc2", Role.COUNTY_STAFF, region=lucheng, full_name="鹿城小王")
    later = make_user("e2e-ra", Role.COUNTY_STAFF, region=ruian, full_name="瑞安招商科")
    city = Region.objects.get(code="330300")
    bureau = make_user("e2e-tcj", Role.CITY_ADMIN, region=city, full_name="市投促局")
    base = live_server.url

    log_in(page, base, first)
    register_lead(page, base, "储能电池基地项目", "330302", "浙江华锂新能源股份有限公司", CODE)
    page.click("#logout")

    # The other county types the name its own way, without the legal form: the same investor.
    log_in(page, base, later)
    register_lead(page, base, "华锂锂电池项目", "330381", "浙江华锂新能源（集团）有限公司")
    page.goto(f"{base}/promotion/conflicts/")
    card = page.locator(".conflict")
    expect(card).to_contain_text("华锂锂电池项目")
    expect(card).to_contain_text("鹿城区")
    expect(card).not_to_contain_text("储能电池基地项目")  # the other county's lead stays theirs
    expect(page.locator("form.decide")).to_have_count(0)
    page.click("#logout")

    log_in(page, base, bureau)
    page.click("nav.mainnav >> text=撞单仲裁")
    card = page.locator(".conflict")
    expect(card).to_contain_text("储能电池基地项目")
    expect(card).to_contain_text("华锂锂电池项目")
    card.locator("input[name=outcome][value=first_keeps]").check()
    card.locator("textarea[name=note]").fill("鹿城区首谈在先，已开展三轮洽谈。")
    card.locator("button.primary").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(".conflict")).to_have_count(0)
    assert Project.objects.get(name="华锂锂电池项目").dropped_on is not None
    page.click("#logout")

    # The county that keeps the lead logs a visit; the next step goes to a colleague.
    log_in(page, base, first)
    lead = Project.objects.get(name="储能电池基地项目")
    page.goto(f"{base}{lead.get_absolute_url()}")
    page.click("#visits-link")
    today = timezone.localdate()
    page.fill("#id_visited_on", today.isoformat())
    page.select_option("#id_where", "away")
    page.select_option("#id_rank", "county_head")
    page.fill("#id_who_went", "区委书记、区商务局")
    page.fill("#id_met", "企业董事长")
    page.fill("#id_agreed", "企业确认二期选址鹿城，拟用地200亩。")
    page.fill("#id_next_step", "报送供地方案")
    page.fill("#id_next_due", (today + datetime.timedelta(days=5)).isoformat())
    page.select_option("#id_next_owner", label="鹿城小王")
    page.click("#visit-form button.primary")
    log = page.locator("#visit-log")
    expect(log).to_contain_text("企业确认二期选址鹿城")
    expect(page.locator("#visits-summary")).to_contain_text("报送供地方案")

    # The lead is signed at the county's mass signing ceremony.
    page.click("nav.mainnav >> text=招商活动")
    page.click("#event-new")
    page.click("#event-kinds >> text=集中签约")
    page.fill("#id_name", "鹿城区重大项目集中签约活动")
    page.fill("#id_held_on", today.isoformat())
    page.check(f"#pick-{lead.pk}")
    page.click("#event-save")
    expect(page.locator("#event-projects")).to_contain_text("储能电池基地项目")
    expect(page.locator("#event-projects")).to_contain_text("签约")
    lead.refresh_from_db()
    assert lead.stage == 3 and lead.signed_on == today
    page.click("#logout")

    log_in(page, base, colleague)
    page.goto(f"{base}/inbox/")
    expect(page.locator("main")).to_contain_text("报送供地方案")
