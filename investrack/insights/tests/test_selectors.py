"""The dashboard's reads: the funnel on a past date agrees with its lists, the largest
projects are the largest signed ones, industries and chains roll up right."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.http import QueryDict

from investrack.insights import selectors
from investrack.insights.indicators import Period
from investrack.projects import selectors as project_selectors
from investrack.projects import services
from investrack.projects.models import Project, Stage
from investrack.regions.models import ChainLink, Indicator, Industry

D = datetime.date
YI = Decimal(100_000_000)


def test_the_funnel_on_a_past_date_matches_the_list_behind_each_stage(make_project, city_admin):
    make_project(
        stage=Stage.STARTED, dates={Stage.SIGNED: D(2024, 1, 5), Stage.STARTED: D(2024, 6, 1)}
    )
    make_project(stage=Stage.COMPLETED, dates={Stage.SIGNED: D(2023, 1, 5),
                 Stage.STARTED: D(2023, 3, 1), Stage.COMPLETED: D(2024, 2, 1)})  # fmt: skip
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: D(2024, 9, 9)})
    dropped = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: D(2023, 12, 1)})
    services.project_drop(actor=city_admin, project=dropped, effective_date=D(2024, 2, 1),
                          reason="终止")  # fmt: skip
    area = selectors.area_for(city_admin)
    funnel = {row["stage"]: row for row in selectors.stage_funnel(area, D(2024, 3, 31))}
    # On 31 March 2024: one signed (started in June), one completed (in February); the
    # project signed in September was not there yet; the dropped one no longer counts.
    assert funnel[Stage.SIGNED]["count"] == 1
    assert funnel[Stage.COMPLETED]["count"] == 1
    assert funnel[Stage.STARTED]["count"] == 0
    assert sum(row["count"] for row in funnel.values()) == 2
    for stage, row in funnel.items():
        params = QueryDict(urlencode(row["params"]))  # as the link sends them
        listing = project_selectors.project_list(user=city_admin, params=params)
        assert listing.rows.count() == row["count"], stage


def test_the_largest_projects_are_the_largest_signed_and_not_dropped(make_project, city_admin):
    for n in range(30):
        make_project(stage=Stage.SIGNED, total_investment=(n + 1) * YI,
                     dates={Stage.SIGNED: D(2025, 1, 1)})  # fmt: skip
    make_project(stage=Stage.NEGOTIATING, total_investment=500 * YI)  # not signed
    big = make_project(stage=Stage.SIGNED, total_investment=400 * YI,
                       dates={Stage.SIGNED: D(2025, 1, 1)})  # fmt: skip
    services.project_drop(actor=city_admin, project=big, effective_date=D(2025, 2, 1),
                          reason="终止")  # fmt: skip
    area = selectors.area_for(city_admin)
    largest = selectors.largest_projects(area, D(2025, 6, 30), count=20)
    assert [p.total_investment for p in largest] == [(30 - n) * YI for n in range(20)]
    # As of a day before the drop, the dropped one was the largest.
    assert selectors.largest_projects(area, D(2025, 1, 15))[0].pk == big.pk


def test_industries_and_chains_roll_up(make_project, city_admin):
    signed = {Stage.SIGNED: D(2025, 3, 1)}
    car = Industry.objects.get(code="3612")
    parts = Industry.objects.get(code="3670")
    battery = Industry.objects.get(code="3841")
    for industry, amount, link in [(car, 10, "整车制造"), (parts, 5, "底盘系统"),
                                   (battery, 7, "动力电池"), (parts, 1, None)]:  # fmt: skip
        make_project(stage=Stage.SIGNED, dates=signed, industry=industry,
                     total_investment=amount * YI,
                     chain_link=ChainLink.objects.get(name=link) if link else None)  # fmt: skip
    area = selectors.area_for(city_admin)
    period = Period.months(D(2025, 1, 1), D(2025, 12, 1), D(2025, 12, 31))
    industries = {row["division"]: row for row in selectors.by_industry(area, period)}
    assert industries["36"]["count"] == 3 and industries["36"]["amount"] == 16 * YI
    assert industries["38"]["count"] == 1
    assert list(industries) == ["36", "38"]  # largest first
    chains = selectors.by_chain(area, period)
    assert [(c["name"], c["count"], c["amount"]) for c in chains] == [("新能源汽车", 3, 22 * YI)]
    params = QueryDict(urlencode(chains[0]["params"]))
    listing = project_selectors.project_list(user=city_admin, params=params)
    assert listing.rows.count() == 3


def test_the_stage_totals_give_the_dashboard_the_projects_give(db):
    """On a demo city, every figure read from the monthly stage totals (as of today and as
    of the ends of months) is the figure read from the projects themselves."""
    from dataclasses import replace

    from django.utils import timezone

    from investrack.accounts.models import User
    from investrack.demo_city.load import seed_demo

    today = timezone.localdate()
    seed_demo(projects=400, seed=11, as_of=today, progress=False)
    # A few writes after the load: the totals they added must count the same.
    staff = User.objects.get(username="admin")
    for project in Project.objects.filter(stage=Stage.SIGNED, dropped_on__isnull=True)[:3]:
        services.stage_advance(actor=staff, project=project, to_stage=Stage.STARTED,
                               effective_date=today)  # fmt: skip
    for project in Project.objects.filter(stage=Stage.STARTED, dropped_on__isnull=True)[:2]:
        services.project_drop(actor=staff, project=project, effective_date=today,
                              reason="企业撤资")  # fmt: skip
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    periods = [
        Period.year_to_date(today),
        Period.year_to_date(last_month_end),
        Period.months(D(today.year - 1, 1, 1), D(today.year - 1, 9, 1), D(today.year - 1, 9, 30)),
        Period.months(D(today.year - 1, 4, 1), D(today.year - 1, 6, 1), last_month_end),
        Period.months(D(today.year - 2, 1, 1), D(today.year - 2, 12, 1)),
    ]
    county_user = User.objects.get(username="county330381")
    for area in (selectors.area_for(staff), selectors.area_for(county_user)):
        projects_only = replace(area, stages=None)
        for period in periods:
            assert period.on_totals
            for category in ("", "manufacturing"):
                totals = selectors.area_table(area, period, category=category)
                direct = selectors.area_table(projects_only, period, category=category)
                for row, same in zip([totals.total, *totals.rows],
                                     [direct.total, *direct.rows], strict=True):  # fmt: skip
                    assert {k: f.actual for k, f in row.figures.items()} == {
                        k: f.actual for k, f in same.figures.items()
                    }, (area.name, period, category, row.name)
                for read in (selectors.monthly_trend, selectors.by_industry, selectors.by_chain):
                    args = (period, totals) if read is selectors.monthly_trend else (period,)
                    assert read(area, *args, category=category) == read(
                        projects_only, *args, category=category
                    ), (read.__name__, area.name, period, category)
                funnel = selectors.stage_funnel(area, period.as_of, category=category)
                assert funnel == selectors.stage_funnel(
                    projects_only, period.as_of, category=category
                )
                assert sum(row["count"] for row in funnel) > 0
    assert selectors.area_table(area, periods[0]).total.figures[Indicator.INTRODUCED].actual > 0
