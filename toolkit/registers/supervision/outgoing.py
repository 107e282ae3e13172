"""督查督办 forms going out: what each notice and reminder says, which items get one, what changes after."""

from __future__ import annotations

import re

from ...dates import cn_date, today
from ...errors import UsageError
from ...ledger import schema as S
from ...ledger.workbook import ChangeContext, Ledger, Row
from ...workdays import WorkCalendar
from ..numbering import wanted_numbers
from ..units import Units
from .rules import CLOSED, IN_PROGRESS, MAIN, NEW, NOTIFIED, REDO, recipients, status_of

REPLY_WORKDAYS = 3  # a reminder asks for an answer within this many working days


def doc_number(row: Row, code: str) -> str:
    """The notice's 文号 from the item number: DB-2026-003 → 党办督〔2026〕3号."""
    parts = row.number.rsplit("-", 2)
    if len(parts) == 3 and parts[2].isdigit():
        return f"{code}〔{parts[1]}〕{int(parts[2])}号"
    return f"{code}〔{today().year}〕{row.number}号"


def prefilled_values(row: Row, units: Units) -> dict[str, str]:
    """The item's fields as every supervision form prints them (the fingerprinted part)."""
    co = [units.canonical(u) for u in row.list("协办单位")]
    return {
        "立项编号": row.number,
        "交办时间": cn_date(row.date("交办时间")),
        "督办来源": row.text("督办来源"),
        "督查形式": row.text("督查形式"),
        "主办单位": units.canonical(row.text("主办单位")),
        "协办单位": "、".join(co) or "无",
        "督办事项": row.text("督办事项"),
        "工作要求": row.text("工作要求"),
        "办理时限": cn_date(row.date("办理时限")),
        "分管校领导": row.text("分管校领导"),
    }


def _letter(unit: str, role: str, settings) -> dict[str, str]:
    """Addressee, office and date lines shared by every form."""
    return {
        "发文机关": settings.org_name,
        "送达单位": unit,
        "承办角色": role,
        "督查联系": settings.supervision_contact,
        "落款单位": settings.office,
        "落款日期": cn_date(today()),
    }


def notice_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict[str, str]:
    """Every field of the 督查督办通知单 for this recipient.

    A 重办 notice says so in its number line and, in 重办说明, why the item was sent back (the
    审核意见) and how its deadline changed (原办理时限 → 办理时限); an ordinary notice leaves it empty.
    """
    redo = extra.get("redo")
    number = doc_number(row, settings.notice_code) + ("（重办）" if redo else "")
    return {**prefilled_values(row, units), **_letter(unit, role, settings), "文号": number, "重办说明": redo or ""}


def reminder_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict[str, str]:
    """Every field of the 催办通知单: deadline, working days overdue, how many times chased, answer-by date."""
    return {
        **prefilled_values(row, units),
        **_letter(unit, role, settings),
        "文号": extra["文号"],
        "逾期情况": extra["逾期情况"],
        "催办次数": f"第{extra['催办次数']}次",
        "答复期限": extra["答复期限"],
        "催办事由": extra["催办事由"],
    }


def _check_selection(rows, units: Units, ids, unit):
    """UsageError for unknown numbers or units; the wanted set and the unit's full name."""
    wanted = wanted_numbers(rows, ids, "立项编号", S.SUPERVISION.name)
    if unit and not units.get(unit):
        raise UsageError(f"“承办单位”表中没有单位“{unit}”。", hint="请使用单位全称或简称。")
    return wanted, (units.canonical(unit) if unit else None)


def redo_note(row: Row, opinion: str) -> str:
    """The 重办说明 of a notice: the review's opinion and the deadline's change."""
    before, now = row.date("原办理时限"), row.date("办理时限")
    why = opinion.strip().rstrip("。；;.") or "未写明"
    if before and before != now:
        change = f"办理时限由{cn_date(before)}调整为{cn_date(now)}"
    else:
        change = f"办理时限为{cn_date(now)}"
    return f"经审核未予办结，退回重办。审核意见：{why}。{change}。"


def _rejections(ledger: Ledger) -> dict[str, str]:
    """{立项编号: the 审核意见 of its last 退回重办} from the journal (for items no longer showing it).

    `review` journals a send-back as 状态 → 退回重办 followed by its 审核意见; the opinion taken is the
    first one after such a 状态 row of the same item (a later 状态 change disarms it).
    """
    out: dict[str, str] = {}
    armed: dict[str, bool] = {}
    for rec in ledger.journal_records():
        if rec.get("台账") != S.SUPERVISION.name:
            continue
        number, name = rec.get("编号", ""), rec.get("字段")
        if name == "状态":
            armed[number] = rec.get("新值") == REDO
        elif name == "审核意见" and armed.get(number):
            out[number] = rec.get("新值", "")
            armed[number] = False
    return out


