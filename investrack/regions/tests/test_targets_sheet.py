"""Reading a sheet of targets: any cell gives a number or a message, never a crash."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from investrack.core.excel import Unit as SheetUnit
from investrack.core.units import UnitError
from investrack.regions.models import Indicator
from investrack.regions.targets_sheet import _number

YI = SheetUnit(Decimal(100_000_000))
WAN_USD = SheetUnit(Decimal(10_000), "USD")
CELLS = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
)


@given(cell=CELLS, indicator=st.sampled_from(list(Indicator)))
def test_any_cell_gives_a_number_or_a_message(cell, indicator):
    unit = WAN_USD if indicator == Indicator.FOREIGN_ARRIVED else YI
    try:
        value = _number(cell, indicator, unit)
    except UnitError as exc:
        assert str(exc)
    else:
        assert isinstance(value, Decimal) and value >= 0 and value.is_finite()


def test_cells_as_officials_write_them():
    assert _number(35.5, Indicator.INTRODUCED_INVESTMENT, YI) == Decimal("3550000000.00")
    assert _number("18亿", Indicator.INTRODUCED_INVESTMENT, YI) == Decimal("1800000000.00")
    assert _number(800, Indicator.FOREIGN_ARRIVED, WAN_USD) == Decimal("8000000.00")
    assert _number("20个", Indicator.INTRODUCED, YI) == 20
    assert _number("75%", Indicator.START_RATE, YI) == 75
    assert _number(0.75, Indicator.START_RATE, YI) == 75  # a cell formatted as a percentage
    for cell, indicator in [("约3亿", Indicator.INTRODUCED_INVESTMENT), (2.5, Indicator.STARTED),
                            (-1, Indicator.STARTED), (120, Indicator.START_RATE),
                            ("3000万美元", Indicator.INTRODUCED_INVESTMENT)]:  # fmt: skip
        try:
            _number(cell, indicator, YI)
        except UnitError:
            continue
        raise AssertionError(f"{cell!r} accepted for {indicator}")
