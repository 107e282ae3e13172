"""The generate pipeline: check the ledger, compile the template, plan, write documents, update the ledger."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .dates import today
from .errors import LedgerInvalid, TemplateError, ToolkitError, UsageError, write_failed
from .forms.compose import concatenate_documents, insert_body
from .forms.identity import PROPERTY, Identity, fingerprint, normalise
from .forms.kinds import FormKind
from .forms.merge import merged_parts
from .forms.template import CompiledTemplate, docx_text
from .ledger.validate import check_ledger, errors_of
from .ledger.workbook import ChangeContext, Ledger
from .lock import crash_point, die_with_parent, workspace_lock
from .pdf.render import PdfJob, PdfResult, make_pdfs
from .registers import all_kinds, by_command
from .registers.units import Units
from .workspace import Workspace

WRITERS = 2  # zlib and file writes overlap with rendering; more threads only contend on 2 cores
PROCESSES_FROM = 200  # documents: below this, starting writer processes costs more than it saves
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()  # the template is inherited, not pickled


@dataclass
class Generated:
    """One document written (or, in a dry run, planned)."""

    number: str
    unit: str
    role: str
    path: Path
    identity: str
    composed: bool = False  # a body document was merged in: printed from the file itself


@dataclass
class GenerateResult:
    """What a generate run did."""

    kind: str
    documents: list[Generated] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)
    dry_run: bool = False
    merged: Path | None = None
    pdf: PdfResult | None = None
    contexts: list[dict] = field(default_factory=list)  # each written document's values, 识别码 included


def register_of(kind: FormKind):
    """The register a form kind belongs to."""
    return by_command(kind.code)[0]


def compile_kind(ws: Workspace, kind: FormKind) -> CompiledTemplate:
    """Compile the kind's template and make sure every label the intake reads is in it."""
    template = CompiledTemplate(ws.template_path(kind.template), set(kind.fields))
    text = normalise(template.text)
    missing = [label for label in kind.prefilled + kind.feedback if label not in text]
    if missing:
        raise TemplateError(
            f"模板 {template.path.name} 缺少表格栏目：{'、'.join(missing)}。",
            hint="回收表单时按这些栏目名读取内容，请在模板表格中保留这些标签单元格。",
        )
    if kind.visible_identity and "识别码" not in template.fields:
        raise TemplateError(
            f"模板 {template.path.name} 中没有 {{{{ 识别码 }}}} 标签。", hint="识别码用于回收时匹配台账，请在页脚或正文中保留。"
        )
    return template


def open_valid_ledger(ws: Workspace, *, for_write: bool) -> Ledger:
    """Load the ledger and refuse to go on when ``check`` finds errors."""
    ledger = Ledger.load(ws.ledger_path, for_write=for_write)
    problems = errors_of(check_ledger(ledger))
    if problems:
        raise LedgerInvalid(problems)
    return ledger


def generate(
    ws: Workspace,
    kind_code: str = "notice",
    *,
    ids=(),
    unit: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    pdf: bool = False,
    merge: bool = False,
    progress=None,
    options: dict | None = None,
) -> GenerateResult:
    """Generate one form per recipient for the selected items, save the ledger once, then print files.

    ``options``: the values of the kind's own options (FormKind.options), given to its ``select``
    with the workspace under ``"workspace"``.
    """
    _, kind = by_command(kind_code)
    if kind is None:
        raise UsageError(
            f"未知的表单类型“{kind_code}”。", hint=f"可用：{'、'.join(k.command_name for k in all_kinds().values() if k.subcommand)}。"
        )
    if kind.route is not None:  # the options choose the form (and template) actually written
        kind = kind.route(options or {})
    with contextlib.nullcontext() if dry_run else workspace_lock(ws.root, f"generate {kind_code}"):
        result, template = _generate(ws, kind, ids, unit, force, dry_run, progress, options)
    if not dry_run:  # the ledger is saved: printing (LibreOffice, up to minutes) does not hold up other commands
        _print_files(ws, kind, template, result, pdf=pdf, merge=merge)
    return result


