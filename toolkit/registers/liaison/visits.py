"""走访联系点, 调研 and 慰问 on paper: a record sheet per row of 走访慰问调研, filled in and returned.

Every sheet belongs to one row: planned rows (已安排, or a row with neither 状态 nor 日期) get one
each, and ``generate visit-sheet --new`` first adds the row its sheet is for. A returned sheet
completes its row (日期, 地点 … 状态 已记录); a sheet returned again updates the same row, never a
second one. ``--type 走访联系点|调研`` writes the 走访调研记录表, ``--type 慰问`` the 慰问登记表
(VISIT_SHEET routes to CARE_SHEET).

The 类别 and 困难情况 of the people visited stay on the sheets and in the ledger: no message here
(generate, ingest, refusals) quotes them.
"""

from __future__ import annotations

import re
import weakref

import click

from ...dates import cn_date, parse_date, today
from ...errors import FormRejected, ItemClosed, UsageError
from ...forms.identity import check_prefilled, normalise
from ...forms.kinds import FormKind
from ...ledger.workbook import ChangeContext, Ledger, Row
from ..base import APPLIED, UNCHANGED, Applied
from ..numbering import wanted_numbers
from ..units import Units
from . import rules
from .sheets import CANCELLED, CARE, CONTACT, PLANNED, RECORDED, RESEARCH, VISITS

ROLES = {CONTACT: "走访", RESEARCH: "调研", CARE: "慰问"}  # the identity's role of each 类型
UNFILLED = "（未填）"
PRIVATE = ("类别",)  # prefilled labels whose values no message quotes

OPTIONS = (
    click.Option(
        ["--type", "visit_type"],
        type=click.Choice((CONTACT, RESEARCH, CARE)),
        required=True,
        metavar="类型",
        help="走访联系点、调研或慰问（慰问生成慰问登记表，其余生成走访调研记录表）。",
    ),
    click.Option(["--member"], metavar="姓名", help="只生成该班子成员的；与 --new 同用时为新增记录的班子成员（慰问人）。"),
    click.Option(
        ["--new"],
        is_flag=True,
        help="新增一条已安排的记录（计划日期为今天）并只为它生成：走访联系点和调研须同时给出 --member 和 --unit"
        "（走访联系点的单位须是该成员的联系点），慰问须给出 --with。",
    ),
    click.Option(
        ["--with", "person"],
        metavar="姓名",
        help="（慰问）慰问对象的姓名，须在“慰问对象”表中；不与 --new 同用时只生成对该对象的慰问登记表。",
    ),
)

# ---- what the sheets show


def _text(value: str) -> str:
    return value or UNFILLED


def visit_values(row: Row, units: Units) -> dict[str, str]:
    """The fields of a 走访调研记录表 (记录编号 … 对象或单位 fingerprinted)."""
    target = row.text("对象或单位")
    return {
        "记录编号": row.number,
        "类型": row.text("类型"),
        "班子成员": _text(row.text("班子成员")),
        "对象或单位": _text(units.canonical(target) if target else ""),
        "事由": row.text("事由"),
        "计划日期": cn_date(_date(row, "计划日期")) or "（未定）",
    }


def care_values(row: Row, units: Units) -> dict[str, str]:
    """The fields of a 慰问登记表: the person as 慰问对象 lists them, the 慰问人 (对象 … 慰问人 fingerprinted)."""
    name = row.text("对象或单位")
    person = _person(row.view.ledger, name)
    unit = person.text("单位") if person is not None else ""
    return {
        "记录编号": row.number,
        "对象": _text(name),
        "单位": _text(units.canonical(unit) if unit else ""),
        "类别": _text(person.text("类别") if person is not None else ""),
        "慰问人": _text(row.text("班子成员")),
        "事由": row.text("事由"),
        "计划日期": cn_date(_date(row, "计划日期")) or "（未定）",
    }


def _date(row: Row, column: str):
    try:
        return row.date(column) if column in row.view.cols else None
    except ValueError:
        return None


_PEOPLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # ledger → {姓名: 慰问对象 row}, read once per command


def _person(ledger: Ledger, name: str) -> Row | None:
    """The 慰问对象 row of ``name`` (the first, when two share the name)."""
    people = _PEOPLE.get(ledger)
    if people is None:
        people = {}
        for p in rules.care_people(ledger):
            people.setdefault(p.text("姓名"), p)
        _PEOPLE[ledger] = people
    return people.get(name) if name else None


def visit_sheet_values(row, units, unit, role, settings, extra) -> dict[str, str]:
    return {**visit_values(row, units), "发文机关": settings.org_name}


