"""Every form of the product, submitted as the browser sends it: the page is rendered, the
values it carries are posted back (with what the user changed), and the outcome checked.

Each test names the URL its form posts to with ``@form_of(...)``; the last test fails when
a URL that takes a POST (url_matrix.OUTCOMES) has no such test, so a new form cannot come
without one.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from investrack.accounts.models import ApiToken
from investrack.closed_loop.models import ApprovalItem, Notification, Problem
from investrack.conftest import days_ago
from investrack.core.models import AuditEntry
from investrack.core.tests.url_matrix import OUTCOMES
from investrack.projects import services
from investrack.projects.models import ImportBatch, ProgressReport, Project, Stage, Tag
from investrack.regions.models import ChainLink, Industry, Target
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db

FORMS: set[str] = set()


def form_of(*names):
    FORMS.update(names)
    return lambda test: test


def nothing_written(project: Project) -> bool:
    after = Project.objects.get(pk=project.pk)
    return (
        after.version == project.version
        and not AuditEntry.objects.filter(
            table="projects.project", object_id=project.pk, action="update"
        ).exists()
    )


# --- the project form ---------------------------------------------------------------------


@pytest.fixture
def rich_project(make_project, park, leader_person):
    """A project of every shape the form shows: park, industry, foreign investment, chain
    link, tags, a linked leader, planned dates, a description of two lines."""
    tag = Tag.objects.create(name="省重点")
    project = make_project(
        park=park,
        industry=Industry.objects.get(code="2710"),
        chain_link=ChainLink.objects.first(),
        foreign_investment=Decimal("13811571.00"),
        foreign_currency="USD",
        land_area=Decimal("120.5"),
        planned_start_date=days_ago(-90),
        description="第一行\n第二行",
        linked_leaders=[leader_person],
    )
    project.tags.add(tag)
    return Project.objects.get(pk=project.pk)


@form_of("projects:edit")
def test_edit_saved_unchanged_writes_nothing(client_for, county_staff, rich_project):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:edit", args=[rich_project.pk])))
    sent = form.data()
    assert sent["region"] == [rich_project.region.code]
    assert sent["park"] == [rich_project.park.code]
    assert sent["industry"] == ["2710"]
    response = form.submit(client)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert nothing_written(rich_project)
    after = Project.objects.get(pk=rich_project.pk)
    assert (after.industry.code, after.park_id) == ("2710", rich_project.park_id)
    assert (after.foreign_investment, after.foreign_currency) == (Decimal("13811571"), "USD")


def test_edit_one_field_is_one_audit_line(client_for, county_staff, rich_project):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:edit", args=[rich_project.pk])))
    assert form.submit(client, {"name": "改名后的项目"}).status_code == 302
    entry = AuditEntry.objects.get(object_id=rich_project.pk, action="update")
    assert list(entry.changes) == ["name"]
    page = client.get(rich_project.get_absolute_url()).content.decode()
    assert "改名后的项目" in page


def test_the_history_speaks_the_forms_words(client_for, county_staff, make_project):
    project = make_project()
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:edit", args=[project.pk])))
    assert (
        form.submit(client, {"category": "services", "total_investment": "2亿"}).status_code == 302
    )
    page = client.get(project.get_absolute_url()).content.decode()
    history = page.split('id="history"')[1].split("</section>")[0]
    assert "制造业" in history and "服务业" in history
    assert "manufacturing" not in history and "services" not in history
    assert "1.5亿元" in history and "2亿元" in history
    assert "总投资（元）" not in history and "外资币种" not in history


@form_of("projects:create")
@pytest.mark.parametrize(
    ("written", "stored"), [("3,000万美元", (30_000_000, "USD")), ("300", (3_000_000, "CNY"))]
)
def test_create_with_foreign_investment(client_for, county_staff, county, written, stored):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:create")))
    assert form.data()["region"] == [county.code]  # a county user's only region
    response = form.submit(
        client, {"name": "外资项目", "total_investment": "5亿", "foreign_investment": written}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    project = Project.objects.get(name="外资项目")
    assert (project.foreign_investment, project.foreign_currency) == stored
    assert project.code.startswith(f"{county.code}-{timezone.localdate().year}-")
    # …and it edits unchanged afterwards
    edit = rendered_form(client.get(reverse("projects:edit", args=[project.pk])))
    assert edit.submit(client).status_code == 302 and nothing_written(project)


# --- stage changes, corrections, drops, stalls, progress --------------------------------


@form_of("projects:stage")
def test_stage_change(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:stage", args=[project.pk])))
    today = timezone.localdate().isoformat()
    response = form.submit(client, {"to_stage": str(Stage.STARTED.value), "effective_date": today})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).stage == Stage.STARTED


@form_of("projects:correct")
def test_correction(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    event = project.events.get(stage=Stage.SIGNED)
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:correct", args=[project.pk, event.pk])))
    response = form.submit(
        client, {"new_date": days_ago(25).isoformat(), "reason": "合同落款日期为准"}
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Project.objects.get(pk=project.pk).signed_on == days_ago(25)


@form_of("projects:drop")
def test_drop(client_for, county_staff, make_project):
    project = make_project()
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:drop", args=[project.pk])))
    today = timezone.localdate().isoformat()
    assert form.submit(client, {"effective_date": today, "reason": "企业撤资"}).status_code == 302
    assert Project.objects.get(pk=project.pk).dropped_on == timezone.localdate()


@form_of("projects:stalled")
def test_stall_from_the_project_page(client_for, county_staff, make_project):
    project = make_project()
    client = client_for(county_staff)
    page = client.get(project.get_absolute_url())
    form = rendered_form(page, action=reverse("projects:stalled", args=[project.pk]))
    assert form.submit(client, {"reason": "企业资金链紧张"}).status_code == 302
    assert Project.objects.get(pk=project.pk).is_stalled
    # The same click again from the stale page does not clear it.
    form.submit(client, {"reason": "企业资金链紧张"})
    assert Project.objects.get(pk=project.pk).is_stalled
    clear = rendered_form(
        client.get(project.get_absolute_url()),
        action=reverse("projects:stalled", args=[project.pk]),
    )
    assert clear.submit(client).status_code == 302
    assert not Project.objects.get(pk=project.pk).is_stalled


@form_of("projects:progress")
def test_progress_report(client_for, county_staff, make_project):
    project = make_project(stage=Stage.STARTED, dates={Stage.STARTED: days_ago(60)})
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:progress", args=[project.pk])))
    month = days_ago(31).strftime("%Y-%m")
    response = form.submit(
        client,
        {"period": month, "investment_completed": "1500", "construction_progress": "20"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert ProgressReport.objects.get(project=project).investment_completed == 15_000_000


# --- imports ------------------------------------------------------------------------------


@form_of("projects:imports", "projects:import_confirm")
def test_import_upload_then_confirm(client_for, county_staff):
    client = client_for(county_staff)
    upload = rendered_form(client.get(reverse("projects:imports")))
    sheet = SimpleUploadedFile("项目.csv", "项目名称,总投资（万元）\n新材料项目,5000\n".encode())
    response = upload.submit(client, {"kind": "projects", "file": sheet})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    confirm = rendered_form(
        client.get(response.url), action=reverse("projects:import_confirm", args=[batch.pk])
    )
    assert confirm.submit(client).status_code == 302
    assert Project.objects.get(name="新材料项目").total_investment == 50_000_000


# --- the closed loop ----------------------------------------------------------------------


@pytest.fixture
def signed(make_project):
    return make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})


@form_of("service:checklist", "service:approval")
def test_checklist_then_an_approval_item(client_for, county_staff, signed):
    client = client_for(county_staff)
    page = client.get(signed.get_absolute_url())
    create = rendered_form(page, action=reverse("service:checklist", args=[signed.pk]))
    assert create.submit(client).status_code == 302
    item = signed.approval_items.order_by("id").first()
    url = reverse("service:approval", args=[item.pk])
    form = rendered_form(client.get(url))
    assert form.submit(client).status_code == 302  # unchanged: nothing written
    assert ApprovalItem.objects.get(pk=item.pk).version == item.version
    assert not AuditEntry.objects.filter(table="service.approvalitem", action="update").exists()
    # 已批复 without a date: told on the date field, not as a database constraint
    refused = rendered_form(client.get(url)).submit(client, {"status": "approved"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "约束" not in page and "constraint" not in page
    assert 'class="field has-error"' in page and "请填写批复日期" in page.split("approved_on")[-1]


@form_of("service:problem_raise")
def test_raise_a_problem(client_for, county_staff, signed, department):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("service:problem_raise", args=[signed.pk])))
    response = form.submit(
        client,
        {
            "title": "用地指标不足",
            "description": "需要协调用地指标",
            "category": "land",
            "department": str(department.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Problem.objects.get().working_days == 10  # the form's default


@pytest.fixture
def problem(county_staff, signed, department):
    from investrack.closed_loop import services as loop

    return loop.problem_raise(
        actor=county_staff,
        project=signed,
        title="环评审批慢",
        description="请协调",
        category="approvals",
        department=department,
        working_days=10,
    )


@form_of("service:problem_step")
def test_the_department_accepts_then_resolves(client_for, department_staff, problem):
    client = client_for(department_staff)
    url = problem.get_absolute_url()
    accept = rendered_form(
        client.get(url), action=reverse("service:problem_step", args=[problem.pk, "accept"])
    )
    assert accept.submit(client).status_code == 302
    resolve = rendered_form(
        client.get(url), action=reverse("service:problem_step", args=[problem.pk, "resolve"])
    )
    assert resolve.submit(client, {"text": "已协调解决"}).status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == "resolved"


@form_of("service:problem_reassign")
def test_the_bureau_reassigns(client_for, city_admin, problem, other_department):
    client = client_for(city_admin)
    form = rendered_form(
        client.get(problem.get_absolute_url()),
        action=reverse("service:problem_reassign", args=[problem.pk]),
    )
    response = form.submit(client, {"department": str(other_department.pk), "reason": "职能调整"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Problem.objects.get(pk=problem.pk).department == other_department


@form_of("service:inbox_read_all")
def test_mark_all_read(client_for, department_staff, problem):
    client = client_for(department_staff)
    form = rendered_form(
        client.get(reverse("service:inbox")), action=reverse("service:inbox_read_all")
    )
    assert form.submit(client).status_code == 302
    assert not Notification.objects.filter(user=department_staff, read_at__isnull=True).exists()


# --- targets ------------------------------------------------------------------------------


@pytest.fixture
def plain_city_admin(city):
    from investrack.accounts.models import Role
    from investrack.conftest import make_user

    return make_user("plainadmin", Role.CITY_ADMIN, region=city)


@form_of("insights:targets")
def test_targets_grid(client_for, plain_city_admin, county):
    client = client_for(plain_city_admin)
    year = timezone.localdate().year
    form = rendered_form(client.get(reverse("insights:targets")))
    assert form.submit(client).status_code == 302
    assert not Target.objects.exists() and not AuditEntry.objects.exists()
    cell = f"r{county.pk}-introduced"  # projects introduced: a count
    assert cell in form.names
    response = rendered_form(client.get(reverse("insights:targets"))).submit(client, {cell: "12"})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.year, target.region, target.indicator, target.value) == (
        year,
        county,
        "introduced",
        12,
    )


@form_of("insights:targets_upload")
def test_targets_sheet_back_unchanged(client_for, plain_city_admin):
    client = client_for(plain_city_admin)
    sheet = client.get(reverse("insights:targets_download"))
    form = rendered_form(
        client.get(reverse("insights:targets")), action=reverse("insights:targets_upload")
    )
    data = b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
    response = form.submit(client, {"file": SimpleUploadedFile("目标.xlsx", data)})
    assert response.status_code == 302
    assert not Target.objects.exists()


# --- accounts, language, log-in -----------------------------------------------------------


@form_of("insights:briefing_issue")
def test_issue_the_briefing_from_the_dashboard(client_for, county_staff, make_project):
    """The dashboard's button issues the briefing of the month shown: kept with its
    figures and its file; made again as known on that day it is the same file."""
    from investrack.insights.models import IssuedBriefing

    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(60)})
    client = client_for(county_staff)
    form = rendered_form(
        client.get(reverse("insights:dashboard")), action=reverse("insights:briefing_issue")
    )
    response = form.submit(client)
    issued = IssuedBriefing.objects.get()
    assert response.status_code == 302 and response.url == issued.get_absolute_url()
    assert issued.region == county_staff.region and issued.issued_by == county_staff
    assert issued.figures["total"]["figures"]["introduced"]["actual"] is not None
    page = client.get(issued.get_absolute_url())
    assert "没有指标变化" in page.content.decode() or "No figure has changed" in (
        page.content.decode()
    )
    stored = b"".join(client.get(reverse("insights:issued_briefing_file", args=[issued.pk])))
    again = client.get(reverse("insights:issued_briefing_again", args=[issued.pk])).content
    assert stored == again


@form_of("accounts:profile", "accounts:token_revoke")
def test_create_and_revoke_a_key(client_for, county_staff):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("accounts:profile")))
    response = form.submit(client, {"name": "统计平台"})
    assert response.status_code == 200 and "itk_" in response.content.decode()
    token = ApiToken.objects.get(user=county_staff)
    revoke = rendered_form(response, action=reverse("accounts:token_revoke", args=[token.pk]))
    assert revoke.submit(client).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@form_of("login", "logout")
def test_log_in_and_out(client, county_staff):
    form = rendered_form(client.get(reverse("login")))
    response = form.submit(client, {"username": "lucheng", "password": county_staff.plain_password})
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert rendered_form(home, action=reverse("logout")).submit(client).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@form_of("promotion:decide")
def test_arbitrate_a_conflicting_lead(
    client_for, make_project, county_staff, other_staff, other_county, city_admin
):
    first = make_project(name="一期", investor=None, actor=county_staff)
    second = make_project(name="二期", region=other_county, actor=other_staff)
    for project in (first, second):  # the same investor, typed two ways
        services.project_update(
            actor=city_admin,
            project=project,
            data={
                "investor": services.InvestorName(
                    "正泰电器股份有限公司" if project == first else "正泰电器有限公司"
                )
            },
            expected_version=project.version,
        )
    client = client_for(city_admin)
    decide = reverse("promotion:decide", args=[first.pk, second.pk])
    form = rendered_form(client.get(reverse("promotion:conflicts")), action=decide)
    assert (
        form.submit(client, {"outcome": "transfer", "note": "企业意向落户瑞安"}).status_code == 302
    )
    first.refresh_from_db()
    assert first.is_dropped and "瑞安市" in first.drop_reason


@form_of("promotion:visits")
def test_log_a_visit(client_for, county_staff, make_project):
    from investrack.promotion.models import Visit
    from investrack.promotion.tests.test_visits import log_visit

    lead = make_project()
    assert log_visit(client_for(county_staff), lead).status_code == 302
    assert Visit.objects.get().project == lead


@form_of("promotion:event_new", "promotion:event")
def test_record_a_ceremony_and_add_a_project_to_it(client_for, county_staff, make_project):
    import datetime

    from django.utils import timezone

    from investrack.promotion.models import PromotionEvent
    from investrack.promotion.tests.test_events import record_event

    month_ago = {Stage.SIGNED: timezone.localdate() - datetime.timedelta(days=30)}
    first, later = (make_project(stage=Stage.SIGNED, dates=month_ago) for _ in range(2))
    client = client_for(county_staff)
    assert record_event(client, "start", [first], name="集中开工").status_code == 302
    event = PromotionEvent.objects.get()
    page = client.get(reverse("promotion:event", args=[event.pk]))
    add = rendered_form(page, id="add-form")
    assert add.submit(client, {"projects": [str(later.pk)]}).status_code == 302
    later.refresh_from_db()
    assert later.stage == Stage.STARTED


@form_of("promotion:contact_add", "promotion:contact_reveal")
def test_record_and_reveal_a_contact(client_for, county_staff):
    from investrack.projects import services as project_services
    from investrack.promotion.models import InvestorContact
    from investrack.promotion.tests.test_contacts import record_contact

    project = project_services.project_create(
        actor=county_staff,
        data={"name": "客商项目", "code": "C-1", "region": county_staff.region,
              "total_investment": Decimal("100000000"),
              "investor": project_services.InvestorName("华锂新能源有限公司")},
    )  # fmt: skip
    client = client_for(county_staff)
    assert record_contact(client, project).status_code == 302
    contact = InvestorContact.objects.get()
    page = client.get(reverse("promotion:visits", args=[project.pk]))
    reveal = rendered_form(
        page, action=reverse("promotion:contact_reveal", args=[project.pk, contact.pk])
    )
    assert "138 1234 5678" in reveal.submit(client).content.decode()


@form_of("promotion:targets", "promotion:target_contacted")
def test_add_a_target_and_mark_it_contacted(client_for, county_staff):
    from investrack.promotion.models import TargetEnterprise
    from investrack.promotion.tests.test_targets import add_target
    from investrack.regions.models import ChainLink

    link = ChainLink.objects.order_by("pk").first()
    client = client_for(county_staff)
    assert add_target(client, link).status_code == 302
    target = TargetEnterprise.objects.get()
    page = client.get(reverse("promotion:targets") + f"?link={link.pk}")
    mark = rendered_form(page, action=reverse("promotion:target_contacted", args=[target.pk]))
    assert mark.submit(client).status_code == 302
    target.refresh_from_db()
    assert target.status == "contacted"


@form_of("promotion:duplicate_decide")
def test_decide_a_pair_counted_twice(client_for, city_admin, make_project):
    from investrack.promotion.models import DuplicateDecision

    a = make_project(name="智能制造产业园", national_code="2301-330302-04-01-000001")
    b = make_project(name="高端装备基地", national_code="2301-330302-04-01-000001")
    client = client_for(city_admin)
    page = client.get(reverse("promotion:duplicates"))
    form = rendered_form(page, action=reverse("promotion:duplicate_decide", args=[a.pk, b.pk]))
    assert form.submit(client, {"outcome": "distinct"}).status_code == 302
    assert DuplicateDecision.objects.get().outcome == "distinct"


@form_of("set_language")
def test_switch_language(client_for, county_staff):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("home")), action=reverse("set_language"))
    response = form.submit(client, button="language", value="en")
    assert response.status_code == 302
    assert "Projects" in client.get(reverse("home")).content.decode()


def test_every_form_has_a_test_that_submits_it_as_sent():
    posting = {
        name
        for name, (_get, post) in OUTCOMES.items()
        if any(code not in ("405", "302", "403", "404") for code in post.split()[:-1])
        or "302" in post.split()[:-1]
    }
    posting -= {"admin:index"}
    assert sorted(posting - FORMS) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total_investment", "1" + "0" * 30),
        ("land_area", "1" + "0" * 30),
        ("expected_annual_tax", "9" * 40 + "亿"),
    ],
)
def test_absurd_figures_are_refused_with_a_message(client_for, county_staff, field, value):
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("projects:create")))
    response = form.submit(client, {"name": "巨额项目", "total_investment": "1亿", field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="field has-error"' in page and "过大" in page
    assert not Project.objects.exists()


@form_of("password_reset", "password_reset_confirm")
def test_forgotten_password_by_email(client, county_staff, mailoutbox):
    import re

    county_staff.email = "lucheng@example.gov.cn"
    county_staff.save()
    assert "password-reset" in client.get(reverse("login")).content.decode()
    form = rendered_form(client.get(reverse("password_reset")))
    response = form.submit(client, {"email": "lucheng@example.gov.cn"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "新密码" in mailoutbox[0].subject
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mailoutbox[0].body)[1]
    page = client.get(link, follow=True)
    set_form = rendered_form(page, action=page.request["PATH_INFO"])
    weak = set_form.submit(client, {"new_password1": "12345678", "new_password2": "12345678"})
    assert (
        weak.status_code == 200 and "密码" in weak.content.decode()
    )  # Django's validators, in Chinese
    set_form = rendered_form(weak, action=page.request["PATH_INFO"])
    done = set_form.submit(
        client, {"new_password1": "瓯江-new-Secret-2026", "new_password2": "瓯江-new-Secret-2026"}
    )
    assert done.status_code == 302
    login = rendered_form(client.get(reverse("login")))
    assert (
        login.submit(
            client, {"username": "lucheng", "password": "瓯江-new-Secret-2026"}
        ).status_code
        == 302
    )


@form_of("accounts:password_change")
def test_change_password_ends_the_other_sessions(client, county_staff):
    from django.test import Client

    other = Client()
    other.force_login(county_staff)
    client.force_login(county_staff)
    form = rendered_form(client.get(reverse("accounts:password_change")))
    response = form.submit(
        client,
        {
            "old_password": county_staff.plain_password,
            "new_password1": "瓯江-new-Secret-2026",
            "new_password2": "瓯江-new-Secret-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # this session goes on
    assert other.get(reverse("home")).status_code == 302  # the other one ended


@form_of("accounts:log_out_everywhere")
def test_log_out_everywhere(client, county_staff):
    from django.test import Client

    phone = Client()
    phone.force_login(county_staff)
    client.force_login(county_staff)
    form = rendered_form(
        client.get(reverse("accounts:profile")), action=reverse("accounts:log_out_everywhere")
    )
    assert form.submit(client).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
    county_staff.refresh_from_db()
    client.force_login(county_staff)  # a new log-in works
    assert client.get(reverse("home")).status_code == 200