def _generate(ws: Workspace, kind: FormKind, ids, unit, force, dry_run, progress, options=None) -> tuple[GenerateResult, CompiledTemplate]:
    """Select, number, write the documents and save the ledger (under the workspace lock unless a dry run)."""
    ledger = open_valid_ledger(ws, for_write=not dry_run)
    template = compile_kind(ws, kind)
    context = ChangeContext(operation=f"生成{kind.title}")
    result = GenerateResult(kind=kind.title, dry_run=dry_run)
    units = Units.from_ledger(ledger)
    own = {"options": {**(options or {}), "workspace": ws}} if kind.options or options else {}
    jobs, result.skipped = kind.select(ledger, units, ids=ids, unit=unit, force=force, settings=ws.settings, **own)
    if not dry_run:  # only the rows this command works on are numbered
        result.numbered = register_of(kind).assign_numbers(ledger, ws.settings, context, [job[0] for job in jobs])
    outdir = ws.outbox / kind.outdir
    try:
        before = set(os.listdir(outdir))  # files a failed run must not delete
    except OSError:
        before = set()
    try:
        ledger_bytes = _write_documents(ws, kind, ledger, units, template, jobs, outdir, context, result, dry_run, progress)
        if ledger_bytes is not None and not dry_run:
            ledger.save(keep_backups=ws.settings.backups, data=ledger_bytes)
    except BaseException as exc:
        _roll_back(result.documents, before, exc)
        raise
    return result, template


def _print_files(ws: Workspace, kind: FormKind, template: CompiledTemplate, result: GenerateResult, *, pdf: bool, merge: bool) -> None:
    """The batch's merged print file and PDFs (the .docx files and the ledger are already saved)."""
    contexts = [{k: docx_text(v) for k, v in values.items()} for values in result.contexts] if merge or pdf else []
    if merge and contexts:
        result.merged = ws.outbox / "打印" / f"{kind.title}_合并打印_{today():%Y%m%d}-{dt.datetime.now():%H%M%S}.docx"
        core = {"title": f"{kind.title} 合并打印", "creator": ws.settings.org_name}
        if any(d.composed for d in result.documents):  # bodies merged in: join the finished files
            _put_bytes(result.merged, concatenate_documents([d.path for d in result.documents]))
        else:
            _put_bytes(result.merged, template.to_bytes(merged_parts(template, contexts), core, {}))
    if pdf and contexts:
        pdf_jobs = [
            PdfJob(c, d.identity, d.path.with_suffix(".pdf"), d.path if d.composed else None) for c, d in zip(contexts, result.documents)
        ]
        merged_pdf = result.merged.with_suffix(".pdf") if result.merged else None
        result.pdf = make_pdfs(template, pdf_jobs, ws.settings, merged_pdf, visible=kind.visible_identity)


def _roll_back(documents: list[Generated], before: set[str], exc: BaseException) -> None:
    """After a failure before or during the ledger save: delete the documents this run added to outbox/.

    Documents that replaced files already there cannot be taken back; the error message says so,
    so that "nothing was changed" is only ever said when it is true.
    """
    replaced = 0
    for d in documents:
        if d.path.name in before:
            replaced += 1
            continue
        try:
            d.path.unlink(missing_ok=True)
        except OSError:
            replaced += 1
    if replaced and isinstance(exc, ToolkitError):
        exc.message = exc.message.replace("本次未做任何修改。", "台账未作修改，本次新写的表单已删除。")
        exc.message += f"但 outbox/ 中原有的 {replaced} 份同名表单已被本次重新生成的内容覆盖。"


def _write_documents(ws, kind, ledger, units, template, jobs, outdir, context, result, dry_run, progress) -> bytes | None:
    """Plan every document, have the writers write them, and serialise the ledger meanwhile."""
    with DocumentWriter(template, 0 if dry_run else len(jobs), progress) as writer:
        for row, name, role, extra in jobs:
            values = kind.values(row, units, name, role, ws.settings, extra)
            ident = Identity(kind.code, row.number or "(待编号)", normalise(name), role, fingerprint(values, kind.prefilled))
            label = kind.file_label(row, name) if kind.file_label else name
            path = outdir / kind.filename(row.number or "待编号", label, role)
            body = extra.get("body") if isinstance(extra, dict) else None  # an item's own document, merged in
            result.documents.append(Generated(row.number, name, role, path, str(ident), composed=body is not None))
            if dry_run:
                continue
            if kind.visible_identity:
                values["识别码"] = str(ident)
            result.contexts.append(values)
            task = (path, values, _core(kind, ident, ws.settings.org_name), str(ident))
            writer.add(task + (body,) if body is not None else task)  # writers start at once
            kind.mark(row, role, extra, context)
        if dry_run:
            return None
        register_of(kind).refresh_warnings(ledger, [job[0] for job in jobs], ws.settings)  # e.g. 预警 of the rows notified
        ledger_bytes = ledger.serialise() if ledger.pending else None  # overlaps with the writers
        crash_point("writing")
        writer.wait()  # a failed document stops here, before the ledger is saved
    return ledger_bytes


