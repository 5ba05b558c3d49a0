"""The horse race: the weighted ranking, last month's rank, the flags, the kept standings."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from investrack.daily.job import daily_run
from investrack.insights.models import RaceStanding
from investrack.insights.race import race, race_compute
from investrack.insights.services import race_snapshot_take
from investrack.projects.models import Stage
from investrack.regions.models import Indicator, RaceWeight, Region, Target

D = datetime.date
YI = Decimal(100_000_000)
COUNTIES = ["330302", "330303", "330304", "330381"]


@pytest.fixture
def race_city(city, city_admin, make_project):
    """Four counties with targets of 4 projects introduced and 2 started in 2025."""
    counties = {code: Region.objects.get(code=code) for code in COUNTIES}
    for county in counties.values():
        Target.objects.create(year=2025, region=county, indicator=Indicator.INTRODUCED, value=4)
        Target.objects.create(year=2025, region=county, indicator=Indicator.STARTED, value=2)
    RaceWeight.objects.create(year=2025, indicator=Indicator.INTRODUCED, weight=60)
    RaceWeight.objects.create(year=2025, indicator=Indicator.STARTED, weight=40)

    def sign(code, day, started=None):
        dates = {Stage.SIGNED: day}
        if started:
            dates[Stage.STARTED] = started
        return make_project(
            actor=city_admin, region=counties[code], dates=dates,
            stage=Stage.STARTED if started else Stage.SIGNED,
        )  # fmt: skip

    # In March: 鹿城 leads (4 signed: 100%), 龙湾 2 signed, 瓯海 1, 瑞安 none.
    for day in (3, 5, 7, 9):
        sign("330302", D(2025, 3, day))
    sign("330303", D(2025, 3, 4), started=D(2025, 3, 20))
    sign("330303", D(2025, 3, 6))
    sign("330304", D(2025, 3, 8))
    # In April: 瑞安 signs 4 and starts 2, overtaking everyone.
    for day in (2, 4):
        sign("330381", D(2025, 4, day), started=D(2025, 4, day + 10))
    for day in (6, 8):
        sign("330381", D(2025, 4, day))
    return counties


def ranks(standings):
    return {s.code: s.rank for s in standings}


def test_counties_rank_by_weighted_completion(race_city, city):
    march = race_compute(city, D(2025, 3, 1))
    by_code = {s.code: s for s in march}
    # 鹿城: 60×100% + 40×0% = 60; 龙湾: 60×50% + 40×50% = 50; 瓯海: 60×25% = 15; 瑞安 0.
    assert by_code["330302"].score == Decimal("60.00")
    assert by_code["330303"].score == Decimal("50.00")
    assert by_code["330304"].score == Decimal("15.00")
    assert by_code["330381"].score == Decimal("0.00")
    assert {c: r for c, r in ranks(march).items() if c in COUNTIES} == {
        "330302": 1, "330303": 2, "330304": 3, "330381": 4
    }  # fmt: skip
    # Counties without targets take no rank.
    assert all(s.rank is None for s in march if s.code not in COUNTIES)


def test_last_month_rank_change_and_bottom_places(race_city, city, settings):
    settings.RACE_FLAG_BOTTOM = 2
    with time_machine.travel(datetime.datetime(2025, 4, 30, 4, tzinfo=datetime.UTC)):
        april = {s.code: s for s in race(city, D(2025, 4, 1))}
    assert april["330381"].rank == 1 and april["330381"].last_rank == 4
    assert april["330381"].change == 3
    assert april["330302"].rank == 2 and april["330302"].change == -1
    # 瑞安 100, 鹿城 60, 龙湾 50, 瓯海 15: the last two places are flagged.
    assert {code for code, s in april.items() if s.flagged} == {"330303", "330304"}


def test_kept_standings_stay_as_published_when_targets_change(race_city, city):
    with time_machine.travel(datetime.datetime(2025, 4, 2, 4, tzinfo=datetime.UTC)):
        assert race_snapshot_take(city=city, month=D(2025, 3, 1)) == 4
        assert race_snapshot_take(city=city, month=D(2025, 3, 1)) == 0  # kept once
        with pytest.raises(ValidationError):
            race_snapshot_take(city=city, month=D(2025, 4, 1))  # not over yet
    # The bureau later doubles 鹿城's target: March as published does not move…
    Target.objects.filter(region__code="330302", indicator=Indicator.INTRODUCED).update(value=8)
    kept = race(city, D(2025, 3, 1))
    assert ranks(kept)["330302"] == 1
    assert {s.code: s.score for s in kept}["330302"] == Decimal("60.00")
    # …while computing March afresh would.
    assert {s.code: s.score for s in race_compute(city, D(2025, 3, 1))}["330302"] == Decimal(
        "30.00"
    )


def test_the_daily_job_keeps_last_months_standings_on_the_first(race_city, city):
    with time_machine.travel(datetime.datetime(2025, 5, 1, 1, tzinfo=datetime.UTC)):
        result = daily_run(as_of=D(2025, 5, 1))
    assert result["standings_kept"] == 4
    assert RaceStanding.objects.filter(month=D(2025, 4, 1)).count() == 4
    with time_machine.travel(datetime.datetime(2025, 5, 2, 1, tzinfo=datetime.UTC)):
        assert daily_run(as_of=D(2025, 5, 2))["standings_kept"] == 0


def test_red_lit_projects_are_counted_per_county(race_city, city, make_project, city_admin):
    # Signed 400 days before the end of April and never started: red.
    make_project(
        actor=city_admin, region=race_city["330304"], stage=Stage.SIGNED,
        dates={Stage.SIGNED: D(2024, 3, 26)},
    )  # fmt: skip
    april = {s.code: s for s in race_compute(city, D(2025, 4, 1))}
    assert april["330304"].red_projects == 1
    assert april["330302"].red_projects == 0


def test_red_lit_projects_recorded_today_follow_a_project_to_another_county(
    race_city, city, make_project, city_admin
):
    """With today's lights recorded, the race counts them per county as recorded, and a
    red project moved to another county is counted there at once."""
    from django.utils import timezone

    from investrack.projects import services

    today = timezone.localdate()
    daily_run()
    before = {s.code: s.red_projects for s in race_compute(city, today, reds=True)}
    stuck = make_project(  # signed 400 days ago and never started: red
        actor=city_admin, region=race_city["330304"], stage=Stage.SIGNED,
        dates={Stage.SIGNED: today - datetime.timedelta(days=400)},
    )  # fmt: skip
    daily_run()
    standings = {s.code: s for s in race_compute(city, today, reds=True)}
    assert standings["330304"].red_projects == before["330304"] + 1
    assert standings["330381"].red_projects == before["330381"]
    stuck.refresh_from_db()
    services.project_update(
        actor=city_admin, project=stuck, expected_version=stuck.version,
        data={"region": race_city["330381"]},
    )  # fmt: skip
    standings = {s.code: s for s in race_compute(city, today, reds=True)}
    assert standings["330304"].red_projects == before["330304"]
    assert standings["330381"].red_projects == before["330381"] + 1
