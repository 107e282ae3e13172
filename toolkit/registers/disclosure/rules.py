"""党务公开 rules (校党委党务公开工作制度 三(一)): 审批 → 执行 → 反馈 → 再公开, read from the row.

The stage of an item is read from its 审批状态 and dates (ledger.md: "publication progress is read
from the dates"); the register's settings live in dangwu.toml's [disclosure] section.
"""

from __future__ import annotations

import datetime as dt

from ...dates import today
from ...errors import UsageError
from ...ledger.workbook import ChangeContext, Ledger, Row
from .sheets import DISCLOSURE, SCOPES

UNDECIDED, APPROVED, REFUSED = "待审批", "已批准", "不予公开"
STAGES = ("待审批", "待公开", "党内公开中", "公示中", "待处理反馈", "待再公开", "已完成", "不予公开")
DEFAULT_OFFICE = "党务公开工作办公室"
NO_REDISCLOSURE = "不再公开"  # the item's 处理情况 when `respond GK-… --no-redisclosure` closed it


def approval_of(row: Row) -> str:
    """The row's 审批状态, blank counting as 待审批."""
    return row.text("审批状态") or UNDECIDED


def decided(row: Row) -> bool:
    """Whether the committee has decided the item (已批准 or 不予公开)."""
    return approval_of(row) in (APPROVED, REFUSED)


def stage(row: Row, now: dt.date | None = None, opinions: tuple[int, int] | None = None) -> str:
    """Where the item stands: 待审批, 不予公开, 待公开, 党内公开中, 公示中, 待处理反馈, 待再公开 or 已完成.

    ``opinions``: (its opinions, those without 处理情况) in 公开意见反馈 — typed rows included, whatever
    反馈意见数 says (counted from the sheet when not given).
    """
    now = now or today()
    state = approval_of(row)
    if state != APPROVED:
        return state if state == REFUSED else UNDECIDED
    if row.date("再公开日期"):
        return "已完成"
    published, until = row.date("公开日期"), row.date("公开截止日期")
    inner, inner_until = row.date("党内公开日期"), row.date("党内公开截止日期")
    if published:
        if until and now <= until:
            return "公示中"
        total, unhandled = opinions if opinions is not None else opinion_counts(row.view.ledger).get(row.number, (0, 0))
        if not total:
            return "已完成"
        if unhandled:
            return "待处理反馈"
        return "已完成" if row.text("处理情况").startswith(NO_REDISCLOSURE) else "待再公开"
    if inner and (not inner_until or now <= inner_until):
        return "党内公开中"
    return "待公开"


class OpinionIndex:
    """The rows of 公开意见反馈 by item, by content (duplicates) and the highest 反馈编号 of each year.

    Built once per loaded ledger and kept current as ingest adds rows, so that a batch of a thousand
    opinions does not rescan the sheet for each one; rebuilt when the sheet has rows it has not seen.
    Counts read the rows' cells when asked, so a 处理情况 written meanwhile is counted.
    """

    def __init__(self, view):
        self.view = view
        self.by_item: dict[str, list[Row]] = {}
        self.keys: dict[tuple[str, str, str], Row] = {}
        self.serials: dict[tuple[str, str], int] = {}
        self.size = 0
        for row in view.rows():
            self.add(row)

    @staticmethod
    def key(item: str, who: str, opinion: str) -> tuple[str, str, str]:
        from ...forms.identity import normalise

        return item, normalise(who), normalise(opinion)

    def add(self, row: Row) -> None:
        """Take in a row of the sheet (a new one: call after it is written)."""
        self.size += 1
        self.by_item.setdefault(row.text("公开编号"), []).append(row)
        self.keys.setdefault(self.key(row.text("公开编号"), row.text("反馈人"), row.text("意见建议")), row)
        self.note(row.number)

    def note(self, number: str) -> None:
        parts = number.rsplit("-", 2)
        if len(parts) == 3 and parts[2].isdigit():
            k = (parts[0], parts[1])
            self.serials[k] = max(self.serials.get(k, 0), int(parts[2]))

    def counts(self, number: str) -> tuple[int, int]:
        """(opinions on the item, those without 处理情况)."""
        rows = self.by_item.get(number, ())
        return len(rows), sum(1 for r in rows if not r.text("处理情况"))


