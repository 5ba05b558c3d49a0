"""The leaders' pages: each shows the user's own jurisdiction and refuses another county's;
each figure links to its projects; targets are set by the city administrator only."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from investrack.core.models import AuditEntry
from investrack.projects.models import Stage
from investrack.regions.models import ChainLink, Indicator, RaceWeight, Target

D = datetime.date
YI = Decimal(100_000_000)
YEAR = timezone.localdate().year


@pytest.fixture
def projects(make_project, other_staff, other_county):
    today = timezone.localdate()
    signed = today.replace(day=1) if today.day > 1 else today
    battery = ChainLink.objects.get(name="动力电池")
    mine = make_project(name="鹿城动力电池项目", stage=Stage.SIGNED, total_investment=12 * YI,
                        dates={Stage.SIGNED: signed}, chain_link=battery)  # fmt: skip
    theirs = make_project(actor=other_staff, region=other_county, name="瑞安整车项目",
                          stage=Stage.SIGNED, total_investment=30 * YI,
                          dates={Stage.SIGNED: signed},
                          chain_link=ChainLink.objects.get(name="整车制造"))  # fmt: skip
    return mine, theirs


PAGES = [
    ("insights:dashboard", {}),
    ("insights:indicators", {}),
    ("insights:race", {}),
    ("insights:targets", {}),
    ("insights:chains", {}),
]


@pytest.mark.parametrize("name,params", PAGES)
def test_pages_open_for_every_role(client_for, county_staff, viewer, city_admin, name, params):
    for user in (county_staff, viewer, city_admin):
        assert client_for(user).get(reverse(name), params).status_code == 200


def test_a_county_user_sees_their_county_only(client_for, county_staff, projects, other_county):
    client = client_for(county_staff)
    page = client.get(reverse("insights:dashboard"))
    assert page.context["area"].name == "鹿城区"
    assert page.context["table"].total.figures[Indicator.INTRODUCED].actual == 1
    content = page.content.decode()
    assert "鹿城动力电池项目" in content and "瑞安整车项目" not in content
    # Another county's dashboard, indicators, chain map, briefing, API: refused.
    other = {"region": other_county.code}
    assert client.get(reverse("insights:dashboard"), other).status_code == 404
    assert client.get(reverse("insights:indicators"), other).status_code == 404
    chain = ChainLink.objects.get(name="动力电池").chain_id
    assert client.get(reverse("insights:chain", args=[chain]), other).status_code == 404
    assert client.get(reverse("insights:briefing", args=["docx"]), other).status_code == 404
    assert client.get("/api/v1/insights/indicators", other).status_code == 404
    # The drill-down list with another county's code shows nothing of it.
    listing = client.get(
        reverse("projects:list"),
        {"region": other_county.code, "indicator": "introduced", "from": f"{YEAR}-01-01",
         "to": f"{YEAR}-12-01"},
    )  # fmt: skip
    assert "瑞安整车项目" not in listing.content.decode()


def test_the_city_sees_every_county_and_each_figure_opens_its_projects(
    client_for, city_admin, projects
):
    client = client_for(city_admin)
    page = client.get(reverse("insights:dashboard"))
    table = page.context["table"]
    assert table.total.figures[Indicator.INTRODUCED].actual == 2
    assert table.total.figures[Indicator.OVER_10YI].actual == 2
    cells = {c["indicator"]: c for c in page.context["figures"]}
    listing = client.get(cells[Indicator.OVER_10YI]["url"])
    assert listing.context["page"].paginator.count == 2
    # Every chart element carries the link of its list.
    charts = page.context["charts"]
    lucheng = next(c for c in charts["counties"] if c["name"] == "鹿城区")
    assert client.get(lucheng["url"]).context["page"].paginator.count == 1
    signed = next(s for s in charts["funnel"] if s["name"] == str(Stage.SIGNED.label))
    assert signed["value"] == 2
    assert client.get(signed["url"]).context["page"].paginator.count == 2
    chains = {c["name"]: c for c in charts["chains"]}
    assert chains["新能源汽车"]["value"] == 2
    json.dumps(charts)  # the page embeds it as JSON


def test_dashboard_queries_do_not_grow_with_projects(
    client_for, city_admin, make_project, django_assert_max_num_queries
):
    client = client_for(city_admin)
    for n in range(30):
        make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: timezone.localdate()},
                     total_investment=(n + 1) * YI)  # fmt: skip
    with django_assert_max_num_queries(40):
        assert client.get(reverse("insights:dashboard")).status_code == 200


def test_the_largest_projects_say_which_is_lit_and_why(client_for, city_admin, make_project):
    """The dashboard's twenty largest: a red one with its dot and its reason, computed for
    the day and then read from the recorded lights; an unlit one with neither."""
    from investrack.closed_loop.services.light_records import lights_record
    from investrack.conftest import days_ago

    make_project(name="迟迟未开工的大项目", stage=Stage.SIGNED, total_investment=50 * YI,
                 dates={Stage.SIGNED: days_ago(400)})  # fmt: skip
    make_project(name="刚签约的项目", stage=Stage.SIGNED, total_investment=40 * YI,
                 dates={Stage.SIGNED: days_ago(2)})  # fmt: skip
    client = client_for(city_admin)
    for recorded in (False, True):
        if recorded:
            lights_record()
        page = client.get(reverse("insights:dashboard")).content.decode()
        rows = page.split('id="largest"')[1].split("</tbody>")[0].split("<tr>")[2:]
        assert "迟迟未开工的大项目" in rows[0] and "刚签约的项目" in rows[1]
        assert 'class="light l2"' in rows[0] and "签约已400天仍未开工" in rows[0], recorded
        assert "light" not in rows[1].replace("刚签约", "")


def test_the_race_shows_the_city_but_links_only_inside_the_jurisdiction(
    client_for, county_staff, county, other_county, projects
):
    for region in (county, other_county):
        Target.objects.create(year=YEAR, region=region, indicator=Indicator.INTRODUCED, value=2)
    RaceWeight.objects.create(year=YEAR, indicator=Indicator.INTRODUCED, weight=1)
    page = client_for(county_staff).get(reverse("insights:race"))
    standings = {s.code: s for s in page.context["tables"][0]["standings"]}
    assert standings[county.code].rank == 1 and standings[other_county.code].rank == 1
    assert standings[county.code].url and not standings[other_county.code].url


def test_the_chain_map_shows_links_by_stage_and_the_gaps(client_for, city_admin, projects):
    client = client_for(city_admin)
    chain = ChainLink.objects.get(name="动力电池").chain_id
    page = client.get(reverse("insights:chain", args=[chain]))
    links = {x["link"].name: x for seg in page.context["segments"] for x in seg["links"]}
    assert links["动力电池"]["total"] == 1 and not links["动力电池"]["gap"]
    assert links["传感器"]["gap"]
    assert "传感器" in {g["link"].name for g in page.context["gaps"]}
    assert client.get(links["动力电池"]["url"]).context["page"].paginator.count == 1
    signed = next(s for s in links["整车制造"]["by_stage"] if s["stage"] == Stage.SIGNED)
    assert client.get(signed["url"]).context["page"].paginator.count == 1


def test_the_briefing_downloads_as_word(client_for, county_staff, projects):
    response = client_for(county_staff).get(reverse("insights:briefing", args=["docx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "鹿城区招商引资和重大项目推进情况通报" in text
    assert "瑞安整车项目" not in text


def test_targets_are_set_by_the_city_administrator_and_audited(
    client_for, city_admin, county_staff, county
):
    url = reverse("insights:targets") + f"?year={YEAR}"
    name = f"r{county.pk}-{Indicator.INTRODUCED_INVESTMENT}"
    post = {"year": YEAR, name: "12.5", f"was-{name}": "", f"w-{Indicator.INTRODUCED}": "30"}
    assert client_for(county_staff).post(url, post).status_code == 403
    assert not Target.objects.exists()
    response = client_for(city_admin).post(url, post)
    assert response.status_code == 302
    target = Target.objects.get(region=county, indicator=Indicator.INTRODUCED_INVESTMENT)
    assert target.value == Decimal("12.5") * YI  # entered in 亿元
    assert RaceWeight.objects.get(year=YEAR, indicator=Indicator.INTRODUCED).weight == 30
    entry = AuditEntry.objects.get(table="regions.target", object_id=target.pk)
    assert entry.actor == city_admin and entry.changes == {"value": [None, "1250000000"]}
    # A county sees its own targets, read-only.
    page = client_for(county_staff).get(url).content.decode()
    assert "12.5" in page and f'name="{name}"' not in page


def test_a_stale_targets_page_does_not_overwrite_a_newer_change(client_for, city_admin, county):
    Target.objects.create(year=YEAR, region=county, indicator=Indicator.STARTED, value=5)
    name = f"r{county.pk}-{Indicator.STARTED}"
    # Someone else changed 5 → 7 after this page showed 5.
    Target.objects.filter(region=county).update(value=7)
    response = client_for(city_admin).post(
        reverse("insights:targets"), {"year": YEAR, name: "6", f"was-{name}": "5"}, follow=True
    )
    assert "在您打开页面后，他人修改了目标" in response.content.decode()
    assert Target.objects.get(region=county).value == 7


def test_targets_round_trip_through_a_sheet_and_a_bad_sheet_writes_nothing(
    client_for, city_admin, county, other_county, make_xlsx
):
    from investrack.conftest import upload

    client = client_for(city_admin)
    sheet = client.get(reverse("insights:targets_download"), {"year": YEAR})
    assert sheet.status_code == 200
    good = make_xlsx([
        ["2026年度目标"],
        ["县（市、区）或园区", "新引进项目（个）", "计划总投资（亿元）", "实际到位外资（万美元）"],
        ["鹿城区", 20, 35.5, 800],
        [other_county.code, 12, "18亿", None],
    ])  # fmt: skip
    client.post(reverse("insights:targets_upload"), {"year": YEAR, "file": upload("t.xlsx", good)})
    values = {
        (t.region.code, t.indicator): t.value for t in Target.objects.select_related("region")
    }
    assert values[(county.code, Indicator.INTRODUCED)] == 20
    assert values[(county.code, Indicator.INTRODUCED_INVESTMENT)] == Decimal("35.5") * YI
    assert values[(county.code, Indicator.FOREIGN_ARRIVED)] == Decimal(8_000_000)
    assert values[(other_county.code, Indicator.INTRODUCED_INVESTMENT)] == 18 * YI
    bad = make_xlsx([
        ["县（市、区）或园区", "新引进项目（个）", "计划总投资（亿元）"],
        ["鹿城区", 25, "约3亿"],
        ["不存在县", 1, 1],
        ["瑞安市", 2.5, 1],
    ])  # fmt: skip
    response = client.post(
        reverse("insights:targets_upload"), {"year": YEAR, "file": upload("t.xlsx", bad)},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "第2行“计划总投资（亿元）”" in page
    assert "第3行“县（市、区）或园区”" in page and "不存在县" in page
    assert "第4行“新引进项目（个）”" in page
    assert Target.objects.get(region=county, indicator=Indicator.INTRODUCED).value == 20


def test_targets_of_another_county_stay_out_of_a_countys_page_and_sheet(
    client_for, county_staff, county, other_county
):
    Target.objects.create(year=YEAR, region=county, indicator=Indicator.INTRODUCED, value=11)
    Target.objects.create(year=YEAR, region=other_county, indicator=Indicator.INTRODUCED, value=77)
    client = client_for(county_staff)
    page = client.get(reverse("insights:targets"), {"year": YEAR}).content.decode()
    assert "鹿城区" in page and other_county.name not in page
    from python_calamine import CalamineWorkbook

    sheet = client.get(reverse("insights:targets_download"), {"year": YEAR}).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet)).get_sheet_by_index(0).to_python()
    cells = [str(cell) for row in rows for cell in row]
    assert "鹿城区" in cells and other_county.name not in cells
    assert "77" not in " ".join(cells)
    # Uploading is the city administrator's: a county is refused before the file is read.
    assert client.post(reverse("insights:targets_upload"), {"year": YEAR}).status_code == 403


def test_the_race_api_shows_the_citys_ranking_without_opening_other_counties(
    client_for, county_staff, county, other_county, projects
):
    for region in (county, other_county):
        Target.objects.create(year=YEAR, region=region, indicator=Indicator.INTRODUCED, value=2)
    RaceWeight.objects.create(year=YEAR, indicator=Indicator.INTRODUCED, weight=1)
    client = client_for(county_staff)
    standings = {s["code"]: s for s in client.get("/api/v1/insights/race").json()}
    assert standings[county.code]["rank"] == standings[other_county.code]["rank"] == 1
    # The figures behind another county's standing stay closed.
    other = {"region": other_county.code}
    assert client.get("/api/v1/insights/indicators", other).status_code == 404


def test_api_indicators_by_park_lists_the_parks(client_for, city_admin, park, other_park):
    """The API's park table holds the parks, not the counties labelled as parks."""
    response = client_for(city_admin).get("/api/v1/insights/indicators?level=park")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert {r["code"] for r in rows} == {park.code, other_park.code}
    assert {r["kind"] for r in rows} == {"park"}
