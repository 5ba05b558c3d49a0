"""Reading sheets as counties send them."""

import io
from decimal import Decimal

import pytest
from django.utils import translation

from investrack.core.excel import Column, Sheet, SheetError
from investrack.core.units import YI

COLUMNS = [
    Column("code", "项目代码", ("项目编号", "project code")),
    Column("name", "项目名称", ("project name",), required=True),
    Column("total", "总投资", ("投资额", "计划总投资", "total investment"), kind="amount"),
    Column("land", "用地面积", ("用地", "land area"), kind="area"),
    Column("planned_start", "计划开工时间", ("planned start date",), kind="date"),
    Column("planned_done", "计划竣工时间", (), kind="date"),
    Column("started", "开工时间", ("start date",), kind="date"),
]


def read(data: bytes, name="sheet.xlsx"):
    sheet = Sheet(io.BytesIO(data), name, COLUMNS)
    return sheet, list(sheet)


def test_header_below_a_title_with_units_synonyms_and_rows_that_are_not_data(make_xlsx):
    data = make_xlsx(
        [
            ["2026年鹿城区重大项目清单"],
            ["填报单位：鹿城区投资促进中心", None, "截至2026年10月"],
            ["序号", "项目名称", "计划总投资（亿元）", "用地（平方米）", "项目编号"],
            [1, "动力电池项目", 1.5, 6666.7, "A-1"],
            [None, None, None, None, None],
            [2, "智能座舱项目", "3000万元", None, "A-2"],
            ["合计（2个）", None, 1.8, None, None],
            ["注：总投资以签约为准"],
        ],
        merges=[(0, 0, 0, 4, "2026年鹿城区重大项目清单")],
    )
    sheet, rows = read(data)
    assert sheet.header_row_number == 3
    assert sheet.ignored == ["序号"]  # shown in the preview, not silently dropped
    assert sheet.headers["total"] == "计划总投资（亿元）"
    assert sheet.units["total"].multiplier == YI
    assert [r.number for r in rows] == [4, 6]  # the blank, 合计 and 注 rows are skipped
    assert rows[0].values["name"] == "动力电池项目"
    assert rows[0].values["total"] == 1.5
    assert rows[1].values["total"] == "3000万元"
    assert sheet.units["land"].multiplier * Decimal("6666.7") == pytest.approx(
        Decimal(10), rel=Decimal("0.001")
    )


def test_two_row_header_with_a_merged_group(make_xlsx):
    data = make_xlsx(
        [
            ["项目名称", "计划", None, "开工时间", "总投资（万元）"],
            [None, "开工时间", "竣工时间", None, None],
            ["车规级芯片项目", "2026-03-01", "2027-06-30", "2026-04-02", 52000],
        ],
        merges=[(0, 1, 0, 2, "计划"), (0, 0, 1, 0, "项目名称"), (0, 3, 1, 3, "开工时间")],
    )
    sheet, rows = read(data)
    assert sheet.positions == {
        "name": 0,
        "planned_start": 1,
        "planned_done": 2,
        "started": 3,
        "total": 4,
    }
    assert rows[0].number == 3
    assert rows[0].values["planned_done"] == "2027-06-30"


def test_english_headers_and_units(make_xlsx):
    data = make_xlsx(
        [
            ["Project name", "Total investment (100 million yuan)", "Land area (mu)"],
            ["Battery plant", 2, 100],
        ]
    )
    sheet, rows = read(data)
    assert sheet.units["total"].multiplier == YI
    assert rows[0].values == {"name": "Battery plant", "total": 2, "land": 100}


def test_an_unknown_unit_is_refused_by_name(make_xlsx):
    data = make_xlsx([["项目名称", "总投资（千美元）"], ["X", 1]])
    with translation.override("en"), pytest.raises(SheetError, match="千美元"):
        read(data)


def test_a_sheet_without_the_required_columns_says_which(make_xlsx):
    data = make_xlsx([["编号", "金额"], ["1", 2]])
    with translation.override("en"), pytest.raises(SheetError, match="项目名称"):
        read(data)


def test_csv_in_gb18030_and_utf8():
    text = "项目名称,总投资（万元）\n动力电池项目,15000\n合计,15000\n"
    for encoding in ("gb18030", "utf-8-sig"):
        _sheet, rows = read(text.encode(encoding), name="清单.csv")
        assert [r.values for r in rows] == [{"name": "动力电池项目", "total": "15000"}]


def test_not_a_spreadsheet():
    with translation.override("en"), pytest.raises(SheetError, match="not a spreadsheet"):
        read(b"%PDF-1.4", name="report.pdf")
    with translation.override("en"), pytest.raises(SheetError, match="cannot be read"):
        read(b"not really a zip", name="broken.xlsx")
