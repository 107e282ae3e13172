"""常规性 items (三(三)): `dangwu plan disclosure` adds each routine series' row for a quarter; the quarters status shows.

A routine series is named in the column 常规事项 (e.g. 党费收缴管理情况), since real titles carry the
period. A series is planned for a quarter once: the plan is journalled (字段 常规计划), so a planned
row the clerk deleted is not planned again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import click

from ...cliutil import command, handle_errors, workspace_option
from ...errors import UsageError
from ...generate import open_valid_ledger
from ...ledger.workbook import ChangeContext, Ledger, Row
from ...lock import locked
from ...workspace import Workspace
from .rules import REFUSED, approval_of
from .sheets import DISCLOSURE

ROUTINE = "常规性"
PLAN_FIELD = "常规计划"  # the journal's 字段 of a planned (quarter, series)
COPIED = ("公开类别", "公开范围", "公开形式", "提出部门", "常规事项")
CN_QUARTERS = "一二三四"
_QUARTER = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")

Quarter = tuple[int, int]  # (year, 1–4)


# -- quarters ----------------------------------------------------------------------------------


def parse_quarter(text: str) -> Quarter:
    """``2027Q1`` as (2027, 1); UsageError in Chinese for anything else."""
    m = _QUARTER.match(text or "")
    if not m:
        raise UsageError(f"季度“{text}”格式不对，请写成 2027Q1（年份、字母 Q、季度 1–4）。")
    return int(m.group(1)), int(m.group(2))


def quarter_of(day: dt.date) -> Quarter:
    """The quarter a day lies in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(quarter: Quarter) -> dt.date:
    """The last day of a quarter (03-31, 06-30, 09-30, 12-31)."""
    year, q = quarter
    month = q * 3
    return dt.date(year, month, 31 if month in (3, 12) else 30)


def quarter_label(quarter: Quarter) -> str:
    """2027Q1, as typed on the command line and journalled."""
    return f"{quarter[0]}Q{quarter[1]}"


def quarter_text(quarter: Quarter) -> str:
    """2027年第一季度."""
    return f"{quarter[0]}年第{CN_QUARTERS[quarter[1] - 1]}季度"


def quarters_text(quarters: Iterable[int]) -> str:
    """[1, 2] as 第一、二季度."""
    return "第" + "、".join(CN_QUARTERS[q - 1] for q in quarters) + "季度"


# -- a series' rows ----------------------------------------------------------------------------


def _date(row: Row, header: str) -> dt.date | None:
    """The cell as a date; None when empty or not a date (check reports those)."""
    try:
        return row.date(header)
    except ValueError:
        return None


def series_of(row: Row) -> str:
    """The row's 常规事项 (whitespace collapsed); '' when it belongs to no series."""
    return " ".join(row.text("常规事项").split())


def disclosed_on(row: Row) -> dt.date | None:
    """When the item was disclosed: 公开日期, else 党内公开日期; None when not yet or refused."""
    if approval_of(row) == REFUSED:
        return None
    return _date(row, "公开日期") or _date(row, "党内公开日期")


def days_of(row: Row) -> list[dt.date]:
    """The row's 计划公开日期, 公开日期 and 党内公开日期 that are filled in."""
    return [day for day in (_date(row, h) for h in ("计划公开日期", "公开日期", "党内公开日期")) if day]


def series_rows(ledger: Ledger) -> dict[str, list[Row]]:
    """The rows of each routine series, by 常规事项, in sheet order."""
    view = ledger.views.get(DISCLOSURE.name)
    out: dict[str, list[Row]] = {}
    for row in view.rows() if view is not None else ():
        name = series_of(row)
        if name:
            out.setdefault(name, []).append(row)
    return out


def in_quarter(row: Row, quarter: Quarter) -> bool:
    """Whether the row's 计划公开日期, 公开日期 or 党内公开日期 lies in the quarter."""
    return any(quarter_of(day) == quarter for day in days_of(row))


def latest_disclosed(rows: list[Row]) -> Row | None:
    """The series' most recent 常规性 row that was disclosed (the one a new quarter copies)."""
    done = [(disclosed_on(r), r.r, r) for r in rows if r.text("时限类型") == ROUTINE and disclosed_on(r)]
    return max(done, key=lambda t: t[:2])[2] if done else None


def planned_before(ledger: Ledger) -> set[str]:
    """The (quarter, series) already planned, as journalled: {"2027Q1·党费收缴管理情况", …}."""
    return {rec.get("新值", "") for rec in ledger.journal_records() if rec.get("字段") == PLAN_FIELD}


# -- `dangwu plan disclosure` ------------------------------------------------------------------


@dataclass
class Planned:
    """One row added (or, in a dry run, that would be added)."""

    number: str
    matter: str
    due: dt.date


@dataclass
class PlanResult:
    """What planning a quarter did: rows added and series skipped with the reason."""

    quarter: Quarter
    added: list[Planned] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (series, reason)
    dry_run: bool = False

    def lines(self) -> list[str]:
        """The command's output, one Chinese line per added row and skipped series, then the total."""
        verb = "将添加" if self.dry_run else "已添加"
        out = [f"{verb} {p.number} {p.matter}，计划公开日期 {p.due.isoformat()}" for p in self.added]
        out += [f"跳过 {name}：{reason}" for name, reason in self.skipped]
        if not self.added:
            out.append(f"{quarter_text(self.quarter)}没有需要添加的常规公开事项。")
        elif self.dry_run:
            out.append(f"试运行：将添加 {len(self.added)} 项，跳过 {len(self.skipped)} 项；台账未修改。")
        else:
            out.append(f"共添加 {len(self.added)} 项，跳过 {len(self.skipped)} 项。")
        return out


