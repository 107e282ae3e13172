"""党务公开 as a register: its sheet, the 审批表, returned decisions, `decide`, status."""

from __future__ import annotations

from ..base import Register
from .incoming import apply_approval
from .kinds import APPROVAL
from .sheets import DISCLOSURE


class Disclosure(Register):
    """校党委党务公开工作制度: items approved, announced (先党内、后党外), opinions answered, re-disclosed."""

    order = 2
    name = "党务公开"
    alias = "disclosure"
    sheet = DISCLOSURE
    sheets = (DISCLOSURE,)
    kinds = (APPROVAL,)
    prefix_key = "disclosure"

    def apply_returned(self, ws, ledger, units, ident, kind, form, context):
        applied = apply_approval(ws, ledger, units, ident, kind, form, context)
        self.refresh_warnings(ledger, applied.rows, ws.settings)
        return applied

    def refresh_warnings(self, ledger, rows, settings) -> int:
        from .status import refresh_warnings

        return refresh_warnings(ledger, rows, settings)

    def status(self, ws, ledger):
        from .status import status

        return status(ws, ledger)

    def commands(self):
        from .commands import COMMANDS

        return COMMANDS
