"""One print file from many documents of the same template: each a section starting on a new page.

Every document keeps its own footer (the identity line differs per document), its own page
numbering (restarting at 1) and its page layout; no blank pages are added between documents.
"""

from __future__ import annotations

import copy

from lxml import etree

from .template import CompiledTemplate

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = f"{{{W_NS}}}"
DOC, RELS, TYPES = "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
PART_TYPES = {
    "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
    "header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
}


def merged_parts(template: CompiledTemplate, contexts: list[dict], marks: list[str] | None = None) -> dict[str, bytes]:
    """The parts of one document holding every context's rendering, one section each.

    ``marks``: a bookmark name per context, set at the start of its document (invisible; a PDF
    export keeps it as a named destination, which tells where each document's pages begin).
    """
    rels = etree.fromstring(template.raw_parts[RELS])
    targets = {r.get("Id"): r.get("Target") for r in rels}
    types = etree.fromstring(template.raw_parts[TYPES])
    out: dict[str, bytes] = {}
    merged_root = None
    merged_body = None
    last_sect = None
    for i, context in enumerate(contexts):
        rendered = template.render_parts(context)
        root = etree.fromstring(rendered.get(DOC, template.raw_parts[DOC]))
        body = root.find(W + "body")
        children = list(body)
        sect = children[-1] if children and children[-1].tag == W + "sectPr" else etree.Element(W + "sectPr")
        content = [c for c in children if c is not sect]
        if marks is not None:
            _bookmark(content, marks[i], i)
        _restart_numbering(sect)
        for ref in sect:
            if ref.tag not in (W + "headerReference", W + "footerReference"):
                continue
            rid = ref.get(f"{{{R_NS}}}id")
            target = targets.get(rid)
            if target is None:
                continue
            part = f"word/{target}"
            data = rendered.get(part, template.raw_parts.get(part, b""))
            if i == 0:
                out[part] = data
                continue
            stem, dot, ext = target.rpartition(".")
            new_target = f"{stem}_d{i}.{ext}"
            new_rid = f"rIdDw{i}x{rid}"
            ref.set(f"{{{R_NS}}}id", new_rid)
            rel = etree.SubElement(rels, f"{{{PKG_NS}}}Relationship")
            rel.set("Id", new_rid)
            rel.set("Type", next(r.get("Type") for r in rels if r.get("Id") == rid))
            rel.set("Target", new_target)
            kind = "header" if ref.tag == W + "headerReference" else "footer"
            override = etree.SubElement(types, f"{{{CT_NS}}}Override")
            override.set("PartName", f"/word/{new_target}")
            override.set("ContentType", PART_TYPES[kind])
            out[f"word/{new_target}"] = data
        if merged_root is None:
            merged_root, merged_body = root, body
            for c in children:
                body.remove(c)
        elif last_sect is not None:
            _end_section(merged_body, last_sect)
        for c in content:
            merged_body.append(c)
        last_sect = sect
    if merged_root is None:
        raise ValueError("nothing to merge")
    merged_body.append(last_sect)
    out[DOC] = etree.tostring(merged_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out[RELS] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    out[TYPES] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def _bookmark(content: list, name: str, n: int) -> None:
    """An empty bookmark ``name`` at the start of the document's first paragraph."""
    first = next((c for c in content if c.tag == W + "p"), None)
    if first is None:
        return
    start = etree.Element(W + "bookmarkStart")
    start.set(W + "id", str(900000 + n))
    start.set(W + "name", name)
    end = etree.Element(W + "bookmarkEnd")
    end.set(W + "id", str(900000 + n))
    ppr = first.find(W + "pPr")
    at = 1 if ppr is not None else 0
    first.insert(at, end)
    first.insert(at, start)


def _restart_numbering(sect) -> None:
    """Page numbers of each document start at 1."""
    pg = sect.find(W + "pgNumType")
    if pg is None:
        pg = etree.Element(W + "pgNumType")
        # schema order: pgNumType comes after pgMar/paperSrc/pgBorders/lnNumType
        anchor = None
        for tag in ("lnNumType", "pgBorders", "paperSrc", "pgMar", "pgSz"):
            anchor = sect.find(W + tag)
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addnext(pg)
        else:
            sect.insert(0, pg)
    pg.set(W + "start", "1")


def _end_section(body, sect) -> None:
    """Close the document just appended with its section properties (new page after it)."""
    last = body[-1] if len(body) else None
    if last is None or last.tag != W + "p":
        last = etree.SubElement(body, W + "p")
    ppr = last.find(W + "pPr")
    if ppr is None:
        ppr = etree.Element(W + "pPr")
        last.insert(0, ppr)
    old = ppr.find(W + "sectPr")
    if old is not None:
        ppr.remove(old)
    ppr.append(copy.deepcopy(sect))
