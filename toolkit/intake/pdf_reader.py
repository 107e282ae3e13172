"""Read a returned PDF (exported from Word, WPS or LibreOffice): identity and label/value table cells.

Text PDFs keep the form's table as ruled lines: we rebuild the grid from the line objects, put
each character into its cell, and read the cell right of each known label — the same label
cells the .docx reader uses. Lines wrapped inside a cell are joined; a line that ends well before
the cell's right edge ends a paragraph. pypdfium2 (PDFium, already used by pdfplumber) does the
parsing: fast enough for batches. Fillable PDFs are read from their AcroForm fields.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import FormRejected
from .returned import ReturnedForm, label_key

THIN = 2.0  # pt: a path this thin is a ruled line
SNAP = 1.5  # pt: coordinates this close are the same line


@dataclass
class _Cell:
    left: float
    right: float
    bottom: float
    top: float
    chars: list  # (x0, y0, x1, y1, ch)


def read_pdf(path: Path, labels: set[str]) -> ReturnedForm:
    """Extract identities and label/value pairs; FormRejected for scanned, encrypted or broken PDFs."""
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise FormRejected(
                "PDF 文件设置了打开密码（已加密），无法读取。", hint="请去掉密码后重新导出 PDF，或直接提交填写好的 Word 文件。"
            ) from None
        raise FormRejected("PDF 文件已损坏或不完整，无法打开。", hint="请重新导出 PDF（或直接提交填写好的 Word 文件）。") from None
    try:
        form = ReturnedForm(path=Path(path), fmt="pdf")
        texts = []
        for i in range(len(pdf)):
            page = pdf[i]
            text, fields = _read_page(page, labels)
            texts.append(text)
            for k, v in fields.items():
                form.fields.setdefault(k, v)
            page.close()
        visible = "".join("".join(texts).split())
        if not visible:
            raise FormRejected(
                "该 PDF 是扫描件（页面是图片，没有文字层），无法自动读取。",
                hint="请提交在 Word/WPS 中填写后直接导出（另存为）的 PDF，或填写好的 Word 文件；纸质签字件可另行报送。",
            )
        if pdf.get_formtype() != pdfium_c.FORMTYPE_NONE:
            form.fields.update(_acroform_fields(path, labels))
        meta = pdf.get_metadata_dict()
    finally:
        pdf.close()
    form.add_identity_source("PDF属性", meta.get("Keywords", "") + " " + meta.get("Subject", ""))
    form.add_identity_source("正文", visible)
    return form


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
    horizontals, verticals = _rules(page)
    cells = _cells_of(chars, horizontals, verticals)
    return text, _label_values(cells, labels)


def _rules(page) -> tuple[list, list]:
    """Thin path objects as horizontal (y, x0, x1) and vertical (x, y0, y1) lines."""
    hs, vs = [], []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= THIN and w > 4 * THIN:
            hs.append(((bottom + top) / 2, left, right))
        elif w <= THIN and h > 4 * THIN:
            vs.append(((left + right) / 2, bottom, top))
    return hs, vs


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
    rng = range(i - 1, -1, -1) if below else range(i, len(lines))
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


def _acroform_fields(path: Path, labels: set[str]) -> dict[str, str]:
    """Answers typed into a fillable PDF's fields, by field name or tooltip matching a label."""
    from pypdf import PdfReader

    try:
        fields = PdfReader(str(path)).get_fields() or {}
    except Exception:  # a damaged form dictionary: fall back to the page text
        return {}
    out = {}
    for name, field in fields.items():
        for candidate in (field.get("/TU"), name, str(name).rsplit(".", 1)[-1]):
            key = label_key(str(candidate or ""))
            if key in labels:
                value = field.get("/V")
                if value not in (None, ""):
                    out[key] = str(value).lstrip("/")
                break
    return out
