"""``dangwu review``: the office's 办结审核 of a completion report — accept, or send back with a new deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import UsageError
from .generate import open_valid_ledger
from .ledger.workbook import ChangeContext
from .registers import supervision as sup
from .workspace import Workspace


@dataclass
class ReviewResult:
    """The item reviewed and its new state."""

    number: str
    status: str
    opinion: str
    deadline: dt.date | None = None


def review(ws: Workspace, number: str, *, accept: bool, opinion: str = "", deadline: dt.date | None = None) -> ReviewResult:
    """Accept (→ 已办结) or reject (→ 退回重办, new 办理时限) a 待审核 item; the ledger is saved once."""
    ledger = open_valid_ledger(ws, for_write=True)
    row = sup.open_row(ledger, number)
    context = ChangeContext(operation="review")
    if accept:
        sup.accept(row, opinion, context)
    else:
        if deadline is None:
            raise UsageError("退回重办须给出新的办理时限（--deadline 2026-12-31）。")
        sup.reject(row, opinion, deadline, context)
    ledger.save(keep_backups=ws.settings.backups)
    return ReviewResult(number, sup.status_of(row), row.text("审核意见"), row.date("办理时限") if not accept else None)
