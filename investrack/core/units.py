"""Amounts and land as officials write them: 万元/亿元, "3,000万美元", "30 billion yuan", 亩.

Amounts are stored as exact ``Decimal`` yuan (元) with a currency code; land as 亩 (mu).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MU_IN_SQUARE_METRES = Decimal("666.67")

# Multipliers of the units officials put after a number.
_CN_MULTIPLIERS = {
    "": Decimal(1),
    "千": Decimal(1_000),
    "万": WAN,
    "十万": Decimal(100_000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "亿": YI,
    "十亿": Decimal(1_000_000_000),
    "百亿": Decimal(10_000_000_000),
    "千亿": Decimal(100_000_000_000),
}
_EN_MULTIPLIERS = {
    "": Decimal(1),
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_CURRENCIES = {
    "": "CNY",
    "元": "CNY",
    "人民币": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "¥": "CNY",
    "￥": "CNY",
    "美元": "USD",
    "usd": "USD",
    "$": "USD",
    "us$": "USD",
    "dollars": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "hkd": "HKD",
    "欧元": "EUR",
    "eur": "EUR",
    "€": "EUR",
    "日元": "JPY",
    "jpy": "JPY",
}
# Words that make a figure an estimate: 约3亿, 3亿左右, 3亿多, 3亿余, 3亿以上, ~3亿, ≈3亿.
_VAGUE = re.compile(
    r"约|大约|近|左右|多|余|以上|以下|不少于|不超过|超过|上下|~|～|≈|about|around|approx|over|more than",
    re.I,
)
_RANGE = re.compile(r"\d\s*[-—–至到]\s*\d")

_NUMBER = r"(?P<num>\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_CN_PATTERN = re.compile(
    r"^(?P<pre>人民币|RMB|CNY|USD|US\$|\$|HKD|EUR|€|¥|￥)?\s*"
    + _NUMBER
    + r"\s*(?P<mult>千亿|百亿|十亿|亿|千万|百万|十万|万|千)?\s*"
    r"(?P<cur>人民币|元|美元|港元|港币|欧元|日元)?$",
    re.I,
)
_EN_PATTERN = re.compile(
    r"^(?P<pre>RMB|CNY|USD|US\$|\$|HKD|EUR|€|¥|￥)?\s*"
    + _NUMBER
    + r"\s*(?P<mult>thousand|million|billion|bn|mn|k|m|b)?\s*"
    r"(?P<cur>yuan|rmb|cny|usd|dollars|hkd|eur)?$",
    re.I,
)


class UnitError(ValueError):
    """A figure that cannot be read exactly; the message is meant for the user."""


@dataclass(frozen=True)
class Money:
    amount: Decimal  # in whole units of ``currency`` (元 for CNY)
    currency: str = "CNY"


def _clean(text: str) -> str:
    text = str(text).strip().replace("\u3000", " ")
    # Full-width digits and punctuation to half-width.
    return text.translate(str.maketrans("０１２３４５６７８９．，－", "0123456789.,-"))


def parse_amount(text, *, default_unit: Decimal = WAN) -> Money:
    """Read an amount; a bare number is in ``default_unit`` (万元 unless a header says 亿元).

    >>> parse_amount("1.5亿").amount
    Decimal('150000000.0')
    """
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        value = Decimal(str(text))
        if value < 0:
            raise UnitError(_("An amount cannot be negative."))
        return Money(value * default_unit, "CNY")
    raw = _clean(text or "")
    if not raw:
        raise UnitError(_("Enter an amount."))
    if _VAGUE.search(raw):
        raise UnitError(
            _(
                "“%(value)s” is an estimate, not an exact amount: remove words such as "
                "约 (about), 左右 or 多 and enter a figure, e.g. 3亿 or 30000万元."
            )
            % {"value": raw}
        )
    if raw.startswith("-") or raw.startswith("负"):
        raise UnitError(_("An amount cannot be negative."))
    if _RANGE.search(raw):
        raise UnitError(_("“%(value)s” is a range: enter one exact amount.") % {"value": raw})
    match = _CN_PATTERN.match(raw) or _EN_PATTERN.match(raw.lower())
    if not match:
        raise UnitError(
            _(
                "“%(value)s” is not an amount we can read: write e.g. 15000 (万元), "
                "1.5亿元, 3,000万美元 or 30 billion yuan."
            )
            % {"value": raw}
        )
    try:
        number = Decimal(match["num"].replace(",", "").replace("，", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise UnitError(_("“%(value)s” is not a number.") % {"value": raw}) from exc
    mult_word = (match["mult"] or "").lower()
    prefix = (match["pre"] or "").lower()
    currency_word = (match["cur"] or "").lower()
    if prefix and currency_word and _CURRENCIES[prefix] != _CURRENCIES[currency_word]:
        raise UnitError(_("“%(value)s” names two currencies.") % {"value": raw})
    currency = _CURRENCIES[currency_word or prefix]
    if mult_word in _CN_MULTIPLIERS and mult_word not in _EN_MULTIPLIERS:
        multiplier = _CN_MULTIPLIERS[mult_word]
    elif mult_word:
        multiplier = _EN_MULTIPLIERS[mult_word]
    elif currency_word or prefix:
        multiplier = Decimal(1)  # "500元", "$300": the unit is stated
    else:
        multiplier = default_unit
    return Money(number * multiplier, currency)


def parse_area(text) -> Decimal:
    """Read a land area in 亩; also "20000平方米"/"2公顷"."""
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool):
        value = Decimal(str(text))
    else:
        raw = _clean(text or "")
        if not raw:
            raise UnitError(_("Enter a land area."))
        if _VAGUE.search(raw):
            raise UnitError(
                _("“%(value)s” is an estimate: enter an exact area in 亩 (mu).") % {"value": raw}
            )
        match = re.match(
            r"^(?P<neg>-)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亩|mu|平方米|㎡|m2|公顷|ha)?$",
            raw.replace(",", ""),
            re.I,
        )
        if not match:
            raise UnitError(
                _("“%(value)s” is not a land area: write e.g. 120 or 120亩.") % {"value": raw}
            )
        value = Decimal(match["num"]) * (-1 if match["neg"] else 1)
        unit = (match["unit"] or "亩").lower()
        if unit in {"平方米", "㎡", "m2"}:
            value = value / MU_IN_SQUARE_METRES
        elif unit in {"公顷", "ha"}:
            value = value * Decimal(15)
    if value < 0:
        raise UnitError(_("A land area cannot be negative."))
    if value >= Decimal("1e10"):  # the column holds 12 digits; rounding 10³⁰ fails
        raise UnitError(_("This land area is too large to be real."))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _trim(value: Decimal, places: int) -> str:
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def is_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


_CURRENCY_NAMES = {"CNY": "元", "USD": "美元", "HKD": "港元", "EUR": "欧元", "JPY": "日元"}


def format_amount(amount: Decimal | None, currency: str = "CNY") -> str:
    """An amount in the unit officials read: 亿元 from 1亿 up, 万元 below (English: million/billion)."""
    if amount is None:
        return "—"
    amount = Decimal(amount)
    if is_chinese():
        name = _CURRENCY_NAMES.get(currency, currency)
        if abs(amount) >= YI:
            return f"{_trim(amount / YI, 2)}亿{name}"
        return f"{_trim(amount / WAN, 2)}万{name}"
    code = "RMB" if currency == "CNY" else currency
    if abs(amount) >= Decimal(1_000_000_000):
        return f"{code} {_trim(amount / Decimal(1_000_000_000), 2)} billion"
    return f"{code} {_trim(amount / Decimal(1_000_000), 2)} million"


def format_area(mu: Decimal | None) -> str:
    if mu is None:
        return "—"
    text = _trim(Decimal(mu), 2)
    return f"{text}亩" if is_chinese() else f"{text} mu"


def to_wan(amount: Decimal | None) -> Decimal | None:
    """元 to 万元, for form fields and exports labelled （万元）."""
    if amount is None:
        return None
    return (Decimal(amount) / WAN).normalize()


def currency_code(text: str) -> str:
    """美元 → USD: a currency as officials name it; an unknown one is an error."""
    key = _clean(text).lower().removeprefix("万").removesuffix("币")
    code = (
        _CURRENCIES.get(key) or _CURRENCIES.get(key + "币") or _CURRENCIES.get(_clean(text).lower())
    )
    if code is None:
        raise UnitError(
            _("“%(text)s” is not a currency we know: write 美元, 港元, 欧元, 日元 or 元.")
            % {"text": text}
        )
    return code


def written_amount(amount: Decimal | None, currency: str = "CNY") -> str:
    """An amount as an official types it into a form, read back exactly by
    :func:`parse_amount`: 300万元, 1381.1571万美元."""
    if amount is None:
        return ""
    name = _CURRENCY_NAMES.get(currency, currency)
    return f"{format(to_wan(amount), 'f')}万{name}"


# --- dates as officials write them ------------------------------------------------------

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = [
    # 2023-10-09, 2023/10/9, 2023.10.09, 2023年10月9日, 2023年10月9号
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?$"),
    # 2023年10月, 2023-10, 2023/10, 2023.10: a month means its first day
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?(?:份)?$"),
    # 20231009
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
]


def _date_error(raw) -> UnitError:
    return UnitError(
        _(
            "“%(value)s” is not a date we can read: write e.g. 2023-10-09, 2023/10/9, "
            "2023年10月9日 or 2023年10月."
        )
        % {"value": raw}
    )


def _make_date(year: int, month: int, day: int, raw) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise UnitError(_("“%(value)s” is not a real date.") % {"value": raw}) from exc


def parse_date(value) -> datetime.date:
    """Read a date as officials write it, or as Excel stores it.

    Accepts date and datetime values, Excel serial numbers, 2023-10-09, 2023/10/9,
    2023.10.09, 2023年10月9日, 20231009 and months (2023年10月, 2023.10), which mean the
    first day of the month. A number such as 2023.1 is refused: Excel drops the trailing
    zero of 2023.10, so it cannot tell January from October.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool) or value is None:
        raise _date_error(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
        if not number.is_finite():
            raise _date_error(value)
        if number == number.to_integral_value() and 19000101 <= number <= 21001231:
            return parse_date(str(int(number)))
        if 1900 <= number < 2101 and number != number.to_integral_value():
            year = int(number)
            fraction = str(number).split(".")[1].rstrip("0")
            if fraction == "1":
                raise UnitError(
                    _(
                        "“%(value)s” is ambiguous: Excel stores 2023.10 as 2023.1, so it "
                        "cannot tell January from October. Write the month as text, e.g. "
                        "%(year)s年10月 or %(year)s-01."
                    )
                    % {"value": value, "year": year}
                )
            if len(fraction) <= 2 and 1 <= int(fraction) <= 12:
                return _make_date(year, int(fraction), 1, value)
            raise _date_error(value)
        # An Excel serial number: days since 1899-12-30 (the time of day is dropped), for
        # dates from 1950 to 2099; other numbers are not dates of projects.
        if 18264 <= number < 73051:
            return EXCEL_EPOCH + datetime.timedelta(days=int(number))
        raise _date_error(value)
    raw = _clean(value)
    if not raw:
        raise UnitError(_("Enter a date."))
    raw = raw.replace("／", "/").replace("－", "-")
    if re.fullmatch(r"\d+(?:\.\d+)?", raw) and "." not in raw and len(raw) != 8:
        return parse_date(Decimal(raw))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            day = int(match.groupdict().get("d") or 1)
            return _make_date(int(match["y"]), int(match["m"]), day, raw)
    raise _date_error(raw)


def format_date(value: datetime.date | None) -> str:
    """2023年10月9日 in Chinese, 2023-10-09 in English."""
    if value is None:
        return "—"
    if is_chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def format_datetime(value: datetime.datetime | None) -> str:
    """2026年12月1日 07:11 in the current time zone (English: 2026-12-01 07:11)."""
    if value is None:
        return "—"
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{format_date(local.date())} {local:%H:%M}"
