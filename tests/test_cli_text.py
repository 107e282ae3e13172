"""Everything the command line writes is Chinese: click's own texts, help of every command, journal operations."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import click
import docx
import pytest
from click.testing import CliRunner

import toolkit
from toolkit.cli import main
from toolkit.clitext import CATALOG, wrap_cjk
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S

from .conftest import ITEMS, add_rows, journal_rows, notice_path, sample_workspace

# Latin text a clerk may meet in Chinese output: option names, codes, file and program names.
ALLOWED = re.compile(
    r"--?[a-z][a-z-]*"  # --workspace, -w
    r"|\bdangwu\b|DANGWU_\w+"
    r"|[\w./-]*\.(?:xlsx|docx|toml|json|pdf|txt)\b"  # ledger.xlsx, manifest.json
    r"|\b(?:inbox|outbox|processed|rejected|archive)/"
    r"|\b(?:DA/T|GB/T)\b|\b(?:LibreOffice|Word|WPS|Excel|PDF|JSON|UUID)\b"
    r"|\b[A-Z]{2}-\d{4}-\d{3}\b"  # DB-2026-001
)
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
DONE = {"办理情况": "已完成", "办理状态": "☑已办结　　□办理中", "完成日期": "2026年6月1日", "承办人": "李敏", "联系电话": "0571-86000001"}


def english_words(text: str) -> list[str]:
    """Latin words left in ``text`` once option names, codes, program and command names are taken out."""
    return [w for w in ENGLISH_WORD.findall(ALLOWED.sub(" ", text)) if w not in COMMAND_NAMES]


def run(*args: str, **kwargs):
    """Run ``dangwu`` as a clerk would type it (program name dangwu)."""
    return CliRunner().invoke(main, list(args), prog_name="dangwu", **kwargs)


def all_command_paths(group: click.Group = main, prefix: tuple[str, ...] = ()):
    """Every command and group under ``dangwu``, as argument lists."""
    yield list(prefix)
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from all_command_paths(command, (*prefix, name))
        else:
            yield [*prefix, name]


COMMAND_NAMES = {part for path in all_command_paths() for name in path for part in (name, *name.split("-"))}  # feedback-form


@pytest.mark.parametrize("path", list(all_command_paths()), ids=lambda p: " ".join(p) or "dangwu")
def test_help_of_every_command_is_chinese(path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"用法：dangwu {' '.join(path)}".rstrip() + " ")
    assert "选项：" in result.output
    assert english_words(result.output) == [], result.output


@pytest.mark.parametrize(
    "args, said",
    [
        (["nosuch"], "没有“nosuch”这个命令"),
        (["generat"], "是不是要用：“generate”"),
        (["generate", "notice", "--bogus"], "没有“--bogus”这个选项"),
        (["generate", "notice", "--forc"], "是不是要用：“--force”"),
        (["review"], "缺少参数“立项编号”"),
        (["ingest", "nofile.docx"], "“文件”的值不对：“nofile.docx”不存在"),
        (["archive"], "缺少选项“--year”"),
        (["report", "--year", "abc"], "“--year”的值不对：“abc”不是数字"),
        (["report", "--year"], "选项“--year”后面要写一个值"),
        (["report", "--year", "2026", "--half", "3"], "“--half”的值不对"),
        (["review", "DB-2026-001", "--reject", "--opinion", "整改不到位", "--deadline", "notadate"], "不是日期"),
        (["status", "extra"], "多出了参数：extra"),
        (["verify", "/nonexistent/archive"], "“/nonexistent/archive”不存在"),
    ],
)
def test_usage_errors_are_chinese(tmp_path, args, said):
    result = run(*args, "-w", str(tmp_path)) if args[:1] == ["status"] else run(*args)
    assert result.exit_code != 0
    assert said in result.output, result.output
    assert "错误：" in result.output and "Error" not in result.output
    assert english_words(result.output.replace(args[-1], " ")) == [], result.output


def test_version_is_chinese():
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"dangwu 版本 \S+\n", result.output), result.output


def test_every_click_message_has_chinese():
    """A click upgrade that adds or rewords a message fails here, not in front of a clerk."""
    ids = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                ids.update(a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str))
    assert ids, "click's messages were not found: does click still use gettext?"
    assert sorted(ids - CATALOG.keys()) == []


def test_help_lines_wrap_between_chinese_characters():
    lines = wrap_cjk("另生成一份合并打印文件（每份另起一页），放在 outbox/打印/，由 --merge 控制。", 20)
    assert all(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) <= 22 for line in lines), lines
    assert not any(line.startswith(("，", "。", "）")) for line in lines)
    assert any("--merge" in line for line in lines)  # an option name is never split


def test_journal_operations_are_chinese(notified, monkeypatch):
    """生成, 登记, 审核, 催办 and 预警 rows of 变更记录 name their command in Chinese."""
    monkeypatch.setenv("DANGWU_TODAY", "2031-01-02")  # not the fixture's day, so status has 预警 cells to rewrite
    w = str(notified.root)
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "a.docx", DONE)
    for args in (
        ["ingest", "-w", w],
        ["review", "DB-2026-001", "--accept", "-w", w],
        ["generate", "reminder", "-w", w],
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    monkeypatch.setenv("DANGWU_TODAY", "2026-12-07")  # a later day: status rewrites the dated 预警 cells
    assert run("status", "-w", w).exit_code == 0
    operations = {j["操作"] for j in journal_rows(notified)}
    assert operations == {"生成督查督办通知单", "登记回执", "办结审核", "刷新预警", "生成催办通知单"}


def test_pdf_failure_names_the_documents_not_the_batch_files(ws, tmp_path):
    """A LibreOffice that fails (as a broken install does) is reported without temporary batch names."""
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    broken.chmod(0o755)
    settings = ws.root / "dangwu.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('soffice_path = ""', f'soffice_path = "{broken}"'), encoding="utf-8")
    result = run("generate", "notice", "-w", str(ws.root), "--pdf")
    assert result.exit_code == 6, result.output
    assert "LibreOffice 转换失败（退出码 1）：这 6 份表单的 PDF 未能生成。" in result.output
    assert "batch" not in result.output and "source file" not in result.output


def test_force_dry_run_does_not_tell_to_add_force(notified):
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "a.docx", DONE)
    assert run("ingest", "-w", str(notified.root)).exit_code == 0
    assert run("review", "DB-2026-001", "--accept", "-w", str(notified.root)).exit_code == 0
    result = run("generate", "notice", "-w", str(notified.root), "--force", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "跳过 1 个事项（DB-2026-001（已办结）；已办结的事项须用 --id 指明才会重新生成）" in result.output
    assert "请加 --force" not in result.output
    plain = run("generate", "notice", "-w", str(notified.root), "--dry-run")
    assert "重新生成请加 --force" in plain.output


def test_dry_run_before_numbering_counts_each_item(ws):
    result = run("generate", "notice", "-w", str(ws.root), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "将生成 （待编号） 主办 教务处" in result.output and "将生成  " not in result.output
    assert "合计：将生成 6 份督查督办通知单（3 个事项）。" in result.output


def test_no_stray_progress_label_when_not_on_a_terminal(ws):
    result = run("generate", "notice", "-w", str(ws.root))
    assert result.exit_code == 0, result.output
    assert "生成通知单\n" not in result.output and result.output.startswith("自动编号：DB-2026-001")


def test_co_unit_reply_is_counted_as_it_is_told(notified):
    """A 协办 copy is 已登记 in its own line and in the total, not 已更新 while its line says the state is unchanged."""
    fill_form(notice_path(notified, "DB-2026-001", "协办"), notified.inbox / "协办.docx", DONE)
    fill_form(notice_path(notified, "DB-2026-002"), notified.inbox / "主办.docx", DONE)
    result = run("ingest", "-w", str(notified.root))
    assert result.exit_code == 0, result.output
    assert "[已登记] 协办.docx DB-2026-001 信息工程学院：协办单位反馈已记入“办理进展”" in result.output
    assert "[已更新] 主办.docx DB-2026-002 学生工作处" in result.output
    assert "合计：已更新 1，已登记 1，无变化 0，重复 0，退回 0（共 2 个文件）。" in result.output


def test_rejection_reasons_say_each_thing_once(notified):
    """The reason file of a duplicate and of an edited form: that the ledger is unchanged is said once, so is 预填."""
    fill_form(notice_path(notified, "DB-2026-002"), notified.inbox / "a.docx", DONE)
    assert run("ingest", "-w", str(notified.root)).exit_code == 0
    shutil.copy(notified.processed / "a.docx", notified.inbox / "a again.docx")
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "edited.docx", {**DONE, "办理时限": "2027年3月31日"})
    result = run("ingest", "-w", str(notified.root))
    assert "[重复] a again.docx：该文件此前已处理过（内容完全相同）。 →" in result.output
    assert "已填写” →" not in result.output and "。 请" not in result.output  # message and hint joined as one sentence run
    again = (notified.rejected / "a again.docx.原因.txt").read_text(encoding="utf-8")
    assert again.count("台账") == 1 and "无需再次提交" in again and "改正后" not in again
    edited = (notified.rejected / "edited.docx.原因.txt").read_text(encoding="utf-8")
    assert edited.count("预填") == 1 and edited.count("台账未因此文件作任何修改") == 1
    assert "请在原通知单上只填写反馈部分" in edited


def test_report_lists_the_units_with_most_problems_first(ws, monkeypatch):
    """存在问题: 学生工作处 with two overdue items comes before 教务处 with one, though 教务处 leads more items."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-12-04")
    more = [
        {**ITEMS[0], "督办事项": "教务处长期任务一", "办理时限": dt.date(2027, 6, 30)},
        {**ITEMS[0], "督办事项": "教务处长期任务二", "办理时限": dt.date(2027, 6, 30)},
        {**ITEMS[1], "督办事项": "学工处逾期任务", "办理时限": dt.date(2026, 9, 30)},
    ]
    add_rows(ws.ledger_path, S.SUPERVISION.name, more)
    assert run("generate", "notice", "-w", str(ws.root)).exit_code == 0
    _, _, report_docx = toolkit.report(ws, 2026)
    text = "\n".join(p.text for p in docx.Document(str(report_docx)).paragraphs)
    assert "尚有逾期未办结事项的单位：学生工作处（2项）、教务处（1项）" in text


