"""The columns of the two sheets (projects, monthly progress) and the names of stages and
categories in either language: what the importer reads and the exports write."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy

from investrack.core.excel import Column
from investrack.projects.models import (
    STAGE_DATE_FIELD,
    Stage,
)

# The project sheet. Labels are the template's headers; synonyms are the headers counties
# actually write, in Chinese and English, compared without spaces, stars or units.
PROJECT_COLUMNS = [
    Column("code", gettext_lazy("Project code"), ("项目代码", "项目编号", "编号", "project code", "code")),
    Column("name", gettext_lazy("Project name"), ("项目名称", "项目", "project name", "project", "name"), required=True),
    Column("investor", gettext_lazy("Investor"), ("投资主体", "投资方", "投资企业", "投资单位", "建设单位", "项目业主", "investor")),
    Column("investor_credit_code", gettext_lazy("Investor's unified social credit code"), ("统一社会信用代码", "社会信用代码", "信用代码", "投资主体统一社会信用代码", "credit code", "unified social credit code")),
    Column("category", gettext_lazy("Category"), ("项目类别", "类别", "项目类型", "category")),
    Column("industry", gettext_lazy("Industry"), ("所属行业", "行业", "行业类别", "国民经济行业", "行业代码", "industry")),
    Column("region", gettext_lazy("Region"), ("所属区域", "县（市、区）", "县(市、区)", "县市区", "所在县区", "区域", "属地", "region", "county")),
    Column("park", gettext_lazy("Park"), ("所属园区", "园区", "所在园区", "平台", "park")),
    Column("total_investment", gettext_lazy("Total investment"), ("总投资", "投资额", "计划总投资", "总投资额", "项目总投资", "协议投资额", "total investment", "investment"), kind="amount", required=True),
    Column("foreign_investment", gettext_lazy("Foreign investment"), ("外资", "利用外资", "合同外资", "外资金额", "其中:外资", "其中外资", "其中:利用外资", "foreign investment"), kind="amount"),
    Column("foreign_currency", gettext_lazy("Currency of the foreign investment"), ("外资币种", "币种", "外资币别", "currency"), kind="currency"),
    Column("land_area", gettext_lazy("Land area"), ("用地面积", "用地", "占地面积", "供地面积", "land area", "land"), kind="area"),
    Column("expected_annual_output", gettext_lazy("Expected annual output"), ("预计年产值", "达产产值", "达产后年产值", "expected annual output"), kind="amount"),
    Column("expected_annual_tax", gettext_lazy("Expected annual tax"), ("预计年税收", "达产税收", "达产后年税收", "expected annual tax"), kind="amount"),
    Column("stage", gettext_lazy("Current stage"), ("当前阶段", "阶段", "项目阶段", "项目进度", "进展阶段", "current stage", "stage")),
    Column("planned_sign_date", gettext_lazy("Planned signing date"), ("计划签约时间", "计划签约日期", "planned signing date"), kind="date"),
    Column("planned_start_date", gettext_lazy("Planned start date"), ("计划开工时间", "计划开工日期", "planned start date"), kind="date"),
    Column("planned_completion_date", gettext_lazy("Planned completion date"), ("计划竣工时间", "计划竣工日期", "planned completion date"), kind="date"),
    Column("planned_production_date", gettext_lazy("Planned production date"), ("计划投产时间", "计划投产日期", "planned production date"), kind="date"),
    Column("lead_on", gettext_lazy("Lead date"), ("线索时间", "线索日期", "获取线索时间", "lead date"), kind="date"),
    Column("negotiating_on", gettext_lazy("Negotiation start date"), ("在谈时间", "洽谈时间", "洽谈日期", "negotiation start date"), kind="date"),
    Column("signed_on", gettext_lazy("Signing date"), ("签约时间", "签约日期", "实际签约时间", "signing date"), kind="date"),
    Column("started_on", gettext_lazy("Start date"), ("开工时间", "开工日期", "实际开工时间", "start date"), kind="date"),
    Column("completed_on", gettext_lazy("Completion date"), ("竣工时间", "竣工日期", "实际竣工时间", "completion date"), kind="date"),
    Column("production_on", gettext_lazy("Production date"), ("投产时间", "投产日期", "实际投产时间", "production date"), kind="date"),
    Column("full_output_on", gettext_lazy("Full output date"), ("达产时间", "达产日期", "full output date"), kind="date"),
    Column("description", gettext_lazy("Description"), ("建设内容", "项目简介", "主要建设内容", "项目内容", "description")),
]  # fmt: skip

PROGRESS_COLUMNS = [
    Column("code", gettext_lazy("Project code"), ("项目代码", "项目编号", "编号", "project code", "code"), required=True),
    Column("name", gettext_lazy("Project name"), ("项目名称", "项目", "project name", "name")),
    Column("period", gettext_lazy("Month"), ("月份", "填报月份", "报告期", "统计月份", "年月", "month", "period"), kind="date", required=True),
    Column("investment_completed", gettext_lazy("Investment completed this month"), ("本月完成投资", "当月完成投资", "月度完成投资", "完成投资", "investment completed this month", "investment completed"), kind="amount", required=True),
    Column("construction_progress", gettext_lazy("Construction progress (%)"), ("形象进度", "工程进度", "形象进度(%)", "construction progress", "progress"), kind="integer"),
    Column("note", gettext_lazy("Note"), ("备注", "进展情况", "note")),
]  # fmt: skip

PROJECT_FIELDS = [
    c.key for c in PROJECT_COLUMNS if c.key not in STAGE_DATE_FIELD.values() and c.key != "stage"
]


def labels_in_both_languages(choices) -> dict[str, object]:
    """'签约' / 'signed' / '3' → the choice value, whatever the language of the sheet."""
    names = {}
    # Not translation.override(): leaving it with no language active would deactivate
    # translations altogether, and a command or job run after it would speak English.
    previous = translation.get_language()
    try:
        for language in ("zh-hans", "en"):
            translation.activate(language)
            for value, label in choices:
                names[str(value).lower()] = value
                names[str(label).lower().replace(" ", "")] = value
    finally:
        if previous:
            translation.activate(previous)
        else:
            translation.deactivate()
    return names


def stage_names() -> dict[str, int]:
    names = labels_in_both_languages(Stage.choices)
    names.update(
        {
            "洽谈": Stage.NEGOTIATING,
            "已签约": Stage.SIGNED,
            "已开工": Stage.STARTED,
            "在建": Stage.STARTED,
            "已竣工": Stage.COMPLETED,
            "已投产": Stage.PRODUCTION,
            "已达产": Stage.FULL_OUTPUT,
        }
    )
    return names
