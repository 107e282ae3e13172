"""Print-ready PDFs for a batch: merge the batch, convert it with LibreOffice (both cores), split by identity.

One LibreOffice call on one merged document is far faster than a call per file; each page's
footer carries the identity line, so the merged PDF is cut back into one PDF per document
without guessing page counts.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from pypdf import PdfReader

from ..errors import ConversionError
from ..forms.identity import Identity
from ..forms.merge import merged_parts
from ..forms.template import CompiledTemplate
from .soffice import Soffice

MIN_PER_GROUP = 8  # below this, a second LibreOffice process costs more than it saves


@dataclass
class PdfJob:
    """One document to print: its rendered context, identity and target PDF path."""

    context: dict
    identity: str
    pdf: Path
    docx: Path | None = None  # a finished document converted as it is (e.g. with a merged-in body)


@dataclass
class PdfResult:
    """PDFs written, the ones missing, and the error that made them missing."""

    written: list[Path] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)
    error: ConversionError | None = None


def page_identities(pdf: pdfium.PdfDocument) -> list[Identity | None]:
    """The identity printed on each page (None where a page shows none)."""
    out = []
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        text = textpage.get_text_range().replace("\r", "").replace("\n", "")
        out.append(Identity.parse(text))
        textpage.close()
        page.close()
    return out


def split_by_identity(pdf_path: Path, jobs: list[PdfJob]) -> list[Path]:
    """Cut a merged PDF into one file per job; pages without an identity belong to the one before."""
    src = pdfium.PdfDocument(str(pdf_path))
    try:
        pages: dict[str, list[int]] = {}
        current = None
        for i, ident in enumerate(page_identities(src)):
            if ident is not None:
                current = str(ident)
            if current is not None:
                pages.setdefault(current, []).append(i)
        return _write_parts(src, [(job.pdf, pages.get(job.identity)) for job in jobs])
    finally:
        src.close()


def _write_parts(src: pdfium.PdfDocument, parts: list[tuple[Path, list[int] | None]]) -> list[Path]:
    """Each (target, page indexes) of ``src`` saved as a PDF of its own; parts without pages are left out."""
    written = []
    for target, idx in parts:
        if not idx:
            continue
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, idx)
        _save_atomic(dst, target)
        dst.close()
        written.append(target)
    return written


MARK = "dangwuDoc"  # bookmark names marking where each document of a batch begins
PDF_MARKS = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'


def split_by_marks(pdf_path: Path, jobs: list[PdfJob]) -> list[Path]:
    """Cut a merged PDF into one file per job by the named destinations its bookmarks became.

    Used for documents that show no identity (public announcements): nothing visible is needed.
    """
    reader = PdfReader(str(pdf_path))
    starts = {}
    for name, dest in reader.named_destinations.items():
        key = name.lstrip("/")
        if key.startswith(MARK) and key[len(MARK) :].isdigit():
            starts[int(key[len(MARK) :])] = reader.get_destination_page_number(dest)
    total = len(reader.pages)
    if sorted(starts) != list(range(len(jobs))):
        return []
    bounds = [starts[i] for i in range(len(jobs))] + [total]
    if any(a >= b for a, b in zip(bounds, bounds[1:])):
        return []
    src = pdfium.PdfDocument(str(pdf_path))
    try:
        return _write_parts(src, [(job.pdf, list(range(bounds[i], bounds[i + 1]))) for i, job in enumerate(jobs)])
    finally:
        src.close()


def concatenate(pdfs: list[Path], target: Path) -> None:
    """Join PDFs page by page into ``target``."""
    dst = pdfium.PdfDocument.new()
    for p in pdfs:
        src = pdfium.PdfDocument(str(p))
        dst.import_pages(src)
        src.close()
    _save_atomic(dst, target)
    dst.close()


def _save_atomic(doc: pdfium.PdfDocument, target: Path) -> None:
    """Save a pdfium document through a temp file and rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".pdf.tmp", dir=target.parent)
    os.close(fd)
    try:
        doc.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _in_document_terms(exc: ConversionError, docs: list[list[Path]], count: int) -> ConversionError:
    """The failure told about the clerk's documents, not the temporary batch files no one can open."""
    internal = {p.name for group in docs for p in group} | {p.with_suffix(".pdf").name for group in docs for p in group}
    if not any(name in exc.message for name in internal):
        return exc  # e.g. LibreOffice missing or timed out: the message names no batch file
    code = re.search(r"退出码 (-?\d+)", exc.message)
    reason = f"（退出码 {code.group(1)}）" if code else ""
    return ConversionError(f"LibreOffice 转换失败{reason}：这 {count} 份表单的 PDF 未能生成。", hint=exc.hint)


