"""项目地图: the counties' figures as the dashboard has them, each opening its list with the
same count; the points are the user's projects with a place, one by one or summed per cell;
a place is typed on the project form; the city's own outline is uploaded and checked."""

import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investrack.insights.views import maps
from investrack.projects.models import Stage
from investrack.regions.admin import CityOutlineForm
from investrack.regions.models import CityOutline
from investrack.regions.outlines import validated_outline
from investrack.testkit import rendered_form

YI = Decimal(100_000_000)


@pytest.fixture
def placed(make_project, other_staff, other_county):
    mine = [
        make_project(name=f"鹿城项目{i}", stage=Stage.SIGNED, total_investment=(i + 1) * YI,
                     longitude=Decimal("120.6") + i / Decimal(100), latitude=Decimal("28.01"))
        for i in range(3)
    ]  # fmt: skip
    make_project(name="没有位置的项目", stage=Stage.SIGNED)
    theirs = make_project(actor=other_staff, region=other_county, name="瑞安项目",
                          stage=Stage.SIGNED, longitude=Decimal("120.65"),
                          latitude=Decimal("27.78"))  # fmt: skip
    return mine, theirs


def test_a_county_on_the_map_opens_its_list_with_the_same_count(client_for, city_admin, placed):
    client = client_for(city_admin)
    page = client.get(reverse("insights:map"), {"indicator": "introduced"})
    assert page.status_code == 200
    data = json.loads(re.search(r'id="map-data"[^>]*>(.*?)</script>', page.text, re.S).group(1))
    lucheng = next(c for c in data["counties"] if c["name"] == "鹿城区")
    # The points of the page follow its area and category, not its period.
    dated = client.get(reverse("insights:map"),
                       {"from": "2026-01", "to": "2026-11", "as_of": "2026-11-30",
                        "category": "manufacturing", "region": "330302"})  # fmt: skip
    points_url = json.loads(
        re.search(r'id="map-data"[^>]*>(.*?)</script>', dated.text, re.S).group(1)
    )["points_url"]
    assert "as_of" not in points_url and "region=330302" in points_url
    assert client.get(points_url).status_code == 200
    assert lucheng["value"] == 4  # the four signed this year, placed or not
    listed = client.get(lucheng["url"])
    assert "共4个项目" in re.sub(r"\s+", "", listed.text)
    # A county the shipped outline lacks (龙港市, created in 2019) is named beside the map.
    missing = page.text.split('id="map-missing"')[1].split("</div>")[0]
    assert "龙港市" in missing and "鹿城区" not in missing


def test_the_points_are_the_users_projects_with_a_place(client_for, county_staff, placed):
    mine, _theirs = placed
    client = client_for(county_staff)
    points = client.get(reverse("insights:map_points")).json()
    assert points["clustered"] is False
    assert sorted(p["name"] for p in points["points"]) == sorted(p.name for p in mine)
    biggest = max(points["points"], key=lambda p: p["value"][2])
    assert biggest["value"] == [120.62, 28.01, 3.0] and biggest["url"] == mine[2].get_absolute_url()
    # Filtered as the list is.
    one = client.get(reverse("insights:map_points"), {"q": "鹿城项目1"}).json()
    assert [p["name"] for p in one["points"]] == ["鹿城项目1"]


def test_a_bad_filter_is_a_400_that_names_it(client_for, county_staff):
    answer = client_for(county_staff).get(reverse("insights:map_points"), {"light": "purple"})
    assert answer.status_code == 400 and "light" in answer.json()["errors"]


def test_many_points_are_summed_per_cell_exactly(client_for, city_admin, placed, monkeypatch):
    monkeypatch.setattr(maps, "MAX_POINTS", 1)
    points = client_for(city_admin).get(reverse("insights:map_points")).json()
    assert points["clustered"] is True and points["count"] == 4
    assert sum(p["count"] for p in points["points"]) == 4
    assert sum(p["value"][2] for p in points["points"]) == pytest.approx(1 + 2 + 3 + 1.5)


