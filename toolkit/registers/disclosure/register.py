"""党务公开 as a register: its sheet, the 审批表, returned decisions, `decide`, status."""

from __future__ import annotations

from ...ledger.validate import Problem
from ..base import Register
from .incoming import apply_approval, apply_opinion
from .kinds import ANNOUNCEMENT, APPROVAL, FEEDBACK_FORM, REDISCLOSURE, REPLY
from .sheets import DISCLOSURE, FEEDBACK


class Disclosure(Register):
    """校党委党务公开工作制度: items approved, announced (先党内、后党外), opinions answered, re-disclosed."""

    order = 2
    name = "党务公开"
    alias = "disclosure"
    sheet = DISCLOSURE
    sheets = (DISCLOSURE, FEEDBACK)
    kinds = (APPROVAL, ANNOUNCEMENT, FEEDBACK_FORM, REPLY, REDISCLOSURE)
    prefix_key = "disclosure"
    archive_defaults = ("D30", "DWGK", "党务公开")
    prefix_default = "GK"
    settings_toml = """
[disclosure]           # 党务公开
office = "党务公开工作办公室"   # 公告、答复单和意见反馈表的落款
code = "党公"          # 公告文号的机关代字：党公〔2026〕1号
phone = ""             # 意见反馈渠道：电话、电子邮箱、地址（印在公示和意见反馈表上）
email = ""
address = ""
period_days = 5        # 默认公示期（工作日）
plain_kind = "通知"    # 不征求意见时公告的文种：通知 或 公告
"""

    def check_row(self, sheet, row, units):
        if sheet is not FEEDBACK:
            return []
        number = row.text("公开编号")
        items = row.view.ledger.views.get(DISCLOSURE.name)
        if number and items is not None and number not in items.by_number():
            return [Problem("error", row.ref("公开编号"), f"公开编号“{number}”不在“{DISCLOSURE.name}”中，请改为所反馈事项的编号。")]
        return []

    def assign_numbers(self, ledger, settings, context, rows):
        """公开编号 for items, 反馈编号 for opinions (a reply may be written for an opinion typed in unnumbered)."""
        from .rules import feedback_numbers

        rows = list(rows)
        opinions = [r for r in rows if r.view.name == FEEDBACK.name]
        items = [r for r in rows if r.view.name != FEEDBACK.name]
        return super().assign_numbers(ledger, settings, context, items) + (
            feedback_numbers(ledger, settings, context, opinions) if opinions else []
        )

    def apply_returned(self, ws, ledger, units, ident, kind, form, context):
        apply = {FEEDBACK_FORM.code: apply_opinion, APPROVAL.code: apply_approval}.get(kind.code)
        if apply is None:  # announcements, replies: documents for readers, nothing to fill in
            return super().apply_returned(ws, ledger, units, ident, kind, form, context)
        applied = apply(ws, ledger, units, ident, kind, form, context)
        self.refresh_warnings(ledger, applied.rows, ws.settings)
        return applied

    def refresh_warnings(self, ledger, rows, settings) -> int:
        """反馈意见数 recounted (typed opinions included) and 预警 rewritten for the rows a command changed."""
        from .rules import recount
        from .status import refresh_warnings

        rows = list(rows)
        if rows:
            recount(ledger, {r.number for r in rows if r.view.name == DISCLOSURE.name})
        return refresh_warnings(ledger, rows, settings)

    def status(self, ws, ledger):
        from .status import status

        return status(ws, ledger)

    def commands(self):
        from .commands import COMMANDS

        return COMMANDS

    @property
    def archive(self):
        try:
            from .archive import DisclosureArchive
        except ImportError:  # pragma: no cover - until archive.py lands
            return None
        return DisclosureArchive()

    def plan_commands(self):
        try:
            from .plan import PLAN_COMMANDS
        except ImportError:  # pragma: no cover - until plan.py lands
            return []
        return PLAN_COMMANDS

    def report(self, ws, year, half=None):
        from .report import report

        return report(ws, year, half)

    def report_pdf(self, ws, docx_path):
        from .report import report_pdf

        return report_pdf(ws, docx_path)