def skip_reason(name: str, rows: list[Row], quarter: Quarter, planned: set[str]) -> str:
    """Why the series gets no new row for the quarter; '' when it gets one."""
    here = [r for r in rows if in_quarter(r, quarter)]
    if here:
        return f"本季度已有事项 {here[0].number or f'第{here[0].r}行'}"
    if f"{quarter_label(quarter)}·{name}" in planned:
        return f"已为{quarter_text(quarter)}计划过，计划行已被删除，不再添加"
    if latest_disclosed(rows) is None:
        return "尚未公开过（已有事项未公开或不予公开），不按季度计划"
    return ""


def new_row(source: Row, name: str, quarter: Quarter) -> dict:
    """The values of the quarter's row, copied from the series' latest disclosed row."""
    values = {h: source.text(h) for h in COPIED}
    values.update(
        {
            "公开事项": f"{name}（{quarter_text(quarter)}）",
            "常规事项": name,
            "时限类型": ROUTINE,
            "计划公开日期": quarter_end(quarter),
        }
    )
    return values


@locked("plan")
def plan_quarter(ws: Workspace, quarter: Quarter, *, dry_run: bool = False) -> PlanResult:
    """Add each disclosed routine series' row for the quarter (numbered, journalled) in one save; dry_run saves nothing."""
    from . import REGISTER
    from .status import refresh_warnings

    ledger = open_valid_ledger(ws, for_write=not dry_run)
    context = ChangeContext(operation="常规公开计划")
    result = PlanResult(quarter, dry_run=dry_run)
    planned = planned_before(ledger)
    view = ledger.sheet(DISCLOSURE.name)
    added: list[tuple[str, Row]] = []
    for name, rows in series_rows(ledger).items():
        reason = skip_reason(name, rows, quarter, planned)
        if reason:
            result.skipped.append((name, reason))
            continue
        added.append((name, view.append(new_row(latest_disclosed(rows), name, quarter), context=context)))
    if not added:
        return result
    REGISTER.assign_numbers(ledger, ws.settings, context, [row for _, row in added])
    for name, row in added:
        ledger.journal(context.change(DISCLOSURE.name, row.number, PLAN_FIELD, "", f"{quarter_label(quarter)}·{name}"))
        result.added.append(Planned(row.number, row.text("公开事项"), quarter_end(quarter)))
    if not dry_run:
        refresh_warnings(ledger, [row for _, row in added], ws.settings)
        ledger.save(keep_backups=ws.settings.backups)
    return result


@command("disclosure")
@workspace_option
@click.option("--quarter", "quarter", required=True, metavar="季度", help="要计划的季度，如 2027Q1。")
@click.option("--dry-run", is_flag=True, help="只列出将添加的事项，不写入台账。")
@handle_errors
def disclosure(wsdir, quarter, dry_run):
    """为每个已公开过的常规性事项（“常规事项”列写明系列）添加指定季度的公开计划行（重复运行不会重复添加）。"""
    result = plan_quarter(Workspace(wsdir), parse_quarter(quarter), dry_run=dry_run)
    for line in result.lines():
        click.echo(line)


PLAN_COMMANDS = [disclosure]


# -- quarters in `dangwu status` ---------------------------------------------------------------


@dataclass
class Series:
    """One routine series in one year: quarters disclosed, due and missed (1–4)."""

    name: str
    disclosed: list[int] = field(default_factory=list)
    due: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)

    def line(self) -> str:
        """党费收缴管理情况：已公开 第一、二季度；待公开 第四季度；未按期公开 第三季度."""
        parts = [
            f"{label} {quarters_text(qs)}"
            for label, qs in (("已公开", self.disclosed), ("待公开", self.due), ("未按期公开", self.missed))
            if qs
        ]
        return f"{self.name}：{'；'.join(parts) or '本年暂无公开安排'}"


def series_quarters(name: str, rows: list[Row], year: int, now: dt.date) -> Series:
    """The series' quarters of ``year`` as of ``now``."""
    disclosed = {quarter_of(d) for d in map(disclosed_on, rows) if d}
    days = [day for row in rows for day in days_of(row)]
    start = quarter_of(min(days)) if days else (year + 1, 1)  # the first row's quarter; undated: nothing due or missed
    current = quarter_of(now)
    plans = (_date(row, "计划公开日期") for row in rows if approval_of(row) != REFUSED)
    planned = {quarter_of(day) for day in plans if day}
    series = Series(name)
    for q in range(1, 5):
        quarter = (year, q)
        if quarter in disclosed:
            series.disclosed.append(q)
        elif quarter < start:
            continue
        elif quarter == current or (quarter > current and quarter in planned):
            series.due.append(q)
        elif quarter_end(quarter) < now:
            series.missed.append(q)
    return series


def routine_quarters(ledger: Ledger, year: int, now: dt.date) -> list[Series]:
    """Each routine series (by 常规事项, in sheet order) with the quarters of ``year`` disclosed, due and missed."""
    return [series_quarters(name, rows, year, now) for name, rows in series_rows(ledger).items()]


def routine_lines(series: Series | Iterable[Series]) -> list[str]:
    """Chinese lines for status: one per series (a single Series or several)."""
    items = [series] if isinstance(series, Series) else list(series)
    return [s.line() for s in items]
