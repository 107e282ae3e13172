"""Form kinds: a template, the fields it shows, the fields that come back, and where files go.

Each register declares its kinds (``Register.kinds``, e.g. toolkit/registers/supervision/kinds.py);
the plumbing (rendering, identity, intake) is shared. ``KINDS`` (code → kind, every register's)
and the kinds themselves by name are looked up through the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..ledger import schema as S


@dataclass(frozen=True)
class FormKind:
    """One kind of generated form."""

    code: str  # [a-z_]+, unique across registers: goes into the identity
    title: str  # Chinese name: 督查督办通知单
    register: S.Sheet  # the sheet whose rows the forms are about
    template: str  # path under templates/
    fields: tuple[str, ...]  # every tag the template may use
    prefilled: tuple[str, ...]  # label cells whose values are fingerprinted
    feedback: tuple[str, ...] = ()  # label cells the recipient fills in
    values: Callable | None = None  # (row, units, unit, role, settings, extra) -> {field: text}
    select: Callable | None = None  # (ledger, units, ids, unit, force, settings) -> (jobs, skipped)
    mark: Callable | None = None  # (row, role, extra, context): the ledger change after a form is written
    label: str = ""  # short Chinese name for messages and progress: 通知单
    help: str = ""  # the `dangwu generate <command>` help text
    command: str = ""  # the `dangwu generate` subcommand (default: the code); not part of the identity
    id_label: str = "编号"  # what --id takes (立项编号, 公开编号)
    skip_hints: tuple[str, str] = ("重新生成请加 --force", "")  # after skipped items: without --force, with it
    visible_identity: bool = True  # False: public documents; the identity lives in the properties only
    options: tuple = ()  # the kind's own `generate` options: click.Option objects, passed to select as options={name: value}
    route: Callable | None = None  # (options) -> the kind that writes this run's forms (e.g. visit-sheet --type 慰问)
    file_label: Callable | None = None  # (row, recipient) -> the name part of its files (default: the recipient)
    item_word: str = "事项"  # what one row is called in the batch's summary line (答复单: 意见)
    subcommand: bool = True  # False: reached only through another kind's route (no `generate` subcommand of its own)

    @property
    def outdir(self) -> str:
        """Folder under outbox/ for this kind."""
        return self.title

    @property
    def command_name(self) -> str:
        """The `dangwu generate` subcommand of this kind."""
        return self.command or self.code

    def filename(self, number: str, unit: str, role: str) -> str:
        """File name of one generated form: number, role and unit."""
        safe = "".join(ch for ch in unit if ch not in '\\/:*?"<>|').strip() or "单位"
        return f"{number}_{role}_{safe}_{self.title}.docx"


def __getattr__(name: str):
    """``KINDS`` and each kind by its Python name (NOTICE …), from the registry (registers import this module)."""
    if not name.isupper():
        raise AttributeError(name)
    from importlib import import_module

    from .. import registers

    if name == "KINDS":
        return registers.all_kinds()
    for reg in registers.all_registers():
        try:
            module = import_module(f"{type(reg).__module__.rpartition('.')[0]}.kinds")
        except ImportError:
            continue
        if isinstance(getattr(module, name, None), FormKind):
            return getattr(module, name)
    raise AttributeError(name)
