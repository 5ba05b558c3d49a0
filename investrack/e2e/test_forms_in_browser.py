"""Officials open a project's form and save it, in Chromium: saving unchanged changes
nothing, whatever the project's shape; changing one field is one line of history."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from investrack.accounts.models import Person, Role
from investrack.conftest import make_user
from investrack.core.models import AuditEntry
from investrack.e2e.test_journey import log_in
from investrack.projects import services
from investrack.projects.models import Project, Stage, Tag
from investrack.regions.models import ChainLink, Industry, Park, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shapes(user, county, park):
    """Projects of every shape the form shows."""
    leader = Person.objects.create(name="王副区长", region=county, is_leader=True)
    tag = Tag.objects.create(name="省重点")
    today = timezone.localdate()
    base = {"region": county, "total_investment": Decimal("150000000")}

    def make(name, stage=Stage.LEAD, dates=None, leaders=(), **fields):
        return services.project_create(
            actor=user,
            data={**base, "name": name, "code": f"E2E-{name}", **fields},
            stage=stage,
            stage_dates=dates or {},
            linked_leaders=leaders,
        )

    plain = make("线索项目")
    rich = make(
        "动力电池项目",
        stage=Stage.STARTED,
        dates={
            Stage.SIGNED: today - datetime.timedelta(days=200),
            Stage.STARTED: today - datetime.timedelta(days=30),
        },  # fmt: skip
        leaders=[leader],
        park=park,
        industry=Industry.objects.get(code="2710"),
        chain_link=ChainLink.objects.first(),
        foreign_investment=Decimal("13811571"),
        foreign_currency="USD",
        land_area=Decimal("120.5"),
        planned_completion_date=today + datetime.timedelta(days=300),
        description="年产20GWh\n二期另报",
    )
    rich.tags.add(tag)
    phase = make(
        "动力电池项目二期",
        phase_of=rich,
        phase_label="二期",
        foreign_investment=Decimal("5000000"),
        foreign_currency="HKD",
    )
    return [plain, rich, phase]


def test_save_unchanged_then_change_one_field(live_server, page):
    county = Region.objects.get(code="330302")
    park = Park.objects.create(code="P-LC", name="鹿城高新园", region=county)
    user = make_user("lc-staff", Role.COUNTY_STAFF, region=county, full_name="鹿城专员")
    projects = shapes(user, county, park)
    log_in(page, live_server.url, user)
    for project in projects:
        page.goto(f"{live_server.url}/projects/{project.pk}/edit/")
        page.click("form.form button.primary")
        expect(page.locator(".messages")).to_contain_text("已保存")
        after = Project.objects.get(pk=project.pk)
        assert after.version == project.version, (
            project.name,
            list(AuditEntry.objects.filter(object_id=project.pk).values_list("action", "changes")),
        )
    assert not AuditEntry.objects.filter(action="update").exists()

    rich = projects[1]
    page.goto(f"{live_server.url}/projects/{rich.pk}/edit/")
    page.fill("#id_land_area", "130")
    page.click("form.form button.primary")
    expect(page.locator("#history")).to_contain_text("130亩")
    entry = AuditEntry.objects.get(action="update")
    assert list(entry.changes) == ["land_area"]
