"""Dates as clerks type them: parse the usual Chinese forms, format the official ones."""

from __future__ import annotations

import datetime as dt
import os
import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－", "0123456789./-")
_YMD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_CN_DIGITS = dict(zip("〇零○Ｏ一二三四五六七八九", (0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)))
_CN_NUM = "〇零○Ｏ一二三四五六七八九十"
_CN_YMD = re.compile(rf"^\s*([{_CN_NUM}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*([{_CN_NUM}]{{1,3}})\s*日?\s*$")


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
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _CN_YMD.match(text)
        if not m:
            raise ValueError(f"不是日期：{value}")
        y = int("".join(str(_CN_DIGITS.get(c, -1)) for c in m.group(1))) if "十" not in m.group(1) else -1
        mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
    try:
        return dt.date(y, mo, d)
    except ValueError as exc:
        raise ValueError(f"不是有效日期：{value}") from exc


def _cn_small(text: str) -> int:
    """一 … 三十一 (also 〇九, 零九) as a number; -1 when it is not one."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1 or "十" in ones:
            return -1
        t = _CN_DIGITS.get(tens, -1) if tens else 1
        o = _CN_DIGITS.get(ones, -1) if ones else 0
        return -1 if t < 0 or o < 0 else t * 10 + o
    digits = [_CN_DIGITS.get(c, -1) for c in text]
    if len(digits) > 2 or -1 in digits:
        return -1
    return int("".join(map(str, digits)))


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
