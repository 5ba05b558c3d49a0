import datetime

import pytest

from investrack.core.models import OfficialDay
from investrack.core.workdays import UnknownHolidayYear, WorkCalendar

D = datetime.date


@pytest.fixture
def calendar(db):
    return WorkCalendar()


def test_spring_festival_2026_is_not_counted_but_its_adjusted_saturdays_are(calendar):
    # Friday 13 February 2026; Saturday the 14th is worked, the 15th-23rd are the holiday.
    assert calendar.add(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert calendar.add(D(2026, 2, 13), 5) == D(2026, 2, 27)
    # Saturday 28 February is an adjusted working day too.
    assert calendar.add(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert calendar.add(D(2026, 2, 13), 7) == D(2026, 3, 2)


def test_counting_back_and_between_agree(calendar):
    # Monday 28 September 2026; 1-7 October off, Saturday 10 October worked.
    start = D(2026, 9, 28)
    later = calendar.add(start, 8)
    assert later == D(2026, 10, 14)
    assert calendar.add(later, -8) == start
    assert calendar.between(start, later) == 8
    assert calendar.between(later, start) == -8


def test_a_year_nobody_knows_is_an_error_not_a_guess(calendar):
    with pytest.raises(UnknownHolidayYear) as error:
        calendar.add(D(2099, 1, 1), 3)
    assert "2099" in str(error.value.messages[0])


def test_a_year_entered_in_the_back_office_becomes_known(db):
    OfficialDay.objects.bulk_create(
        [
            OfficialDay(date=D(2099, 1, 1), is_workday=False, name="元旦"),
            OfficialDay(date=D(2099, 1, 2), is_workday=False, name="元旦"),
            OfficialDay(date=D(2099, 1, 4), is_workday=True, name="元旦调休"),
        ]
    )
    calendar = WorkCalendar()
    # Thu 1 and Fri 2 January off, Saturday 3 off, Sunday 4 worked, Monday 5 worked.
    assert calendar.add(D(2098, 12, 31), 1) == D(2099, 1, 4)
    assert calendar.add(D(2098, 12, 31), 2) == D(2099, 1, 5)
