"""撞单: a second county registers a lead of an investor another county already chases; the
city bureau sees the conflict and arbitrates; both sides are told; nobody sees what isn't
theirs."""

import pytest
from django.urls import reverse

from investrack.closed_loop.models import Notification
from investrack.daily.job import daily_run
from investrack.projects.models import Project, Stage, StageEvent
from investrack.promotion.models import LeadDecision
from investrack.testkit import rendered_form


def register_lead(client, name: str, investor: str) -> Project:
    """A county's staff register a lead on the project form, as the browser sends it."""
    form = rendered_form(client.get(reverse("projects:create")))
    response = form.submit(
        client,
        {"name": name, "total_investment": "20亿", "investor_name": investor, "stage": "1"},
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    return Project.objects.get(name=name)


@pytest.fixture
def conflict(client_for, county_staff, other_staff):
    first = register_lead(
        client_for(county_staff), "宁德时代储能电池项目", "宁德时代新能源科技股份有限公司"
    )
    second = register_lead(
        client_for(other_staff), "宁德时代电池基地项目", "宁德时代新能源科技有限公司"
    )
    return first, second


def test_the_bureau_sees_the_conflict_and_each_county_only_its_own_lead(
    client_for, conflict, city_admin, county_staff, other_staff, viewer
):
    first, second = conflict
    page = client_for(city_admin).get(reverse("promotion:conflicts"))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('class="card conflict"') == 1
    assert first.name in text and second.name in text and "瑞安市" in text
    assert reverse("promotion:decide", args=[first.pk, second.pk]) in text

    mine = client_for(county_staff).get(reverse("promotion:conflicts")).content.decode()
    assert first.name in mine and second.name not in mine  # the other county's lead stays theirs
    assert "瑞安市" in mine and "另一县区的线索" in mine
    assert "/decide/" not in mine  # only the bureau decides
    assert client_for(viewer).get(reverse("promotion:conflicts")).status_code == 403


def test_a_different_investor_is_no_conflict(client_for, county_staff, other_staff, city_admin):
    register_lead(
        client_for(county_staff), "宁德时代储能电池项目", "宁德时代新能源科技股份有限公司"
    )
    register_lead(client_for(other_staff), "电机项目", "宁德时代电机科技有限公司")
    page = client_for(city_admin).get(reverse("promotion:conflicts")).content.decode()
    assert 'class="card conflict"' not in page and "没有撞单" in page


def test_the_bureau_keeps_the_first_lead_and_the_other_is_dropped_with_its_history(
    client_for, conflict, city_admin, county_staff, other_staff
):
    first, second = conflict
    client = client_for(city_admin)
    decide = reverse("promotion:decide", args=[first.pk, second.pk])
    form = rendered_form(client.get(reverse("promotion:conflicts")), action=decide)
    response = form.submit(
        client, {"outcome": "first_keeps", "note": "鹿城区3月已首谈，瑞安市转为协助"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_dropped and not first.is_dropped
    drop = StageEvent.objects.get(project=second, kind=StageEvent.Kind.DROP)
    assert "鹿城区" in drop.note and drop.recorded_by == city_admin
    decision = LeadDecision.objects.get()
    assert (decision.first, decision.second, decision.decided_by) == (first, second, city_admin)
    told = set(Notification.objects.filter(kind="lead_conflict").values_list("user", flat=True))
    assert {county_staff.pk, other_staff.pk} <= told
    after = client.get(reverse("promotion:conflicts")).content.decode()
    assert 'class="card conflict"' not in after


def test_a_share_needs_the_split_and_a_mistake_keeps_what_was_typed(
    client_for, conflict, city_admin
):
    first, second = conflict
    client = client_for(city_admin)
    decide = reverse("promotion:decide", args=[first.pk, second.pk])
    form = rendered_form(client.get(reverse("promotion:conflicts")), action=decide)
    response = form.submit(client, {"outcome": "share", "note": "两地联合招引"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "请填写首谈县区的分成比例" in text and "两地联合招引" in text
    assert not LeadDecision.objects.exists()
    form = rendered_form(response, action=decide)
    assert form.submit(client, {"first_share": "60"}).status_code == 302
    decision = LeadDecision.objects.get()
    assert (decision.outcome, decision.first_share) == ("share", 60)
    assert not Project.objects.filter(
        pk__in=[first.pk, second.pk], dropped_on__isnull=False
    ).exists()


def test_county_staff_cannot_decide(client_for, conflict, county_staff):
    first, second = conflict
    response = client_for(county_staff).post(
        reverse("promotion:decide", args=[first.pk, second.pk]),
        {"outcome": "transfer", "note": "x"},
    )
    assert response.status_code == 403 and not LeadDecision.objects.exists()


def test_the_daily_job_tells_both_sides_and_the_bureau_once(
    conflict, city_admin, county_staff, other_staff
):
    daily_run()
    daily_run()
    told = Notification.objects.filter(kind="lead_conflict")
    assert sorted(told.values_list("user", flat=True)) == sorted(
        [county_staff.pk, other_staff.pk, city_admin.pk]
    )
    assert "瑞安市" in told.get(user=county_staff).body


def test_a_lead_already_signed_is_no_longer_a_conflict(conflict, city_admin, client_for):
    first, second = conflict
    from investrack.projects import services

    services.stage_advance(
        actor=city_admin, project=second, to_stage=Stage.SIGNED, effective_date=second.stage_since
    )
    page = client_for(city_admin).get(reverse("promotion:conflicts")).content.decode()
    assert 'class="card conflict"' not in page


CATL = "91350900587527783P"  # well-formed (the check character computed), not a real company's


def test_a_known_credit_code_names_its_investor_whatever_the_name_typed(
    client_for, county_staff, other_staff, city_admin
):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:create")))
    response = form.submit(
        client,
        {"name": "储能项目", "total_investment": "20亿", "stage": "1",
         "investor_name": "宁德时代新能源科技股份有限公司", "investor_credit_code": CATL.lower()},
    )  # fmt: skip
    assert response.status_code == 302
    first = Project.objects.get(name="储能项目")
    assert first.investor.credit_code == CATL

    other = client_for(other_staff)
    form = rendered_form(other.get(reverse("projects:create")))
    typo = CATL[:-1] + ("Q" if CATL[-1] != "Q" else "R")
    refused = form.submit(
        other,
        {"name": "电池项目", "total_investment": "5亿", "stage": "1",
         "investor_name": "CATL", "investor_credit_code": typo},
    )  # fmt: skip
    assert refused.status_code == 200 and "校验位不符" in refused.content.decode()
    form = rendered_form(refused)
    assert form.submit(other, {"investor_credit_code": CATL}).status_code == 302
    second = Project.objects.get(name="电池项目")
    assert second.investor == first.investor  # "CATL" with the code is the same company
    page = client_for(city_admin).get(reverse("promotion:conflicts")).content.decode()
    assert "统一社会信用代码相同" in page and CATL in page


def test_a_lead_brought_by_a_sheet_is_caught_by_its_investors_name(
    client_for, county_staff, other_staff, city_admin, make_xlsx
):
    """The second county imports its leads: the investor the sheet names is new, and its
    name is another way of writing the first county's investor."""
    from investrack.conftest import upload
    from investrack.projects.models import ImportBatch

    first = register_lead(
        client_for(county_staff), "宁德时代储能电池项目", "宁德时代新能源科技股份有限公司"
    )
    sheet = make_xlsx(
        [["项目名称", "投资主体", "计划总投资（亿元）", "当前阶段"],
         ["宁德时代电池基地项目", "宁德时代新能源科技有限公司", 20, "线索"]]
    )  # fmt: skip
    other = client_for(other_staff)
    other.post(
        reverse("projects:imports"), {"kind": "projects", "file": upload("线索.xlsx", sheet)}
    )
    other.post(reverse("projects:import_confirm", args=[ImportBatch.objects.get().pk]))
    second = Project.objects.get(name="宁德时代电池基地项目")
    assert second.region == other_staff.region and second.stage == Stage.LEAD

    page = client_for(city_admin).get(reverse("promotion:conflicts")).content.decode()
    assert page.count('class="card conflict"') == 1
    assert reverse("promotion:decide", args=[first.pk, second.pk]) in page
