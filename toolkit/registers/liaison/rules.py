"""联系服务群众 rules (校党委成员联系服务群众制度 二 1–5): who must talk with whom each year, whom to visit.

- Talks (二5): each 党政正职 with every other member and every pair of members with each other — one
  row per pair (a pair with a 党政正职 counts for both duties), its 谈话人 the 党政正职, else the member
  listed first in 班子成员; each member with every 负责人 of every unit in the member's 分管单位.
- A talk counts for the year of its row: the year in its 谈话编号 (TH-2026-001), else of its dates.
- 慰问 (二3): at 元旦, 春节 and 重阳节 the 老党员 and 老同志; 日常 those with 重病, 困难 or living alone,
  unless visited within ``[liaison] care_interval_days``; assigned to the member whose 联系点 holds
  the person's unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...ledger.workbook import Ledger, Row
from .sheets import CARE, CARE_LIST, CHIEF, CHIEF_TALK, HEAD_TALK, MEMBERS, PEER_TALK, VISITS

DEFAULTS = {"visits_per_year": 2, "care_interval_days": 90, "talk_yellow_from": "10-01", "talk_red_from": "12-01"}
OCCASIONS = ("元旦", "春节", "重阳节", "日常")
FESTIVAL_PEOPLE = ("老党员", "老同志")
DAILY_PEOPLE = ("重病", "困难", "独居")
OCCASION_REASON = {"元旦": "元旦慰问", "春节": "春节慰问", "重阳节": "重阳节慰问", "日常": "困难帮扶"}


@dataclass
class Member:
    """One committee member as 班子成员 lists them."""

    name: str
    post: str
    chief: bool
    order: int
    areas: list[str] = field(default_factory=list)  # 分管单位
    contacts: list[str] = field(default_factory=list)  # 联系点


def setting(settings, key: str):
    """A [liaison] setting of dangwu.toml, else its default."""
    section = settings.section("liaison") if settings is not None else {}
    value = section.get(key, DEFAULTS[key])
    if isinstance(DEFAULTS[key], int):
        try:
            return int(value)
        except (TypeError, ValueError):
            return DEFAULTS[key]
    return str(value)


def members(ledger: Ledger, units=None) -> list[Member]:
    """The members in sheet order (units by their full names when ``units`` is given)."""
    view = ledger.views.get(MEMBERS.name)
    out = []
    canon = (lambda u: units.canonical(u) or u) if units is not None else (lambda u: u)
    for i, row in enumerate(view.rows() if view is not None else ()):
        name = row.text("姓名")
        if not name:
            continue
        areas = row.list("分管单位") if "分管单位" in row.view.cols else []
        out.append(
            Member(
                name, row.text("职务"), row.text("党政正职") == CHIEF, i, [canon(u) for u in areas], [canon(u) for u in row.list("联系点")]
            )
        )
    return out


def row_year(row: Row, date_columns=("计划日期", "谈话日期", "日期")) -> int | None:
    """The year a talk or visit counts for: its number's (TH-2026-001), else its first date's."""
    parts = row.number.rsplit("-", 2)
    if len(parts) == 3 and parts[1].isdigit() and len(parts[1]) == 4:
        return int(parts[1])
    for column in date_columns:
        if column in row.view.cols:
            d = row.date(column)
            if d:
                return d.year
    return None


def soft_date(row: Row, header: str) -> dt.date | None:
    """A date cell; None when empty, missing or not a date (`dangwu check` reports those)."""
    if header not in row.view.cols:
        return None
    try:
        return row.date(header)
    except ValueError:
        return None


def soft_year(row: Row, columns=("计划日期", "谈话日期", "日期")) -> int | None:
    """row_year, None when a date cell it reads holds no date (`dangwu check` reports those)."""
    try:
        return row_year(row, columns)
    except ValueError:
        return None


def talk_state(row: Row) -> str:
    """已安排, 已记录 or 已取消 — the one reading every command shares: a row typed in without 状态 is
    已记录 when it has a 谈话日期, else 已安排."""
    from .sheets import PLANNED, RECORDED

    return row.text("状态") or (RECORDED if row.text("谈话日期") else PLANNED)


def visit_state(row: Row) -> str:
    """The same for 走访慰问调研: without 状态, a row with a 日期 is 已记录, else 已安排."""
    from .sheets import PLANNED, RECORDED

    return row.text("状态") or (RECORDED if row.text("日期") else PLANNED)


def pair_key(a: str, b: str) -> tuple[str, ...]:
    """A member pair whichever way round it was written."""
    return ("pair", *sorted((a, b)))


def talk_key(row: Row, member_names: set[str]) -> tuple[str, ...]:
    """What a talk row stands for in the plan: a member pair, or (member, 负责人, unit), or itself."""
    who, other = row.text("谈话人"), row.text("谈话对象")
    kind = row.text("谈话类型")
    if kind in (CHIEF_TALK, PEER_TALK) and who in member_names and other in member_names:
        return pair_key(who, other)
    if kind == HEAD_TALK:  # one talk with the person, however the unit or post was written
        return ("head", who, other)
    return ("row", str(row.r))


@dataclass
class PlannedTalk:
    """A talk the rule requires: who talks, with whom, the type and the object's unit and post."""

    who: str
    other: str
    kind: str
    post: str
    key: tuple[str, ...]


