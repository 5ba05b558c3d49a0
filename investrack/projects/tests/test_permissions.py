"""Jurisdiction: a user of another county is refused everywhere, and nothing leaks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investrack.conftest import days_ago
from investrack.projects import services
from investrack.projects.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def lucheng_project(make_project, county_staff):
    project = make_project(
        name="鹿城机密项目",
        stage=Stage.SIGNED,
        dates={Stage.SIGNED: days_ago(30)},
        planned_start_date=days_ago(5),
    )
    return services.stage_advance(
        actor=county_staff,
        project=project,
        to_stage=Stage.STARTED,
        effective_date=days_ago(2),
        evidence=[SimpleUploadedFile("许可证.pdf", b"secret")],
    )


def project_urls(project):
    event = project.events.first()
    evidence = project.events.get(stage=Stage.STARTED).evidence.get()
    return [
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:edit", args=[project.pk]),
        reverse("projects:stage", args=[project.pk]),
        reverse("projects:correct", args=[project.pk, event.pk]),
        reverse("projects:drop", args=[project.pk]),
        reverse("projects:stalled", args=[project.pk]),
        reverse("projects:progress", args=[project.pk]),
        reverse("projects:evidence", args=[project.pk, evidence.pk]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_project_page_is_404_for_another_county(client, other_staff, lucheng_project, method):
    client.force_login(other_staff)
    for url in project_urls(lucheng_project):
        response = getattr(client, method)(url, {"reason": "x", "to_stage": 5})
        # 405: a page that only shows (or a POST-only action asked with GET); never found
        assert response.status_code in (404, 405), (url, response.status_code)
    lucheng_project.refresh_from_db()
    assert lucheng_project.stage == Stage.STARTED and not lucheng_project.is_stalled


def test_park_staff_see_only_their_park(client, park_staff, make_project, park):
    inside = make_project(name="园内项目", park=park)
    outside = make_project(name="园外项目")
    client.force_login(park_staff)
    assert client.get(inside.get_absolute_url()).status_code == 200
    assert client.get(outside.get_absolute_url()).status_code == 404
    names = {p.name for p in client.get(reverse("projects:list")).context["page"]}
    assert names == {"园内项目"}


def test_nothing_of_another_county_leaks_into_lists_counts_or_search(
    client, other_staff, lucheng_project
):
    client.force_login(other_staff)
    pages = [
        reverse("home"),
        reverse("projects:list"),
        reverse("projects:list") + "?q=鹿城机密",
        reverse("projects:list") + "?region=330302",
        *[
            reverse("projects:work_list", args=[k])
            for k in ["to-sign", "to-start", "to-complete", "to-produce"]
        ],
        reverse("projects:work_list", args=["to-complete"]) + "?q=鹿城机密",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert "鹿城机密项目" not in response.content.decode(), url
    counts = client.get(reverse("home")).context
    assert all(row["count"] == 0 for row in counts["stages"])
    assert counts["work_counts"]["to_complete_total"] == 0


def test_city_user_sees_every_county(
    client, city_admin, lucheng_project, make_project, other_county, other_staff
):
    make_project(actor=other_staff, region=other_county, name="瑞安项目")
    client.force_login(city_admin)
    names = {p.name for p in client.get(reverse("projects:list")).context["page"]}
    assert names == {"鹿城机密项目", "瑞安项目"}


def test_a_county_user_cannot_place_a_project_in_another_county_by_form(client, other_staff):
    client.force_login(other_staff)
    response = client.post(
        reverse("projects:create"),
        {
            "name": "x",
            "code": "X-1",
            "category": "manufacturing",
            "region": "330302",
            "total_investment": "5000",
            "investor_origin": "domestic",
            "stage": "1",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
