"""On a phone (390×844, touch): every page of a role's menu fits the screen's width, the
menu opens from one button, and a list is a column of cards that say why a project is lit."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investrack.e2e.test_journey import log_in
from investrack.e2e.test_roles import MENUS, people
from investrack.projects import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def overflow(page) -> int:
    """How far the page reaches past the screen's right edge (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("role", sorted(MENUS))
def test_every_page_of_the_menu_fits_a_phone(live_server, phone, role):
    users, project = people()
    log_in(phone, live_server.url, users[role])
    phone.wait_for_load_state()  # the menu's script is deferred: a tap before it is lost
    assert overflow(phone) <= 0
    # The menu is folded behind one button; the button opens it.
    expect(phone.locator("nav.mainnav")).to_be_hidden()
    phone.click(".menu-toggle")
    expect(phone.locator("nav.mainnav")).to_be_visible()
    links = phone.locator("nav.mainnav a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    for path in [*links, project.get_absolute_url()]:
        phone.goto(live_server.url + path)
        assert overflow(phone) <= 0, path
        box = phone.locator(".menu-toggle").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # a thumb's target


def test_a_list_on_a_phone_is_cards_with_the_reason_of_the_light(live_server, phone):
    users, project = people()
    # Signed, planned to start 40 days ago and not started: red, and the card says why.
    project = services.project_update(
        actor=users["park"],
        project=project,
        data={"planned_start_date": timezone.localdate() - datetime.timedelta(days=40)},
        expected_version=project.version,
    )
    log_in(phone, live_server.url, users["park"])
    phone.goto(f"{live_server.url}/projects/lists/to-start/")
    card = phone.locator("table.cards-on-phone tbody tr").first
    expect(card.locator("td.c-title")).to_contain_text(project.name)
    expect(card.locator("thead")).to_have_count(0)
    expect(phone.locator("table.cards-on-phone thead")).to_be_hidden()
    reason = card.locator(".light-why")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("开工")
    # Each figure of the card carries its label.
    expect(card.locator("td[data-label='逾期天数']")).to_be_visible()
    assert overflow(phone) <= 0
    # The filters fold away until opened.
    expect(phone.locator("details.filterbox #id_q")).to_be_hidden()
    phone.click("details.filterbox > summary")
    expect(phone.locator("details.filterbox #id_q")).to_be_visible()


def test_a_site_visit_from_the_phone_reports_progress_with_a_photo(live_server, phone, tmp_path):
    from investrack.conftest import days_ago, photo_bytes
    from investrack.projects.models import Stage

    users, project = people()
    project = services.stage_advance(
        actor=users["park"], project=project, to_stage=Stage.STARTED, effective_date=days_ago(10)
    )
    log_in(phone, live_server.url, users["park"])
    phone.goto(f"{live_server.url}{project.get_absolute_url()}")
    phone.click("text=填报进度")
    assert overflow(phone) <= 0
    camera = phone.locator("input[name=photos]")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    shot = tmp_path / "IMG_20261128_094107.jpg"
    shot.write_bytes(photo_bytes((3000, 4000)))
    phone.fill("#id_period", days_ago(0).strftime("%Y-%m"))
    phone.fill("#id_investment_completed", "800")
    phone.fill("#id_construction_progress", "15")
    camera.set_input_files(str(shot))
    phone.click("main button.primary")
    expect(phone.locator(".messages")).to_contain_text("月度进度已保存")
    gallery = phone.locator("#photos img")
    expect(gallery).to_have_count(1)
    gallery.scroll_into_view_if_needed()  # the thumbnail loads when it comes into view
    width = "() => document.querySelector('#photos img').naturalWidth"
    for _ in range(50):  # (wait_for_function evaluates a string: the CSP refuses it)
        if phone.evaluate(width):
            break
        phone.wait_for_timeout(100)
    assert phone.evaluate(width) == 240  # the 320 px thumbnail of an upright 3:4 photo
    assert overflow(phone) <= 0