def make_pdfs(template: CompiledTemplate, jobs: list[PdfJob], settings, merged_pdf: Path | None = None, visible: bool = True) -> PdfResult:
    """Convert the batch to one PDF per job (and optionally one print PDF); never raises for LibreOffice.

    Documents made from the template alone are merged and converted in one go, then cut apart by
    the identity each page shows (``visible``) or, for documents that show none, by bookmarks.
    Finished documents (``PdfJob.docx``: a body merged in) are converted as they are.
    """
    result = PdfResult()
    if not jobs:
        return result
    try:
        soffice = Soffice(settings.soffice_path, settings.pdf_timeout)
        whole = [j for j in jobs if j.docx is None]
        files = [j for j in jobs if j.docx is not None]
        groups_n = max(1, min(os.cpu_count() or 1, 2, len(whole) // MIN_PER_GROUP))
        size = max(1, -(-len(whole) // groups_n))
        groups = [whole[i : i + size] for i in range(0, len(whole), size)]
        with tempfile.TemporaryDirectory(prefix="dangwu-pdf-") as tmp:
            tmpdir = Path(tmp)
            docs = []
            for gi, group in enumerate(groups):
                path = tmpdir / f"batch{gi}.docx"
                marks = None if visible else [f"{MARK}{i}" for i in range(len(group))]
                with open(path, "wb") as fh:
                    template.write_parts(fh, merged_parts(template, [j.context for j in group], marks), {"title": "print batch"}, {})
                docs.append([path])
            singles = []
            for k, job in enumerate(files):  # copies under plain names: LibreOffice names its output after its input
                copy = tmpdir / f"single{k}.docx"
                copy.write_bytes(job.docx.read_bytes())
                singles.append(copy)
            if singles:
                docs.append(singles)
            target = "pdf" if visible else PDF_MARKS
            try:
                converted = soffice.convert_groups(docs, tmpdir / "pdf", target) if docs else []
            except ConversionError as exc:
                raise _in_document_terms(exc, docs, len(jobs)) from exc
            pdfs = [out[0] for out in converted[: len(groups)]]
            for pdf, group in zip(pdfs, groups):
                result.written += split_by_identity(pdf, group) if visible else split_by_marks(pdf, group)
            for pdf, job in zip(converted[len(groups) :][0] if singles else [], files):
                job.pdf.parent.mkdir(parents=True, exist_ok=True)
                tmp_target = job.pdf.with_name(f".{job.pdf.name}.tmp")
                tmp_target.write_bytes(pdf.read_bytes())
                os.replace(tmp_target, job.pdf)
                result.written.append(job.pdf)
            if merged_pdf is not None:
                done = set(result.written)
                concatenate([j.pdf for j in jobs if j.pdf in done], merged_pdf)
                result.written.append(merged_pdf)
    except ConversionError as exc:
        result.error = exc
    done = set(result.written)
    result.missing = [j.pdf for j in jobs if j.pdf not in done]
    if result.missing and result.error is None:
        result.error = ConversionError(
            f"有 {len(result.missing)} 份 PDF 未能从转换结果中分出。",
            hint="请检查模板页脚是否保留了 {{ 识别码 }}。" if visible else "请检查模板是否被改动（每份文书须从正文开始），或改为逐份生成。",
        )
    return result
