"""Append-only sheets kept as XML beside openpyxl, so a load or save costs what changed, not what was.

变更记录 (the journal) and 办理进展 (every unit's reports) only ever grow: the toolkit adds rows,
none is edited. Loaded through
openpyxl it would dominate every command (after a year, tens of thousands of cells parsed into
Python objects and serialised again on each save). So the ledger is loaded from a *light* copy of
the workbook in which that sheet holds only its header row; the other rows stay as the XML they
are in the file (the ``Tail``), and are put back, unchanged, after openpyxl has written the rest —
followed by the new rows, written here as inline strings.

What makes this exact:
- openpyxl keeps the order of the workbook's cell formats (cellXfs) when it loads and saves, so
  the ``s="N"`` style of a kept row means the same format afterwards;
- shared strings (``t="s"``) of the kept rows are turned into inline strings (``<is>``, the same
  content model as a shared ``<si>``, rich text included) because openpyxl rewrites the shared
  string table with only the strings it saw;
- a sheet this module cannot reproduce exactly (no header row, rows without numbers, a namespace
  prefix, hyperlinks or merged cells, which openpyxl would bind to cells it never loaded) is left
  to openpyxl whole: ``split`` returns no tail and everything works as before, only slower.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.writer.excel import ExcelWriter

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

ROW_RE = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
ROW_NUM_RE = re.compile(rb'^<row\b[^>]*?\sr="(\d+)"')
CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
SHARED_T_RE = re.compile(rb'\st="s"')
V_RE = re.compile(rb"<v>\s*(\d+)\s*</v>")
SI_RE = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
DIMENSION_RE = re.compile(rb'<dimension ref="([^"]*)"\s*/>')
REF_RE = re.compile(r"([A-Z]+)(\d+)$")
# characters XML 1.0 cannot hold (openpyxl refuses them too); a returned form may carry them
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CELL_LETTERS_RE = re.compile(rb'<c r="([A-Z]+)')
# openpyxl binds these to cells of rows it would not have loaded (and so would write such rows)
UNSAFE = (b"<hyperlink", b"<mergeCell", b"<legacyDrawing")
PREFIXED_ELEMENT_RE = re.compile(rb"</?[A-Za-z_][\w.-]*:")
ROW_OR_CELL_TAG_RE = re.compile(rb"<(?:row|c)\b[^>]*>")
PREFIXED_ATTR_RE = re.compile(rb'\s(?!xml:)[A-Za-z_][\w.-]*:[\w.-]+\s*=\s*"[^"]*"')
# a row or cell tag with such an attribute somewhere (one scan; the rewrite runs only when there is one)
PREFIXED_IN_TAG_RE = re.compile(rb"<(?:row|c)\b[^>]*?\s(?!xml:)[A-Za-z_][\w.-]*:[\w.-]+\s*=")
# A cell holding one plain inline string (openpyxl writes every text so) and the same cell as a
# formula-less "str" cell: openpyxl reads both as the same text cell, the second without building
# a rich-text object per cell (a third of the load time of a large register sheet).
PLAIN_INLINE_RE = re.compile(rb'<c\b([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>([^<]+)</t></is></c>')
WORKSHEET_PART_RE = re.compile(r"xl/worksheets/[^/]+\.xml$")
NUM_REF_RE = re.compile(rb"&#(\d{3,7});")
ROW_NUMBER_RE = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')  # matched at a row's start
PREFIX_HINT_RE = re.compile(rb':[\w.-]+\s*="')  # cheap first look for a prefixed attribute (x14ac:dyDescent=")
FORMULA_RE = re.compile(rb"<f[\s>/]")
_LETTERS: dict[int, str] = {}  # column index → letters, as rows are written
COMPRESS_LEVEL = 1  # the journal is rewritten on every save: fast deflate, files ~15% larger than level 6


@dataclass
class Tail:
    """Rows 2… of one sheet as XML (shared strings inlined), and where they belong."""

    sheet: str
    rows: bytes
    last_row: int
    last_col: int
    new_rows: list[bytes] = field(default_factory=list)
    new_records: list[dict[int, str]] = field(default_factory=list)
    _records: list[dict[int, str]] | None = None

    def records(self) -> list[dict[int, str]]:
        """Every kept row as {column index: display text} (parsed once, on first use)."""
        if self._records is None:
            self._records = parse_rows(self.rows)
        return self._records

    @property
    def end_row(self) -> int:
        """The last row number once the queued rows are written."""
        return self.last_row + len(self.new_rows)

    def column(self, col: int) -> list[str]:
        """The kept rows' non-empty texts in one column (much cheaper than records() for one column)."""
        if self._records is not None:
            return [rec[col] for rec in self._records if rec.get(col)]
        pattern = re.compile(rb'<c r="' + get_column_letter(col).encode() + rb'\d+"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
        return [t for m in pattern.finditer(self.rows) if (t := _cell_text(m.group(1), m.group(2) or b""))]

    def append(self, values: dict[int, str | int | float], styles: dict[int, int] | None = None) -> None:
        """Queue one new row after the others (1-based columns → text or number), written by the next save.

        ``styles``: the cell format (index into the workbook's cellXfs, as openpyxl will write them) of
        some columns, e.g. a date's number format; a date is given as its Excel serial number.
        """
        r = self.end_row + 1
        cells = []
        kept = {}
        for col, value in sorted(values.items()):
            letter = _LETTERS.get(col) or _LETTERS.setdefault(col, get_column_letter(col))
            if value.__class__ is str:
                if not value.isprintable():
                    value = ILLEGAL_XML.sub("", value)
                if not value:
                    continue
                kept[col] = value
                if "&" in value or "<" in value or ">" in value or "\r" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
                style = f' s="{styles[col]}"' if styles and styles.get(col) else ""
                cells.append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
                continue
            style = f' s="{styles[col]}"' if styles and styles.get(col) else ""
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                text = str(int(value)) if float(value).is_integer() else repr(value)
                kept[col] = text
                cells.append(f'<c r="{letter}{r}"{style}><v>{text}</v></c>')
                continue
            text = ILLEGAL_XML.sub("", str(value))
            if text:
                kept[col] = text
                esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
                cells.append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t xml:space="preserve">{esc}</t></is></c>')
        self.new_rows.append(f'<row r="{r}">{"".join(cells)}</row>'.encode())
        self.new_records.append(kept)

    def commit(self) -> None:
        """The queued rows were saved: they are kept rows from now on."""
        if self.new_rows:
            self.last_row = self.end_row
            self.last_col = max([self.last_col, *(max(rec, default=0) for rec in self.new_records)])
            self.rows += b"".join(self.new_rows)
            if self._records is not None:
                self._records += self.new_records
            self.new_rows, self.new_records = [], []

    def discard(self) -> None:
        """Forget queued rows (a save failed and the caller drops its changes)."""
        self.new_rows, self.new_records = [], []


def sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding the worksheet called ``sheet_name`` (None when absent)."""
    book = etree.fromstring(zf.read("xl/workbook.xml"))
    rid = None
    for el in book.iter(f"{{{MAIN_NS}}}sheet"):
        if el.get("name") == sheet_name:
            rid = el.get(f"{{{REL_NS}}}id")
    if rid is None:
        return None
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for el in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if el.get("Id") == rid:
            target = el.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def split(data: bytes, sheet_name: str) -> tuple[bytes, Tail | None]:
    """``data`` (an .xlsx) with ``sheet_name`` cut down to its header row, and the cut rows.

    Returns ``(data, None)`` unchanged when the sheet is absent or not plain enough to cut.
    """
    light, tails = split_many(data, (sheet_name,))
    return light, tails.get(sheet_name)


def split_many(data: bytes, sheet_names, keep=()) -> tuple[bytes, dict[str, Tail]]:
    """``data`` with each of ``sheet_names`` that is plain enough cut down to its header row; the cut rows by sheet.

    A sheet that is absent or not plain enough to cut is left whole (no entry in the dict).
    ``keep``: further sheets cut for ``kept.KeptRows`` (all rows kept, empty ones too; none with formulas).
    """
    whole = set(keep)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        parts = {name: sheet_part(zf, name) for name in (*sheet_names, *keep)}
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError):
        return data, {}  # openpyxl will say what is wrong with the file
    replace: dict[str, bytes] = {}
    tails: dict[str, Tail] = {}
    for name, part in parts.items():
        if part is None or part not in names or part in replace:
            continue
        try:
            cut = _cut(zf, zf.read(part), name, whole=name in whole)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
            return data, {}
        if cut is not None:
            replace[part], tails[name] = cut
    for part in names - set(replace):  # the other sheets: plain inline strings in the form openpyxl reads fast
        if WORKSHEET_PART_RE.match(part):
            try:
                xml = zf.read(part)
            except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
                return data, {}
            if b"inlineStr" in xml:
                replace[part] = PLAIN_INLINE_RE.sub(rb'<c\1t="str"\2><v>\3</v></c>', xml)
    return (_rezip(zf, replace) if replace else data), tails


def _cut(zf: zipfile.ZipFile, xml: bytes, sheet_name: str, *, whole: bool = False) -> tuple[bytes, Tail] | None:
    """The sheet's XML with its header row only, and the Tail of the other rows (None: leave it to openpyxl).

    ``whole``: keep empty rows after the last entry too, and leave a sheet with formulas to openpyxl.
    """
    start, end = xml.find(b"<sheetData>"), xml.rfind(b"</sheetData>")
    if start < 0 or end < start or any(tag in xml for tag in UNSAFE):
        return None
    body_start = start + len(b"<sheetData>")
    rows = row_spans(xml, body_start, end)
    if not rows or not _only_rows(xml, body_start, end, rows):
        return None
    header, rest = rows[0], rows[1:]
    numbers = [ROW_NUMBER_RE.match(xml, a, b) for a, b in rows]
    if any(n is None for n in numbers) or int(numbers[0].group(1)) != 1:
        return None
    data = [i for i, (a, b) in enumerate(rest, start=1) if xml.find(b"<c", a, b) >= 0]
    # empty rows after the last entry (a height or format set on them) are dropped: new entries go there
    if whole:
        tail_bytes = xml[rest[0][0] : rest[-1][1]] if rest else b""
        if FORMULA_RE.search(tail_bytes):
            return None  # formulas: openpyxl translates shared ones; such a sheet is loaded whole
    else:
        tail_bytes = xml[rest[0][0] : rows[data[-1]][1]] if data else b""
    if tail_bytes.count(b"<c ") + tail_bytes.count(b"<c>") != tail_bytes.count(b'<c r="'):
        return None  # cells without (or not starting with) their reference: openpyxl reads by position
    if PREFIXED_ELEMENT_RE.search(tail_bytes):
        return None  # an element from another namespace inside the rows: openpyxl decides
    if PREFIX_HINT_RE.search(tail_bytes) and PREFIXED_IN_TAG_RE.search(tail_bytes):  # not merely b":" (journal times)
        # Excel marks rows with x14ac:dyDescent etc.; those prefixes are declared on Excel's <worksheet>,
        # not on openpyxl's, so the attributes (layout hints) are dropped from the kept tags
        tail_bytes = ROW_OR_CELL_TAG_RE.sub(lambda m: PREFIXED_ATTR_RE.sub(b"", m.group(0)), tail_bytes)
    if b't="s"' in tail_bytes and SHARED_T_RE.search(tail_bytes):
        try:
            tail_bytes = _inline_shared(tail_bytes, zf.read("xl/sharedStrings.xml"))
        except (KeyError, IndexError, ValueError):
            return None
        if tail_bytes is None:
            return None
    last_row = max([1, *(int(numbers[i].group(1)) for i in data)])
    letters = set(CELL_LETTERS_RE.findall(tail_bytes))
    last_col = max([_dimension_cols(xml), *(column_index_from_string(x.decode()) for x in letters)])
    if b"&#" in tail_bytes:
        tail_bytes = utf8_refs(tail_bytes)  # rows openpyxl wrote: saved back as UTF-8 (read faster next time)
    if whole and row_spans(tail_bytes) is None:
        return None  # (cannot happen after the checks above; kept.py relies on it)
    light_xml = xml[:body_start] + xml[header[0] : header[1]] + xml[end:]
    return light_xml, Tail(sheet_name, tail_bytes, last_row, last_col)


def _only_rows(xml: bytes, start: int, end: int, rows) -> bool:
    """Whether the sheet data between ``start`` and ``end`` is nothing but the rows' spans and whitespace."""
    edges = [start] + [p for span in rows for p in span] + [end]
    return all(not xml[a:b].strip() for a, b in zip(edges[::2], edges[1::2]))


def row_spans(xml: bytes, start: int = 0, end: int | None = None) -> list[tuple[int, int]] | None:
    """(start, end) of every ``<row>`` element from ``start`` to ``end``, in order; None when the XML is not that plain.

    Found with plain searches (several times faster than a regular expression over a large journal):
    a row tag's attributes are numbers and flags, and rows do not nest.
    """
    end = len(xml) if end is None else end
    out = []
    find = xml.find
    pos = find(b"<row", start, end)
    while pos >= 0:
        if xml[pos + 4 : pos + 5] not in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
            return None
        gt = find(b">", pos, end)
        if gt < 0:
            return None
        if xml[gt - 1] == 0x2F:  # "/": an empty row
            close = gt + 1
        else:
            close = find(b"</row>", gt, end)
            if close < 0:
                return None
            close += 6
        out.append((pos, close))
        pos = find(b"<row", close, end)
    return out


def _inline_shared(rows: bytes, sst: bytes) -> bytes | None:
    """``rows`` with every shared-string cell turned into an inline-string cell (None when unsure)."""
    if b"<sst" not in sst or b"<si" not in sst:
        return None
    strings = [m.group(1) or b"" for m in SI_RE.finditer(sst)]

    def inline(m: re.Match) -> bytes:
        attrs, inner = m.group(1), m.group(2)
        if not SHARED_T_RE.search(attrs):
            return m.group(0)
        v = V_RE.search(inner or b"")
        if v is None:
            raise ValueError("shared-string cell without index")
        return b"<c" + SHARED_T_RE.sub(b' t="inlineStr"', attrs) + b"><is>" + strings[int(v.group(1))] + b"</is></c>"

    return CELL_RE.sub(inline, rows)


def _dimension_cols(xml: bytes) -> int:
    """The last column the sheet's own <dimension> claims (0 when absent)."""
    m = DIMENSION_RE.search(xml)
    if not m:
        return 0
    last = m.group(1).decode().split(":")[-1]
    ref = REF_RE.match(last)
    return column_index_from_string(ref.group(1)) if ref else 0


def _rezip(zf: zipfile.ZipFile, replace: dict[str, bytes], *, level: int | None = None) -> bytes:
    """A copy of ``zf`` with members replaced; stored (no compression) unless ``level`` is given."""
    out = io.BytesIO()
    compression = zipfile.ZIP_STORED if level is None else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", compression, compresslevel=level) as dst:
        for info in zf.infolist():
            data = replace.get(info.filename)
            dst.writestr(info.filename, zf.read(info) if data is None else data)
    return out.getvalue()


def save(wb, tails, fh, kept=()) -> None:
    """Write ``wb`` to ``fh``, with each tail's kept and new rows put back into its sheet.

    ``tails``: a Tail, None, or several Tails (one per sheet); ``kept``: kept.KeptRows of register
    sheets, whose rows not materialised are put back in order (``KeptRows.splice``).
    """
    tails = [tails] if isinstance(tails, Tail) else [t for t in (tails or ()) if t is not None]
    kept = list(kept)
    if not tails and not kept:
        wb.save(fh)
        return
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)  # as openpyxl's save does
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()  # what openpyxl's save_workbook does, without compressing twice
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    replace = {}
    for tail in tails:
        part = sheet_part(zf, tail.sheet)
        if part is None:
            raise RuntimeError(f"sheet {tail.sheet} vanished while saving")
        replace[part] = _put_back(utf8_refs(zf.read(part)), tail)
    for rows in kept:
        part = sheet_part(zf, rows.sheet)
        if part is None:
            raise RuntimeError(f"sheet {rows.sheet} vanished while saving")
        replace[part] = rows.splice(utf8_refs(zf.read(part)))
    fh.write(_rezip(zf, replace, level=COMPRESS_LEVEL))


