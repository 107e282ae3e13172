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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ..dates import cn_date, today
from ..errors import ConversionError, UsageError
from ..generate import open_valid_ledger
from ..ledger.store import fsync_dir
from ..ledger.workbook import ChangeContext, Row, current_user
from ..lock import locked
from ..pdf.soffice import Soffice
from ..registers import all_registers
from ..registers import get as get_register
from ..registers.units import Units
from ..workspace import Workspace
from . import documents as docs
from .manifest import MANIFEST, VerifyError, VerifyReport, file_entries, verify, write_manifest, write_zip_of
from .papers import Paper
from .pdfmarks import add_mark, add_outline, concat_pdfs, page_number_ops, stamp_ops
from .spec import clean_title, journal_day  # noqa: F401  (re-exported for registers)

RETENTION_WORDS = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
LAYOUT = "2"  # bump when the files a binder is made of change, so a plain run regenerates them


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
    set_aside: Path | None = None  # an altered folder a repair kept aside


def safe_child(root: Path, *parts: str) -> Path:
    """``root/parts…``, refusing any part that would leave ``root`` (``..``, absolute, separators)."""
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or Path(part).is_absolute():
            raise UsageError(f"归档路径中含有不安全的名称“{part}”，已拒绝。", hint="请检查 dangwu.toml 的 [archive] 设置和台账中的名称。")
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root.resolve()):
        raise UsageError(f"归档路径“{'/'.join(parts)}”超出了 archive/ 文件夹，已拒绝。")
    return target


@locked("archive")
def archive(ws: Workspace, year: int, register: str | None = None, *, rebuild: bool = False, repair: bool = False) -> ArchiveResult:
    """File the year's closed items of ``register`` under archive/<year>/<register>/<保管期限>/.

    The folder is built whole in a staging folder beside it and swapped in by renames, so a kill
    leaves either the old sealed folder or the new one. A sealed folder that no longer matches its
    manifest is never re-sealed: the run stops and says what differs, unless ``repair`` is given,
    which keeps the altered folder aside and rebuilds. 件号 and 档号 once issued (in the ledger or
    the last manifest) never change; ``rebuild`` and ``repair`` regenerate the files only.
    """
    reg = get_register(register) if register else all_registers()[0]
    spec, register = reg.archive, reg.name
    if spec is None:
        raise UsageError(f"“{register}”暂不归档。", hint=f"可归档：{'、'.join(r.name for r in all_registers() if r.archive)}。")
    s = ws.settings
    missing = [key for key, table in (("retention", s.retention), ("org_code", s.org_codes)) if register not in table]
    if missing:  # never another register's codes: 档号 must not collide across registers
        lines = "；".join(f'[archive.{key}] 中加一行 "{register}" = …' for key in missing)
        raise UsageError(f"dangwu.toml 中没有“{register}”的归档设置。", hint=f'请在 {lines}（保管期限如 "D30"，机构或问题代码如 "GK"）。')
    retention, org = s.retention[register], s.org_codes[register]
    ledger = open_valid_ledger(ws, for_write=True)
    units = Units.from_ledger(ledger)
    result = ArchiveResult(year, register)
    rows, closed, result.not_closed = spec.items(ledger, year)
    if not closed:
        return result
    base = safe_child(ws.archive, str(year), register)
    folder = safe_child(ws.archive, str(year), register, retention)
    zip_path = base / f"{register}_{retention}.zip"
    _sweep_leftovers(base, retention, zip_path)
    sealed = _sealed_state(folder)
    if sealed is not None and not sealed.ok and not repair:
        raise ArchiveTampered(folder, sealed, year, register)
    previous = _old_manifest(folder)  # its codes count as issued even when the folder was altered
    old = previous if sealed is not None and sealed.ok else {}
    prefix = f"{s.fonds_code}-{s.archive_category}·{year}-{retention}-{org}-"
    codes = previous.get("codes") if isinstance(previous.get("codes"), dict) else {}
    pieces = _number(rows, closed, prefix, codes, reg.sheet.name)
    result.flagged += spec.gather(ws, ledger, units, pieces)
    signature = _signature(pieces, ws, spec)
    result.zip, result.folder = zip_path, folder
    context = ChangeContext(operation="立卷归档")
    if not (rebuild or repair) and sealed is not None and sealed.ok and old.get("signature") == signature:
        pages = old.get("pages", {})
        for piece in pieces:
            piece.pages = int(pages.get(piece.code, 0))
        result.unchanged = True
        result.binder = folder / "装订本.pdf"
        result.entries = [spec.entry(p, units, s) for p in pieces]
        _write_codes(ledger, pieces, context, s)  # a ledger restored from a backup gets its 档号 back
        zip_report = _zip_state(zip_path, folder)
        if zip_report is not None:
            write_zip_of(folder, zip_path, f"{year}/{register}/{retention}")
            detail = "；".join(zip_report) if zip_report else "压缩包不存在"
            result.flagged.append((zip_path.name, f"压缩包与已校验的归档文件夹不一致（{detail}），已按文件夹重新生成"))
        return result
    staging = base / f".{retention}.staging"
    staging.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="dangwu-archive-") as tmp:
        work = Path(tmp)
        for piece in pieces:
            piece.papers += spec.made_papers(piece, work, units, s)
        pdf_of = _to_pdf([p for piece in pieces for p in piece.papers], work, s, spec)
        for piece in pieces:
            piece.pages = _assemble(piece, pdf_of, staging / f"{piece.code}.pdf", s.fonds_code, year, org, retention, spec)
        entries = [spec.entry(p, units, s) for p in pieces]
        words = RETENTION_WORDS.get(retention, retention)
        title = f"{s.fonds_name or s.org_name}{year}年度{register}归档文件目录（保管期限：{words}）"
        front = _front_matter(work, staging, entries, title, s, year, register, retention, pieces, spec.missing_note)
        _binder(staging, front, [staging / f"{p.code}.pdf" for p in pieces], work, entries)
    info = {
        "year": year,
        "register": register,
        "retention": retention,
        "fonds": s.fonds_code,
        "signature": signature,
        "pieces": len(pieces),
        "pages": {p.code: p.pages for p in pieces},
        "codes": {p.row.number: p.code for p in pieces},
    }
    write_manifest(staging, info)
    new_zip = base / f".{zip_path.name}.new"
    write_zip_of(staging, new_zip, f"{year}/{register}/{retention}")
    _write_codes(ledger, pieces, context, s)  # before the swap: a kill after it leaves the codes issued
    result.set_aside = _swap_in(staging, folder, keep_old=sealed is not None and not sealed.ok)
    new_zip.replace(zip_path)
    result.binder, result.entries = folder / "装订本.pdf", entries
    return result


