"""Read a returned .docx: its identities (custom property, core keywords, visible text) and label cells."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from ..errors import FormRejected
from ..forms.identity import PROPERTY
from .returned import ReturnedForm, label_key

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_TAGS = re.compile(rb"<[^>]+>")
# Wingdings / Wingdings 2 symbols Word inserts for check boxes
_SYMBOLS = {"F0FE": "☑", "F0FD": "☒", "F0A8": "□", "F06F": "□", "F052": "☑", "F054": "☒", "F0A3": "□", "F0FC": "√", "F050": "√"}


def read_docx(path: Path, labels: set[str]) -> ReturnedForm:
    """Extract identities and label/value pairs; FormRejected when it is not a readable .docx."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                raise FormRejected("文件不是 Word 文档（缺少正文部分）。", hint="请用 Word/WPS 打开下发的通知单填写后另存为 .docx。")
            body = zf.read("word/document.xml")
            extra = [zf.read(n) for n in sorted(names) if re.match(r"word/(header|footer)\d*\.xml$", n)]
            custom = zf.read("docProps/custom.xml") if "docProps/custom.xml" in names else b""
            core = zf.read("docProps/core.xml") if "docProps/core.xml" in names else b""
    except zipfile.BadZipFile:
        raise FormRejected("文件已损坏或不是 .docx 文件（无法作为 zip 打开）。", hint="请重新保存为 Word .docx 格式后提交。") from None
    except (OSError, RuntimeError, NotImplementedError) as exc:  # encrypted members, odd compression
        raise FormRejected(f"文件无法读取（{exc}）。", hint="请去掉文件密码，另存为 .docx 后提交。") from None
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        raise FormRejected("文件正文已损坏，无法解析。", hint="请在 Word 中打开确认无误后另存为 .docx 再提交。") from None
    form = ReturnedForm(path=Path(path), fmt="docx")
    form.fields = read_label_cells(root, labels)
    visible = b"\n".join(_TAGS.sub(b"", part) for part in [body, *extra]).decode("utf-8", "replace")
    form.add_identity_source("文档属性", _custom_property(custom))
    form.add_identity_source("关键词", _core_keywords(core))
    form.add_identity_source("正文", visible)
    return form


def read_label_cells(root, labels: set[str]) -> dict[str, str]:
    """Table cells holding a known label → text of the cell to their right (first occurrence wins)."""
    fields: dict[str, str] = {}
    for tr in root.iter(W + "tr"):
        cells = [c for c in tr.iter(W + "tc") if _parent_row(c) is tr]
        i = 0
        while i < len(cells) - 1:
            key = label_key("".join(cells[i].itertext(W + "t")))  # labels are plain text: no need for cell_text
            if key in labels:
                fields.setdefault(key, cell_text(cells[i + 1]))
                i += 2
            else:
                i += 1
    return fields


def _parent_row(tc):
    """The w:tr a cell belongs to (skipping content-control wrappers)."""
    p = tc.getparent()
    while p is not None and p.tag != W + "tr":
        p = p.getparent()
    return p


def cell_text(tc) -> str:
    """Text of a cell: paragraphs joined by newlines, breaks and tabs kept, deleted text left out."""
    paras = []
    for p in tc.iter(W + "p"):
        if _parent_cell(p) is not tc:
            continue  # nested table
        buf = []
        for el in p.iter(W + "t", W + "br", W + "cr", W + "tab", W + "sym"):
            tag = el.tag
            if tag == W + "t":
                buf.append(el.text or "")
            elif tag == W + "tab":
                buf.append("\t")
            elif tag == W + "sym":
                code = (el.get(W + "char") or "").upper()
                buf.append(_SYMBOLS.get(code if code.startswith("F") else "F0" + code[-2:], ""))
            else:
                buf.append("\n")
        paras.append("".join(buf))
    while paras and not paras[-1].strip():
        paras.pop()
    return "\n".join(paras).strip()


def _parent_cell(p):
    """The nearest w:tc around a paragraph."""
    e = p.getparent()
    while e is not None and e.tag != W + "tc":
        e = e.getparent()
    return e


def _custom_property(xml: bytes) -> str:
    """The dangwu identity custom property, or ''."""
    if not xml:
        return ""
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        return ""
    for prop in root:
        if prop.get("name") == PROPERTY:
            return "".join(prop.itertext())
    return ""


def _core_keywords(xml: bytes) -> str:
    """The keywords of the core properties, or ''."""
    m = re.search(rb"<cp:keywords>(.*?)</cp:keywords>", xml or b"", re.S)
    return m.group(1).decode("utf-8", "replace") if m else ""
