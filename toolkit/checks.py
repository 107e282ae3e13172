"""``dangwu check``: the ledger's problems plus every template's problems, in one list."""

from __future__ import annotations

from .errors import LedgerError, TemplateError
from .forms.template import CompiledTemplate
from .generate import compile_kind
from .ledger.validate import Problem, check_ledger
from .ledger.workbook import Ledger
from .registers import all_registers
from .workspace import Workspace


def check_workspace(ws: Workspace) -> list[Problem]:
    """Validate the ledger and compile every template; nothing is written."""
    problems: list[Problem] = []
    try:
        problems += check_ledger(Ledger.load(ws.ledger_path))
    except LedgerError as exc:
        problems.append(Problem("error", ws.ledger_path.name, str(exc).replace("\n", " ")))
    templates = [(kind.template, lambda kind=kind: compile_kind(ws, kind)) for reg in all_registers() for kind in reg.kinds]
    templates += [
        (path, lambda path=path, fields=fields: CompiledTemplate(ws.template_path(path), set(fields)))
        for reg in all_registers()
        for path, fields in reg.templates
    ]
    for name, compile_one in templates:
        try:
            compile_one()
        except TemplateError as exc:
            problems.append(Problem("error", f"模板 {name}", str(exc).replace("\n", " ")))
        except Exception as exc:  # a template damaged in a way no check foresaw: reported, never a traceback
            problems.append(
                Problem(
                    "error",
                    f"模板 {name}",
                    f"模板已损坏，无法读取（{type(exc).__name__}）。 请用工具自带 templates/ 中的同名模板替换它，或在 Word 中打开修复后另存为 .docx。",
                )
            )
    return problems
