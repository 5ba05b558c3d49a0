"""Every warning rule: it lights yellow, then red, and clears by itself when the cause goes."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from investrack.closed_loop import services
from investrack.closed_loop.lights import LightBook, light_counts
from investrack.closed_loop.models import (
    AdmissionStandard,
    Light,
    LightTotal,
    RuleKind,
    WarningRule,
)
from investrack.conftest import days_ago
from investrack.projects import selectors as project_selectors
from investrack.projects import services as project_services
from investrack.projects.models import Project, Stage

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def light_of(project, as_of=None):
    book = LightBook.load(as_of)
    row = book.annotate(Project.objects.filter(pk=project.pk)).get()
    # A list's row shows the same light and reasons, from the rules' SQL compiled once.
    (shown,) = project_selectors.decorated_in_order([project.pk], book)
    assert (shown.light, book.reasons(shown)) == (row.light, book.reasons(row))
    return row.light, [text for _level, text in book.reasons(row)]


def advance(project, actor, stage, when):
    project.refresh_from_db()
    return project_services.stage_advance(
        actor=actor, project=project, to_stage=stage, effective_date=when
    )


def test_signed_but_not_started(make_project, county_staff):
    waiting = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(200)})
    long_waiting = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    fresh = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    assert light_of(waiting) == (Light.YELLOW, ["签约已200天仍未开工"])
    assert light_of(long_waiting)[0] == Light.RED
    assert light_of(fresh)[0] == Light.NONE
    advance(long_waiting, county_staff, Stage.STARTED, days_ago(1))
    assert light_of(long_waiting)[0] == Light.NONE


def test_past_the_planned_start(make_project):
    late = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(60)}, planned_start_date=days_ago(10)
    )
    very_late = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(150)}, planned_start_date=days_ago(100)
    )
    light, reasons = light_of(late)
    assert light == Light.YELLOW and "10" in reasons[0]
    assert light_of(very_late)[0] == Light.RED


def test_under_construction_without_progress_reports(make_project, county_staff):
    silent = make_project(stage=Stage.STARTED, dates={Stage.STARTED: days_ago(70)})
    silent_longer = make_project(stage=Stage.STARTED, dates={Stage.STARTED: days_ago(120)})
    assert light_of(silent)[0] == Light.YELLOW
    assert light_of(silent_longer)[0] == Light.RED
    last_month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    silent_longer.refresh_from_db()
    project_services.progress_report_submit(
        actor=county_staff,
        project=silent_longer,
        period=last_month,
        investment_completed=Decimal("5000000"),
        construction_progress=30,
    )
    assert light_of(silent_longer)[0] == Light.NONE


def test_past_the_planned_completion(make_project, county_staff):
    project = make_project(
        stage=Stage.STARTED,
        dates={Stage.STARTED: days_ago(20)},
        planned_completion_date=days_ago(5),
    )
    light, reasons = light_of(project)
    assert light == Light.YELLOW and "5" in reasons[0]
    advance(project, county_staff, Stage.COMPLETED, days_ago(0))
    assert light_of(project)[0] == Light.NONE


def test_a_problem_past_its_deadline(make_project, county_staff, department, department_staff):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI), tick=False):
        project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: datetime.date(2026, 3, 1)})
        problem = services.problem_raise(
            actor=county_staff,
            project=project,
            title="供电线路迁改",
            description="需迁改10kV线路",
            category="infrastructure",
            department=department,
            working_days=2,
        )
    assert problem.deadline == datetime.date(2026, 3, 4)
    assert light_of(project, datetime.date(2026, 3, 4))[0] == Light.NONE
    assert light_of(project, datetime.date(2026, 3, 5))[0] == Light.YELLOW
    assert light_of(project, datetime.date(2026, 3, 20))[0] == Light.RED
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=SHANGHAI), tick=False):
        services.problem_accept(actor=department_staff, problem=problem)
        services.problem_resolve(actor=department_staff, problem=problem, reply="已迁改")
    assert light_of(project, datetime.date(2026, 3, 21))[0] == Light.NONE
    # The past is not rewritten: on the 19th it was still open and red.
    assert light_of(project, datetime.date(2026, 3, 19))[0] == Light.RED


def test_investment_intensity_and_tax_below_the_county_standard(
    make_project, county, other_county, other_staff
):
    AdmissionStandard.objects.create(
        region=county, min_intensity=Decimal("300"), min_tax_per_mu=Decimal("20")
    )
    signed = {Stage.SIGNED: days_ago(10)}
    thin = make_project(stage=Stage.SIGNED, dates=signed, land_area=Decimal("100"))  # 150万/亩
    almost = make_project(
        stage=Stage.SIGNED,
        dates=signed,
        land_area=Decimal("100"),
        total_investment=Decimal("2.7e8"),
    )
    dense = make_project(
        stage=Stage.SIGNED,
        dates=signed,
        land_area=Decimal("100"),
        total_investment=Decimal("4e8"),
        expected_annual_tax=Decimal("15000000"),  # 15万/亩: 75 % of 20
    )
    elsewhere = make_project(
        stage=Stage.SIGNED,
        dates=signed,
        land_area=Decimal("100"),
        region=other_county,
        actor=other_staff,
    )
    assert light_of(thin)[0] == Light.RED
    assert light_of(almost)[0] == Light.YELLOW
    light, reasons = light_of(dense)
    assert light == Light.RED and "亩均税收" in reasons[0]
    assert light_of(elsewhere)[0] == Light.NONE  # no standard set for that county


def test_rules_can_be_switched_off_or_limited_to_regions(make_project, other_county):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    rule = WarningRule.objects.get(kind=RuleKind.SIGNED_NOT_STARTED)
    rule.regions = [other_county.code]
    rule.save()
    assert light_of(project)[0] == Light.NONE
    rule.regions = []
    rule.yellow_at, rule.red_at = 500, 800
    rule.save()
    assert light_of(project)[0] == Light.NONE
    rule.yellow_at, rule.red_at = 100, 300
    rule.save()
    assert light_of(project)[0] == Light.RED
    rule.is_active = False
    rule.save()
    assert light_of(project)[0] == Light.NONE


def test_lights_for_a_past_date_use_the_stage_of_that_date(make_project, county_staff):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    advance(project, county_staff, Stage.STARTED, days_ago(10))
    assert light_of(project, days_ago(20))[0] == Light.RED
    assert light_of(project, days_ago(5))[0] == Light.NONE
    assert light_of(project)[0] == Light.NONE


def test_counts_and_filters_agree(make_project, county_staff):
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(200)})
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(20)})
    book = LightBook.load()
    projects = Project.objects.all()
    assert light_counts(projects, book) == {"red": 1, "yellow": 1}
    assert book.only(projects, Light.RED).count() == 1
    assert book.only(projects, Light.YELLOW).count() == 1
    assert book.filter(projects, Light.YELLOW).count() == 2


@pytest.mark.parametrize("as_of", [None, "past"])
def test_a_dropped_project_has_no_light(make_project, county_staff, as_of):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    project_services.project_drop(
        actor=county_staff, project=project, reason="撤资", effective_date=days_ago(3)
    )
    assert light_of(project, days_ago(1) if as_of else None)[0] == Light.NONE


def test_lists_filter_on_recorded_lights_only_while_they_are_current(make_project, county_staff):
    from investrack.closed_loop.services import lights_outdated
    from investrack.daily.job import daily_run

    red = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    yellow = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(200)})
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(20)})
    projects = Project.objects.all()
    live = LightBook.load(live=True)
    assert not LightBook.load().recorded  # the daily job has not run today
    daily_run()
    book = LightBook.load()
    assert book.recorded
    for level in (Light.RED, Light.YELLOW):
        assert set(book.only(projects, level)) == set(live.only(projects, level))
    assert light_counts(projects, book) == light_counts(projects, live) == {"red": 1, "yellow": 1}
    # The overview sums the light totals of its scope alone: the same figures.
    totals = LightTotal.objects.filter(region=county_staff.region)
    assert light_counts(projects, book, totals=totals) == {"red": 1, "yellow": 1}
    assert light_counts(projects, live, totals=totals) == {"red": 1, "yellow": 1}
    # A write that removes the cause clears the recorded light, and its count, at once.
    advance(red, county_staff, Stage.STARTED, days_ago(0))
    assert list(LightBook.load().only(projects, Light.RED)) == []
    assert light_counts(projects, LightBook.load(), totals=totals) == {"red": 0, "yellow": 1}
    # A change of rules: lists compute afresh until the next daily run.
    WarningRule.objects.filter(kind=RuleKind.SIGNED_NOT_STARTED).update(yellow_at=100, red_at=150)
    lights_outdated()
    book = LightBook.load()
    assert not book.recorded and list(book.only(projects, Light.RED)) == [yellow]
