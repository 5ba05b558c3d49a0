"""The leaders' dashboard in a real browser: the charts draw, a bar opens its projects, the
briefing downloads."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investrack.accounts.models import Role
from investrack.conftest import make_user
from investrack.e2e.test_journey import log_in
from investrack.projects import services as project_services
from investrack.projects.models import Stage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BAR_OF_STAGE = """([id, name]) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getOption().series[0].data;
  const index = data.findIndex((d) => d.name === name);
  return chart.convertToPixel({ seriesIndex: 0 }, [data[index].value / 2, index]);
}"""


def test_a_leader_drills_down_from_a_bar_and_takes_the_briefing(live_server, page):
    from investrack.regions.models import Region

    base = live_server.url
    county = Region.objects.get(code="330302")
    official = make_user("lucheng", Role.COUNTY_STAFF, region=county, full_name="鹿城专员")
    today = timezone.localdate()  # the server's date, not the browser's
    for n, stage in enumerate([Stage.SIGNED, Stage.SIGNED, Stage.STARTED]):
        project_services.project_create(
            actor=official,
            data={"name": f"鹿城项目{n}", "code": f"LC-D-{n}", "region": county,
                  "total_investment": 300_000_000},
            stage=stage,
            stage_dates={s: today for s in (Stage.SIGNED, Stage.STARTED) if s <= stage},
        )  # fmt: skip

    log_in(page, base, official)
    page.goto(f"{base}/insights/")
    expect(page.locator("h1")).to_contain_text("领导驾驶舱 · 鹿城区")
    expect(page.locator('[data-indicator="introduced"] b')).to_have_text("3个")
    funnel = page.locator("#chart-funnel")
    expect(funnel).to_have_attribute("data-ready", "1")
    expect(funnel.locator("canvas")).to_have_count(1)
    funnel.scroll_into_view_if_needed()
    page.wait_for_timeout(1200)  # the bars' opening animation
    x, y = page.evaluate(BAR_OF_STAGE, ["chart-funnel", "签约"])
    box = funnel.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page).to_have_url(re.compile(r"/projects/\?.*stage=3"))
    expect(page.locator("table.grid tbody tr")).to_have_count(2)

    page.goto(f"{base}/insights/")
    with page.expect_download() as download:
        page.click("#briefing-docx")
    assert download.value.suggested_filename.endswith(".docx")
    assert "鹿城区" in download.value.suggested_filename
