"""Read a returned PDF (exported from Word, WPS or LibreOffice): identity and label/value table cells.

Text PDFs keep the form's table as ruled lines: we rebuild the grid from the line objects, put
each character into its cell, and read the cell right of each known label — the same label
cells the .docx reader uses. Lines wrapped inside a cell are joined; a line that ends well before
the cell's right edge ends a paragraph. pypdfium2 (PDFium, already used by pdfplumber) does the
parsing: fast enough for batches. Fillable PDFs are read from their AcroForm fields.
"""

from __future__ import annotations

import bisect
import ctypes
import logging
import mmap
import os
import re
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import FormRejected
from .returned import ReturnedForm, label_key
from .safezip import DEFAULT_MAX_PART, MB, SETTING_HINT

for _name in ("pypdf", "pypdfium2"):  # their English warnings never reach the terminal (--verbose logging shows them)
    logging.getLogger(_name).addHandler(logging.NullHandler())
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b|/Type\s*/(?:EmbeddedFile|Metadata)\b")  # never parsed to read text
_FONT = re.compile(rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b")
_FILTER = re.compile(rb"/Filter\s*(/\w+|\[[^\]]*\])")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_OBJ = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_CONTENTS = re.compile(rb"/Contents\s*(?:(\d+)\s+\d+\s+R|\[([^\]]{0,4096})\])")  # bounded: linear on crafted input
_REF = re.compile(rb"(\d+)\s+\d+\s+R")
HEAD = 2048  # bytes before a stream keyword searched for its dictionary
_XREF = re.compile(rb"/Type\s*/XRef\b")
_LITERALS = re.compile(rb"\((?:[^()\\]|\\.)*\)")
_HEX_STRINGS = re.compile(rb"<[0-9A-Fa-f\s]*>")
TEXT_MAX = 150_000  # bytes in a PDF's text strings (~30 MB of PDFium text page at most); a one-page form has ~1,000
_ABBREVIATIONS = {"Fl": "FlateDecode", "LZW": "LZWDecode", "RL": "RunLengthDecode"}

THIN = 2.0  # pt: a path this thin is a ruled line
SNAP = 1.5  # pt: coordinates this close are the same line
MAX_RULES = 2000  # distinct ruled lines on a page: a form table has ~100
MAX_SCAN = 64  # lines looked through for the one bounding a character's cell
MAX_OBJECTS = 20_000  # objects on a page whose lines are looked at (a one-page form has ~500)


@dataclass
class _Cell:
    left: float
    right: float
    bottom: float
    top: float
    chars: list  # (x0, y0, x1, y1, ch)


def read_pdf(path: Path, labels: set[str], max_part: int = DEFAULT_MAX_PART) -> ReturnedForm:
    """Extract identities and label/value pairs; FormRejected for scanned, encrypted, broken or oversized PDFs."""
    check_streams(path, max_part)
    pdf = _open(path)
    try:
        form = ReturnedForm(path=Path(path), fmt="pdf")
        texts = []
        for i in range(len(pdf)):
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                raise _damaged(f"第 {i + 1} 页无法载入") from None
            try:
                text, fields = _read_page(page, labels)
                texts.append(text)
                texts += _annotation_texts(page)
            finally:
                page.close()
            for k, v in fields.items():
                form.fields.setdefault(k, v)
        fillable = pdf.get_formtype() != pdfium_c.FORMTYPE_NONE
        if fillable:
            answers, values = _acroform_fields(path, labels)
            form.fields.update(answers)
            texts += values
        visible = "".join("".join(texts).split())
        if not visible:
            raise FormRejected(
                "该 PDF 是扫描件（页面是图片，没有文字层），无法自动读取。",
                hint="请提交在 Word/WPS 中填写后直接导出（另存为）的 PDF，或填写好的 Word 文件；纸质签字件可另行报送。",
            )
        meta = pdf.get_metadata_dict()
    except pdfium.PdfiumError as exc:
        raise _damaged(str(exc)) from None
    finally:
        pdf.close()
    form.add_identity_source("PDF属性", meta.get("Keywords", "") + " " + meta.get("Subject", ""))
    form.add_identity_source("正文", visible)
    return form


def _open(path: Path) -> pdfium.PdfDocument:
    """Open with PDFium, reading its error code only when this very call failed (it is stale otherwise)."""
    raw = pdfium_c.FPDF_LoadDocument((str(path) + "\x00").encode("utf-8", "surrogateescape"), None)
    if not raw:
        if pdfium_c.FPDF_GetLastError() == pdfium_c.FPDF_ERR_PASSWORD:
            raise FormRejected(
                "PDF 文件设置了打开密码（已加密），无法读取。", hint="请去掉密码后重新导出 PDF，或直接提交填写好的 Word 文件。"
            )
        raise _damaged("无法打开")
    pdf = pdfium.PdfDocument(raw)
    if len(pdf) < 1:
        pdf.close()
        raise _damaged("找不到任何页面")
    return pdf


def _damaged(detail: str) -> FormRejected:
    return FormRejected(f"PDF 文件已损坏或不完整（{detail}），无法读取。", hint="请重新导出 PDF（或直接提交填写好的 Word 文件）。")


def check_streams(path: Path, max_part: int) -> None:
    """Decode-count every stream PDFium may parse, in chunks, and refuse one past the cap.

    Flate, LZW and RunLength data are measured without being kept (an object stream's content is
    kept, up to the cap, to find the page contents it names). Images, attached files and XMP
    metadata are not decoded when reading text, so they are not bounded (evidence photos stay
    accepted) unless a page names one as its content; font programs get four times the cap (a
    whole CJK font is ~20 MB).
    """
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            contents = _content_refs(mm)
            images = []
            text = 0
            for m in _STREAM.finditer(mm):
                at = m.start()
                if mm[at - 3 : at] == b"end":
                    continue  # "endstream"
                head = mm[max(0, at - HEAD) : at]
                head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
                if _IMAGE.search(head):
                    images.append((_object_number(mm, at), m.end(), head))
                    continue
                kept, strings = _check_stream(mm, m.end(), head, max_part)
                if kept is not None:
                    contents |= _content_refs(kept)
                text += strings
            for number, start, head in images:
                if number in contents:
                    text += _check_stream(mm, start, head, max_part, as_content=True)[1]
    if text > TEXT_MAX:
        raise FormRejected(
            f"PDF 中的文字量异常（约 {text // 10000} 万个字符，超过 {TEXT_MAX // 10000} 万），不像交回的表单，未读取。",
            hint="请只提交填写好的通知单（Word 文件或由它导出的 PDF），附件材料另行报送。",
        )


def _check_stream(mm, start: int, head: bytes, max_part: int, as_content: bool = False) -> tuple[bytes | None, int]:
    """FormRejected when one stream decodes past its cap; (an object stream's decoded bytes, bytes of text strings).

    Text strings are counted in what may be page content: PDFium's text page costs ~200 bytes a
    character, so the document's text is bounded too (TEXT_MAX).
    """
    font = not as_content and bool(_FONT.search(head))
    cap = max_part * 4 if font else max_part
    filters = _filters(head)
    if not filters and _is_zlib(mm, start):
        filters = ["FlateDecode"]  # the dictionary names its filter indirectly
    keep = _OBJSTM.search(head) is not None
    counter = None if font or keep or _XREF.search(head) else _StringCounter()
    data = None  # the previous stage's output, when a later stage needs it
    for i, name in enumerate(_ABBREVIATIONS.get(n, n) for n in filters):
        src, pos = (mm, start) if data is None else (data, 0)
        more = i + 1 < len(filters)
        if name == "FlateDecode":
            size, data = _inflate(src, pos, cap, keep=keep or more, counter=None if more else counter)
        elif name in ("LZWDecode", "RunLengthDecode"):
            size = (_lzw_size if name == "LZWDecode" else _runlength_size)(src[pos : _stream_end(src, pos)], cap)
            if counter is not None:
                counter.bytes += size  # not decoded here: count it all as text
            data = None
        else:
            break  # ASCIIHex/ASCII85 only shrink; DCT, JPX, CCITT, JBIG2 are image codecs
        if size > cap:
            kind = "字体" if font else "内容"
            raise FormRejected(
                f"PDF 中有一段{kind}数据解压后超过 {cap / MB:g} MB 上限（位于文件第 {start} 字节），"
                "不像正常导出的表单，未读取（可能是恶意构造的压缩炸弹）。",
                hint=f"请在 Word/WPS 中填写后重新导出 PDF，或直接提交填写好的 Word 文件。{SETTING_HINT}",
            )
        if data is None:
            break  # what an LZW or RunLength stage makes is not decoded further here
    else:
        if counter is not None and not filters:
            counter.feed(mm[start : min(_stream_end(mm, start), start + cap)])
    return (data if keep else None), (counter.bytes if counter is not None else 0)


class _StringCounter:
    """Bytes inside text strings of content-stream data fed in pieces (a string cut between pieces is counted in part)."""

    def __init__(self):
        self.bytes = 0
        self.cmap = None

    def feed(self, piece: bytes) -> None:
        if self.cmap is None:
            self.cmap = b"begincmap" in piece[:4096]  # a ToUnicode CMap, not page content
        if not self.cmap:
            rest = _LITERALS.sub(b"", piece)
            self.bytes += len(piece) - len(rest) + (len(rest) - len(_HEX_STRINGS.sub(b"", rest))) // 2


def _inflate(src, start: int, cap: int, keep: bool, counter: _StringCounter | None = None) -> tuple[int, bytes | None]:
    """(bytes a zlib stream at ``start`` inflates to, counting no further than just past ``cap``; the bytes if kept)."""
    d = zlib.decompressobj()
    total, pos, out = 0, start, []
    try:
        while not d.eof and total <= cap:
            data = d.unconsumed_tail or src[pos : pos + 65536]
            if not d.unconsumed_tail:
                if not data:
                    break
                pos += len(data)
            piece = d.decompress(data, 1 << 20)
            total += len(piece)
            if keep:
                out.append(piece)
            if counter is not None:
                counter.feed(piece)
    except zlib.error:
        pass  # a broken stream: PDFium decides; what inflated so far was counted
    return total, (b"".join(out) if keep else None)


def _lzw_size(src, cap: int) -> int:
    """Bytes PDF LZW data (EarlyChange 1) decodes to, counted from code lengths only, stopping past ``cap``."""
    lengths = [1] * 256 + [0, 0]  # 256 clear-table, 257 end-of-data
    total, prev, width, buf, nbits = 0, None, 9, 0, 0
    for byte in src:
        buf = (buf << 8) | byte
        nbits += 8
        while nbits >= width:
            nbits -= width
            code = buf >> nbits
            buf &= (1 << nbits) - 1
            if code == 256:
                del lengths[258:]
                prev, width = None, 9
                continue
            if code == 257:
                return total
            if code < len(lengths):
                n = lengths[code]
            elif code == len(lengths) and prev is not None:
                n = prev + 1
            else:
                return total  # invalid code: decoders stop here
            total += n
            if total > cap:
                return total
            if prev is not None and len(lengths) < 4096:
                lengths.append(prev + 1)
                if len(lengths) + 1 >= 1 << width and width < 12:
                    width += 1
            prev = n
    return total


def _runlength_size(src, cap: int) -> int:
    """Bytes RunLength data decodes to, stopping past ``cap``."""
    i, total, n = 0, 0, len(src)
    while i < n and total <= cap:
        b = src[i]
        if b == 128:
            break
        if b < 128:
            total += b + 1
            i += b + 2
        else:
            total += 257 - b
            i += 2
    return total


def _filters(head: bytes) -> list[str]:
    """Filter names of a stream dictionary, in the order they apply."""
    m = _FILTER.search(head)
    if not m:
        return []
    return [n.decode("latin-1") for n in re.findall(rb"/(\w+)", m.group(1))]


def _is_zlib(mm, start: int) -> bool:
    cmf, flg = mm[start : start + 2] if start + 2 <= len(mm) else (0, 0)
    return cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0


def _stream_end(src, start: int) -> int:
    """Where a stream's data ends at the latest (its endstream keyword, or the end of the data)."""
    end = src.find(b"endstream", start)
    return len(src) if end < 0 else end


def _object_number(mm, at: int) -> int:
    """The number of the object whose stream keyword is at ``at``."""
    found = _OBJ.findall(mm[max(0, at - HEAD) : at])
    return int(found[-1]) if found else -1


def _content_refs(data) -> set[int]:
    """Object numbers pages name as their /Contents."""
    refs = set()
    for m in _CONTENTS.finditer(data):
        if m.group(1):
            refs.add(int(m.group(1)))
        else:
            refs.update(int(n) for n in _REF.findall(m.group(2)))
    return refs


def _annotation_texts(page) -> list[str]:
    """Text held by a page's annotations (contents, form-field values): a page is no scan when they hold text."""
    out = []
    for i in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            for key in (b"Contents\x00", b"V\x00"):
                n = pdfium_c.FPDFAnnot_GetStringValue(annot, key, None, 0)
                if n > 2:
                    buf = ctypes.create_string_buffer(n)
                    pdfium_c.FPDFAnnot_GetStringValue(annot, key, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), n)
                    out.append(buf.raw[: n - 2].decode("utf-16-le", "ignore"))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return out


