"""A new, empty ledger workbook laid out for the clerk: headers, dropdowns, widths, date formats.

``ensure_layout`` also brings ledgers made before a layout feature up to date, each time the
toolkit saves one: filter buttons on the register sheets, wrapped text in long columns, and
dropdowns for 主办单位 / 提出部门 / 分管校领导 that read the 承办单位 and 班子成员 sheets live.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema as S
from .store import atomic_write

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name="黑体", bold=True)
MAX_ROWS = 5000  # rows covered by dropdowns and formats
LAST_ROW = 1048576  # Excel's last row: the live dropdowns cover whole columns
WRAP = Alignment(wrap_text=True, vertical="top")


def long_columns(sheet: S.Sheet) -> frozenset[str]:
    """Headers of the columns whose text is wrapped (督办事项, 工作要求, 办理情况, 审核意见, 备注 …)."""
    return frozenset(c.header for c in sheet.columns if c.kind in (S.TEXT, S.UNITS) and c.width >= 20)


def new_workbook(units: list[dict] | None = None, members: list[dict] | None = None) -> openpyxl.Workbook:
    """A workbook with every sheet of the contract, optionally seeded with units and members."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in S.all_sheets():
        add_sheet(wb, sheet)
    for name, rows in ((S.UNITS_SHEET.name, units or []), (S.MEMBERS.name, members or [])):
        sheet = S.sheet_named(name)  # with the columns registers add (班子成员's 分管单位)
        ws = wb[sheet.name]
        for r, values in enumerate(rows, start=2):
            for i, h in enumerate(sheet.headers, start=1):
                if values.get(h) not in (None, ""):
                    ws.cell(r, i, values[h])
    ensure_layout(wb)
    return wb


def add_sheet(wb, sheet: S.Sheet, before: str | None = None):
    """Add one sheet laid out for the clerk: styled headers, dropdowns, widths, frozen header row."""
    ws = wb.create_sheet(sheet.name, index=wb.sheetnames.index(before) if before else None)
    for i, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, i, col.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        rng = f"{letter}2:{letter}{MAX_ROWS}"
        if col.kind == S.CHOICE:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True)
            dv.error = f"请从下拉列表中选择：{'、'.join(col.choices)}"
            dv.errorTitle = col.header
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(rng)
        elif col.kind == S.DATE:
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            dv.error = "请输入日期，如 2026-03-05"
            dv.errorTitle = col.header
            dv.showErrorMessage = True
            ws.add_data_validation(dv)
            dv.add(rng)
        elif col.kind == S.TEXT:
            ws.column_dimensions[letter].alignment = WRAP
    ws.freeze_panes = "A2"
    return ws


def _headers(ws) -> dict[str, int]:
    """Header text → column number, from row 1."""
    out: dict[str, int] = {}
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        if cell.value not in (None, ""):
            out.setdefault(str(cell.value).strip(), cell.column)
    return out


def ensure_layout(wb, last_rows: dict[str, int] | None = None, before_wrap=None) -> None:
    """Filter buttons, wrapped long columns and live dropdowns on every register sheet (idempotent).

    Ledgers made before these existed get them the first time the toolkit saves them (the filter
    range then grows with the rows); a clerk's own dropdown on a column is left as it is.
    ``last_rows``: each sheet's last row where openpyxl does not hold every row (ledger/kept.py);
    ``before_wrap(name)`` is called before the cells of a sheet's long columns are wrapped.
    """
    for sheet in (s for s in S.all_sheets() if s.id_column):  # registers: filter buttons, wrapping, dropdowns
        if sheet.name not in wb.sheetnames:
            continue
        ws = wb[sheet.name]
        cols = _headers(ws)
        if not cols:
            continue
        first = not ws.auto_filter.ref
        _ensure_filter(ws, max(cols.values()), (last_rows or {}).get(sheet.name, 0))
        _ensure_lists(wb, ws, cols, sheet)
        if first:
            if before_wrap is not None:
                before_wrap(sheet.name)
            _wrap_columns(ws, [cols[h] for h in long_columns(sheet) if h in cols])


