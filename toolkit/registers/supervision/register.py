"""督查督办 as a register: its sheets, form kinds, returned forms, warnings, report, archive, commands."""

from __future__ import annotations

from ...ledger import schema as S
from ..base import APPLIED, RECORDED, UNCHANGED, Applied, Register
from . import incoming as sin
from . import rules as sup
from .archive import SupervisionArchive
from .checks import check_row
from .kinds import NOTICE, REMINDER


class Supervision(Register):
    """校党委督查督办工作制度: items assigned to units, notices and reminders out, replies back, review, report."""

    order = 1
    name = "督查督办"
    alias = "supervision"
    sheet = S.SUPERVISION
    sheets = (S.SUPERVISION, S.PROGRESS)
    kinds = (NOTICE, REMINDER)
    prefix_key = "supervision"
    archive = SupervisionArchive()

    @property
    def templates(self):
        from .report import REPORT_FIELDS, REPORT_TEMPLATE

        return ((REPORT_TEMPLATE, frozenset(REPORT_FIELDS)),)

    def check_row(self, sheet, row, units):
        return check_row(row, units) if sheet is S.SUPERVISION else []

    def apply_returned(self, ws, ledger, units, ident, kind, form, context) -> Applied:
        """A unit's reply to a notice or reminder: its report written into the row, kept in 办理进展."""
        row = sin.check_identity(ledger, units, ident, form.fields, kind.prefilled, ws.settings)
        feedback = sin.read_feedback(form.fields, row.date("交办时间"))
        changed = sin.apply_feedback(row, ident.role, feedback, context)
        self.refresh_warnings(ledger, [row] if changed else (), ws.settings)  # the 预警 cell follows the new state
        ledger.journal(context.change(kind.register.name, row.number, "回执", "", f"{ident.role}·{ident.unit}·{feedback.status}"))
        sin.record_progress(ledger, row, units.canonical(ident.unit), ident.role, feedback, context)
        if ident.role == sup.CO:
            return Applied(RECORDED, "协办单位反馈已记入“办理进展”（不改变事项状态）。", [row])
        if changed:
            return Applied(APPLIED, "更新：" + "、".join(changed), [row])
        return Applied(UNCHANGED, "内容与台账一致，无需更新。", [row])

    def refresh_warnings(self, ledger, rows, settings) -> int:
        from .status import refresh_warnings

        return refresh_warnings(ledger, rows, settings)

    def status(self, ws, ledger):
        from .status import status

        return status(ws, ledger)

    def report(self, ws, year, half=None):
        from .report import report

        return report(ws, year, half)

    def report_pdf(self, ws, docx_path):
        from .report import report_pdf

        return report_pdf(ws, docx_path)

    def commands(self):
        from .commands import COMMANDS

        return COMMANDS


__all__ = ["Supervision"]
