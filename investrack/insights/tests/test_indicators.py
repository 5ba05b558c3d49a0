"""Indicators as of a date: what counts, what a later event cannot change, and the list
behind each figure holding exactly the figure's projects."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from investrack.insights.indicators import Period, indicator_table, pace
from investrack.projects import selectors as project_selectors
from investrack.projects import services
from investrack.projects.figures import KeptStages
from investrack.projects.models import (
    ProgressReport,
    ProgressTotal,
    Project,
    Stage,
    StageTotal,
    StageTotalDay,
)
from investrack.regions.models import Indicator, Region, Target

D = datetime.date
YI = Decimal(100_000_000)
SEPT = Period.months(D(2025, 1, 1), D(2025, 9, 1), D(2025, 9, 30))


def table(period=SEPT, projects=None, level="county", **kwargs):
    units = Region.objects.filter(code__in=["330302", "330381"]).order_by("code")
    return indicator_table(
        projects=projects if projects is not None else Project.objects.all(),
        progress=ProgressTotal.objects.all(),
        units=units,
        period=period,
        level=level,
        total_name="温州市",
        **kwargs,
    )


def figures(t, code=None):
    row = t.total if code is None else next(r for r in t.rows if r.code == code)
    return {k: f.actual for k, f in row.figures.items()}


@pytest.fixture
def city_data(make_project, other_county, city_admin):
    """A few projects of two counties, with stages in and out of Jan–Sep 2025."""
    p = {}
    p["signed_big"] = make_project(  # introduced, ≥ 10亿, started in the period
        stage=Stage.STARTED, total_investment=15 * YI,
        dates={Stage.SIGNED: D(2025, 2, 10), Stage.STARTED: D(2025, 6, 1)},
    )  # fmt: skip
    p["signed_small"] = make_project(  # introduced, ≥ 1亿, not started
        stage=Stage.SIGNED, total_investment=2 * YI, dates={Stage.SIGNED: D(2025, 9, 30)}
    )
    p["signed_before"] = make_project(  # signed in 2024, completed in the period
        stage=Stage.COMPLETED, total_investment=3 * YI,
        dates={Stage.SIGNED: D(2024, 3, 1), Stage.STARTED: D(2024, 5, 1),
               Stage.COMPLETED: D(2025, 4, 1)},
    )  # fmt: skip
    p["signed_after"] = make_project(  # signed after the period: not counted
        stage=Stage.SIGNED, total_investment=5 * YI, dates={Stage.SIGNED: D(2025, 10, 1)}
    )
    p["other_county"] = make_project(  # introduced and in production in the period
        actor=city_admin, region=other_county, stage=Stage.PRODUCTION,
        total_investment=Decimal(50_000_000),
        dates={Stage.SIGNED: D(2025, 1, 2), Stage.STARTED: D(2025, 1, 3),
               Stage.COMPLETED: D(2025, 5, 1), Stage.PRODUCTION: D(2025, 7, 1)},
    )  # fmt: skip
    p["dropped_in_period"] = make_project(
        stage=Stage.SIGNED, total_investment=4 * YI, dates={Stage.SIGNED: D(2025, 3, 1)}
    )
    services.project_drop(
        actor=city_admin, project=p["dropped_in_period"], effective_date=D(2025, 8, 1),
        reason="投资方撤资",
    )  # fmt: skip
    p["dropped_later"] = make_project(
        stage=Stage.SIGNED,
        total_investment=Decimal(80_000_000),
        dates={Stage.SIGNED: D(2025, 4, 1)},
    )
    services.project_drop(
        actor=city_admin, project=p["dropped_later"], effective_date=D(2025, 11, 1),
        reason="企业计划调整",
    )  # fmt: skip
    return p


@pytest.fixture(params=["projects", "stage totals"])
def stages(request):
    """The stage family read from the projects, or from the monthly stage totals."""
    if request.param != "stage totals":
        return None
    return KeptStages(StageTotal.objects.all(), StageTotalDay.objects.all())


def test_figures_per_county_and_for_the_whole(city_data, stages):
    t = table(stages=stages)
    lucheng, ruian, whole = figures(t, "330302"), figures(t, "330381"), figures(t)
    # 鹿城: signed_big, signed_small, dropped_later (dropped after the as-of date) introduced;
    # dropped_in_period was dropped by then; signed_after is outside the period.
    assert lucheng[Indicator.INTRODUCED] == 3
    assert lucheng[Indicator.INTRODUCED_INVESTMENT] == 15 * YI + 2 * YI + Decimal(80_000_000)
    assert lucheng[Indicator.OVER_1YI] == 2
    assert lucheng[Indicator.OVER_10YI] == 1
    assert lucheng[Indicator.OVER_100YI] == 0
    assert lucheng[Indicator.STARTED] == 1
    assert lucheng[Indicator.COMPLETED] == 1
    assert lucheng[Indicator.PRODUCTION] == 0
    assert lucheng[Indicator.START_RATE] == Decimal("33.3")  # 1 of 3 introduced started
    assert ruian[Indicator.INTRODUCED] == 1 and ruian[Indicator.PRODUCTION] == 1
    assert ruian[Indicator.STARTED] == 1 and ruian[Indicator.COMPLETED] == 1
    assert whole[Indicator.INTRODUCED] == 4
    assert whole[Indicator.START_RATE] == Decimal("50.0")


def test_a_figure_for_a_past_date_does_not_change_when_later_events_are_recorded(
    city_data, county_staff, city_admin, make_project, stages
):
    early = Period.months(D(2025, 1, 1), D(2025, 9, 1), D(2025, 6, 30))
    before = figures(table(early, stages=stages))
    # Later events, with later effective dates: a start, a new signing, a drop, a report.
    started = services.stage_advance(
        actor=county_staff, project=city_data["signed_small"], to_stage=Stage.STARTED,
        effective_date=D(2025, 10, 8),
    )  # fmt: skip
    make_project(stage=Stage.SIGNED, total_investment=9 * YI, dates={Stage.SIGNED: D(2025, 7, 2)})
    services.project_drop(
        actor=city_admin, project=city_data["signed_big"], effective_date=D(2025, 7, 15),
        reason="停产",
    )  # fmt: skip
    services.progress_report_submit(
        actor=county_staff, project=started, period=D(2025, 10, 1),
        investment_completed=YI, construction_progress=5,
    )  # fmt: skip
    assert figures(table(early, stages=stages)) == before
    # …while the figure as of the end of the period does see them.
    after = figures(table(stages=stages))
    assert after[Indicator.INTRODUCED] == 4  # +1 signed in July, −1 dropped in July
    assert after[Indicator.INTRODUCED_INVESTMENT] == Decimal("12.3") * YI
    assert after[Indicator.STARTED] == 1  # the dropped one no longer counts


def test_progress_counts_the_months_of_the_period_on_both_clocks(city_data, county_staff):
    """As of 30 September a September report counts, whenever it was entered (as counties
    do, in early October); as known on 30 September it was not in yet."""
    project = city_data["signed_big"]
    with time_machine.travel(datetime.datetime(2025, 8, 5, 10, tzinfo=datetime.UTC)):
        services.progress_report_submit(
            actor=county_staff, project=project, period=D(2025, 7, 1),
            investment_completed=2 * YI, construction_progress=10,
            foreign_investment_arrived=Decimal(3_000_000),
        )  # fmt: skip
    with time_machine.travel(datetime.datetime(2025, 10, 9, 10, tzinfo=datetime.UTC)):
        services.progress_report_submit(
            actor=county_staff, project=project, period=D(2025, 9, 1),
            investment_completed=YI, construction_progress=20,
        )  # fmt: skip
    assert figures(table())[Indicator.INVESTMENT_COMPLETED] == 3 * YI
    assert figures(table())[Indicator.FOREIGN_ARRIVED] == Decimal(3_000_000)
    known_then = Period.months(D(2025, 1, 1), D(2025, 9, 1), D(2025, 9, 30), D(2025, 9, 30))
    assert figures(table(known_then))[Indicator.INVESTMENT_COMPLETED] == 2 * YI
    before_any = Period.months(D(2025, 1, 1), D(2025, 9, 1), D(2025, 9, 30), D(2025, 8, 4))
    assert figures(table(before_any))[Indicator.INVESTMENT_COMPLETED] == 0
    later = Period.months(D(2025, 1, 1), D(2025, 9, 1), D(2025, 10, 10))
    assert figures(table(later))[Indicator.INVESTMENT_COMPLETED] == 3 * YI
    # A quarter: July–September only.
    q3 = Period.months(D(2025, 7, 1), D(2025, 9, 1), D(2025, 10, 10))
    assert figures(table(q3))[Indicator.INVESTMENT_COMPLETED] == 3 * YI
    august = Period.months(D(2025, 8, 1), D(2025, 8, 1), D(2025, 10, 10))
    assert figures(table(august))[Indicator.INVESTMENT_COMPLETED] == 0


@pytest.mark.parametrize("indicator", list(Indicator))
def test_the_list_behind_each_figure_holds_the_figure(city_data, city_admin, indicator):
    t = table()
    for row in [*t.rows, t.total]:
        params = {**row.scope_params(), "indicator": indicator.value, **SEPT.params()}
        listing = project_selectors.project_list(user=city_admin, params=params)
        figure = row.figures[indicator]
        if indicator == Indicator.INTRODUCED_INVESTMENT:
            assert sum(p.total_investment for p in listing.rows) == figure.actual
        elif indicator == Indicator.START_RATE:
            introduced = row.figures[Indicator.INTRODUCED].actual
            assert listing.rows.count() * 100 / introduced == pytest.approx(
                float(figure.actual), abs=0.05
            )
        elif indicator in (Indicator.INVESTMENT_COMPLETED, Indicator.FOREIGN_ARRIVED):
            assert listing.figure["text"]  # the sum over the rows, stated above the list
        else:
            assert listing.rows.count() == figure.actual, (row.name, indicator)


def test_the_monthly_totals_follow_the_reports_and_the_projects_moves(
    city_data, county_staff, city_admin, other_county
):
    """The totals the indicators read are the reports summed, whatever happens."""
    project = city_data["signed_big"]
    for month, amount in ((D(2025, 6, 1), 2 * YI), (D(2025, 7, 1), YI)):
        services.progress_report_submit(
            actor=county_staff, project=project, period=month, investment_completed=amount,
            construction_progress=10, foreign_investment_arrived=Decimal(1_000_000),
        )  # fmt: skip

    def by_place():
        raw = {
            (r["project__region"], r["project__category"]): r["s"]
            for r in ProgressReport.objects.values("project__region", "project__category").annotate(
                s=Sum("investment_completed")
            )
        }
        kept = {
            (t["region"], t["category"]): t["s"]
            for t in ProgressTotal.objects.values("region", "category")
            .annotate(s=Sum("investment_completed"))
            .filter(s__gt=0)
        }
        return raw, kept

    raw, kept = by_place()
    assert raw == kept == {(project.region_id, "manufacturing"): 3 * YI}
    project.refresh_from_db()
    services.project_update(
        actor=city_admin, project=project, expected_version=project.version,
        data={"region": other_county, "category": "research"},
    )  # fmt: skip
    raw, kept = by_place()
    assert raw == kept == {(other_county.pk, "research"): 3 * YI}
    services.progress_totals_rebuild()
    assert by_place()[1] == kept
    # Reports of June and July count for them, as of any later date, where the project is
    # now; as known yesterday (before they were entered) there were none.
    t = table(Period.months(D(2025, 1, 1), D(2025, 9, 1), timezone.localdate()))
    assert figures(t, "330381")[Indicator.INVESTMENT_COMPLETED] == 3 * YI
    assert figures(table(), "330381")[Indicator.INVESTMENT_COMPLETED] == 3 * YI
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    known = Period.months(D(2025, 1, 1), D(2025, 9, 1), D(2025, 9, 30), yesterday)
    assert figures(table(known), "330381")[Indicator.INVESTMENT_COMPLETED] == 0
    assert figures(t, "330302")[Indicator.INVESTMENT_COMPLETED] == 0


def test_targets_give_completion_and_the_whole_sums_county_targets(city_data, county, other_county):
    Target.objects.create(year=2025, region=county, indicator=Indicator.INTRODUCED, value=6)
    Target.objects.create(year=2025, region=other_county, indicator=Indicator.INTRODUCED, value=4)
    Target.objects.create(year=2025, region=county, indicator=Indicator.START_RATE, value=60)
    t = table()
    lucheng = next(r for r in t.rows if r.code == "330302")
    assert lucheng.figures[Indicator.INTRODUCED].completion == Decimal("50.0")
    assert lucheng.figures[Indicator.START_RATE].completion == Decimal("55.5")  # 33.3 / 60
    assert t.total.figures[Indicator.INTRODUCED].target == 10
    assert t.total.figures[Indicator.INTRODUCED].completion == Decimal("40.0")
    assert t.total.figures[Indicator.START_RATE].target is None  # rates are not summed


def test_pace_is_days_per_project_of_100_million_or_more():
    period = Period.months(D(2023, 1, 1), D(2023, 9, 1), D(2023, 9, 30))
    assert period.days == 273
    assert pace(period, 72) == Decimal("3.8")  # "one every 3.8 days"
    assert pace(period, 0) is None


def test_period_labels_and_time_elapsed():
    assert SEPT.label == "2025年1—9月"
    assert Period.months(D(2025, 9, 1), D(2025, 9, 1)).label == "2025年9月"
    assert (
        Period.months(D(2024, 11, 1), D(2025, 2, 1), D(2025, 2, 28)).label == "2024年11月—2025年2月"
    )
    assert SEPT.time_progress == Decimal("74.8")  # 273 of 365 days