def utf8_refs(xml: bytes) -> bytes:
    """``xml`` with its numeric character references to non-ASCII characters written as the UTF-8 characters.

    openpyxl (through lxml) writes every Chinese character as ``&#20250;``: a sheet three times the
    size, and slow to read. The characters themselves mean the same XML (the parts are UTF-8); a
    reference to anything XML cannot hold as a character is left as it is. Costs a scan once the
    file is converted.
    """
    return NUM_REF_RE.sub(_ref_char, xml) if b"&#" in xml else xml


def _ref_char(m: re.Match) -> bytes:
    n = int(m.group(1))
    if n < 0x80 or 0xD800 <= n <= 0xDFFF or n in (0xFFFE, 0xFFFF) or n > 0x10FFFF:
        return m.group(0)
    return chr(n).encode()


def _put_back(xml: bytes, tail: Tail) -> bytes:
    """The sheet openpyxl wrote (its header row only) with the tail's rows after the header."""
    written = list(ROW_RE.finditer(xml))
    if len(written) != 1 or ROW_NUM_RE.match(written[0].group(0)).group(1) != b"1":
        raise RuntimeError(f"openpyxl wrote rows other than the header into {tail.sheet}")
    head = written[0]
    last_col = max([tail.last_col, _dimension_cols(xml), *(max(rec, default=0) for rec in tail.new_records)])
    ref = f"A1:{get_column_letter(max(last_col, 1))}{tail.end_row}".encode()
    top = DIMENSION_RE.sub(b'<dimension ref="' + ref + b'"/>', xml[: head.end()], count=1)
    return b"".join([top, tail.rows, *tail.new_rows, xml[head.end() :]])  # one copy of a long journal