class ArchiveTampered(VerifyError):
    """A sealed archive folder no longer matches its manifest; archive refuses to re-seal it."""

    def __init__(self, folder: Path, report: VerifyReport | None, year: int, register: str):
        lines = report.lines() if report is not None else []
        what = "；".join(lines[:20]) + (f"……共 {len(lines)} 处" if len(lines) > 20 else "")
        super().__init__(
            f"归档文件夹 {folder} 与其封存清单 {MANIFEST} 不一致：{what}。本次未做任何修改，也不会把这些文件封存进归档。",
            hint=(
                "请先查明谁改动了归档文件。确认要按台账重新生成时，运行 "
                f"`dangwu archive --year {year} --register {register} --repair`："
                "已编的件号和档号保持不变，现在的文件夹会改名保留在旁边（名称中带“修复前”）。"
            ),
        )
        self.report = report


def _sealed_state(folder: Path) -> VerifyReport | None:
    """None when there is no folder yet; else how it compares with its manifest (no manifest: not ok)."""
    if not folder.exists():
        return None
    if not (folder / MANIFEST).exists():
        return VerifyReport(missing=[MANIFEST], extra=sorted(e["path"] for e in file_entries(folder)))
    try:
        return verify(folder)
    except VerifyError:
        return VerifyReport(altered=[MANIFEST])


def _zip_state(zip_path: Path, folder: Path) -> list[str] | None:
    """None when the zip holds exactly the folder's sealed files; else what differs ([] if missing)."""
    if not zip_path.exists():
        return []
    try:
        report = verify(zip_path)
        with zipfile.ZipFile(zip_path) as zf:
            inside = next(n for n in zf.namelist() if n.rsplit("/", 1)[-1] == MANIFEST)
            same = zf.read(inside) == (folder / MANIFEST).read_bytes()
    except (VerifyError, zipfile.BadZipFile, OSError, StopIteration):
        return ["压缩包无法读取"]
    if report.ok and same:
        return None
    return report.lines() or ["清单与文件夹中的不同"]


def _sweep_leftovers(base: Path, retention: str, zip_path: Path) -> None:
    """Remove what a killed run left beside the folder: its staging folder, old folder, new zip."""
    for name in (f".{retention}.staging", f".{retention}.old"):
        if (base / name).exists():
            shutil.rmtree(base / name)
    (base / f".{zip_path.name}.new").unlink(missing_ok=True)
    (base / f".{zip_path.name}.tmp").unlink(missing_ok=True)


