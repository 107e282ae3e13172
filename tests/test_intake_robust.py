"""Intake robustness: one bad file never stops the others, each gets its own true reason, and memory stays bounded.

Every damaged or hostile file is made here from a real generated and filled form (bytes flipped in
a deflate stream, parts renamed, a DTD added, a bomb written in streamed chunks), so the fixtures
stay small on disk and in memory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter
from pypdf.annotations import FreeText

import toolkit
from toolkit import ingest
from toolkit.checks import check_workspace
from toolkit.cli import main

from .conftest import digest, notice_path, sup_rows
from .test_intake import DONE, returned

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ---------------------------------------------------------------- damaged and altered .docx files


def _flip_deflate(path: Path, member: str = "word/document.xml") -> None:
    """Corrupt the middle of one member's compressed data in place (a disk or mail error)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    mid = start + info.compress_size // 2
    data[start] |= 0x06  # block type 3 (reserved): inflating fails at once, as on a damaged disk sector
    for i in range(mid, mid + 24):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _rezip(path: Path, edit) -> None:
    """Rewrite a .docx member by member through ``edit(name, data) -> [(name, data), ...]``."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            for name, data in edit(item.filename, zin.read(item)):
                zout.writestr(name, data)
    tmp.replace(path)


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (version 3, 512-byte sectors) with the given streams.

    This is how Word stores a password-protected .docx: EncryptionInfo and EncryptedPackage in
    a compound file. Streams are padded to 4096 bytes so they live in regular sectors.
    """
    sector = 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    bodies, starts = [], []
    for data in streams.values():
        data = data.ljust(max(4096, -(-len(data) // sector) * sector), b"\0")
        n = len(data) // sector
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(n - 1)] + [end]
        bodies.append(data)
    assert len(fat) <= 128
    fat_bytes = struct.pack("<128I", *(fat + [free] * (128 - len(fat))))

    def entry(name, kind, child=free, right=free, start=end, size=0):
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(raw), kind, 1, free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    names = list(streams)
    directory = entry("Root Entry", 5, child=1)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, right=right, start=starts[i], size=len(streams[name]))
    directory = directory.ljust(sector, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )
    assert len(header) == sector
    return header + fat_bytes + directory + b"".join(bodies)


def _encrypted(ws):
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>"  # agile encryption header
    package = struct.pack("<Q", 20000) + os.urandom(4096)
    (ws.inbox / "加密.docx").write_bytes(_cfb({"EncryptionInfo": info, "EncryptedPackage": package}))


def _damaged_deflate(ws):
    _flip_deflate(returned(ws, "DB-2026-002", DONE, "压缩损坏.docx"))


def _with_dtd(ws):
    dtd = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n'
    p = returned(ws, "DB-2026-002", DONE, "带DTD.docx")
    _rezip(p, lambda n, d: [(n, dtd + d.split(b"?>", 1)[1] if n == "word/styles.xml" else d)])


def _dtd_after_a_long_comment(ws):
    """A DTD after a prolog longer than the first probe of each part (the check reads on)."""
    dtd = b'<?xml version="1.0"?>\n<!--' + b"x" * 3000 + b'-->\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n'
    p = returned(ws, "DB-2026-002", DONE, "长注释DTD.docx")
    _rezip(p, lambda n, d: [(n, dtd + d.split(b"?>", 1)[1] if n == "word/settings.xml" else d)])


def _dtd_in_a_part_named_otherwise(ws):
    """A DTD in a part whose XML nature only [Content_Types].xml tells (no .xml in its name)."""
    p = returned(ws, "DB-2026-002", DONE, "带DTD2.docx")

    def edit(name, data):
        if name == "[Content_Types].xml":
            data = data.replace(b"</Types>", b'<Override PartName="/customXml/item9.dat" ContentType="application/xml"/></Types>')
        extra = (
            [("customXml/item9.dat", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')]
            if name == "word/document.xml"
            else []
        )
        return [(name, data), *extra]

    _rezip(p, edit)


def _climbing(ws):
    p = returned(ws, "DB-2026-002", DONE, "越界.docx")
    _rezip(p, lambda n, d: [(n, d)] + ([("word/../../evil.xml", b"<x/>")] if n == "word/document.xml" else []))


def _small_bomb(ws):
    """document.xml inflating to 8 MB (the cap is 5 MB): the form's own identity is still in its other parts."""
    p = returned(ws, "DB-2026-002", DONE, "炸弹.docx")
    _rezip(p, lambda n, d: [(n, d.replace(b"<w:body>", b"<w:body>" + b" " * (8 << 20), 1) if n == "word/document.xml" else d)])


def _folder(ws):
    (ws.inbox / "文件夹.docx").mkdir()
    returned(ws, "DB-2026-002", DONE, "文件夹.docx/里面.docx".replace("/", os.sep))


# ---------------------------------------------------------------- hand-made PDFs


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _page_pdf(content: bytes, pages_count: int = 1) -> bytes:
    """One page with a Helvetica text content stream; ``pages_count`` may lie about the page tree."""
    z = zlib.compress(content)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % pages_count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def _encrypted_pdf(ws, name="a_加密.pdf"):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="1234", owner_password="5678")
    with open(ws.inbox / name, "wb") as fh:
        writer.write(fh)


def _bad_page(ws):
    (ws.inbox / "页面损坏.pdf").write_bytes(_page_pdf(b"BT /F1 12 Tf 72 720 Td (page one) Tj ET", pages_count=3))


def _no_pages(ws):
    (ws.inbox / "b_无页面.pdf").write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))


