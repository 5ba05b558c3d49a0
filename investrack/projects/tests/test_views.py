"""The project pages as an official uses them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from investrack.conftest import days_ago
from investrack.projects import services
from investrack.projects.models import Project, Stage, Tag

pytestmark = pytest.mark.django_db


def valid_form(**overrides):
    data = {
        "name": "年产10GWh动力电池项目",
        "code": "LC-2024-001",
        "category": "manufacturing",
        "region": "330302",
        "total_investment": "1.5亿",
        "land_area": "120",
        "investor_name": "温州瓯电新能源有限公司",
        "investor_origin": "domestic",
        "stage": str(Stage.SIGNED.value),
        "signed_on": days_ago(30).isoformat(),
        "industry": "3841",
    }
    data.update(overrides)
    return data


def test_create_a_project_with_amounts_as_written(client_for, county_staff):
    client = client_for(county_staff)
    response = client.post(reverse("projects:create"), valid_form())
    project = Project.objects.get(code="LC-2024-001")
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.total_investment == 150_000_000
    assert project.stage == Stage.SIGNED and project.signed_on == days_ago(30)
    assert project.investor.name == "温州瓯电新能源有限公司"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "1.5亿元" in page and "120亩" in page


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"total_investment": "约3亿"}, "total_investment", "约3亿"),
        ({"land_area": "-5"}, "land_area", "负"),
        (
            {
                "stage": "4",
                "signed_on": days_ago(5).isoformat(),
                "started_on": days_ago(20).isoformat(),
            },
            "started_on",
            "签约",
        ),
        ({"region": "999999"}, "region", "区域代码"),
        ({"industry": "9999"}, "industry", "行业代码"),
        ({"signed_on": days_ago(-10).isoformat()}, "signed_on", "未来"),
        ({"national_code": "2023-33"}, "national_code", "2023-330302-36-03-012345"),
    ],
)
def test_bad_input_gets_a_clear_message_on_the_field_and_writes_nothing(
    client_for, county_staff, overrides, field, words
):
    client = client_for(county_staff)
    response = client.post(reverse("projects:create"), valid_form(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert not Project.objects.exists()
    # The form keeps what the user typed.
    assert response.context["form"].data["name"] == "年产10GWh动力电池项目"


def test_second_editor_is_refused_and_keeps_their_input(client_for, county_staff, make_project):
    project = make_project()
    client = client_for(county_staff)
    url = reverse("projects:edit", args=[project.pk])
    form = client.get(url).context["form"]
    base = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    base.update(
        region="330302",
        category="manufacturing",
        total_investment="15000",
        investor_origin="domestic",
    )
    first = client.post(url, {**base, "name": "甲改的名称"})
    assert first.status_code == 302
    second = client.post(url, {**base, "name": "乙改的名称"})
    assert second.status_code == 200
    assert "其他人" in " ".join(second.context["form"].non_field_errors())
    assert 'value="乙改的名称"' in second.content.decode()
    project.refresh_from_db()
    assert project.name == "甲改的名称"


def test_stage_change_with_evidence_file(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(60)})
    client = client_for(county_staff)
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {
            "to_stage": Stage.STARTED.value,
            "effective_date": days_ago(3).isoformat(),
            "note": "举行开工仪式",
            "version": project.version,
            "evidence": [SimpleUploadedFile("施工许可证.pdf", b"%PDF-1.4 permit")],
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.STARTED
    event = project.events.get(stage=Stage.STARTED)
    evidence = event.evidence.get()
    assert evidence.original_name == "施工许可证.pdf"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "举行开工仪式" in page and "施工许可证.pdf" in page
    download = client.get(reverse("projects:evidence", args=[project.pk, evidence.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 permit"


def test_illegal_stage_move_is_refused_on_the_form(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)})
    client = client_for(county_staff)
    response = client.post(
        reverse("projects:stage", args=[project.pk]),
        {
            "to_stage": Stage.STARTED.value,
            "effective_date": days_ago(20).isoformat(),
            "version": project.version,
        },
    )
    assert response.status_code == 200
    assert "effective_date" in response.context["form"].errors
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED


def test_correction_keeps_the_old_entry_visible(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)})
    event = project.events.get(stage=Stage.SIGNED)
    client = client_for(county_staff)
    response = client.post(
        reverse("projects:correct", args=[project.pk, event.pk]),
        {"new_date": days_ago(8).isoformat(), "reason": "合同落款日期为后两天"},
    )
    assert response.status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert "合同落款日期为后两天" in page
    assert 'class="corrected' in page


def test_drop_and_stalled_from_the_project_page(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)})
    client = client_for(county_staff)
    client.post(
        reverse("projects:stalled", args=[project.pk]), {"stalled": "1", "reason": "资金未到位"}
    )
    project.refresh_from_db()
    assert project.is_stalled
    client.post(
        reverse("projects:drop", args=[project.pk]),
        {"effective_date": days_ago(1).isoformat(), "reason": "企业撤资"},
    )
    project.refresh_from_db()
    assert project.is_dropped
    active = client.get(reverse("projects:list")).content.decode()
    assert project.name not in active
    dropped = client.get(reverse("projects:list"), {"status": "dropped"}).content.decode()
    assert project.name in dropped


def test_the_stalled_list_holds_the_stalled_projects_of_the_jurisdiction(
    client_for, county_staff, make_project, other_staff, other_county
):
    """The stalled projects (not the dropped ones, not those going again), counted as the
    list shows them, inside the user's county."""
    stalled, resumed, dropped = (
        make_project(name=name, stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)})
        for name in ("停滞的项目", "复工的项目", "终止的项目")
    )
    make_project(name="在推进的项目")
    theirs = make_project(actor=other_staff, region=other_county, name="瑞安停滞项目")
    client_for(other_staff).post(reverse("projects:stalled", args=[theirs.pk]),
                                 {"stalled": "1", "reason": "资金未到位"})  # fmt: skip
    client = client_for(county_staff)
    for project in (stalled, resumed, dropped):
        client.post(reverse("projects:stalled", args=[project.pk]),
                    {"stalled": "1", "reason": "资金未到位"})  # fmt: skip
    client.post(
        reverse("projects:stalled", args=[resumed.pk]), {"stalled": "0"}
    )  # as the page sends
    client.post(reverse("projects:drop", args=[dropped.pk]),
                {"effective_date": days_ago(1).isoformat(), "reason": "企业撤资"})  # fmt: skip
    response = client.get(reverse("projects:list"), {"status": "stalled"})
    assert [p.name for p in response.context["page"]] == ["停滞的项目"]
    assert response.context["page"].paginator.count == 1


