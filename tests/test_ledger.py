"""The ledger workbook: the contract's sheets, safe saving, backups, locks, journal, kept formatting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from toolkit import generate, init_workspace
from toolkit.errors import LedgerLocked, WorkspaceError
from toolkit.ledger import schema as S
from toolkit.ledger.workbook import ChangeContext, Ledger

from .conftest import digest, journal_rows, sup_rows


def test_init_creates_every_sheet_with_exact_headers(tmp_path):
    ws = init_workspace(tmp_path / "w")
    wb = openpyxl.load_workbook(ws.ledger_path)
    assert wb.sheetnames == [s.name for s in S.all_sheets()]
    for sheet in S.all_sheets():
        assert [c.value for c in wb[sheet.name][1]] == sheet.headers
        assert wb[sheet.name].freeze_panes == "A2"
    for name in ("inbox", "outbox", "processed", "rejected", "archive"):
        assert (ws.root / name).is_dir()
    assert "中共" in (ws.root / "dangwu.toml").read_text(encoding="utf-8")


def test_init_sets_dropdowns_for_fixed_values(tmp_path):
    ws = init_workspace(tmp_path / "w")
    sheet = openpyxl.load_workbook(ws.ledger_path)[S.SUPERVISION.name]
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"上级部署,年度工作要点,会议决议,领导批示"' in formulas
    assert '"已立项,已通知,办理中,待审核,已办结,退回重办"' in formulas


def test_init_refuses_an_existing_workspace(tmp_path):
    ws = init_workspace(tmp_path / "w")
    before = digest(ws.ledger_path)
    with pytest.raises(WorkspaceError, match="已存在"):
        init_workspace(tmp_path / "w")
    assert digest(ws.ledger_path) == before


def test_save_keeps_backup_and_journals(ws):
    before = ws.ledger_path.read_bytes()
    generate(ws, "notice")
    backups = sorted((ws.root / ".backup").glob("ledger-*.xlsx"))
    assert backups and backups[-1].read_bytes() == before
    rows = journal_rows(ws)
    fields = {(r["编号"], r["字段"], r["新值"]) for r in rows}
    assert ("DB-2026-001", "状态", "已通知") in fields
    assert all(r["操作"] == "生成督查督办通知单" and r["操作人"] and r["时间"] for r in rows)


def test_backups_are_pruned(ws):
    ledger = Ledger.load(ws.ledger_path, for_write=True)
    view = ledger.sheet(S.SUPERVISION.name)
    row = view.rows()[0]
    for i in range(5):
        row.set("备注", f"第{i}次", context=ChangeContext("test"))
        ledger.save(keep_backups=3)
    assert len(list((ws.root / ".backup").glob("ledger-*.xlsx"))) == 3


@pytest.mark.parametrize("lock_name", ["~$ledger.xlsx", ".~lock.ledger.xlsx#"])
def test_open_workbook_is_refused_and_left_untouched(ws, lock_name):
    (ws.root / lock_name).write_text("locked")
    before = digest(ws.ledger_path)
    with pytest.raises(LedgerLocked, match="关闭"):
        generate(ws, "notice")
    assert digest(ws.ledger_path) == before
    assert not list((ws.outbox).rglob("*.docx"))


def test_clerk_formatting_extra_columns_and_sheets_survive(ws):
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.SUPERVISION.name]
    extra_col = sheet.max_column + 1
    sheet.cell(1, extra_col, "督办人员")
    sheet.cell(2, extra_col, "小王")
    sheet["E2"].fill = PatternFill("solid", fgColor="FFFF00")
    sheet.column_dimensions["E"].width = 55
    wb.create_sheet("我的备忘").append(["自己记的东西"])
    wb.save(ws.ledger_path)
    generate(ws, "notice")
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.SUPERVISION.name]
    assert sheet.cell(1, extra_col).value == "督办人员" and sheet.cell(2, extra_col).value == "小王"
    assert sheet["E2"].fill.fgColor.rgb.endswith("FFFF00")
    assert sheet.column_dimensions["E"].width == 55
    assert wb["我的备忘"]["A1"].value == "自己记的东西"
    assert sup_rows(ws)["DB-2026-001"]["状态"] == "已通知"


def test_text_that_looks_like_a_formula_stays_text(ws):
    ledger = Ledger.load(ws.ledger_path, for_write=True)
    row = ledger.sheet(S.SUPERVISION.name).rows()[0]
    row.set("备注", '=HYPERLINK("http://x","点我")', context=ChangeContext("test"))
    row.set("承办人", "+86 138", context=ChangeContext("test"))
    ledger.save()
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    note = sheet.cell(2, headers.index("备注") + 1)
    assert note.data_type == "s" and note.value.startswith("=HYPERLINK")
    assert sheet.cell(2, headers.index("承办人") + 1).data_type == "s"


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from toolkit.ledger import schema as S
    from toolkit.ledger.workbook import ChangeContext, Ledger
    ledger = Ledger.load(sys.argv[1], for_write=True)
    for row in ledger.sheet(S.SUPERVISION.name).rows():
        row.set("备注", "x" * 5000, context=ChangeContext("test"))
    real_fsync = os.fsync
    def die(fd):
        if sys.argv[2] == "fsync":
            os.kill(os.getpid(), signal.SIGKILL)
        real_fsync(fd)
    os.fsync = die
    real_replace = os.replace
    def die_replace(a, b):
        if sys.argv[2] == "replace":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(a, b)
    os.replace = die_replace
    ledger.save()
    """
)


def test_control_characters_from_a_form_never_stop_the_save(ws):
    """A PDF field may carry control characters .xlsx cannot hold: they are dropped, the rest is kept."""
    ledger = Ledger.load(ws.ledger_path, for_write=True)
    row = ledger.sheet(S.SUPERVISION.name).rows()[0]
    row.set("办理情况", "已完成\x01整改\x0b", context=ChangeContext("test"))
    ledger.save()
    sheet = openpyxl.load_workbook(ws.ledger_path)[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, headers.index("办理情况") + 1).value == "已完成整改"


@pytest.mark.parametrize("moment", ["fsync", "replace"])
def test_kill_during_save_leaves_a_readable_ledger(ws, moment):
    before = digest(ws.ledger_path)
    proc = subprocess.run([sys.executable, "-c", KILLER, str(ws.ledger_path), moment], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert digest(ws.ledger_path) == before  # the old version, whole
    openpyxl.load_workbook(ws.ledger_path)  # and readable
    assert Ledger.load(ws.ledger_path).sheet(S.SUPERVISION.name).rows()


def test_kill_at_random_moments_never_tears_the_ledger(ws):
    script = textwrap.dedent(
        """
        import sys
        from toolkit.ledger import schema as S
        from toolkit.ledger.workbook import ChangeContext, Ledger
        i = 0
        while True:
            ledger = Ledger.load(sys.argv[1], for_write=True)
            for row in ledger.sheet(S.SUPERVISION.name).rows():
                row.set("备注", f"第{i}轮" + "y" * 3000, context=ChangeContext("test"))
            ledger.save(keep_backups=2)
            i += 1
            print(i, flush=True)
        """
    )
    for delay in (0.4, 0.9, 1.3):
        proc = subprocess.Popen([sys.executable, "-c", script, str(ws.ledger_path)], stdout=subprocess.PIPE)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        openpyxl.load_workbook(ws.ledger_path)
