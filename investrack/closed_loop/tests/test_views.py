"""The closed loop's pages: the journey through them, and nobody sees what is not theirs."""

import pytest
from django.urls import reverse

from investrack.accounts.models import Role
from investrack.closed_loop import services
from investrack.closed_loop.models import Notification, ProblemStatus
from investrack.conftest import days_ago, make_user, upload
from investrack.projects.models import Project, Stage


@pytest.fixture
def project(make_project, leader_person):
    return make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)}, linked_leaders=[leader_person]
    )


@pytest.fixture
def problem(project, county_staff, department, department_staff):
    problem = services.problem_raise(
        actor=county_staff,
        project=project,
        title="用地指标未落实",
        description="尚缺指标",
        category="land",
        department=department,
        working_days=5,
        files=[upload("现场照片.txt", b"photo")],
    )
    services.problem_accept(actor=department_staff, problem=problem)
    problem.refresh_from_db()
    return problem


def test_raising_a_problem_from_the_project_page(client_for, county_staff, project, department):
    client = client_for(county_staff)
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("service:problem_raise", args=[project.pk]) in page
    url = reverse("service:problem_raise", args=[project.pk])
    refused = client.post(
        url,
        {
            "title": "缺电",
            "description": "x",
            "category": "energy",
            "department": department.pk,
            "working_days": 0,
        },
    )
    assert refused.status_code == 422 and "working_days" in refused.content.decode()
    response = client.post(
        url,
        {
            "title": "缺电",
            "description": "变电站容量不足",
            "category": "energy",
            "department": department.pk,
            "working_days": 10,
            "urgency": 2,
        },
    )
    assert response.status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert "缺电" in page and department.name in page


def test_the_department_resolves_and_the_raiser_confirms(
    client_for, county_staff, department_staff, problem
):
    client = client_for(department_staff)
    workbench = client.get(reverse("service:problems")).content.decode()
    assert problem.title in workbench
    url = reverse("service:problem_step", args=[problem.pk, "resolve"])
    empty = client.post(url, {"text": " ", "version": problem.version})
    assert empty.status_code == 422 and "请说明问题是如何解决的" in empty.content.decode()
    assert client.post(url, {"text": "已调剂", "version": problem.version}).status_code == 302
    client = client_for(county_staff)
    problem.refresh_from_db()
    page = client.get(problem.get_absolute_url()).content.decode()
    assert 'id="confirm"' in page and "已调剂" in page
    url = reverse("service:problem_step", args=[problem.pk, "confirm"])
    assert client.post(url, {"version": problem.version}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CONFIRMED


def test_a_second_click_on_a_stale_page_is_refused(client_for, department_staff, problem):
    client = client_for(department_staff)
    url = reverse("service:problem_step", args=[problem.pk, "start"])
    assert client.post(url, {"version": problem.version}).status_code == 302
    stale = client.post(
        reverse("service:problem_step", args=[problem.pk, "resolve"]),
        {"text": "我的答复", "version": problem.version},
    )
    assert stale.status_code == 422
    body = stale.content.decode()
    assert "我的答复" in body  # the user's words are kept


def test_another_county_and_another_department_see_nothing(
    client_for, other_staff, city, other_department, problem, project
):
    stranger = make_user("sthj", Role.DEPARTMENT_STAFF, region=city, department=other_department)
    attachment = problem.attachments.get()
    item_urls = []
    services.approval_checklist_create(actor=problem.raised_by, project=project)
    item = project.approval_items.first()
    item_urls = [
        reverse("service:approval", args=[item.pk]),
        reverse("service:approval_document", args=[item.pk]),
    ]
    problem_urls = [
        problem.get_absolute_url(),
        reverse("service:problem_file", args=[problem.pk, attachment.pk]),
    ]
    for user in (other_staff, stranger):
        client = client_for(user)
        for url in problem_urls:
            assert client.get(url).status_code == 404, (user, url)
        assert (
            client.post(
                reverse("service:problem_step", args=[problem.pk, "resolve"]), {"text": "x"}
            ).status_code
            == 404
        )
        assert problem.title not in client.get(reverse("service:problems")).content.decode()
    client = client_for(other_staff)
    for url in item_urls + [reverse("service:problem_raise", args=[project.pk])]:
        assert client.get(url).status_code == 404, url
    refused = client.post(item_urls[0], {"status": "not_needed", "version": item.version})
    assert refused.status_code == 404
    assert client.post(reverse("service:checklist", args=[project.pk])).status_code == 404
    assert project.name not in client.get(reverse("service:leader")).content.decode()
    assert project.name not in client.get(reverse("projects:list") + "?light=red").content.decode()


def test_lights_show_on_lists_with_their_reasons(client_for, county_staff, project, make_project):
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)}, name="刚签约项目")
    client = client_for(county_staff)
    red = client.get(reverse("projects:list") + "?light=red").content.decode()
    assert project.name in red and "刚签约项目" not in red
    assert "签约已400天仍未开工" in red
    listed = client.get(reverse("projects:work_list", args=["to-start"])).content.decode()
    assert 'class="light l2"' in listed
    home = client.get(reverse("home")).content.decode()
    assert 'href="/projects/?light=red"' in home
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="light"' in page and "签约已400天仍未开工" in page


