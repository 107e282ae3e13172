"""Compile a .docx template once (sandboxed Jinja), then write documents by copying unchanged parts.

A template is data a clerk edits in Word: it is rendered in Jinja's sandbox, checked for unknown
fields and syntax errors before any batch starts, and its unchanged zip members are copied
pre-compressed into every document written.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..errors import TemplateError
from .compat import DocxTemplate
from .ziputil import Member, write_zip

RENDERED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
CORE = "docProps/core.xml"
CUSTOM = "docProps/custom.xml"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'

CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator>"
    "<cp:keywords>{keywords}</cp:keywords><dc:description>{description}</dc:description>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
    "</cp:coreProperties>"
)
CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
)
CUSTOM_PROP = (
    '<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property>'
)


def docx_text(value) -> Markup:
    """A context value made safe for WordprocessingML: escaped, newlines as line breaks (Markup: already safe)."""
    if isinstance(value, Markup):
        return value
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Markup(_BREAK.join(escape(line) for line in text.split("\n")))


def docx_paragraphs(paragraphs) -> Markup:
    """Several paragraphs for one tag: each becomes its own paragraph with the tag's formatting."""
    return Markup("\a".join(str(docx_text(p)) for p in paragraphs))


def _environment() -> ImmutableSandboxedEnvironment:
    """The sandbox templates render in: no attribute access to internals, no mutation."""
    return ImmutableSandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


class CompiledTemplate:
    """A .docx template parsed and compiled once; ``write`` makes one document from a context."""

    def __init__(self, path: Path, known_fields: set[str]):
        self.path = Path(path)
        self.fields: set[str] = set()
        self._static: list[Member] = []
        self.raw_parts: dict[str, bytes] = {}
        self._templates: list[tuple[str, jinja2.Template]] = []
        self._text = ""
        self._load(known_fields)

    def _load(self, known_fields: set[str]) -> None:
        """Read the zip, compile the parts holding tags, pre-compress the rest."""
        name = self.path.name
        if not self.path.exists():
            raise TemplateError(f"找不到模板 {self.path}。", hint="请从工具自带的 templates/ 复制一份到工作区的 templates/ 下。")
        try:
            zf = zipfile.ZipFile(self.path)
            infos = zf.infolist()
            parts = {i.filename: zf.read(i) for i in infos}
        except (zlib.error, EOFError) as exc:  # a damaged deflate stream inside the zip
            raise TemplateError(
                f"模板 {name} 已损坏（压缩数据有误），无法读取。",
                hint="请用工具自带 templates/ 中的同名模板替换它，或在 Word 中打开修复后另存为 .docx。",
            ) from exc
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            raise TemplateError(f"模板 {name} 不是有效的 Word .docx 文件（{exc}）。", hint="请在 Word 中打开并另存为 .docx。") from exc
        if "word/document.xml" not in parts:
            raise TemplateError(f"模板 {name} 缺少正文 word/document.xml，不是 Word 文档。")
        env = _environment()
        patcher = DocxTemplate.__new__(DocxTemplate)
        texts = []
        for info in infos:
            fname = info.filename
            if fname in (CORE, CUSTOM):
                continue
            raw = parts[fname]
            if fname == "[Content_Types].xml":
                raw = _ensure_custom_content_type(raw)
            elif fname == "_rels/.rels":
                raw = _ensure_custom_rel(raw)
            self.raw_parts[fname] = raw
            if RENDERED_PARTS.match(fname) and (b"{{" in raw or b"{%" in raw):
                src = patcher.patch_xml(raw.decode("utf-8"))
                texts.append(re.sub(r"<[^>]+>", "", src))
                try:
                    ast = env.parse(src)
                    template = env.from_string(ast)
                except jinja2.TemplateSyntaxError as exc:
                    line = _near_error(env, src)
                    raise TemplateError(
                        f"模板 {name} 的 {fname} 中标签写法有误：{exc.message}（附近文字：“{line}”）。",
                        hint="请在 Word 中改正，标签形如 {{ 督办事项 }}，花括号须成对。",
                    ) from exc
                self.fields |= meta.find_undeclared_variables(ast)
                self._templates.append((fname, template))
                self._static.append(Member(fname.encode(), b"", 0, 0, -1))  # placeholder keeps order
            else:
                self._static.append(Member.deflate(fname, raw))
        unknown = sorted(self.fields - known_fields)
        if unknown:
            raise TemplateError(
                f"模板 {name} 使用了未知字段：{'、'.join(unknown)}。",
                hint=f"可用字段：{'、'.join(sorted(known_fields))}。请在 Word 中改正标签名。",
            )
        self._text = "\n".join(texts)

    @property
    def text(self) -> str:
        """The template's visible text (tags included), for checking labels are present."""
        return self._text

    def render_parts(self, context: dict) -> dict[str, bytes]:
        """Render the tagged parts for ``context`` (values already made safe with docx_text)."""
        out = {}
        for fname, template in self._templates:
            try:
                xml = template.render(context)
            except jinja2.TemplateError as exc:
                raise TemplateError(f"模板 {self.path.name} 渲染失败：{exc}", hint="请检查模板中的标签。") from exc
            if "\a" in xml:  # paragraph breaks asked for by docx_paragraphs: docxtpl's listing rules
                xml = DocxTemplate.resolve_listing(None, xml)
            out[fname] = xml.encode("utf-8")
        return out

    def write(self, fh, context: dict, core: dict, custom: dict) -> None:
        """Write one .docx to ``fh``: rendered parts, given properties, the rest copied as is."""
        self.write_parts(fh, self.render_parts(context), core, custom)

    def to_bytes(self, rendered: dict[str, bytes], core: dict, custom: dict) -> bytes:
        """The whole .docx as bytes (for writing elsewhere, e.g. by a thread)."""
        buf = io.BytesIO()
        self.write_parts(buf, rendered, core, custom)
        return buf.getvalue()

    def write_parts(self, fh, rendered: dict[str, bytes], core: dict, custom: dict) -> None:
        """Write a .docx from rendered (or replaced, or added) parts; other parts are copied as they are."""
        members = []
        for m in self._static:
            name = m.name.decode()
            if name in rendered:
                members.append(Member.deflate(name, rendered[name], level=1))
            else:
                members.append(m)
        known = {m.name.decode() for m in self._static}
        members += [Member.deflate(n, data, level=1) for n, data in rendered.items() if n not in known]
        members.append(Member.stored(CORE, core_xml(**core).encode("utf-8")))
        members.append(Member.stored(CUSTOM, custom_xml(custom).encode("utf-8")))
        write_zip(fh, members)