def _read_page(page, labels: set[str]) -> tuple[str, dict[str, str]]:
    """(all text of the page, label → value) for one page."""
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        text = textpage.get_text_range(0, n) if n else ""
        chars = []
        for i, ch in enumerate(text[:n]):
            if ch in "\r\n":
                continue
            x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)  # left, bottom, right, top (line height)
            if x1 - x0 <= 0 and ch == " ":
                continue  # a space PDFium generated, not one in the document
            chars.append((x0, y0, x1, y1, ch))
    finally:
        textpage.close()
    if not chars:
        return "", {}
    if pdfium_c.FPDFPage_CountObjects(page.raw) > MAX_OBJECTS:
        return text, {}  # a drawing, not a form table: its text still counts
    horizontals, verticals = _rules(page)
    cells = _cells_of(chars, horizontals, verticals)
    return text, _label_values(cells, labels)


def _rules(page) -> tuple[list, list]:
    """Thin path objects as horizontal (y, x0, x1) and vertical (x, y0, y1) lines (repeats dropped).

    A page with more distinct lines than any form table has (MAX_RULES) is read as text only.
    """
    hs, vs = set(), set()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= THIN and w > 4 * THIN:
            hs.add((round((bottom + top) / 2, 1), round(left, 1), round(right, 1)))
        elif w <= THIN and h > 4 * THIN:
            vs.add((round((left + right) / 2, 1), round(bottom, 1), round(top, 1)))
        if len(hs) + len(vs) > MAX_RULES:
            return [], []
    return list(hs), list(vs)