class DocumentWriter:
    """Renders, zips and writes a batch of documents while the caller does other work.

    Large batches (``total`` ≥ PROCESSES_FROM) go to one process per core, forked so the compiled
    template is inherited, not sent; tasks are sent in chunks as soon as ``add`` has enough, so the
    writers start while the caller is still planning (and then saving the ledger). Small batches are
    written in ``wait()`` by writer threads: rendering in the calling thread, zlib and file writes
    overlapping with it. ``wait()`` re-raises the first failure.
    """

    def __init__(self, template: CompiledTemplate, total: int, progress=None):
        self.template, self.total, self.progress = template, total, progress
        self.cores = os.cpu_count() or 1
        self.tasks: list[tuple] = []
        self.pool = None
        self.futures: list = []
        self.chunk = max(16, min(128, total // (self.cores * 4) or 1))
        if total >= PROCESSES_FROM and self.cores >= 2 and CAN_FORK:
            global _WORKER_TEMPLATE
            _WORKER_TEMPLATE = template
            self.pool = ProcessPoolExecutor(
                max_workers=self.cores, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),)
            )

    def __enter__(self) -> DocumentWriter:
        return self

    def add(self, task: tuple) -> None:
        """One document to write: (path, values, core properties, identity)."""
        self.tasks.append(task)
        if self.pool is not None and len(self.tasks) >= self.chunk:
            self._submit()

    def _submit(self) -> None:
        if self.tasks:
            self.futures.append((self.pool.submit(_write_chunk, self.tasks), len(self.tasks)))
            self.tasks = []

    def wait(self) -> None:
        """Write (or finish writing) every document; the first failure is raised."""
        if self.pool is None:
            with ThreadPoolExecutor(max_workers=WRITERS) as threads:
                futures = []
                for path, values, core, ident, *body in self.progress(self.tasks) if self.progress else self.tasks:
                    parts = self.template.render_parts({k: docx_text(v) for k, v in values.items()})
                    futures.append(threads.submit(_zip_and_put, self.template, path, parts, core, ident, *body))
                for f in futures:
                    f.result()
            return
        self._submit()
        counted = _Counted(self.futures)  # iterating calls result(): failures raise here
        for _ in self.progress(counted) if self.progress else counted:
            pass

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _Counted:
    """(future, size) of document chunks, iterated in order, one item per document (for a progress bar)."""

    def __init__(self, futures: list[tuple]):
        self.futures = futures

    def __len__(self) -> int:
        return sum(n for _, n in self.futures)

    def __iter__(self):
        for f, _ in self.futures:
            yield from range(f.result())


_WORKER_TEMPLATE: CompiledTemplate | None = None  # set before forking the writer processes


def _write_chunk(chunk: list[tuple]) -> int:
    """In a writer process: render, zip and write each task of the chunk; the number written."""
    for task in chunk:
        write_document(_WORKER_TEMPLATE, *task)
    return len(chunk)


def _core(kind: FormKind, ident: Identity, author: str) -> dict:
    """Core properties of a generated form: title, subject, and the identity as keywords."""
    return {
        "title": f"{kind.title} {ident.number} {ident.unit}",
        "subject": f"{kind.register.name} {kind.title}",
        "creator": author,
        "keywords": str(ident),
        "description": "dangwu",
    }


def _zip_and_put(template: CompiledTemplate, path: Path, parts: dict, core: dict, ident: Identity, body: Path | None = None) -> None:
    """Compress (zlib runs outside the GIL) and write one document; called from writer threads."""
    data = template.to_bytes(parts, core, {PROPERTY: str(ident)})
    _put_bytes(path, insert_body(data, body) if body is not None else data)


def _put_bytes(path: Path, data: bytes) -> None:
    """Write a finished file through ``.name.tmp`` and rename it into place (no torn documents)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:  # full disk, read-only outbox/: a message, not a traceback (the ledger is saved after)
        raise write_failed(exc, path, "表单", changed="本次未做任何修改。") from exc


def write_document(template: CompiledTemplate, path: Path, values: dict, core: dict, ident: str, body: Path | None = None) -> None:
    """Render, zip and put one document in place: what each writer process does per document."""
    parts = template.render_parts({k: docx_text(v) for k, v in values.items()})
    _zip_and_put(template, path, parts, core, ident, body)