def test_a_place_is_typed_on_the_project_form(client_for, county_staff, placed):
    project = placed[0][0]
    client = client_for(county_staff)
    url = reverse("projects:edit", args=[project.pk])
    form = rendered_form(client.get(url))
    # Baidu's picker gives eight places: kept to six, not refused.
    response = form.submit(client, {"longitude": "120.69876543", "latitude": "28.0"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.longitude, project.latitude) == (Decimal("120.698765"), Decimal("28.000000"))
    half = rendered_form(client.get(url)).submit(client, {"latitude": ""})
    assert half.status_code == 200
    assert "经度和纬度须同时填写，或都不填。" in half.text
    wrong = rendered_form(client.get(url)).submit(client, {"longitude": "东经120度"})
    assert wrong.status_code == 200 and "输入一个数字" in wrong.text


def outline(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def county(name, ring=((120.0, 28.0), (120.1, 28.0), (120.1, 28.1), (120.0, 28.0))):
    return {"type": "Feature", "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [list(map(list, ring))]}}  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG", "不是 GeoJSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (outline(), "没有县（市、区）边界"),
        (outline(county("")), "第1个边界没有名称"),
        (outline(county("鹿城区"), county("鹿城区")), "“鹿城区”的边界重复出现"),
        (outline(county("鹿城区", ((500, 28), (120, 28), (120, 29)))), "不是经纬度"),
        (outline({**county("鹿城区"), "geometry": {"type": "Point"}}), "不是多边形"),
    ],
)
def test_a_bad_outline_is_refused_in_words(data, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validated_outline(data)
    assert message in " ".join(refused.value.messages)


def test_the_citys_own_outline_replaces_the_shipped_one(client_for, city_admin, city):
    form = CityOutlineForm(
        data={"city": city.pk, "source": "温州市自然资源和规划局 2024"},
        files={"upload": SimpleUploadedFile("wz.geojson", outline(county("鹿城区"), county("龙港市")))},
    )  # fmt: skip
    assert form.is_valid(), form.errors
    form.save()
    assert (
        CityOutline.objects.get(city=city).geojson["features"][1]["properties"]["name"] == "龙港市"
    )
    client = client_for(city_admin)
    shown = client.get(reverse("insights:map_outline")).json()
    assert [f["properties"]["name"] for f in shown["features"]] == ["鹿城区", "龙港市"]
    page = client.get(reverse("insights:map"))
    assert "温州市自然资源和规划局 2024" in page.text
    missing = page.text.split('id="map-missing"')[1].split("</div>")[0]
    assert "龙港市" not in missing and "瑞安市" in missing


def test_another_countys_map_is_refused(client_for, county_staff, placed):
    client = client_for(county_staff)
    assert client.get(reverse("insights:map"), {"region": "330381"}).status_code == 404
    theirs = client.get(reverse("insights:map_points"), {"region": "330381"})
    assert theirs.status_code == 400 or theirs.json()["count"] == 0


def test_the_kept_cells_answer_as_the_projects_do(
    client_for, city_admin, county_staff, placed, make_project, monkeypatch
):
    """The city's map reads the kept cells; filtered by anything else it sums the projects:
    the two agree through a new project, a move, a light that turns red, and a drop."""
    from investrack.closed_loop.models import Light
    from investrack.closed_loop.services.light_records import lights_record
    from investrack.conftest import days_ago
    from investrack.projects import services

    monkeypatch.setattr(maps, "MAX_POINTS", 0)
    client = client_for(city_admin)
    url = reverse("insights:map_points")

    def both(params=None):
        kept = client.get(url, params or {}).json()
        monkeypatch.setattr(maps, "_kept_cells", lambda *args: None)
        summed = client.get(url, params or {}).json()
        monkeypatch.undo()
        monkeypatch.setattr(maps, "MAX_POINTS", 0)

        def cells(answer):
            return sorted((p["value"][0], p["value"][1], p["count"], p["value"][2], p["light"])
                          for p in answer["points"])  # fmt: skip

        assert cells(kept) == cells(summed)
        return kept

    assert both()["count"] == 4
    mine, _theirs = placed
    make_project(name="迟迟未开工", stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)},
                        longitude=Decimal("120.7"), latitude=Decimal("28.0"))  # fmt: skip
    lights_record()
    answer = both()
    assert answer["count"] == 5
    assert [p["light"] for p in answer["points"] if p["value"][:2] == [120.7, 28.0]] == [Light.RED]
    project = mine[0]
    project.refresh_from_db()
    services.project_update(actor=county_staff, project=project, expected_version=project.version,
                            data={"longitude": Decimal("120.71"), "category": "research"})  # fmt: skip
    services.project_drop(actor=county_staff, project=mine[1], effective_date=days_ago(0),
                          reason="企业撤资")  # fmt: skip
    assert both()["count"] == 4
    assert both({"category": "research"})["count"] == 1
    assert both({"region": "330302"})["count"] == 3
    # A filter the cells do not know: the projects themselves.
    tiered = client.get(url, {"tier": "1yi"}).json()
    assert tiered["count"] == 4 and tiered["points"][0]["url"].startswith("/projects/?tier=")
    assert client_for(county_staff).get(url).json()["count"] == 3
