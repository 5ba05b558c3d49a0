"""Periods of months seen as of a date — and, on the record clock, as known on a day: what
every figure is counted over.

Two clocks: ``as_of`` is the effective time (what was true for the period, given
everything known now: a signing dated 12 September counts for September even if it was
entered in October); ``known_on`` is the record time (what the platform showed at the end
of that day, to reproduce a published figure). None means known now.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

HUNDRED = Decimal(100)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_closed_month(today: datetime.date) -> datetime.date:
    """The first day of the last month that has ended (a briefing reports a whole month)."""
    return first_of_month(first_of_month(today) - datetime.timedelta(days=1))


def last_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_from(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``first``'s to ``last``'s."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = last_of_month(month) + datetime.timedelta(days=1)
    return months


@dataclass(frozen=True)
class Period:
    """From the first day of one month to the last day of another, seen as of a date."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    known_on: datetime.date | None = None  # the record clock; None: as known now

    @classmethod
    def months(
        cls,
        first: datetime.date,
        last: datetime.date,
        as_of: datetime.date | None = None,
        known_on: datetime.date | None = None,
    ) -> Period:
        as_of = as_of or min(last_of_month(last), timezone.localdate())
        # Known on today (or later) is known now: the fast path of the kept totals.
        if known_on is not None and known_on >= timezone.localdate():
            known_on = None
        return cls(first_of_month(first), last_of_month(last), as_of, known_on)

    @classmethod
    def year_to_date(cls, as_of: datetime.date, known_on: datetime.date | None = None) -> Period:
        return cls.months(as_of.replace(month=1, day=1), as_of, as_of, known_on)

    @property
    def known_until(self) -> datetime.datetime | None:
        """The instant the record clock stops: the end of ``known_on`` (local time)."""
        if self.known_on is None:
            return None
        midnight = datetime.datetime.combine(
            self.known_on + datetime.timedelta(days=1), datetime.time()
        )
        return timezone.make_aware(midnight)

    @property
    def until(self) -> datetime.date:
        """The last day that counts: the period's end or the as-of date, the earlier."""
        return min(self.end, self.as_of)

    @property
    def days(self) -> int:
        return max(0, (self.until - self.start).days + 1)

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def time_progress(self) -> Decimal:
        """How much of the target year has passed by the period's end (时序进度), in %."""
        year_days = 366 if calendar.isleap(self.year) else 365
        passed = (self.until - datetime.date(self.year, 1, 1)).days + 1
        return (Decimal(max(0, passed)) * HUNDRED / year_days).quantize(Decimal("0.1"))

    @property
    def on_totals(self) -> bool:
        """Whether the monthly stage totals give this period's figures exactly: as of the
        end of a month, or as of today (no stage or drop date lies in the future). Other
        dates read the projects."""
        return self.as_of == last_of_month(self.as_of) or self.as_of >= timezone.localdate()

    @property
    def label(self) -> str:
        """2023年1—9月, 2023年9月, 2023年11月—2024年2月 (English: Jan–Sep 2023)."""
        from investrack.core.units import is_chinese

        s, e = self.start, self.end
        if is_chinese():
            if (s.year, s.month) == (e.year, e.month):
                return f"{s.year}年{s.month}月"
            if s.year == e.year:
                return f"{s.year}年{s.month}—{e.month}月"
            return f"{s.year}年{s.month}月—{e.year}年{e.month}月"
        if (s.year, s.month) == (e.year, e.month):
            return s.strftime("%b %Y")
        if s.year == e.year:
            return f"{s:%b}–{e:%b} {e.year}"
        return f"{s:%b %Y}–{e:%b %Y}"

    def params(self) -> dict:
        """The query parameters that carry this period to a drill-down list."""
        params = {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
        }
        if self.known_on is not None:
            params["known_on"] = self.known_on.isoformat()
        return params
