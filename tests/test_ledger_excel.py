"""The ledger as the clerk sees it in Excel/WPS: filter buttons, wrapped text, live dropdowns, real dates."""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidationList

from toolkit import check, generate, ingest
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S

from .conftest import add_rows, journal_rows, notice_path, set_cell

LONG = ("督办事项", "工作要求", "办理情况", "审核意见", "备注")


def _sheet(ws, name=S.SUPERVISION.name):
    sheet = openpyxl.load_workbook(ws.ledger_path)[name]
    return sheet, {c.value: c.column for c in sheet[1] if c.value}


def _dropdowns(sheet, letter: str) -> list:
    return [dv for dv in sheet.data_validations.dataValidation if f"{letter}2" in dv.sqref]


def _assert_layout(sheet, cols, rows: int):
    last = get_column_letter(max(cols.values()))
    assert sheet.auto_filter.ref == f"A1:{last}{rows}"
    for header, source in (("主办单位", "'承办单位'!$A"), ("分管校领导", "'班子成员'!$A")):
        letter = get_column_letter(cols[header])
        found = _dropdowns(sheet, letter)
        assert len(found) == 1, (header, found)
        dv = found[0]
        assert dv.type == "list" and dv.errorStyle == "warning" and dv.showErrorMessage  # a 简称 is still accepted
        assert source + "$2" in dv.formula1 and source + ":$A" in dv.formula1  # live: the whole column is counted
        assert f"{letter}2:{letter}1048576" in str(dv.sqref)
    for header in LONG:
        assert sheet.column_dimensions[get_column_letter(cols[header])].alignment.wrap_text, header


def test_new_ledger_has_filters_wrapped_text_and_live_dropdowns(ws):
    sheet, cols = _sheet(ws)
    _assert_layout(sheet, cols, 2)  # made before the clerk typed the rows in
    for name in ("党务公开台账", "谈心谈话记录", "走访慰问调研"):
        assert openpyxl.load_workbook(ws.ledger_path)[name].auto_filter.ref.startswith("A1:")


def test_an_older_ledger_gets_them_the_first_time_the_toolkit_saves_it(ws):
    wb = openpyxl.load_workbook(ws.ledger_path)  # as ledgers were before: no filter, no unit dropdowns, no wrap
    sheet = wb[S.SUPERVISION.name]
    sheet.auto_filter.ref = None
    sheet.data_validations = DataValidationList()
    for dim in sheet.column_dimensions.values():
        dim.alignment = Alignment()
    wb.save(ws.ledger_path)

    generate(ws, "notice")
    sheet, cols = _sheet(ws)
    _assert_layout(sheet, cols, 4)
    for r in (2, 3, 4):
        assert sheet.cell(r, cols["督办事项"]).alignment.wrap_text and sheet.cell(r, cols["工作要求"]).alignment.wrap_text
    assert not sheet.cell(2, cols["立项编号"]).alignment.wrap_text

    add_rows(ws.ledger_path, S.SUPERVISION.name, [
        {"交办时间": dt.date(2026, 9, 1), "督办事项": "第四项", "主办单位": "后勤处", "办理时限": dt.date(2026, 10, 30)},
    ])  # fmt: skip
    generate(ws, "notice")  # saved again: nothing added twice, the filter covers the new row
    sheet, cols = _sheet(ws)
    _assert_layout(sheet, cols, 5)
    assert sheet.cell(5, cols["督办事项"]).alignment.wrap_text  # a row the command changed is wrapped too
    assert not [p for p in check(ws) if p.level == "error"]  # the 简称 后勤处 is fine


def test_text_dates_become_real_dates_when_a_command_changes_the_row(notified):
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-001", "办理时限", "2026年6月30日")
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-001", "交办时间", "二〇二六年三月五日")
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-002", "交办时间", "2026年4月1日")
    assert not [p for p in check(notified) if p.level == "error"]  # Chinese-numeral dates are accepted
    fill_form(
        notice_path(notified, "DB-2026-001"),
        notified.inbox / "a.docx",
        {"办理情况": "完成", "办理状态": "☑已办结", "完成日期": "2026-06-01"},
    )
    ingest(notified)
    sheet, cols = _sheet(notified)
    due, given = sheet.cell(2, cols["办理时限"]), sheet.cell(2, cols["交办时间"])
    assert due.is_date and isinstance(due.value, dt.datetime) and due.value.date() == dt.date(2026, 6, 30)
    assert given.is_date and given.value.date() == dt.date(2026, 3, 5)
    assert sheet.cell(3, cols["交办时间"]).value == "2026年4月1日"  # a row no command changed keeps what was typed
    rows = [j for j in journal_rows(notified) if j["编号"] == "DB-2026-001" and j["字段"] in ("办理时限", "交办时间")]
    assert {(j["字段"], j["原值"], j["新值"]) for j in rows} == {
        ("办理时限", "2026年6月30日", "2026-06-30"),
        ("交办时间", "二〇二六年三月五日", "2026-03-05"),
    }
    assert {j["来源文件"] for j in rows} == {"a.docx"}  # journalled in the ingest's own rows


def test_the_filter_grows_to_columns_the_toolkit_adds(ws):
    """A filter made before 预警/原办理时限/审核人 existed is widened when the toolkit adds them."""
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.SUPERVISION.name]
    sheet.auto_filter.ref = "A1:V2"  # the contract's columns only, as an older ledger had
    wb.save(ws.ledger_path)
    generate(ws, "notice")
    sheet, cols = _sheet(ws)
    assert max(cols.values()) > 22 and sheet.auto_filter.ref == f"A1:{get_column_letter(max(cols.values()))}4"
