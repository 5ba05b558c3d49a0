"""What the pages say is what is true: the next stage's approvals only, dates in Chinese,
counts of what is listed, the order a list is in, the briefing of a closed month, a figure
restated by the list behind it."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from investrack.conftest import days_ago
from investrack.insights.indicators import last_closed_month
from investrack.projects.models import Stage
from investrack.testkit import rendered_form

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_after_the_start_no_approval_of_the_start_blocks(client_for, county_staff, make_project):
    project = make_project(
        stage=Stage.STARTED, dates={Stage.SIGNED: days_ago(90), Stage.STARTED: days_ago(10)}
    )
    client = client_for(county_staff)
    client.post(reverse("service:checklist", args=[project.pk]))
    page = client.get(project.get_absolute_url()).content.decode()
    # 施工许可证 was needed before 开工: it is to be completed, not a blocker of 竣工.
    assert (
        'id="blockers"' not in page
        or "施工许可证" not in page.split('id="blockers"')[1].split("</p>")[0]
    )
    assert "施工许可证" in page.split('id="behind"')[1].split("</p>")[0]


def test_dates_in_chinese_text(client_for, county_staff, make_project, department):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    client = client_for(county_staff)
    form = rendered_form(client.get(reverse("service:problem_raise", args=[project.pk])))
    response = form.submit(
        client,
        {
            "title": "用地",
            "description": "用地",
            "category": "land",
            "department": str(department.pk),
        },
        follow=True,
    )
    text = response.content.decode()
    messages = text.split('class="messages"')[1].split("</ul>")[0]
    assert "年" in messages and not ISO_DATE.search(messages)
    for url in (
        project.get_absolute_url(),
        reverse("service:problems"),
        reverse("projects:imports"),
    ):
        body = client.get(url).content.decode().split("<main>")[1]
        visible = re.sub(r"<[^>]+>", " ", re.sub(r'(href|value|action|hx-get)="[^"]*"', "", body))
        assert not ISO_DATE.search(visible), (url, ISO_DATE.search(visible))


def test_counts_name_what_is_listed(
    client_for, county_staff, department_staff, make_project, department
):
    from investrack.closed_loop import services as loop

    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(30)})
    for title in ("用地", "环评"):
        loop.problem_raise(actor=county_staff, project=project, title=title, description="x",
                           category="land", department=department, working_days=5)  # fmt: skip
    problems = client_for(county_staff).get(reverse("service:problems")).content.decode()
    assert "共 2 个问题" in problems and "个项目" not in problems.split('class="count"')[1][:40]
    inbox = client_for(department_staff).get(reverse("service:inbox")).content.decode()
    assert "共 2 条消息" in inbox


def test_a_working_list_says_its_order(client_for, county_staff):
    client = client_for(county_staff)
    url = reverse("projects:work_list", args=["to-start"])
    page = client.get(url)
    form = rendered_form(page, method="get")
    assert form.data()["sort"] == ["urgency"] and 'id="urgency-hint"' in page.content.decode()
    by_name = form.submit(client, {"sort": "name"})
    assert 'id="urgency-hint"' not in by_name.content.decode()
    assert rendered_form(by_name, method="get").data()["sort"] == ["name"]
    swapped = client.get(url, {"sort": "name"}, HTTP_HX_REQUEST="true")
    assert "HX-Request" in swapped["Vary"] and "<html" not in swapped.content.decode()
    restored = client.get(
        url, {"sort": "name"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.content.decode()  # Back: the whole page, its form filled


def test_the_briefing_reports_the_last_closed_month(client_for, city_admin, make_project):
    from docx import Document

    make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(40)})
    response = client_for(city_admin).get(reverse("insights:briefing", args=["docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    month = last_closed_month(timezone.localdate())
    assert f"{month.year}年第{month.month}期" in text  # the issue of a month that has ended
    assert "无新引进项目" in text  # counties without a project say so, not 0万元
    assert "计划总投资0万元" not in text
    headings = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    if "五、图表" in headings:
        assert (
            Document(io.BytesIO(response.content))
            .paragraphs[headings.index("五、图表")]
            .paragraph_format.keep_with_next
        )


def test_the_stage_bar_opens_a_list_that_restates_it(client_for, county_staff, make_project):
    for n in range(3):
        make_project(name=f"开工项目{n}", stage=Stage.STARTED,
                     dates={Stage.SIGNED: days_ago(60), Stage.STARTED: days_ago(30)})  # fmt: skip
    on = timezone.localdate().isoformat()
    page = client_for(county_staff).get(reverse("projects:list"), {"stage": "4", "on": on})
    figure = page.content.decode().split('id="figure-behind"')[1].split("</p>")[0]
    assert "开工" in figure and "3个" in figure and "4.5亿元" in figure
    assert datetime.date.today().strftime("%Y年") in figure