def _swap_in(staging: Path, folder: Path, *, keep_old: bool) -> Path | None:
    """Put ``staging`` in place of ``folder`` by renames; an altered old folder is kept aside."""
    aside = None
    if folder.exists():
        if keep_old:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = folder.with_name(f"{folder.name}.修复前-{stamp}")
        else:
            aside = folder.with_name(f".{folder.name}.old")
        folder.rename(aside)
    staging.rename(folder)
    fsync_dir(folder.parent)
    if aside is not None and not keep_old:
        shutil.rmtree(aside)
        return None
    return aside


def _write_codes(ledger, pieces: list[Piece], context: ChangeContext, s) -> None:
    """Write each 件's 档号 to the ledger (journalled) and save when anything changed."""
    for piece in pieces:
        if piece.row.text("档号") != piece.code:
            piece.row.set("档号", piece.code, context=context)
    if ledger.pending:
        ledger.save(keep_backups=s.backups)


def _number(rows: list[Row], closed: list[Row], prefix: str, manifest_codes: dict[str, str], sheet: str) -> list[Piece]:
    """件号 for the closed items: a number once issued is kept, new ones follow the highest issued.

    Issued numbers come from the ledger's 档号 (what the archivist has) and, for rows whose 档号 was
    cleared, from the last sealed manifest. New items are numbered in the order the register files them.
    """
    issued_no: dict[str, int] = {}
    for number, code in manifest_codes.items():
        if isinstance(code, str) and code.startswith(prefix) and code[len(prefix) :].isdigit():
            issued_no[number] = int(code[len(prefix) :])
    for r in rows:
        code = r.text("档号")
        if code.startswith(prefix) and code[len(prefix) :].isdigit():
            issued_no[r.number] = int(code[len(prefix) :])
    by_no: dict[int, str] = {}
    sheet_of = {r.number: r.view.name for r in rows}
    for number, no in sorted(issued_no.items()):
        if no in by_no:
            where = "、".join(dict.fromkeys(sheet_of.get(n, sheet) for n in (by_no[no], number)))  # a register may file rows of two sheets
            raise UsageError(
                f"台账 {where} 中 {by_no[no]} 和 {number} 的档号相同（{prefix}{no:04d}），无法归档。",
                hint="请在“档号”列改正其中一项（档号一经编定不应改动，请与档案员核对）后再运行。",
            )
        by_no[no] = number
    next_no = max(issued_no.values(), default=0)
    pieces = []
    for r in closed:
        if r.number in issued_no:
            seq = issued_no[r.number]
        else:
            next_no += 1
            seq = next_no
        pieces.append(Piece(r, seq, f"{prefix}{seq:04d}", []))
    return sorted(pieces, key=lambda p: p.seq)


def _signature(pieces: list[Piece], ws: Workspace, spec) -> str:
    """A digest of everything the binder is made from: codes, ledger values, source files."""
    h = hashlib.sha256()
    for p in pieces:
        values = [p.code] + spec.signature(p.row)
        h.update(json.dumps(values, ensure_ascii=False).encode())
        for paper in p.papers:
            h.update(f"{paper.kind}:{paper.sha256}".encode())
    st = ws.settings
    settings = [LAYOUT, st.fonds_code, st.fonds_name, st.office, st.archive_filer, st.archive_checker]
    h.update(json.dumps(settings, ensure_ascii=False).encode())
    return h.hexdigest()


def _old_manifest(folder: Path) -> dict:
    """The previous run's manifest, or {}."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _to_pdf(papers: list[Paper], work: Path, settings, spec) -> dict[Path, Path]:
    """A PDF for every paper: returned PDFs as they are, Word files converted in one batch per core."""
    out: dict[Path, Path] = {}
    todo: list[tuple[Paper, Path]] = []
    for i, paper in enumerate(papers):
        src = paper.source
        if src.suffix.lower() == ".pdf":
            out[src] = src
            continue
        ready = src.with_suffix(".pdf")
        if ready.exists() and ready.stat().st_mtime >= src.stat().st_mtime and spec.printed(paper):
            out[src] = ready  # printed with generate --pdf
            continue
        staged = work / "src" / f"p{i:05d}.docx"
        staged.parent.mkdir(exist_ok=True)
        shutil.copyfile(src, staged)
        todo.append((paper, staged))
    if todo:
        half = (len(todo) + 1) // 2
        groups = [[s for _, s in todo[:half]], [s for _, s in todo[half:]]] if len(todo) >= 16 else [[s for _, s in todo]]
        try:
            Soffice(settings.soffice_path, max(settings.pdf_timeout, 30 * len(groups[0]) // 10 + 60)).convert_groups(groups, work / "pdf")
        except ConversionError as exc:
            raise _in_paper_terms(exc, todo) from exc
        for paper, staged in todo:
            out[paper.source] = work / "pdf" / f"{staged.stem}.pdf"
    return out


def _in_paper_terms(exc: ConversionError, todo: list[tuple[Paper, Path]]) -> ConversionError:
    """The failure told about the clerk's papers, not the staged copies (p00001.docx) no one can open."""
    failed = [paper.source.name for paper, staged in todo if f"{staged.stem}.pdf" in exc.message]
    if not failed:
        return exc  # LibreOffice missing or timed out: the message names no staged file
    listed = "、".join(failed[:5]) + (f"等 {len(failed)} 个文件" if len(failed) > 5 else "")
    return ConversionError(f"LibreOffice 未能把这些文件转换为 PDF：{listed}。本次未归档。", hint=exc.hint)