def required_talks(team: list[Member], heads: dict[str, list[str]]) -> list[PlannedTalk]:
    """Every talk the rule requires of ``team`` in a year, in a stable order.

    ``heads``: unit → its 负责人 (several possible). Pairs come first (in 班子成员 order), then each
    member's talks with the heads of the units in the member's 分管单位.
    """
    out: list[PlannedTalk] = []
    for i, a in enumerate(team):
        for b in team[i + 1 :]:
            if b.chief and not a.chief:
                a_, b_ = b, a  # the 党政正职 talks
            else:
                a_, b_ = a, b
            kind = CHIEF_TALK if (a.chief or b.chief) else PEER_TALK
            out.append(PlannedTalk(a_.name, b_.name, kind, b_.post, pair_key(a.name, b.name)))
    for m in team:
        seen = set()
        for unit in m.areas:
            for head in heads.get(unit, []):
                if head and head != m.name and head not in seen:  # a person heading two of the units: one talk
                    seen.add(head)
                    out.append(PlannedTalk(m.name, head, HEAD_TALK, f"{unit}负责人", ("head", m.name, head)))
    return out


def unit_heads(ledger: Ledger) -> dict[str, list[str]]:
    """承办单位 → its 负责人 (、-separated lists split)."""
    from ...ledger import schema as S

    view = ledger.views.get(S.UNITS_SHEET.name)
    out: dict[str, list[str]] = {}
    for row in view.rows() if view is not None else ():
        out[row.text("单位名称")] = row.list("负责人")
    return out


def care_people(ledger: Ledger) -> list[Row]:
    """The rows of 慰问对象 (none when the sheet is absent)."""
    view = ledger.views.get(CARE_LIST.name)
    return [r for r in view.rows() if r.text("姓名")] if view is not None else []


def occasion_date(occasion: str, year: int) -> dt.date | None:
    """The festival's date in ``year``: 元旦 1 January, 春节 the lunar new year, 重阳节 the ninth of the ninth
    lunar month; 日常 has none."""
    from lunar_python import Lunar

    if occasion == "元旦":
        return dt.date(year, 1, 1)
    if occasion in ("春节", "重阳节"):
        month, day = (1, 1) if occasion == "春节" else (9, 9)
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    return None


def member_for_unit(team: list[Member], unit: str) -> str:
    """The member whose 联系点 holds ``unit`` ('' when none or several: the clerk decides)."""
    found = [m.name for m in team if unit and unit in m.contacts]
    return found[0] if len(found) == 1 else ""


def last_care(ledger: Ledger) -> dict[str, dt.date]:
    """Person → the date of the last 慰问 recorded or planned for them."""
    view = ledger.views.get(VISITS.name)
    out: dict[str, dt.date] = {}
    for row in view.rows() if view is not None else ():
        if row.text("类型") != CARE or row.text("状态") == "已取消":
            continue
        when = row.date("日期") or (row.date("计划日期") if "计划日期" in row.view.cols else None)
        person = row.text("对象或单位")
        if when and (person not in out or when > out[person]):
            out[person] = when
    return out
