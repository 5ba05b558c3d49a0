"""Working days as Chinese offices count them: weekends off, official holidays off, and the
adjusted weekend days (调休) worked. The State Council's arrangement comes from the
maintained ``chinese-calendar`` library, completed by :class:`OfficialDay` rows entered in
the back office for a year the library does not know yet. A year known to neither is an
error, never a guess.
"""

from __future__ import annotations

import datetime

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from investrack.core.models import OfficialDay

ONE_DAY = datetime.timedelta(days=1)


class UnknownHolidayYear(ValidationError):
    def __init__(self, year: int):
        super().__init__(
            _(
                "The official holiday arrangement for %(year)s is not known yet, so a deadline "
                "in working days cannot be computed. An administrator can enter that year's "
                "holidays and adjusted working days in the back office."
            )
            % {"year": year},
            code="unknown_holiday_year",
        )
        self.year = year


class WorkCalendar:
    """Answers "is this a working day?" for a range of dates, with one query for the
    hand-entered days."""

    def __init__(self):
        self._entered = dict(OfficialDay.objects.values_list("date", "is_workday"))
        self._entered_years = {day.year for day in self._entered}

    def is_workday(self, day: datetime.date) -> bool:
        if day in self._entered:
            return self._entered[day]
        if day.year in self._entered_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError as exc:
            raise UnknownHolidayYear(day.year) from exc

    def add(self, start: datetime.date, days: int) -> datetime.date:
        """The day ``days`` working days after ``start`` (counting starts the day after);
        negative ``days`` count backwards. ``add(d, 0)`` is ``d``."""
        step = ONE_DAY if days >= 0 else -ONE_DAY
        day, left = start, abs(days)
        while left:
            day += step
            if self.is_workday(day):
                left -= 1
        return day

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count