def _assemble(piece: Piece, pdf_of: dict[Path, Path], target: Path, fonds: str, year: int, org: str, retention: str, spec) -> int:
    """One 件 PDF: its papers in order, the 归档章 on the first page; returns the page count."""
    writer = PdfWriter()
    for paper in piece.papers:
        writer.append(PdfReader(str(pdf_of[paper.source])))
    pages = len(writer.pages)
    add_mark(writer, writer.pages[0], stamp_ops(writer.pages[0], [fonds, str(year), f"{piece.seq:04d}"], [org, retention, str(pages)]))
    writer.add_metadata({"/Title": piece.code, "/Subject": spec.subject(piece.row), "/Keywords": piece.code})
    _write_pdf(writer, target)
    return pages


def _write_pdf(writer: PdfWriter, target: Path) -> None:
    """Write a PDF through a temp file and rename it into place."""
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    tmp.replace(target)


def _front_matter(
    work: Path, folder: Path, entries, title: str, s, year: int, register: str, retention: str, pieces, missing_note: str
) -> list[Path]:
    """Cover, catalogue (.xlsx and .pdf) and 备考表 PDFs in ``folder``; one LibreOffice call."""
    names = {"cover": "封面", "catalogue": "归档文件目录", "reference": "备考表"}
    docs.cover(
        work / "cover.docx",
        {
            "全宗号": s.fonds_code,
            "全宗名称": s.fonds_name or s.org_name,
            "年度": str(year),
            "保管期限": RETENTION_WORDS.get(retention, retention),
            "机构（问题）": s.org_names.get(register, register),
        },
    )
    docs.catalogue_docx(work / "catalogue.docx", title, entries)
    missing = [p.code for p in pieces if missing_note in p.notes]
    pages = sum(p.pages for p in pieces)
    note = f"本盒共{len(entries)}件，{pages}页，件号{entries[0].seq:04d}至{entries[-1].seq:04d}。"
    if missing:
        note += f"其中{len(missing)}件{missing_note}：{'、'.join(missing)}。"
    filer = s.archive_filer or current_user()  # as review records 审核人: DANGWU_USER, else the login name
    docs.reference_sheet(
        work / "reference.docx",
        {"盒内文件情况说明": note, "整理人": filer, "整理日期": cn_date(today()), "检查人": s.archive_checker, "检查日期": ""},
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


def _binder(folder: Path, front: list[Path], pieces: list[Path], work: Path, entries=()) -> Path:
    """Cover + catalogue + every 件 + 备考表 in one PDF, with page numbers and bookmarks.

    The cover carries no number; the catalogue's first page is 1. Each part gets its page numbers
    on its own (pypdf, one small file at a time); PDFium then copies the numbered parts into one
    document. Holding the whole binder in pypdf would take ~1.5 MB of Python objects per 件 (450 MB
    for 300) and several times as long. Bookmarks (one per part, one per 件 under 归档文件) and the
    title are then added by a small incremental update.
    """
    cover, catalogue, reference = front
    numbered, starts, number, index = [], [], 1, 0
    for i, src in enumerate([cover, catalogue, *pieces, reference]):
        writer = PdfWriter()
        writer.append(PdfReader(str(src)))
        if i > 0:
            for page in writer.pages:
                add_mark(writer, page, page_number_ops(page, number))
                number += 1
        starts.append(index)
        index += len(writer.pages)
        numbered.append(work / "binder" / f"{i:05d}.pdf")
        numbered[-1].parent.mkdir(exist_ok=True)
        _write_pdf(writer, numbered[-1])
    target = folder / "装订本.pdf"
    concat_pdfs(numbered, target)
    titles = {e.code: f"{e.code[-4:]}　{e.title}" for e in entries}
    children = [(titles.get(p.stem, p.stem), start) for p, start in zip(pieces, starts[2:-1])]
    outline = [("封面", starts[0], []), ("归档文件目录", starts[1], [])]
    if children:
        outline.append(("归档文件", children[0][1], children))
    outline.append(("备考表", starts[-1], []))
    add_outline(target, outline, title="装订本")
    return target
