"""Rows of a register sheet kept as the XML they are in the file until a command writes to them.

A command reads every row of a register (to judge, match, number) but changes few of them: an
ingest of a batch changes the rows its forms answer, a review one row. Loading every cell into
openpyxl objects and writing them all back dominated such a command. So a register sheet reaches
openpyxl with its header row only; its other rows stay here as XML and are read by regular
expressions into the values openpyxl would have given (``value``). A row a command writes to is
*materialised* first, cell by cell — the cell becomes an openpyxl cell with its value and format —
and written by openpyxl; ``splice`` then puts every other cell back into the saved sheet exactly as
it was (a row with written cells is rebuilt from both, in column order).

The conditions are those of ``tail.py`` (cell formats keep their order, shared strings inlined, a
sheet that is not plain enough is left to openpyxl whole), plus: no formulas in the rows (openpyxl
translates shared formulas), so a register with formulas is simply loaded as before.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from openpyxl.cell.cell import Cell
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

from .tail import (
    CELL_FAST_RE,
    DIMENSION_RE,
    PHONETIC_RE,
    ROW_NUM_RE,
    ROW_NUMBER_RE,
    ROW_RE,
    TEXT_RE,
    TYPE_RE,
    VALUE_RE,
    Tail,
    row_spans,
)

# a cell as openpyxl and tail.py write it: reference, format, type, then a value or one plain inline string
PLAIN_CELL_RE = re.compile(
    rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="([A-Za-z]+)")?(?:/>|>(?:<v>([^<]*)</v>|(<is><t(?: xml:space="preserve")?>([^<]*)</t></is>))?</c>)'
)
STYLE_RE = re.compile(rb'\ss="(\d+)"')
ROW_TAG_RE = re.compile(rb"<row\b[^>]*?(?:/>|>)")
SPANS_RE = re.compile(rb'\sspans="[^"]*"')


@dataclass
class KeptRows:
    """Rows 2… of one register sheet as XML, by row number; their values parsed on first use."""

    sheet: str
    rows: dict[int, bytes]
    last_col: int
    touched: dict[int, set[int]] = field(default_factory=dict)  # row → columns turned into openpyxl cells
    _values: dict[int, dict[int, tuple]] | None = None

    @classmethod
    def from_tail(cls, tail: Tail) -> KeptRows:
        """The rows a ``tail._cut`` took out of the sheet, one entry per row number."""
        rows = {}
        for a, b in row_spans(tail.rows):  # _cut checked that they are found
            rows[int(ROW_NUMBER_RE.match(tail.rows, a, b).group(1))] = tail.rows[a:b]
        return cls(tail.sheet, rows, tail.last_col)

    @property
    def last_row(self) -> int:
        """The last row number held here (1 when none)."""
        return max(self.rows, default=1)

    def parsed(self, wb) -> dict[int, dict[int, tuple]]:
        """Every kept row as {column: (value, data_type, style index)}, as openpyxl would load them."""
        if self._values is None:
            self._values = {r: _parse_row(xml, wb) for r, xml in self.rows.items()}
        return self._values

    def value(self, wb, r: int, col: int):
        """The value of one kept cell (None when empty or absent); a materialised cell is read from openpyxl."""
        cell = self.parsed(wb).get(r, {}).get(col)
        return None if cell is None else cell[0]

    def filled_rows(self, wb, cols: set[int]) -> set[int]:
        """Numbers of the rows with a value in one of ``cols`` among their cells not materialised."""
        out = set()
        for r, cells in self.parsed(wb).items():
            done = self.touched.get(r, ())
            if any(c in cols and v[0] not in (None, "") and c not in done for c, v in cells.items()):
                out.add(r)
        return out

    def materialise(self, ws, r: int, col: int) -> None:
        """Turn one kept cell into an openpyxl cell (value and format): openpyxl writes it from now on."""
        if r not in self.rows:
            return
        done = self.touched.setdefault(r, set())
        if col in done:
            return
        done.add(col)
        cell = self.parsed(ws.parent)[r].get(col)
        if cell is None:
            return  # nothing there: openpyxl creates the cell when it is written
        value, data_type, style = cell
        c = Cell(ws, row=r, column=col, style_array=ws.parent._cell_styles[style])
        c._value = value
        c.data_type = data_type
        ws._cells[(r, col)] = c

    def materialise_row(self, ws, r: int) -> None:
        """Every cell of a kept row as openpyxl cells."""
        for col in list(self.parsed(ws.parent).get(r, ())):
            self.materialise(ws, r, col)

    def splice(self, xml: bytes) -> bytes:
        """The sheet as openpyxl wrote it (header, materialised cells, new rows) with every kept cell put back.

        A row with materialised cells is rebuilt from its kept cells and openpyxl's, in column
        order, under its original row attributes (height, format, hidden; the spans hint dropped).
        """
        start, end = xml.find(b"<sheetData>"), xml.rfind(b"</sheetData>")
        if start < 0 or end < 0:  # openpyxl writes <sheetData/> when no cell is left: never for a sheet with headers
            raise RuntimeError(f"openpyxl wrote no rows into {self.sheet}")
        body = start + len(b"<sheetData>")
        written = {int(ROW_NUM_RE.match(m.group(0)).group(1)): m.group(0) for m in ROW_RE.finditer(xml, body, end)}
        last_col = max([self.last_col, *(_last_col(x) for x in written.values())])
        merged = dict(self.rows)
        for r in set(written) | {r for r, cols in self.touched.items() if cols}:
            if r not in self.rows:
                merged[r] = written[r]  # a new row
                continue
            done = self.touched.get(r, set())
            cells = {c: x for c, x in _cells(self.rows[r]) if c not in done}
            cells.update(_cells(written.get(r, b"")))
            tag = ROW_TAG_RE.match(self.rows[r]).group(0)
            tag = SPANS_RE.sub(b"", tag[:-2] + b">" if tag.endswith(b"/>") else tag)
            merged[r] = tag + b"".join(cells[c] for c in sorted(cells)) + b"</row>"
        order = sorted(merged)
        out = xml[:body] + b"".join(merged[r] for r in order) + xml[end:]
        ref = f"A1:{get_column_letter(max(last_col, 1))}{max(order, default=1)}".encode()
        return DIMENSION_RE.sub(b'<dimension ref="' + ref + b'"/>', out, count=1)


CELL_REF_RE = re.compile(rb'<c r="([A-Z]+)\d+"')


def _last_col(row_xml: bytes) -> int:
    return max((column_index_from_string(m.decode()) for m in CELL_REF_RE.findall(row_xml)), default=0)


def _cells(row_xml: bytes) -> list[tuple[int, bytes]]:
    """(column, the cell's XML) of each cell of a row.

    A row holds nothing but its cells, each starting ``<c r="`` (tail._cut checked): each cell runs
    to the next one, the last to ``</row>`` — found by plain searches, four times faster than a
    regular expression.
    """
    if b"<extLst" in row_xml:  # a row's extension list after its cells: cut cell by cell
        return _cells_by_pattern(row_xml)
    out = []
    find = row_xml.find
    pos, end = find(b'<c r="'), row_xml.rfind(b"</row>")
    while pos >= 0:
        nxt = find(b'<c r="', pos + 6)
        i = j = pos + 6
        while 65 <= row_xml[j] <= 90:  # A-Z
            j += 1
        letters = row_xml[i:j]
        col = _LETTER_COLS.get(letters) or _LETTER_COLS.setdefault(letters, column_index_from_string(letters.decode()))
        out.append((col, row_xml[pos : nxt if nxt >= 0 else end]))
        pos = nxt
    return out


def _cells_by_pattern(row_xml: bytes) -> list[tuple[int, bytes]]:
    """(column, the cell's XML) of each cell of a row, by regular expression."""
    out = []
    for m in CELL_FAST_RE.finditer(row_xml):
        letters = m.group(1)
        col = _LETTER_COLS.get(letters) or _LETTER_COLS.setdefault(letters, column_index_from_string(letters.decode()))
        out.append((col, m.group(0)))
    return out


_LETTER_COLS: dict[bytes, int] = {}


def _parse_row(xml: bytes, wb) -> dict[int, tuple]:
    """One row's cells as {column: (value, data_type, style index)}, the way openpyxl's reader makes them."""
    simple = PLAIN_CELL_RE.findall(xml)
    if len(simple) == xml.count(b"<c "):  # every cell in the plain form openpyxl and tail.py write
        out = {}
        for letters, s, t, v, inline, text in simple:
            col = _LETTER_COLS.get(letters) or _LETTER_COLS.setdefault(letters, column_index_from_string(letters.decode()))
            style = int(s) if s else 0
            if t == b"inlineStr":
                out[col] = (_text(text), "s", style) if inline else (None, "n", style)  # no <is>: openpyxl gives None
            else:
                out[col] = (*_typed(t.decode() or "n", b"<v>" + v + b"</v>" if v else b"", style, wb), style)
        return out
    out = {}
    for m in CELL_FAST_RE.finditer(xml):
        letters, attrs, inner = m.group(1), m.group(2), m.group(3) or b""
        col = _LETTER_COLS.get(letters) or _LETTER_COLS.setdefault(letters, column_index_from_string(letters.decode()))
        s = STYLE_RE.search(attrs)
        style = int(s.group(1)) if s else 0
        t = TYPE_RE.search(attrs)
        kind = t.group(1).decode() if t else "n"
        out[col] = (*_typed(kind, inner, style, wb), style)
    return out


def _typed(kind: str, inner: bytes, style: int, wb) -> tuple:
    """(value, data_type) of one cell, as openpyxl's WorkSheetParser.parse_cell gives them."""
    if kind == "inlineStr":
        if b"<is" not in inner:
            return None, "n"
        if b"<rPh" in inner:
            inner = PHONETIC_RE.sub(b"", inner)
        return _text(b"".join(TEXT_RE.findall(inner))), "s"
    v = VALUE_RE.search(inner)
    raw = _text(v.group(1)) if v else ""
    if not raw:
        return None, kind
    if kind == "n":
        number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        if style in wb._date_formats:
            try:
                return from_excel(number, wb.epoch, timedelta=style in wb._timedelta_formats), "d"
            except (OverflowError, ValueError):
                return "#VALUE!", "e"
        return number, "n"
    if kind == "str":
        return raw, "s"
    if kind == "b":
        return bool(int(raw)), "b"
    if kind == "d":
        return from_ISO8601(raw), "d"
    return raw, kind


def _text(raw: bytes) -> str:
    text = raw.decode()
    return html.unescape(text) if "&" in text else text
