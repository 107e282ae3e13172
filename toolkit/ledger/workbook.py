"""Load the ledger workbook into sheet views and typed rows; change cells with a journal; save safely."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import getpass
import hashlib
import io
import os
import re
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from ..dates import parse_date
from ..errors import LedgerChanged, LedgerError
from ..lock import workspace_lock
from . import schema as S
from .create import style_memo
from .kept import KeptRows
from .store import atomic_write, refuse_if_open, refuse_if_read_only
from .tail import ILLEGAL_XML, Tail
from .tail import save as save_tail
from .tail import split_many as split_tails

LIST_SPLIT = re.compile(r"[、，,;；\n]+")


def _append_only() -> tuple[str, ...]:
    """Sheets the toolkit only adds rows to: their rows kept as XML (tail.py)."""
    return tuple(s.name for s in S.all_sheets() if s.append_only)


def _kept() -> tuple[str, ...]:
    """Every other sheet: rows kept as XML until a command writes a cell (kept.py)."""
    return tuple(s.name for s in S.all_sheets() if not s.append_only)


DATE_FORMAT = "yyyy-mm-dd"


def split_list(value) -> list[str]:
    """Split a list cell (协办单位, 联系点) on 、 ， , ; and newlines."""
    if value is None:
        return []
    return [p.strip() for p in LIST_SPLIT.split(str(value)) if p.strip()]


def display(value) -> str:
    """A cell value as the text a clerk would read (dates as 2026-03-05)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Change:
    """One journalled change of one cell (a row of 变更记录)."""

    time: str
    operation: str
    sheet: str
    number: str
    field: str
    old: str
    new: str
    source: str = ""
    sha256: str = ""
    user: str = ""


class Row:
    """One data row of a sheet; values are read and written by header text."""

    def __init__(self, view: SheetView, r: int):
        self.view = view
        self.r = r

    def ref(self, header: str) -> str:
        """The Excel reference of this row's cell under ``header``, e.g. 督查督办台账!J12."""
        return self.view.ref(header, self.r)

    def raw(self, header: str):
        """The cell value as openpyxl holds it (None when the column is missing)."""
        col = self.view.cols.get(header)
        return None if col is None else self.view.value(self.r, col)

    def text(self, header: str) -> str:
        """The cell as stripped text."""
        return display(self.raw(header)).strip()

    def date(self, header: str) -> dt.date | None:
        """The cell as a date (None when empty); ValueError when not a date."""
        return parse_date(self.raw(header))

    def int(self, header: str) -> int:
        """The cell as a whole number, 0 when empty."""
        v = self.raw(header)
        if v in (None, ""):
            return 0
        return int(float(str(v).strip()))

    def list(self, header: str) -> list[str]:
        """The cell as a list (、-separated)."""
        return split_list(self.raw(header))

    @property
    def number(self) -> str:
        """The register number of this row (立项编号 etc.)."""
        idc = self.view.schema.id_column
        return self.text(idc) if idc else ""

    def set(self, header: str, value, *, context: ChangeContext) -> bool:
        """Write ``value`` under ``header`` and journal it; returns False when nothing changed."""
        old = self.raw(header)
        if _same(old, value):
            return False
        col = self.view.ensure_col(header)
        cell = self.view.cell(self.r, col)
        write_cell(cell, value)
        if header in self.view.wrapped:
            self.view.wrap(cell)
        if header == self.view.schema.id_column:
            self.view._index = None
        self.view.ledger.journal(context.change(self.view.name, self.number or f"第{self.r}行", header, display(old), display(value)))
        if self.r not in self.view.tidied:
            self._tidy(context)
        return True

    def _tidy(self, context: ChangeContext) -> None:
        """Once per row a command changes: long texts wrapped, dates typed as text made Excel dates.

        A date typed as text (2026年11月20日) does not sort in Excel; it becomes a real date,
        journalled in the rows of the command that changed the row.
        """
        self.view.tidied.add(self.r)
        for header in self.view.wrapped:
            col = self.view.cols.get(header)
            if col and self.view.value(self.r, col) not in (None, ""):
                self.view.wrap(self.view.cell(self.r, col))
        for col in self.view.schema.columns:
            old = self.raw(col.header) if col.kind == S.DATE else None
            if not isinstance(old, str) or not old.strip():
                continue
            try:
                day = parse_date(old)
            except ValueError:
                continue  # check reports it; left as the clerk typed it
            write_cell(self.view.cell(self.r, self.view.cols[col.header]), day)
            self.view.ledger.journal(context.change(self.view.name, self.number or f"第{self.r}行", col.header, old, display(day)))

    def paint(self, header: str, text: str, rgb: str | None) -> bool:
        """Write a derived display value (e.g. 预警) with a fill colour, not journalled cell by cell."""
        cell = self.view.cell(self.r, self.view.ensure_col(header))
        wb = self.view.ws.parent
        colours, fills = style_memo(wb, "fill colour"), style_memo(wb, "fill")  # registered once per workbook
        if cell._style is None:
            cell._style = StyleArray()
        fill_id = cell._style.fillId
        if fill_id not in colours:
            f = wb._fills[fill_id]
            colours[fill_id] = ((f.fgColor.rgb if f.fill_type else None) or "")[-6:]
        if display(cell.value) == text and colours[fill_id] == (rgb or "")[-6:]:
            return False
        write_cell(cell, text)
        if rgb not in fills:
            fills[rgb] = wb._fills.add(PatternFill("solid", fgColor=rgb) if rgb else PatternFill(fill_type=None))
        cell._style.fillId = fills[rgb]
        if header in self.view.wrapped:
            self.view.wrap(cell)
        return True


