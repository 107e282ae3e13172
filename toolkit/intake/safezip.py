"""Bounded, validated reading of an OOXML package (.docx) as Word and WPS write it.

Every part the reader parses is inflated in chunks and refused once it passes the cap from
``[intake] max_part_mb``; the package as a whole is never bounded (pasted evidence photos are
large and are never inflated). Packages no Office program writes are refused as altered files:
part names that climb out of the package, duplicate names, compression other than deflate, zip
encryption, and a DTD in any XML part.
"""

from __future__ import annotations

import io
import mmap
import posixpath
import re
import struct
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from ..errors import FormRejected

MB = 1 << 20
DEFAULT_MAX_PART = 3 * MB  # ~35 MB of parse per MB of the densest XML or PDF content: peak stays well under 300 MB
CHUNK = 1 << 20
PROLOG_MAX = 64 << 10  # bytes of XML declaration and comments before the root element
PROBE = 512  # bytes first inflated of a part checked for a DTD: Office's declaration and root tag fit
OFFICE_DOCUMENT = ("/relationships/officeDocument",)
_ELEMENT = re.compile(rb"<[A-Za-z_]")
CONTENT_TYPES = "[Content_Types].xml"
_CONTENT_TYPE = re.compile(rb"<(?:\w+:)?(Default|Override)\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
# Forms made from one template share most parts byte for byte (styles, theme, settings, relationships):
# a part whose compressed bytes equal those of a part already checked (or inflated and verified, or
# parsed) in this process is not checked again. Only small parts are remembered, and only so many.
MEMO_COMPRESSED = 16 << 10  # bytes: parts up to this compressed size are remembered by those bytes
MEMO_INFLATED = 64 << 10  # bytes: inflated content kept only up to this size
MEMO_ENTRIES = 256  # per memo; it starts afresh when full
_CLEAN: dict[tuple, None] = {}  # (compression, compressed bytes) of parts found without a DTD
_INFLATED: dict[tuple, bytes] = {}  # (compression, compressed bytes, size, CRC) -> verified content
_PARSED: dict[tuple, list] = {}  # (XML bytes, tags) -> _elements' result


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= MEMO_ENTRIES:
        memo.clear()
    memo[key] = value


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
SETTING_HINT = "若确属正常填写的大文件，可在工作区 dangwu.toml 的 [intake] 段调大 max_part_mb。"


def damaged(detail: str) -> FormRejected:
    """The file's compressed data or structure is broken."""
    return FormRejected(
        f"文件已损坏（{detail}），无法读取。",
        hint="请在 Word/WPS 中打开确认内容无误后重新另存为 .docx 再提交；若已打不开，请在下发的通知单原文件上重新填写。",
    )


def altered(detail: str) -> FormRejected:
    """The package holds something no Office program writes."""
    return FormRejected(
        f"文件结构异常（{detail}），不是 Word/WPS 保存的文件，可能被改动过，未读取。",
        hint="请在下发的通知单原文件上填写，用 Word/WPS 保存为 .docx 后提交。",
    )


class Package:
    """A .docx opened for reading: names checked on opening, parts inflated from a memory map with a cap."""

    def __init__(self, path: Path, max_part: int = DEFAULT_MAX_PART, data: bytes | None = None):
        """``data``: the file's bytes when the caller has already read them (a small file), else it is mapped."""
        self.path = Path(path)
        self.max_part = max_part
        self.budget = 2 * max_part  # all parts parsed together (headers and footers beside the body)
        self.fh = None
        try:
            if data is None:
                self.fh = open(self.path, "rb")
                self.zf = zipfile.ZipFile(self.fh)
                self.mm = mmap.mmap(self.fh.fileno(), 0, access=mmap.ACCESS_READ)
            else:
                self.zf = zipfile.ZipFile(io.BytesIO(data))
                self.mm = data
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
            if self.fh is not None:
                self.fh.close()
            raise FormRejected("文件已损坏或不是 .docx 文件（无法作为 zip 打开）。", hint="请重新保存为 Word .docx 格式后提交。") from None
        try:
            self.infos = {}
            for info in self.zf.infolist():
                self._check_member(info)
                self.infos[info.filename] = info
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.fh is not None:
            self.mm.close()
            self.fh.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def names(self) -> set[str]:
        """Every part name in the package."""
        return set(self.infos)

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        """Refuse member names and encodings Word never writes."""
        name = info.filename
        segments = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in segments or (segments and ":" in segments[0]):
            raise altered(f"部件名“{name}”指向压缩包以外的位置")
        if name in self.infos:
            raise altered(f"部件名“{name}”重复出现")
        if info.flag_bits & 0x1:
            raise FormRejected("文件中的部件经过 zip 加密，无法读取。", hint="请去掉加密，用 Word/WPS 另存为 .docx 后提交。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise altered(f"部件“{name}”使用了 Word 不用的压缩方式")

    def _span(self, info: zipfile.ZipInfo) -> tuple[int, int] | str:
        """(start, end) of a member's compressed data after its local header, or what is wrong with it."""
        off = info.header_offset
        if self.mm[off : off + 4] != b"PK\x03\x04":
            return "部分的位置有误"
        name_len, extra_len = struct.unpack_from("<HH", self.mm, off + 26)
        start = off + 30 + name_len + extra_len
        end = start + info.compress_size
        return (start, end) if end <= len(self.mm) else "部分不完整"

    def _inflate(self, info: zipfile.ZipInfo, limit: int) -> tuple[bytes, bool]:
        """Up to ``limit`` bytes of a member's content, and whether its data ended there."""
        span = self._span(info)
        if isinstance(span, str):
            raise damaged(f"{info.filename} {span}")
        start, end = span
        if info.compress_type == zipfile.ZIP_STORED:
            return self.mm[start : min(end, start + limit)], end - start <= limit
        d = zlib.decompressobj(-15)
        out, total, pos = [], 0, start
        step = min(CHUNK, max(limit, 4096))  # a short probe inflates from a short slice (more follow if needed)
        try:
            while total < limit and not d.eof:
                if d.unconsumed_tail:
                    chunk = d.unconsumed_tail
                elif pos < end:
                    chunk = self.mm[pos : min(pos + step, end)]
                    pos += len(chunk)
                else:
                    break
                piece = d.decompress(chunk, limit - total)
                out.append(piece)
                total += len(piece)
        except zlib.error:
            raise damaged(f"{info.filename} 部分的压缩数据有误") from None
        return b"".join(out), d.eof

    def _memo_key(self, info: zipfile.ZipInfo) -> tuple | None:
        """(compression, compressed bytes) of a small member whose local header is sound; else None."""
        span = None if info.compress_size > MEMO_COMPRESSED else self._span(info)
        if not isinstance(span, tuple):
            return None
        start, end = span
        return info.compress_type, bytes(self.mm[start:end])

    def _probe(self, info: zipfile.ZipInfo) -> bytes | None:
        """Up to PROBE bytes of a member's beginning in one inflate call; None when that needs the full path."""
        span = self._span(info)
        if isinstance(span, str):
            return None
        start, end = span
        if info.compress_type == zipfile.ZIP_STORED:
            return self.mm[start : min(end, start + PROBE)]
        try:
            head = zlib.decompressobj(-15).decompress(self.mm[start : min(end, start + 2 * PROBE)], PROBE)
        except zlib.error:
            return None
        return head if len(head) == PROBE or end - start <= 2 * PROBE else None

    def read(self, name: str) -> bytes:
        """A part's bytes, inflated in chunks; FormRejected past the cap or when its data is broken."""
        info = self.infos[name]
        if info.file_size > self.max_part:
            raise self._too_big(name)
        key = self._memo_key(info)
        key = key and (*key, info.file_size, info.CRC)
        data = _INFLATED.get(key) if key else None
        if data is None:
            data, ended = self._inflate(info, self.max_part + 1)
            if len(data) > self.max_part:
                raise self._too_big(name)
            if not ended or len(data) != info.file_size or zlib.crc32(data) != info.CRC:
                raise damaged(f"{name} 部分的压缩数据有误")
            if key and len(data) <= MEMO_INFLATED:
                _remember(_INFLATED, key, data)
        self.budget -= len(data)
        if self.budget < 0:
            cap = 2 * self.max_part / MB
            raise FormRejected(
                f"文件中要读取的正文、页眉页脚等部分合计解压后超过 {cap:g} MB，不像正常填写的表单，未读取。",
                hint=f"请在 Word/WPS 中打开检查后重新另存为 .docx 提交。{SETTING_HINT}",
            )
        return data

    def read_xml(self, name: str) -> bytes:
        """A part that will be parsed as XML: bounded, and with no DTD."""
        data = self.read(name)
        _check_prolog(name, data[:PROLOG_MAX], complete=True)
        return data

    def check_xml_parts(self, already: set[str] = frozenset()) -> None:
        """No XML part may carry a DTD: inflate each one's beginning only (up to its root element)."""
        xml_parts = self._xml_parts()
        for name, info in self.infos.items():
            if name in already or name not in xml_parts or info.file_size == 0:
                continue
            key = self._memo_key(info)
            if key in _CLEAN:
                continue
            head = self._probe(info)
            if head is None or not _check_prolog(name, head, complete=len(head) < PROBE):
                head, _ = self._inflate(info, PROLOG_MAX)
                _check_prolog(name, head, complete=True)
            if key:
                _remember(_CLEAN, key, None)

    def _xml_parts(self) -> set[str]:
        """Parts holding XML: by name, and by the content types [Content_Types].xml gives them."""
        names = {n for n in self.infos if n.lower().endswith((".xml", ".rels"))}
        if CONTENT_TYPES not in self.infos:
            return names
        for kind, attrs in _elements(self.read_xml(CONTENT_TYPES), _CONTENT_TYPE, ("Default", "Override")):
            if not attrs.get("ContentType", "").lower().endswith("xml"):
                continue
            if kind == "Default" and attrs.get("Extension"):
                names |= {n for n in self.infos if n.lower().endswith("." + attrs["Extension"].lower())}
            elif kind == "Override" and attrs.get("PartName"):
                names.add(attrs["PartName"].lstrip("/"))
        return names

    def main_part(self) -> str:
        """The main document part as Word finds it: _rels/.rels' officeDocument relationship."""
        if "_rels/.rels" in self.infos:
            for rel_type, target in self.relationships(""):
                if rel_type.endswith(OFFICE_DOCUMENT):
                    return target
        if "word/document.xml" in self.infos:
            return "word/document.xml"
        raise FormRejected("文件不是 Word 文档（缺少正文部分）。", hint="请用 Word/WPS 打开下发的通知单填写后另存为 .docx。")

    def relationships(self, source: str) -> list[tuple[str, str]]:
        """(type, target part name) of the internal relationships of ``source`` ('' for the package)."""
        folder, base = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        if rels not in self.infos:
            return []
        out = []
        for _, attrs in _elements(self.read_xml(rels), _RELATIONSHIP, ("Relationship",)):
            if attrs.get("TargetMode", "").lower() == "external" or "Target" not in attrs:
                continue
            target = attrs["Target"]
            joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            part = posixpath.normpath(joined)
            if part.startswith("../") or part == "..":
                raise altered(f"{rels} 中的关系指向压缩包以外的“{target}”")
            if part in self.infos:
                out.append((attrs.get("Type", ""), part))
        return out

    def _too_big(self, name: str) -> FormRejected:
        cap = self.max_part / MB
        return FormRejected(
            f"文件中的 {name} 部分解压后超过 {cap:g} MB 上限，不像正常填写的表单，未读取（可能是恶意构造的压缩炸弹）。",
            hint=f"请在 Word/WPS 中打开检查后重新另存为 .docx 提交。{SETTING_HINT}",
        )


def _elements(xml: bytes, pattern: re.Pattern, tags: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """(local tag, attributes) of the elements called ``tags`` (any namespace) in a small package XML part.

    Parsed by lxml (no DTD can reach here: read_xml refused it); XML that does not parse is read by
    ``pattern`` (groups: optional tag, then the attribute text), as Office programs tolerate some.
    """
    key = (xml, tags) if len(xml) <= MEMO_INFLATED else None
    if key in _PARSED:
        return _PARSED[key]
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError:
        out = []
        for m in pattern.finditer(xml):
            tag = m.group(1).decode() if m.re.groups > 1 else tags[0]
            attrs = {k.decode(): (v1 or v2).decode("utf-8", "replace") for k, v1, v2 in _ATTR.findall(m.group(m.re.groups))}
            out.append((tag, attrs))
        return out
    found = root.iter(*(f"{{*}}{t}" for t in tags))
    out = [(el.tag.rpartition("}")[2], {k.rpartition("}")[2]: v for k, v in el.attrib.items()}) for el in found]
    if key:
        _remember(_PARSED, key, out)
    return out


def _check_prolog(name: str, head: bytes, *, complete: bool) -> bool:
    """True once the root element starts; FormRejected for a DTD (or a prolog no Office writes)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    m = _ELEMENT.search(head)
    prolog = head[: m.start()] if m else head
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
        raise altered(f"{name} 部分含有 DTD 声明")
    if m is None and complete and len(head) >= PROLOG_MAX:
        raise altered(f"{name} 部分开头过长，找不到根元素")
    return m is not None
