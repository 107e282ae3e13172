"""联系服务群众's sheets: the contract's 班子成员, 谈心谈话记录 and 走访慰问调研 with the columns this
register adds when it first needs them, and its own 慰问对象 and 谈心谈话覆盖 sheets."""

from __future__ import annotations

from dataclasses import replace

from ...ledger import schema as S

CHIEF = "是"  # 党政正职
PLANNED, RECORDED, CANCELLED = "已安排", "已记录", "已取消"
STATES = (PLANNED, RECORDED, CANCELLED)
CHIEF_TALK, PEER_TALK, HEAD_TALK, KEY_TALK, OTHER_TALK = S.TALKS.column("谈话类型").choices
WAYS = S.TALKS.column("谈话方式").choices  # 面对面 / 电话 / 短信 / 邮件 / 其他
FACE = WAYS[0]
CONTACT, CARE, RESEARCH = S.VISITS.column("类型").choices  # 走访联系点 / 慰问 / 调研
CATEGORIES = ("老党员", "老同志", "重病", "困难", "独居", "其他")

MEMBERS = replace(
    S.MEMBERS,
    columns=S.MEMBERS.columns + (S.Column("分管单位", S.UNITS, width=30, optional=True),),  # units, 、-separated
)


def _with_states(sheet: S.Sheet) -> tuple[S.Column, ...]:
    return tuple(replace(c, choices=STATES) if c.header == "状态" else c for c in sheet.columns)


TALKS = replace(
    S.TALKS,
    columns=_with_states(S.TALKS)
    + (
        S.Column("需协调解决的问题", S.TEXT, width=30, optional=True),
        S.Column("记录人", S.TEXT, width=10, optional=True),
        S.Column("来源文件", S.TEXT, width=30, optional=True),
    ),
)

VISITS = replace(
    S.VISITS,
    columns=S.VISITS.columns
    + (
        S.Column("状态", S.CHOICE, choices=STATES, width=10, optional=True),
        S.Column("计划日期", S.DATE, width=12, optional=True),
        S.Column("地点", S.TEXT, width=14, optional=True),  # the record sheet's 地点 and 座谈对象或调研对象 (beyond ledger.md)
        S.Column("座谈对象或调研对象", S.TEXT, width=20, optional=True),
        S.Column("参加人员", S.TEXT, width=20, optional=True),
        S.Column("意见建议", S.TEXT, width=30, optional=True),
        S.Column("后续跟进", S.TEXT, width=24, optional=True),
        S.Column("困难情况", S.TEXT, width=24, optional=True),
        S.Column("慰问金或物品", S.TEXT, width=16, optional=True),
        S.Column("对象诉求", S.TEXT, width=24, optional=True),
        S.Column("来源文件", S.TEXT, width=30, optional=True),
    ),
)

CARE_LIST = S.Sheet(
    "慰问对象",
    (
        S.Column("姓名", S.TEXT, required=True, width=10),
        S.Column("单位", S.TEXT, width=20),
        S.Column("类别", S.CHOICE, choices=CATEGORIES, width=10),
        S.Column("所在支部", S.TEXT, width=20),
        S.Column("联系电话", S.TEXT, width=14),
        S.Column("住址", S.TEXT, width=30),
        S.Column("备注", S.TEXT, width=20),
    ),
    optional=True,
)