def _same(old, new) -> bool:
    """Whether writing ``new`` over ``old`` would change what the clerk sees."""
    if isinstance(new, dt.date) and not isinstance(new, dt.datetime):
        try:
            return parse_date(old) == new
        except ValueError:
            return False
    return display(old) == display(new)


def write_cell(cell, value) -> None:
    """Write a value so text never turns into a formula and dates are real Excel dates."""
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    elif value is None or value == "":
        cell.value = None
    else:
        text = str(value)
        if not text.isprintable():
            text = ILLEGAL_XML.sub("", text)  # control characters (e.g. from a PDF field) cannot be stored in .xlsx
        # set as openpyxl's value setter would after its own (slow) check for those characters, done above;
        # data type "s": '=1+1' stays text, never a formula
        cell._value, cell.data_type = text[:32767], "s"
        if text[:1] in "=+-@":
            cell.quotePrefix = True


@dataclass
class ChangeContext:
    """Who changes the ledger, with which command, from which source file."""

    operation: str
    source: str = ""
    sha256: str = ""
    user: str = ""

    def __post_init__(self):
        self.user = self.user or current_user()

    def change(self, sheet, number, field, old, new) -> Change:
        """A Change stamped with this context and the current time."""
        return Change(
            time=_now_text(),
            operation=self.operation,
            sheet=sheet,
            number=number,
            field=field,
            old=old,
            new=new,
            source=self.source,
            sha256=self.sha256,
            user=self.user,
        )


_stamp_cache: list = [0, ""]


def _now_text() -> str:
    """The current time as 2026-03-05 14:30:00 (formatted once per second)."""
    now = int(time.time())
    if _stamp_cache[0] != now:
        _stamp_cache[:] = [now, dt.datetime.fromtimestamp(now).strftime("%Y-%m-%d %H:%M:%S")]
    return _stamp_cache[1]


def current_user() -> str:
    """The operator's name: DANGWU_USER, else the login name."""
    return os.environ.get("DANGWU_USER") or _login_name()