CELL_FAST_RE = re.compile(rb'<c r="([A-Z]+)\d+"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
ROW_SPLIT_RE = re.compile(rb"<row\b")
TEXT_RE = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
PHONETIC_RE = re.compile(rb"<rPh\b.*?</rPh>", re.S)
VALUE_RE = re.compile(rb"<v>(.*?)</v>", re.S)
TYPE_RE = re.compile(rb'\st="([^"]*)"')


def parse_rows(rows: bytes) -> list[dict[int, str]]:
    """Row XML → [{column index: display text}] (inline strings, numbers, booleans, cached formula results).

    Read by regular expressions: every cell of a tail starts ``<c r="`` (``split`` leaves other sheets
    to openpyxl; ``Tail.append`` writes them so).
    """
    if not rows.strip():
        return []
    letters: dict[bytes, int] = {}
    out = []
    for chunk in ROW_SPLIT_RE.split(rows)[1:]:
        rec: dict[int, str] = {}
        for m in CELL_FAST_RE.finditer(chunk):
            col = letters.get(m.group(1))
            if col is None:
                col = letters[m.group(1)] = column_index_from_string(m.group(1).decode())
            rec[col] = _cell_text(m.group(2), m.group(3) or b"")
        out.append(rec)
    return out


def _cell_text(attrs: bytes, inner: bytes) -> str:
    """One cell's display text from its attributes and content."""
    t = TYPE_RE.search(attrs)
    kind = t.group(1) if t else b"n"
    if kind == b"inlineStr":
        if b"<rPh" in inner:
            inner = PHONETIC_RE.sub(b"", inner)
        raw = b"".join(TEXT_RE.findall(inner))
    else:
        v = VALUE_RE.search(inner)
        raw = v.group(1) if v else b""
    text = raw.decode()
    if "&" in text:
        text = html.unescape(text)
    if kind == b"n" and text:
        num = float(text)
        text = str(int(num)) if num.is_integer() else text
    elif kind == b"b":
        text = "TRUE" if text == "1" else "FALSE"
    return text
