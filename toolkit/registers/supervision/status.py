"""督查督办 in ``dangwu status``: counts by 状态, open items with 红/黄/绿 warnings, the office's review backlog.

An item waiting for the office's review (待审核: the unit reported it finished) is judged by its
完成日期 against 办理时限 — 按期完成 or 逾期N个工作日完成 — never red because today is past the
deadline; status lists these items apart, with how many working days they have waited. A closed
item has no warning.

The warnings are also written into the ledger's 预警 column (with cell colours and the date they
were worked out, 截至12月3日：…) so the clerk sees them in Excel: ``status`` rewrites every row (the
write is skipped, with a note, when the workbook is open or has errors), and every command that
changes an item's state rewrites the rows it changed (``refresh_warnings``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from ...dates import today
from ...ledger import schema as S
from ...ledger.workbook import Ledger, Row
from ...textwidth import clip, table
from ...workdays import PROVISIONAL_NOTE, WorkCalendar, warning
from ...workspace import Workspace
from ..units import Units
from ..warnings import repaint
from . import rules as sup

PENDING = sup.PENDING  # 待审核: the office's own backlog
FILLS = {"红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE", PENDING: "DDEBF7"}
COLOURS = ("红", "黄", "绿")
GROUP_KEYS = (*COLOURS, PENDING)


@dataclass
class OpenItem:
    """One item not yet 已办结, with its warning (or, waiting for review, its completion judged)."""

    number: str
    status: str
    unit: str
    leader: str
    due: str
    task: str
    colour: str = ""
    days_left: int | None = None
    warning: str = ""
    completed: str = ""  # 待审核: the unit's 完成日期
    late_days: int | None = None  # 待审核: working days past 办理时限 at completion (0: 按期完成)
    waited: int | None = None  # 待审核: working days since the report came in
    judged: str = ""  # 待审核: 按期完成 / 逾期N个工作日完成 / what is missing to judge it
    provisional: bool = False


@dataclass
class Status:
    """Counts by status, open items, the review backlog, and counts by unit and by leader."""

    counts: dict[str, int] = field(default_factory=dict)
    open_items: list[OpenItem] = field(default_factory=list)  # waiting for the units
    pending: list[OpenItem] = field(default_factory=list)  # waiting for the office's review, longest wait first
    total: int = 0
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)
    by_leader: dict[str, dict[str, int]] = field(default_factory=dict)
    provisional: bool = False
    ledger_note: str = ""
    today: str = ""
    paints: list = field(default_factory=list)  # (row, column, text, fill): the warning cells as they should read

    def lines(self) -> list[tuple[str, str | None]]:
        """The summary as (line, terminal colour) pairs (see text_lines)."""
        return text_lines(self)

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "today": self.today,
            "total": self.total,
            "counts": self.counts,
            "open": [asdict(i) for i in self.open_items],
            "pending_review": [asdict(i) for i in self.pending],
            "by_unit": self.by_unit,
            "by_leader": self.by_leader,
            "provisional": self.provisional,
            "ledger_note": self.ledger_note,
        }


def _date(row: Row, header: str) -> dt.date | None:
    """The cell as a date; None when empty or not a date (check reports those)."""
    try:
        return row.date(header)
    except ValueError:
        return None


def judge(row: Row, cal: WorkCalendar, now: dt.date, warn_days: int, units: Units | None = None) -> OpenItem | None:
    """The row's state as status shows it; None for a closed item."""
    st = sup.status_of(row)
    if st == sup.CLOSED:
        return None
    due = _date(row, "办理时限")
    main = row.text("主办单位")
    item = OpenItem(
        row.number or "（未编号）", st, units.canonical(main) if units else main, row.text("分管校领导") or "（未填）",
        due.isoformat() if due else row.text("办理时限"), row.text("督办事项"),
    )  # fmt: skip
    if st == PENDING:
        done = _date(row, "完成日期")
        reported = _date(row, "最近反馈日期") or done
        item.completed = done.isoformat() if done else ""
        if done and due:
            late = cal.between(due, done)
            item.late_days, item.provisional = late.days, late.provisional
            judged = "按期完成" if late.days == 0 else f"逾期{late.days}个工作日完成"
        else:
            judged = "未填完成日期" if not done else "未定办理时限"
        item.judged = judged
        if reported:
            wait = cal.between(reported, now)
            item.waited, item.provisional = wait.days, item.provisional or wait.provisional
            judged += f"，已等待审核{wait.days}个工作日"
        note = f"（{PROVISIONAL_NOTE}）" if item.provisional else ""
        item.warning = f"{PENDING}，{judged}{note}"
        return item
    if due:
        w = warning(cal, due, now, warn_days)
        item.colour, item.days_left, item.warning, item.provisional = w.colour, w.days, w.text(), w.provisional
    return item


def cell_of(item: OpenItem | None, now: dt.date) -> tuple[str, str | None]:
    """The 预警 cell for a judged item: dated text and fill (empty for closed items and items without a deadline)."""
    if item is None or not item.warning:
        return "", None
    fill = FILLS[PENDING] if item.status == PENDING else FILLS.get(item.colour)
    return f"截至{now.month}月{now.day}日：{item.warning}", fill


