"""督查督办's own commands: `dangwu review` (办结审核)."""

from __future__ import annotations

import click

from ...cliutil import command, handle_errors, workspace_option
from ...dates import cn_date, parse_date
from ...errors import UsageError
from ...workspace import Workspace
from .review import review_many as run_review


@command()
@workspace_option
@click.argument("numbers", nargs=-1, required=True, metavar="立项编号…")
@click.option("--accept", "decision", flag_value="accept", help="审核通过：状态改为“已办结”。")
@click.option("--reject", "decision", flag_value="reject", help="退回重办：须给出 --opinion 和新的 --deadline。")
@click.option("--opinion", default="", metavar="意见", help="审核意见。")
@click.option("--deadline", metavar="日期", help="退回重办时新的办理时限，如 2026-12-31。")
@click.option("--by", "by", default="", metavar="姓名", help="审核人姓名，记入台账“审核人”列（默认为当前操作人：DANGWU_USER 或登录名）。")
@handle_errors
def review(wsdir, numbers, decision, opinion, deadline, by):
    """办结审核：对“待审核”的事项审核通过或退回重办（可一次列出多个编号，任一不符则全部不改）。"""
    if decision is None:
        raise UsageError("请指定 --accept（审核通过）或 --reject（退回重办）。")
    new_deadline = None
    if deadline:
        try:
            new_deadline = parse_date(deadline)
        except ValueError:
            raise UsageError(f"--deadline 的值“{deadline}”不是日期，请写成 2026-12-31。") from None
    results = run_review(Workspace(wsdir), numbers, accept=decision == "accept", opinion=opinion, deadline=new_deadline, by=by)
    for result in results:
        if decision == "accept":
            click.echo(f"{result.number} 审核通过，状态：{result.status}。审核意见：{result.opinion}（审核人：{result.reviewer}）")
        else:
            before = f"（原办理时限：{cn_date(result.original_deadline)}）" if result.original_deadline else ""
            click.echo(
                f"{result.number} 退回重办（审核人：{result.reviewer}），新的办理时限：{cn_date(result.deadline)}{before}。"
                "下一次 `dangwu generate notice` 将生成重办通知。"
            )


COMMANDS = [review]
