"""党务公开's sheet: the contract's 党务公开台账 with the columns this register adds when it first needs them."""

from __future__ import annotations

from dataclasses import replace

from ...ledger import schema as S

APPROVALS = ("待审批", "已批准", "不予公开")
SCOPES = ("党政领导干部", "全体党员", "全体教职工", "社会")
INNER_SCOPES = ("党政领导干部", "全体党员")  # announced once, to exactly that scope
TIMINGS = ("常规性", "阶段性", "临时性")

DISCLOSURE = replace(
    S.DISCLOSURE,
    columns=S.DISCLOSURE.columns
    + (
        S.Column("审批人", S.TEXT, width=10, optional=True),
        S.Column("审批日期", S.DATE, width=12, optional=True),
        S.Column("党内公开截止日期", S.DATE, width=12, optional=True),
        S.Column("常规事项", S.TEXT, width=20, optional=True),  # the routine series (党费收缴管理情况)
        S.Column("预警", S.TEXT, width=22, optional=True),
    ),
)
