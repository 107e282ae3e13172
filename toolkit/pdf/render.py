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
        written = []
        for job in jobs:
            idx = pages.get(job.identity)
            if not idx:
                continue
            dst = pdfium.PdfDocument.new()
            dst.import_pages(src, idx)
            _save_atomic(dst, job.pdf)
            dst.close()
            written.append(job.pdf)
        return written
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


def make_pdfs(template: CompiledTemplate, jobs: list[PdfJob], settings, merged_pdf: Path | None = None) -> PdfResult:
    """Convert the batch to one PDF per job (and optionally one print PDF); never raises for LibreOffice."""
    result = PdfResult()
    if not jobs:
        return result
    try:
        soffice = Soffice(settings.soffice_path, settings.pdf_timeout)
        groups_n = max(1, min(os.cpu_count() or 1, 2, len(jobs) // MIN_PER_GROUP))
        size = -(-len(jobs) // groups_n)
        groups = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        with tempfile.TemporaryDirectory(prefix="dangwu-pdf-") as tmp:
            tmpdir = Path(tmp)
            docs = []
            for gi, group in enumerate(groups):
                path = tmpdir / f"batch{gi}.docx"
                with open(path, "wb") as fh:
                    template.write_parts(fh, merged_parts(template, [j.context for j in group]), {"title": "print batch"}, {})
                docs.append([path])
            try:
                pdfs = [out[0] for out in soffice.convert_groups(docs, tmpdir / "pdf")]
            except ConversionError as exc:
                raise _in_document_terms(exc, docs, len(jobs)) from exc
            for pdf, group in zip(pdfs, groups):
                result.written += split_by_identity(pdf, group)
            if merged_pdf is not None:
                concatenate(pdfs, merged_pdf)
                result.written.append(merged_pdf)
    except ConversionError as exc:
        result.error = exc
    done = set(result.written)
    result.missing = [j.pdf for j in jobs if j.pdf not in done]
    if result.missing and result.error is None:
        result.error = ConversionError(
            f"有 {len(result.missing)} 份 PDF 未能从转换结果中分出。", hint="请检查模板页脚是否保留了 {{ 识别码 }}。"
        )
    return result
