"""Chinese working days: 法定节假日 and 调休 from chinesecalendar; estimated beyond its data (provisional).

A workspace may list extra holidays and working days of its own in dangwu.toml. Counting never
fails for a year chinesecalendar does not know: weekends and the statutory days off by the current
rules (元旦 1 day, 春节 除夕 to 初三, 清明 on the solar term, 劳动节 May 1–2, 端午 and 中秋 1 day,
国庆 Oct 1–3; lunar dates and the solar term from lunar-python) are days off, every other weekday is
worked. The make-up working days (调休) of such a year cannot be known and are not guessed, so the
count says it is estimated (``provisional``), shown to users as 按法定节假日推算.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import chinese_calendar
from lunar_python import Lunar, Solar

from .dates import parse_date

PROVISIONAL_NOTE = "按法定节假日推算，未计调休"
_SHARED: dict[tuple, WorkCalendar] = {}  # WorkCalendar.shared


@dataclass(frozen=True)
class Count:
    """A number of working days, and whether any day of it was guessed from weekends only."""

    days: int
    provisional: bool = False

    def note(self) -> str:
        """'' or the 按法定节假日推算 marker."""
        return f"（{PROVISIONAL_NOTE}）" if self.provisional else ""


class WorkCalendar:
    """Working days by the official calendar, the workspace's own extra days, then weekends."""

    def __init__(self, extra_holidays=(), extra_workdays=()):
        self.extra_holidays = {parse_date(d) for d in extra_holidays}
        self.extra_workdays = {parse_date(d) for d in extra_workdays}
        self._years: dict[int, tuple[list[int], bool]] = {}  # year → (working days up to each day, guessed)

    @classmethod
    def from_settings(cls, settings) -> WorkCalendar:
        """The calendar with the workspace's extra days."""
        return cls(settings.extra_holidays, settings.extra_workdays)

    @classmethod
    def shared(cls, settings) -> WorkCalendar:
        """One calendar per set of extra days for the whole process (its yearly totals built once)."""
        key = (tuple(map(str, settings.extra_holidays)), tuple(map(str, settings.extra_workdays)))
        if key not in _SHARED:
            _SHARED[key] = cls(*key)
        return _SHARED[key]

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, was that guessed from the weekday alone)."""
        if day in self.extra_workdays:
            return True, False
        if day in self.extra_holidays:
            return False, False
        try:
            return chinese_calendar.is_workday(day), False
        except NotImplementedError:
            return day.weekday() < 5 and day not in estimated_holidays(day.year), True

    def _year(self, year: int) -> tuple[list[int], bool]:
        """Running count of working days through each day of ``year`` (index 0 = 1 January)."""
        if year not in self._years:
            running, total, guessed = [], 0, False
            d = dt.date(year, 1, 1)
            while d.year == year:
                work, g = self.is_workday(d)
                total += work
                guessed |= g
                running.append(total)
                d += dt.timedelta(days=1)
            self._years[year] = (running, guessed)
        return self._years[year]

    def _through(self, day: dt.date, base_year: int) -> tuple[int, bool]:
        """Working days from 1 January of ``base_year`` through ``day``."""
        total, guessed = 0, False
        for y in range(base_year, day.year):
            running, g = self._year(y)
            total, guessed = total + running[-1], guessed | g
        running, g = self._year(day.year)
        return total + running[day.timetuple().tm_yday - 1], guessed | g

    def between(self, start: dt.date, end: dt.date) -> Count:
        """Working days in (start, end]: how many working days lie after ``start`` up to ``end``."""
        if end <= start:
            return Count(0, False)
        base = start.year
        a, ga = self._through(start, base)
        b, gb = self._through(end, base)
        # a guessed year outside (start, end] must not mark the count provisional
        guessed = any(self._year(y)[1] for y in range(start.year, end.year + 1)) and (ga or gb)
        return Count(b - a, guessed)

    def add(self, start: dt.date, n: int) -> tuple[dt.date, bool]:
        """The n-th working day after ``start`` (and whether weekends were assumed)."""
        d, left, guessed = start, n, False
        while left > 0:
            d += dt.timedelta(days=1)
            work, g = self.is_workday(d)
            guessed |= g
            left -= work
        return d, guessed


@functools.cache
def estimated_holidays(year: int) -> frozenset[dt.date]:
    """The statutory days off of ``year`` by the current rules (for years beyond chinesecalendar's data).

    元旦 1 January; 春节 除夕 to 初三 (4 days); 清明 the day of the solar term; 劳动节 1–2 May; 端午
    (5/5 lunar) and 中秋 (8/15 lunar) 1 day; 国庆 1–3 October. Make-up days are not guessed.
    """

    def solar(lunar: Lunar) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = solar(Lunar.fromYmd(year, 1, 1))
    days = {dt.date(year, 1, 1), dt.date(year, 5, 1), dt.date(year, 5, 2)}
    days |= {new_year + dt.timedelta(days=i) for i in range(-1, 3)}  # 除夕 … 初三
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    days.add(dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()))
    days |= {solar(Lunar.fromYmd(year, 5, 5)), solar(Lunar.fromYmd(year, 8, 15))}
    days |= {dt.date(year, 10, d) for d in (1, 2, 3)}
    return frozenset(d for d in days if d.year == year)


@dataclass(frozen=True)
class Warning:
    """An open item's warning: colour (红/黄/绿), working days left (negative: overdue)."""

    colour: str
    days: int
    provisional: bool

    def text(self) -> str:
        """As written into the ledger's 预警 column: 红 逾期3个工作日 / 黄 剩2个工作日 / 绿 剩15个工作日."""
        note = f"（{PROVISIONAL_NOTE}）" if self.provisional else ""
        if self.colour == "红":
            return f"红 逾期{-self.days}个工作日{note}"
        if self.days == 0:
            return f"{self.colour} 今日到期{note}"
        return f"{self.colour} 剩{self.days}个工作日{note}"


def warning(cal: WorkCalendar, due: dt.date, today: dt.date, warn_days: int) -> Warning:
    """红 past the deadline, 黄 within ``warn_days`` working days of it, 绿 otherwise."""
    if today > due:
        c = cal.between(due, today)
        return Warning("红", -c.days, c.provisional)
    c = cal.between(today, due)
    return Warning("黄" if c.days <= warn_days else "绿", c.days, c.provisional)