def _cells_of(chars, horizontals, verticals) -> list[_Cell]:
    """Group characters by the rectangle of ruled lines around their centre."""
    cells: dict[tuple, _Cell] = {}
    hs = sorted(horizontals)
    vs = sorted(verticals)
    hys = [h[0] for h in hs]
    vxs = [v[0] for v in vs]
    last = None
    for x0, y0, x1, y1, ch in chars:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if last is not None and last.left < cx < last.right and last.bottom < cy < last.top:
            last.chars.append((x0, y0, x1, y1, ch))  # most characters share their neighbour's cell
            continue
        left = _nearest(vs, vxs, cx, cy, below=True)
        right = _nearest(vs, vxs, cx, cy, below=False)
        bottom = _nearest(hs, hys, cy, cx, below=True)
        top = _nearest(hs, hys, cy, cx, below=False)
        if None in (left, right, bottom, top):
            key = ("free", round(cy))  # text outside any table: one cell per line
            cells.setdefault(key, _Cell(x0, x1, y0, y1, [])).chars.append((x0, y0, x1, y1, ch))
            last = None
            continue
        key = (round(left), round(right), round(bottom), round(top))
        last = cells.setdefault(key, _Cell(left, right, bottom, top, []))
        last.chars.append((x0, y0, x1, y1, ch))
    return list(cells.values())


