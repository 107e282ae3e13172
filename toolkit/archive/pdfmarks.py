"""Marks drawn onto PDF pages without re-rendering them: the 归档章 and binder page numbers.

The marks use only ASCII values (全宗号, 年度, 件号, 机构代码, 保管期限代码, 页数; page numbers "— n —").
They are drawn in DejaVu Sans, embedded as a small TrueType subset (the few dozen glyphs the marks
can use, built here once per run), so every viewer and printer shows the same letters. Each mark is
an extra content stream appended to the page (the page's own content is wrapped in q … Q so its
graphics state cannot leak into the mark).
"""

from __future__ import annotations

import functools
import os
import re
import struct
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
)

from ..errors import ConversionError

MM = 72 / 25.4
FONT = "/FDwSans"
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
)
# what the marks may contain: WinAnsi codes (— is 0x97, · is 0xB7)
CHARSET = " -_" + "0123456789" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ" + "abcdefghijklmnopqrstuvwxyz" + "—·"
FIRST_CHAR, LAST_CHAR = 32, 0xB7
STAMP_W, STAMP_H, STAMP_TOP = 45 * MM, 16 * MM, 8 * MM  # DA/T 22: 45 × 16 mm, top centre


def _text_width(text: str, size: float) -> float:
    """Width of ``text`` in the embedded font at ``size`` points."""
    widths = embedded_font().widths
    return sum(widths.get(c, 600) for c in text) * size / 1000


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
        fonts[NameObject(FONT)] = _font_ref(writer)
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


def _font_ref(writer: PdfWriter):
    """One shared embedded font (dictionary, descriptor, font file) per writer."""
    ref = getattr(writer, "_dangwu_font", None)
    if ref is not None:
        return ref
    font = embedded_font()
    data = DecodedStreamObject()
    data.set_data(font.data)
    data = data.flate_encode()
    data[NameObject("/Length1")] = NumberObject(len(font.data))
    name = NameObject(f"/{font.tag}+{font.name}")
    scale = 1000 / font.units
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): name,
            NameObject("/Flags"): NumberObject(32),  # non-symbolic: codes are WinAnsi
            NameObject("/FontBBox"): ArrayObject(NumberObject(round(v * scale)) for v in font.bbox),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(round(font.ascent * scale)),
            NameObject("/Descent"): NumberObject(round(font.descent * scale)),
            NameObject("/CapHeight"): NumberObject(round(font.cap_height * scale)),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(data),
        }
    )
    cp = {c.encode("cp1252")[0]: c for c in CHARSET}
    widths = [FloatObject(font.widths.get(cp.get(code, ""), 0)) for code in range(FIRST_CHAR, LAST_CHAR + 1)]
    ref = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): name,
                NameObject("/FirstChar"): NumberObject(FIRST_CHAR),
                NameObject("/LastChar"): NumberObject(LAST_CHAR),
                NameObject("/Widths"): ArrayObject(widths),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
            }
        )
    )
    writer._dangwu_font = ref
    return ref


class SubsetFont:
    """A TrueType subset: the font file and the metrics a PDF font dictionary needs."""

    def __init__(self, data: bytes, name: str, units: int, widths: dict[str, float], bbox, ascent, descent, cap_height):
        self.data, self.name, self.units, self.widths = data, name, units, widths
        self.bbox, self.ascent, self.descent, self.cap_height = bbox, ascent, descent, cap_height
        self.tag = "DWMARK"


@functools.cache
def embedded_font() -> SubsetFont:
    """DejaVu Sans cut down to CHARSET (built once per process; the same bytes every time)."""
    for candidate in FONT_FILES:
        path = Path(candidate)
        if path.is_file():
            return subset_truetype(path.read_bytes(), CHARSET, "DejaVuSans")
    raise ConversionError(
        f"找不到归档章和页码所用的 DejaVu Sans 字体（{FONT_FILES[0]}），未生成归档文件。",
        hint="请安装字体：sudo apt-get install fonts-dejavu-core，然后重新运行。",
    )


def _tables(font: bytes) -> dict[bytes, bytes]:
    """The tables of a TrueType font by tag."""
    (count,) = struct.unpack(">H", font[4:6])
    out = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * i : 28 + 16 * i])
        out[tag] = font[offset : offset + length]
    return out


