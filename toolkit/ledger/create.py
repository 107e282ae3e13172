"""A new, empty ledger workbook laid out for the clerk: headers, dropdowns, widths, date formats."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema as S
from .store import atomic_write

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name="黑体", bold=True)
MAX_ROWS = 5000  # rows covered by dropdowns and formats


def new_workbook(units: list[dict] | None = None, members: list[dict] | None = None) -> openpyxl.Workbook:
    """A workbook with every sheet of the contract, optionally seeded with units and members."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in S.ALL_SHEETS:
        add_sheet(wb, sheet)
    for sheet, rows in ((S.UNITS_SHEET, units or []), (S.MEMBERS, members or [])):
        ws = wb[sheet.name]
        for r, values in enumerate(rows, start=2):
            for i, h in enumerate(sheet.headers, start=1):
                if values.get(h) not in (None, ""):
                    ws.cell(r, i, values[h])
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
            ws.column_dimensions[letter].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    return ws


def create_ledger(path: Path, units=None, members=None) -> None:
    """Write a new ledger atomically (never over an existing one: the caller checks)."""
    wb = new_workbook(units, members)
    atomic_write(Path(path), wb.save)
