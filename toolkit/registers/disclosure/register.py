"""党务公开 as a register: its sheet, the 审批表, returned decisions, `decide`, status."""

from __future__ import annotations

from ...ledger.validate import Problem
from ..base import Register
from .incoming import apply_approval, apply_opinion
from .kinds import APPROVAL, FEEDBACK_FORM
from .sheets import DISCLOSURE, FEEDBACK


class Disclosure(Register):
    """校党委党务公开工作制度: items approved, announced (先党内、后党外), opinions answered, re-disclosed."""

    order = 2
    name = "党务公开"
    alias = "disclosure"
    sheet = DISCLOSURE
    sheets = (DISCLOSURE, FEEDBACK)
    kinds = (APPROVAL, FEEDBACK_FORM)
    prefix_key = "disclosure"
    prefix_default = "GK"
    settings_toml = """
[disclosure]           # 党务公开
office = "党务公开工作办公室"   # 公告和意见反馈表的落款
phone = ""             # 意见反馈渠道：电话、电子邮箱、地址（印在意见反馈表上）
email = ""
address = ""
period_days = 5        # 默认公示期（工作日）
"""

    def check_row(self, sheet, row, units):
        if sheet is not FEEDBACK:
            return []
        number = row.text("公开编号")
        items = row.view.ledger.views.get(DISCLOSURE.name)
        if number and items is not None and number not in items.by_number():
            return [Problem("error", row.ref("公开编号"), f"公开编号“{number}”不在“{DISCLOSURE.name}”中，请改为所反馈事项的编号。")]
        return []

    def apply_returned(self, ws, ledger, units, ident, kind, form, context):
        apply = apply_opinion if kind is FEEDBACK_FORM else apply_approval
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