def _cmap_lookup(cmap: bytes, chars: str) -> dict[str, int]:
    """Glyph ids of ``chars`` from the font's Windows Unicode (3,1) format 4 subtable."""
    (count,) = struct.unpack(">H", cmap[2:4])
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * i : 12 + 8 * i])
        if (platform, encoding) == (3, 1) and struct.unpack(">H", cmap[offset : offset + 2])[0] == 4:
            break
    else:
        raise ValueError("no (3,1) format 4 cmap")
    sub = cmap[offset:]
    seg2 = struct.unpack(">H", sub[6:8])[0]
    ends = struct.unpack(f">{seg2 // 2}H", sub[14 : 14 + seg2])
    starts = struct.unpack(f">{seg2 // 2}H", sub[16 + seg2 : 16 + 2 * seg2])
    deltas = struct.unpack(f">{seg2 // 2}h", sub[16 + 2 * seg2 : 16 + 3 * seg2])
    ranges_at = 16 + 3 * seg2
    ranges = struct.unpack(f">{seg2 // 2}H", sub[ranges_at : ranges_at + seg2])
    out = {}
    for ch in chars:
        code = ord(ch)
        for k, end in enumerate(ends):
            if code <= end:
                if code < starts[k]:
                    break
                if ranges[k] == 0:
                    gid = (code + deltas[k]) & 0xFFFF
                else:
                    at = ranges_at + 2 * k + ranges[k] + 2 * (code - starts[k])
                    gid = struct.unpack(">H", sub[at : at + 2])[0]
                    gid = (gid + deltas[k]) & 0xFFFF if gid else 0
                if gid:
                    out[ch] = gid
                break
    return out


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


