"""The warning column a register keeps in its sheet (预警): painted by `dangwu status`, saved safely."""

from __future__ import annotations

from ..errors import LedgerLocked
from ..ledger.store import lock_files
from ..ledger.validate import check_ledger, errors_of
from ..ledger.workbook import ChangeContext, Ledger
from ..workspace import Workspace


def write_warnings(ws: Workspace, ledger: Ledger, paints, rewrites=()) -> str:
    """Paint the warning cells ``paints`` ((row, column, text, fill) …) and save; '' when written or unchanged, else why not.

    ``rewrites``: callables (ledger) → (sheet name, cells changed) that rewrite a derived sheet whole
    (e.g. a coverage matrix), saved with the paints. Not written while the workbook is open in
    Excel/WPS or has errors (the painted copy is then only in memory, dropped); one journal row per
    sheet and column says how many cells were refreshed.
    """
    if not paints and not rewrites:
        return ""
    columns = "、".join([f"{c}列" for c in dict.fromkeys(column for _, column, _, _ in paints)] + ["覆盖情况表"] * bool(rewrites))
    if lock_files(ws.ledger_path):
        return f"台账正在 Excel/WPS 中打开，{columns}未更新（关闭后再运行 status 即可）。"
    changed: dict[tuple[str, str], int] = {}
    for row, column, text, fill in paints:
        if row.paint(column, text, fill):
            key = (row.view.name, column)
            changed[key] = changed.get(key, 0) + 1
    for rewrite in rewrites:
        sheet, n = rewrite(ledger)
        if n:
            changed[(sheet, "全表")] = n
    if not changed:
        return ""
    if errors_of(check_ledger(ledger)):
        return f"台账有错误，{columns}未更新（请先运行 dangwu check 改正）。"
    for (sheet, column), n in changed.items():
        ledger.journal(ChangeContext(operation=f"刷新{column}").change(sheet, "", column, "", f"刷新{n}项{column}"))
    try:
        ledger.save(keep_backups=ws.settings.backups)
    except LedgerLocked as exc:
        return exc.message
    return ""


def repaint(rows, sheet: str, cell_for, column: str = "预警") -> int:
    """Rewrite ``column`` of the ``rows`` of ``sheet`` a command changed (``cell_for(row)`` → (text, fill)); how many changed.

    Called by every command that changes an item's state before it saves, so the column never
    contradicts the row. Not journalled cell by cell (a derived display, like status's painting).
    """
    changed = 0
    for row in {id(r): r for r in rows}.values():
        if row.view.name != sheet:
            continue
        text, fill = cell_for(row)
        if text or row.raw(column) not in (None, ""):
            changed += row.paint(column, text, fill)
    return changed
