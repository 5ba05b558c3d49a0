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
