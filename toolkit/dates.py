"""Dates as clerks type them: parse the usual Chinese forms, format the official ones."""

from __future__ import annotations

import datetime as dt
import os
import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")
_YMD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value) -> dt.date | None:
    """Return a date from an Excel value or text like 2026年3月5日 / 2026.3.5 / 2026-03-05.

    Returns None for empty values; raises ValueError for text that is not a date.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial number typed as a number
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"不是日期：{value}")
    text = str(value).translate(_FULLWIDTH).strip()
    if not text:
        return None
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # drop a time part
    m = _YMD.match(text) or _COMPACT.match(text)
    if not m:
        raise ValueError(f"不是日期：{value}")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError as exc:
        raise ValueError(f"不是有效日期：{value}") from exc


def cn_date(d: dt.date | None) -> str:
    """Format as 2026年3月5日 (GB/T 9704: no zero padding); empty for None."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def compact_date(d: dt.date | None) -> str:
    """Format as 20260305 (DA/T 22 catalogue dates); empty for None."""
    return d.strftime("%Y%m%d") if d else ""


def today() -> dt.date:
    """Today's date; one place so every command agrees.

    ``DANGWU_TODAY=2026-10-09`` replays the toolkit as of another day (e.g. to reproduce last
    week's warnings or a report); it is read on every call.
    """
    override = os.environ.get("DANGWU_TODAY")
    if override:
        return parse_date(override)
    return dt.date.today()
