"""The REST API: same scoping, rules and filters as the pages; errors as JSON naming the field."""

import json
import re
from decimal import Decimal

import pytest

from investrack.accounts.services import api_token_create, api_token_revoke
from investrack.conftest import days_ago
from investrack.projects.models import Project, Stage

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    """A client that sends a personal key, as another system would."""

    def __init__(self, client, user):
        _token, self.key = api_token_create(user=user, name="test")
        self.client = client

    def call(self, method, url, body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        response = getattr(self.client, method)(API + url, **kwargs)
        return response.status_code, (response.json() if response.content else None)


@pytest.fixture
def api(client, county_staff):
    return Api(client, county_staff)


@pytest.fixture
def lucheng(make_project):
    return make_project(name="鹿城项目", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(40)})


def test_list_is_scoped_filtered_and_pages_by_cursor(api, make_project, other_staff, other_county):
    for n in range(5):
        make_project(name=f"项目{n}", total_investment=Decimal(200_000_000 if n % 2 else 5_000_000))
    make_project(name="瑞安项目", actor=other_staff, region=other_county)
    status, page = api.call("get", "/projects?limit=2&tier=1yi")
    assert status == 200
    assert [p["name"] for p in page["items"]] == ["项目3", "项目1"]
    assert page["next_cursor"] is None
    seen, cursor = [], ""
    while True:
        status, page = api.call("get", f"/projects?limit=2{'&cursor=' + cursor if cursor else ''}")
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"项目{n}" for n in range(4, -1, -1)]  # newest first, no other county


def test_list_rows_name_their_county_park_industry_and_investor(api, make_project, park):
    from investrack.projects.services import InvestorName
    from investrack.regions.models import Industry

    industry = Industry.objects.get(code="3612")
    make_project(name="园区项目", park=park, industry=industry, investor=InvestorName("鹿城新材料有限公司"),
                 stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(40)})  # fmt: skip
    make_project(name="无园区项目", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(40)})
    for url in ("/projects", "/projects/lists/to-start"):
        status, page = api.call("get", url)
        assert status == 200
        rows = {p["name"]: p for p in page["items"]}
        placed, plain = rows["园区项目"], rows["无园区项目"]
        assert (placed["region"], placed["region_name"]) == (park.region.code, park.region.name)
        assert (placed["park"], placed["industry"]) == (park.code, "3612")
        assert placed["investor"] == "鹿城新材料有限公司"
        assert (plain["park"], plain["industry"], plain["investor"]) == (None, None, None)
    assert page["count"] == 2  # the working list's count, from the kept totals


def test_a_list_row_says_what_the_project_read_alone_says(api, make_project, park):
    """A list's rows are written field by field, one read alone through the schema: the two
    agree on every field, filled or empty."""
    from investrack.projects.services import InvestorName
    from investrack.regions.models import Industry

    make_project(
        name="全字段项目", park=park, industry=Industry.objects.get(code="3612"),
        investor=InvestorName("鹿城新材料有限公司", "foreign", "91330302MA2ABCDE1X"),
        total_investment=Decimal("123456789.50"), foreign_investment=Decimal("2000000"),
        foreign_currency="USD", land_area=Decimal("85.5"), expected_annual_tax=Decimal("300000"),
        planned_start_date=days_ago(3), description="一期厂房", national_code="2401-330302-04-01-123456",
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(40)},
    )  # fmt: skip
    make_project(name="空字段项目")
    for url in ("/projects", "/projects/lists/to-start"):
        status, page = api.call("get", url)
        assert status == 200
        for row in page["items"]:
            _status, alone = api.call("get", f"/projects/{row['id']}")
            assert {k: v for k, v in row.items() if k not in ("light", "open_problems")} == {
                k: v for k, v in alone.items() if k not in ("light", "open_problems")
            }
            assert isinstance(row["light"], int) and isinstance(row["open_problems"], int)
    assert page["items"][0]["investor_credit_code"] == "91330302MA2ABCDE1X"


