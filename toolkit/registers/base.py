"""What a register is: the interface every register package provides to the shared pipelines.

A register (督查督办, 党务公开, 联系服务群众 …) is one package under ``toolkit/registers/`` whose
``__init__`` defines ``REGISTER``, an instance of a ``Register`` subclass. The pipelines — generate,
ingest, status, report, archive, check, the command line — find registers through the registry
(``toolkit.registers``) by name, alias or form kind, and call only what is declared here; none of
them names a register. Every hook has a default that does nothing, so a register implements what
its rule needs. docs/architecture.md lists the steps to add one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..ledger import schema as S

if TYPE_CHECKING:  # pragma: no cover
    from ..forms.kinds import FormKind
    from ..ledger.validate import Problem
    from ..ledger.workbook import ChangeContext, Ledger, Row
    from ..workspace import Workspace
    from .units import Units

# What a returned form did (the ingest outcome's result), shared by every register
APPLIED, UNCHANGED, RECORDED = "已更新", "无变化", "已登记"


@dataclass
class Applied:
    """What applying one returned form did: the outcome's result and message, the rows it changed."""

    result: str
    message: str
    rows: list = field(default_factory=list)


@dataclass
class ArchiveEntry:
    """One catalogue row (DA/T 22): responsible body, document number, title, date, notes."""

    responsible: str
    doc_no: str
    title: str
    date: Any
    notes: list[str] = field(default_factory=list)


class Register:
    """A register's rules behind the shared pipelines. Subclasses set the attributes and override hooks."""

    name: str = ""  # Chinese name, as --register takes it and archive/ folders use it: 督查督办
    alias: str = ""  # short ASCII alias for --register: supervision
    sheet: S.Sheet  # the register's main sheet: one row per item, its number column, 档号
    sheets: tuple[S.Sheet, ...] = ()  # every sheet it owns, main first (checked by `dangwu check`)
    kinds: tuple[FormKind, ...] = ()  # the form kinds it generates (codes unique across registers)
    prefix_key: str = ""  # key of [numbering] in dangwu.toml holding its number prefix (DB, GK …)
    prefix_default: str = ""  # the prefix when the workspace's settings do not name one
    templates: tuple[tuple[str, frozenset[str]], ...] = ()  # other templates (reports…): path, fields; checked
    settings_toml: str = ""  # its own section of a new workspace's dangwu.toml (read back with settings.section)

    # ---- ledger

    def check_row(self, sheet: S.Sheet, row: Row, units: Units) -> list[Problem]:
        """Cross-field problems of one row of one of its sheets (single cells are checked by the schema)."""
        return []

    def assign_numbers(self, ledger: Ledger, settings, context: ChangeContext, rows) -> list[str]:
        """Number the ``rows`` a command works on that have no number yet; the new numbers."""
        from .numbering import assign_numbers, prefix

        return assign_numbers(ledger.sheet(self.sheet.name), prefix(settings, self.prefix_key, self.prefix_default), context, rows)

    def find_row(self, ledger: Ledger, number: str) -> Row | None:
        """The main sheet's row with this number."""
        return ledger.sheet(self.sheet.name).by_number().get(number)

    # ---- forms coming back

    def apply_returned(self, ws: Workspace, ledger: Ledger, units: Units, ident, kind: FormKind, form, context: ChangeContext) -> Applied:
        """Check one returned form of one of its kinds and apply it; FormRejected (ledger untouched) when it cannot be."""
        from ..errors import FormRejected

        raise FormRejected(f"“{kind.title}”不接收交回的表单。", hint="请核对交回的文件。")

    # ---- state shown to the clerk

    def refresh_warnings(self, ledger: Ledger, rows, settings) -> int:
        """Rewrite the warning cells of ``rows`` after a command changed them; how many changed."""
        return 0

    yearly = False  # its status summary is of one year: `status --year` is passed to ``status`` as ``year``

    def status(self, ws: Workspace, ledger: Ledger):
        """The register's summary for `dangwu status`, or None: an object with ``lines()``, ``as_dict()``,
        ``paints`` ((row, column, text, fill) of its warning cells as they should read; the pipeline
        writes them all in one save) and ``ledger_note`` (set by the pipeline when they could not be)."""
        return None

    # ---- report and archive

    report_options: tuple = ()  # its own `dangwu report` options (click.Option), passed to ``report`` as keywords

    def report(self, ws: Workspace, year: int, half: int | None = None, **options):
        """(figures, workbook path, report .docx path — or a list of them) for `dangwu report`; UsageError when it has none."""
        from ..errors import UsageError

        raise UsageError(f"“{self.name}”暂无工作报告。")

    def report_pdf(self, ws: Workspace, docx_path: Path) -> Path:
        """The report document as PDF."""
        from ..errors import UsageError

        raise UsageError(f"“{self.name}”暂无工作报告。")

    archive = None  # an ArchiveSpec (toolkit.archive.spec) when the register files its items
    archive_defaults: tuple[str, str, str] = ()  # a new workspace's 保管期限, 机构(问题) code and name for it

    # ---- command line

    def commands(self) -> list:
        """Its own click commands (e.g. `review`), added to `dangwu` beside the shared ones."""
        return []

    def plan_commands(self) -> list:
        """Its `dangwu plan` subcommands (e.g. `plan disclosure --quarter 2027Q1`): rows the rule requires."""
        return []

    def __repr__(self) -> str:
        return f"<register {self.name}>"
