"""Read a returned .docx: its identities (custom property, core keywords, visible text) and label cells."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from ..errors import FormRejected
from ..forms.identity import PROPERTY
from .returned import ReturnedForm, label_key
from .safezip import DEFAULT_MAX_PART, Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_TAGS = re.compile(rb"<[^>]+>")
TR, TC, P, T, TAB, SYM = (W + n for n in ("tr", "tc", "p", "t", "tab", "sym"))
_WALK = (TR, TC, P, T, W + "br", W + "cr", TAB, SYM)
CUSTOM, CORE = "docProps/custom.xml", "docProps/core.xml"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# Wingdings / Wingdings 2 symbols Word inserts for check boxes
_SYMBOLS = {"F0FE": "☑", "F0FD": "☒", "F0A8": "□", "F06F": "□", "F052": "☑", "F054": "☒", "F0A3": "□", "F0FC": "√", "F050": "√"}


def read_docx(path: Path, labels: set[str], max_part: int = DEFAULT_MAX_PART, data: bytes | None = None) -> ReturnedForm:
    """Extract identities and label/value pairs; FormRejected when it is not a readable .docx.

    The main part is found as Word finds it (the package's officeDocument relationship), its
    headers and footers through its own relationships; every part read is bounded by ``max_part``.
    ``data``: the file's bytes when the caller has read them already (the file is then not opened).
    """
    if data is None:
        refuse_ole(path)
    elif data.startswith(OLE_MAGIC):
        refuse_ole(path)
    with Package(path, max_part, data) as pkg:
        main = pkg.main_part()
        body = pkg.read_xml(main)
        related = pkg.relationships(main)
        extra_names = sorted({p for t, p in related if t.endswith(("/header", "/footer"))})
        if not related:  # no relationships part: the usual names
            extra_names = sorted(n for n in pkg.names if re.match(r"word/(header|footer)\d*\.xml$", n))
        extra = [pkg.read_xml(n) for n in extra_names]
        custom = pkg.read_xml(CUSTOM) if CUSTOM in pkg.names else b""
        core = pkg.read_xml(CORE) if CORE in pkg.names else b""
        pkg.check_xml_parts(already={main, *extra_names, CUSTOM, CORE})
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError:
        raise FormRejected(f"文件正文（{main}）已损坏，无法解析。", hint="请在 Word 中打开确认无误后另存为 .docx 再提交。") from None
    if root.tag != W + "document":
        raise FormRejected("文件不是 Word 文档（主体部分不是 Word 正文）。", hint="请用 Word/WPS 打开下发的通知单填写后另存为 .docx。")
    form = ReturnedForm(path=Path(path), fmt="docx")
    form.fields = read_label_cells(root, labels)
    text = etree.tostring(root, method="text", encoding="unicode")  # the body's text, as Word shows it (no tags)
    visible = "\n".join([text, *(_TAGS.sub(b"", part).decode("utf-8", "replace") for part in extra)])
    form.add_identity_source("文档属性", _custom_property(custom))
    form.add_identity_source("关键词", _core_keywords(core))
    form.add_identity_source("正文", visible)
    return form


def refuse_ole(path: Path) -> None:
    """An OLE compound file is no .docx: a password-protected one (EncryptedPackage) or a Word 97-2003 .doc."""
    with open(path, "rb") as fh:
        if fh.read(8) != OLE_MAGIC:
            return
    refuse_ole_encrypted(path)
    raise FormRejected(
        "文件是旧版 Word 97-2003 格式（.doc）或其他 Office 旧格式，无法读取。",
        hint="请在 Word/WPS 中打开下发的通知单，填写后“另存为”Word 文档（.docx）再提交。",
    )


def refuse_ole_encrypted(path: Path) -> None:
    """FormRejected when an OLE compound file holds an encrypted Office package (a file with an open password)."""
    with open(path, "rb") as fh:
        tail = b""
        while chunk := fh.read(1 << 20):  # stream names sit in the directory sectors, anywhere in the file
            if _ENCRYPTED in tail + chunk:
                raise FormRejected(
                    "文件设置了打开密码（已加密），无法读取。",
                    hint="请在 Word/WPS 中打开后取消密码（文件→信息→保护文档→用密码进行加密，清空密码），另存为 .docx 后提交。",
                )
            tail = chunk[-len(_ENCRYPTED) :]


def read_label_cells(root, labels: set[str]) -> dict[str, str]:
    """Table cells holding a known label → text of the cell to their right (first occurrence wins).

    One walk over the tree (rows, cells, paragraphs and text pieces, each met once), so a crafted
    document of deeply nested tables costs what its size does.
    """
    fields: dict[str, str] = {}
    for cells in _table_rows(root):
        i = 0
        while i < len(cells) - 1:
            key = label_key("".join("".join(p) for p in cells[i]))
            if key in labels:
                fields.setdefault(key, _joined(cells[i + 1]))
                i += 2
            else:
                i += 1
    return fields


def _table_rows(root) -> list[list[list[list[str]]]]:
    """Every table row in document order: its own cells, each a list of its own paragraphs' text pieces.

    A nested table's cells belong to the nested row and its paragraphs to the nested cell; content
    controls and other wrappers around rows, cells and runs are looked through.
    """
    rows: list = []
    row_stack: list = []
    cell_stack: list = []
    para_stack: list = []
    for event, el in etree.iterwalk(root, events=("start", "end"), tag=_WALK):
        tag = el.tag
        if event == "end":
            if tag == TR:
                row_stack.pop()
            elif tag == TC:
                cell_stack.pop()
            elif tag == P:
                para_stack.pop()
            continue
        if tag == TR:
            row_stack.append([])
            rows.append(row_stack[-1])
        elif tag == TC:
            cell_stack.append([])
            if row_stack:
                row_stack[-1].append(cell_stack[-1])
        elif tag == P:
            para_stack.append([])
            if cell_stack:
                cell_stack[-1].append(para_stack[-1])
        elif para_stack:
            para_stack[-1].append(_piece(el, tag))
    return rows


def _piece(el, tag: str) -> str:
    """The text one run element contributes: text, tab, line break or a Wingdings check-box symbol."""
    if tag == T:
        return el.text or ""
    if tag == TAB:
        return "" if el.getparent().tag == W + "tabs" else "\t"  # tab stops in paragraph properties are no text
    if tag == SYM:
        code = (el.get(W + "char") or "").upper()
        return _SYMBOLS.get(code if code.startswith("F") else "F0" + code[-2:], "")
    return "\n"


def _joined(paragraphs: list[list[str]]) -> str:
    """A cell's text: paragraphs joined by newlines, trailing empty ones dropped, stripped."""
    paras = ["".join(p) for p in paragraphs]
    while paras and not paras[-1].strip():
        paras.pop()
    return "\n".join(paras).strip()


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
    """The keywords of the core properties, or '' (found by plain search: linear whatever the part holds)."""
    start = (xml or b"").find(b"<cp:keywords>")
    end = xml.find(b"</cp:keywords>", start) if start >= 0 else -1
    return xml[start + len(b"<cp:keywords>") : end].decode("utf-8", "replace") if end >= 0 else ""
