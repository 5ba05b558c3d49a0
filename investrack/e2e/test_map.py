"""The project map in Chromium: the shipped outline of the city drawn, the counties coloured,
every placed project a point; a county of the table opens its list with the same count."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from investrack.e2e.test_journey import log_in
from investrack.e2e.test_roles import people
from investrack.projects import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_map_draws_the_city_and_its_projects(live_server, page):
    users, project = people()
    services.project_update(
        actor=users["park"],
        project=project,
        data={"longitude": Decimal("120.655271"), "latitude": Decimal("28.015737")},
        expected_version=project.version,
    )
    log_in(page, live_server.url, users["city_admin"])
    page.click("nav.mainnav a[data-menu=map]")
    chart = page.locator("#city-map[data-ready='1']")
    expect(chart).to_have_attribute("data-points", "1")
    expect(page.locator("#map-count")).to_contain_text("1")
    assert chart.locator("canvas").count() >= 1
    row = page.locator("#map-counties tr", has_text="鹿城区")
    figure = row.locator("td.num a").inner_text()
    row.locator("td.num a").click()
    count = re.search(r"\d+", figure).group(0)
    expect(page.locator("main")).to_contain_text(re.compile(rf"共\s*{count}\s*个项目"))


def test_the_big_screen_fits_refreshes_in_place_and_keeps_the_kiosk(live_server, browser):
    users, project = people()
    kiosk = users["viewer"]
    kiosk.screen_only = True
    kiosk.save()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", kiosk.username)
    page.fill("#id_password", kiosk.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/insights/screen/")  # wherever it logs in to, the screen it is
    expect(page.locator("#screen-funnel[data-ready='1']")).to_be_visible()
    expect(page.locator("#screen-map[data-ready='1']")).to_be_visible()
    expect(page.locator(".panel-reds h2")).to_contain_text("红灯项目")
    size = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
        " window.innerWidth, window.innerHeight]"
    )
    assert size[0] <= size[2] and size[1] <= size[3], size  # no scrollbar at 1920×1080
    # The panels come again in place: the old ones are gone, the page itself never reloads.
    page.goto(f"{live_server.url}/insights/screen/?refresh=5")
    page.evaluate(
        "window.stillHere = true; document.getElementById('screen-time').dataset.old = '1'"
    )
    expect(page.locator("#screen-time[data-old='1']")).to_have_count(0, timeout=15_000)
    assert page.evaluate("window.stillHere") is True
    expect(page.locator("#screen-funnel[data-ready='1']")).to_be_visible()
    # The kiosk cannot walk to the lists.
    page.goto(f"{live_server.url}/projects/")
    assert page.url.endswith("/insights/screen/")
    context.close()


def test_a_project_is_placed_by_a_click_on_the_map_or_by_the_phone(live_server, browser):
    users, project = people()
    # The phone's GPS says WGS-84; the form keeps GCJ-02 (eviltransform's published pair).
    context = browser.new_context(
        locale="zh-CN",
        geolocation={"latitude": 31.1774276, "longitude": 121.5272106},
        permissions=["geolocation"],
    )
    page = context.new_page()
    log_in(page, live_server.url, users["park"])
    page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
    chart = page.locator("#place-map[data-ready='1']")
    expect(chart).to_be_visible()
    chart.click()  # the middle of the city's map
    expect(page.locator("#place-status")).to_contain_text("地图")
    longitude = float(page.input_value("#id_longitude"))
    latitude = float(page.input_value("#id_latitude"))
    assert 119.5 < longitude < 121.5 and 27.0 < latitude < 28.7, (longitude, latitude)
    page.click("main button[type=submit]")
    expect(page.locator("main h1")).to_contain_text(project.name)
    project.refresh_from_db()
    assert (float(project.longitude), float(project.latitude)) == (longitude, latitude)

    page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
    page.click("#place-here")
    expect(page.locator("#id_longitude")).to_have_value("121.531542")
    expect(page.locator("#id_latitude")).to_have_value("31.175304")
    context.close()
