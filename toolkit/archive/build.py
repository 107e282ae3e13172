"""``dangwu archive``: file a year's closed items as 件 with 档号 and 归档章, a catalogue and a binder.

Stages: select and number the closed items → gather each item's papers in filing order → convert
the Word papers with LibreOffice (both cores) → assemble each 件 as one stamped PDF → catalogue,
cover and 备考表 → binder with page numbers → 档号 written back to the ledger → manifest and zip.
A second run with nothing changed rewrites nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ..dates import cn_date, today
from ..errors import UsageError
from ..generate import open_valid_ledger
from ..ledger import schema as S
from ..ledger.workbook import ChangeContext, Row
from ..pdf.soffice import Soffice
from ..registers import supervision as sup
from ..registers.supervision_out import doc_number
from ..registers.units import Units
from ..workspace import Workspace
from . import documents as docs
from .manifest import MANIFEST, verify, write_manifest, write_zip_of
from .papers import NOTICE, REMINDER, REVIEW, Paper, find_replies, issued, order_replies
from .pdfmarks import add_mark, concat_pdfs, page_number_ops, stamp_ops

REGISTERS = ("督查督办",)


@dataclass
class Piece:
    """One 件: an item's papers as one PDF."""

    row: Row
    seq: int
    code: str
    papers: list[Paper]
    notes: list[str] = field(default_factory=list)
    pages: int = 0


@dataclass
class ArchiveResult:
    """What an archive run made (or why it made nothing)."""

    year: int
    register: str
    folder: Path | None = None
    zip: Path | None = None
    binder: Path | None = None
    entries: list = field(default_factory=list)
    not_closed: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    unchanged: bool = False


def safe_child(root: Path, *parts: str) -> Path:
    """``root/parts…``, refusing any part that would leave ``root`` (``..``, absolute, separators)."""
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or Path(part).is_absolute():
            raise UsageError(f"归档路径中含有不安全的名称“{part}”，已拒绝。", hint="请检查 dangwu.toml 的 [archive] 设置和台账中的名称。")
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UsageError(f"归档路径“{'/'.join(parts)}”超出了 archive/ 文件夹，已拒绝。")
    return target


def archive(ws: Workspace, year: int, register: str = "督查督办", *, rebuild: bool = False) -> ArchiveResult:
    """File the year's closed items of ``register`` under archive/<year>/<register>/<保管期限>/."""
    if register not in REGISTERS:
        raise UsageError(f"暂不支持对“{register}”归档。", hint=f"可用：{'、'.join(REGISTERS)}。")
    s = ws.settings
    retention, org = s.retention.get(register, "D30"), s.org_codes.get(register, "DCB")
    ledger = open_valid_ledger(ws, for_write=True)
    units = Units.from_ledger(ledger)
    result = ArchiveResult(year, register)
    rows = [r for r in ledger.sheet(S.SUPERVISION.name).rows() if (r.date("交办时间") or dt.date.min).year == year]
    closed = sorted((r for r in rows if sup.status_of(r) == sup.CLOSED), key=lambda r: (r.date("交办时间"), r.number))
    result.not_closed = [(r.number, sup.status_of(r)) for r in rows if sup.status_of(r) != sup.CLOSED]
    if not closed:
        return result
    folder = safe_child(ws.archive, str(year), register, retention)
    prefix = f"{s.fonds_code}-{s.archive_category}·{year}-{retention}-{org}-"
    pieces = _number(closed, prefix, rebuild)
    replies = find_replies(ws, ledger, {r.number for r in closed})
    for piece in pieces:
        piece.papers = order_replies(replies.get(piece.row.number, []))
        if not piece.papers:
            piece.notes.append("缺承办单位反馈原件")
            result.flagged.append((piece.row.number, "processed/ 中找不到承办单位交回的反馈表，已按缺件归档，备注已注明"))
        piece.papers += issued(ws, NOTICE, piece.row.number)[-1:] + issued(ws, REMINDER, piece.row.number)[-1:]
    signature = _signature(pieces, ws)
    old = _old_manifest(folder)
    if not rebuild and old.get("signature") == signature and verify(folder).ok:
        pages = old.get("pages", {})
        for piece in pieces:
            piece.pages = int(pages.get(piece.code, 0))
        result.folder, result.unchanged = folder, True
        result.zip = folder.parent / f"{register}_{retention}.zip"
        result.binder = folder / "装订本.pdf"
        result.entries = [_entry(p, units, s) for p in pieces]
        return result
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dangwu-archive-") as tmp:
        work = Path(tmp)
        for piece in pieces:
            review = work / f"review-{piece.seq:04d}.docx"
            docs.review_record(review, _review_values(piece.row, units), s.office)
            piece.papers.append(Paper(REVIEW, review))
        pdf_of = _to_pdf([p for piece in pieces for p in piece.papers], work, s)
        written = []
        for piece in pieces:
            path = folder / f"{piece.code}.pdf"
            piece.pages = _assemble(piece, pdf_of, path, s.fonds_code, year, org, retention)
            written.append(path)
        entries = [_entry(p, units, s) for p in pieces]
        title = f"{s.fonds_name or s.org_name} {year}年度 {register} 归档文件目录（保管期限 {retention}）"
        front = _front_matter(work, folder, entries, title, s, year, register, retention, pieces)
        written += front
        result.binder = _binder(folder, front, [folder / f"{p.code}.pdf" for p in pieces], work)
        written.append(result.binder)
    _clean_stale(folder, old, {p.name for p in written} | {"归档文件目录.xlsx"})
    context = ChangeContext(operation="立卷归档")
    for piece in pieces:
        piece.row.set("档号", piece.code, context=context)
    if ledger.pending:
        ledger.save(keep_backups=s.backups)
    info = {
        "year": year,
        "register": register,
        "retention": retention,
        "fonds": s.fonds_code,
        "signature": signature,
        "pieces": len(pieces),
        "pages": {p.code: p.pages for p in pieces},
    }
    write_manifest(folder, info)
    result.zip = folder.parent / f"{register}_{retention}.zip"
    write_zip_of(folder, result.zip, f"{year}/{register}/{retention}")
    result.folder, result.entries = folder, entries
    return result


