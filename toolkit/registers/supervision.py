"""督查督办 rules: numbering, which notices to issue, the form context, and applying feedback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dates import cn_date, parse_date, today
from ..errors import FormRejected
from ..forms.checkbox import read_choice
from ..forms.identity import Identity, fingerprint, normalise
from ..ledger import schema as S
from ..ledger.workbook import ChangeContext, Ledger, Row
from .units import Units

NEW, NOTIFIED, IN_PROGRESS, PENDING, CLOSED, REDO = S.SUP_STATUSES
MAIN, CO = "主办", "协办"
FEEDBACK_STATUS = ("已办结", "办理中")
OPEN_STATUSES = (NEW, NOTIFIED, IN_PROGRESS, PENDING, REDO)


def status_of(row: Row) -> str:
    """The row's 状态, blank counting as 已立项."""
    return row.text("状态") or NEW


def assign_numbers(ledger: Ledger, prefix: str, context: ChangeContext) -> list[str]:
    """Give every row with a blank 立项编号 the next free number of its year; returns the new numbers."""
    view = ledger.sheet(S.SUPERVISION.name)
    used: dict[str, int] = {}
    for row in view.rows():
        number = row.number
        parts = number.rsplit("-", 2)
        if len(parts) == 3 and parts[0] == prefix and parts[2].isdigit():
            used[parts[1]] = max(used.get(parts[1], 0), int(parts[2]))
    made = []
    for row in view.rows():
        if row.number:
            continue
        year = str((row.date("交办时间") or today()).year)
        used[year] = used.get(year, 0) + 1
        number = f"{prefix}-{year}-{used[year]:03d}"
        row.set("立项编号", number, context=context)
        made.append(number)
    return made


def find_row(ledger: Ledger, number: str) -> Row | None:
    """The supervision row with this 立项编号."""
    return ledger.sheet(S.SUPERVISION.name).by_number().get(number)


def recipients(row: Row, units: Units) -> list[tuple[str, str]]:
    """(unit full name, role) for the 主办单位 and each 协办单位."""
    out = [(units.canonical(row.text("主办单位")), MAIN)]
    out += [(units.canonical(u), CO) for u in row.list("协办单位")]
    return out


def doc_number(row: Row, code: str) -> str:
    """The notice's 文号 from the item number: DB-2026-003 → 党办督〔2026〕3号."""
    parts = row.number.rsplit("-", 2)
    if len(parts) == 3 and parts[2].isdigit():
        return f"{code}〔{parts[1]}〕{int(parts[2])}号"
    return f"{code}〔{today().year}〕{row.number}号"


def notice_values(row: Row, units: Units, unit: str, role: str, settings) -> dict[str, str]:
    """Every field of the 督查督办通知单 as text, for this recipient."""
    co = [units.canonical(u) for u in row.list("协办单位")]
    return {
        "发文机关": settings.org_name,
        "文号": doc_number(row, settings.notice_code),
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
        "送达单位": unit,
        "承办角色": role,
        "督查联系": settings.supervision_contact,
        "落款单位": settings.office,
        "落款日期": cn_date(today()),
    }


def select_for_notice(ledger: Ledger, units: Units, ids=(), unit: str | None = None, force: bool = False):
    """(row, unit, role) jobs needing a notice, and the items skipped: new or 退回重办 items; with force, all open ones."""
    rows = ledger.sheet(S.SUPERVISION.name).rows()
    wanted = set(ids)
    if wanted:
        known = {r.number for r in rows}
        missing = sorted(wanted - known)
        if missing:
            from ..errors import UsageError

            raise UsageError(f"台账中没有这些立项编号：{'、'.join(missing)}。", hint="请用 `dangwu status` 查看现有编号。")
    target_unit = units.canonical(unit) if unit else None
    if unit and not units.get(unit):
        from ..errors import UsageError

        raise UsageError(f"“承办单位”表中没有单位“{unit}”。", hint="请使用单位全称或简称。")
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        status = status_of(row)
        if (status == CLOSED and not (force and wanted)) or (not force and status not in (NEW, REDO)):
            skipped.append(f"{row.number}（{status}）")
            continue
        for name, role in recipients(row, units):
            if target_unit and name != target_unit:
                continue
            jobs.append((row, name, role))
    return jobs, skipped


def mark_notified(row: Row, role: str, context: ChangeContext) -> None:
    """After the 主办 notice is written: 已立项/退回重办 → 已通知, 通知日期 today."""
    if role != MAIN:
        return
    if status_of(row) in (NEW, REDO):
        row.set("状态", NOTIFIED, context=context)
        row.set("通知日期", today(), context=context)


@dataclass
class Feedback:
    """What a unit reported on its returned form, checked."""

    status: str
    text: str
    done: dt.date | None
    handler: str
    phone: str


