"""Form kinds: a template, the fields it shows, the fields that come back, and where files go.

A new form kind is one declaration here plus a template; the plumbing (rendering, identity,
intake) is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..ledger import schema as S
from ..registers import supervision_out as out


@dataclass(frozen=True)
class FormKind:
    """One kind of generated form."""

    code: str  # short, ASCII: goes into the identity
    title: str  # Chinese name: 督查督办通知单
    register: S.Sheet
    template: str  # path under templates/
    fields: tuple[str, ...]  # every tag the template may use
    prefilled: tuple[str, ...]  # label cells whose values are fingerprinted
    feedback: tuple[str, ...] = ()  # label cells the recipient fills in
    values: Callable | None = None  # (row, units, unit, role, settings, extra) -> {field: text}
    select: Callable | None = None  # (ledger, units, ids, unit, force, settings) -> (jobs, skipped)
    mark: Callable | None = None  # (row, role, extra, context): the ledger change after a form is written

    @property
    def outdir(self) -> str:
        """Folder under outbox/ for this kind."""
        return self.title

    def filename(self, number: str, unit: str, role: str) -> str:
        """File name of one generated form: number, role and unit."""
        safe = "".join(ch for ch in unit if ch not in '\\/:*?"<>|').strip() or "单位"
        return f"{number}_{role}_{safe}_{self.title}.docx"


FEEDBACK = ("办理情况", "办理状态", "完成日期", "承办人", "联系电话", "单位负责人")
LETTER = ("发文机关", "文号", "识别码", "送达单位", "承办角色", "督查联系", "落款单位", "落款日期")
ITEM = ("立项编号", "交办时间", "督办来源", "督查形式", "主办单位", "协办单位", "办理时限", "分管校领导", "督办事项", "工作要求")

NOTICE = FormKind(
    code="notice",
    title="督查督办通知单",
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
    register=S.SUPERVISION,
    template="督查督办/催办通知单.docx",
    fields=LETTER + REMINDER_ITEM + ("逾期情况", "催办次数", "答复期限", "催办事由"),  # 催办事由: overdue, or not yet (forced)
    prefilled=REMINDER_ITEM,
    feedback=FEEDBACK,
    values=out.reminder_values,
    select=out.select_for_reminder,
    mark=out.mark_reminded,
)

KINDS: dict[str, FormKind] = {k.code: k for k in (NOTICE, REMINDER)}
