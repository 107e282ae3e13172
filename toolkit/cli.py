"""The ``dangwu`` command line: click only; each command makes one library call and prints."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

from .archive.build import archive as run_archive
from .archive.manifest import verify as run_verify
from .checks import check_workspace
from .clitext import ChineseGroup, install
from .cliutil import _one_line, _print_json, handle_errors, json_option, workspace_option
from .dates import today
from .errors import UsageError
from .generate import generate as run_generate
from .init import init_workspace
from .intake import pipeline
from .registers import all_registers
from .registers import get as get_register
from .registers.base import APPLIED, RECORDED, UNCHANGED
from .status import status as read_status
from .textwidth import clip
from .workspace import Workspace

install()  # click's own texts in Chinese, before any click.Path or option is declared


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
    sheets = "、".join(f"“{reg.sheet.name}”" for reg in all_registers())
    click.echo(f"下一步：在 ledger.xlsx 的“承办单位”“班子成员”表中登记单位和班子成员，在{sheets}等表中登记事项，然后运行 dangwu check。")


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


def _generate_command(kind):
    """A `generate <kind>` command with the options every form kind shares (one per form kind of every register)."""
    kind_code, label = kind.command_name, kind.label or kind.title

    @generate.command(kind_code, help=kind.help or f"生成{kind.title}。")
    @workspace_option
    @click.option("--id", "ids", multiple=True, metavar=kind.id_label, help=f"只生成这些{kind.id_label}（可重复）。")
    @click.option("--unit", metavar="单位", help="只生成发给该单位的表单（全称或简称）。")
    @click.option("--force", is_flag=True, help="重新生成已生成过的表单。")
    @click.option("--dry-run", is_flag=True, help="只列出将生成的文件，不写文件、不改台账。")
    @click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成可打印的 PDF（与 .docx 同名）。")
    @click.option("--merge", is_flag=True, help="另生成一份合并打印文件（每份另起一页），放在 outbox/打印/。")
    @handle_errors
    def command(wsdir, ids, unit, force, dry_run, pdf, merge, **own):
        ws = Workspace(wsdir)

        def progress(jobs):
            if not sys.stderr.isatty():  # a bar only where one is drawn: in a log its label is a stray line
                yield from jobs
                return
            with click.progressbar(jobs, label=f"生成{label}", file=sys.stderr) as bar:
                yield from bar

        result = run_generate(
            ws, kind_code, ids=ids, unit=unit, force=force, dry_run=dry_run, pdf=pdf, merge=merge, progress=progress, options=own or None
        )
        for number in result.numbered:
            click.echo(f"自动编号：{number}")
        verb = "将生成" if dry_run else "已生成"
        for d in result.documents:
            click.echo(f"{verb} {d.number or '（待编号）'} {d.role} {d.unit} → {d.path.relative_to(ws.root)}")
        # an item not numbered yet (dry run) is told apart by the fingerprint ending its identity
        items = len({d.number or d.identity.rsplit("|", 1)[-1] for d in result.documents})
        word = kind.item_word if kind.item_word.startswith("条") else f"个{kind.item_word}"
        skipped = ""
        if result.skipped:
            how = kind.skip_hints[1] if force else kind.skip_hints[0]  # what, if anything, brings them back
            listed = "、".join(result.skipped[:5]) + ("等" if len(result.skipped) > 5 else "")
            skipped = f"；跳过 {len(result.skipped)} {word}（{listed}{'；' + how if how else ''}）"
        click.echo(f"合计：{verb} {len(result.documents)} 份{result.kind}（{items} {word}）{skipped}。")
        _report_print_files(ws, result)

    command.params.extend(kind.options)  # the kind's own options (announcement: --until, --skip-inner …)
    return command


for _register in all_registers():
    for _kind in _register.kinds:
        if _kind.subcommand:
            _generate_command(_kind)


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
            r: sum(1 for o in outcomes if o.result == r) for r in (APPLIED, RECORDED, UNCHANGED, pipeline.DUPLICATE, pipeline.REJECTED)
        }
        click.echo("合计：" + "，".join(f"{k} {v}" for k, v in counts.items()) + f"（共 {len(outcomes)} 个文件）。")
        if counts[pipeline.REJECTED] or counts[pipeline.DUPLICATE]:
            click.echo("退回的文件及原因见 rejected/ 文件夹（每个文件旁有“.原因.txt”）。")


def register_option(default_first: bool):
    """--register 台账: a register's Chinese name or alias (default the first register, or every one)."""
    names = "、".join(r.name for r in all_registers())
    default = "默认为" + all_registers()[0].name if default_first else "不填则为全部台账"
    return click.option("--register", "register", default=None, metavar="台账", help=f"台账名称：{names}（也可用其英文简称）；{default}。")