def read_feedback(fields: dict[str, str], assigned: dt.date | None = None) -> Feedback:
    """Check the unit's part of the form; FormRejected naming the field and what to fill."""
    state, problem = read_choice(fields.get("办理状态", ""), FEEDBACK_STATUS)
    if problem:
        raise FormRejected(f"“办理状态”{problem}。", hint="请在“已办结”或“办理中”前打勾（☑/√），或删去未选的一项。")
    text = fields.get("办理情况", "").strip()
    raw_done = fields.get("完成日期", "").strip()
    try:
        done = parse_date(raw_done)
    except ValueError:
        raise FormRejected(f"“完成日期”填写的“{raw_done}”不是日期。", hint="请写成 2026年3月5日 或 2026-03-05。") from None
    if done and done > today():
        raise FormRejected(f"“完成日期”{done.isoformat()} 晚于今天，不能是将来的日期。", hint="请填写实际完成的日期。")
    if done and assigned and done < assigned:
        raise FormRejected(f"“完成日期”{done.isoformat()} 早于交办时间 {assigned.isoformat()}。", hint="请核对并填写实际完成的日期。")
    if state == "已办结":
        if not text:
            raise FormRejected("已勾选“已办结”，但“办理情况”为空。", hint="请填写办理情况后重新提交。")
        if not done:
            raise FormRejected("已勾选“已办结”，但“完成日期”为空。", hint="请填写完成日期（如 2026年3月5日）后重新提交。")
    return Feedback(state, text, done, fields.get("承办人", "").strip(), fields.get("联系电话", "").strip())


def check_identity(ledger: Ledger, units: Units, ident: Identity, fields: dict[str, str], labels, settings) -> Row:
    """Match the form to its row and refuse forms for unknown items, other units, or changed content."""
    row = find_row(ledger, ident.number)
    if row is None:
        raise FormRejected(f"台账中没有立项编号为 {ident.number} 的督办事项。", hint="请核对编号；若事项已删除，请联系督查小组。")
    roles = dict((normalise(n), r) for n, r in recipients(row, units))
    unit = normalise(units.canonical(ident.unit))
    if unit not in roles:
        names = "、".join(n for n, _ in recipients(row, units))
        raise FormRejected(
            f"此表是发给“{ident.unit}”的，但台账中 {ident.number} 的承办单位是：{names}。",
            hint="请确认是否用错了表单；应由上述单位填写其收到的通知单。",
        )
    if status_of(row) == CLOSED:
        raise FormRejected(
            f"{ident.number} 已办结（办结日期 {row.text('办结日期') or '未填'}），不再接收反馈。", hint="如需补充材料，请直接联系督查小组。"
        )
    missing = [label for label in labels if label not in fields]
    if missing:
        raise FormRejected(f"表单结构被改动，找不到“{'、'.join(missing)}”栏。", hint="请使用下发的通知单原表填写，不要删改表格。")
    current = notice_values(row, units, ident.unit, ident.role, settings)
    returned_fp = fingerprint(fields, labels)
    if returned_fp != ident.fingerprint:
        diffs = [
            f"{label}（表单为“{fields[label]}”，台账为“{current[label]}”）"
            for label in labels
            if normalise(fields[label]) != normalise(current[label])
        ]
        raise FormRejected(
            "表单上预填的内容被改动：" + ("；".join(diffs) or "内容与下发时不一致") + "。",
            hint="预填部分不能修改。如对时限或事项有异议，请联系督查小组；请用原通知单只填写反馈部分。",
        )
    if fingerprint(current, labels) != ident.fingerprint:
        diffs = [
            f"{label} 已改为“{current[label]}”（表单为“{fields[label]}”）"
            for label in labels
            if normalise(fields[label]) != normalise(current[label])
        ]
        raise FormRejected(
            "表单已过期：下发后台账中该事项已变更：" + "；".join(diffs) + "。",
            hint="请向督查小组索取最新的通知单，在新表上填写后提交。",
        )
    return row


def record_progress(ledger: Ledger, row: Row, unit: str, role: str, fb: Feedback, context: ChangeContext) -> None:
    """Keep the unit's report as a row of 办理进展, so long items keep their history (第五条).

    A report identical to the unit's last one for the item (e.g. the same form re-saved) adds nothing.
    """
    view = ledger.sheet(S.PROGRESS.name)
    latest = _latest_progress(view)
    key = (row.number, unit, role)
    if latest.get(key) == (fb.status, fb.text):
        return
    latest[key] = (fb.status, fb.text)
    view.append(
        {
            "日期": today(),
            "立项编号": row.number,
            "单位": unit,
            "角色": role,
            "办理状态": fb.status,
            "进展情况": fb.text,
            "来源文件": context.source,
        },
        context=context,
        number=row.number,
    )


def _latest_progress(view) -> dict:
    """(number, unit, role) → (status, text) of the last progress row; built once per loaded ledger."""
    cache = getattr(view, "_latest_progress", None)
    if cache is None:
        cache = {}
        for r in view.rows():
            cache[(r.text("立项编号"), r.text("单位"), r.text("角色"))] = (r.text("办理状态"), r.text("进展情况"))
        view._latest_progress = cache
    return cache


def apply_feedback(row: Row, role: str, fb: Feedback, context: ChangeContext) -> list[str]:
    """Write the unit's report into the row; returns the fields that changed."""
    changed = []

    def put(field, value):
        if row.set(field, value, context=context):
            changed.append(field)

    if role == MAIN:
        put("状态", PENDING if fb.status == "已办结" else IN_PROGRESS)
        put("办理情况", fb.text)
        if fb.status == "已办结":
            put("完成日期", fb.done)
        if fb.handler:
            put("承办人", fb.handler)
        if fb.phone:
            put("联系电话", fb.phone)
    if changed or role == CO:
        put("最近反馈日期", today())
    return changed