def test_progress_report_form(client_for, county_staff, make_project):
    project = make_project(stage=Stage.STARTED, dates={Stage.STARTED: days_ago(90)})
    client = client_for(county_staff)
    month = days_ago(0).strftime("%Y-%m")
    response = client.post(
        reverse("projects:progress", args=[project.pk]),
        {"period": month, "investment_completed": "2000", "construction_progress": "15"},
    )
    assert response.status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert "2,000万元" in page and "15%" in page


def test_list_filters(client_for, county_staff, make_project, park):
    big = make_project(
        name="百亿级整车项目",
        total_investment=200 * 10**8,
        park=park,
        stage=Stage.SIGNED,
        dates={Stage.SIGNED: datetime.date(2024, 5, 1)},
    )
    small = make_project(name="小型配套项目", total_investment=3000 * 10**4)
    tag = Tag.objects.create(name="省重大")
    big.tags.add(tag)
    client = client_for(county_staff)
    url = reverse("projects:list")

    def names(params):
        return {p.name for p in client.get(url, params).context["page"]}

    assert names({}) == {big.name, small.name}
    assert names({"tier": "100yi"}) == {big.name}
    assert names({"tier": "1yi", "stage": Stage.LEAD.value}) == set()
    assert names({"park": park.code}) == {big.name}
    assert names({"q": "配套"}) == {small.name}
    assert names({"signed_year": 2024}) == {big.name}
    assert names({"tag": "省重大"}) == {big.name}
    assert names({"region": "330302", "stage": Stage.SIGNED.value}) == {big.name}
    assert names({"sort": "total_investment"}) == {big.name, small.name}
    first = client.get(url, {"sort": "total_investment"}).context["page"][0]
    assert first == small


