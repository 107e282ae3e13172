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

WAYS = ("表格", "电话", "来信", "邮件", "当面")
FEEDBACK = S.Sheet(
    "公开意见反馈",
    (
        S.Column("反馈编号", S.ID, width=14),
        S.Column("公开编号", S.TEXT, required=True, width=14),
        S.Column("收到日期", S.DATE, required=True, width=12),
        S.Column("反馈人", S.TEXT, required=True, width=10),  # 实名: opinions must carry a real name
        S.Column("单位或身份", S.TEXT, width=16),
        S.Column("联系方式", S.TEXT, width=16),
        S.Column("方式", S.CHOICE, choices=WAYS, width=8),
        S.Column("意见建议", S.TEXT, required=True, width=40),
        S.Column("意见摘要", S.TEXT, width=24, optional=True),  # what a public document may print (never the name)
        S.Column("转办部门", S.TEXT, width=16),
        S.Column("处理情况", S.TEXT, width=30),
        S.Column("答复日期", S.DATE, width=12),
        S.Column("逾期", S.TEXT, width=8, optional=True),
        S.Column("来源文件", S.TEXT, width=30),
    ),
    id_column="反馈编号",
    id_prefix_key="feedback",
    date_column_for_year="收到日期",
    optional=True,
)
