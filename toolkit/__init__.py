"""dangwu: paperwork of a college Party committee office — ledgers, forms out, forms back, archives.

Library use mirrors the command line::

    import toolkit
    ws = toolkit.Workspace("my-workspace")
    toolkit.check(ws); toolkit.generate(ws, "notice"); toolkit.ingest(ws); toolkit.status(ws)
"""

from .errors import ToolkitError
from .generate import generate
from .init import init_workspace
from .intake.pipeline import ingest
from .status import status
from .workspace import Workspace


def check(ws: Workspace):
    """All problems of the ledger and the templates (see toolkit.checks)."""
    from .checks import check_workspace

    return check_workspace(ws)


__all__ = ["ToolkitError", "Workspace", "check", "generate", "ingest", "init_workspace", "status"]
__version__ = "0.1.0"
