"""The visits and talks on a lead: logged by its county's staff as the browser sends the
form, the story shown on the lead's page, the next step reminded to its owner."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from investrack.closed_loop.models import Notification
from investrack.daily.job import daily_run
from investrack.promotion.models import Visit
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db


def log_visit(client, project, **changes):
    page = client.get(reverse("promotion:visits", args=[project.pk]))
    form = rendered_form(page)
    today = timezone.localdate()
    data = {
        "visited_on": (today - datetime.timedelta(days=2)).isoformat(),
        "where": "away",
        "rank": "county_head",
        "who_went": "区委书记 张明、区投促局 李华",
        "met": "宁德时代 副总裁 王强",
        "agreed": "企业同意来鹿城实地考察，\n初定储能电池项目一期用地200亩。",
        "next_step": "安排企业来鹿城考察选址",
        "next_due": (today + datetime.timedelta(days=2)).isoformat(),
        **changes,
    }
    return form.submit(client, data)


def test_county_staff_log_a_visit_and_the_story_shows_it(client_for, county_staff, make_project):
    lead = make_project(name="储能电池项目")
    client = client_for(county_staff)
    detail = client.get(lead.get_absolute_url()).content.decode()
    assert reverse("promotion:visits", args=[lead.pk]) in detail  # the project page links it
    response = log_visit(client, lead, next_owner=str(county_staff.pk))
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.agreed == "企业同意来鹿城实地考察，\n初定储能电池项目一期用地200亩。"
    page = client.get(reverse("promotion:visits", args=[lead.pk])).content.decode()
    assert "已记录 1 次走访洽谈" in page and "安排企业来鹿城考察选址" in page
    assert "县（市、区）主要领导" in page and "外出拜访" in page


def test_a_step_without_its_date_and_a_future_visit_are_refused(
    client_for, county_staff, make_project
):
    lead = make_project()
    client = client_for(county_staff)
    response = log_visit(client, lead, next_due="")
    assert response.status_code == 422 and "下一步工作需要完成时限" in response.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = log_visit(client, lead, visited_on=future)
    assert response.status_code == 422 and "不能是未来日期" in response.content.decode()
    assert not Visit.objects.exists()


def test_another_county_neither_sees_nor_logs(client_for, other_staff, viewer, make_project):
    lead = make_project()
    assert (
        client_for(other_staff).get(reverse("promotion:visits", args=[lead.pk])).status_code == 404
    )
    page = client_for(viewer).get(reverse("promotion:visits", args=[lead.pk]))
    assert page.status_code == 200 and 'id="visit-form"' not in page.content.decode()
    assert (
        client_for(viewer).post(reverse("promotion:visits", args=[lead.pk]), {}).status_code == 403
    )


def test_the_next_step_is_reminded_to_its_owner_once(
    client_for, county_staff, park_staff, make_project
):
    lead = make_project()
    assert (
        log_visit(client_for(county_staff), lead, next_owner=str(park_staff.pk)).status_code == 302
    )
    assigned = Notification.objects.filter(user=park_staff, kind="visit_step")
    assert assigned.count() == 1  # told when the step was given
    daily_run()
    daily_run()
    assert (
        assigned.count() == 2
        and "安排企业来鹿城考察选址" in assigned.last().title + assigned.last().body
    )


def test_a_lead_without_contact_turns_yellow_then_red_and_a_visit_clears_it(
    client_for, county_staff, make_project
):
    from investrack.closed_loop.models import ProjectLight
    from investrack.projects.models import Stage

    today = timezone.localdate()
    quiet = make_project(dates={Stage.LEAD: today - datetime.timedelta(days=40)})
    forgotten = make_project(dates={Stage.LEAD: today - datetime.timedelta(days=70)})
    fresh = make_project(dates={Stage.LEAD: today - datetime.timedelta(days=10)})
    lights = dict(ProjectLight.objects.values_list("project_id", "light"))
    assert lights.get(quiet.pk) == 1 and lights.get(forgotten.pk) == 2
    assert fresh.pk not in lights
    client = client_for(county_staff)
    page = client.get(quiet.get_absolute_url()).content.decode()
    assert "超过30天未记录走访洽谈" in page
    # A visit is contact: the light goes out at once, not at the next daily run.
    assert log_visit(client, quiet).status_code == 302
    assert not ProjectLight.objects.filter(project=quiet, light__gt=0).exists()
    assert "超过30天未记录走访洽谈" not in client.get(quiet.get_absolute_url()).content.decode()
    # A visit long ago is no contact now.
    old = (today - datetime.timedelta(days=65)).isoformat()
    assert (
        log_visit(client, forgotten, visited_on=old, next_step="", next_due="").status_code == 302
    )
    assert ProjectLight.objects.get(project=forgotten).light == 2