def _bomb_pdf(path: Path, size: int) -> None:
    """A one-page PDF whose content stream inflates to ``size`` bytes, compressed in chunks (little memory)."""
    c = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    z = b"".join(c.compress(chunk) for _ in range(size >> 20)) + c.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
    ]
    path.write_bytes(_pdf(objects))


def _bomb_docx(src: Path, dst: Path, size: int) -> None:
    """``src`` with its document.xml inflating to ``size`` bytes (whitespace inside <w:body>), written in chunks."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename != "word/document.xml":
                zout.writestr(item.filename, data)
                continue
            head, tail = data.split(b"<w:body>", 1)
            with zout.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write(head + b"<w:body>")
                chunk = b" " * (1 << 20)
                for _ in range(size >> 20):
                    fh.write(chunk)
                fh.write(tail)


# ---------------------------------------------------------------- one bad file never stops the others

BAD_DOCX = [
    ("damaged deflate stream", _damaged_deflate, "压缩损坏.docx", ["已损坏", "word/document.xml"]),
    ("password-protected", _encrypted, "加密.docx", ["密码"]),
    ("DTD in a part", _with_dtd, "带DTD.docx", ["DTD", "改动"]),
    ("DTD in a part known by its content type", _dtd_in_a_part_named_otherwise, "带DTD2.docx", ["DTD", "item9.dat"]),
    ("DTD after a long comment", _dtd_after_a_long_comment, "长注释DTD.docx", ["DTD", "word/settings.xml"]),
    ("name climbing out", _climbing, "越界.docx", ["压缩包以外", "改动"]),
    ("part bomb", _small_bomb, "炸弹.docx", ["超过 3 MB", "max_part_mb"]),
    ("folder named .docx", _folder, "文件夹.docx", ["文件夹", "inbox/"]),
    ("PDF page that cannot load", _bad_page, "页面损坏.pdf", ["已损坏", "第 2 页"]),
]


@pytest.mark.parametrize("case, make, name, words", BAD_DOCX, ids=[c[0] for c in BAD_DOCX])
def test_each_bad_file_gets_its_own_reason(notified, case, make, name, words):
    make(notified)
    before = digest(notified.ledger_path)
    [out] = ingest(notified)
    assert out.result == "退回", (case, out)
    for word in words:
        assert word in out.message, (case, out.message)
    assert "Error" not in out.message and "Traceback" not in out.message
    assert digest(notified.ledger_path) == before
    assert (notified.rejected / name).exists() and not (notified.inbox / name).exists()
    why = (notified.rejected / f"{name}.原因.txt").read_text(encoding="utf-8")
    assert name in why and words[0] in why


def test_batch_with_every_bad_kind_applies_the_good_forms(notified):
    returned(notified, "DB-2026-001", DONE, "good1.docx")
    for _, make, _, _ in BAD_DOCX:
        make(notified)
    returned(notified, "DB-2026-003", {**DONE, "办理状态": "□已办结　☑办理中", "完成日期": ""}, "good2.docx")
    result = CliRunner().invoke(main, ["ingest", "-w", str(notified.root), "--json"])
    assert result.exit_code == 0, result.output
    data = {d["file"]: d for d in json.loads(result.output)}
    assert data["good1.docx"]["result"] == "已更新" and data["good2.docx"]["result"] == "已更新"
    rows = sup_rows(notified)
    assert rows["DB-2026-001"]["状态"] == "待审核" and rows["DB-2026-003"]["状态"] == "办理中"
    assert rows["DB-2026-002"]["状态"] == "已通知"
    for _, _, name, words in BAD_DOCX:
        assert data[name]["result"] == "退回", data[name]
        assert all(w in data[name]["message"] for w in words), data[name]
        assert (notified.rejected / f"{name}.原因.txt").exists()
    assert sorted(p.name for p in notified.processed.iterdir()) == ["good1.docx", "good2.docx"]
    assert list(notified.inbox.iterdir()) == []


def test_a_large_batch_read_by_worker_processes_keeps_every_reason(notified):
    """Past PARALLEL_FROM files the pool reads them: each bad copy still gets its own reason, the good forms apply."""
    from toolkit.intake.pipeline import PARALLEL_FROM

    returned(notified, "DB-2026-001", DONE, "good1.docx")
    bad = [c for c in BAD_DOCX if c[0] != "folder named .docx"]
    for _, make, _, _ in bad:
        make(notified)
    n = 0
    while len(list(notified.inbox.iterdir())) < PARALLEL_FROM + 4:
        for _, _, name, _ in bad:
            n += 1
            src = notified.inbox / name
            shutil.copy(src, src.with_name(f"副本{n}_{name}"))
    outs = {o.file: o for o in ingest(notified)}
    assert len(outs) >= PARALLEL_FROM + 4
    assert outs.pop("good1.docx").result == "已更新"
    for file, out in outs.items():
        _, _, name, words = next(c for c in bad if file.endswith(c[2]))
        assert out.result == "退回" and all(w in out.message for w in words), (file, out.message)
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "待审核"


def test_a_part_remembered_as_clean_vouches_only_for_the_same_bytes(notified):
    """Parts shared with a form already read are not checked again; a changed part (a DTD added) still is."""
    from toolkit.intake.pipeline import read_returned

    good = returned(notified, "DB-2026-002", DONE, "好.docx")
    assert read_returned(good)[2] is not None and read_returned(good)[2] is not None  # second read: from the memo
    _with_dtd(notified)
    _, _, form, problem = read_returned(notified.inbox / "带DTD.docx")
    assert form is None and "DTD" in problem and "word/styles.xml" in problem


def test_files_read_by_the_pool_and_by_the_command_itself_come_back_in_order(tmp_path):
    """The command reads chunks no worker has started rather than wait: results stay in file order, each its own."""
    from toolkit.intake.pipeline import CHUNK, PARALLEL_FROM, Reader, read_returned

    files = []
    for i in range(max(PARALLEL_FROM, 12 * CHUNK)):
        p = tmp_path / f"{i:03d}.txt"
        p.write_text(f"不是表单 {i}", encoding="utf-8")
        files.append(p)
    with Reader(files) as reader:
        got = list(reader)
    assert [r[0] for r in got] == files
    assert got == [read_returned(p) for p in files]


class _CRASH:
    """What _crashing_read needs (module level: the reading processes are sent the function by name)."""


def _crashing_read(path, **kw):
    if path == _CRASH.culprit and os.getpid() != _CRASH.parent:
        os._exit(9)  # like a segfault or an OOM kill: no exception, the process is gone
    return _CRASH.real(path, **kw)


def test_a_file_that_kills_its_reading_process_is_refused_and_the_batch_goes_on(tmp_path, monkeypatch):
    """A reader crashing on one file (a parser bug, the system killing it) costs that file only: every other
    file keeps its own result, in order, and the culprit gets a reason of its own."""
    from toolkit.intake import pipeline
    from toolkit.intake.pipeline import CHUNK, PARALLEL_FROM, Reader

    files = []
    for i in range(max(PARALLEL_FROM, 4 * CHUNK)):
        p = tmp_path / f"{i:03d}.txt"
        p.write_text(f"不是表单 {i}", encoding="utf-8")
        files.append(p)
    culprit = files[CHUNK + 3]
    real = pipeline.read_returned
    monkeypatch.setattr(_CRASH, "culprit", culprit, raising=False)
    monkeypatch.setattr(_CRASH, "parent", os.getpid(), raising=False)
    monkeypatch.setattr(_CRASH, "real", real, raising=False)
    monkeypatch.setattr(pipeline, "read_returned", _crashing_read)
    monkeypatch.setattr(Reader, "steal", False)  # every chunk read by a worker
    with Reader(files) as reader:
        got = list(reader)
    assert [r[0] for r in got] == files
    for path, sha, form, problem in got:
        if path == culprit:
            assert form is None and "读取进程意外终止" in problem and sha == pipeline.sha256_of(culprit)
        else:
            assert (path, sha, form, problem) == real(path)


@pytest.mark.parametrize(
    "name, data, words",
    [("空.pdf", b"", "文件是空的"), ("空.docx", b"", "不是 .docx"), ("假.pdf", b"<html>404</html>", "内容不是 PDF")],
    ids=["empty pdf", "empty docx", "pdf that is not one"],
)
def test_empty_and_false_pdfs_are_called_what_they_are(notified, name, data, words):
    (notified.inbox / name).write_bytes(data)
    [out] = ingest(notified)
    assert out.result == "退回" and words in out.message and "不支持的文件类型" not in out.message, out.message


def test_a_broken_link_in_the_inbox_gets_a_reason(notified):
    (notified.inbox / "快捷方式.docx").symlink_to(notified.root / "不存在.docx")
    [out] = ingest(notified)
    assert out.result == "退回" and "文件不存在" in out.message, out.message
    assert (notified.rejected / "快捷方式.docx").is_symlink()


def test_devices_and_pipes_in_the_inbox_are_refused_not_read_forever(notified):
    """A link to /dev/zero would be hashed without end and a pipe would block at open: each gets a reason."""
    returned(notified, "DB-2026-002", DONE, "好的.docx")
    (notified.inbox / "零.docx").symlink_to("/dev/zero")
    os.mkfifo(notified.inbox / "管道.pdf")
    (notified.inbox / "指向管道.docx").symlink_to(notified.inbox / "管道.pdf")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "LANG": "C.UTF-8"}
    run = subprocess.run(
        [sys.executable, "-m", "toolkit.cli", "ingest", "-w", str(notified.root)], env=env, capture_output=True, timeout=120
    )
    out = run.stdout.decode()
    assert run.returncode == 0, run.stderr.decode()
    assert sup_rows(notified)["DB-2026-002"]["状态"] == "待审核"
    for name in ("零.docx", "管道.pdf", "指向管道.docx"):
        line = next(x for x in out.splitlines() if name in x)
        assert "不是普通文件" in line and "rejected/" in line, line
        assert (notified.rejected / f"{name}.原因.txt").exists()


# ---------------------------------------------------------------- true reasons


def test_word_online_main_part_is_found_through_the_package_relationships(notified):
    p = returned(notified, "DB-2026-001", DONE, "网页版.docx")

    def rename(name, data):
        if name in ("_rels/.rels", "[Content_Types].xml"):
            data = data.replace(b"word/document.xml", b"word/document2.xml")
        if name == "word/_rels/document.xml.rels":
            name = "word/_rels/document2.xml.rels"
        return [(name.replace("word/document.xml", "word/document2.xml"), data)]

    _rezip(p, rename)
    with zipfile.ZipFile(p) as z:
        assert "word/document.xml" not in z.namelist() and "word/document2.xml" in z.namelist()
    out = ingest(notified)[0]
    assert out.result == "已更新", out.message
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "待审核"


def test_parts_parsed_together_are_bounded_too(notified):
    """Twelve footers of 1 MB each (each under the cap, 12 MB together) are refused; one footer named twelve times is read once."""
    p = returned(notified, "DB-2026-001", DONE, "页脚很多.docx")
    ids = [f"rIdF{i}" for i in range(12)]

    def footers(name, data, distinct=True):
        if name == "word/_rels/document.xml.rels":
            rels = "".join(
                f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"'
                f' Target="footer{i + 10 if distinct else 10}.xml"/>'
                for i, rid in enumerate(ids)
            )
            data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
        out = [(name, data)]
        if name == "word/footer1.xml":
            for i in range(12 if distinct else 1):
                out.append((f"word/footer{i + 10}.xml", data.replace(b"<w:p>", b"<w:p>" + b" " * (1 << 20), 1)))
        return out

    _rezip(p, footers)
    [out] = ingest(notified)
    assert out.result == "退回" and "合计" in out.message and "max_part_mb" in out.message, out.message
    p = returned(notified, "DB-2026-001", DONE, "同一页脚.docx")
    _rezip(p, lambda n, d: footers(n, d, distinct=False))
    [out] = ingest(notified)
    assert out.result == "已更新", out.message


def test_evidence_photos_beyond_the_cap_are_still_accepted(notified):
    """Only the parts the reader parses are bounded: a 64 MB picture (compressed tiny) does not matter."""
    p = returned(notified, "DB-2026-001", DONE, "带照片.docx")
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as z, z.open("word/media/image9.png", "w", force_zip64=True) as fh:
        for _ in range(64):
            fh.write(b"\x89PNG" + b"\0" * ((1 << 20) - 4))
    out = ingest(notified)[0]
    assert out.result == "已更新", out.message


def test_the_cap_is_a_workspace_setting(notified):
    path = notified.root / "dangwu.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("max_part_mb = 3", "max_part_mb = 20"), encoding="utf-8")
    _small_bomb(notified)
    ws = toolkit.Workspace(notified.root)
    assert ws.settings.max_part_mb == 20
    out = ingest(ws)[0]
    assert "超过" not in out.message and out.number == "DB-2026-002", out.message


def test_second_copy_of_a_rejected_file_gets_the_same_reason(notified):
    p = returned(notified, "DB-2026-002", {**DONE, "完成日期": "下周一"}, "一.docx")
    shutil.copy(p, notified.inbox / "二.docx")
    outs = {o.file: o for o in ingest(notified)}
    assert outs["一.docx"].result == outs["二.docx"].result == "退回"
    assert "下周一" in outs["二.docx"].message and "已处理过" not in outs["二.docx"].message
    shutil.copy(notified.rejected / "一.docx", notified.inbox / "三.docx")  # and on a later run
    [out] = ingest(notified)
    assert out.result == "退回" and "下周一" in out.message


def test_pdf_with_bytes_before_its_header_is_read_as_a_pdf(notified):
    (notified.inbox / "前缀.pdf").write_bytes(
        b"\r\n\xef\xbb\xbfjunk from a mail gateway\n" + _page_pdf(b"BT /F1 12 Tf 72 720 Td (hello) Tj ET")
    )
    [out] = ingest(notified)
    assert out.result == "退回" and "不支持的文件类型" not in out.message and "识别码" in out.message, out.message


def test_pdf_whose_text_is_only_in_an_annotation_is_no_scan(notified):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_annotation(0, FreeText(text=_identity(notified, "DB-2026-002"), rect=(50, 700, 500, 720)))
    with open(notified.inbox / "批注.pdf", "wb") as fh:
        writer.write(fh)
    [out] = ingest(notified)
    assert "扫描件" not in out.message, out.message
    assert out.number == "DB-2026-002"  # the identity was read from the annotation


def test_broken_pdf_is_not_given_the_previous_files_error(notified):
    _encrypted_pdf(notified)
    _no_pages(notified)
    outs = {o.file: o for o in ingest(notified)}
    assert "密码" in outs["a_加密.pdf"].message
    assert "密码" not in outs["b_无页面.pdf"].message and "已损坏" in outs["b_无页面.pdf"].message


def _field_pdf(value: bytes, text: bytes = b"", broken_xref: bool = False) -> bytes:
    """A page whose text field holds ``value`` (a fillable form filled in a PDF viewer); ``text`` on the page itself."""
    z = zlib.compress(b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET" if text else b"")
    data = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] /Contents 5 0 R"
            b" /Resources << /Font << /F1 6 0 R >> >> >>",
            b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (ident) /Rect [50 700 500 720] /P 3 0 R /V <" + value + b"> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )
    if broken_xref:  # a wrong startxref offset: PDFium rebuilds the table, pypdf warns in English
        head, tail = data.rsplit(b"startxref\n", 1)
        data = head + b"startxref\n" + b"%d" % (int(tail.split(b"\n")[0]) + 7) + b"\n%%EOF\n"
    return data


def _identity(ws, number: str) -> str:
    """The identity line of a generated notice (with its fingerprint), as its custom property holds it."""
    with zipfile.ZipFile(notice_path(ws, number)) as z:
        return re.search(r"DW1\|[^<]+", z.read("docProps/custom.xml").decode()).group(0)


def _utf16_hex(text: str) -> bytes:
    return ("\ufeff" + text).encode("utf-16-be").hex().encode()


def test_pdf_whose_text_is_only_in_a_form_field_is_no_scan(notified):
    (notified.inbox / "表单域.pdf").write_bytes(_field_pdf(_utf16_hex(_identity(notified, "DB-2026-002"))))
    [out] = ingest(notified)
    assert "扫描件" not in out.message, out.message
    assert out.number == "DB-2026-002"


def _run(*args: str) -> subprocess.CompletedProcess:
    """Run Python code in a fresh process from the repository (pytest's own log capture out of the way)."""
    repo = Path(toolkit.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, env=env, cwd=repo, timeout=300)


def test_pdf_whose_text_is_only_in_a_parent_fields_value_is_no_scan(notified):
    """The value sits on the field, its widget (the page's annotation) only points to it: as viewers save hierarchies."""
    value = _utf16_hex(_identity(notified, "DB-2026-002"))
    (notified.inbox / "父字段.pdf").write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [5 0 R] >>",
                b"<< /FT /Tx /T (ident) /V <" + value + b"> /Kids [5 0 R] >>",
                b"<< /Type /Annot /Subtype /Widget /Parent 4 0 R /Rect [50 700 500 720] /P 3 0 R >>",
            ]
        )
    )
    [out] = ingest(notified)
    assert "扫描件" not in out.message and out.number == "DB-2026-002", out.message


