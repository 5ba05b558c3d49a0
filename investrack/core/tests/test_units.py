"""Amounts and land as officials write them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from investrack.core.units import (
    WAN,
    YI,
    UnitError,
    format_amount,
    format_area,
    format_date,
    parse_amount,
    parse_area,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("1.5亿", Decimal("150000000"), "CNY"),
        ("1.5亿元", Decimal("150000000"), "CNY"),
        ("15000万元", Decimal("150000000"), "CNY"),
        ("15000", Decimal("150000000"), "CNY"),  # a bare number is 万元
        ("3,000万美元", Decimal("30000000"), "USD"),
        ("30 billion yuan", Decimal("30000000000"), "CNY"),
        ("RMB 1.2 billion", Decimal("1200000000"), "CNY"),
        ("USD 5 million", Decimal("5000000"), "USD"),
        ("２０００万元", Decimal("20000000"), "CNY"),  # full-width digits
        ("500元", Decimal("500"), "CNY"),
    ],
)
def test_amounts_as_written(text, amount, currency):
    money = parse_amount(text)
    assert money.amount == amount
    assert money.currency == currency


@pytest.mark.parametrize(
    "text", ["约3亿", "3亿左右", "3亿多", "近5000万", "1-2亿", "-5", "三亿", "3亿人民币美元", ""]
)
def test_vague_or_unreadable_amounts_are_refused_with_a_message(text):
    with pytest.raises(UnitError) as exc:
        parse_amount(text)
    assert str(exc.value)


def test_estimate_message_names_the_input():
    with pytest.raises(UnitError, match="约3亿"):
        parse_amount("约3亿")


@given(st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_a_number_in_wan_round_trips(value):
    assert parse_amount(f"{value}万元").amount == value * WAN
    assert parse_amount(str(value)).amount == value * WAN


@given(st.decimals(min_value=0, max_value=Decimal("1e6"), places=4, allow_nan=False))
def test_yi_is_ten_thousand_wan(value):
    assert parse_amount(f"{value}亿").amount == parse_amount(f"{value * 10000}万").amount


@given(st.text(max_size=12))
def test_parser_never_crashes_on_any_text(text):
    try:
        money = parse_amount(text)
    except UnitError:
        return
    assert money.amount >= 0


def test_format_in_the_unit_officials_read():
    with translation.override("zh-hans"):
        assert format_amount(Decimal("150000000")) == "1.5亿元"
        assert format_amount(Decimal("20000000")) == "2,000万元"
        assert format_amount(Decimal("30000000"), "USD") == "3,000万美元"
        assert format_area(Decimal("120.50")) == "120.5亩"
    with translation.override("en"):
        assert format_amount(30 * YI) == "RMB 3 billion"
        assert format_area(Decimal("8")) == "8 mu"


@pytest.mark.parametrize(
    ("text", "mu"),
    [("120", "120.00"), ("120亩", "120.00"), ("6666.7平方米", "10.00"), ("2公顷", "30.00")],
)
def test_areas(text, mu):
    assert parse_area(text) == Decimal(mu)


@pytest.mark.parametrize("text", ["-5", "-5亩", "约100亩", "很多"])
def test_bad_areas_are_refused(text):
    with pytest.raises(UnitError):
        parse_area(text)


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-10-09", datetime.date(2023, 10, 9)),
        ("2023/10/9", datetime.date(2023, 10, 9)),
        ("2023.10.09", datetime.date(2023, 10, 9)),
        ("2023年10月9日", datetime.date(2023, 10, 9)),
        ("2023年10月", datetime.date(2023, 10, 1)),  # a month means its first day
        ("2023.10", datetime.date(2023, 10, 1)),
        ("2023-1", datetime.date(2023, 1, 1)),
        ("20231009", datetime.date(2023, 10, 9)),
        (20231009, datetime.date(2023, 10, 9)),
        (45208, datetime.date(2023, 10, 9)),  # an Excel serial number
        (45208.75, datetime.date(2023, 10, 9)),  # with a time of day
        ("45208", datetime.date(2023, 10, 9)),
        (2023.11, datetime.date(2023, 11, 1)),
        (datetime.datetime(2023, 10, 9, 8, 30), datetime.date(2023, 10, 9)),
        ("２０２３年１０月９日", datetime.date(2023, 10, 9)),
    ],
)
def test_dates_as_officials_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (2023.1, "ambiguous"),  # Excel shows 2023.10 as 2023.1
        ("2023-02-30", "not a real date"),
        ("下个月", "not a date"),
        ("2023", "not a date"),
        ("", "Enter a date"),
        (float("nan"), "not a date"),
    ],
)
def test_dates_that_cannot_be_read_say_why(value, words):
    with translation.override("en"), pytest.raises(UnitError, match=words):
        parse_date(value)


@given(st.dates(min_value=datetime.date(1951, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_every_date_reads_back_in_every_format(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    for written in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        serial,
        float(serial),
        f"{day.year}.{day.month:02d}.{day.day:02d}",
    ):
        assert parse_date(written) == day
    assert parse_date(f"{day.year}年{day.month}月") == day.replace(day=1)


@given(
    st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True, allow_infinity=True),
    )
)
def test_any_cell_gives_a_date_or_a_message(value):
    try:
        result = parse_date(value)
    except UnitError as exc:
        assert str(exc)
    else:
        assert isinstance(result, datetime.date)


def test_dates_are_shown_as_officials_write_them():
    with translation.override("zh-hans"):
        assert format_date(datetime.date(2023, 10, 9)) == "2023年10月9日"
    with translation.override("en"):
        assert format_date(datetime.date(2023, 10, 9)) == "2023-10-09"
