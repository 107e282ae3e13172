"""党务公开's form kinds (templates in templates/党务公开/)."""

from __future__ import annotations

from ...forms.kinds import FormKind
from . import outgoing as out
from . import publish as pub
from .sheets import DISCLOSURE, FEEDBACK

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

# Public documents (announcements, re-disclosures) and the reply to a person carry no visible machine
# code: their identity lives in the document properties only (FormKind.visible_identity False).
NOTICE_TEXT = ("文号", "标题", "主送", "正文", "说明", "落款单位", "成文日期", "发文机关")

ANNOUNCEMENT = FormKind(
    code="announcement",
    title="党务公开公告",
    label="公告",
    id_label="公开编号",
    skip_hints=("已公开的事项不再生成；先党内后党外，党外公告须在党内公开之后的工作日生成", "已公开的事项须用 --id 指明才会重新印制"),
    help="为已批准的事项生成公开公告（公示/通知/公告，GB/T 9704 格式）：公开范围超出党内的事项先党内、后党外。",
    register=DISCLOSURE,
    template="党务公开/党务公开公告.docx",
    fields=NOTICE_TEXT,
    prefilled=(),
    values=pub.announcement_values,
    select=pub.select_for_announcement,
    mark=pub.mark_announced,
    visible_identity=False,
    options=pub.ANNOUNCEMENT_OPTIONS,
)

REDISCLOSURE = FormKind(
    code="redisclosure",
    title="再公开公告",
    label="再公开公告",
    id_label="公开编号",
    skip_hints=("只为公示期已过、意见均已处理的事项生成", "已再公开的事项须用 --id 指明才会重新印制"),
    help="为意见均已处理的事项生成再公开公告（列出每条意见的摘要和处理情况，不含反馈人姓名和联系方式）。",
    register=DISCLOSURE,
    template="党务公开/再公开公告.docx",
    fields=NOTICE_TEXT,
    prefilled=(),
    values=pub.redisclosure_values,
    select=pub.select_for_redisclosure,
    mark=pub.mark_redisclosed,
    visible_identity=False,
)

REPLY_FIELDS = ("发文机关", "反馈编号", "公开事项", "反馈人", "收到日期", "意见建议", "处理情况", "转办部门", "答复日期", "落款单位")

REPLY = FormKind(
    code="reply",
    title="意见答复单",
    label="答复单",
    id_label="反馈编号",
    skip_hints=("已答复的意见重新生成请加 --force 或用 --id 指明；只为已填写处理情况的意见生成", "只为已填写处理情况的意见生成"),
    help="为已填写处理情况的意见生成答复单，交反映人（谁收集、谁回复）；答复日期记为今天。",
    register=FEEDBACK,
    template="党务公开/意见答复单.docx",
    fields=REPLY_FIELDS,
    prefilled=(),
    item_word="条意见",
    values=pub.reply_values,
    select=pub.select_for_reply,
    mark=pub.mark_replied,
    visible_identity=False,
)
