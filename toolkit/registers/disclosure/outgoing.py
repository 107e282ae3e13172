"""党务公开 forms going out: the 党务公开审批表 and which items get one."""

from __future__ import annotations

from ...dates import cn_date, today
from ...errors import UsageError
from ...ledger.workbook import ChangeContext, Ledger, Row
from ..numbering import wanted_numbers
from ..units import Units
from .rules import UNDECIDED, approval_of, decided
from .sheets import DISCLOSURE

ROLE = "审批"  # the identity's role: the form goes to the committee, through the proposing unit


def item_values(row: Row, units: Units) -> dict[str, str]:
    """The item's fields as every disclosure form prints them (the fingerprinted part)."""
    proposer = row.text("提出部门")
    return {
        "公开编号": row.number,
        "公开事项": row.text("公开事项"),
        "公开类别": row.text("公开类别"),
        "公开内容摘要": row.text("公开内容摘要") or "（见附件）",
        "提出部门": (units.canonical(proposer) if proposer else "") or "（未填）",
        "公开范围": row.text("公开范围") or "（未填）",
        "公开形式": row.text("公开形式") or "（未填）",
        "时限类型": row.text("时限类型") or "（未填）",
        "计划公开日期": cn_date(row.date("计划公开日期")) or "（未定）",
    }


def approval_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict[str, str]:
    """Every field of the 党务公开审批表."""
    return {**item_values(row, units), "发文机关": settings.org_name, "填表日期": cn_date(today())}


def recipient(row: Row, units: Units) -> str:
    """Who fills the form in: the proposing unit (else the office), as the identity names it."""
    proposer = row.text("提出部门")
    return (units.canonical(proposer) if proposer else "") or "党委办公室"


def _selected(ledger: Ledger, ids) -> tuple[list[Row], set[str]]:
    """The register's rows and the numbers asked for with --id; UsageError naming numbers not in the sheet."""
    rows = ledger.sheet(DISCLOSURE.name).rows()
    return rows, wanted_numbers(rows, ids, "公开编号", DISCLOSURE.name)


def select_for_approval(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None):
    """(row, unit, role, extra) jobs: items never sent for approval; with --force or --id also those waiting (待审批)."""
    rows, wanted = _selected(ledger, ids)
    target = units.canonical(unit) if unit else None
    if unit and not units.get(unit):
        raise UsageError(f"“承办单位”表中没有单位“{unit}”。", hint="请使用单位全称或简称。")
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        if decided(row):
            skipped.append(f"{row.number or '（待编号）'}（{approval_of(row)}）")
            continue
        if row.text("审批状态") == UNDECIDED and not (force or wanted):
            skipped.append(f"{row.number}（已送审批）")
            continue
        name = recipient(row, units)
        if target and name != target:
            continue
        jobs.append((row, name, ROLE, {}))
    return jobs, skipped


def mark_sent_for_approval(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After the form is written: 审批状态 待审批 (the item waits for the committee)."""
    if not row.text("审批状态"):
        row.set("审批状态", UNDECIDED, context=context)


FEEDBACK_ROLE = "反馈"  # the identity's role: whoever fills the form in


def channels(settings) -> str:
    """How to give an opinion, from [disclosure] channels (phone, e-mail, address), one line."""
    section = settings.section("disclosure")
    ways = [
        f"{label}：{section[key]}" for key, label in (("phone", "电话"), ("email", "电子邮箱"), ("address", "地址")) if section.get(key)
    ]
    return "；".join(ways) or "交党务公开工作办公室"


def feedback_form_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict[str, str]:
    """Every field of the 党务公开意见反馈表."""
    from .rules import office

    until = row.date("公开截止日期")
    return {
        "公开编号": row.number,
        "公开事项": row.text("公开事项"),
        "反馈截止": f"请于{cn_date(until)}前反馈" if until else "公示期内反馈",
        "反馈方式": channels(settings),
        "发文机关": settings.org_name,
        "落款单位": office(settings),
    }


def select_for_feedback_form(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None):
    """(row, addressee, role, extra) jobs: one form per approved item (addressed to its 公开范围), others skipped."""
    from .rules import APPROVED

    rows, wanted = _selected(ledger, ids)
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        if approval_of(row) != APPROVED:
            skipped.append(f"{row.number or '（待编号）'}（{approval_of(row)}）")
            continue
        jobs.append((row, row.text("公开范围") or "公众", FEEDBACK_ROLE, {}))
    return jobs, skipped


def no_mark(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """A feedback form changes nothing in the ledger when it is written."""