@functools.cache
def _login_name() -> str:
    """The login name (looked up once per process: it costs a passwd lookup)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


class SheetView:
    """A worksheet with its schema and the position of each known header."""

    def __init__(self, ledger: Ledger, schema: S.Sheet, ws):
        self.ledger = ledger
        self.schema = schema
        self.name = schema.name
        self.ws = ws
        self.cols: dict[str, int] = {}
        self._rows: list[Row] | None = None
        self._index: dict[str, Row] | None = None
        self.duplicate_headers: list[str] = []
        self.tidied: set[int] = set()  # rows whose text dates the current command has made real dates
        # rows 2… of an append-only sheet kept as XML (the journal's are handled by Ledger itself)
        self.tail: Tail | None = ledger.tails.get(self.name) if self.name != S.JOURNAL.name else None
        # rows 2… of a register sheet kept as XML until a command writes to them (kept.py)
        self.kept: KeptRows | None = ledger.kept.get(self.name)
        self._styles: dict = {}  # cell formats of rows added to the tail: (number format, quote prefix) or "date" → index
        from .create import long_columns, wrap_cell

        self.wrapped = long_columns(schema)  # columns whose cells wrap their text
        self.wrap = wrap_cell
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            h = display(cell.value).strip()
            if not h:
                continue
            if h in self.cols:
                self.duplicate_headers.append(h)
            else:
                self.cols[h] = cell.column

    @property
    def missing_headers(self) -> list[str]:
        """Required schema headers not found in row 1 (optional ones are added when needed)."""
        return [c.header for c in self.schema.columns if c.header not in self.cols and not c.optional]

    def ensure_col(self, header: str) -> int:
        """The column of ``header``, adding it after the last column when the schema marks it optional."""
        if header in self.cols or not self.schema.column(header).optional:
            return self.require_col(header)
        col = max(self.cols.values(), default=0) + 1
        src = self.ws.cell(1, max(col - 1, 1))
        cell = self.ws.cell(1, col, header)
        if src.has_style:
            cell._style = copy.copy(src._style)
        self.ws.column_dimensions[get_column_letter(col)].width = self.schema.column(header).width
        self.cols[header] = col
        return col

    def require_col(self, header: str) -> int:
        """The column index of ``header``; LedgerError naming the sheet when it is missing."""
        try:
            return self.cols[header]
        except KeyError:
            raise LedgerError(
                f"工作表“{self.name}”缺少表头“{header}”。",
                hint="请在第1行补上该表头（名称须与台账规范一致），或运行 `dangwu check` 查看全部问题。",
            ) from None

    def value(self, r: int, col: int):
        """The value of one cell as openpyxl would hold it (None when empty); reading creates no cell."""
        cell = self.ws._cells.get((r, col))
        if cell is not None:
            return cell.value
        if self.kept is not None:
            return self.kept.value(self.ws.parent, r, col)
        return None

    def cell(self, r: int, col: int):
        """The openpyxl cell to write to (first turned into one when it was kept as XML)."""
        if self.kept is not None:
            self.kept.materialise(self.ws, r, col)
        return self.ws.cell(r, col)

    @property
    def last_row(self) -> int:
        """The last row with cells or a format, kept or not."""
        return max(self.ws.max_row, self.kept.last_row if self.kept is not None else 1)

    def materialise_all(self) -> None:
        """Every kept row as openpyxl cells (for a change that touches every cell of a column)."""
        if self.kept is not None:
            for r in list(self.kept.rows):
                self.kept.materialise_row(self.ws, r)

    def ref(self, header: str, r: int) -> str:
        """Excel reference like 督查督办台账!J12 (column of the header, or the sheet alone)."""
        col = self.cols.get(header)
        return f"{self.name}!{get_column_letter(col)}{r}" if col else f"{self.name}!第{r}行"

    def rows(self) -> list[Row]:
        """Data rows (row 2 on), skipping rows whose known cells are all empty (computed once)."""
        if self._rows is None:
            cols = set(self.cols.values())
            used = {r for (r, c), cell in self.ws._cells.items() if r > 1 and c in cols and cell.value not in (None, "")}
            if self.kept is not None:
                used |= self.kept.filled_rows(self.ws.parent, cols)
            self._rows = [Row(self, r) for r in sorted(used)]
        return list(self._rows)

    def by_number(self) -> dict[str, Row]:
        """Rows by register number (first one wins; duplicates are reported by check); cached."""
        if self._index is None:
            self._index = {}
            for row in self.rows():
                self._index.setdefault(row.number, row)
        return self._index

    def append(self, values: dict, *, context: ChangeContext, number: str = "") -> Row:
        """Add a row after the last used one; journalled as one 新增行 entry naming its values."""
        if self.tail is not None:
            row = Row(self, self._append_to_tail(values))
        else:
            used = self.rows()
            row = Row(self, (used[-1].r if used else 1) + 1)
            for h, v in values.items():
                write_cell(self.cell(row.r, self.ensure_col(h)), v)
            if self._rows is not None:
                self._rows.append(row)
            self._index = None
        summary = "；".join(f"{h}={display(v)}" for h, v in values.items() if v not in (None, ""))
        self.ledger.journal(context.change(self.name, number or row.number or f"第{row.r}行", "新增行", "", summary))
        return row

    def _append_to_tail(self, values: dict) -> int:
        """Queue a row in the sheet's tail, each cell as write_cell would make it; its row number."""
        cells: dict[int, str | int | float] = {}
        styles: dict[int, int] = {}
        for h, v in values.items():
            col = self.ensure_col(h)
            if isinstance(v, str) and v[:1] not in "=+-@":  # plain text: an inline string, no format
                cells[col] = v
                continue
            if type(v) is dt.date and "date" in self._styles:  # a date, its format registered by an earlier one
                cells[col], styles[col] = to_excel(v, self.ws.parent.epoch), self._styles["date"]
                continue
            probe = Cell(self.ws, row=1, column=col)  # never added to the sheet: only its value and format are used
            write_cell(probe, v)
            if probe.value is None:
                continue
            if probe.has_style:
                key = (probe.number_format, probe.quotePrefix)
                if key not in self._styles:
                    self._styles[key] = probe.style_id  # registers the format: openpyxl writes it into cellXfs
                styles[col] = self._styles[key]
                if type(v) is dt.date:
                    self._styles["date"] = styles[col]
            value = probe.value
            if isinstance(value, (dt.date, dt.datetime)):
                value = to_excel(value, self.ws.parent.epoch)
            cells[col] = value if isinstance(value, (int, float)) else str(value)
        self.tail.append(cells, styles)
        return self.tail.end_row

    def tail_records(self) -> list[dict[str, str]]:
        """The rows kept as XML (an append-only sheet) as {header: stripped text}, oldest first; [] when none."""
        if self.tail is None:
            return []
        names = {c: h for h, c in self.cols.items()}
        records = self.tail.records() + self.tail.new_records
        return [{names[c]: v.strip() for c, v in rec.items() if c in names} for rec in records]


