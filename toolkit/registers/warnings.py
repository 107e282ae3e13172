"""The warning column a register keeps in its sheet (预警): painted by `dangwu status`, saved safely."""

from __future__ import annotations

from ..errors import LedgerLocked
from ..ledger.store import lock_files
from ..ledger.validate import check_ledger, errors_of
from ..ledger.workbook import ChangeContext, Ledger
from ..workspace import Workspace


def write_warnings(ws: Workspace, ledger: Ledger, sheet: str, paints, column: str = "预警") -> str:
    """Paint ``column`` of ``sheet`` with ``paints`` ((row, text, fill) …) and save; '' when written or unchanged, else why not.

    Not written while the workbook is open in Excel/WPS or has errors (the painted copy is then only
    in memory, dropped); one journal row says how many cells were refreshed.
    """
    if lock_files(ws.ledger_path):
        return f"台账正在 Excel/WPS 中打开，{column}列未更新（关闭后再运行 status 即可）。"
    changed = sum(row.paint(column, text, fill) for row, text, fill in paints)
    if not changed:
        return ""
    if errors_of(check_ledger(ledger)):
        return f"台账有错误，{column}列未更新（请先运行 dangwu check 改正）。"
    ledger.journal(ChangeContext(operation=f"刷新{column}").change(sheet, "", column, "", f"刷新{changed}项{column}"))
    try:
        ledger.save(keep_backups=ws.settings.backups)
    except LedgerLocked as exc:
        return exc.message
    return ""
