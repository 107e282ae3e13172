"""The generate pipeline: check the ledger, compile the template, plan, write documents, update the ledger."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LedgerInvalid, TemplateError, UsageError
from .forms.identity import PROPERTY, Identity, fingerprint, normalise
from .forms.kinds import KINDS, FormKind
from .forms.template import CompiledTemplate, docx_text
from .ledger.store import default_mode
from .ledger.validate import check_ledger, errors_of
from .ledger.workbook import ChangeContext, Ledger
from .registers import supervision as sup
from .registers.units import Units
from .workspace import Workspace


@dataclass
class Generated:
    """One document written (or, in a dry run, planned)."""

    number: str
    unit: str
    role: str
    path: Path
    identity: str


@dataclass
class GenerateResult:
    """What a generate run did."""

    kind: str
    documents: list[Generated] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    numbered: list[str] = field(default_factory=list)
    dry_run: bool = False


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
    if "识别码" not in template.fields:
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
    progress=None,
) -> GenerateResult:
    """Generate one form per recipient for the selected items, then save the ledger once."""
    kind = KINDS.get(kind_code)
    if kind is None:
        raise UsageError(f"未知的表单类型“{kind_code}”。", hint=f"可用：{'、'.join(KINDS)}。")
    ledger = open_valid_ledger(ws, for_write=not dry_run)
    template = compile_kind(ws, kind)
    context = ChangeContext(operation=f"generate {kind_code}")
    result = GenerateResult(kind=kind.title, dry_run=dry_run)
    if not dry_run:
        result.numbered = sup.assign_numbers(ledger, ws.settings.prefixes["supervision"], context)
    units = Units.from_ledger(ledger)
    jobs, result.skipped = sup.select_for_notice(ledger, units, ids=ids, unit=unit, force=force)
    outdir = ws.outbox / kind.outdir
    for row, name, role in progress(jobs) if progress else jobs:
        values = kind.values(row, units, name, role, ws.settings)
        ident = Identity(kind.code, row.number or "(待编号)", normalise(name), role, fingerprint(values, kind.prefilled))
        path = outdir / kind.filename(row.number or "待编号", name, role)
        result.documents.append(Generated(row.number, name, role, path, str(ident)))
        if dry_run:
            continue
        values["识别码"] = str(ident)
        write_document(template, path, values, kind, ident, ws.settings.org_name)
        sup.mark_notified(row, role, context)
    if not dry_run and ledger.pending:
        ledger.save(keep_backups=ws.settings.backups)
    return result


def write_document(template: CompiledTemplate, path: Path, values: dict, kind: FormKind, ident: Identity, author: str) -> None:
    """Render one document and put it in place atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    context = {k: docx_text(v) for k, v in values.items()}
    core = {
        "title": f"{kind.title} {ident.number} {ident.unit}",
        "subject": f"{kind.register.name} {kind.title}",
        "creator": author,
        "keywords": str(ident),
        "description": "dangwu",
    }
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".docx.tmp", dir=path.parent)
    try:
        os.chmod(tmp, default_mode())
        with os.fdopen(fd, "wb") as fh:
            template.write(fh, context, core, {PROPERTY: str(ident)})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
