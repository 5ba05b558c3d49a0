"""Figures on two clocks: as of (when it happened) and as known on (when it was recorded).

A county enters nine months of 2023 history through the public API on one day (8 October
2023, as counties do before the bureau's briefing). Every month's figures as of that
month's end come out as they happened; the same figures as known the day before the
backfill are zero; a correction recorded after a briefing changes the figure as of the
period but not the figure as known on the briefing's day; and the list behind each figure
restates it on both clocks.
"""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine

from investrack.accounts.services import api_token_create
from investrack.core.periods import last_of_month
from investrack.projects import services
from investrack.projects.models import Project, Stage, StageEvent

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
YI = Decimal(100_000_000)
D = datetime.date


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False
    )


# name, amount (亿元), {stage: date}, dropped on
HISTORY = [
    ("一号项目", 3, {Stage.SIGNED: D(2023, 1, 15), Stage.STARTED: D(2023, 3, 10),
                    Stage.COMPLETED: D(2023, 8, 20)}, None),
    ("二号项目", 15, {Stage.SIGNED: D(2023, 2, 10), Stage.STARTED: D(2023, 5, 5)}, None),
    ("三号项目", Decimal("0.5"), {Stage.SIGNED: D(2023, 4, 1)}, None),
    ("四号项目", 2, {Stage.SIGNED: D(2023, 6, 30)}, D(2023, 9, 15)),
    ("五号项目", Decimal("1.2"), {Stage.SIGNED: D(2023, 9, 12)}, None),
]  # fmt: skip
# Monthly investment completed (万元) of the started projects, from their start month.
REPORTS = {"一号项目": 1000, "二号项目": 2000}
BACKFILL_DAY = D(2023, 10, 8)


