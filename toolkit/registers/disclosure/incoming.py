"""党务公开 forms coming back: the decided 党务公开审批表."""

from __future__ import annotations

from ...dates import parse_date, today
from ...errors import FormRejected, ItemClosed
from ...forms.checkbox import read_choice
from ...forms.identity import check_prefilled
from ..base import APPLIED, RECORDED, Applied
from .outgoing import item_values
from .rules import APPROVED, REFUSED, approval_of, decided, feedback_numbers, find_row, opinion_index, recount
from .sheets import FEEDBACK

RESULTS = ("同意公开", "不予公开")


def apply_approval(ws, ledger, units, ident, kind, form, context) -> Applied:
    """The committee's decision as written on the returned form: 审批状态, 审批意见, 审批人, 审批日期 (journalled)."""
    row = find_row(ledger, ident.number)
    if row is None:
        raise FormRejected(
            f"台账中没有公开编号为 {ident.number} 的党务公开事项。", hint="请核对编号；若事项已删除，请联系党务公开工作办公室。"
        )
    if decided(row):
        raise ItemClosed(
            f"{ident.number} 已审批（{approval_of(row)}，审批日期 {row.text('审批日期') or '未记录'}），不再接收审批表。",
            hint="如审批结果有变，请联系党务公开工作办公室。",
        )
    fields = form.fields
    check_prefilled(
        fields, ident, item_values(row, units), kind.prefilled, kind.prefilled + kind.feedback, form="审批表", item="事项",
        edited_hint="公开范围或计划公开日期如需调整，请在审批意见中写明，由办公室用 `dangwu decide --scope/--planned` 记录。",
        stale_hint="请向党务公开工作办公室索取最新的审批表。",
    )  # fmt: skip
    result, problem = read_choice(fields.get("审批结果", ""), RESULTS)
    if problem:
        raise FormRejected(f"“审批结果”{problem}。", hint="请在“同意公开”或“不予公开”前打勾（☑/√），或删去未选的一项。")
    who = " ".join(fields.get("审批人", "").split())
    if not who:
        raise FormRejected("“审批人”为空。", hint="请由审批人签名（或填写姓名）后重新提交。")
    raw = fields.get("审批日期", "").strip()
    try:
        when = parse_date(raw)
    except ValueError:
        raise FormRejected(f"“审批日期”填写的“{raw}”不是日期。", hint="请写成 2026年12月3日 或 2026-12-03。") from None
    if when is None:
        raise FormRejected("“审批日期”为空。", hint="请填写审批日期后重新提交。")
    if when > today():
        raise FormRejected(f"“审批日期”{when.isoformat()} 晚于今天，不能是将来的日期。", hint="请填写实际审批的日期。")
    state = APPROVED if result == "同意公开" else REFUSED
    # the secrecy review and the leader's opinion are kept with the decision (the sheet has one opinion column)
    parts = [f"{label}：{fields[label].strip()}" for label in ("保密审查意见", "分管领导意见") if fields.get(label, "").strip()]
    opinion = "；".join([*parts, fields.get("审批意见", "").strip() or result]) if parts else fields.get("审批意见", "").strip() or result
    row.set("审批状态", state, context=context)
    row.set("审批意见", opinion, context=context)
    row.set("审批人", who, context=context)
    row.set("审批日期", when, context=context)
    ledger.journal(context.change(kind.register.name, row.number, "回执", "", f"{ident.role}·{ident.unit}·{state}"))
    return Applied(APPLIED, f"审批结果：{state}（审批人 {who}，{when.isoformat()}）。", [row])


def apply_opinion(ws, ledger, units, ident, kind, form, context) -> Applied:
    """A filled 意见反馈表: a new row of 公开意见反馈 (实名; the same opinion twice is a duplicate).

    Never refused as stale or for a closed item: anyone may give an opinion on what was disclosed.
    An opinion received after 公开截止日期 is recorded and marked 逾期.
    """
    item = find_row(ledger, ident.number)
    if item is None:
        raise FormRejected(f"台账中没有公开编号为 {ident.number} 的党务公开事项。", hint="请核对意见反馈表上的公开编号。")
    fields = form.fields
    who = " ".join(fields.get("反馈人", "").split())
    if not who:
        raise FormRejected("“反馈人”为空：意见须署真实姓名（实名反馈）。", hint="请填写姓名后重新提交。")
    opinion = fields.get("意见建议", "").strip()
    if not opinion:
        raise FormRejected("“意见建议”为空。", hint="请写明意见或建议后重新提交。")
    view = ledger.sheet(FEEDBACK.name)
    index = opinion_index(ledger)
    same = index.keys.get(index.key(ident.number, who, opinion))
    if same is not None:
        raise FormRejected(
            f"同一意见已登记（{same.number or '第' + str(same.r) + '行'}，{same.text('收到日期')} 收到），本份不再重复登记。",
            hint="如有新的意见，请另行填写。",
        )
    received = today()
    until = item.date("公开截止日期")
    late = "逾期" if until and received > until else ""
    new = view.append(
        {
            "公开编号": ident.number,
            "收到日期": received,
            "反馈人": who,
            "单位或身份": fields.get("单位或身份", "").strip(),
            "联系方式": fields.get("联系方式", "").strip(),
            "方式": "表格",
            "意见建议": opinion,
            "逾期": late,
            "来源文件": context.source,
        },
        context=context,
        number=ident.number,
    )
    index.add(new)
    [number] = feedback_numbers(ledger, ws.settings, context, [new]) or [new.number]
    recount(ledger, [ident.number], context)
    ledger.journal(context.change(kind.register.name, ident.number, "回执", "", f"{ident.role}·{who}·{number}"))
    note = "（收到时公示期已过，已标记逾期）" if late else ""
    return Applied(RECORDED, f"意见已登记为 {number}{note}。", [item])