def test_create_read_and_update_with_optimistic_concurrency(api, county):
    status, body = api.call("post", "/projects", {
        "name": "API项目", "code": "API-1", "region": "330302", "total_investment": "150000000",
        "industry": "3841", "stage": 3, "signed_on": days_ago(5).isoformat(),
    })  # fmt: skip
    assert status == 201, body
    assert body["stage_label"] == "签约" and body["total_investment"] == "150000000.00"
    project_id, version = body["id"], body["version"]
    status, body = api.call(
        "patch", f"/projects/{project_id}", {"name": "新名字", "version": version}
    )
    assert status == 200 and body["name"] == "新名字"
    status, body = api.call(
        "patch", f"/projects/{project_id}", {"name": "又一个", "version": version}
    )
    assert status == 409
    assert body["detail"][0]["field"] == "version"
    assert Project.objects.get(pk=project_id).name == "新名字"


def test_errors_name_the_field(api):
    status, body = api.call("post", "/projects", {"name": "X", "code": "C", "region": "330381",
                                                  "total_investment": "1"})  # fmt: skip
    assert status == 422 and body["detail"][0]["field"] == "region"
    status, body = api.call("post", "/projects", {"name": "X", "code": "C", "region": "330302",
                                                  "total_investment": "-5"})  # fmt: skip
    assert status == 422 and body["detail"][0]["field"] == "total_investment"
    status, body = api.call("post", "/projects", {"name": "X", "code": "C", "region": "330302",
                                                  "total_investment": "1", "stage": 3,
                                                  "signed_on": "2999-01-01"})  # fmt: skip
    assert status == 422 and body["detail"][0]["field"] == "signed_on"


def test_stage_events_and_progress(api, lucheng):
    url = f"/projects/{lucheng.pk}"
    status, body = api.call("post", url + "/events", {"kind": "advance", "stage": 2,
                                                      "effective_date": days_ago(1).isoformat()})  # fmt: skip
    assert status == 422 and "签约" in body["detail"][0]["message"]  # no moving back
    status, body = api.call("post", url + "/events", {"kind": "advance", "stage": 4,
                                                      "effective_date": days_ago(20).isoformat()})  # fmt: skip
    assert status == 201 and body["stage"] == 4
    status, events = api.call("get", url + "/events")
    assert [e["stage"] for e in events] == [1, 2, 3, 4]
    month = days_ago(20).replace(day=1).isoformat()
    status, body = api.call("post", url + "/progress", {"period": month,
                                                        "investment_completed": "3000000.5"})  # fmt: skip
    assert status == 201 and Decimal(body["cumulative"]) == Decimal("3000000.5")
    status, body = api.call("post", url + "/progress", {"period": month,
                                                        "investment_completed": "1"})  # fmt: skip
    assert status == 422 and body["detail"][0]["field"] == "period"  # a month is never overwritten
    status, reports = api.call("get", url + "/progress")
    assert [Decimal(r["investment_completed"]) for r in reports] == [Decimal("3000000.5")]
    status, body = api.call("post", url + "/events", {"kind": "stall", "note": "资金未到位"})
    assert status == 201 and body["is_stalled"] is True


def test_working_lists_regions_and_industries(api, make_project):
    make_project(name="待开工", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(9)},
                 planned_start_date=days_ago(3))  # fmt: skip
    status, body = api.call("get", "/projects/lists/to-start")
    assert status == 200 and body["count"] == 1 and body["items"][0]["name"] == "待开工"
    # Most urgent first, as on the page: furthest past the planned date, then no date.
    make_project(name="久未开工", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(90)},
                 planned_start_date=days_ago(30))  # fmt: skip
    make_project(name="未定日期", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(9)})
    status, body = api.call("get", "/projects/lists/to-start?limit=2")
    assert [i["name"] for i in body["items"]] == ["久未开工", "待开工"] and body["count"] == 3
    status, body = api.call("get", "/projects/lists/to-start?limit=2&offset=2")
    assert [i["name"] for i in body["items"]] == ["未定日期"]
    status, regions = api.call("get", "/regions")
    assert [r["code"] for r in regions] == ["330302"]
    status, industries = api.call("get", "/industries?parent=384")
    assert "3841" in [i["code"] for i in industries]


