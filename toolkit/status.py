"""``dangwu status``: every register's summary — counts by state, open items with their warnings.

Each register says what its summary holds (``Register.status``: an object with ``lines()`` for the
terminal and ``as_dict()`` for --json) and paints its own warning column; this module names none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ledger.workbook import Ledger
from .registers import all_registers, get
from .registers.warnings import write_warnings
from .workspace import Workspace


@dataclass
class StatusReport:
    """The summaries of several registers, in the registry's order."""

    parts: list[tuple[str, object]] = field(default_factory=list)  # (register name, its summary)

    def __getitem__(self, name: str):
        for reg_name, summary in self.parts:
            if name == reg_name or name == get(reg_name).alias:
                return summary
        raise KeyError(name)

    def lines(self) -> list[tuple[str, str | None]]:
        """Each register's lines under its name (no heading when there is only one)."""
        out: list[tuple[str, str | None]] = []
        for name, summary in self.parts:
            if len(self.parts) > 1:
                out.append((f"【{name}】", None))
            brief = getattr(summary, "brief_lines", None) if len(self.parts) > 1 else None  # a long summary shortened
            out += brief() if brief else summary.lines()
        return out

    def as_dict(self) -> dict:
        """JSON-ready form: register name → its summary."""
        return {name: summary.as_dict() for name, summary in self.parts}


def status(ws: Workspace, register: str | None = None, *, write: bool = True, year: int | None = None):
    """The summary of ``register`` (Chinese name or alias); with None, a StatusReport of every register.

    ``write``: let each register paint its warning column into the ledger (skipped, with a note, when
    the workbook is open or has errors).
    """
    chosen = [get(register)] if register is not None else all_registers()
    if year is not None and not any(r.yearly for r in chosen):
        from .errors import UsageError

        raise UsageError(f"“{chosen[0].name}”的统计不分年度，不用 --year。", hint="--year 用于联系服务群众。")
    ledger = Ledger.load(ws.ledger_path)  # once for every register; their warnings written in one save
    parts = []
    for reg in chosen:
        summary = reg.status(ws, ledger, year=year) if year is not None and reg.yearly else reg.status(ws, ledger)
        if summary is not None:
            parts.append((reg.name, summary))
    paints = [p for _, summary in parts for p in getattr(summary, "paints", ())]
    rewrites = [summary.rewrite for _, summary in parts if callable(getattr(summary, "rewrite", None))]
    if write and (paints or rewrites):
        note = write_warnings(ws, ledger, paints, rewrites)
        for _, summary in parts:
            if getattr(summary, "paints", None) or callable(getattr(summary, "rewrite", None)):
                summary.ledger_note = note
    if register is not None:
        return parts[0][1] if parts else None
    return StatusReport(parts)


def text_lines(summary) -> list[tuple[str, str | None]]:
    """The lines the command line prints for a summary or a StatusReport."""
    return summary.lines()