def test_htmx_request_gets_only_the_table(client_for, county_staff, make_project):
    make_project()
    client = client_for(county_staff)
    response = client.get(reverse("projects:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html


def test_project_leaves_to_sign_and_enters_to_start(client_for, county_staff, make_project):
    project = make_project(stage=Stage.NEGOTIATING, dates={Stage.NEGOTIATING: days_ago(50)})
    client = client_for(county_staff)
    to_sign = reverse("projects:work_list", args=["to-sign"])
    to_start = reverse("projects:work_list", args=["to-start"])
    assert project in client.get(to_sign).context["page"]
    services.stage_advance(
        actor=county_staff, project=project, to_stage=Stage.SIGNED, effective_date=days_ago(1)
    )
    assert project not in client.get(to_sign).context["page"]
    assert project in client.get(to_start).context["page"]


def test_work_list_is_sorted_by_urgency(client_for, county_staff, make_project):
    late = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)}, planned_start_date=days_ago(300)
    )
    later = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)}, planned_start_date=days_ago(10)
    )
    undated = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(400)})
    future = make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(5)}, planned_start_date=days_ago(-30)
    )
    client = client_for(county_staff)
    response = client.get(reverse("projects:work_list", args=["to-start"]))
    assert list(response.context["page"]) == [late, later, future, undated]
    assert "300" in response.content.decode()  # days overdue of the most urgent


def test_unknown_work_list_is_404(client_for, county_staff):
    assert client_for(county_staff).get("/projects/lists/to-dance/").status_code == 404


def test_home_counts_link_to_the_lists(client_for, county_staff, make_project):
    make_project(
        stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)}, planned_start_date=days_ago(1)
    )
    client = client_for(county_staff)
    response = client.get(reverse("home"))
    assert response.context["work_counts"]["to_start_total"] == 1
    assert response.context["work_counts"]["to_start_overdue"] == 1
    assert reverse("projects:work_list", args=["to-start"]) in response.content.decode()


def test_the_industry_filter_takes_a_section_a_branch_or_a_class(
    client_for, county_staff, make_project
):
    from investrack.regions.models import Industry

    for code in ("3612", "3670", "3841", "6311"):
        make_project(name=f"行业{code}", industry=Industry.objects.get(code=code))
    make_project(name="未定行业")
    client = client_for(county_staff)
    for typed, names in [
        ("3612", {"行业3612"}),
        ("36", {"行业3612", "行业3670"}),
        ("c", {"行业3612", "行业3670", "行业3841"}),  # manufacturing, typed in lower case
        ("I", {"行业6311"}),
        ("99", set()),
    ]:
        page = client.get(reverse("projects:list"), {"industry": typed})
        shown = {p.name for p in page.context["page"]}
        assert shown == names, typed
        assert page.context["page"].paginator.count == len(names)


def test_list_query_count_does_not_grow_with_rows(
    client_for, county_staff, make_project, leader_person, park, django_assert_max_num_queries
):
    from investrack.regions.models import Industry

    industry = Industry.objects.get(code="3612")
    for _ in range(30):  # every row with a park, an industry and a responsible person
        project = make_project(
            stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(10)}, park=park,
            industry=industry, responsible_person=leader_person,
        )  # fmt: skip
        project.linked_leaders.add(leader_person)
    client = client_for(county_staff)
    with django_assert_max_num_queries(13):
        listed = client.get(reverse("projects:list"), {"region": "330302", "tier": "1yi"})
    with django_assert_max_num_queries(13):
        working = client.get(reverse("projects:work_list", args=["to-start"]))
    for page in (listed, working):  # each row names its park and linked leader
        html = page.content.decode()
        assert html.count(f'<small class="leader">{leader_person.name}') == 30
        assert html.count(f"<small>{park.name}</small>") == 30
    with django_assert_max_num_queries(16):
        client.get(project.get_absolute_url())


