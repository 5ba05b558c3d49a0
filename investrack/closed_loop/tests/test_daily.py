"""The daily job: lights recorded, reminders and escalations sent, each exactly once."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from investrack.accounts.models import Role
from investrack.closed_loop import services
from investrack.closed_loop.models import (
    Escalation,
    LightChange,
    Notification,
    ProblemEvent,
    ProjectLight,
)
from investrack.conftest import days_ago, make_user
from investrack.daily.job import daily_run
from investrack.projects.models import Stage

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(y, m, d):
    return time_machine.travel(datetime.datetime(y, m, d, 7, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def bureau(city):
    return make_user("tcj", Role.CITY_ADMIN, region=city, email="tcj@example.cn")


@pytest.fixture
def problem(make_project, county_staff, department, department_staff, leader_person, bureau):
    department_staff.email = "zrzy@example.cn"
    department_staff.save()
    with at(2026, 2, 12):  # Thursday before the Spring Festival
        project = make_project(
            stage=Stage.SIGNED,
            dates={Stage.SIGNED: datetime.date(2026, 2, 1)},
            linked_leaders=[leader_person],
        )
        return services.problem_raise(
            actor=county_staff,
            project=project,
            title="环评批复延迟",
            description="环评报告书待审批",
            category="approvals",
            department=department,
            working_days=3,
        )


def test_escalation_goes_to_the_bureau_then_to_the_linked_leader(
    problem, bureau, leader_user, department_staff
):
    # Thu 12 February + 3 working days: Fri 13, Sat 14 (an adjusted working day) and, after
    # the Spring Festival holiday of 15-23 February, Tue 24.
    assert problem.deadline == datetime.date(2026, 2, 24)
    with at(2026, 2, 23):  # still the holiday: the next working day is the deadline
        result = daily_run()
    assert result["reminded"] == 1 and result["to_bureau"] == 0
    assert Notification.objects.filter(user=department_staff, kind="due_soon").count() == 1

    with at(2026, 2, 25):
        daily_run()
    problem.refresh_from_db()
    assert problem.escalation == Escalation.BUREAU
    assert Notification.objects.filter(user=bureau, kind="escalated").count() == 1
    assert not Notification.objects.filter(user=leader_user).exists()

    # Three working days past the deadline (25, 26, 27) the linked leader is told, on the
    # adjusted working Saturday 28 February.
    with at(2026, 2, 27):
        daily_run()
    problem.refresh_from_db()
    assert problem.escalation == Escalation.BUREAU
    with at(2026, 2, 28):
        daily_run()
    problem.refresh_from_db()
    assert problem.escalation == Escalation.LEADER
    assert Notification.objects.filter(user=leader_user, kind="escalated").count() == 1
    assert problem.events.filter(kind=ProblemEvent.Kind.ESCALATED).count() == 2


def test_running_twice_tells_nobody_twice(problem, bureau, department_staff):
    with at(2026, 2, 26):
        first = daily_run()
        sent = len(mail.outbox)
        second = daily_run()
        call_command("daily")
    assert first["to_bureau"] == 1 and second["to_bureau"] == 0
    assert Notification.objects.filter(kind="escalated").count() == 2  # bureau + department
    assert len(mail.outbox) == sent
    assert {m.to[0] for m in mail.outbox} >= {"tcj@example.cn", "zrzy@example.cn"}
    assert problem.events.filter(kind=ProblemEvent.Kind.ESCALATED).count() == 1


def test_a_resolved_problem_is_not_escalated(problem, department_staff):
    with at(2026, 2, 24):
        services.problem_accept(actor=department_staff, problem=problem)
        services.problem_resolve(actor=department_staff, problem=problem, reply="已批复")
    with at(2026, 3, 10):
        result = daily_run()
    assert result["to_bureau"] == result["to_leader"] == 0


def test_turning_red_is_recorded_and_told_once(make_project, leader_person, leader_user):
    # Entered with a signing 400 days ago: red from the moment it is saved.
    project = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)}, linked_leaders=[leader_person]
    )
    assert ProjectLight.objects.get(project=project).light == 2
    first = daily_run()
    second = daily_run()
    assert first["red"] == second["red"] == 1 and first["changed"] == second["changed"] == 0
    assert LightChange.objects.filter(project=project).count() == 1
    notes = Notification.objects.filter(user=leader_user, kind="turned_red")
    assert notes.count() == 1 and project.name in notes.get().title


def test_a_light_turns_red_with_the_passing_days(make_project, leader_person, leader_user):
    project = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(300)}, linked_leaders=[leader_person]
    )
    assert ProjectLight.objects.get(project=project).light == 1
    later = datetime.datetime.now(SHANGHAI) + datetime.timedelta(days=70)
    with time_machine.travel(later, tick=False):
        result = daily_run()
    assert result["turned_red"] == 1
    if later.year > 2026:  # the library's last year: the job goes on and says what is missing
        assert result["calendar"] == f"missing {later.year}"
    assert Notification.objects.filter(user=leader_user, kind="turned_red").count() == 1


def test_a_light_clears_as_soon_as_the_cause_goes(make_project, county_staff):
    from investrack.projects import services as project_services

    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    daily_run()
    project_services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.STARTED, effective_date=days_ago(0)
    )
    assert not ProjectLight.objects.filter(project=project).exists()
    assert daily_run()["changed"] == 0
    changes = LightChange.objects.filter(project=project).order_by("id")
    assert list(changes.values_list("before", "after")) == [(0, 2), (2, 0)]


def test_a_year_without_holidays_stops_only_what_needs_working_days(problem, bureau):
    with at(2027, 1, 4):
        result = daily_run()
    assert result["to_bureau"] == 1 and result["calendar"] == "missing 2027"


def test_mail_failure_leaves_notifications_pending(problem, settings, bureau):
    settings.EMAIL_BACKEND = "investrack.closed_loop.tests.broken_mail.Backend"
    with at(2026, 2, 26):
        daily_run()
    pending = Notification.objects.filter(user=bureau, emailed_at__isnull=True)
    assert pending.count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with at(2026, 2, 27):
        assert daily_run()["emailed"] >= 1
    assert not pending.exists()


def test_the_daily_job_reports_drift_loudly(make_project, caplog, client):
    """A kept table that no longer agrees with the projects is found and shown."""
    from django.urls import reverse

    from investrack.daily.job import daily_run
    from investrack.projects.models import StageTotal

    make_project()
    assert daily_run()["drift"] == {}
    row = StageTotal.objects.exclude(kind=StageTotal.Kind.CURRENT).order_by("pk").first()
    StageTotal.objects.filter(pk=row.pk).update(projects=row.projects + 5)  # a lost write
    result = daily_run()
    assert result["drift"] == {"stage_totals": 1}
    # The projects in a stage now, which the overview reads from the totals, too.
    row = StageTotal.objects.filter(kind=StageTotal.Kind.CURRENT).order_by("pk").first()
    StageTotal.objects.filter(pk=row.pk).update(projects=row.projects + 1)
    assert daily_run()["drift"] == {"stage_totals": 2, "current_stages": 1}
    assert "drifted" in caplog.text
    health = client.get(reverse("healthz")).json()
    assert health["status"] == "failing" and health["checks"]["kept_tables"].startswith("drift")
    from investrack.projects.totals import stage_totals_rebuild

    stage_totals_rebuild()  # what an operator does on such a report
    assert daily_run()["drift"] == {}


def test_the_daily_job_folds_the_light_totals_and_rebuild_totals_makes_them_again(
    make_project, county_staff, county
):
    from investrack.closed_loop.models import LightTotal
    from investrack.projects import services as project_services
    from investrack.projects.invariants import drift

    red = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    project_services.stage_advance(
        actor=county_staff, project=red, to_stage=Stage.STARTED, effective_date=days_ago(0)
    )
    assert LightTotal.objects.count() == 3  # +1, +1, −1: the ledger of the day's changes
    assert daily_run()["light_totals"] == 1
    assert list(LightTotal.objects.values_list("region", "light", "projects")) == [
        (county.pk, 2, 1)
    ]
    LightTotal.objects.all().delete()  # lost: the daily check finds it, the command mends it
    assert drift()["light_totals"]
    call_command("rebuild_totals", stdout=io.StringIO())
    assert not any(drift().values())


def test_the_daily_job_counts_sqlites_statistics_of_the_projects_again(make_project):
    """SQLite chooses the indexes the pages were measured with only when it has counted the
    tables (an index a migration adds has no statistics until then)."""
    from django.db import connection

    make_project(name="统计项目")
    result = daily_run(as_of=days_ago(0))
    if connection.vendor != "sqlite":
        assert result["planner_statistics"] is False  # PostgreSQL's autovacuum keeps its own
        return
    assert result["planner_statistics"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT idx FROM sqlite_stat1 WHERE tbl = 'projects_project'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "project_newest_idx" in indexes