def _number(closed: list[Row], prefix: str, rebuild: bool) -> list[Piece]:
    """件号 from 0001 by 交办时间 then 立项编号; numbers already given (档号 in the ledger) are kept."""
    taken: dict[str, int] = {}
    if not rebuild:
        for r in closed:
            code = r.text("档号")
            if code.startswith(prefix) and code[len(prefix) :].isdigit():
                taken[r.number] = int(code[len(prefix) :])
    next_no = max(taken.values(), default=0)
    pieces = []
    for r in closed:
        if r.number in taken:
            seq = taken[r.number]
        else:
            next_no += 1
            seq = next_no
        pieces.append(Piece(r, seq, f"{prefix}{seq:04d}", []))
    return sorted(pieces, key=lambda p: p.seq)


def _signature(pieces: list[Piece], ws: Workspace) -> str:
    """A digest of everything the binder is made from: codes, ledger values, source files."""
    h = hashlib.sha256()
    for p in pieces:
        values = [p.code] + [
            p.row.text(f)
            for f in ("立项编号", "督办事项", "主办单位", "协办单位", "办理时限", "完成日期", "办结日期", "审核意见", "办理情况")
        ]
        h.update(json.dumps(values, ensure_ascii=False).encode())
        for paper in p.papers:
            h.update(f"{paper.kind}:{paper.sha256}".encode())
    h.update(json.dumps([ws.settings.fonds_code, ws.settings.fonds_name, ws.settings.office], ensure_ascii=False).encode())
    return h.hexdigest()


