"""``dangwu review``: the office's 办结审核 of a completion report — accept, or send back with a new deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...errors import UsageError
from ...generate import open_valid_ledger
from ...ledger.workbook import ChangeContext
from ...lock import locked
from ...workspace import Workspace
from . import rules as sup
from .status import refresh_warnings


@dataclass
class ReviewResult:
    """The item reviewed and its new state."""

    number: str
    status: str
    opinion: str
    deadline: dt.date | None = None
    reviewer: str = ""
    original_deadline: dt.date | None = None


def review(ws: Workspace, number: str, *, accept: bool, opinion: str = "", deadline: dt.date | None = None, by: str = "") -> ReviewResult:
    """Accept (→ 已办结) or reject (→ 退回重办, new 办理时限) one 待审核 item; the ledger is saved once."""
    return review_many(ws, [number], accept=accept, opinion=opinion, deadline=deadline, by=by)[0]


@locked("review")
def review_many(
    ws: Workspace, numbers, *, accept: bool, opinion: str = "", deadline: dt.date | None = None, by: str = ""
) -> list[ReviewResult]:
    """Review several items with one opinion in one save; any refused item means nothing is saved.

    ``by`` names the reviewer recorded in 审核人 (default the operator: DANGWU_USER or the login name).
    """
    if not accept and deadline is None:
        raise UsageError("退回重办须给出新的办理时限（--deadline 2026-12-31）。")
    reviewer = " ".join(by.split())
    if by and not reviewer:
        raise UsageError("--by 的审核人姓名为空，请写明审核人，如 --by 王芳；不写则记为当前操作人。")
    ledger = open_valid_ledger(ws, for_write=True)
    context = ChangeContext(operation="办结审核")
    reviewer = reviewer or context.user
    rows = []
    for number in dict.fromkeys(numbers):
        row = sup.open_row(ledger, number)
        if accept:
            sup.accept(row, opinion, context, reviewer)
        else:
            sup.reject(row, opinion, deadline, context, reviewer)
        rows.append(row)
    refresh_warnings(ledger, rows, ws.settings)  # 预警: cleared when closed, the new deadline's when sent back
    ledger.save(keep_backups=ws.settings.backups)
    return [
        ReviewResult(
            r.number,
            sup.status_of(r),
            r.text("审核意见"),
            None if accept else r.date("办理时限"),
            reviewer,
            None if accept else sup.original_deadline(r),
        )
        for r in rows
    ]