def subset_truetype(font: bytes, chars: str, name: str) -> SubsetFont:
    """A TrueType font holding only the glyphs of ``chars`` (and .notdef), hinting removed.

    Glyphs are renumbered 0…n (composite glyphs keep their components, renumbered), the tables a PDF
    reader needs are rebuilt (head, hhea, maxp, loca, glyf, hmtx, cmap, post; OS/2 copied).
    """
    t = _tables(font)
    head, hhea, maxp = bytearray(t[b"head"]), bytearray(t[b"hhea"]), bytearray(t[b"maxp"])
    units = struct.unpack(">H", head[18:20])[0]
    long_loca = struct.unpack(">h", head[50:52])[0] == 1
    n_glyphs = struct.unpack(">H", maxp[4:6])[0]
    n_metrics = struct.unpack(">H", hhea[34:36])[0]
    fmt = ">%dI" if long_loca else ">%dH"
    loca = struct.unpack(fmt % (n_glyphs + 1), t[b"loca"][: (n_glyphs + 1) * (4 if long_loca else 2)])
    if not long_loca:
        loca = [v * 2 for v in loca]
    glyf = t[b"glyf"]

    def glyph(gid: int) -> bytes:
        return glyf[loca[gid] : loca[gid + 1]]

    def components(data: bytes):
        """(offset of glyph index, glyph index) of each component; end offset of the components."""
        out, at = [], 10
        while True:
            flags, gid = struct.unpack(">HH", data[at : at + 4])
            out.append((at + 2, gid))
            at += 4 + (4 if flags & 1 else 2)
            at += 2 if flags & 0x8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0
            if not flags & 0x20:
                return out, at, flags

    cmap = _cmap_lookup(t[b"cmap"], chars)
    keep, todo = {0}, list(cmap.values())
    while todo:
        gid = todo.pop()
        if gid in keep or gid >= n_glyphs:
            continue
        keep.add(gid)
        data = glyph(gid)
        if len(data) >= 10 and struct.unpack(">h", data[:2])[0] < 0:
            todo += [g for _, g in components(data)[0]]
    order = sorted(g for g in keep if g < n_glyphs)
    new_id = {old: new for new, old in enumerate(order)}
    glyphs, offsets, hmtx = [], [0], b""
    metrics = t[b"hmtx"]
    for old in order:
        data = bytearray(glyph(old))
        if len(data) >= 10:
            contours = struct.unpack(">h", data[:2])[0]
            if contours >= 0:  # simple glyph: drop its instructions
                at = 10 + 2 * contours
                length = struct.unpack(">H", data[at : at + 2])[0]
                data = data[:at] + b"\0\0" + data[at + 2 + length :]
            else:
                comps, end, last = components(bytes(data))
                for at, gid in comps:
                    data[at : at + 2] = struct.pack(">H", new_id[gid])
                if last & 0x100:  # WE_HAVE_INSTRUCTIONS on the last component
                    flag_at = comps[-1][0] - 2
                    data[flag_at : flag_at + 2] = struct.pack(">H", last & ~0x100)
                    data = data[:end]
        data += b"\0" * (-len(data) % 4)
        glyphs.append(bytes(data))
        offsets.append(offsets[-1] + len(data))
        if old < n_metrics:
            advance, lsb = struct.unpack(">Hh", metrics[4 * old : 4 * old + 4])
        else:
            advance = struct.unpack(">H", metrics[4 * (n_metrics - 1) : 4 * n_metrics - 2])[0]
            at = 4 * n_metrics + 2 * (old - n_metrics)
            (lsb,) = struct.unpack(">h", metrics[at : at + 2])
        hmtx += struct.pack(">Hh", advance, lsb)
    count = len(order)
    struct.pack_into(">h", head, 50, 1)  # long loca
    struct.pack_into(">I", head, 8, 0)
    struct.pack_into(">H", hhea, 34, count)
    struct.pack_into(">H", maxp, 4, count)
    mapped = sorted((ord(c), new_id[g]) for c, g in cmap.items())
    segs = [*mapped, (0xFFFF, None)]
    seg_count = len(segs)
    search = 2 ** (seg_count.bit_length() - 1) * 2
    sub = struct.pack(">HHHHHHH", 4, 0, 0, seg_count * 2, search, search.bit_length() - 2, seg_count * 2 - search)
    sub += struct.pack(f">{seg_count}H", *(c for c, _ in segs)) + b"\0\0"
    sub += struct.pack(f">{seg_count}H", *(c for c, _ in segs))
    sub += struct.pack(f">{seg_count}H", *(((g - c) & 0xFFFF) if g is not None else 1 for c, g in segs))
    sub += struct.pack(f">{seg_count}H", *([0] * seg_count))
    sub = sub[:2] + struct.pack(">H", len(sub)) + sub[4:]
    cmap_table = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + sub
    post = struct.pack(">I", 0x00030000) + t[b"post"][4:32]
    tables = {
        b"OS/2": t[b"OS/2"],
        b"cmap": cmap_table,
        b"glyf": b"".join(glyphs),
        b"head": bytes(head),
        b"hhea": bytes(hhea),
        b"hmtx": hmtx,
        b"loca": struct.pack(f">{count + 1}I", *offsets),
        b"maxp": bytes(maxp),
        b"post": post,
    }
    tags = sorted(tables)
    n = len(tags)
    search = 2 ** (n.bit_length() - 1)
    out = struct.pack(">IHHHH", 0x00010000, n, search * 16, search.bit_length() - 1, n * 16 - search * 16)
    offset = 12 + 16 * n
    body = b""
    for tag in tags:
        data = tables[tag]
        out += struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    result = bytearray(out + body)
    head_at = offset + sum(len(tables[tag]) + (-len(tables[tag]) % 4) for tag in tags[: tags.index(b"head")])
    struct.pack_into(">I", result, head_at + 8, (0xB1B0AFBA - _checksum(bytes(result))) & 0xFFFFFFFF)
    os2 = t[b"OS/2"]
    cap = struct.unpack(">h", os2[88:90])[0] if len(os2) >= 90 else round(units * 0.73)
    bbox = struct.unpack(">hhhh", head[36:44])
    ascent, descent = struct.unpack(">hh", hhea[4:8])
    widths = {c: struct.unpack(">H", hmtx[4 * new_id[g] : 4 * new_id[g] + 2])[0] * 1000 / units for c, g in cmap.items()}
    return SubsetFont(bytes(result), name, units, widths, bbox, ascent, descent, cap)


def concat_pdfs(sources: list[Path], target: Path) -> int:
    """Copy every page of ``sources`` into one PDF at ``target`` (atomically); returns the page count.

    PDFium (pypdfium2, which pdfplumber already brings) copies pages object by object in C, so memory
    stays far below what pypdf's Python objects would take (~1.5 MB per 件); bookmarks and the title
    come afterwards by one small incremental update (add_outline), not by reading the whole file again.
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
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return pages


_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref\s*(\d+)\s*%%EOF\s*$", re.S)


def _last_trailer(path: Path) -> tuple[int, bytes, re.Match | None]:
    """The file's size, its last 4 KB and the classic trailer found there (None for xref streams)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(max(0, end - 4096))
        tail = fh.read()
    return end, tail, _TRAILER.search(tail)