def _redo_notes(ledger: Ledger, rows: list[Row]) -> dict[str, str]:
    """The 重办说明 of every selected row that was sent back (rows not sent back have none).

    An item is a 重办 item from its first 退回重办 on: 原办理时限 keeps the deadline it had, so a
    notice reprinted with --force after the item was notified again is still a 重办 notice. Until
    the item is accepted its 审核意见 is the one that sent it back; once accepted, that opinion
    is read from the journal.
    """
    notes, journal = {}, None
    for row in rows:
        state = status_of(row)
        if state != REDO and not row.text("原办理时限"):
            continue
        opinion = row.text("审核意见")
        if state == CLOSED:
            journal = _rejections(ledger) if journal is None else journal
            opinion = journal.get(row.number, "")
        notes[row.number] = redo_note(row, opinion)
    return notes


def select_for_notice(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None):
    """(row, unit, role, extra) jobs needing a notice, and the items skipped: new or 退回重办 items; with force, all open ones."""
    rows = ledger.sheet(S.SUPERVISION.name).rows()
    wanted, target = _check_selection(rows, units, ids, unit)
    jobs, skipped, chosen = [], [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        status = status_of(row)
        if (status == CLOSED and not (force and wanted)) or (not force and status not in (NEW, REDO)):
            skipped.append(f"{row.number}（{status}）")
            continue
        chosen.append(row)
    notes = _redo_notes(ledger, chosen)
    for row in chosen:
        for name, role in recipients(row, units):
            if not target or name == target:
                jobs.append((row, name, role, {"redo": notes.get(row.number, "")}))
    return jobs, skipped


def mark_notified(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After the 主办 notice is written: 已立项/退回重办 → 已通知, 通知日期 today."""
    if role == MAIN and status_of(row) in (NEW, REDO):
        row.set("状态", NOTIFIED, context=context)
        row.set("通知日期", today(), context=context)


def select_for_reminder(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None):
    """(row, unit, role, extra) jobs for 催办: overdue open items (or the named ones), once a day unless forced."""
    view = ledger.sheet(S.SUPERVISION.name)
    rows = view.rows()
    wanted, target = _check_selection(rows, units, ids, unit)
    cal = WorkCalendar.from_settings(settings)
    now = today()
    serial = _last_reminder_serial(ledger, now.year, settings.reminder_code)
    reply_by, _ = cal.add(now, REPLY_WORKDAYS)
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        status = status_of(row)
        due = row.date("办理时限")
        if status not in (NOTIFIED, IN_PROGRESS, REDO):
            if wanted:
                raise UsageError(f"{row.number} 当前状态为“{status}”，不需要催办。", hint="催办只针对已下发、尚未报送办结的事项。")
            continue
        if not wanted and not (due and due < now):
            continue
        if row.date("最近催办日期") == now and not force:
            skipped.append(f"{row.number}（今天已催办）")
            continue
        serial += 1
        late = cal.between(due, now) if due and due < now else None
        extra = {
            "文号": f"{settings.reminder_code}〔{now.year}〕{serial}号",
            "逾期情况": f"已逾期{late.days}个工作日{late.note()}（原定时限{cn_date(due)}）"
            if late
            else f"尚未到期（办理时限{cn_date(due)}）",
            "催办次数": row.int("催办次数") + 1,
            "答复期限": cn_date(reply_by),
            # a reminder forced (--id) before the deadline must not claim the item is overdue
            "催办事由": "已超过办理时限" if late else "尚未报送办结",
        }
        for name, role in recipients(row, units):
            if not target or name == target:
                jobs.append((row, name, role, extra))
    return jobs, skipped


def mark_reminded(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After an item's reminders are written: 催办次数 +1, 最近催办日期 today, the 文号 journalled."""
    if row.int("催办次数") >= extra["催办次数"]:
        return  # already counted for this item (another recipient of the same reminder)
    row.set("催办次数", extra["催办次数"], context=context)
    row.set("最近催办日期", today(), context=context)
    row.view.ledger.journal(context.change(row.view.name, row.number, "催办文号", "", extra["文号"]))


def _last_reminder_serial(ledger: Ledger, year: int, code: str) -> int:
    """The highest 催办 文号 serial of ``year`` recorded in the journal."""
    pattern = re.compile(rf"{re.escape(code)}〔{year}〕(\d+)号")
    best = 0
    for rec in ledger.journal_records():
        if rec.get("字段") == "催办文号":
            m = pattern.search(rec.get("新值", ""))
            if m:
                best = max(best, int(m.group(1)))
    return best