def test_another_county_gets_404_everywhere(client, other_staff, lucheng, park, other_park):
    other = Api(client, other_staff)
    url = f"/projects/{lucheng.pk}"
    for method, path, body in [
        ("get", url, None),
        ("patch", url, {"name": "x", "version": lucheng.version}),
        ("get", url + "/events", None),
        ("post", url + "/events", {"kind": "stall", "note": "x"}),
        ("get", url + "/progress", None),
        ("post", url + "/progress", {"period": "2026-01-01", "investment_completed": "1"}),
    ]:
        status, _body = other.call(method, path, body)
        assert status == 404, (method, path)
    status, page = other.call("get", "/projects")
    assert page["items"] == []
    status, listed = other.call("get", "/projects/lists/to-start")
    assert listed["count"] == 0 and listed["items"] == []
    status, regions = other.call("get", "/regions")
    assert [r["code"] for r in regions] == ["330381"]
    status, parks = other.call("get", "/parks")
    assert [p["code"] for p in parks] == ["P-RA"]  # not 鹿城高新园
    lucheng.refresh_from_db()
    assert lucheng.name == "鹿城项目" and not lucheng.is_stalled


def test_a_viewer_key_reads_but_cannot_write(client, viewer, lucheng):
    reader = Api(client, viewer)
    assert reader.call("get", f"/projects/{lucheng.pk}")[0] == 200
    status, body = reader.call(
        "post", f"/projects/{lucheng.pk}/events", {"kind": "stall", "note": "x"}
    )
    assert status == 403 and body["detail"][0]["message"]


def test_without_a_key_or_with_a_revoked_one_is_401(client, county_staff, lucheng):
    assert client.get(f"{API}/projects").status_code == 401
    token, key = api_token_create(user=county_staff, name="old")
    api_token_revoke(user=county_staff, token_id=token.pk)
    response = client.get(f"{API}/projects", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401 and "detail" in response.json()


def test_the_browser_session_works_too(client, county_staff, lucheng):
    client.force_login(county_staff)
    assert client.get(f"{API}/projects/{lucheng.pk}").json()["name"] == "鹿城项目"


def test_docs_are_served_locally(client, county_staff):
    client.force_login(county_staff)
    page = client.get(f"{API}/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    # Nothing fetched from elsewhere (a random CSRF token may well contain the letters "cdn").
    assert not re.search(r"""(src|href)=["'](https?:)?//""", page)
    assert "https://" not in page
    schema = client.get(f"{API}/openapi.json").json()
    assert "/api/v1/projects" in schema["paths"]


def test_list_carries_lights_and_filters_by_them(api, make_project):
    red = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)})
    status, body = api.call("get", "/projects?light=red")
    assert status == 200 and [item["code"] for item in body["items"]] == [red.code]
    assert body["items"][0]["light"] == 2 and body["items"][0]["open_problems"] == 0
    assert api.call("get", "/projects?light=purple")[0] == 422


def test_the_investors_credit_code_is_checked_and_names_its_investor(api, lucheng):
    from investrack.projects.investor_keys import credit_code_check_char
    from investrack.projects.models import Investor

    code = "91330302MA2L7X3Q5" + credit_code_check_char("91330302MA2L7X3Q5")
    known = Investor.objects.create(name="浙江华锂新能源股份有限公司", credit_code=code)
    status, body = api.call("post", "/projects", {
        "name": "华锂项目", "code": "API-HL", "region": "330302", "total_investment": "100000000",
        "investor": "华锂", "investor_credit_code": code.lower(),
    })  # fmt: skip
    assert status == 201, body
    assert body["investor"] == known.name and body["investor_credit_code"] == code
    status, body = api.call("post", "/projects", {
        "name": "错码项目", "code": "API-CM", "region": "330302", "total_investment": "1",
        "investor": "某公司", "investor_credit_code": code[:-1] + "0",
    })  # fmt: skip
    assert status == 422 and body["detail"][0]["field"] == "investor_credit_code"
    # A code alone completes the investor of a project being updated.
    version = Project.objects.get(pk=lucheng.pk).version
    status, body = api.call(
        "patch", f"/projects/{lucheng.pk}", {"investor": "鹿城新材料有限公司", "version": version}
    )
    assert status == 200 and body["investor_credit_code"] == ""
    other = "913303021234567890"[:17]
    other += credit_code_check_char(other)
    version = Project.objects.get(pk=lucheng.pk).version
    status, body = api.call(
        "patch", f"/projects/{lucheng.pk}", {"investor_credit_code": other, "version": version}
    )
    assert status == 200, body
    assert body["investor"] == "鹿城新材料有限公司" and body["investor_credit_code"] == other
