"""Status of the supervision register: counts by 状态 and the open items."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .ledger import schema as S
from .ledger.workbook import Ledger
from .registers import supervision as sup
from .registers.units import Units
from .workspace import Workspace


@dataclass
class OpenItem:
    """One item not yet 已办结."""

    number: str
    status: str
    unit: str
    due: str
    task: str


@dataclass
class Status:
    """Counts by status and the open items, in ledger order."""

    counts: dict[str, int] = field(default_factory=dict)
    open_items: list[OpenItem] = field(default_factory=list)
    total: int = 0

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {"total": self.total, "counts": self.counts, "open": [vars(i) for i in self.open_items]}


def status(ws: Workspace) -> Status:
    """Read the ledger (no write) and summarise the supervision register."""
    ledger = Ledger.load(ws.ledger_path)
    view = ledger.sheet(S.SUPERVISION.name)
    units = Units.from_ledger(ledger)
    counts: Counter = Counter()
    result = Status()
    for row in view.rows():
        st = sup.status_of(row)
        counts[st] += 1
        if st != sup.CLOSED:
            try:
                due = row.date("办理时限")
            except ValueError:
                due = None
            result.open_items.append(
                OpenItem(
                    row.number or "(未编号)",
                    st,
                    units.canonical(row.text("主办单位")),
                    due.isoformat() if due else row.text("办理时限"),
                    row.text("督办事项"),
                )
            )
    result.counts = {s: counts.get(s, 0) for s in S.SUP_STATUSES}
    result.total = sum(counts.values())
    return result