def care_sheet_values(row, units, unit, role, settings, extra) -> dict[str, str]:
    return {**care_values(row, units), "发文机关": settings.org_name}


# ---- which rows get a sheet


def state_of(row: Row) -> str:
    """已安排, 已记录 or 已取消: a row with neither 状态 nor 日期 is planned, one with a 日期 recorded."""
    return rules.visit_state(row)


def _type_of(kind_code: str, options: dict) -> str:
    if kind_code == "care_sheet":
        return CARE
    chosen = options.get("visit_type") or options.get("type")
    if chosen not in (CONTACT, RESEARCH):
        raise UsageError("请用 --type 指明表单类型。", hint=f"可选：{CONTACT}、{RESEARCH}、{CARE}。")
    return chosen


def _select(kind_code: str):
    def select(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None, options=None):
        """(row, 班子成员, role, extra) jobs: planned rows of the type; with --new, only the row it adds."""
        options = options or {}
        visit_type = _type_of(kind_code, options)
        member, person, new = options.get("member"), options.get("person"), options.get("new")
        team = rules.members(ledger, units)
        if member and member not in {m.name for m in team}:
            raise UsageError(f"“班子成员”表中没有“{member}”。", hint=f"现有成员：{'、'.join(m.name for m in team) or '（无）'}。")
        if person and visit_type != CARE:
            raise UsageError("--with 只用于 --type 慰问。", hint="走访联系点和调研请用 --unit 指明单位。")
        view = ledger.sheet(VISITS.name)
        if new:
            if ids:
                raise UsageError("--new 与 --id 不能同时使用。", hint="--new 新增一条记录；为已有记录生成表单请用 --id。")
            row = _add_row(ledger, view, units, team, visit_type, member, unit, person, settings)
            return [(row, row.text("班子成员"), ROLES[visit_type], {})], []
        return _planned(view, units, ids, unit, member, person, visit_type, force)

    return select


def _planned(view, units: Units, ids, unit, member, person, visit_type, force):
    rows = view.rows()
    wanted = wanted_numbers(rows, ids, "记录编号", VISITS.name)
    target = units.canonical(unit) if unit else ""
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        label = row.number or f"第{row.r}行"
        if row.text("类型") != visit_type:
            if wanted:
                skipped.append(f"{label}（类型为{row.text('类型') or '空'}）")
            continue
        who = row.text("班子成员")
        if member and member not in row.list("班子成员"):
            continue
        if target and _unit_of(row, units, visit_type) != target:
            continue
        if person and row.text("对象或单位") != person:
            continue
        state = state_of(row)
        if state == CANCELLED:
            skipped.append(f"{label}（已取消）")
            continue
        if state == RECORDED and not (wanted and force):
            skipped.append(f"{label}（已记录）")
            continue
        if not who:
            what = "慰问人" if visit_type == CARE else "班子成员"
            skipped.append(f"{label}（{what}待定，请在台账“班子成员”栏填写）")
            continue
        jobs.append((row, who, ROLES[visit_type], {}))
    return jobs, skipped


def _unit_of(row: Row, units: Units, visit_type: str) -> str:
    """The unit a row is about: the 联系点 or unit researched, or the 慰问 person's unit."""
    if visit_type == CARE:
        person = _person(row.view.ledger, row.text("对象或单位"))
        return units.canonical(person.text("单位")) if person is not None and person.text("单位") else ""
    target = row.text("对象或单位")
    return units.canonical(target) if target else ""


def _add_row(ledger, view, units: Units, team, visit_type, member, unit, person, settings) -> Row:
    """The 已安排 row ``--new`` adds (计划日期 today), after checking who and what it is for."""
    names = "、".join(m.name for m in team) or "（无）"
    if visit_type == CARE:
        if not person:
            raise UsageError("慰问须用 --with 指明慰问对象。", hint="慰问对象须在台账“慰问对象”表中。")
        found = _person(ledger, person)
        if found is None:
            raise UsageError(f"“慰问对象”表中没有“{person}”。", hint="请先在台账“慰问对象”表中登记该对象，再生成慰问登记表。")
        if not member:
            own = found.text("单位")
            member = rules.member_for_unit(team, units.canonical(own) if own else "")
            if not member:
                raise UsageError(
                    f"无法确定对“{person}”的慰问人：其单位不在唯一一位班子成员的联系点中。", hint=f"请用 --member 指定慰问人（{names}）。"
                )
        target = person
    else:
        what = "走访联系点" if visit_type == CONTACT else "调研"
        if not member or not unit:
            raise UsageError(f"新增{what}记录须同时给出 --member 和 --unit。", hint=f"班子成员：{names}。")
        target = units.canonical(unit)
        if visit_type == CONTACT:
            contacts = next(m.contacts for m in team if m.name == member)
            if target not in contacts:
                raise UsageError(
                    f"“{target}”不是{member}的联系点。",
                    hint=f"{member}的联系点：{'、'.join(contacts)}。" if contacts else f"请先在“班子成员”表中填写{member}的联系点。",
                )
    context = ChangeContext(operation=f"新增{ROLES[visit_type]}记录")
    values = {"班子成员": member, "类型": visit_type, "对象或单位": target, "状态": PLANNED, "计划日期": today()}
    return view.append(values, context=context)


