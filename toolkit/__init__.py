"""dangwu: paperwork of a college Party committee office — ledgers, forms out, forms back, archives.

Library use mirrors the command line::

    import toolkit
    ws = toolkit.Workspace("my-workspace")
    toolkit.check(ws); toolkit.generate(ws, "notice"); toolkit.ingest(ws); toolkit.status(ws)
    toolkit.review(ws, "DB-2026-001", accept=True); toolkit.report(ws, 2026); toolkit.archive(ws, 2026)
"""

from .archive.build import archive
from .archive.manifest import verify
from .errors import ToolkitError
from .generate import generate
from .init import init_workspace
from .intake.pipeline import ingest
from .review import review
from .status import status
from .workspace import Workspace


def report(ws: Workspace, year: int, half: int | None = None, register: str | None = None):
    """A register's work report (default the first register, 督查督办): (figures, workbook, report .docx)."""
    from .registers import all_registers, get

    return (get(register) if register else all_registers()[0]).report(ws, year, half)


def check(ws: Workspace):
    """All problems of the ledger and the templates (see toolkit.checks)."""
    from .checks import check_workspace

    return check_workspace(ws)


__all__ = ["ToolkitError", "Workspace", "archive", "check", "generate", "ingest", "init_workspace", "report", "review", "status", "verify"]
__version__ = "0.1.0"
