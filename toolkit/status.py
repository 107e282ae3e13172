"""``dangwu status``: counts by 状态, open items with 红/黄/绿 warnings by unit and 分管校领导.

The warnings are also written into the ledger's 预警 column (with cell colours) so the clerk sees
them in Excel; that write is skipped, with a note, when the workbook is open or has errors.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from .dates import today
from .errors import LedgerLocked
from .ledger import schema as S
from .ledger.store import lock_files
from .ledger.validate import check_ledger, errors_of
from .ledger.workbook import ChangeContext, Ledger
from .registers import supervision as sup
from .registers.units import Units
from .workdays import WorkCalendar, warning
from .workspace import Workspace

FILLS = {"红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE"}
COLOURS = ("红", "黄", "绿")


@dataclass
class OpenItem:
    """One item not yet 已办结, with its warning."""

    number: str
    status: str
    unit: str
    leader: str
    due: str
    task: str
    colour: str = ""
    days_left: int | None = None
    warning: str = ""


@dataclass
class Status:
    """Counts by status, open items, and warning counts by unit and by leader."""

    counts: dict[str, int] = field(default_factory=dict)
    open_items: list[OpenItem] = field(default_factory=list)
    total: int = 0
    by_unit: dict[str, dict[str, int]] = field(default_factory=dict)
    by_leader: dict[str, dict[str, int]] = field(default_factory=dict)
    provisional: bool = False
    ledger_note: str = ""

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "total": self.total,
            "counts": self.counts,
            "open": [asdict(i) for i in self.open_items],
            "by_unit": self.by_unit,
            "by_leader": self.by_leader,
            "provisional": self.provisional,
            "ledger_note": self.ledger_note,
        }


def status(ws: Workspace, *, write: bool = True) -> Status:
    """Summarise the supervision register; write the 预警 column when the ledger can be written."""
    ledger = Ledger.load(ws.ledger_path)
    view = ledger.sheet(S.SUPERVISION.name)
    units = Units.from_ledger(ledger)
    cal = WorkCalendar.from_settings(ws.settings)
    now = today()
    counts: Counter = Counter()
    result = Status()
    by_unit: dict = defaultdict(Counter)
    by_leader: dict = defaultdict(Counter)
    paints = []
    for row in view.rows():
        st = sup.status_of(row)
        counts[st] += 1
        if st == sup.CLOSED:
            paints.append((row, "", None))
            continue
        try:
            due = row.date("办理时限")
        except ValueError:
            due = None
        item = OpenItem(
            row.number or "(未编号)", st, units.canonical(row.text("主办单位")), row.text("分管校领导") or "（未填）",
            due.isoformat() if due else row.text("办理时限"), row.text("督办事项"),
        )  # fmt: skip
        if due:
            w = warning(cal, due, now, ws.settings.warn_days)
            item.colour, item.days_left, item.warning = w.colour, w.days, w.text()
            result.provisional |= w.provisional
            by_unit[item.unit][w.colour] += 1
            by_leader[item.leader][w.colour] += 1
            paints.append((row, item.warning, FILLS[w.colour]))
        result.open_items.append(item)
    result.counts = {s: counts.get(s, 0) for s in S.SUP_STATUSES}
    result.total = sum(counts.values())
    result.by_unit = {u: {c: n.get(c, 0) for c in COLOURS} for u, n in sorted(by_unit.items())}
    result.by_leader = {u: {c: n.get(c, 0) for c in COLOURS} for u, n in sorted(by_leader.items())}
    if write:
        result.ledger_note = _write_warnings(ws, ledger, paints)
    return result


def _write_warnings(ws: Workspace, ledger: Ledger, paints) -> str:
    """Paint the 预警 column; '' when written or unchanged, else why it was not."""
    if lock_files(ws.ledger_path):
        return "台账正在 Excel/WPS 中打开，预警列未更新（关闭后再运行 status 即可）。"
    changed = sum(row.paint("预警", text, fill) for row, text, fill in paints)
    if not changed:
        return ""
    if errors_of(check_ledger(ledger)):  # the painted copy is only in memory: dropped, not saved
        return "台账有错误，预警列未更新（请先运行 dangwu check 改正）。"
    ledger.journal(ChangeContext(operation="刷新预警").change(S.SUPERVISION.name, "", "预警", "", f"刷新{changed}项预警"))
    try:
        ledger.save(keep_backups=ws.settings.backups)
    except LedgerLocked as exc:
        return exc.message
    return ""
