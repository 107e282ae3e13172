"""``dangwu check``: the ledger's problems plus every template's problems, in one list."""

from __future__ import annotations

from .errors import LedgerError, TemplateError
from .forms.kinds import KINDS
from .forms.template import CompiledTemplate
from .generate import compile_kind
from .ledger.validate import Problem, check_ledger
from .ledger.workbook import Ledger
from .reports.supervision import REPORT_FIELDS, REPORT_TEMPLATE
from .workspace import Workspace


def check_workspace(ws: Workspace) -> list[Problem]:
    """Validate the ledger and compile every template; nothing is written."""
    problems: list[Problem] = []
    try:
        problems += check_ledger(Ledger.load(ws.ledger_path))
    except LedgerError as exc:
        problems.append(Problem("error", ws.ledger_path.name, str(exc).replace("\n", " ")))
    for kind in KINDS.values():
        try:
            compile_kind(ws, kind)
        except TemplateError as exc:
            problems.append(Problem("error", f"模板 {kind.template}", str(exc).replace("\n", " ")))
    try:
        CompiledTemplate(ws.template_path(REPORT_TEMPLATE), REPORT_FIELDS)
    except TemplateError as exc:
        problems.append(Problem("error", f"模板 {REPORT_TEMPLATE}", str(exc).replace("\n", " ")))
    return problems
