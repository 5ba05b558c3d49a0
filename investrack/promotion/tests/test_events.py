"""Promotion events and mass ceremonies, as the browser sends their forms: a fair links the
leads it brought; a mass ground-breaking moves each project to 开工 on the day through the
stage service, with the shared evidence; one project refused writes nothing; nobody sees
another county's projects in a city's ceremony."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from investrack.projects.models import EvidenceFile, Stage, StageEvent
from investrack.promotion.models import EventProject, PromotionEvent
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db
MONTH_AGO = {Stage.SIGNED: timezone.localdate() - datetime.timedelta(days=30)}


def record_event(client, kind, picked, **changes):
    page = client.get(reverse("promotion:event_new") + f"?kind={kind}")
    assert page.status_code == 200
    form = rendered_form(page, id="event-form")
    data = {
        "name": "2026年第四季度重大项目集中开工活动",
        "held_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "place": "瓯江口新区",
        **({"projects": [str(p.pk) for p in picked]} if picked else {}),
        **changes,
    }
    return form.submit(client, data)


def test_a_mass_ground_breaking_starts_each_project_with_the_shared_evidence(
    client_for, county_staff, make_project
):
    signed = [
        make_project(stage=Stage.SIGNED, dates=MONTH_AGO, name=f"签约项目{i}") for i in range(3)
    ]
    client = client_for(county_staff)
    page = client.get(reverse("promotion:event_new") + "?kind=start").content.decode()
    assert all(p.name in page for p in signed)  # the signed projects are the candidates
    photo = SimpleUploadedFile("开工仪式.jpg", b"\xff\xd8\xff photo", content_type="image/jpeg")
    response = record_event(client, "start", signed[:2], evidence=photo)
    assert response.status_code == 302, response.content.decode()[-2000:]
    event = PromotionEvent.objects.get()
    assert event.kind == "start" and event.region.code == "330302"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for project in signed[:2]:
        project.refresh_from_db()
        assert project.stage == Stage.STARTED and project.started_on == yesterday
        started = StageEvent.objects.get(project=project, stage=Stage.STARTED)
        assert "集中开工" in started.note and event.name in started.note
        assert EvidenceFile.objects.get(event=started).file.name == event.evidence.name
    signed[2].refresh_from_db()
    assert signed[2].stage == Stage.SIGNED
    detail = client.get(reverse("promotion:event", args=[event.pk])).content.decode()
    assert "2个项目" in detail and signed[0].name in detail and signed[2].name in detail
    assert client.get(reverse("promotion:event_evidence", args=[event.pk])).status_code == 200


def test_one_project_refused_writes_nothing_and_keeps_what_was_typed(
    client_for, county_staff, other_staff, make_project, other_county
):
    mine = make_project(stage=Stage.SIGNED, dates=MONTH_AGO, name="鹿城签约项目")
    client = client_for(county_staff)
    page = client.get(reverse("promotion:event_new") + "?kind=start")
    form = rendered_form(page, id="event-form")
    # Meanwhile the project is started one by one: the ceremony can no longer start it.
    from investrack.projects import services

    services.stage_advance(
        actor=county_staff, project=mine, to_stage=Stage.STARTED,
        effective_date=timezone.localdate(),
    )  # fmt: skip
    response = form.submit(
        client,
        {
            "name": "集中开工",
            "held_on": timezone.localdate().isoformat(),
            "projects": [str(mine.pk)],
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'value="集中开工"' in text and 'id="error-projects"' in text
    assert not PromotionEvent.objects.exists() and not EventProject.objects.exists()


def test_a_ceremony_refuses_a_project_past_its_stage_by_name(
    client_for, county_staff, make_project
):
    a = make_project(stage=Stage.SIGNED, dates=MONTH_AGO, name="甲项目")
    b = make_project(stage=Stage.SIGNED, dates=MONTH_AGO, name="乙项目")
    client = client_for(county_staff)
    page = client.get(reverse("promotion:event_new") + "?kind=start")
    form = rendered_form(page, id="event-form")
    from investrack.projects import services

    services.stage_advance(
        actor=county_staff, project=b, to_stage=Stage.STARTED, effective_date=timezone.localdate()
    )
    response = form.submit(
        client,
        {"name": "集中开工", "held_on": timezone.localdate().isoformat(),
         "projects": [str(a.pk), str(b.pk)]},
    )  # fmt: skip
    # b is no longer a candidate: the field refuses it and a stays as it was.
    assert response.status_code == 422
    a.refresh_from_db()
    assert a.stage == Stage.SIGNED and not PromotionEvent.objects.exists()


def test_a_fair_links_the_leads_it_brought_and_shows_where_they_stand(
    client_for, county_staff, make_project
):
    leads = [make_project(name=f"展会线索{i}") for i in range(2)]
    client = client_for(county_staff)
    response = record_event(client, "fair", leads[:1], name="2026中国国际进口博览会")
    assert response.status_code == 302
    event = PromotionEvent.objects.get()
    leads[0].refresh_from_db()
    assert leads[0].stage == Stage.LEAD  # a fair brings leads; it does not move them
    # A lead registered after the fair is added from the event's page.
    page = client.get(reverse("promotion:event", args=[event.pk]))
    add = rendered_form(page, id="add-form")
    assert add.submit(client, {"projects": [str(leads[1].pk)]}).status_code == 302
    assert set(event.links.values_list("project_id", flat=True)) == {p.pk for p in leads}
    detail = client.get(reverse("promotion:event", args=[event.pk])).content.decode()
    assert 'id="event-stages"' in detail and "线索</span> 2" in detail


def test_a_citys_ceremony_shows_each_county_only_its_own_projects(
    client_for, city_admin, county_staff, other_staff, make_project, other_county, viewer
):
    mine = make_project(stage=Stage.SIGNED, dates=MONTH_AGO, name="鹿城签约项目")
    theirs = make_project(
        stage=Stage.SIGNED,
        dates=MONTH_AGO,
        name="瑞安签约项目",
        actor=other_staff,
        region=other_county,
    )
    assert record_event(client_for(city_admin), "start", [mine, theirs]).status_code == 302
    event = PromotionEvent.objects.get()
    assert event.region.code == "330300"
    page = client_for(county_staff).get(reverse("promotion:event", args=[event.pk]))
    text = page.content.decode()
    assert mine.name in text and theirs.name not in text
    assert "另有1个其他辖区的项目" in text
    listed = client_for(county_staff).get(reverse("promotion:events")).content.decode()
    assert event.name in listed
    assert client_for(viewer).get(reverse("promotion:event_new")).status_code == 403
    # An event with no project is refused, with what was typed kept.
    own = record_event(client_for(other_staff), "fair", [], name="瑞安推介会")
    assert own.status_code == 422 and "请至少勾选一个项目" in own.content.decode()
