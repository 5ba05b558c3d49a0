"""The project page at a glance: the stages with their planned and actual dates (a planned
date passed without the stage is marked overdue), what needs attention first (open problems,
approvals standing before the next stage), and investment completed against the plan."""

import json
import re
from decimal import Decimal

from investrack.closed_loop import services as loop
from investrack.conftest import days_ago
from investrack.projects import services
from investrack.projects.models import Stage


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_stages_planned_and_reached(client_for, county_staff, make_project):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(50)},
                           planned_start_date=days_ago(20), planned_completion_date=days_ago(-400))  # fmt: skip
    page = client_for(county_staff).get(project.get_absolute_url()).content.decode()
    bar = page.split('id="stagebar"')[1].split("</ol>")[0]
    items = re.findall(r'<li class="([^"]*)">(.*?)</li>', bar, re.S)
    by_stage = {visible(text).split()[0]: (cls.split(), visible(text)) for cls, text in items}
    assert "done" in by_stage["签约"][0] and "current" in by_stage["签约"][0]
    assert "late" in by_stage["开工"][0] and "逾期 20 天" in by_stage["开工"][1]
    assert "late" not in by_stage["竣工"][0] and "计划" in by_stage["竣工"][1]


def test_what_needs_attention_comes_first(client_for, county_staff, make_project, department):
    project = make_project(stage=Stage.SIGNED, dates={Stage.SIGNED: days_ago(50)})
    loop.problem_raise(actor=county_staff, project=project, title="用地指标不足",
                       description="协调", category="land", department=department,
                       working_days=5)  # fmt: skip
    loop.approval_checklist_create(actor=county_staff, project=project)
    page = client_for(county_staff).get(project.get_absolute_url()).content.decode()
    attention = page.split('id="attention"')[1].split("</div>")[0]
    assert "用地指标不足" in attention and "进入下一阶段前尚有" in attention
    assert page.index('id="attention"') < page.index('id="problems"')


def test_investment_completed_against_the_plan(client_for, county_staff, make_project):
    project = make_project(
        stage=Stage.STARTED,
        dates={Stage.SIGNED: days_ago(200), Stage.STARTED: days_ago(100)},
        total_investment=Decimal("1000000000"),
        planned_completion_date=days_ago(-265),
    )
    for months_back, amount in ((3, "30000000"), (1, "20000000")):
        services.progress_report_submit(
            actor=county_staff, project=project, period=days_ago(30 * months_back),
            investment_completed=Decimal(amount), construction_progress=10,
        )  # fmt: skip
    page = client_for(county_staff).get(project.get_absolute_url()).content.decode()
    curve = json.loads(re.search(r'id="investment-curve"[^>]*>(.*?)</script>', page, re.S).group(1))
    actual = [v for v in curve["actual"] if v is not None]
    assert actual == [3000.0, 5000.0]  # 万元, cumulative
    assert curve["planned"][-1] == 100000.0  # the whole total by the planned completion
    assert 0 < curve["planned"][0] < curve["planned"][1]
    assert curve["labels"]["actual"] == "累计完成投资"