def test_pypdf_warnings_do_not_reach_the_terminal(notified):
    (notified.inbox / "偏移错误.pdf").write_bytes(
        _field_pdf(_utf16_hex(_identity(notified, "DB-2026-002")), text=b"form", broken_xref=True)
    )
    run = _run("from toolkit.cli import main; main()", "ingest", "-w", str(notified.root))
    assert "偏移错误.pdf" in run.stdout, run.stdout + run.stderr
    assert not re.search(r"[A-Za-z]{4,}", run.stderr), run.stderr


def _lzw_zeros(size: int) -> bytes:
    """PDF LZW data (EarlyChange 1) decoding to ``size`` zero bytes: each code one byte longer than the last."""
    codes, n, width, nxt, total = [256, 0], 1, 9, 258, 1
    while total < size and nxt < 4096:
        codes.append(nxt)  # the string one longer than the previous: a classic LZW run
        total += n + 1
        n += 1
        nxt += 1
    while total < size:  # table full: repeat the longest string
        codes.append(nxt - 1)
        total += n
    codes.append(257)
    out, buf, nbits, entries = bytearray(), 0, 0, 258
    for i, code in enumerate(codes):
        buf, nbits = (buf << width) | code, nbits + width
        while nbits >= 8:
            nbits -= 8
            out.append((buf >> nbits) & 0xFF)
        if i >= 2 and entries < 4096:
            entries += 1
            if entries + 1 >= 1 << width and width < 12:
                width += 1
    if nbits:
        out.append((buf << (8 - nbits)) & 0xFF)
    return bytes(out)


