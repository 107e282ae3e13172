"""党务公开's own commands: `dangwu decide` (the committee's decision taken on paper)."""

from __future__ import annotations

import click

from ...cliutil import command, handle_errors, workspace_option
from ...dates import parse_date, today
from ...errors import UsageError
from ...generate import open_valid_ledger
from ...ledger.workbook import ChangeContext
from ...lock import locked
from ...workspace import Workspace
from .rules import decide as record_decision
from .rules import find_row, open_row
from .status import refresh_warnings


def _date(option: str, text: str | None):
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise UsageError(f"{option} 的值“{text}”不是日期，请写成 2026-12-20。") from None


@locked("decide")
def decide_many(ws: Workspace, numbers, *, approve: bool, by: str, when=None, opinion: str = "", scope: str = "", planned=None):
    """Record one decision for several undecided items in one save; any refused item means nothing is saved."""
    ledger = open_valid_ledger(ws, for_write=True)
    context = ChangeContext(operation="审批决定")
    rows = []
    for number in dict.fromkeys(numbers):
        row = open_row(ledger, number)
        record_decision(row, approve, by, when or today(), opinion, context, scope, planned)
        rows.append(row)
    refresh_warnings(ledger, rows, ws.settings)  # 预警 follows the decision (待公开 / none when refused)
    ledger.save(keep_backups=ws.settings.backups)
    return rows


@command()
@workspace_option
@click.argument("numbers", nargs=-1, required=True, metavar="公开编号…")
@click.option("--approve", "decision", flag_value="approve", help="同意公开：审批状态改为“已批准”。")
@click.option("--refuse", "decision", flag_value="refuse", help="不予公开：审批状态改为“不予公开”。")
@click.option("--by", "by", default="", metavar="姓名", help="审批人姓名（必填），记入“审批人”列。")
@click.option("--date", "when", metavar="日期", help="审批日期，如 2026-12-03；默认今天。")
@click.option("--opinion", default="", metavar="意见", help="审批意见。")
@click.option("--scope", default="", metavar="范围", help="调整公开范围：党政领导干部、全体党员、全体教职工或社会。")
@click.option("--planned", metavar="日期", help="调整计划公开日期，如 2026-12-20。")
@handle_errors
def decide(wsdir, numbers, decision, by, when, opinion, scope, planned):
    """记录党委对党务公开事项的审批决定（纸面审批后由办公室登记；可一次列出多个编号，任一不符则全部不改）。"""
    if decision is None:
        raise UsageError("请指定 --approve（同意公开）或 --refuse（不予公开）。")
    rows = decide_many(
        Workspace(wsdir),
        numbers,
        approve=decision == "approve",
        by=by,
        when=_date("--date", when),
        opinion=opinion,
        scope=scope,
        planned=_date("--planned", planned),
    )
    for row in rows:
        click.echo(
            f"{row.number} {row.text('审批状态')}（审批人：{row.text('审批人')}，审批日期：{row.text('审批日期')}）：{row.text('审批意见')}"
        )


@locked("respond")
def respond_many(ws: Workspace, number: str, *, handling: str = "", to: str = "", summary: str = "", no_redisclosure: str | None = None):
    """Record how an opinion was handled (反馈编号) or close an item without re-disclosure (公开编号); one save."""
    from .publish import opinions_of
    from .rules import NO_REDISCLOSURE, feedback_numbers, stage
    from .sheets import FEEDBACK

    ledger = open_valid_ledger(ws, for_write=True)
    context = ChangeContext(operation="意见处理")
    opinions = ledger.sheet(FEEDBACK.name).by_number()
    if no_redisclosure is not None:
        reason = " ".join(no_redisclosure.split())
        if not reason:
            raise UsageError("--no-redisclosure 须写明不再公开的理由。")
        if handling or to or summary:
            raise UsageError("--no-redisclosure 用于公开编号，不能与 --handling/--to/--summary 同用。")
        row = open_row(ledger, number)
        st = stage(row)
        if st not in ("待再公开", "待处理反馈"):
            raise UsageError(
                f"{number} 当前为“{st}”，不需要决定是否再公开。", hint="只有公示期已过、收到过意见的事项才需要再公开或说明不再公开。"
            )
        left = [o.number or f"第{o.r}行" for o in opinions_of(ledger).get(number, []) if not o.text("处理情况")]
        if left:
            raise UsageError(f"{number} 的意见 {'、'.join(left)} 尚未填写处理情况。", hint="请先逐条填写处理情况，再决定不再公开。")
        row.set("处理情况", f"{NO_REDISCLOSURE}：{reason}", context=context)
        changed = [row]
    else:
        opinion = opinions.get(number)
        if opinion is None:
            if find_row(ledger, number) is not None:
                raise UsageError(
                    f"{number} 是公开编号：--handling 用于反馈编号（FK-…）。", hint='事项不再公开请用 --no-redisclosure "理由"。'
                )
            raise UsageError(f"“公开意见反馈”中没有反馈编号 {number}。", hint="请核对反馈编号；电话、来信等意见请先在表中登记一行。")
        if not (handling or to or summary):
            raise UsageError("请至少给出 --handling（处理情况）、--to（转办部门）或 --summary（意见摘要）之一。")
        for column, value in (("处理情况", handling), ("转办部门", to), ("意见摘要", summary)):
            if value.strip():
                opinion.set(column, value.strip(), context=context)
        feedback_numbers(ledger, ws.settings, context, [opinion])
        changed = [opinion]
        item = find_row(ledger, opinion.text("公开编号"))
        if item is not None:
            changed.append(item)
    from . import REGISTER

    REGISTER.refresh_warnings(ledger, changed, ws.settings)  # 反馈意见数 recounted, 预警 rewritten
    ledger.save(keep_backups=ws.settings.backups)
    return changed


@command()
@workspace_option
@click.argument("number", metavar="反馈编号或公开编号")
@click.option("--handling", default="", metavar="处理情况", help="意见的处理情况（反馈编号用），记入“处理情况”列。")
@click.option("--to", default="", metavar="部门", help="转办部门。")
@click.option("--summary", default="", metavar="摘要", help="意见摘要（再公开公告只列摘要，不列反馈人姓名和联系方式）。")
@click.option(
    "--no-redisclosure", "no_redisclosure", default=None, metavar="理由", help="（公开编号用）意见已处理完毕、不再公开，写明理由。"
)
@handle_errors
def respond(wsdir, number, handling, to, summary, no_redisclosure):
    """登记意见的处理情况（按反馈编号），或说明事项不再公开（按公开编号，加 --no-redisclosure 理由）。"""
    rows = respond_many(Workspace(wsdir), number, handling=handling, to=to, summary=summary, no_redisclosure=no_redisclosure)
    row = rows[0]
    if no_redisclosure is not None:
        click.echo(f"{row.number}：{row.text('处理情况')}，事项已完成。")
        return
    parts = [f"{c}：{row.text(c)}" for c in ("处理情况", "转办部门", "意见摘要") if row.text(c)]
    click.echo(f"{row.number}（{row.text('公开编号')}）已登记：" + "；".join(parts) + "。")
    if row.text("处理情况") and not row.date("答复日期"):
        click.echo(f"下一步：dangwu generate reply --id {row.number} 生成答复单交反映人。")


COMMANDS = [decide, respond]