def _nearest(lines, keys, pos, across, below: bool):
    """The closest line below (or above) ``pos`` whose extent covers ``across``."""
    i = bisect.bisect_left(keys, pos)
    rng = range(i - 1, max(i - 1 - MAX_SCAN, -1), -1) if below else range(i, min(i + MAX_SCAN, len(lines)))
    for j in rng:
        at, lo, hi = lines[j]
        if lo - SNAP <= across <= hi + SNAP:
            return at
    return None


def _cell_text(cell: _Cell) -> str:
    """A cell's text: lines top to bottom; wrapped lines joined, short lines end a paragraph."""
    rows: list[list] = []
    # group by the loose box's bottom (the line's descent): steadier than the centre, which
    # moves for glyphs such as "-" whose loose box PDFium reports with a lower top
    for c in sorted(cell.chars, key=lambda c: (-c[1], c[0])):
        if rows and abs(rows[-1][0] - c[1]) <= max(2.0, (c[3] - c[1]) * 0.4):
            rows[-1][1].append(c)
        else:
            rows.append([c[1], [c]])
    out = ""
    for i, (_, line) in enumerate(rows):
        line.sort(key=lambda c: c[0])
        text = "".join(c[4] for c in line).rstrip()
        if i:
            prev = rows[i - 1][1]
            width = max(c[2] - c[0] for c in prev) or 10
            wrapped = cell.right - prev[-1][2] < 2.5 * width  # the line ran to the cell's edge
            out += "" if wrapped else "\n"
        out += text
    return out.strip()