def _stream_pdf(stream_dict: bytes, data: bytes, as_image: bool = False) -> bytes:
    """A page whose content is one stream with ``stream_dict`` (and, when ``as_image``, an image's dictionary)."""
    extra = b" /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8" if as_image else b""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d " % len(data) + stream_dict + extra + b" >>\nstream\n" + data + b"\nendstream",
        ]
    )


def _chunked_deflate(size: int) -> bytes:
    c = zlib.compressobj(9)
    return b"".join(c.compress(b" " * (1 << 20)) for _ in range(size >> 20)) + c.flush()


def test_lzw_counter_matches_a_real_decoder():
    from pypdf.filters import LZWDecode

    from toolkit.intake.pdf_reader import _lzw_size

    data = _lzw_zeros(300_000)
    assert len(LZWDecode.decode(data)) == _lzw_size(data, 10**9) >= 300_000


CONTENT_BOMBS = [
    ("flate stream labelled an image", lambda: _stream_pdf(b"/Filter /FlateDecode", _chunked_deflate(64 << 20), as_image=True)),
    ("LZW", lambda: _stream_pdf(b"/Filter /LZWDecode", _lzw_zeros(64 << 20))),
    ("RunLength", lambda: _stream_pdf(b"/Filter /RunLengthDecode", bytes([129, 32]) * ((64 << 20) // 128) + b"\x80")),
    ("flate then RunLength", lambda: _stream_pdf(b"/Filter [/FlateDecode /RunLengthDecode]", zlib.compress(bytes([129, 32]) * (1 << 20)))),
]


def test_a_pdf_with_more_text_than_any_form_is_refused_before_pdfium_lays_it_out(notified):
    """1 MB of text strings inside the 3 MB cap would cost PDFium's text page ~200 MB: refused by its text size."""
    line = b"(" + b"a" * 998 + b") Tj "
    (notified.inbox / "长文.pdf").write_bytes(_page_pdf(b"BT /F1 1 Tf 0 0 Td " + line * 1000 + b"ET"))
    [out] = ingest(notified)
    assert out.result == "退回" and "文字量异常" in out.message, out.message


@pytest.mark.parametrize("make", [c[1] for c in CONTENT_BOMBS], ids=[c[0] for c in CONTENT_BOMBS])
def test_content_bombs_of_every_filter_are_bounded(notified, make):
    data = make()
    assert len(data) < 2 << 20
    (notified.inbox / "炸弹.pdf").write_bytes(data)
    [out] = ingest(notified)
    assert out.result == "退回" and "超过 3 MB" in out.message, out.message


@pytest.fixture(scope="module")
def exported_form(tmp_path_factory, soffice):
    """A workspace and one filled notice (DB-2026-001) exported to PDF by LibreOffice."""
    from toolkit import generate
    from toolkit.forms.fill import fill_form
    from toolkit.pdf.soffice import Soffice

    from .conftest import sample_workspace

    root = tmp_path_factory.mktemp("robustpdf")
    ws = sample_workspace(root / "ws")
    generate(ws, "notice")
    filled = fill_form(notice_path(ws, "DB-2026-001"), root / "filled" / "done.docx", DONE)
    [pdf] = Soffice(timeout=180).convert([filled], root / "pdf")
    return ws, pdf


def _fresh_copy(exported_form, tmp_path):
    ws_src, pdf = exported_form
    shutil.copytree(ws_src.root, tmp_path / "ws")
    return toolkit.Workspace(tmp_path / "ws"), pdf


@pytest.mark.slow
def test_exported_form_with_bytes_before_its_header_is_applied(exported_form, tmp_path):
    ws, pdf = _fresh_copy(exported_form, tmp_path)
    (ws.inbox / "邮件网关.pdf").write_bytes(b"\r\nContent-Type: application/pdf\r\n\r\n" + pdf.read_bytes())
    [out] = ingest(ws)
    assert out.result == "已更新", out.message
    assert sup_rows(ws)["DB-2026-001"]["状态"] == "待审核"


@pytest.mark.slow
def test_exported_form_with_a_large_photo_is_applied(exported_form, tmp_path):
    """A 48 MB image (a 4096×4096 photo, Flate-compressed) is never decoded to read the text: accepted."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, EncodedStreamObject, NameObject, NumberObject

    ws, pdf = _fresh_copy(exported_form, tmp_path)
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    image = EncodedStreamObject()
    c = zlib.compressobj(9)
    image._data = b"".join(c.compress(b"\x80" * (3 << 20)) for _ in range(16)) + c.flush()
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(4096),
            NameObject("/Height"): NumberObject(4096),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/FlateDecode"),
        }
    )
    resources = writer.pages[0]["/Resources"].get_object()
    resources.setdefault(NameObject("/XObject"), DictionaryObject())[NameObject("/Photo")] = writer._add_object(image)
    with open(ws.inbox / "带照片.pdf", "wb") as fh:
        writer.write(fh)
    assert (ws.inbox / "带照片.pdf").stat().st_size < 2 << 20
    [out] = ingest(ws)
    assert out.result == "已更新", out.message


# ---------------------------------------------------------------- check


def test_check_reports_a_template_with_a_damaged_deflate_stream(notified):
    own = notified.root / "templates" / "督查督办" / "督查督办通知单.docx"
    own.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(toolkit.workspace.default_templates_dir() / "督查督办" / "督查督办通知单.docx", own)
    _flip_deflate(own)
    problems = check_workspace(notified)
    assert any("督查督办通知单" in p.where and "损坏" in p.message for p in problems), problems
    result = CliRunner().invoke(main, ["check", "-w", str(notified.root)])
    assert result.exit_code != 0 and "损坏" in result.output and "Traceback" not in result.output


def test_check_reports_a_ledger_with_a_damaged_deflate_stream(ws):
    with zipfile.ZipFile(ws.ledger_path) as z:
        sheet = next(
            i.filename for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.compress_type == zipfile.ZIP_DEFLATED
        )
    _flip_deflate(ws.ledger_path, sheet)
    result = CliRunner().invoke(main, ["check", "-w", str(ws.root)])
    assert result.exit_code != 0 and "ledger.xlsx 无法打开" in result.output and ".backup/" in result.output, result.output


# ---------------------------------------------------------------- memory


PEAK = """
import json, resource, sys
from toolkit import Workspace, ingest
outs = ingest(Workspace(sys.argv[1]))
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "outs": [o.as_dict() for o in outs]}, ensure_ascii=False))
"""


def _dense_pdf(path: Path) -> None:
    """The densest page the bounds let through: text strings just under TEXT_MAX, then paths up to the cap."""
    from toolkit.intake.pdf_reader import TEXT_MAX

    line = b"(" + b"a" * 998 + b") Tj "
    text = b"BT /F1 1 Tf 0 0 Td " + line * (TEXT_MAX // 1000 - 5) + b"ET\n"
    paths = b"0 0 m 9 0 l S\n" * (((3 << 20) - len(text)) // 14 - 100)
    z = zlib.compress(text + paths)
    path.write_bytes(
        _pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ]
        )
    )


def _dense_docx(src: Path, dst: Path) -> None:
    """``src`` with its document part grown to just under the cap with empty paragraphs (the densest tree allowed)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * (((3 << 20) - len(data)) // 6 - 100), 1)
            zout.writestr(item.filename, data)


def test_bombs_are_refused_with_peak_memory_under_300_mb(notified, tmp_path):
    """A 400 MB document part and a 400 MB PDF content stream, both ~0.5 MB on disk, beside a good form,
    and the densest .docx and PDF the caps let through (read in full)."""
    src = returned(notified, "DB-2026-002", DONE, "src.docx")
    shutil.move(src, tmp_path / "src.docx")
    _bomb_docx(tmp_path / "src.docx", notified.inbox / "炸弹.docx", 400 << 20)
    _bomb_pdf(notified.inbox / "炸弹.pdf", 400 << 20)
    _dense_pdf(notified.inbox / "密集.pdf")
    _dense_docx(tmp_path / "src.docx", notified.inbox / "密集.docx")
    assert max(p.stat().st_size for p in notified.inbox.iterdir()) < 2 << 20
    returned(notified, "DB-2026-001", DONE, "good.docx")
    run = _run(PEAK, str(notified.root))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    outs = {o["file"]: o for o in report["outs"]}
    assert outs["good.docx"]["result"] == "已更新"
    assert outs["炸弹.docx"]["result"] == "退回" and "超过 3 MB" in outs["炸弹.docx"]["message"]
    assert outs["炸弹.pdf"]["result"] == "退回" and "超过 3 MB" in outs["炸弹.pdf"]["message"]
    assert outs["密集.docx"]["result"] == "已更新", outs["密集.docx"]  # large but within the cap: read
    assert outs["密集.pdf"]["result"] == "退回" and "识别码" in outs["密集.pdf"]["message"]  # read, then refused
    assert report["peak_mb"] < 300, report["peak_mb"]