def add_outline(path: Path, outline: list, *, title: str = "") -> None:
    """Give a PDF bookmarks, a title and /PageMode /UseOutlines by one incremental update.

    ``outline`` holds (text, page index, children) with children as (text, page index). The pages
    are not rewritten: the update appends the outline objects, a new catalogue and the Info
    dictionary (pypdf reads only the page tree to find the pages' object numbers). Files without a
    classic cross-reference table (PDFium writes one) go through pypdf's incremental writer.
    """
    from io import BytesIO

    from pypdf import PdfReader

    end, tail, m = _last_trailer(path)
    size = re.search(rb"/Size\s+(\d+)", m.group(1)) if m else None
    root = re.search(rb"/Root\s+(\d+)\s+(\d+)\s+R", m.group(1)) if m else None
    if not (m and size and root):
        _add_outline_pypdf(path, outline, title)
        return
    reader = PdfReader(str(path))
    pages = [page.indirect_reference for page in reader.pages]
    catalog = DictionaryObject(reader.trailer["/Root"])
    n, objects = int(size.group(1)), {}
    outlines_no, info_no = n, n + 1
    numbers = iter(range(n + 2, n + 2 + len(outline) + sum(len(c) for _, _, c in outline)))

    def text(value: str) -> bytes:
        return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"

    def items(entries, parent: int) -> list[int]:
        nums = [next(numbers) for _ in entries]
        for i, (entry, num) in enumerate(zip(entries, nums)):
            label, index, children = (*entry, [])[:3]
            ref = pages[index]
            body = b"/Title " + text(label) + b" /Parent %d 0 R /Dest [%d %d R /Fit]" % (parent, ref.idnum, ref.generation)
            if i > 0:
                body += b" /Prev %d 0 R" % nums[i - 1]
            if i + 1 < len(nums):
                body += b" /Next %d 0 R" % nums[i + 1]
            kids = items(children, num) if children else []
            if kids:
                body += b" /First %d 0 R /Last %d 0 R /Count %d" % (kids[0], kids[-1], len(kids))
            objects[num] = b"<< " + body + b" >>"
        return nums

    top = items(outline, outlines_no)
    count = len(top) + sum(len(c) for _, _, c in outline)
    objects[outlines_no] = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (top[0], top[-1], count)
    objects[info_no] = b"<< /Title " + text(title) + b" /Producer (dangwu) >>"
    catalog[NameObject("/Outlines")] = IndirectObject(outlines_no, 0, reader)
    catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
    buf = BytesIO()
    catalog.write_to_stream(buf)
    root_no, root_gen = int(root.group(1)), int(root.group(2))
    objects_at, out = {}, bytearray(b"" if tail.endswith(b"\n") else b"\n")
    for num in [root_no, *sorted(objects)]:
        objects_at[num] = end + len(out)
        body = buf.getvalue() if num == root_no else objects[num]
        out += b"%d %d obj\n" % (num, root_gen if num == root_no else 0) + body + b"\nendobj\n"
    xref_at = end + len(out)
    out += b"xref\n%d 1\n%010d %05d n \n%d %d\n" % (root_no, objects_at[root_no], root_gen, n, len(objects))
    out += b"".join(b"%010d 00000 n \n" % objects_at[num] for num in sorted(objects))
    ident = re.search(rb"/ID\s*(\[[^\]]*\])", m.group(1))
    out += b"trailer\n<< /Size %d /Root %d %d R /Info %d 0 R /Prev %d " % (n + len(objects), root_no, root_gen, info_no, int(m.group(2)))
    out += (b"/ID " + ident.group(1) + b" " if ident else b"") + b">>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    with open(path, "ab") as fh:
        fh.write(out)
        fh.flush()
        os.fsync(fh.fileno())


def _add_outline_pypdf(path: Path, outline: list, title: str) -> None:
    """add_outline through pypdf's incremental writer (slower; for files with a cross-reference stream)."""
    writer = PdfWriter(str(path), incremental=True)
    for text, index, children in outline:
        parent = writer.add_outline_item(title=text, page_number=index)
        for child_text, child_index in children:
            writer.add_outline_item(title=child_text, page_number=child_index, parent=parent)
    writer.page_mode = "/UseOutlines"
    if title:
        writer.add_metadata({"/Title": title})
    tmp = path.with_name(f".{path.name}.outline")
    try:
        with open(tmp, "wb") as fh:
            writer.write(fh)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
