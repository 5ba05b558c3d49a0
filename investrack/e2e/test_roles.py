"""Each role's first minutes in Chromium: the menu shows what the role works with, its
projects open, what it may not do is not offered, and a refusal is a page in Chinese."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investrack.accounts.models import Department, Person, Role
from investrack.conftest import make_user
from investrack.e2e.test_journey import log_in
from investrack.projects import services
from investrack.projects.models import Stage
from investrack.regions.models import Park, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COMMON = ["home", "projects", "dashboard", "map", "race"]
LISTS = ["to-sign", "to-start", "to-complete", "to-produce", "problems"]
MENUS = {
    "city_admin": [*LISTS, "events", "conflicts", "import"],
    "park": [*LISTS, "events", "conflicts", "import"],
    "department": ["problems"],
    "leader": ["leader", *LISTS, "events"],
    "viewer": [*LISTS, "events"],
}
EDITORS = {"city_admin", "park"}


def people():
    city = Region.objects.get(code="330300")
    county = Region.objects.get(code="330302")
    park = Park.objects.create(code="P-LC", name="鹿城高新园", region=county)
    department = Department.objects.create(name="温州市自然资源和规划局", short_name="自然资源局")
    users = {
        "city_admin": make_user("r-admin", Role.CITY_ADMIN, region=city, full_name="市投促局"),
        "park": make_user(
            "r-park", Role.COUNTY_STAFF, region=county, park=park, full_name="园区专员"
        ),
        "department": make_user(
            "r-dept",
            Role.DEPARTMENT_STAFF,
            region=city,
            department=department,
            full_name="资规经办",
        ),  # fmt: skip
        "leader": make_user("r-leader", Role.LEADER, region=county, full_name="王副区长"),
        "viewer": make_user("r-viewer", Role.VIEWER, region=county, full_name="观察员"),
    }
    leader = Person.objects.create(name="王副区长", region=county, is_leader=True,
                                   user=users["leader"])  # fmt: skip
    project = services.project_create(
        actor=users["park"],
        data={
            "name": "园区动力电池项目",
            "code": "R-1",
            "region": county,
            "park": park,
            "total_investment": Decimal("150000000"),
        },  # fmt: skip
        stage=Stage.SIGNED,
        stage_dates={Stage.SIGNED: timezone.localdate() - datetime.timedelta(days=20)},
        linked_leaders=[leader],
    )
    return users, project


@pytest.mark.parametrize("role", sorted(MENUS))
def test_a_role_finds_its_way(live_server, page, role):
    users, project = people()
    user = users[role]
    log_in(page, live_server.url, user)
    menu = page.locator("nav.mainnav a").evaluate_all("links => links.map(a => a.dataset.menu)")
    assert set(menu) == set(COMMON + MENUS[role]), menu
    assert menu[0] == {"department": "problems", "leader": "leader"}.get(role, "home")
    page.click("nav.mainnav a[data-menu=projects]")
    page.click(f"text={project.name}")
    expect(page.locator("h1")).to_contain_text(project.name)
    assert page.locator("a[href$='/edit/']").count() == (1 if role in EDITORS else 0)
    page.goto(f"{live_server.url}/projects/new/")
    if role in EDITORS:
        expect(page.locator("#id_name")).to_be_visible()
    else:
        expect(page.locator("#refusal h1")).to_have_text("无权访问")
        expect(page.locator("nav.mainnav")).to_be_visible()  # still inside the product