def test_read_only_roles_cannot_open_edit_pages(client_for, viewer, make_project):
    project = make_project()
    client = client_for(viewer)
    assert client.get(project.get_absolute_url()).status_code == 200
    for name in ["edit", "stage", "drop", "progress"]:
        assert client.get(reverse(f"projects:{name}", args=[project.pk])).status_code == 403
    assert client.get(reverse("projects:create")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, make_project):
    project = make_project()
    response = client.get(project.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_change_history_shows_who_changed_what_in_officials_units(
    client_for, county_staff, make_project
):
    project = make_project()
    services.project_update(
        actor=county_staff,
        project=project,
        data={"total_investment": 25 * 10**8, "planned_start_date": datetime.date(2027, 3, 1)},
        expected_version=project.version,
    )
    page = client_for(county_staff).get(project.get_absolute_url()).content.decode()
    history = page[page.index('id="history"') :]
    assert "鹿城专员" in history
    assert "<del>1.5亿元</del> → <ins>25亿元</ins>" in history
    assert "2027年3月1日" in history


def test_project_page_shows_planned_and_actual_date_of_each_stage(
    client_for, county_staff, make_project
):
    project = make_project(
        stage=Stage.SIGNED,
        dates={Stage.SIGNED: datetime.date(2025, 3, 8)},
        planned_start_date=datetime.date(2025, 9, 1),
        planned_production_date=datetime.date(2027, 1, 15),
    )
    page = client_for(county_staff).get(project.get_absolute_url()).content.decode()
    assert "<td>2025年9月1日</td>" in page  # planned start
    assert "<td>2027年1月15日</td>" in page  # planned production
    assert "<td>2025年3月8日</td>" in page  # actual signing


def test_list_counts_read_from_the_kept_totals_restate_the_rows(
    client_for, city_admin, county_staff, other_staff, other_county, park, make_project
):
    """The project list as it opens, narrowed by county, park, stage or category, and the
    working lists count from the stage totals of the projects in each stage now: each
    count must be the rows of the user's jurisdiction (the dropped left out), as when any
    other filter has the rows counted."""
    from decimal import Decimal

    signed = {Stage.SIGNED: days_ago(20)}
    make_project(stage=Stage.SIGNED, dates=signed, park=park)
    make_project(
        stage=Stage.SIGNED, dates=signed, category="services", planned_start_date=days_ago(5)
    )
    make_project(stage=Stage.NEGOTIATING)
    make_project(total_investment=Decimal(5_000_000))  # a lead, under 1亿
    dropped = make_project(stage=Stage.SIGNED, dates=signed)
    services.project_drop(
        actor=county_staff, project=dropped, effective_date=days_ago(1), reason="企业撤资"
    )
    make_project(stage=Stage.SIGNED, dates=signed, region=other_county, actor=other_staff)

    def shown(user, url: str, **query) -> tuple[int, int]:
        page = client_for(user).get(url, query).context["page"]
        return page.paginator.count, len(page.object_list)

    projects, to_start = reverse("projects:list"), reverse("projects:work_list", args=["to-start"])
    assert shown(city_admin, projects) == (5, 5)
    assert shown(county_staff, projects) == (4, 4)
    assert shown(other_staff, projects) == (1, 1)
    assert shown(city_admin, projects, region="330302") == (4, 4)
    assert shown(city_admin, projects, stage=[Stage.SIGNED, Stage.NEGOTIATING]) == (4, 4)
    assert shown(county_staff, projects, stage=Stage.SIGNED, category="services") == (1, 1)
    assert shown(county_staff, projects, park=park.code) == (1, 1)
    assert shown(county_staff, projects, tier="1yi") == (3, 3)  # counted from the rows
    assert shown(county_staff, projects, status="dropped") == (1, 1)
    assert shown(county_staff, to_start) == (2, 2)
    assert shown(city_admin, to_start) == (3, 3)
    assert shown(county_staff, to_start, category="services") == (1, 1)