class Ledger:
    """The loaded workbook: sheet views by name, pending journal rows, and an atomic save."""

    def __init__(self, path: Path, wb, tails: dict[str, Tail] | None = None):
        self.path = Path(path)
        self.wb = wb
        tails = tails or {}
        append_only = _append_only()
        self.tails = {n: t for n, t in tails.items() if n in append_only}  # append-only sheets' rows 2… (tail.py)
        self.kept = {n: KeptRows.from_tail(t) for n, t in tails.items() if n not in append_only}  # registers' (kept.py)
        self.tail = self.tails.get(S.JOURNAL.name)  # 变更记录's; None: openpyxl holds them
        self.pending: list[Change] = []
        self._journal_columns: list[tuple[int, str]] | None = None
        self.loaded: tuple[int, int, str] | None = None  # (size, mtime_ns, sha256) of the file as loaded
        self.views: dict[str, SheetView] = {}
        for sheet in S.all_sheets():
            if sheet.name in wb.sheetnames:
                self.views[sheet.name] = SheetView(self, sheet, wb[sheet.name])

    @classmethod
    def load(cls, path: Path, *, for_write: bool = False) -> Ledger:
        """Open the workbook; LedgerError in Chinese when it is missing, locked or not an .xlsx."""
        path = Path(path)
        if not path.exists():
            raise LedgerError(
                f"找不到台账文件 {path}。", hint="请在工作区目录中运行，或用 -w 指定工作区；新工作区可用 `dangwu init DIR` 创建。"
            )
        if for_write:
            refuse_if_open(path)
            refuse_if_read_only(path)
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                raw = fh.read()
            light, tails = split_tails(raw, _append_only(), keep=_kept())
            wb = openpyxl.load_workbook(io.BytesIO(light))
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError) as exc:
            raise LedgerError(
                f"台账文件 {path.name} 无法打开：不是有效的 .xlsx 工作簿（{type(exc).__name__}）。",
                hint="请用 Excel/WPS 另存为 .xlsx，或从 .backup/ 中恢复上一版本。",
            ) from exc
        ledger = cls(path, wb, tails)
        ledger.loaded = (st.st_size, st.st_mtime_ns, hashlib.sha256(raw).hexdigest())
        return ledger

    def sheet(self, name: str) -> SheetView:
        """The view of a sheet; LedgerError when the workbook lacks it (optional sheets are created)."""
        declared = S.sheet_named(name)
        if name not in self.views and declared is not None and declared.optional:
            from .create import add_sheet

            schema = declared
            before = S.JOURNAL.name if S.JOURNAL.name in self.wb.sheetnames else None
            add_sheet(self.wb, schema, before=before)
            self.views[name] = SheetView(self, schema, self.wb[name])
        try:
            return self.views[name]
        except KeyError:
            raise LedgerError(
                f"台账缺少工作表“{name}”。",
                hint="请按台账规范补上该工作表（可参考 `dangwu init` 新建的台账），再运行 `dangwu check`。",
            ) from None

    def journal(self, change: Change) -> None:
        """Queue one row for 变更记录; written by save().

        With the journal kept as XML (tail.py) the row's XML is made now, while the command works,
        so that the save has only the rest to do.
        """
        self.pending.append(change)
        if self.tail is not None and len(self.tail.new_rows) == len(self.pending) - 1:
            self.tail.append(self._journal_cells(change))

    def _journal_cells(self, ch: Change) -> dict[int, str]:
        """One change as 变更记录's cells: {column: text}."""
        if self._journal_columns is None:
            jv = self.sheet(S.JOURNAL.name)
            fields = ("time", "operation", "sheet", "number", "field", "old", "new", "source", "sha256", "user")
            self._journal_columns = [(jv.cols[h], f) for h, f in zip(S.JOURNAL.headers, fields) if h in jv.cols]
        return {col: str(getattr(ch, f)) for col, f in self._journal_columns}

    def serialise(self) -> bytes:
        """The workbook as .xlsx bytes with the pending journal rows appended (not yet saved)."""
        from .create import ensure_layout

        # filter buttons, wrapped text, live dropdowns (older ledgers get them here)
        ensure_layout(
            self.wb,
            last_rows={name: view.last_row for name, view in self.views.items()},
            before_wrap=lambda name: self.views[name].materialise_all() if name in self.views else None,
        )
        if self.tail is not None:
            if len(self.tail.new_rows) != len(self.pending):  # rows dropped after a save that failed: queue them again
                self.tail.discard()
                for ch in self.pending:
                    self.tail.append(self._journal_cells(ch))
        elif self.pending:
            jv = self.sheet(S.JOURNAL.name)
            r = jv.ws.max_row + 1
            for ch in self.pending:
                for col, text in self._journal_cells(ch).items():
                    write_cell(jv.ws.cell(r, col), text)
                r += 1
            self.pending = []  # now cells of the sheet: a second serialise must not add them again
        buf = io.BytesIO()
        save_tail(self.wb, self.tails.values(), buf, kept=self.kept.values())
        return buf.getvalue()

    def save(self, *, keep_backups: int = 20, data: bytes | None = None) -> Path | None:
        """Write the workbook (``data`` from serialise(), or serialised now) atomically, keeping a backup.

        Holds the workspace lock while it writes, and refuses (LedgerChanged, nothing written) when the
        file changed on disk since it was loaded: another program's changes are never overwritten.
        """
        try:
            data = self.serialise() if data is None else data
            with workspace_lock(self.path.parent):  # inside a command, its lock is held already
                self.refuse_if_changed()
                backup = atomic_write(self.path, lambda fh: fh.write(data), keep_backups=keep_backups)
                st = os.stat(self.path)
        except BaseException:
            if self.tail is not None:
                self.tail.discard()
            raise
        self.loaded = (st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())
        for tail in self.tails.values():
            tail.commit()  # the journal's queued rows, and rows added to other append-only sheets
        self.pending = []
        return backup

    def refuse_if_changed(self) -> None:
        """LedgerChanged when the file on disk is no longer the one this ledger was loaded from."""
        if self.loaded is None:
            return
        size, mtime_ns, sha = self.loaded
        try:
            st = os.stat(self.path)
            if (st.st_size, st.st_mtime_ns) == (size, mtime_ns):
                return
            with open(self.path, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() == sha:
                    return
        except FileNotFoundError:
            pass
        raise LedgerChanged(
            f"台账 {self.path.name} 在本命令读取之后被修改过（另一个程序或命令保存了它），为免覆盖那些修改，本次未做任何修改。",
            hint="请重新运行本命令（它会在新的台账上重新执行）。",
        )

    def journal_records(self) -> list[dict[str, str]]:
        """Every saved row of 变更记录 as {header: text}, oldest first."""
        jv = self.views.get(S.JOURNAL.name)
        if jv is None:
            return []
        out = [{h: row.text(h) for h in jv.cols} for row in jv.rows()]
        if self.tail is not None:
            names = {c: h for h, c in jv.cols.items()}
            out += [{names[c]: v.strip() for c, v in rec.items() if c in names} for rec in self.tail.records()]
        return out

    def journal_sha256s(self) -> set[str]:
        """SHA-256 digests of every source file already journalled (for duplicate detection)."""
        jv = self.views.get(S.JOURNAL.name)
        col = jv.cols.get("来源文件SHA256") if jv else None
        if col is None:
            return set()
        found = {row.text("来源文件SHA256") for row in jv.rows()}
        if self.tail is not None:
            found.update(v.strip() for v in self.tail.column(col))
        return found - {""}