def refresh_warnings(ledger: Ledger, rows, settings, now: dt.date | None = None) -> int:
    """Rewrite the 预警 cells of ``rows`` (the supervision rows a command changed); how many changed.

    Called by every command that changes an item's state (review, ingest, generate) before it
    saves, so the column never contradicts the row's 状态. Not journalled cell by cell (a derived
    display, like status's painting).
    """
    now = now or today()
    cal = WorkCalendar.shared(settings)
    return repaint(rows, S.SUPERVISION.name, lambda row: cell_of(judge(row, cal, now, settings.warn_days), now))


def status(ws: Workspace, ledger: Ledger) -> Status:
    """Summarise the supervision register; the 预警 cells to paint are in ``paints`` (the status pipeline writes them)."""
    view = ledger.sheet(S.SUPERVISION.name)
    units = Units.from_ledger(ledger)
    cal = WorkCalendar.shared(ws.settings)
    now = today()
    counts: Counter = Counter()
    result = Status(today=now.isoformat())
    by_unit: dict = defaultdict(Counter)
    by_leader: dict = defaultdict(Counter)
    paints = result.paints
    for row in view.rows():
        counts[sup.status_of(row)] += 1
        item = judge(row, cal, now, ws.settings.warn_days, units)
        text, fill = cell_of(item, now)
        if text or row.raw("预警") not in (None, ""):
            paints.append((row, "预警", text, fill))
        if item is None:
            continue
        result.provisional |= item.provisional
        key = PENDING if item.status == PENDING else item.colour
        if key:
            by_unit[item.unit][key] += 1
            by_leader[item.leader][key] += 1
        (result.pending if item.status == PENDING else result.open_items).append(item)
    result.pending.sort(key=lambda i: -(i.waited or 0))  # stable: ledger order among equal waits
    result.counts = {s: counts.get(s, 0) for s in S.SUP_STATUSES}
    result.total = sum(counts.values())
    unit_order = [u.name for u in units.all]
    result.by_unit = {u: {k: by_unit[u].get(k, 0) for k in GROUP_KEYS} for u in _ordered(by_unit, unit_order)}
    result.by_leader = {u: {k: by_leader[u].get(k, 0) for k in GROUP_KEYS} for u in _ordered(by_leader, _members(ledger))}
    return result


def _ordered(groups: dict, order: list[str]) -> list[str]:
    """Group names in the order of their sheet (承办单位, 班子成员), then the others as first met."""
    known = [name for name in dict.fromkeys(order) if name in groups]
    return known + [name for name in groups if name not in set(known)]


def _members(ledger: Ledger) -> list[str]:
    """班子成员 names in sheet order."""
    view = ledger.views.get(S.MEMBERS.name)
    return [row.text("姓名") for row in view.rows()] if view else []


# ---- text output (the command line prints these lines)

_TERMINAL_COLOURS = {"红": "red", "黄": "yellow", "绿": "green"}


def text_lines(st: Status) -> list[tuple[str, str | None]]:
    """The status report as (line, terminal colour) pairs, columns aligned for Chinese widths."""
    out: list[tuple[str, str | None]] = [(f"督查督办事项共 {st.total} 项：" + "，".join(f"{k} {v}" for k, v in st.counts.items()), None)]
    if st.open_items:
        out.append(("未办结事项（红：已逾期；黄：临近时限；绿：正常）：", None))
        rows = [["立项编号", "状态", "预警", "主办单位", "督办事项"]]
        for i in st.open_items:
            task = i.task.splitlines()[0] if i.task else ""
            rows.append([i.number, i.status, i.warning or f"时限 {i.due}", i.unit, clip(task, 30)])
        lines = table(rows)
        out.append((lines[0], None))
        out += [(line, _TERMINAL_COLOURS.get(i.colour)) for line, i in zip(lines[1:], st.open_items)]
    if st.pending:
        out.append((f"待审核事项（承办单位已报办结，等待督查部门审核，共 {len(st.pending)} 项）：", None))
        rows = [["立项编号", "完成日期", "完成情况", "已等待", "主办单位", "督办事项"]]
        for i in st.pending:
            waited = "" if i.waited is None else f"{i.waited}个工作日"
            task = i.task.splitlines()[0] if i.task else ""
            rows.append([i.number, i.completed or "—", i.judged, waited, i.unit, clip(task, 30)])
        out += [(line, None) for line in table(rows, right={3})]
    for title, head, groups in (("按承办单位", "承办单位", st.by_unit), ("按分管校领导", "分管校领导", st.by_leader)):
        if groups:
            out.append((f"{title}：", None))
            rows = [[head, *GROUP_KEYS]] + [[name, *(str(n[k]) for k in GROUP_KEYS)] for name, n in groups.items()]
            out += [(line, None) for line in table(rows, right={1, 2, 3, 4})]
    if st.provisional:
        out.append((f"注：部分日期超出法定节假日数据范围，工作日{PROVISIONAL_NOTE}。", None))
    if st.ledger_note:
        out.append((f"注：{st.ledger_note}", None))
    return out
