"""The search box finds Chinese of two characters and more, words, codes and investors,
through the index the write hook keeps."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory
from django.urls import reverse

from investrack.projects import services
from investrack.projects.admin import InvestorAdmin
from investrack.projects.models import Investor, Project
from investrack.projects.search import project_terms, terms

pytestmark = pytest.mark.django_db


def test_terms_are_pairs_of_chinese_and_words():
    assert terms("新能源ABC汽车１２３") == ["新能", "能源", "abc", "汽车", "123"]
    assert terms("鹿") == ["鹿"]
    assert project_terms("瓯江项目", "", "LC-1") == "瓯江 江项 项目 0sep0 lc 1"


@pytest.fixture
def projects(make_project, county_staff):
    ev = services.InvestorName("温州瑞明新材料有限公司")
    return {
        "ev": make_project(name="瓯江新能源汽车零部件项目", investor=None),
        "lucheng": make_project(name="鹿城智能制造基地", national_code="2026-330302-38-03-000777"),
        "materials": services.project_create(
            actor=county_staff,
            data={
                "name": "高端装备产业园",
                "region": county_staff.region,
                "total_investment": Decimal("200000000"),
                "investor": ev,
                "code": "GD-2026-9",
            },
        ),  # fmt: skip
    }


def found(client, q):
    response = client.get(reverse("projects:list"), {"q": q})
    assert response.status_code == 200
    return set(response.context["page"].paginator.object_list.values_list("name", flat=True))


def test_the_search_box_finds_substrings_codes_and_investors(client_for, county_staff, projects):
    client = client_for(county_staff)
    assert found(client, "新能源") == {"瓯江新能源汽车零部件项目"}
    assert found(client, "能源汽") == {"瓯江新能源汽车零部件项目"}
    assert found(client, "鹿城") == {"鹿城智能制造基地"}
    assert found(client, "智能") == {"鹿城智能制造基地"}
    assert found(client, "源新") == set()  # not a substring: the pairs are not adjacent
    assert found(client, "瑞明新材") == {"高端装备产业园"}  # the investor's name
    assert found(client, "2026-330302-38-03-000777") == {"鹿城智能制造基地"}
    assert found(client, "gd-2026-9") == {"高端装备产业园"}  # words: code parts, any case
    assert found(client, "鹿") == {"鹿城智能制造基地"}  # one character: scanned


def test_the_terms_follow_every_write(client_for, county_staff, admin_user, projects):
    client = client_for(county_staff)
    project = projects["ev"]
    services.project_update(
        actor=county_staff, project=project, data={"name": "瓯江氢能重卡项目"},
        expected_version=project.version,
    )  # fmt: skip
    assert found(client, "新能源") == set() and found(client, "氢能重卡") == {"瓯江氢能重卡项目"}
    # An investor renamed in the back office: its projects are found under the new name.
    investor = Investor.objects.get(name="温州瑞明新材料有限公司")
    investor.name = "温州瑞明科技集团"
    request = RequestFactory().post("/")
    request.user = admin_user
    InvestorAdmin(Investor, AdminSite()).save_model(request, investor, None, change=True)
    assert found(client, "瑞明科技") == {"高端装备产业园"} and found(client, "新材料") == set()
    kept = Project.objects.get(name="高端装备产业园").search.terms
    assert kept == project_terms("高端装备产业园", "GD-2026-9", "", "温州瑞明科技集团")
