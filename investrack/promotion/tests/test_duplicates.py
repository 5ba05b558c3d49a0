"""Projects counted twice: the same national code, or the same investor with alike names
and amounts, are in the bureau's report; one counted twice is dropped through the project
services with the reason naming the one kept; two distinct ones never come back."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from investrack.projects.models import Stage, StageEvent
from investrack.projects.services import InvestorName
from investrack.promotion.models import DuplicateDecision
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_project, other_staff, other_county):
    first = make_project(
        name="年产20GWh动力电池项目", stage=Stage.SIGNED,
        investor=InvestorName("宁德时代新能源科技股份有限公司"),
        total_investment=Decimal("5000000000"),
    )  # fmt: skip
    second = make_project(
        name="20GWh动力电池项目（一期）", stage=Stage.SIGNED, actor=other_staff,
        region=other_county, investor=InvestorName("宁德时代新能源科技有限公司"),
        total_investment=Decimal("4800000000"),
    )  # fmt: skip
    return first, second


def test_the_report_shows_the_pair_and_the_bureau_drops_the_later_one(
    client_for, city_admin, county_staff, pair, make_project
):
    first, second = pair
    make_project(  # same investor, another business and amount: not a duplicate
        name="储能电站运维中心", investor=InvestorName("宁德时代新能源科技股份有限公司"),
        total_investment=Decimal("30000000"),
    )  # fmt: skip
    client = client_for(city_admin)
    page = client.get(reverse("promotion:duplicates"))
    text = page.content.decode()
    assert text.count('class="card conflict"') == 1
    assert first.name in text and second.name in text and "储能电站运维中心" not in text
    mine = client_for(county_staff).get(reverse("promotion:duplicates")).content.decode()
    assert first.name in mine and second.name not in mine and "另一县区的项目" in mine
    client = client_for(city_admin)
    form = rendered_form(
        page, action=reverse("promotion:duplicate_decide", args=[first.pk, second.pk])
    )
    refused = form.submit(client, {"outcome": "duplicate", "note": ""})
    assert refused.status_code == 422 and not DuplicateDecision.objects.exists()
    done = form.submit(client, {"outcome": "duplicate", "note": "同一项目两地重复填报"})
    assert done.status_code == 302
    second.refresh_from_db()
    assert second.dropped_on is not None and first.name in second.drop_reason
    assert StageEvent.objects.filter(project=second, kind=StageEvent.Kind.DROP).exists()
    assert (
        'class="card conflict"' not in client.get(reverse("promotion:duplicates")).content.decode()
    )


def test_the_same_national_code_is_a_pair_and_distinct_ones_stay(
    client_for, city_admin, make_project
):
    a = make_project(name="智能制造产业园", national_code="2301-330302-04-01-123456")
    b = make_project(name="高端装备基地", national_code="2301-330302-04-01-123456")
    client = client_for(city_admin)
    page = client.get(reverse("promotion:duplicates"))
    assert "2301-330302-04-01-123456" in page.content.decode()
    form = rendered_form(page, action=reverse("promotion:duplicate_decide", args=[a.pk, b.pk]))
    assert form.submit(client, {"outcome": "distinct"}).status_code == 302
    b.refresh_from_db()
    assert b.dropped_on is None
    assert "2301-330302" not in client.get(reverse("promotion:duplicates")).content.decode()


def test_county_staff_cannot_decide(client_for, county_staff, pair):
    first, second = pair
    url = reverse("promotion:duplicate_decide", args=[first.pk, second.pk])
    assert client_for(county_staff).post(url, {"outcome": "distinct"}).status_code == 403


def test_a_refused_decision_comes_back_on_the_page_of_its_pair(
    client_for, city_admin, make_project, monkeypatch
):
    """With more pairs than a page holds, the refused pair's page comes again with the form
    as typed and why it was refused (it came back on the first page, the refusal unseen)."""
    from investrack.promotion import views

    monkeypatch.setattr(views, "DUPLICATES_PER_PAGE", 1)
    for code in ("2301-330302-04-01-111111", "2301-330302-04-01-222222"):
        make_project(name=f"项目{code[-1]}甲", national_code=code)
        make_project(name=f"项目{code[-1]}乙", national_code=code)
    client = client_for(city_admin)
    page = client.get(reverse("promotion:duplicates") + "?page=2")
    text = page.content.decode()
    assert text.count('class="card conflict"') == 1 and "第 2 页" in text
    first, second = re.search(r'id="pair-(\d+)-(\d+)"', text).groups()
    form = rendered_form(
        page, action=reverse("promotion:duplicate_decide", args=[int(first), int(second)])
    )
    refused = form.submit(client, {"outcome": "duplicate", "note": ""})
    text = refused.content.decode()
    assert refused.status_code == 422
    assert f'id="pair-{first}-{second}"' in text and 'class="errorbox"' in text
    assert 'value="duplicate" checked' in text


def test_a_pair_goes_when_one_is_edited_apart_and_comes_back_with_it(
    client_for, city_admin, county_staff, pair
):
    """The pairs are kept as projects are written: an amount edited on the project's form
    (as the browser sends it) out of a tenth of the other's ends the pair, and edited back
    brings it again."""
    first, second = pair
    client = client_for(county_staff)
    edit = reverse("projects:edit", args=[first.pk])

    def report() -> str:
        return client_for(city_admin).get(reverse("promotion:duplicates")).content.decode()

    assert f"pair-{first.pk}-{second.pk}" in report()
    assert (
        rendered_form(client.get(edit)).submit(client, {"total_investment": "10亿"}).status_code
        == 302
    )
    assert 'class="card conflict"' not in report()
    assert (
        rendered_form(client.get(edit)).submit(client, {"total_investment": "50亿"}).status_code
        == 302
    )
    assert f"pair-{first.pk}-{second.pk}" in report()


def test_the_daily_job_mends_a_pair_two_writes_at_once_missed(client_for, city_admin, pair):
    """Two projects of one pair written at the same moment on PostgreSQL each see the other
    as it was: the pair may be missing from the kept ones (here, as if so). That night's
    job finds every pair afresh and mends the kept ones; the report shows the pair again."""
    from investrack.daily.job import daily_run
    from investrack.projects.models import DuplicatePair, Investor

    first, second = pair
    DuplicatePair.objects.all().delete()
    Investor.objects.update(namesake=False)  # two investors of one name, made at once
    assert 'class="card conflict"' not in (
        client_for(city_admin).get(reverse("promotion:duplicates")).content.decode()
    )
    result = daily_run()
    assert result["duplicate_pairs_mended"] == 1 and result["namesakes_mended"] == 2
    assert result["drift"] == {}
    page = client_for(city_admin).get(reverse("promotion:duplicates")).content.decode()
    assert f'id="pair-{first.pk}-{second.pk}"' in page