def test_a_light_list_counted_from_the_recorded_lights_restates_its_rows(
    client_for, city_admin, county_staff, other_staff, other_county, make_project
):
    """Once today's lights are recorded, a list of one light is counted from them: the
    count must still be the rows of each user's jurisdiction, and any other filter counts
    the rows themselves."""
    from decimal import Decimal

    from investrack.daily.job import daily_run

    long_ago = {Stage.SIGNED: days_ago(400)}
    for _ in range(3):
        make_project(stage=Stage.SIGNED, dates=long_ago)
    make_project(
        stage=Stage.SIGNED, dates=long_ago, region=other_county, actor=other_staff,
        total_investment=Decimal("5000000"),
    )  # fmt: skip
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)})  # not lit
    daily_run()

    def shown(user, query: str) -> tuple[int, int]:
        page = client_for(user).get(reverse("projects:list") + query).context["page"]
        return page.paginator.count, len(page.object_list)

    assert shown(city_admin, "?light=red") == (4, 4)
    assert shown(county_staff, "?light=red") == (3, 3)
    assert shown(other_staff, "?light=lit") == (1, 1)
    assert shown(other_staff, "?light=yellow") == (0, 0)
    assert shown(city_admin, "?light=red&tier=1yi") == (3, 3)
    assert shown(city_admin, "?light=red&status=dropped") == (0, 0)
    # A project grown past 10亿 (same light, another size) is counted at its new size.
    from investrack.projects.services import project_update

    grown = Project.objects.filter(region=other_county).get()
    project_update(
        actor=other_staff, project=grown, data={"total_investment": Decimal(12 * 10**8)},
        expected_version=grown.version,
    )  # fmt: skip
    assert shown(city_admin, "?light=red&tier=1yi") == (4, 4)
    assert shown(city_admin, "?light=red&tier=10yi") == (1, 1)
    assert shown(other_staff, "?light=lit&tier=100yi") == (0, 0)


def test_the_leader_sees_the_reddest_first_before_and_after_the_daily_run(
    client_for, make_project, leader_person, leader_user
):
    """Ordered by the rules computed on the spot, then by the lights the daily job records:
    the same order, each row with its light and its reason."""
    from investrack.daily.job import daily_run

    calm = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)},
                        linked_leaders=[leader_person], name="平稳项目")  # fmt: skip
    yellow = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(300)},
                          linked_leaders=[leader_person], name="黄灯项目")  # fmt: skip
    red = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)},
                       linked_leaders=[leader_person], name="红灯项目")  # fmt: skip
    for recorded in (False, True):
        if recorded:
            daily_run()
        page = client_for(leader_user).get(reverse("service:leader"))
        rows = list(page.context["projects"])
        assert [p.pk for p in rows] == [red.pk, yellow.pk, calm.pk], recorded
        assert [p.light for p in rows] == [2, 1, 0]
        assert "签约已400天仍未开工" in page.content.decode()
    # On a phone each row is a card, each value named (the leaders read it there).
    assert page.content.decode().count('data-label="原因"') == 3


def test_the_leader_sees_the_red_project_and_its_problems(client_for, leader_user, problem):
    page = client_for(leader_user).get(reverse("service:leader")).content.decode()
    assert problem.project.name in page and problem.title in page
    assert 'class="light l2"' in page


def test_the_inbox_counts_and_opens_only_ones_own(
    client_for, department_staff, county_staff, problem
):
    client = client_for(department_staff)
    assert client.get(reverse("service:inbox_badge")).content == b"1"
    note = Notification.objects.get(user=department_staff)
    response = client.get(reverse("service:inbox_open", args=[note.pk]))
    assert response.status_code == 302 and response.url == problem.get_absolute_url()
    assert client.get(reverse("service:inbox_badge")).content == b""
    other = client_for(county_staff)
    assert other.get(reverse("service:inbox_open", args=[note.pk])).status_code == 404
    assert note.title not in other.get(reverse("service:inbox")).content.decode()


def test_reading_all_marks_only_ones_own(client_for, department_staff, county_staff, problem):
    client_for(county_staff).post(reverse("service:inbox_read_all"))
    assert Notification.objects.get(user=department_staff).read_at is None


def test_the_checklist_shows_what_stands_before_the_next_stage(client_for, county_staff, project):
    client = client_for(county_staff)
    client.post(reverse("service:checklist", args=[project.pk]))
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="blockers"' in page and "施工许可证" in page
    item = project.approval_items.get(name="施工许可证")
    url = reverse("service:approval", args=[item.pk])
    refused = client.post(url, {"status": "approved", "version": item.version})
    assert refused.status_code == 422 and "approved_on" in refused.content.decode()
    for item in project.approval_items.filter(needed_before__lte=Stage.STARTED):
        response = client.post(
            reverse("service:approval", args=[item.pk]),
            {"status": "not_needed", "version": item.version},
        )
        assert response.status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="blockers"' not in page


def test_viewers_raise_nothing(client_for, viewer, project):
    client = client_for(viewer)
    assert client.get(reverse("service:problem_raise", args=[project.pk])).status_code == 403
