"""The workbook contract of ../shared/ledger.md as data: sheets, headers, types and fixed values."""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT, DATE, CHOICE, UNIT, UNITS, INT, ID = "text", "date", "choice", "unit", "units", "int", "id"


@dataclass(frozen=True)
class Column:
    """One column of a register, found by its header text."""

    header: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    width: int = 14
    optional: bool = False  # added by the toolkit when missing (columns added after the first contract)
    lookup: tuple[str, str] | None = None  # (sheet, header) its dropdown lists, read live by Excel/WPS


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: its name, columns and (for registers) the number column."""

    name: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    id_prefix_key: str | None = None  # settings key holding the number prefix, e.g. "DB"
    date_column_for_year: str | None = None
    key_columns: tuple[str, ...] = field(default=())
    optional: bool = False  # created by the toolkit when first needed
    append_only: bool = False  # the toolkit only adds rows (kept as XML beside openpyxl: ledger/tail.py)

    @property
    def headers(self) -> list[str]:
        """Header texts in their default order."""
        return [c.header for c in self.columns]

    def column(self, header: str) -> Column:
        """The column declared under this header."""
        for c in self.columns:
            if c.header == header:
                return c
        raise KeyError(header)


SOURCES = ("上级部署", "年度工作要点", "会议决议", "领导批示")
FORMS = ("定期督查", "专项督查", "联合督查")
SUP_STATUSES = ("已立项", "已通知", "办理中", "待审核", "已办结", "退回重办")

SUPERVISION = Sheet(
    "督查督办台账",
    (
        Column("立项编号", ID, width=14),
        Column("交办时间", DATE, required=True, width=12),
        Column("督办来源", CHOICE, choices=SOURCES, width=12),
        Column("督查形式", CHOICE, choices=FORMS, width=10),
        Column("督办事项", TEXT, required=True, width=36),
        Column("工作要求", TEXT, width=36),
        Column("主办单位", UNIT, required=True, width=16, lookup=("承办单位", "单位名称")),
        Column("协办单位", UNITS, width=20),
        Column("分管校领导", TEXT, width=10, lookup=("班子成员", "姓名")),
        Column("办理时限", DATE, required=True, width=12),
        Column("状态", CHOICE, choices=SUP_STATUSES, width=10),
        Column("通知日期", DATE, width=12),
        Column("最近反馈日期", DATE, width=12),
        Column("办理情况", TEXT, width=40),
        Column("完成日期", DATE, width=12),
        Column("承办人", TEXT, width=10),
        Column("联系电话", TEXT, width=14),
        Column("催办次数", INT, width=8),
        Column("审核意见", TEXT, width=24),
        Column("办结日期", DATE, width=12),
        Column("档号", TEXT, width=24),
        Column("备注", TEXT, width=20),
        Column("预警", TEXT, width=22, optional=True),
        Column("最近催办日期", DATE, width=12, optional=True),
        Column("原办理时限", DATE, width=12, optional=True),  # the deadline before the first 退回重办
        Column("审核人", TEXT, width=10, optional=True),  # who did the last 办结审核 (review)
    ),
    id_column="立项编号",
    id_prefix_key="supervision",
    date_column_for_year="交办时间",
)

UNITS_SHEET = Sheet(
    "承办单位",
    (
        Column("单位名称", TEXT, required=True, width=24),
        Column("单位简称", TEXT, width=12),
        Column("负责人", TEXT, width=10),
        Column("联系人", TEXT, width=10),
        Column("联系电话", TEXT, width=14),
        Column("电子邮箱", TEXT, width=24),
    ),
    key_columns=("单位名称",),
)

MEMBERS = Sheet(
    "班子成员",
    (
        Column("姓名", TEXT, required=True, width=10),
        Column("职务", TEXT, width=16),
        Column("党政正职", CHOICE, choices=("是", "否"), width=10),
        Column("分管领域", TEXT, width=30),
        Column("联系点", UNITS, width=30),
    ),
    key_columns=("姓名",),
)

DISCLOSURE = Sheet(
    "党务公开台账",
    (
        Column("公开编号", ID, width=14),
        Column(
            "公开类别",
            CHOICE,
            choices=("党务运行基本情况", "思想政治建设情况", "基层组织建设情况", "干部选拔任用情况", "党风廉政建设"),
            width=18,
        ),
        Column("公开事项", TEXT, required=True, width=30),
        Column("公开内容摘要", TEXT, width=36),
        Column("提出部门", UNIT, width=16, lookup=("承办单位", "单位名称")),
        Column("公开范围", CHOICE, choices=("党政领导干部", "全体党员", "全体教职工", "社会"), width=12),
        Column("公开形式", TEXT, width=16),
        Column("时限类型", CHOICE, choices=("常规性", "阶段性", "临时性"), width=10),
        Column("计划公开日期", DATE, width=12),
        Column("审批状态", CHOICE, choices=("待审批", "已批准", "不予公开"), width=10),
        Column("审批意见", TEXT, width=24),
        Column("党内公开日期", DATE, width=12),
        Column("公开日期", DATE, width=12),
        Column("公开截止日期", DATE, width=12),
        Column("反馈意见数", INT, width=10),
        Column("处理情况", TEXT, width=24),
        Column("再公开日期", DATE, width=12),
        Column("档号", TEXT, width=24),
        Column("备注", TEXT, width=20),
    ),
    id_column="公开编号",
    id_prefix_key="disclosure",
    date_column_for_year="计划公开日期",
)

TALKS = Sheet(
    "谈心谈话记录",
    (
        Column("谈话编号", ID, width=14),
        Column("计划日期", DATE, width=12),
        Column("谈话日期", DATE, width=12),
        Column("谈话人", TEXT, width=10),
        Column("谈话对象", TEXT, width=10),
        Column("谈话对象单位及职务", TEXT, width=24),
        Column(
            "谈话类型",
            CHOICE,
            choices=("正职与班子成员", "班子成员之间", "与分管领域负责人", "与骨干", "与其他干部群众"),
            width=16,
        ),
        Column("谈话方式", CHOICE, choices=("面对面", "电话", "短信", "邮件", "其他"), width=10),
        Column("地点", TEXT, width=14),
        Column("主要内容", TEXT, width=36),
        Column("意见建议", TEXT, width=30),
        Column("后续跟进", TEXT, width=24),
        Column("状态", CHOICE, choices=("已安排", "已记录"), width=10),
        Column("档号", TEXT, width=24),
    ),
    id_column="谈话编号",
    id_prefix_key="talks",
    date_column_for_year="计划日期",
)

VISITS = Sheet(
    "走访慰问调研",
    (
        Column("记录编号", ID, width=14),
        Column("日期", DATE, width=12),
        Column("班子成员", TEXT, width=10),
        Column("类型", CHOICE, choices=("走访联系点", "慰问", "调研"), width=12),
        Column("事由", TEXT, width=16),
        Column("对象或单位", TEXT, width=20),
        Column("主要情况", TEXT, width=36),
        Column("解决问题", TEXT, width=30),
        Column("档号", TEXT, width=24),
    ),
    id_column="记录编号",
    id_prefix_key="visits",
    date_column_for_year="日期",
)

JOURNAL = Sheet(
    "变更记录",
    (
        Column("时间", TEXT, width=20),
        Column("操作", TEXT, width=14),
        Column("台账", TEXT, width=14),
        Column("编号", TEXT, width=14),
        Column("字段", TEXT, width=12),
        Column("原值", TEXT, width=24),
        Column("新值", TEXT, width=24),
        Column("来源文件", TEXT, width=30),
        Column("来源文件SHA256", TEXT, width=20),
        Column("操作人", TEXT, width=10),
    ),
    append_only=True,
)

PROGRESS = Sheet(
    "办理进展",
    (
        Column("日期", DATE, width=12),
        Column("立项编号", TEXT, width=14),
        Column("单位", TEXT, width=16),
        Column("角色", TEXT, width=8),
        Column("办理状态", TEXT, width=10),
        Column("进展情况", TEXT, width=50),
        Column("来源文件", TEXT, width=30),
    ),
    optional=True,
    append_only=True,
)

ALL_SHEETS: tuple[Sheet, ...] = (SUPERVISION, UNITS_SHEET, MEMBERS, DISCLOSURE, TALKS, VISITS, PROGRESS, JOURNAL)
SHEETS_BY_NAME = {s.name: s for s in ALL_SHEETS}


def all_sheets() -> tuple[Sheet, ...]:
    """The contract's sheets, with each register's own sheets (declared in its package) by name.

    A register may redeclare a contract sheet (its columns grown) or add one: added sheets go
    before 变更记录, which stays last.
    """
    from ..registers import all_registers  # the registry imports this module

    declared = {s.name: s for reg in all_registers() for s in reg.sheets}
    base = [declared.get(s.name, s) for s in ALL_SHEETS]
    extra = [s for name, s in declared.items() if name not in SHEETS_BY_NAME]
    return (*base[:-1], *extra, base[-1])


def sheet_named(name: str) -> Sheet | None:
    """The sheet of the contract (or of a register) called ``name``."""
    return next((s for s in all_sheets() if s.name == name), None)
