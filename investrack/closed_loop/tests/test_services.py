import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from investrack.accounts.models import Person, Role
from investrack.closed_loop import services
from investrack.closed_loop.models import (
    ApprovalItem,
    ApprovalStatus,
    Notification,
    ProblemEvent,
    ProblemStatus,
)
from investrack.conftest import days_ago, make_user
from investrack.core.models import AuditEntry
from investrack.projects.models import Stage

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(y, m, d, hour=10):
    return time_machine.travel(datetime.datetime(y, m, d, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def raise_problem(make_project, county_staff, department, department_staff):
    def build(project=None, **overrides):
        data = {
            "actor": county_staff,
            "project": project or make_project(stage=Stage.SIGNED),
            "title": "用地指标未落实",
            "description": "二期用地120亩尚缺指标",
            "category": "land",
            "department": department,
            "working_days": 5,
            **overrides,
        }
        return services.problem_raise(**data)

    return build


def test_a_deadline_in_working_days_skips_the_spring_festival(raise_problem):
    # Raised on Friday 13 February 2026: Saturday 14th is worked, 15-23 are the holiday.
    with at(2026, 2, 13):
        problem = raise_problem(working_days=3)
    assert problem.deadline == datetime.date(2026, 2, 25)


def test_a_deadline_in_an_unknown_year_is_refused_on_its_field(raise_problem):
    with at(2026, 12, 21), pytest.raises(ValidationError) as error:
        raise_problem(working_days=20)
    assert "2027" in error.value.message_dict["working_days"][0]


def test_the_department_is_told_and_every_step_is_recorded(
    raise_problem, county_staff, department_staff
):
    problem = raise_problem()
    assert Notification.objects.filter(user=department_staff, kind="assigned").count() == 1
    assert AuditEntry.objects.filter(table="service.problem", object_id=problem.pk).exists()

    problem = services.problem_accept(actor=department_staff, problem=problem, version=1)
    problem = services.problem_start(actor=department_staff, problem=problem)
    problem = services.problem_resolve(
        actor=department_staff, problem=problem, reply="已调剂指标", version=problem.version
    )
    assert problem.status == ProblemStatus.RESOLVED and problem.resolved_on
    assert Notification.objects.filter(user=county_staff, kind="resolved").count() == 1
    problem = services.problem_confirm(actor=county_staff, problem=problem)
    assert problem.status == ProblemStatus.CONFIRMED
    steps = list(problem.events.values_list("kind", "status_after", "actor__username"))
    assert steps == [
        ("raised", "raised", "lucheng"),
        ("accepted", "accepted", "ziranziyuan"),
        ("started", "in_progress", "ziranziyuan"),
        ("resolved", "resolved", "ziranziyuan"),
        ("confirmed", "confirmed", "lucheng"),
    ]


def test_only_the_assigned_department_works_on_it(raise_problem, city, other_department):
    outsider = make_user("sthj", Role.DEPARTMENT_STAFF, region=city, department=other_department)
    problem = raise_problem()
    with pytest.raises(PermissionDenied):
        services.problem_accept(actor=outsider, problem=problem)


def test_the_department_cannot_confirm_its_own_answer(raise_problem, department_staff):
    problem = raise_problem()
    services.problem_accept(actor=department_staff, problem=problem)
    problem = services.problem_resolve(actor=department_staff, problem=problem, reply="已办")
    with pytest.raises(PermissionDenied):
        services.problem_confirm(actor=department_staff, problem=problem)


def test_steps_out_of_order_are_refused(raise_problem, county_staff, department_staff):
    problem = raise_problem()
    with pytest.raises(ValidationError, match="现在不能办结"):
        services.problem_resolve(actor=department_staff, problem=problem, reply="已办")
    with pytest.raises(ValidationError):
        services.problem_confirm(actor=county_staff, problem=problem)


def test_reopening_needs_a_reason_and_gives_a_fresh_deadline(
    raise_problem, county_staff, department_staff
):
    with at(2026, 3, 2):
        problem = raise_problem(working_days=5)
        services.problem_accept(actor=department_staff, problem=problem)
        problem = services.problem_resolve(actor=department_staff, problem=problem, reply="已办")
    with at(2026, 3, 16):
        with pytest.raises(ValidationError) as error:
            services.problem_reopen(actor=county_staff, problem=problem, reason=" ")
        assert "reason" in error.value.message_dict
        problem = services.problem_reopen(actor=county_staff, problem=problem, reason="指标未到位")
    assert problem.status == ProblemStatus.IN_PROGRESS and problem.resolved_on is None
    assert problem.deadline == datetime.date(2026, 3, 23)
    assert Notification.objects.filter(kind="reopened").exists()


def test_a_stale_version_is_refused_and_changes_nothing(raise_problem, department_staff):
    problem = raise_problem()
    services.problem_accept(actor=department_staff, problem=problem, version=1)
    with pytest.raises(ValidationError) as error:
        services.problem_start(actor=department_staff, problem=problem, version=1)
    assert error.value.code == "concurrent_edit"
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ACCEPTED


def test_the_person_in_charge_must_work_in_the_department(raise_problem, other_department):
    stranger = Person.objects.create(name="李四", department=other_department)
    with pytest.raises(ValidationError) as error:
        raise_problem(assignee=stranger)
    assert "assignee" in error.value.message_dict


def test_only_the_bureau_reassigns(raise_problem, county_staff, city_admin, other_department):
    problem = raise_problem()
    with pytest.raises(PermissionDenied):
        services.problem_reassign(
            actor=county_staff,
            problem=problem,
            department=other_department,
            working_days=3,
            reason="职能不符",
        )
    problem = services.problem_reassign(
        actor=city_admin,
        problem=problem,
        department=other_department,
        working_days=3,
        reason="职能不符",
    )
    assert problem.department == other_department
    assert problem.events.filter(kind=ProblemEvent.Kind.REASSIGNED).exists()


def test_no_problem_on_a_dropped_project(raise_problem, make_project, county_staff):
    from investrack.projects import services as project_services

    project = make_project(stage=Stage.NEGOTIATING)
    project_services.project_drop(
        actor=county_staff, project=project, reason="投资方撤资", effective_date=days_ago(0)
    )
    project.refresh_from_db()
    with pytest.raises(ValidationError):
        raise_problem(project=project)


def test_the_checklist_comes_from_the_templates_once(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED)
    added = services.approval_checklist_create(actor=county_staff, project=project)
    names = set(project.approval_items.values_list("name", flat=True))
    assert added == len(names) and {"环境影响评价（环评）", "节能审查（能评）"} <= names
    assert services.approval_checklist_create(actor=county_staff, project=project) == 0


def test_an_approval_needs_its_date_and_no_future(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED)
    services.approval_checklist_create(actor=county_staff, project=project)
    item = project.approval_items.get(name="施工许可证")
    with pytest.raises(ValidationError) as error:
        services.approval_item_update(actor=county_staff, item=item, status="approved")
    assert "approved_on" in error.value.message_dict
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as error:
        services.approval_item_update(
            actor=county_staff, item=item, status="in_progress", submitted_on=tomorrow
        )
    assert "submitted_on" in error.value.message_dict
    item = services.approval_item_update(
        actor=county_staff,
        item=item,
        status=ApprovalStatus.APPROVED,
        submitted_on=datetime.date(2026, 1, 5),
        approved_on=datetime.date(2026, 2, 2),
        version=1,
    )
    assert item.version == 2
    entry = AuditEntry.objects.filter(table="service.approvalitem", object_id=item.pk).first()
    assert entry.changes["status"] == ["not_started", "approved"]
    assert ApprovalItem.objects.get(pk=item.pk).approved_on == datetime.date(2026, 2, 2)
