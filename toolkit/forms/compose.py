"""Whole documents merged into generated ones with docxcompose: an item's own text as a body.

A template marks where the body goes with a paragraph holding only its body tag; the generated
document gets ``MARKER`` there, and ``insert_body`` puts the item's own document in its place —
its tables, numbering, styles and images carried over (docxcompose), not pasted as text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn

from ..errors import TemplateError, UsageError
from .compat import Composer

MARKER = "\u2063〔正文〕\u2063"  # what the body tag holds until the document is merged in
TEXT_SUFFIXES = (".txt", ".md")
_MD_PREFIX = re.compile(r"^\s{0,3}(#{1,6}\s+|[-*+]\s+|>\s?)")


def text_paragraphs(path: Path) -> list[str]:
    """The paragraphs of a .txt or .md body: one per non-empty line, Markdown marks dropped."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"{path.name} 不是可识别的文本文件（UTF-8 或 GBK 编码）。", hint="请用记事本另存为 UTF-8 编码。")
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = _MD_PREFIX.sub("", line).replace("**", "").strip() if path.suffix.lower() == ".md" else line.strip()
        if line:
            out.append(line)
    return out


def check_body(path: Path) -> None:
    """UsageError naming the file when a .docx body cannot be opened (checked before a batch starts)."""
    try:
        Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged or foreign file
        raise UsageError(
            f"公开内容文件 {path.name} 无法作为 Word 文档打开（{type(exc).__name__}）。",
            hint="请在 Word 中打开并另存为 .docx，或改用同名 .txt 文本文件。",
        ) from exc


def insert_body(data: bytes, body: Path) -> bytes:
    """The generated document ``data`` with ``body`` merged in at the MARKER paragraph."""
    master = Document(io.BytesIO(data))
    children = list(master.element.body)
    index = next((i for i, el in enumerate(children) if el.tag.endswith("}p") and MARKER in "".join(el.itertext())), None)
    if index is None:
        raise TemplateError("模板中找不到正文所在的段落（{{ 正文 }} 须单独成段）。", hint="请在模板中让 {{ 正文 }} 独占一段。")
    composer = Composer(master)
    composer.insert(index, Document(str(body)))
    added = _inserted(master, children)
    inserted = list(master.element.body)[index : index + added]
    marker = list(master.element.body)[index + added]
    marker.getparent().remove(marker)
    for el in inserted:
        _free_line_height(el)
    out = io.BytesIO()
    master.save(out)
    return out.getvalue()


def _free_line_height(element) -> None:
    """Paragraphs holding pictures get automatic line height: the template's exact 28 pt would clip them."""
    paragraphs = [element] if element.tag == qn("w:p") else element.iter(qn("w:p"))
    for p in paragraphs:
        if next(p.iter(qn("w:drawing"), qn("w:pict")), None) is None:
            continue
        spacing = p.get_or_add_pPr().get_or_add_spacing()  # in schema order
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")


def _inserted(master, before: list) -> int:
    """How many body elements the insertion added."""
    return len(master.element.body) - len(before)


def concatenate_documents(paths: list[Path]) -> bytes:
    """One print file of finished documents, each starting on a new page (their own first page set-up)."""
    master = Document(str(paths[0]))
    composer = Composer(master)
    for path in paths[1:]:
        master.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        composer.append(Document(str(path)))
    out = io.BytesIO()
    master.save(out)
    return out.getvalue()