def _ensure_filter(ws, last_col: int, last_row: int = 0) -> None:
    """Filter buttons on the header row, the range covering every row (a clerk's own columns kept)."""
    last_row = max(ws.max_row, last_row, 2)
    ref = ws.auto_filter.ref
    if not ref:
        ws.auto_filter.ref = f"A1:{get_column_letter(last_col)}{last_row}"
        return
    start, _, end = ref.partition(":")
    end_col = column_index_from_string("".join(c for c in (end or start) if c.isalpha()))
    end_row = int("".join(c for c in (end or start) if c.isdigit()) or 1)
    if end_row < last_row or end_col < last_col:  # rows added, or columns the toolkit added (原办理时限…)
        ws.auto_filter.ref = f"{start}:{get_column_letter(max(end_col, last_col))}{max(end_row, last_row)}"


def _ensure_lists(wb, ws, cols: dict[str, int], sheet: S.Sheet) -> None:
    """Live dropdowns of the columns that list another sheet's column (warning style: a 简称 or another
    name is still accepted after a prompt; a unit added there appears at once)."""
    for column in sheet.columns:
        if column.lookup is None:
            continue
        header, (source_sheet, source_header) = column.header, column.lookup
        col = cols.get(header)
        if col is None or source_sheet not in wb.sheetnames:
            continue
        source_col = _headers(wb[source_sheet]).get(source_header)
        if source_col is None:
            continue
        letter = get_column_letter(col)
        if any(f"{letter}2" in dv.sqref for dv in ws.data_validations.dataValidation):
            continue  # already there (ours or the clerk's own)
        src = f"{quote_sheetname(source_sheet)}!${get_column_letter(source_col)}"
        # the names from row 2 down to the last filled one: new names appear, no empty lines in the list
        formula = f"OFFSET({src}$2,0,0,MAX(1,COUNTA({src}:${get_column_letter(source_col)})-1),1)"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle="warning")
        dv.showErrorMessage = True
        dv.errorTitle = header
        dv.error = f"“{source_sheet}”表的“{source_header}”中没有这一项。简称等写法也可以使用：点“是”保留；点“否”重新选择。"
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{LAST_ROW}")


def _wrap_columns(ws, columns: list[int]) -> None:
    """Wrap the text of these columns: the column style (new cells) and every filled cell already there."""
    if not columns:
        return
    wanted = set(columns)
    for c in columns:
        ws.column_dimensions[get_column_letter(c)].alignment = WRAP
    for (r, c), cell in list(ws._cells.items()):
        if r > 1 and c in wanted and cell.value not in (None, ""):
            wrap_cell(cell)


def wrap_cell(cell) -> None:
    """Turn on text wrapping for a cell, keeping its horizontal alignment.

    The wrapped alignment of each alignment met is registered once per workbook (registering hashes
    the whole alignment, which dominated commands that wrap thousands of cells).
    """
    wb = cell.parent.parent
    memo = style_memo(wb, "wrap")
    if cell._style is None:
        cell._style = StyleArray()
    old = cell._style.alignmentId
    new = memo.get(old)
    if new is None:
        a = wb._alignments[old]
        if a.wrap_text:
            new = old
        else:
            new = wb._alignments.add(Alignment(horizontal=a.horizontal, vertical=a.vertical or "top", wrap_text=True, indent=a.indent))
        memo[old] = new
    cell._style.alignmentId = new


_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style_memo(wb, name: str) -> dict:
    """A per-workbook dictionary for formats already registered in it (see wrap_cell)."""
    return _MEMOS.setdefault(wb, {}).setdefault(name, {})


def create_ledger(path: Path, units=None, members=None) -> None:
    """Write a new ledger atomically (never over an existing one: the caller checks)."""
    wb = new_workbook(units, members)
    atomic_write(Path(path), wb.save)
