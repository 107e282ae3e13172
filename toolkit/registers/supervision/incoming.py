"""督查督办 forms coming back: reading the unit's answers, matching them to the row, applying them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...dates import parse_date, today
from ...errors import FormRejected, ItemClosed
from ...forms.checkbox import read_choice
from ...forms.identity import Identity, check_prefilled, normalise
from ...ledger import schema as S
from ...ledger.workbook import ChangeContext, Ledger, Row
from ..units import Units
from .outgoing import prefilled_values
from .rules import CLOSED, CO, IN_PROGRESS, MAIN, PENDING, find_row, recipients, status_of

FEEDBACK_STATUS = ("已办结", "办理中")


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
        raise ItemClosed(
            f"{ident.number} 已办结（办结日期 {row.text('办结日期') or '未填'}），不再接收反馈。", hint="如需补充材料，请直接联系督查小组。"
        )
    check_prefilled(
        fields, ident, prefilled_values(row, units), labels, labels, form="通知单", item="事项",
        edited_hint="请在原通知单上只填写反馈部分；如对时限或事项有异议，请联系督查小组。",
        stale_hint="请向督查小组索取最新的通知单，在新表上填写后提交。",
    )  # fmt: skip
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
        for rec in view.tail_records():  # the rows kept as XML (see ledger/tail.py)
            cache[(rec.get("立项编号", ""), rec.get("单位", ""), rec.get("角色", ""))] = (rec.get("办理状态", ""), rec.get("进展情况", ""))
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
