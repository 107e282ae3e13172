"""What every register's report does alike: its period, JSON-ready figures, the workbook saved atomically,
its tables styled, the document printed to PDF, a share as a percentage."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill

from ..errors import ConversionError, UsageError
from ..ledger.store import default_mode
from ..pdf.soffice import Soffice


def save_workbook(wb, path: Path) -> None:
    """Save an openpyxl workbook through a temp file beside ``path`` and a rename (never a half-written file)."""
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, default_mode())
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def style_table(sheet, ncols: int, widths: tuple[int, int, int], wrap: bool = False, long_from: int = 5) -> None:
    """Title in row 1, bold shaded header in row 2, column widths (first column, long headers, short
    ones: headers of ``long_from`` characters or more), header frozen."""
    first, long, short = widths
    sheet["A1"].font = Font(name="黑体", size=14, bold=True)
    for c in range(1, ncols + 1):
        cell = sheet.cell(2, c)
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", wrap_text=wrap or None)
        sheet.column_dimensions[cell.column_letter].width = first if c == 1 else long if len(str(cell.value)) >= long_from else short
    sheet.freeze_panes = "A3"


def document_pdf(ws, docx: Path, what: str) -> Path:
    """``docx`` as PDF beside it (LibreOffice with the toolkit's font map); ConversionError naming ``what``."""
    target = docx.with_suffix(".pdf")
    try:
        with tempfile.TemporaryDirectory(prefix=".pdf-", dir=docx.parent) as tmp:
            [made] = Soffice(ws.settings.soffice_path, ws.settings.pdf_timeout).convert([docx], Path(tmp))
            os.chmod(made, default_mode())
            os.replace(made, target)
    except ConversionError as exc:
        raise ConversionError(f"{what} PDF 未生成（{docx.name} 和统计表已生成）：{exc.message}", hint=exc.hint) from exc
    return target


def percent(part: int, whole: int) -> str:
    """A whole percentage (50%, 100%, 0%), or — when there is nothing to divide."""
    return f"{part / whole:.0%}" if whole else "—"


def period(year: int, half: int | None) -> tuple[dt.date, dt.date, str]:
    """Start, end and Chinese label of a year or half-year."""
    if half not in (None, 1, 2):
        raise UsageError("--half 只能是 1（上半年）或 2（下半年）。")
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}年上半年"
    if half == 2:
        return dt.date(year, 7, 1), dt.date(year, 12, 31), f"{year}年下半年"
    return dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年度"


def json_ready(value):
    """``value`` with every date inside it (dicts and lists too) as ISO text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    return value
