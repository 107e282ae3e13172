"""Marks drawn onto PDF pages without re-rendering them: the 归档章 and binder page numbers.

The marks use only ASCII values (全宗号, 年度, 件号, 机构代码, 保管期限代码, 页数; page numbers), so
the standard Helvetica font serves and nothing needs embedding. Each mark is an extra content
stream appended to the page (the page's own content is wrapped in q … Q so its graphics state
cannot leak into the mark).
"""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

MM = 72 / 25.4
FONT = "/FDwHelv"
# Helvetica advance widths (1/1000 em) for the characters the marks use
_WIDTHS = {**dict.fromkeys("0123456789", 556), "-": 333, " ": 278, "—": 1000, "·": 278}
_WIDTHS.update({c: 667 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_WIDTHS.update({c: 556 for c in "abcdefghijklmnopqrstuvwxyz"})
STAMP_W, STAMP_H, STAMP_TOP = 45 * MM, 16 * MM, 8 * MM  # DA/T 22: 45 × 16 mm, top centre


def _text_width(text: str, size: float) -> float:
    """Width of ``text`` in Helvetica at ``size`` points."""
    return sum(_WIDTHS.get(c, 600) for c in text) * size / 1000


def _escape(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252) encoding."""
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _centred(text: str, cx: float, y: float, size: float) -> bytes:
    """Operators drawing ``text`` centred on ``cx`` with its baseline at ``y``."""
    x = cx - _text_width(text, size) / 2
    return b"BT %s %.2f Tf %.2f %.2f Td %s Tj ET\n" % (FONT.encode(), size, x, y, _escape(text))


def stamp_ops(page: PageObject, top: list[str], bottom: list[str]) -> bytes:
    """The 归档章: two rows of three cells (全宗号|年度|件号 / 机构|保管期限|页数), red, top centre."""
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    x0 = float(box.left) + (width - STAMP_W) / 2
    y1 = float(box.bottom) + height - STAMP_TOP
    y0 = y1 - STAMP_H
    cw, ch = STAMP_W / 3, STAMP_H / 2
    ops = [b"0.8 0 0 RG 0.8 0 0 rg 0.6 w\n", b"%.2f %.2f %.2f %.2f re S\n" % (x0, y0, STAMP_W, STAMP_H)]
    ops.append(b"%.2f %.2f m %.2f %.2f l S\n" % (x0, y0 + ch, x0 + STAMP_W, y0 + ch))
    for i in (1, 2):
        ops.append(b"%.2f %.2f m %.2f %.2f l S\n" % (x0 + i * cw, y0, x0 + i * cw, y1))
    for row, values in ((1, top), (0, bottom)):
        for i, value in enumerate(values):
            size = 9.0
            while _text_width(value, size) > cw - 2 and size > 5:
                size -= 0.5
            ops.append(_centred(value, x0 + (i + 0.5) * cw, y0 + row * ch + (ch - size * 0.7) / 2, size))
    return b"".join(ops)


def page_number_ops(page: PageObject, number: int) -> bytes:
    """'— n —' centred 10 mm above the bottom edge (GB/T 9704 style)."""
    box = page.mediabox
    cx = float(box.left) + float(box.width) / 2
    return b"0 0 0 rg\n" + _centred(f"— {number} —", cx, float(box.bottom) + 10 * MM, 10.5)


def add_mark(writer: PdfWriter, page: PageObject, ops: bytes) -> None:
    """Append a mark to a page already in ``writer`` (its own content isolated in q … Q)."""
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    if FONT not in fonts:
        fonts[NameObject(FONT)] = _helvetica(writer)
    resources[NameObject("/Font")] = fonts
    page[NameObject("/Resources")] = resources
    parts = []
    if "/Contents" in page:
        raw = page.raw_get("/Contents")  # keep indirect references: streams must stay indirect
        resolved = raw.get_object()
        parts = list(resolved) if isinstance(resolved, ArrayObject) else [raw]
    page[NameObject("/Contents")] = ArrayObject([_stream(writer, b"q\n"), *parts, _stream(writer, b"\nQ\n" + ops)])


def _stream(writer: PdfWriter, data: bytes):
    """An indirect content stream holding ``data``."""
    s = DecodedStreamObject()
    s.set_data(data)
    return writer._add_object(s)


def _helvetica(writer: PdfWriter):
    """One shared Helvetica font object per writer."""
    ref = getattr(writer, "_dangwu_helvetica", None)
    if ref is None:
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
        ref = writer._add_object(font)
        writer._dangwu_helvetica = ref
    return ref


def concat_pdfs(sources: list[Path], target: Path, *, title: str = "") -> int:
    """Copy every page of ``sources`` into one PDF at ``target`` (atomically); returns the page count.

    PDFium (pypdfium2, which pdfplumber already brings) copies pages object by object in C, so memory
    stays far below what pypdf's Python objects would take (~1.5 MB per 件); the title is then added by
    a small incremental update (add_title), not by reading the whole file again.
    """
    import pypdfium2 as pdfium

    tmp = target.with_name(f".{target.name}.tmp")
    out = pdfium.PdfDocument.new()
    try:
        for src in sources:
            part = pdfium.PdfDocument(str(src))
            try:
                out.import_pages(part)
            finally:
                part.close()
        pages = len(out)
        out.save(str(tmp), version=17)
    finally:
        out.close()
    try:
        if title:
            add_title(tmp, title)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return pages


_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)


def add_title(path: Path, title: str) -> bool:
    """Append an incremental update giving the PDF an Info /Title (and keeping its /Root and /ID).

    Works on files with a classic cross-reference table (what PDFium writes); returns False and
    leaves the file alone otherwise.
    """
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(max(0, end - 4096))
        tail = fh.read()
    m = _TRAILER.search(tail)
    if not m:
        return False
    trailer, prev = m.group(1), int(m.group(2))
    size = re.search(rb"/Size\s+(\d+)", trailer)
    root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer)
    if not size or not root:
        return False
    ident = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
    n = int(size.group(1))
    text = "<FEFF" + title.encode("utf-16-be").hex().upper() + ">"
    obj = f"{n} 0 obj\n<< /Title {text} /Producer (dangwu) >>\nendobj\n".encode()
    prefix = b"" if tail.endswith(b"\n") else b"\n"
    obj_at = end + len(prefix)
    xref_at = obj_at + len(obj)
    update = (
        prefix
        + obj
        + f"xref\n{n} 1\n{obj_at:010d} 00000 n \ntrailer\n<< /Size {n + 1} /Root ".encode()
        + root.group(1)
        + f" /Info {n} 0 R /Prev {prev} ".encode()
        + (b"/ID " + ident.group(1) + b" " if ident else b"")
        + f">>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    )
    with open(path, "ab") as fh:
        fh.write(update)
    return True
