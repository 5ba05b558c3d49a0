"""The project form as a browser submits it: rendered, then posted back."""

from decimal import Decimal

import pytest
from django.urls import reverse

from investrack.core.models import AuditEntry
from investrack.projects.models import Project, Stage, Tag
from investrack.regions.models import ChainLink, Industry
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_project(make_project, park, leader_person):
    """A project of every shape the form shows: park, industry, foreign investment, chain
    link, tags, a linked leader, planned dates."""
    tag = Tag.objects.create(name="省重点")
    project = make_project(
        park=park,
        industry=Industry.objects.get(code="2710"),
        chain_link=ChainLink.objects.first(),
        foreign_investment=Decimal("13811571.00"),
        foreign_currency="USD",
        land_area=Decimal("120.5"),
        description="第一行\n第二行",
        linked_leaders=[leader_person],
    )
    project.tags.add(tag)
    return Project.objects.get(pk=project.pk)


def test_edit_unchanged_changes_nothing(client_for, county_staff, rich_project):
    client = client_for(county_staff)
    url = reverse("projects:edit", args=[rich_project.pk])
    response = rendered_form(client.get(url)).submit(client)
    assert response.status_code == 302, response.content.decode()[:3000]
    after = Project.objects.get(pk=rich_project.pk)
    assert after.version == rich_project.version
    assert after.industry.code == "2710" and after.park_id == rich_project.park_id
    assert after.foreign_investment == Decimal("13811571.00")
    assert not AuditEntry.objects.filter(object_id=after.pk, action="update").exists()


def test_edit_preselects_region_park_industry(client_for, county_staff, rich_project):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:edit", args=[rich_project.pk])))
    sent = form.data()
    assert sent["region"] == [rich_project.region.code]
    assert sent["park"] == [rich_project.park.code]
    assert sent["industry"] == ["2710"]


def test_edit_one_field_one_audit_line(client_for, county_staff, rich_project):
    client = client_for(county_staff)
    url = reverse("projects:edit", args=[rich_project.pk])
    response = rendered_form(client.get(url)).submit(client, {"name": "改名后的项目"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_id=rich_project.pk, action="update")
    assert list(entry.changes) == ["name"]


@pytest.mark.parametrize("written", ["3,000万美元", "300"])
def test_foreign_investment_saved_on_create(client_for, county_staff, county, written):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:create")))
    response = form.submit(
        client,
        {
            "name": "外资项目",
            "code": "W-1",
            "region": county.code,
            "total_investment": "5亿",
            "foreign_investment": written,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    project = Project.objects.get(code="W-1")
    expected = {"3,000万美元": (30_000_000, "USD"), "300": (3_000_000, "CNY")}[written]
    assert (project.foreign_investment, project.foreign_currency) == expected


def test_county_user_only_region_preselected(client_for, county_staff, county):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:create")))
    assert form.data()["region"] == [county.code]
    response = form.submit(client, {"name": "无编号项目", "total_investment": "1亿"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Project.objects.get(name="无编号项目").code
    assert Project.objects.get(name="无编号项目").stage == Stage.LEAD