def _old_manifest(folder: Path) -> dict:
    """The previous run's manifest, or {}."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _review_values(row: Row, units: Units) -> dict[str, str]:
    """What the 办结审核单 records."""
    return {
        "立项编号": row.number,
        "督办事项": row.text("督办事项"),
        "主办单位": units.canonical(row.text("主办单位")),
        "协办单位": "、".join(units.canonical(u) for u in row.list("协办单位")) or "无",
        "办理时限": cn_date(row.date("办理时限")),
        "完成日期": cn_date(row.date("完成日期")),
        "办理情况": row.text("办理情况"),
        "审核意见": row.text("审核意见"),
        "办结日期": cn_date(row.date("办结日期")),
    }


def _to_pdf(papers: list[Paper], work: Path, settings) -> dict[Path, Path]:
    """A PDF for every paper: returned PDFs as they are, Word files converted in one batch per core."""
    out: dict[Path, Path] = {}
    todo: list[tuple[Paper, Path]] = []
    for i, paper in enumerate(papers):
        src = paper.source
        if src.suffix.lower() == ".pdf":
            out[src] = src
            continue
        ready = src.with_suffix(".pdf")
        if ready.exists() and ready.stat().st_mtime >= src.stat().st_mtime and paper.kind in (NOTICE, REMINDER):
            out[src] = ready  # printed with generate --pdf
            continue
        staged = work / "src" / f"p{i:05d}.docx"
        staged.parent.mkdir(exist_ok=True)
        shutil.copyfile(src, staged)
        todo.append((paper, staged))
    if todo:
        half = (len(todo) + 1) // 2
        groups = [[s for _, s in todo[:half]], [s for _, s in todo[half:]]] if len(todo) >= 16 else [[s for _, s in todo]]
        Soffice(settings.soffice_path, max(settings.pdf_timeout, 30 * len(groups[0]) // 10 + 60)).convert_groups(groups, work / "pdf")
        for paper, staged in todo:
            out[paper.source] = work / "pdf" / f"{staged.stem}.pdf"
    return out


def _assemble(piece: Piece, pdf_of: dict[Path, Path], target: Path, fonds: str, year: int, org: str, retention: str) -> int:
    """One 件 PDF: its papers in order, the 归档章 on the first page; returns the page count."""
    writer = PdfWriter()
    for paper in piece.papers:
        writer.append(PdfReader(str(pdf_of[paper.source])))
    pages = len(writer.pages)
    add_mark(writer, writer.pages[0], stamp_ops(writer.pages[0], [fonds, str(year), f"{piece.seq:04d}"], [org, retention, str(pages)]))
    writer.add_metadata({"/Title": piece.code, "/Subject": f"{piece.row.number} {piece.row.text('督办事项')}", "/Keywords": piece.code})
    _write_pdf(writer, target)
    return pages


def _write_pdf(writer: PdfWriter, target: Path) -> None:
    """Write a PDF through a temp file and rename it into place."""
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    tmp.replace(target)


def _entry(piece: Piece, units: Units, s) -> docs.Entry:
    """The catalogue row of a 件."""
    row = piece.row
    task = row.text("督办事项").splitlines()[0] if row.text("督办事项") else row.number
    return docs.Entry(
        seq=piece.seq,
        code=piece.code,
        doc_no=doc_number(row, s.notice_code),
        responsible=units.canonical(row.text("主办单位")),
        title=f"{task}督办及办理情况",
        date=row.date("办结日期") or row.date("完成日期"),
        pages=piece.pages,
        note="；".join(piece.notes),
    )


def _front_matter(work: Path, folder: Path, entries, title: str, s, year: int, register: str, retention: str, pieces) -> list[Path]:
    """Cover, catalogue (.xlsx and .pdf) and 备考表 PDFs in ``folder``; one LibreOffice call."""
    names = {"cover": "封面", "catalogue": "归档文件目录", "reference": "备考表"}
    docs.cover(
        work / "cover.docx",
        {
            "全宗号": s.fonds_code,
            "全宗名称": s.fonds_name or s.org_name,
            "年度": str(year),
            "保管期限": retention,
            "机构（问题）": s.org_names.get(register, register),
        },
    )
    docs.catalogue_docx(work / "catalogue.docx", title, entries)
    missing = [e.code for e in entries if e.note]
    pages = sum(p.pages for p in pieces)
    note = f"本盒共{len(entries)}件，{pages}页，件号{entries[0].seq:04d}至{entries[-1].seq:04d}。"
    if missing:
        note += f"其中{len(missing)}件缺承办单位反馈原件：{'、'.join(missing)}。"
    docs.reference_sheet(
        work / "reference.docx", {"盒内文件情况说明": note, "整理人": "", "整理日期": cn_date(today()), "检查人": "", "检查日期": ""}
    )
    converted = Soffice(s.soffice_path, s.pdf_timeout).convert([work / f"{k}.docx" for k in names], work / "front")
    out = []
    for src, name in zip(converted, names.values()):
        target = folder / f"{name}.pdf"
        writer = PdfWriter()
        writer.append(PdfReader(str(src)))
        writer.add_metadata({"/Title": name})
        _write_pdf(writer, target)
        out.append(target)
    docs.catalogue_xlsx(folder / "归档文件目录.xlsx", title, entries)
    return out


def _binder(folder: Path, front: list[Path], pieces: list[Path], work: Path) -> Path:
    """Cover + catalogue + every 件 + 备考表 in one PDF with page numbers.

    Each part gets its page numbers on its own (pypdf, one small file at a time); PDFium then copies
    the numbered parts into one document. Holding the whole binder in pypdf would take ~1.5 MB of
    Python objects per 件 (450 MB for 300) and several times as long.
    """
    cover, catalogue, reference = front
    numbered, first = [], 1
    for i, src in enumerate([cover, catalogue, *pieces, reference]):
        writer = PdfWriter()
        writer.append(PdfReader(str(src)))
        for n, page in enumerate(writer.pages, start=first):
            add_mark(writer, page, page_number_ops(page, n))
        first += len(writer.pages)
        numbered.append(work / "binder" / f"{i:05d}.pdf")
        numbered[-1].parent.mkdir(exist_ok=True)
        _write_pdf(writer, numbered[-1])
    target = folder / "装订本.pdf"
    concat_pdfs(numbered, target, title="装订本")
    return target


def _clean_stale(folder: Path, old: dict, keep: set[str]) -> None:
    """Remove files an earlier run listed in its manifest that this run did not write."""
    for entry in old.get("files", []):
        name = entry.get("path", "")
        if name and name not in keep and "/" not in name and not name.startswith("."):
            (folder / name).unlink(missing_ok=True)