def opinion_index(ledger: Ledger) -> OpinionIndex | None:
    """The ledger's OpinionIndex (None without the sheet), rebuilt when rows it has not seen are there."""
    from .sheets import FEEDBACK

    view = ledger.views.get(FEEDBACK.name)
    if view is None:
        return None
    index = getattr(view, "_opinion_index", None)
    if index is None or index.size != len(view.rows()):
        index = OpinionIndex(view)
        view._opinion_index = index
    return index


def opinion_counts(ledger: Ledger, numbers=None) -> dict[str, tuple[int, int]]:
    """{公开编号: (opinions in 公开意见反馈, those without 处理情况)} of the items (default: every one with opinions)."""
    index = opinion_index(ledger)
    if index is None:
        return {}
    return {n: index.counts(n) for n in (index.by_item if numbers is None else numbers)}


def _count(row: Row) -> int:
    """反馈意见数 as a number (0 when blank or not a number: `check` reports that)."""
    try:
        return row.int("反馈意见数")
    except ValueError:
        return 0


def find_row(ledger: Ledger, number: str) -> Row | None:
    """The 党务公开台账 row with this 公开编号."""
    return ledger.sheet(DISCLOSURE.name).by_number().get(number)


def open_row(ledger: Ledger, number: str) -> Row:
    """The row with this number, or UsageError saying how to find the right one."""
    row = find_row(ledger, number)
    if row is None:
        raise UsageError(f"台账中没有公开编号为 {number} 的党务公开事项。", hint="请用 `dangwu status --register 党务公开` 查看现有编号。")
    return row


def decide(
    row: Row,
    approve: bool,
    by: str,
    when: dt.date,
    opinion: str,
    context: ChangeContext,
    scope: str = "",
    planned: dt.date | None = None,
) -> None:
    """Record the committee's decision on an undecided item (journalled); scope and date amended only this way."""
    if decided(row):
        raise UsageError(
            f"{row.number} 已审批（{approval_of(row)}，审批人 {row.text('审批人') or '未记录'}），不能再次审批。",
            hint="如需改变审批结果，请在台账中改正并说明理由（变更记录会留存）。",
        )
    who = " ".join(by.split())
    if not who:
        raise UsageError("请用 --by 写明审批人姓名。")
    if when > today():
        raise UsageError(f"审批日期 {when.isoformat()} 晚于今天，不能是将来的日期。")
    if scope and scope not in SCOPES:
        raise UsageError(f"公开范围“{scope}”不在可选范围内。", hint=f"可选：{'、'.join(SCOPES)}。")
    row.set("审批状态", APPROVED if approve else REFUSED, context=context)
    row.set("审批意见", opinion.strip() or ("同意公开" if approve else "不予公开"), context=context)
    row.set("审批人", who, context=context)
    row.set("审批日期", when, context=context)
    if scope:
        row.set("公开范围", scope, context=context)
    if planned:
        row.set("计划公开日期", planned, context=context)


def office(settings) -> str:
    """The office signing announcements (落款): [disclosure] office, default 党务公开工作办公室."""
    return str(settings.section("disclosure").get("office", DEFAULT_OFFICE))


def recount(ledger: Ledger, numbers=None, context: ChangeContext | None = None) -> None:
    """Set 反馈意见数 of the items (default: all) to the number of their rows in 公开意见反馈 (typed rows included)."""
    index = opinion_index(ledger)
    context = context or ChangeContext(operation="统计反馈意见")
    items = ledger.sheet(DISCLOSURE.name)
    rows = items.rows() if numbers is None else [r for r in map(items.by_number().get, numbers) if r is not None]
    for row in rows:
        n = len(index.by_item.get(row.number, ())) if index is not None else 0
        if _count(row) != n and (n or row.text("反馈意见数")):
            row.set("反馈意见数", n, context=context)


def feedback_numbers(ledger: Ledger, settings, context: ChangeContext, rows) -> list[str]:
    """反馈编号 (FK-2026-001 …) for the new opinion rows: [numbering] feedback in dangwu.toml, default FK."""
    from ..numbering import prefix
    from .sheets import FEEDBACK

    view = ledger.sheet(FEEDBACK.name)
    index = opinion_index(ledger)
    code = prefix(settings, "feedback", "FK")
    made = []
    for row in sorted({r.r: r for r in rows}.values(), key=lambda r: r.r):
        if row.number:
            continue
        year = str((row.date("收到日期") or today()).year)
        serial = index.serials.get((code, year), 0) + 1
        number = f"{code}-{year}-{serial:03d}"
        row.set(view.schema.id_column, number, context=context)
        index.note(number)
        made.append(number)
    return made
