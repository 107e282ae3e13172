"""督查督办's form kinds: the 督查督办通知单 and the 催办通知单 (templates in templates/督查督办/)."""

from __future__ import annotations

from ...forms.kinds import FormKind
from ...ledger import schema as S
from . import outgoing as out

FEEDBACK = ("办理情况", "办理状态", "完成日期", "承办人", "联系电话", "单位负责人")
LETTER = ("发文机关", "文号", "识别码", "送达单位", "承办角色", "督查联系", "落款单位", "落款日期")
ITEM = ("立项编号", "交办时间", "督办来源", "督查形式", "主办单位", "协办单位", "办理时限", "分管校领导", "督办事项", "工作要求")

NOTICE = FormKind(
    code="notice",
    title="督查督办通知单",
    label="通知单",
    id_label="立项编号",
    skip_hints=("重新生成请加 --force", "已办结的事项须用 --id 指明才会重新生成"),  # with --force only closed items are left out
    help="生成督查督办通知单：主办单位一份，每个协办单位各一份；退回重办的事项生成重办通知。",
    register=S.SUPERVISION,
    template="督查督办/督查督办通知单.docx",
    fields=LETTER + ITEM + ("重办说明",),  # 重办说明: why a 重办 notice's item was sent back (empty otherwise)
    prefilled=ITEM,
    feedback=FEEDBACK,
    values=out.notice_values,
    select=out.select_for_notice,
    mark=out.mark_notified,
)

REMINDER_ITEM = ("立项编号", "交办时间", "主办单位", "协办单位", "办理时限", "督办事项")
REMINDER = FormKind(
    code="reminder",
    title="催办通知单",
    label="催办单",
    id_label="立项编号",
    skip_hints=("重新生成请加 --force", "已办结的事项须用 --id 指明才会重新生成"),
    help="为逾期事项（或 --id 指定的事项）生成催办通知单，催办次数加一；同一事项一天只催办一次。",
    register=S.SUPERVISION,
    template="督查督办/催办通知单.docx",
    fields=LETTER + REMINDER_ITEM + ("逾期情况", "催办次数", "答复期限", "催办事由"),  # 催办事由: overdue, or not yet (forced)
    prefilled=REMINDER_ITEM,
    feedback=FEEDBACK,
    values=out.reminder_values,
    select=out.select_for_reminder,
    mark=out.mark_reminded,
)
