"""The ``dangwu`` command line: click only; each command makes one library call and prints."""

from __future__ import annotations

import functools
import json
import re
import sys
import traceback
import warnings
from pathlib import Path

import click

from .archive.build import archive as run_archive
from .archive.manifest import verify as run_verify
from .checks import check_workspace
from .clitext import ChineseGroup, install
from .dates import cn_date, parse_date
from .errors import LedgerInvalid, ToolkitError, UsageError, write_failed
from .generate import generate as run_generate
from .init import init_workspace
from .intake import pipeline
from .reports.supervision import report as run_report
from .reports.supervision import report_pdf as run_report_pdf
from .review import review_many as run_review
from .status import status as read_status
from .status import text_lines as status_lines
from .textwidth import clip
from .workspace import Workspace

install()  # click's own texts in Chinese, before any click.Path or option is declared


def workspace_option(f):
    """-w/--workspace DIR, default the current directory."""
    return click.option("-w", "--workspace", "wsdir", default=".", type=click.Path(file_okay=False), help="工作区目录（默认当前目录）。")(f)


def json_option(f):
    """--json: machine-readable output."""
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 输出，供脚本使用。")(f)


def handle_errors(f):
    """Turn ToolkitError into a Chinese message and its exit code (the one handler)."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except OSError as exc:  # a disk or permission failure no step foresaw: told in Chinese, not a traceback
            try:
                raise write_failed(exc, exc.filename or "（未知文件）", "或读取文件", changed="") from exc
            except ToolkitError as told:
                _fail(told)
        except ToolkitError as exc:
            _fail(exc)

    return wrapper


def _fail(exc: ToolkitError) -> None:
    """Print a ToolkitError (its traceback with --verbose) and exit with its code."""
    if click.get_current_context().find_root().params.get("verbose"):
        traceback.print_exc()
    click.secho(f"错误：{exc.message}", fg="red", err=True)
    if isinstance(exc, LedgerInvalid):
        for p in exc.problems[:10]:
            click.echo(f"  {p}", err=True)
        if len(exc.problems) > 10:
            click.echo(f"  ……另有 {len(exc.problems) - 10} 处", err=True)
    if exc.hint:
        click.echo(exc.hint, err=True)
    sys.exit(exc.exit_code)


def _one_line(text: str) -> str:
    """A message and its hint on one line: joined after a Chinese full stop, else by a space."""
    return re.sub(r"(?<=[。；！？])\n", "", text).replace("\n", " ")


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", is_flag=True, help="出错时显示详细的程序调用信息。")
@click.version_option(package_name="dangwu", message="%(prog)s 版本 %(version)s", help="显示版本号并退出。")
def main(verbose):
    """dangwu：党委办公室党务工作台账与文书工具。"""
    if not verbose:  # libraries warn in English about things the clerk cannot act on; --verbose shows them
        warnings.simplefilter("ignore")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False), metavar="目录")
@handle_errors
def init(directory):
    """新建工作区：台账 ledger.xlsx、设置 dangwu.toml 和各文件夹。"""
    ws = init_workspace(directory)
    click.echo(f"已创建工作区：{ws.root}")
    click.echo("下一步：在 ledger.xlsx 的“承办单位”表中登记单位，在“督查督办台账”中登记事项，然后运行 dangwu check。")


@main.command()
@workspace_option
@json_option
@handle_errors
def check(wsdir, as_json):
    """检查台账和模板；列出每个问题所在的单元格及改法。"""
    problems = check_workspace(Workspace(wsdir))
    errors = [p for p in problems if p.level == "error"]
    if as_json:
        _print_json({"ok": not errors, "problems": [p.as_dict() for p in problems]})
    else:
        for p in problems:
            click.echo(str(p))
        click.echo(
            f"检查完成：{len(errors)} 处错误，{len(problems) - len(errors)} 条提示。" if problems else "检查完成：台账和模板均无问题。"
        )
    sys.exit(1 if errors else 0)


@main.group()
def generate():
    """批量生成表单（.docx）。"""


def _generate_command(kind_code: str, label: str, help_text: str):
    """A `generate <kind>` command with the options every form kind shares."""

    @generate.command(kind_code, help=help_text)
    @workspace_option
    @click.option("--id", "ids", multiple=True, metavar="立项编号", help="只生成这些立项编号（可重复）。")
    @click.option("--unit", metavar="单位", help="只生成发给该单位的表单（全称或简称）。")
    @click.option("--force", is_flag=True, help="重新生成已生成过的表单。")
    @click.option("--dry-run", is_flag=True, help="只列出将生成的文件，不写文件、不改台账。")
    @click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成可打印的 PDF（与 .docx 同名）。")
    @click.option("--merge", is_flag=True, help="另生成一份合并打印文件（每份另起一页），放在 outbox/打印/。")
    @handle_errors
    def command(wsdir, ids, unit, force, dry_run, pdf, merge):
        ws = Workspace(wsdir)

        def progress(jobs):
            if not sys.stderr.isatty():  # a bar only where one is drawn: in a log its label is a stray line
                yield from jobs
                return
            with click.progressbar(jobs, label=f"生成{label}", file=sys.stderr) as bar:
                yield from bar

        result = run_generate(ws, kind_code, ids=ids, unit=unit, force=force, dry_run=dry_run, pdf=pdf, merge=merge, progress=progress)
        for number in result.numbered:
            click.echo(f"自动编号：{number}")
        verb = "将生成" if dry_run else "已生成"
        for d in result.documents:
            click.echo(f"{verb} {d.number or '（待编号）'} {d.role} {d.unit} → {d.path.relative_to(ws.root)}")
        # an item not numbered yet (dry run) is told apart by the fingerprint ending its identity
        items = len({d.number or d.identity.rsplit("|", 1)[-1] for d in result.documents})
        skipped = ""
        if result.skipped:
            # with --force only 已办结 items are left out, and naming them with --id brings them back
            how = "已办结的事项须用 --id 指明才会重新生成" if force else "重新生成请加 --force"
            listed = "、".join(result.skipped[:5]) + ("等" if len(result.skipped) > 5 else "")
            skipped = f"；跳过 {len(result.skipped)} 个事项（{listed}；{how}）"
        click.echo(f"合计：{verb} {len(result.documents)} 份{result.kind}（{items} 个事项）{skipped}。")
        _report_print_files(ws, result)

    return command


_generate_command("notice", "通知单", "生成督查督办通知单：主办单位一份，每个协办单位各一份；退回重办的事项生成重办通知。")
_generate_command("reminder", "催办单", "为逾期事项（或 --id 指定的事项）生成催办通知单，催办次数加一；同一事项一天只催办一次。")


def _report_print_files(ws, result) -> None:
    """Print the merged file and the PDF outcome; exit non-zero when PDFs are missing."""
    merged_pdf = result.merged.with_suffix(".pdf") if result.merged else None
    if result.merged:
        click.echo(f"合并打印文件：{result.merged.relative_to(ws.root)}")
    if result.pdf is None:
        return
    singles = [p for p in result.pdf.written if p != merged_pdf]
    click.echo(f"PDF：已生成 {len(singles)} 份（与 .docx 同名同目录）。")
    if merged_pdf in result.pdf.written:
        click.echo(f"合并打印 PDF：{merged_pdf.relative_to(ws.root)}")
    if result.pdf.error:
        click.secho(f"错误：以下 {len(result.pdf.missing)} 份 PDF 未生成（.docx 已生成，台账已更新）：", fg="red", err=True)
        for p in result.pdf.missing[:20]:
            click.echo(f"  {p.relative_to(ws.root)}", err=True)
        if len(result.pdf.missing) > 20:
            click.echo(f"  ……另有 {len(result.pdf.missing) - 20} 份", err=True)
        click.echo(str(result.pdf.error), err=True)
        sys.exit(result.pdf.error.exit_code)


@main.command()
@workspace_option
@click.argument("paths", nargs=-1, type=click.Path(exists=True), metavar="[文件]…")
@json_option
@handle_errors
def ingest(wsdir, paths, as_json):
    """读取回收的表单（默认 inbox/ 中全部文件），核对后登记到台账。"""
    ws = Workspace(wsdir)
    outcomes = pipeline.ingest(ws, paths)
    if as_json:
        _print_json([o.as_dict() for o in outcomes])
    else:
        for o in outcomes:
            who = f" {o.number} {o.unit}" if o.number else ""
            click.echo(f"[{o.result}] {o.file}{who}：{_one_line(o.message)} → {o.moved_to}")
        counts = {
            r: sum(1 for o in outcomes if o.result == r)
            for r in (pipeline.APPLIED, pipeline.RECORDED, pipeline.UNCHANGED, pipeline.DUPLICATE, pipeline.REJECTED)
        }
        click.echo("合计：" + "，".join(f"{k} {v}" for k, v in counts.items()) + f"（共 {len(outcomes)} 个文件）。")
        if counts[pipeline.REJECTED] or counts[pipeline.DUPLICATE]:
            click.echo("退回的文件及原因见 rejected/ 文件夹（每个文件旁有“.原因.txt”）。")


@main.command()
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


@main.command()
@workspace_option
@click.option("--year", type=int, required=True, metavar="年度", help="年度，如 2026。")
@click.option("--half", type=click.IntRange(1, 2), metavar="1或2", help="1 上半年，2 下半年；不填为全年。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成报告的 PDF（与 .docx 同名同目录）。")
@json_option
@handle_errors
def report(wsdir, year, half, pdf, as_json):
    """督查督办工作情况报告：各单位、各来源统计表（含图表）和报告文稿（统计表作为附件）。"""
    ws = Workspace(wsdir)
    fig, xlsx, docx_path = run_report(ws, year, half)
    if as_json:
        pdf_path = run_report_pdf(ws, docx_path) if pdf else None
        _print_json({**fig.as_dict(), "xlsx": str(xlsx), "docx": str(docx_path), "pdf": str(pdf_path) if pdf_path else None})
        return
    redone = f"，退回重办后办结 {fig.redone} 项" if fig.redone else ""
    click.echo(
        f"{fig.label}：督办事项 {fig.items} 项，已办结 {fig.closed} 项（按期 {fig.on_time} 项{redone}），"
        f"未办结 {fig.open} 项（逾期 {fig.overdue} 项）。"
    )
    click.echo(f"统计表：{xlsx.relative_to(ws.root)}")
    click.echo(f"报告：{docx_path.relative_to(ws.root)}")
    if pdf:
        click.echo(f"报告 PDF：{run_report_pdf(ws, docx_path).relative_to(ws.root)}")


@main.command()
@workspace_option
@click.option("--year", type=int, required=True, metavar="年度", help="归档年度（按交办时间），如 2026。")
@click.option("--register", default="督查督办", show_default=True, metavar="台账", help="要归档的台账。")
@click.option("--rebuild", is_flag=True, help="重新生成全部归档文件（已编的件号和档号不变）。")
@click.option("--repair", is_flag=True, help="归档文件夹校验不通过时，按台账重新生成（件号、档号不变，原文件夹改名保留）。")
@json_option
@handle_errors
def archive(wsdir, year, register, rebuild, repair, as_json):
    """年终立卷归档（DA/T 22-2015）：每个已办结事项一件，含归档章、档号、目录、备考表、装订本和校验清单。"""
    ws = Workspace(wsdir)
    result = run_archive(ws, year, register, rebuild=rebuild, repair=repair)
    if as_json:
        _print_json(
            {
                "folder": str(result.folder) if result.folder else None,
                "zip": str(result.zip) if result.zip else None,
                "unchanged": result.unchanged,
                "pieces": [vars(e) for e in result.entries],
                "not_closed": result.not_closed,
                "flagged": result.flagged,
                "set_aside": str(result.set_aside) if result.set_aside else None,
            }
        )
        return
    if not result.entries:
        click.echo(f"{year}年没有已办结的{register}事项，未生成归档文件。")
    else:
        verb = "归档文件已是最新，未重新生成" if result.unchanged else "已归档"
        click.echo(f"{verb}：{len(result.entries)} 件，{sum(e.pages for e in result.entries)} 页 → {result.folder.relative_to(ws.root)}")
        for e in result.entries:
            click.echo(f"  {e.code}  {e.pages:>3}页  {clip(e.title, 60)}{'  【' + e.note + '】' if e.note else ''}")
        click.echo(f"装订本：{result.binder.relative_to(ws.root)}；压缩包：{result.zip.relative_to(ws.root)}")
    if result.set_aside:
        click.secho(f"校验不通过的原归档文件夹已改名保留：{result.set_aside.relative_to(ws.root)}（核对后可删除）", fg="yellow")
    for number, note in result.flagged:
        click.secho(f"注意：{number} {note}", fg="yellow")
    if result.not_closed:
        click.echo(f"未办结、本次未归档的事项 {len(result.not_closed)} 项（请跟进）：")
        for number, state in result.not_closed:
            click.echo(f"  {number}  {state}")


@main.command()
@click.argument("path", type=click.Path(exists=True), metavar="路径")
@handle_errors
def verify(path):
    """按 manifest.json 校验归档文件夹或压缩包：缺少、多出、被改动的文件逐一列出。"""
    report = run_verify(Path(path))
    for line in report.lines():
        click.secho(line, fg="red")
    if report.ok:
        click.echo(f"校验通过：{report.checked} 个文件与清单一致。")
        return
    click.secho(f"校验未通过：{report.summary()}。", fg="red", err=True)
    click.echo(
        f"如需按台账重新生成这份归档（已编的件号和档号不变，原文件夹改名保留），请在工作区运行 `{report.repair}`。",
        err=True,
    )
    sys.exit(8)


@main.command()
@workspace_option
@json_option
@handle_errors
def status(wsdir, as_json):
    """督查督办事项统计：各状态数量和未办结事项。"""
    st = read_status(Workspace(wsdir))
    if as_json:
        _print_json(st.as_dict())
        return
    for line, colour in status_lines(st):
        click.secho(line, fg=colour)


if __name__ == "__main__":  # pragma: no cover
    main()
