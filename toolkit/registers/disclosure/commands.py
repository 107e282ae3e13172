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
from .rules import open_row
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


COMMANDS = [decide]
