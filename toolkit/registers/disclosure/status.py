"""党务公开 in `dangwu status`: each item's stage, 红黄绿 against its date, the 预警 column."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

from ...dates import today
from ...ledger.workbook import Ledger, Row
from ...textwidth import clip, table
from ...workdays import PROVISIONAL_NOTE, WorkCalendar, warning
from ...workspace import Workspace
from ..warnings import repaint
from .rules import STAGES, opinion_counts, stage
from .sheets import DISCLOSURE

FILLS = {"红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE"}
DONE = ("已完成", "不予公开")
_TERMINAL_COLOURS = {"红": "red", "黄": "yellow", "绿": "green"}


@dataclass
class OpenDisclosure:
    """An item not yet complete: its stage and how it stands against its date."""

    number: str
    stage: str
    matter: str
    due: str
    colour: str = ""
    warning: str = ""
    provisional: bool = False


@dataclass
class DisclosureStatus:
    """Counts by stage and the items still to do."""

    counts: dict[str, int] = field(default_factory=dict)
    open_items: list[OpenDisclosure] = field(default_factory=list)
    total: int = 0
    provisional: bool = False
    ledger_note: str = ""
    today: str = ""
    paints: list = field(default_factory=list)  # (row, column, text, fill)
    unhandled: dict[str, int] = field(default_factory=dict)  # 公开编号 → opinions without 处理情况
    routine: list[str] = field(default_factory=list)  # per routine series: quarters disclosed, due, missed

    def as_dict(self) -> dict:
        return {
            "today": self.today,
            "total": self.total,
            "counts": self.counts,
            "open": [asdict(i) for i in self.open_items],
            "unhandled_opinions": self.unhandled,
            "routine": self.routine,
        }

    def lines(self) -> list[tuple[str, str | None]]:
        out: list[tuple[str, str | None]] = [
            (f"党务公开事项共 {self.total} 项：" + "，".join(f"{k} {v}" for k, v in self.counts.items()), None)
        ]
        if self.open_items:
            out.append(("未完成事项（红：已过计划公开日期；黄：临近；绿：正常）：", None))
            rows = [["公开编号", "阶段", "预警", "公开事项"]]
            rows += [[i.number, i.stage, i.warning or f"计划 {i.due or '未定'}", clip(i.matter, 30)] for i in self.open_items]
            lines = table(rows)
            out.append((lines[0], None))
            out += [(line, _TERMINAL_COLOURS.get(i.colour)) for line, i in zip(lines[1:], self.open_items)]
        if self.unhandled:
            listed = "、".join(f"{k} {v} 条" for k, v in self.unhandled.items())
            out.append(
                (
                    f"未处理的意见共 {sum(self.unhandled.values())} 条（{listed}）：请填写处理情况（dangwu respond 反馈编号 --handling …）。",
                    None,
                )
            )
        if self.routine:
            out.append(("常规性公开事项（按季度）：", None))
            out += [(f"  {line}", None) for line in self.routine]
        if self.provisional:
            out.append((f"注：部分日期超出法定节假日数据范围，工作日{PROVISIONAL_NOTE}。", None))
        if self.ledger_note:
            out.append((f"注：{self.ledger_note}", None))
        return out


def due_date(row: Row) -> dt.date | None:
    """The date an item is judged against: 计划公开日期; a routine (常规性) item without one, its quarter's end."""
    planned = row.date("计划公开日期")
    if planned or row.text("时限类型") != "常规性":
        return planned
    base = row.date("审批日期") or today()
    month = (base.month - 1) // 3 * 3 + 3
    return dt.date(base.year, month, 31 if month in (3, 12) else 30)


def judge(row: Row, cal: WorkCalendar, now: dt.date, warn_days: int, opinions: dict | None = None) -> OpenDisclosure | None:
    """The item as status shows it (None when complete or refused); ``opinions`` as rules.opinion_counts."""
    st = stage(row, now, None if opinions is None else opinions.get(row.number, (0, 0)))
    if st in DONE:
        return None
    due = due_date(row)
    item = OpenDisclosure(row.number or "（未编号）", st, row.text("公开事项"), due.isoformat() if due else "")
    if due and st in ("待审批", "待公开"):  # judged until the item is published
        w = warning(cal, due, now, warn_days)
        item.colour, item.warning, item.provisional = w.colour, w.text(), w.provisional
    return item


def cell_of(item: OpenDisclosure | None, now: dt.date) -> tuple[str, str | None]:
    """The 预警 cell: dated text and fill (empty for complete items)."""
    if item is None:
        return "", None
    text = f"{item.stage}，{item.warning}" if item.warning else item.stage
    return f"截至{now.month}月{now.day}日：{text}", FILLS.get(item.colour)


def refresh_warnings(ledger: Ledger, rows, settings, now: dt.date | None = None) -> int:
    """Rewrite the 预警 cells of the disclosure rows a command changed; how many changed."""
    now = now or today()
    cal = WorkCalendar.shared(settings)
    rows = list(rows)
    open_ = opinion_counts(rows[0].view.ledger, {r.number for r in rows if r.view.name == DISCLOSURE.name}) if rows else {}
    return repaint(rows, DISCLOSURE.name, lambda row: cell_of(judge(row, cal, now, settings.warn_days, open_), now))


def status(ws: Workspace, ledger: Ledger) -> DisclosureStatus:
    """Summarise the 党务公开台账; the 预警 cells to paint are in ``paints`` (the status pipeline writes them)."""
    view = ledger.views.get(DISCLOSURE.name)
    now = today()
    result = DisclosureStatus(today=now.isoformat())
    if view is None:
        return result
    cal = WorkCalendar.shared(ws.settings)
    counts: Counter = Counter()
    paints = result.paints
    open_ = opinion_counts(ledger)
    result.unhandled = {k: v[1] for k, v in open_.items() if v[1]}
    for row in view.rows():
        st = stage(row, now, open_.get(row.number, (0, 0)))
        counts[st] += 1
        item = judge(row, cal, now, ws.settings.warn_days, open_)
        text, fill = cell_of(item, now)
        if text or row.raw("预警") not in (None, ""):
            paints.append((row, "预警", text, fill))
        if item is not None:
            result.provisional |= item.provisional
            result.open_items.append(item)
    result.counts = {s: counts.get(s, 0) for s in STAGES}
    result.total = sum(counts.values())
    from .plan import routine_lines, routine_quarters

    result.routine = routine_lines(routine_quarters(ledger, now.year, now))
    return result
