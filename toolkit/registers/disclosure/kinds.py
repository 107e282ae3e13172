"""党务公开's form kinds (templates in templates/党务公开/)."""

from __future__ import annotations

from ...forms.kinds import FormKind
from . import outgoing as out
from .sheets import DISCLOSURE

ITEM = ("公开编号", "公开事项", "公开类别", "公开内容摘要", "提出部门", "公开范围", "公开形式", "时限类型", "计划公开日期")
DECISION = ("保密审查意见", "分管领导意见", "审批结果", "审批意见", "审批人", "审批日期")

APPROVAL = FormKind(
    code="approval",
    title="党务公开审批表",
    label="审批表",
    id_label="公开编号",
    skip_hints=("已送审批的事项重新生成请加 --force 或用 --id 指明；已审批的事项不再生成", "已审批的事项不再生成"),
    help="为尚未审批的党务公开事项生成党务公开审批表（已生成过的加 --force 重新生成；已审批的不再生成）。",
    register=DISCLOSURE,
    template="党务公开/党务公开审批表.docx",
    fields=("发文机关", "识别码", "填表日期", *ITEM),
    prefilled=ITEM,
    feedback=DECISION,
    values=out.approval_values,
    select=out.select_for_approval,
    mark=out.mark_sent_for_approval,
)

OPINION = ("反馈人", "单位或身份", "联系方式", "意见建议", "反馈日期")

FEEDBACK_FORM = FormKind(
    code="feedback_form",
    command="feedback-form",
    title="党务公开意见反馈表",
    label="意见反馈表",
    id_label="公开编号",
    skip_hints=("只为已批准的事项生成", "只为已批准的事项生成"),
    help="为已批准公开的事项生成意见反馈表（任何人可填写交回，交回的每一份登记为“公开意见反馈”表的一行）。",
    register=DISCLOSURE,
    template="党务公开/党务公开意见反馈表.docx",
    fields=("发文机关", "识别码", "公开编号", "公开事项", "反馈截止", "反馈方式", "落款单位"),
    prefilled=("公开编号", "公开事项"),
    feedback=OPINION,
    values=out.feedback_form_values,
    select=out.select_for_feedback_form,
    mark=out.no_mark,
)
