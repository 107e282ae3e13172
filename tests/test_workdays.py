"""Working days beyond chinesecalendar's data, and the dates clerks type."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from toolkit.dates import parse_date
from toolkit.workdays import PROVISIONAL_NOTE, WorkCalendar, estimated_holidays, warning

D = dt.date


def _beyond_the_data(year: int) -> bool:
    try:
        chinese_calendar.is_workday(D(year, 6, 1))
    except NotImplementedError:
        return True
    return False


def test_2027_and_2028_are_beyond_the_packaged_data():
    assert _beyond_the_data(2027) and _beyond_the_data(2028)  # else pick later years for the tests below


def test_statutory_days_off_are_estimated_beyond_the_data():
    cal = WorkCalendar()
    assert cal.is_workday(D(2027, 1, 1)) == (False, True)  # 元旦, a Friday
    for day in (D(2027, 2, 5), D(2027, 2, 8)):  # 除夕 (Friday) … 初三 (Monday)
        assert cal.is_workday(day) == (False, True)
    assert cal.is_workday(D(2027, 2, 9)) == (True, True)  # 初四 is worked: make-up days are not guessed
    assert cal.is_workday(D(2027, 4, 5)) == (False, True)  # 清明 solar term, a Monday
    assert cal.is_workday(D(2028, 4, 4)) == (False, True)  # 清明 falls on 4 April in 2028
    assert cal.is_workday(D(2027, 5, 1)) == (False, True) and cal.is_workday(D(2028, 5, 2)) == (False, True)
    assert cal.is_workday(D(2027, 6, 9)) == (False, True)  # 端午 (5/5 lunar), a Wednesday
    assert cal.is_workday(D(2027, 9, 15)) == (False, True)  # 中秋 (8/15 lunar), a Wednesday
    assert cal.is_workday(D(2028, 10, 3)) == (False, True)  # 国庆
    assert cal.is_workday(D(2028, 10, 4)) == (True, True)
    assert estimated_holidays(2028) >= {D(2028, 1, 25), D(2028, 1, 28), D(2028, 5, 28)}


def test_counts_across_estimated_holidays_say_they_are_estimates():
    cal = WorkCalendar()
    count = cal.between(D(2026, 12, 31), D(2027, 1, 8))  # 1-1 off; 1-4 … 1-8 worked
    assert count.days == 5 and count.provisional and "按法定节假日推算" in count.note()
    assert cal.add(D(2027, 2, 4), 1) == (D(2027, 2, 9), True)  # over 除夕 … 初三 and no 调休
    w = warning(cal, D(2027, 10, 8), D(2027, 9, 30), 3)  # 10-1 … 10-3 off, 10-4 … 10-8 worked
    assert w.days == 5 and w.provisional and PROVISIONAL_NOTE in w.text()


def test_known_years_are_not_estimates():
    cal = WorkCalendar()
    assert cal.between(D(2026, 9, 30), D(2026, 10, 9)).provisional is False


@pytest.mark.parametrize(
    "text, day",
    [
        ("二〇二六年十二月二日", D(2026, 12, 2)),
        ("二零二六年一月三十一日", D(2026, 1, 31)),
        ("二〇二六年十一月二十日", D(2026, 11, 20)),
        ("二〇二六年十月十日", D(2026, 10, 10)),
        ("二〇二六年三月五", D(2026, 3, 5)),
        ("二○二六年十二月二十三日", D(2026, 12, 23)),
        ("2026年11月20日", D(2026, 11, 20)),
    ],
)
def test_chinese_numeral_dates(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["二〇二六年二月三十日", "二〇二六年十三月一日", "二〇二六年一月四十日", "二十二六年一月一日"])
def test_chinese_numeral_non_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)
