"""The pipeline page: each figure a count of the projects or visits, the list behind the
funnel's figure restating it, the ageing of open leads listing its leads, only the user's
own county counted."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from investrack.projects.models import Stage
from investrack.promotion import services

pytestmark = pytest.mark.django_db


def test_the_funnel_counts_the_years_leads_and_its_figures_open_their_lists(
    client_for, county_staff, other_staff, other_county, make_project
):
    today = timezone.localdate()
    year = today.year
    jan = datetime.date(year, 1, 10)
    make_project(name="只有线索", dates={Stage.LEAD: jan}, source_channel="exhibition")
    make_project(
        name="已签约",
        stage=Stage.SIGNED,
        dates={Stage.LEAD: jan, Stage.NEGOTIATING: jan + datetime.timedelta(days=10),
               Stage.SIGNED: jan + datetime.timedelta(days=40)},
        source_channel="exhibition",
    )  # fmt: skip
    make_project(
        name="瑞安的", actor=other_staff, region=other_county, dates={Stage.LEAD: jan}
    )  # not this county's
    client = client_for(county_staff)
    page = client.get(reverse("promotion:pipeline") + f"?year={year}").content.decode()
    funnel = page[page.index('id="funnel"') : page.index('id="channels"')]
    counts = re.findall(r'<a href="([^"]+)">(\d+)</a>', funnel)
    assert [int(n) for _url, n in counts] == [2, 1, 1, 0]
    assert "30" in funnel  # the median days from negotiating to signed
    listed = client.get(counts[2][0].replace("&amp;", "&")).content.decode()
    assert "已签约" in listed and "只有线索" not in listed and "瑞安的" not in listed
    channels = page[page.index('id="channels"') : page.index('id="pipeline-events"')]
    assert "展会" in channels and ">2</a>" in channels


def test_open_leads_by_time_without_contact_list_their_leads(
    client_for, county_staff, make_project
):
    today = timezone.localdate()
    quiet = make_project(name="久未联系", dates={Stage.LEAD: today - datetime.timedelta(days=70)})
    visited = make_project(name="刚走访", dates={Stage.LEAD: today - datetime.timedelta(days=70)})
    services.visit_record(
        actor=county_staff, project=visited,
        data={"visited_on": today - datetime.timedelta(days=3), "where": "here", "rank": "staff",
              "who_went": "招商科", "met": "总经理", "agreed": "继续洽谈"},
    )  # fmt: skip
    client = client_for(county_staff)
    page = client.get(reverse("promotion:pipeline") + "?ageing=61-90").content.decode()
    band = page[page.index('id="ageing-leads"') :]
    assert quiet.name in band and visited.name not in band
    assert "1 个在谈线索没有任何走访洽谈记录" in page


def test_a_year_out_of_range_is_told_not_a_500(client_for, county_staff):
    response = client_for(county_staff).get(reverse("promotion:pipeline") + "?year=99999")
    assert response.status_code == 302


def test_the_median_days_of_a_step_is_the_middle_lead_or_the_mean_of_the_middle_two(
    client_for, county_staff, make_project
):
    year = timezone.localdate().year
    jan = datetime.date(year, 1, 10)

    def negotiating_after(days):
        make_project(
            stage=Stage.NEGOTIATING,
            dates={Stage.LEAD: jan, Stage.NEGOTIATING: jan + datetime.timedelta(days=days)},
        )

    def medians():
        page = client.get(reverse("promotion:pipeline") + f"?year={year}").content.decode()
        funnel = page[page.index('id="funnel"') : page.index('id="channels"')]
        return re.findall(r"([\d.]+)天（(\d+)个项目）", funnel)

    client = client_for(county_staff)
    make_project(dates={Stage.LEAD: jan})  # a lead alone: not measured
    negotiating_after(21)
    negotiating_after(10)
    assert medians() == [("15.5", "2")]  # lead → negotiating: (10 + 21) / 2
    negotiating_after(40)
    assert medians() == [("21", "3")]


def test_the_open_leads_are_counted_in_their_band_of_days_without_contact(
    client_for, county_staff, make_project
):
    today = timezone.localdate()
    for days in (0, 30, 31, 60, 61, 90, 91, 400):
        make_project(dates={Stage.LEAD: today - datetime.timedelta(days=days)})
    visited = make_project(dates={Stage.LEAD: today - datetime.timedelta(days=200)})
    services.visit_record(
        actor=county_staff, project=visited,
        data={"visited_on": today - datetime.timedelta(days=45), "where": "here", "rank": "staff",
              "who_went": "招商科", "met": "总经理", "agreed": "继续洽谈"},
    )  # fmt: skip
    page = client_for(county_staff).get(reverse("promotion:pipeline")).content.decode()
    ageing = page[page.index('id="ageing"') :]
    bands = re.findall(r"(\d+–\d+天|超过\d+天)：<b>(\d+)</b>", ageing)
    assert bands == [("0–30天", "2"), ("31–60天", "3"), ("61–90天", "2"), ("超过90天", "2")]
    assert "8 个在谈线索没有任何走访洽谈记录" in ageing


def test_an_event_counts_only_the_projects_in_the_users_jurisdiction(
    client_for, city_admin, county_staff, other_staff, other_county, make_project
):
    from investrack.promotion.tests.test_events import MONTH_AGO, record_event

    mine = make_project(stage=Stage.SIGNED, dates=MONTH_AGO, name="鹿城签约项目")
    theirs = [
        make_project(stage=Stage.SIGNED, dates=MONTH_AGO, actor=other_staff, region=other_county)
        for _ in range(2)
    ]
    today = timezone.localdate().isoformat()
    started = record_event(client_for(city_admin), "start", [mine, *theirs], held_on=today)
    assert started.status_code == 302
    record_event(client_for(other_staff), "start", [], held_on=today)  # refused: no project

    def row(user):
        page = client_for(user).get(reverse("promotion:pipeline")).content.decode()
        events = page[page.index('id="pipeline-events"') :]
        return re.findall(r"集中开工活动</a>.*?" + r"<td[^>]*>(\d+)</td>\s*" * 3, events, re.S)

    assert row(county_staff) == [("1", "1", "1")]
    assert row(other_staff) == [("2", "2", "2")]
    assert row(city_admin) == [("3", "3", "3")]


def test_the_years_visits_by_county_and_month_and_by_rank(
    client_for, county_staff, other_staff, other_county, county, make_project
):
    from django.utils import translation

    from investrack.promotion.models import Visit

    year = timezone.localdate().year - 1  # months all past, whatever today is
    lead = make_project(dates={Stage.LEAD: datetime.date(year, 1, 5)})
    theirs = make_project(
        actor=other_staff, region=other_county, dates={Stage.LEAD: datetime.date(year, 1, 5)}
    )
    for actor, project, day, rank in [
        (county_staff, lead, datetime.date(year, 1, 15), "staff"),
        (county_staff, lead, datetime.date(year, 1, 20), "county_head"),
        (county_staff, lead, datetime.date(year, 3, 15), "staff"),
        (other_staff, theirs, datetime.date(year, 1, 15), "city_head"),
    ]:
        services.visit_record(
            actor=actor, project=project,
            data={"visited_on": day, "where": "here", "rank": rank, "who_went": "招商科",
                  "met": "总经理", "agreed": "继续洽谈"},
        )  # fmt: skip
    page = client_for(county_staff).get(reverse("promotion:pipeline") + f"?year={year}")
    text = page.content.decode()
    table = text[text.index('id="visits-by-month"') : text.index('id="visits-by-rank"')]
    rows = re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", table, re.S)
    assert [name for name, _cells in rows] == [county.name]
    cells = re.findall(r'<td class="num">(?:<b>)?(\d*)(?:</b>)?</td>', rows[0][1])
    assert cells == ["2", "", "1", *[""] * 9, "3"]
    by_rank = text[text.index('id="visits-by-rank"') :].split("</p>")[0]
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in Visit.Rank.choices}
    assert f"{labels['staff']} <b>2</b>" in by_rank
    assert f"{labels['county_head']} <b>1</b>" in by_rank
    assert f"{labels['city_head']} <b>0</b>" in by_rank  # the other county's visit