@main.command()
@workspace_option
@register_option(default_first=True)
@click.option("--year", type=int, metavar="年度", help="年度，如 2026；默认今年。")
@click.option("--half", type=click.IntRange(1, 2), metavar="1或2", help="1 上半年，2 下半年；不填为全年。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成报告的 PDF（与 .docx 同名同目录）。")
@json_option
@handle_errors
def report(wsdir, register, year, half, pdf, as_json, **own):
    """工作情况报告：统计表（含图表）和报告文稿（统计表作为附件）。"""
    ws = Workspace(wsdir)
    reg = get_register(register) if register else all_registers()[0]
    own = {k: v for k, v in own.items() if v not in (None, False, ())}
    mine = {o.name for o in reg.report_options}
    stray = [f"--{k.replace('_', '-')}" for k in own if k not in mine]
    if stray:
        raise UsageError(f"{'、'.join(stray)} 不适用于“{reg.name}”的报告。")
    fig, xlsx, docx_path = reg.report(ws, year or today().year, half, **own)
    documents = docx_path if isinstance(docx_path, list) else [docx_path]  # a register may write one document per person
    if as_json:
        pdfs = [reg.report_pdf(ws, d) for d in documents] if pdf else []
        _print_json(
            {
                **fig.as_dict(),
                "xlsx": str(xlsx),
                "docx": [str(d) for d in documents] if isinstance(docx_path, list) else str(docx_path),
                "pdf": ([str(p) for p in pdfs] if isinstance(docx_path, list) else str(pdfs[0])) if pdfs else None,
            }
        )
        return
    click.echo(fig.summary())
    click.echo(f"统计表：{xlsx.relative_to(ws.root)}")
    for d in documents:
        click.echo(f"报告：{d.relative_to(ws.root)}")
        if pdf:
            click.echo(f"报告 PDF：{reg.report_pdf(ws, d).relative_to(ws.root)}")


@main.command()
@workspace_option
@click.option("--year", type=int, required=True, metavar="年度", help="归档年度，如 2026（各台账按其规则取年度，督查督办按交办时间）。")
@register_option(default_first=True)
@click.option("--rebuild", is_flag=True, help="重新生成全部归档文件（已编的件号和档号不变）。")
@click.option("--repair", is_flag=True, help="归档文件夹校验不通过时，按台账重新生成（件号、档号不变，原文件夹改名保留）。")
@json_option
@handle_errors
def archive(wsdir, year, register, rebuild, repair, as_json):
    """年终立卷归档（DA/T 22-2015）：每个已办结事项一件，含归档章、档号、目录、备考表、装订本和校验清单。"""
    ws = Workspace(wsdir)
    result = run_archive(ws, year, register, rebuild=rebuild, repair=repair)
    register = result.register
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
        shown = result.not_closed if len(result.not_closed) <= 12 else result.not_closed[:10]
        for number, state in shown:
            click.echo(f"  {number}  {state}")
        if len(shown) < len(result.not_closed):
            states = {}
            for _, state in result.not_closed[len(shown) :]:
                states[state] = states.get(state, 0) + 1
            click.echo(
                f"  ……另有 {len(result.not_closed) - len(shown)} 项（{'，'.join(f'{k} {v}' for k, v in states.items())}），全部见 --json"
            )


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
@register_option(default_first=False)
@click.option("--year", type=int, metavar="年度", help="按年度统计的台账（联系服务群众）统计哪一年，默认今年。")
@json_option
@handle_errors
def status(wsdir, register, year, as_json):
    """台账统计：各状态数量、未办结事项及其预警（不填 --register 则为全部台账）。"""
    st = read_status(Workspace(wsdir), register, year=year)
    if as_json:
        _print_json(st.as_dict())
        return
    for line, colour in st.lines():
        click.secho(line, fg=colour)


for _register in all_registers():  # each register's own report options (联系服务群众: --member)
    for _option in _register.report_options:
        if _option.name not in {p.name for p in report.params}:
            report.params.append(_option)

for _register in all_registers():  # each register's own commands (督查督办: review …)
    for _command in _register.commands():
        main.add_command(_command)


@main.group()
def plan():
    """按制度要求编排计划：为台账补齐应有的计划行（重复运行不会重复添加）。"""


for _register in all_registers():  # each register's planning subcommands (plan disclosure, plan talks …)
    for _command in _register.plan_commands():
        plan.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