def mark_planned(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """After the sheet is written: a row typed in without 状态 becomes 已安排."""
    if not row.text("状态"):
        row.set("状态", PLANNED, context=context)


# ---- sheets coming back


def _check_row(ledger: Ledger, units: Units, ident, kind: FormKind, fields: dict, current_of) -> Row:
    """The row the sheet belongs to, after the structure and fingerprint checks; FormRejected otherwise."""
    row = ledger.sheet(VISITS.name).by_number().get(ident.number)
    if row is None:
        raise FormRejected(f"台账中没有记录编号为 {ident.number} 的走访慰问调研记录。", hint="请核对编号；若记录已删除，请联系党委办公室。")
    if state_of(row) == CANCELLED:
        raise ItemClosed(f"{ident.number} 已取消，不再接收{kind.title}。", hint="如该次活动实际已开展，请联系党委办公室恢复该记录。")
    check_prefilled(
        fields, ident, current_of(row, units), kind.prefilled, kind.prefilled + kind.feedback, form=kind.title, item="记录",
        edited_hint="预填内容如需更正，请联系党委办公室在台账中修改后重新生成。",
        stale_hint=f"请向党委办公室索取最新的{kind.title}。", private=PRIVATE,
    )  # fmt: skip
    return row


_LEADING_DATE = re.compile(r"^\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)")


def _when(fields: dict, label: str):
    """The date written under ``label`` (a time or half-day after it is allowed): required, not in the future."""
    raw = " ".join(fields.get(label, "").split())
    try:
        when = parse_date(raw)
    except ValueError:
        m = _LEADING_DATE.match(raw)  # 2026年10月29日上午, 2026-10-29 9:00-11:00
        try:
            when = parse_date(m.group(1)) if m else None
        except ValueError:
            when = None
        if when is None:
            raise FormRejected(f"“{label}”填写的“{raw}”不是日期。", hint="请写成 2026年10月29日 或 2026-10-29。") from None
    if when is None:
        raise FormRejected(f"“{label}”为空。", hint="请填写开展的日期后重新提交。")
    if when > today():
        raise FormRejected(f"“{label}”{when.isoformat()} 晚于今天，不能是将来的日期。", hint="请填写实际开展的日期。")
    return when


def _cell(fields: dict, label: str) -> str:
    return fields.get(label, "").strip()


def _complete(row: Row, ident, kind: FormKind, updates: dict, context: ChangeContext, ledger: Ledger, note: str = "") -> Applied:
    """Write the sheet's values into its row (状态 已记录, 来源文件) and journal a content-free 回执."""
    updates = {**updates, "状态": RECORDED}
    first = row.text("状态") != RECORDED
    changed = [h for h, v in updates.items() if not _same(row, h, v)]
    for header in changed:
        row.set(header, updates[header], context=context)
    if changed and context.source:
        row.set("来源文件", context.source, context=context)
    ledger.journal(context.change(VISITS.name, row.number, "回执", "", f"{ident.role}·{ident.unit}·{RECORDED}"))
    when = cn_date(updates["日期"])
    if not changed:
        return Applied(UNCHANGED, f"内容与台账一致，无需更新（{when}）。{note}", [row])
    if kind.code == "care_sheet" or first:  # a 慰问's changed cells would hint at the person's situation
        return Applied(APPLIED, f"{ident.role}已记录（{when}）。{note}", [row])
    return Applied(APPLIED, f"{ident.role}记录已更新（{when}），更新了{'、'.join(h for h in changed if h != '状态')}。{note}", [row])


def _same(row: Row, header: str, value) -> bool:
    if header not in row.view.cols:
        return value in ("", None)
    if header == "日期":
        return _date(row, header) == value
    return normalise(row.text(header)) == normalise(value if isinstance(value, str) else str(value))


def apply_visit(ws, ledger, units, ident, kind, form, context) -> Applied:
    """A returned 走访调研记录表: 日期 (from 时间), 地点, 参加人员 … 后续跟进 written into its row (已记录)."""
    fields = form.fields
    row = _check_row(ledger, units, ident, kind, fields, visit_values)
    when = _when(fields, "时间")
    seen = _cell(fields, "了解的情况")
    if not seen:
        raise FormRejected("“了解的情况”为空。", hint="请写明走访调研了解的情况后重新提交。")
    updates = {
        "日期": when,
        "地点": _cell(fields, "地点"),
        "参加人员": _cell(fields, "参加人员"),
        "座谈对象或调研对象": _cell(fields, "座谈对象或调研对象"),
        "主要情况": seen,
        "意见建议": _cell(fields, "意见建议"),
        "解决问题": _cell(fields, "解决的问题"),
        "后续跟进": _cell(fields, "后续跟进"),
    }
    return _complete(row, ident, kind, updates, context, ledger)


def apply_care(ws, ledger, units, ident, kind, form, context) -> Applied:
    """A returned 慰问登记表: 日期 (from 慰问时间), 困难情况, 慰问金或物品, 对象诉求 and 备注 written into its row.

    签收 is not required (the person may be unable to sign): a sheet without it is recorded and the
    row's 主要情况 says so. The message names no 类别 or 困难情况.
    """
    fields = form.fields
    row = _check_row(ledger, units, ident, kind, fields, care_values)
    when = _when(fields, "慰问时间")
    signed = _cell(fields, "签收")
    remark = _cell(fields, "备注")
    unsigned = "" if signed else "登记表未经签收"
    updates = {
        "日期": when,
        "主要情况": "；".join(t for t in (remark, unsigned) if t),
        "困难情况": _cell(fields, "困难情况"),
        "慰问金或物品": _cell(fields, "慰问金或物品"),
        "对象诉求": _cell(fields, "对象诉求"),
    }
    return _complete(row, ident, kind, updates, context, ledger, "（登记表未经签收）" if unsigned else "")


# ---- the kinds

VISIT_FIELDS = ("发文机关", "识别码", "记录编号", "类型", "班子成员", "对象或单位", "事由", "计划日期")
VISIT_FEEDBACK = ("时间", "地点", "参加人员", "座谈对象或调研对象", "了解的情况", "意见建议", "解决的问题", "后续跟进")
CARE_FIELDS = ("发文机关", "识别码", "记录编号", "对象", "单位", "类别", "慰问人", "事由", "计划日期")
CARE_FEEDBACK = ("慰问时间", "困难情况", "慰问金或物品", "对象诉求", "签收", "备注")
SKIP_HINTS = (
    "已记录、已取消的不生成；已记录的重新生成请用 --id 指明并加 --force；班子成员待定的请先在台账中填写",
    "已取消的不生成；已记录的须用 --id 指明；班子成员待定的请先在台账中填写",
)


def _route(options: dict) -> FormKind:
    return CARE_SHEET if (options.get("visit_type") or options.get("type")) == CARE else VISIT_SHEET


VISIT_SHEET = FormKind(
    code="visit_sheet",
    command="visit-sheet",
    title="走访调研记录表",
    label="记录表",
    id_label="记录编号",
    item_word="条记录",
    skip_hints=SKIP_HINTS,
    help="为已安排的走访联系点、调研生成走访调研记录表（--type 慰问：慰问登记表），每份对应“走访慰问调研”表的一行；"
    "--new 先新增一条记录再为它生成。填好交回后用 `dangwu ingest` 登记。",
    register=VISITS,
    template="联系服务群众/走访调研记录表.docx",
    fields=VISIT_FIELDS,
    prefilled=("记录编号", "类型", "班子成员", "对象或单位"),
    feedback=VISIT_FEEDBACK,
    values=visit_sheet_values,
    select=_select("visit_sheet"),
    mark=mark_planned,
    options=OPTIONS,
    route=_route,
)

CARE_SHEET = FormKind(
    code="care_sheet",
    title="慰问登记表",
    label="登记表",
    id_label="记录编号",
    item_word="条记录",
    skip_hints=SKIP_HINTS,
    help="为已安排的慰问生成慰问登记表（由 `dangwu generate visit-sheet --type 慰问` 调用）。",
    register=VISITS,
    template="联系服务群众/慰问登记表.docx",
    fields=CARE_FIELDS,
    prefilled=("记录编号", "对象", "单位", "类别", "慰问人"),
    feedback=CARE_FEEDBACK,
    values=care_sheet_values,
    select=_select("care_sheet"),
    mark=mark_planned,
    options=OPTIONS,
    subcommand=False,
)

KINDS = (VISIT_SHEET, CARE_SHEET)
APPLY = {VISIT_SHEET.code: apply_visit, CARE_SHEET.code: apply_care}