def _with_excel_extension(ledger: Path) -> None:
    """The ledger as Excel leaves it after a clerk adds a feature openpyxl does not know (an extLst entry)."""
    src = ledger.with_suffix(".orig")
    ledger.rename(src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(ledger, "w", zipfile.ZIP_DEFLATED) as zout:
        workbook = zin.read("xl/workbook.xml").decode()
        rid = re.search(r'name="督查督办台账"[^>]*r:id="(rId\d+)"', workbook).group(1)
        rels = zin.read("xl/_rels/workbook.xml.rels").decode()
        target = re.search(rf'Id="{rid}"[^>]*Target="/?([^"]+)"|Target="/?([^"]+)"[^>]*Id="{rid}"', rels)
        part = next(g for g in target.groups() if g)
        part = part if part.startswith("xl/") else f"xl/{part}"
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = data.replace(b"</worksheet>", b'<extLst><ext uri="{00000000-0000-0000-0000-00000000D0E5}"/></extLst></worksheet>')
            zout.writestr(info, data)
    src.unlink()


def test_libraries_english_warnings_do_not_reach_the_clerk(ws):
    """openpyxl warns in English about parts of an Excel-saved ledger it drops; the clerk never sees that."""
    root = Path(__file__).parent.parent
    command = [sys.executable, "-m", "toolkit.cli", "status", "-w", str(ws.root)]
    _with_excel_extension(ws.ledger_path)
    verbose = subprocess.run([*command[:3], "--verbose", *command[3:]], capture_output=True, text=True, cwd=root, check=False)
    assert "extension is not supported" in verbose.stderr  # --verbose still shows them
    _with_excel_extension(ws.ledger_path)  # status saved the ledger without it
    quiet = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == "" and "extension" not in quiet.stdout, quiet.stderr


def test_an_unforeseen_disk_error_is_told_in_chinese_not_a_traceback(tmp_path):
    """A file where the report folder should be: the OS error reaches the clerk as a Chinese message."""
    ws = sample_workspace(tmp_path / "ws")
    (ws.root / "outbox" / "报告").write_text("挡路的文件", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "-w", str(ws.root), "--year", "2026"])
    assert result.exit_code == 9, result.output
    assert "Traceback" not in result.output and "Errno" not in result.output
    assert "报告" in result.output and "同名" in result.output, result.output