def _near_error(env, src: str) -> str:
    """The visible text of the paragraph where Jinja reports a syntax error."""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", src).splitlines()
    try:
        env.parse("\n".join(lines))
    except jinja2.TemplateSyntaxError as exc:
        return re.sub(r"<[^>]+>", "", lines[max(exc.lineno - 1, 0)])[:60]
    return ""


def core_xml(title="", subject="", creator="", keywords="", description="", created="2026-01-01T00:00:00Z") -> str:
    """docProps/core.xml with the given properties."""
    e = escape
    return CORE_XML.format(
        title=e(title), subject=e(subject), creator=e(creator), keywords=e(keywords), description=e(description), created=created
    )


def custom_xml(props: dict[str, str]) -> str:
    """docProps/custom.xml with string properties."""
    body = "".join(CUSTOM_PROP.format(pid=i, name=escape(k), value=escape(str(v))) for i, (k, v) in enumerate(props.items(), start=2))
    return CUSTOM_XML.format(props=body)


def _ensure_custom_content_type(raw: bytes) -> bytes:
    """[Content_Types].xml with an Override for docProps/custom.xml."""
    if b"/docProps/custom.xml" in raw:
        return raw
    override = f'<Override PartName="/{CUSTOM}" ContentType="{CUSTOM_CT}"/>'.encode()
    return raw.replace(b"</Types>", override + b"</Types>")


def _ensure_custom_rel(raw: bytes) -> bytes:
    """_rels/.rels with a relationship to docProps/custom.xml."""
    if b"docProps/custom.xml" in raw:
        return raw
    rel = f'<Relationship Id="rIdDangwuCustom" Type="{CUSTOM_REL}" Target="{CUSTOM}"/>'.encode()
    return raw.replace(b"</Relationships>", rel + b"</Relationships>")