def _label_values(cells: list[_Cell], labels: set[str]) -> dict[str, str]:
    """Label cell → the text of the cell to its right (empty when that cell holds nothing)."""
    texts = [(c, _cell_text(c)) for c in cells]
    out: dict[str, str] = {}
    for cell, text in texts:
        key = label_key(text)
        if key not in labels or key in out:
            continue
        mid = (cell.bottom + cell.top) / 2
        value = ""
        for other, other_text in texts:
            if other is not cell and abs(other.left - cell.right) <= SNAP and other.bottom - SNAP <= mid <= other.top + SNAP:
                value = other_text
                break
        out[key] = value
    return out


def _acroform_fields(path: Path, labels: set[str]) -> tuple[dict[str, str], list[str]]:
    """Answers typed into a fillable PDF's fields, by field name or tooltip matching a label; and every field's value."""
    from pypdf import PdfReader

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fields = PdfReader(str(path)).get_fields() or {}
    except Exception:  # a damaged form dictionary: fall back to the page text
        return {}, []
    out = {}
    values = [str(f["/V"]) for f in fields.values() if f.get("/FT") == "/Tx" and f.get("/V")]  # text typed into text fields
    for name, field in fields.items():
        for candidate in (field.get("/TU"), name, str(name).rsplit(".", 1)[-1]):
            key = label_key(str(candidate or ""))
            if key in labels:
                value = field.get("/V")
                if value not in (None, ""):
                    out[key] = str(value).lstrip("/")
                break
    return out, values
