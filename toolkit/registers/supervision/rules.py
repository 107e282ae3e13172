"""督查督办 rules: statuses, numbering, recipients, and the office's review of completion reports."""

from __future__ import annotations

import datetime as dt

from ...dates import today
from ...errors import UsageError
from ...ledger import schema as S
from ...ledger.workbook import ChangeContext, Ledger, Row
from ..numbering import assign_numbers as _assign
from ..units import Units

NEW, NOTIFIED, IN_PROGRESS, PENDING, CLOSED, REDO = S.SUP_STATUSES
MAIN, CO = "主办", "协办"
OPEN_STATUSES = (NEW, NOTIFIED, IN_PROGRESS, PENDING, REDO)


def status_of(row: Row) -> str:
    """The row's 状态, blank counting as 已立项."""
    return row.text("状态") or NEW


def assign_numbers(ledger: Ledger, prefix: str, context: ChangeContext, rows=None) -> list[str]:
    """Give ``rows`` (default: every row) with a blank 立项编号 the next free number of its year (see numbering)."""
    return _assign(ledger.sheet(S.SUPERVISION.name), prefix, context, rows)


def find_row(ledger: Ledger, number: str) -> Row | None:
    """The supervision row with this 立项编号."""
    return ledger.sheet(S.SUPERVISION.name).by_number().get(number)


def recipients(row: Row, units: Units) -> list[tuple[str, str]]:
    """(unit full name, role) for the 主办单位 and each 协办单位."""
    out = [(units.canonical(row.text("主办单位")), MAIN)]
    out += [(units.canonical(u), CO) for u in row.list("协办单位")]
    return out


def open_row(ledger: Ledger, number: str) -> Row:
    """The row with this number, or UsageError saying how to find the right one."""
    row = find_row(ledger, number)
    if row is None:
        raise UsageError(f"台账中没有立项编号为 {number} 的督办事项。", hint="请用 `dangwu status` 查看现有编号。")
    return row


def accept(row: Row, opinion: str, context: ChangeContext, reviewer: str = "") -> None:
    """办结审核 passed: 待审核 → 已办结, with 办结日期 today (the review date), the 审核意见 and the 审核人."""
    _must_be_pending(row)
    row.set("状态", CLOSED, context=context)
    row.set("办结日期", today(), context=context)
    row.set("审核意见", opinion or "同意办结", context=context)
    row.set("审核人", reviewer or context.user, context=context)


def reject(row: Row, opinion: str, deadline: dt.date, context: ChangeContext, reviewer: str = "") -> None:
    """办结审核 not passed: 待审核 → 退回重办 with a new 办理时限 (责成限期办理); a new notice follows.

    The first time an item is sent back its deadline is kept in 原办理时限 (the report's 第六条
    assessment judges against it); the rejected report's 完成日期 is cleared, since the item is not
    finished. Every change is journalled; the review's date is the journal row's time.
    """
    _must_be_pending(row)
    if not opinion.strip():
        raise UsageError("退回重办须写明审核意见（--opinion），说明不予办结的理由和整改要求。")
    if deadline < today():
        raise UsageError(f"新的办理时限 {deadline.isoformat()} 早于今天，请给出今后的日期。")
    given = row.date("交办时间")
    if given and deadline < given:
        raise UsageError(f"新的办理时限 {deadline.isoformat()} 早于交办时间 {given.isoformat()}。")
    if not row.text("原办理时限"):
        row.set("原办理时限", row.date("办理时限"), context=context)
    row.set("状态", REDO, context=context)
    row.set("办理时限", deadline, context=context)
    row.set("完成日期", None, context=context)
    row.set("审核意见", opinion, context=context)
    row.set("审核人", reviewer or context.user, context=context)


def original_deadline(row: Row) -> dt.date | None:
    """The 办理时限 before the first 退回重办 (None when the item was never sent back)."""
    return row.date("原办理时限")


def _must_be_pending(row: Row) -> None:
    """Only 待审核 items can be reviewed; say what state the item is in instead."""
    state = status_of(row)
    if state != PENDING:
        why = {
            NEW: "尚未下发通知",
            NOTIFIED: "已下发通知，承办单位尚未报送办结",
            IN_PROGRESS: "承办单位报送的是“办理中”，尚未报送办结",
            CLOSED: "已经审核办结",
            REDO: "已退回重办，等待承办单位重新报送",
        }.get(state, state)
        raise UsageError(
            f"{row.number} 当前状态为“{state}”（{why}），只有“待审核”的事项才能审核。", hint="请用 `dangwu status` 查看待审核事项。"
        )