class Api:
    def __init__(self, client, user):
        _token, self.key = api_token_create(user=user, name="backfill")
        self.client = client

    def call(self, method, url, body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        response = getattr(self.client, method)("/api/v1" + url, **kwargs)
        assert response.status_code < 400, response.content
        return response.json() if response.content else None


def _backfill(api) -> dict[str, int]:
    """The year so far, entered through the API in one day, as a county's system would."""
    ids = {}
    for n, (name, amount, dates, dropped) in enumerate(HISTORY):
        body = api.call("post", "/projects", {
            "name": name, "code": f"LC-2023-{n}", "region": "330302",
            "total_investment": str(amount * YI),
            "stage": Stage.SIGNED, "signed_on": dates[Stage.SIGNED].isoformat(),
        })  # fmt: skip
        ids[name] = body["id"]
        for stage in (Stage.STARTED, Stage.COMPLETED):
            if stage in dates:
                api.call("post", f"/projects/{body['id']}/events", {
                    "kind": "advance", "stage": stage, "effective_date": dates[stage].isoformat(),
                })  # fmt: skip
        if dropped:
            api.call("post", f"/projects/{body['id']}/events", {
                "kind": "drop", "effective_date": dropped.isoformat(), "note": "企业计划调整",
            })  # fmt: skip
        if name in REPORTS:
            started = dates[Stage.STARTED]
            for month in range(started.month, 10):
                api.call("post", f"/projects/{body['id']}/progress", {
                    "period": D(2023, month, 1).isoformat(),
                    "investment_completed": str(REPORTS[name] * 10_000),
                })  # fmt: skip
    return ids


def _expected(month: int) -> dict[str, Decimal | int]:
    """January to ``month`` of 2023 as of the month's end, straight from the history."""
    end = last_of_month(D(2023, month, 1))
    alive = [h for h in HISTORY if h[3] is None or h[3] > end]
    signed = [h for h in alive if h[2][Stage.SIGNED] <= end]
    return {
        "introduced": len(signed),
        "introduced_investment": sum((Decimal(h[1]) * YI for h in signed), Decimal(0)),
        "over_1yi": sum(1 for h in signed if h[1] >= 1),
        "started": sum(1 for h in alive if h[2].get(Stage.STARTED, D.max) <= end),
        "completed": sum(1 for h in alive if h[2].get(Stage.COMPLETED, D.max) <= end),
        "investment_completed": sum(
            (
                Decimal(REPORTS[h[0]] * 10_000) * max(0, month - h[2][Stage.STARTED].month + 1)
                for h in HISTORY
                if h[0] in REPORTS
            ),
            Decimal(0),
        ),
    }


def _figures(api, month: int, known_on: datetime.date | None = None) -> dict:
    end = last_of_month(D(2023, month, 1))
    query = f"/insights/indicators?region=330302&from=2023-01&to=2023-{month:02d}&as_of={end}"
    if known_on:
        query += f"&known_on={known_on}"
    body = api.call("get", query)
    figures = body["total"]["figures"]
    return {k: Decimal(str(figures[k]["actual"])) for k in _expected(month)}


def _listed(api, indicator: str, month: int, known_on: datetime.date | None = None) -> int:
    """How many projects the list behind the figure holds (its rows restate the figure)."""
    end = last_of_month(D(2023, month, 1))
    query = f"/projects?indicator={indicator}&from=2023-01-01&to={end}&as_of={end}&limit=100" + (
        f"&known_on={known_on}" if known_on else ""
    )
    return len(api.call("get", query)["items"])


def test_a_year_entered_in_one_day_gives_every_month_as_it_happened(client, county_staff):
    with at(BACKFILL_DAY):
        api = Api(client, county_staff)
        _backfill(api)
        for month in range(1, 10):
            expected = {k: Decimal(v) for k, v in _expected(month).items()}
            assert _figures(api, month) == expected, month
            assert _listed(api, "introduced", month) == expected["introduced"]
            # Known the day before the backfill, nothing had been recorded.
            before = _figures(api, month, known_on=BACKFILL_DAY - datetime.timedelta(days=1))
            assert set(before.values()) == {0}, month
            assert _listed(api, "introduced", month, BACKFILL_DAY - datetime.timedelta(days=1)) == 0
        # September's report was filed on 8 October: it counts in January–September.
        assert _figures(api, 9)["investment_completed"] == Decimal((1000 * 7 + 2000 * 5) * 10_000)


def test_a_correction_after_the_briefing_moves_the_figure_but_not_the_figure_then_known(
    client, county_staff
):
    with at(BACKFILL_DAY):
        api = Api(client, county_staff)
        ids = _backfill(api)
    briefing_day = D(2023, 10, 9)
    with at(briefing_day):
        published = _figures(api, 9)
        assert published["introduced"] == 4  # 四号项目 was dropped on 15 September
    with at(D(2023, 10, 10)):
        # The signing of 五号项目 was in October, not September: corrected, with a reason.
        project = Project.objects.get(pk=ids["五号项目"])
        signing = project.events.get(kind=StageEvent.Kind.ADVANCE, stage=Stage.SIGNED)
        services.stage_correct(
            actor=county_staff, project=project, event=signing,
            new_date=D(2023, 10, 2), reason="合同签订日期核实为10月2日",
        )  # fmt: skip
        now = _figures(api, 9)
        then = _figures(api, 9, known_on=briefing_day)
        assert (
            now["introduced"] == 3
            and now["introduced_investment"]
            == published["introduced_investment"] - Decimal("1.2") * YI
        )
        assert then == published
        # The lists behind the figure restate it on both clocks.
        assert _listed(api, "introduced", 9) == 3
        assert _listed(api, "introduced", 9, known_on=briefing_day) == 4
        # The page an official opens from the figure as known then: its figure and its
        # count (counted once, on the event log), and its rows.
        from investrack.projects.figures import figure_text

        client.force_login(county_staff)
        for known_on, figures, count in (("", now, 3), (briefing_day, published, 4)):
            for indicator in ("introduced", "introduced_investment"):
                page = client.get(
                    f"/projects/?indicator={indicator}&from=2023-01-01&to=2023-09-30"
                    f"&as_of=2023-09-30&known_on={known_on}"
                )
                shown = page.context["page"]
                assert shown.paginator.count == len(shown.object_list) == count
                assert page.context["filter"].figure["text"] == figure_text(
                    indicator, figures[indicator]
                )
        # Made again from the events (manage.py rebuild_totals), the kept totals date each
        # change on the day it was recorded, as the writes did.
        from investrack.projects.totals import stage_totals_rebuild

        stage_totals_rebuild()
        assert _figures(api, 9) == now
        assert _figures(api, 9, known_on=briefing_day) == published


def test_targets_are_compared_as_they_were_known(client, city_admin, county):
    from investrack.regions.models import Indicator
    from investrack.regions.services import TargetCell, targets_set

    cell = TargetCell(county, Indicator.INTRODUCED.value)
    with at(D(2023, 3, 1)):
        targets_set(actor=city_admin, year=2023, changes={cell: Decimal(10)})
    with at(D(2023, 7, 1)):
        targets_set(actor=city_admin, year=2023, changes={cell: Decimal(12)})
    with at(D(2023, 10, 8)):
        api = Api(client, city_admin)
        query = "/insights/indicators?level=county&from=2023-01&to=2023-09&as_of=2023-09-30"
        row = next(r for r in api.call("get", query)["rows"] if r["code"] == "330302")
        assert Decimal(str(row["figures"]["introduced"]["target"])) == 12
        row = next(
            r
            for r in api.call("get", query + "&known_on=2023-05-01")["rows"]
            if r["code"] == "330302"
        )
        assert Decimal(str(row["figures"]["introduced"]["target"])) == 10


def test_the_lists_on_the_event_log_agree_with_the_kept_totals_on_every_day_known(
    client, county_staff, county
):
    """The lists behind figures as known on a day read the event log; the figures read
    the totals by day recorded. Through a correction moving a signing out of the month, a
    retracted start and a drop, recorded on different days, both say the same each day."""
    first = D(2025, 2, 3)
    with at(first):
        made = {}
        for name, dates in (
            ("甲项目", {Stage.SIGNED: D(2025, 1, 10)}),
            ("乙项目", {Stage.SIGNED: D(2025, 1, 20)}),
            ("丙项目", {Stage.SIGNED: D(2025, 1, 25), Stage.STARTED: D(2025, 1, 28)}),
        ):
            stage = max(dates)
            made[name] = services.project_create(
                actor=county_staff, stage=stage, stage_dates=dates,
                data={"name": name, "region": county, "total_investment": 2 * YI},
            )  # fmt: skip
    with at(D(2025, 2, 5)):
        a = made["甲项目"]
        services.stage_correct(
            actor=county_staff, project=a, reason="合同日期核实", new_date=D(2025, 2, 1),
            event=a.events.get(kind=StageEvent.Kind.ADVANCE, stage=Stage.SIGNED),
        )  # fmt: skip
    with at(D(2025, 2, 7)):
        c = made["丙项目"]
        services.stage_correct(
            actor=county_staff, project=c, reason="尚未开工", retract=True,
            event=c.events.get(kind=StageEvent.Kind.ADVANCE, stage=Stage.STARTED),
        )  # fmt: skip
        b = Project.objects.get(pk=made["乙项目"].pk)
        services.project_drop(
            actor=county_staff, project=b, effective_date=D(2025, 1, 31), reason="企业撤资"
        )
    expected = {  # known on: (introduced, started) in January 2025, as of 31 January
        D(2025, 2, 2): (0, 0),
        D(2025, 2, 3): (3, 1),
        D(2025, 2, 5): (2, 1),
        D(2025, 2, 7): (1, 0),
    }
    with at(D(2025, 2, 10)):
        api = Api(client, county_staff)
        client.force_login(county_staff)
        period = "from=2025-01&to=2025-01&as_of=2025-01-31"
        for known_on, (introduced, started) in expected.items():
            figures = api.call("get", f"/insights/indicators?{period}&known_on={known_on}")
            kept = figures["total"]["figures"]
            assert (int(kept["introduced"]["actual"]), int(kept["started"]["actual"])) == (
                introduced, started
            ), known_on  # fmt: skip
            for indicator, count in (("introduced", introduced), ("started", started)):
                page = client.get(
                    f"/projects/?indicator={indicator}&from=2025-01-01&to=2025-01-31"
                    f"&as_of=2025-01-31&known_on={known_on}"
                )
                assert page.context["page"].paginator.count == count, (known_on, indicator)
                assert len(page.context["page"].object_list) == count
