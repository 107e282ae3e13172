"""谈心谈话记录表: one sheet per planned talk, to the 谈话人; the filled sheet records the talk.

- `dangwu generate talk-sheet [--id …] [--member 姓名]` writes a sheet per 已安排 talk (``--member``:
  the talks that member holds as 谈话人; sheets go to the 谈话人). 已记录 talks are reprinted only with
  ``--id`` and ``--force``; 已取消 ones never.
- `dangwu generate talk-sheet --new --member 姓名 --with 姓名 [--type 与骨干]` adds an unplanned talk
  (已安排) and writes its sheet.
- Prefilled and fingerprinted: 谈话编号, 谈话类型, 谈话人, 职务, 谈话对象, 对象单位及职务. The sheet also
  prints 计划日期, which is not fingerprinted: rescheduling a talk does not void its sheet.
- The returned sheet (Word or PDF) sets 状态 已记录 with 谈话日期, 地点, 谈话方式, the content and 记录人;
  a second return updates the record. A talk counts for the year of its row; one held in
  January–March for the previous year's plan is accepted.
- The content (主要内容, 意见建议, 需协调解决的问题, 后续跟进) goes to the ledger and its journal only:
  the outcome messages and the 回执 journal line name the talk and the people, never the content.
"""

from __future__ import annotations

import datetime as dt

import click

from ...dates import cn_date, parse_date, today
from ...errors import FormRejected, ItemClosed, UsageError
from ...forms.checkbox import read_choice
from ...forms.identity import check_prefilled, normalise
from ...forms.kinds import FormKind
from ...ledger.workbook import ChangeContext, Ledger, Row
from ..base import APPLIED, UNCHANGED, Applied
from ..numbering import wanted_numbers
from ..units import Units
from . import rules
from .sheets import CANCELLED, CHIEF_TALK, OTHER_TALK, PEER_TALK, PLANNED, RECORDED, TALKS, WAYS

ROLE = "谈话"  # the identity's role: the sheet goes to the 谈话人, who fills it in after the talk
TYPES = TALKS.column("谈话类型").choices
UNKNOWN, UNDATED = "（未填）", "（待定）"
LATE_MONTHS = 3  # a talk held in January–March still counts for the previous year's plan

ITEM = ("谈话编号", "谈话类型", "谈话人", "职务", "谈话对象", "对象单位及职务")  # fingerprinted
RECORD = ("谈话日期", "地点", "谈话方式", "谈话主要内容", "对方意见建议", "需协调解决的问题", "后续跟进", "记录人")
# the sheet's label → the ledger column it is written to
COLUMNS = {
    "谈话日期": "谈话日期",
    "地点": "地点",
    "谈话方式": "谈话方式",
    "谈话主要内容": "主要内容",
    "对方意见建议": "意见建议",
    "需协调解决的问题": "需协调解决的问题",
    "后续跟进": "后续跟进",
    "记录人": "记录人",
}

TALK_OPTIONS = (
    click.Option(["--new", "new"], is_flag=True, help="新增一次计划外的谈话（须同时给出 --member 和 --with），并生成其记录表。"),
    click.Option(["--member"], metavar="姓名", help="只生成该班子成员作为谈话人的记录表；与 --new 同用时为新增谈话的谈话人。"),
    click.Option(["--with", "partner"], metavar="姓名", help="（与 --new 同用）谈话对象的姓名。"),
    click.Option(
        ["--type", "talk_type"],
        metavar="谈话类型",
        help=f"（与 --new 同用）谈话类型：{'、'.join(TYPES)}；默认{OTHER_TALK}。",
    ),
)


# ---- the talk's state and its prefilled part


def state_of(row: Row) -> str:
    """已安排 / 已记录 / 已取消; a row the clerk typed without 状态 is 已记录 when it has a 谈话日期."""
    return rules.talk_state(row)


def posts(ledger: Ledger) -> dict[str, str]:
    """班子成员: name → 职务."""
    return {m.name: m.post for m in rules.members(ledger)}


def item_values(row: Row, post: str) -> dict[str, str]:
    """The talk's fields as the sheet prints them (the fingerprinted part)."""
    return {
        "谈话编号": row.number,
        "谈话类型": row.text("谈话类型") or UNKNOWN,
        "谈话人": row.text("谈话人"),
        "职务": post or UNKNOWN,
        "谈话对象": row.text("谈话对象"),
        "对象单位及职务": row.text("谈话对象单位及职务") or UNKNOWN,
    }


def talk_values(row: Row, units: Units, unit: str, role: str, settings, extra: dict) -> dict[str, str]:
    """Every field of the 谈心谈话记录表."""
    planned = row.date("计划日期")
    return {**item_values(row, extra.get("post", "")), "发文机关": settings.org_name, "计划日期": cn_date(planned) or UNDATED}


# ---- which talks get a sheet


def select_talks(ledger: Ledger, units: Units, ids=(), unit=None, force=False, settings=None, options=None):
    """(row, 谈话人, role, extra) jobs: planned talks (of the member asked), or the new talk with --new."""
    opts = dict(options or {})
    team = rules.members(ledger, units)
    post = {m.name: m.post for m in team}
    view = ledger.sheet(TALKS.name)
    if opts.get("new"):
        row = _new_talk(ledger, view, team, ids, unit, opts)
        return [(row, row.text("谈话人"), ROLE, {"post": post.get(row.text("谈话人"), "")})], []
    for name, flag in (("partner", "--with"), ("talk_type", "--type")):
        if opts.get(name):
            raise UsageError(
                f"{flag} 只能与 --new 同用。", hint="新增计划外的谈话：dangwu generate talk-sheet --new --member 姓名 --with 姓名。"
            )
    asked = {n.strip() for n in (opts.get("member"), unit) if n and n.strip()}
    if len(asked) > 1:
        raise UsageError(f"--member 与 --unit 指的不是同一人（{'、'.join(sorted(asked))}）。", hint="记录表发给谈话人，只需给出其中一项。")
    rows = view.rows()
    who = next(iter(asked), None)
    if who and who not in post and all(r.text("谈话人") != who for r in rows):
        raise UsageError(f"“班子成员”表中没有“{who}”，台账中也没有以其为谈话人的谈话。", hint=f"现有成员：{'、'.join(post) or '无'}。")
    wanted = wanted_numbers(rows, ids, "谈话编号", TALKS.name)
    jobs, skipped = [], []
    for row in rows:
        if wanted and row.number not in wanted:
            continue
        talker = row.text("谈话人")
        if who and talker != who:
            continue
        label = row.number or "（待编号）"
        state = state_of(row)
        if state == CANCELLED:
            skipped.append(f"{label}（已取消）")
            continue
        if state == RECORDED and not (wanted and force):
            skipped.append(f"{label}（已记录）")
            continue
        if not talker or not row.text("谈话对象"):
            skipped.append(f"{label}（未填{'谈话人' if not talker else '谈话对象'}）")
            continue
        jobs.append((row, talker, ROLE, {"post": post.get(talker, "")}))
    return jobs, skipped


def _new_talk(ledger: Ledger, view, team, ids, unit, opts) -> Row:
    """Append the unplanned talk --new asks for (已安排) and return its row; UsageError when it cannot be."""
    example = "如：dangwu generate talk-sheet --new --member 张三 --with 李四 --type 与骨干。"
    if ids or unit:
        raise UsageError("--new 不能与 --id 或 --unit 同用。", hint=example)
    who, other = (opts.get("member") or "").strip(), (opts.get("partner") or "").strip()
    if not who or not other:
        raise UsageError("--new 须同时给出 --member（谈话人）和 --with（谈话对象）。", hint=example)
    members = {m.name: m for m in team}
    if who not in members:
        raise UsageError(f"“班子成员”表中没有“{who}”：谈话人须是班子成员。", hint=f"现有成员：{'、'.join(members) or '无'}。")
    if who == other:
        raise UsageError("谈话人和谈话对象不能是同一人。", hint=example)
    kind = (opts.get("talk_type") or OTHER_TALK).strip()
    if kind not in TYPES:
        raise UsageError(f"--type 的值“{kind}”不在可选范围内。", hint=f"可选：{'、'.join(TYPES)}。")
    if kind in (CHIEF_TALK, PEER_TALK) and other not in members:
        raise UsageError(f"“{kind}”的谈话对象须是班子成员，“{other}”不在“班子成员”表中。", hint=f"可选的谈话类型：{'、'.join(TYPES)}。")
    for row in view.rows():
        if state_of(row) == PLANNED and (row.text("谈话人"), row.text("谈话对象"), row.text("谈话类型")) == (who, other, kind):
            raise UsageError(
                f"已有尚未记录的同类谈话：{row.number or '第' + str(row.r) + '行'}（{who} — {other}，{kind}）。",
                hint=f"请用 --id {row.number} 生成其记录表。" if row.number else "请先为该行生成记录表（dangwu generate talk-sheet）。",
            )
    post = members[other].post if other in members else _head_post(ledger, other)
    values = {"谈话人": who, "谈话对象": other, "谈话对象单位及职务": post, "谈话类型": kind, "状态": PLANNED}
    return view.append(values, context=ChangeContext(operation="新增谈心谈话"))


def _head_post(ledger: Ledger, person: str) -> str:
    """教务处负责人 when ``person`` is a 负责人 in 承办单位 (the first such unit), else ''."""
    for unit, heads in rules.unit_heads(ledger).items():
        if person in heads:
            return f"{unit}负责人"
    return ""


def no_mark(row: Row, role: str, extra: dict, context: ChangeContext) -> None:
    """Writing a talk sheet changes nothing in the ledger (the talk stays 已安排 until the sheet comes back)."""


# ---- the returned sheet


def apply_talk(ws, ledger, units, ident, kind, form, context) -> Applied:
    """The talk as written on the returned sheet: 状态 已记录 with its date, place, way, content and 记录人 (journalled)."""
    view = ledger.sheet(TALKS.name)
    row = view.by_number().get(ident.number)
    if row is None:
        raise FormRejected(f"台账中没有谈话编号为 {ident.number} 的谈心谈话。", hint="请核对编号；若该谈话已删除，请联系党委办公室。")
    talker = row.text("谈话人")
    if normalise(talker) != normalise(ident.unit):
        raise FormRejected(
            f"此表是发给“{ident.unit}”的，但台账中 {ident.number} 的谈话人是“{talker or '（未填）'}”。",
            hint="请确认是否用错了记录表；应由谈话人填写其收到的记录表。",
        )
    if state_of(row) == CANCELLED:
        raise ItemClosed(
            f"{ident.number} 已取消，不再接收谈话记录表。", hint="如该谈话实际已进行，请联系党委办公室将状态改回“已安排”后重新提交。"
        )
    fields = form.fields
    check_prefilled(
        fields, ident, item_values(row, posts(ledger).get(talker, "")), kind.prefilled, kind.prefilled + kind.feedback,
        form="记录表", item="谈话",
        edited_hint="请在原记录表上只填写谈话后的各栏；预填内容如有错误，请联系党委办公室更正后重新生成。",
        stale_hint="请向党委办公室索取最新的记录表，在新表上填写后提交。",
    )  # fmt: skip
    when = _talk_date(fields.get("谈话日期", ""), row)
    way, problem = read_choice(fields.get("谈话方式", ""), WAYS)
    if problem:
        raise FormRejected(f"“谈话方式”{problem}。", hint=f"请在{'、'.join(WAYS)}中选一项，在其前的“□”内打“√”。")
    content = fields.get("谈话主要内容", "").strip()
    if not content:
        raise FormRejected("“谈话主要内容”为空。", hint="请填写谈话的主要内容后重新提交。")
    record = {label: fields.get(label, "").strip() for label in RECORD}
    record.update({"谈话日期": when, "谈话方式": way, "谈话主要内容": content, "记录人": " ".join(record["记录人"].split())})
    first = state_of(row) != RECORDED
    changed = [label for label in RECORD if row.set(COLUMNS[label], record[label], context=context)]
    changed += ["状态"] if row.set("状态", RECORDED, context=context) else []
    who = f"{ident.number}（{talker} — {row.text('谈话对象')}，{cn_date(when)}，{way}）"
    if not changed:
        return Applied(UNCHANGED, f"{who} 与台账中的记录一致，无变化。", [row])
    row.set("来源文件", context.source, context=context)
    ledger.journal(context.change(TALKS.name, row.number, "回执", "", f"{ident.role}·{ident.unit}·{RECORDED}"))
    if first:
        return Applied(APPLIED, f"谈心谈话已记录：{who}。", [row])
    return Applied(APPLIED, f"谈话记录已更新：{who}，更新了{'、'.join(changed)}。", [row])


def _talk_date(raw: str, row: Row) -> dt.date:
    """谈话日期 as written: a date, not in the future, in the row's year or January–March of the next."""
    raw = raw.strip()
    try:
        when = parse_date(raw)
    except ValueError:
        raise FormRejected(f"“谈话日期”填写的“{raw}”不是日期。", hint="请写成 2026年3月5日 或 2026-03-05。") from None
    if when is None:
        raise FormRejected("“谈话日期”为空。", hint="请填写实际谈话的日期后重新提交。")
    if when > today():
        raise FormRejected(f"“谈话日期”{cn_date(when)}晚于今天，不能是将来的日期。", hint="请填写实际谈话的日期。")
    year = rules.row_year(row)
    if year is not None and not (when.year == year or (when.year == year + 1 and when.month <= LATE_MONTHS)):
        raise FormRejected(
            f"“谈话日期”{cn_date(when)}不在 {row.number} 所属的 {year} 年度内（可延至 {year + 1} 年 {LATE_MONTHS} 月底）。",
            hint="请核对谈话日期；如属另一年度的谈话，请联系党委办公室另行安排。",
        )
    return when


TALK_SHEET = FormKind(
    code="talk_sheet",
    command="talk-sheet",
    title="谈心谈话记录表",
    label="记录表",
    id_label="谈话编号",
    item_word="谈话",
    skip_hints=(
        "已记录、已取消的谈话不生成；已记录的谈话重新生成请用 --id 指明并加 --force",
        "已取消的谈话不生成；已记录的谈话须用 --id 指明",
    ),
    help="为已安排的谈心谈话生成谈心谈话记录表，发谈话人（--member 只生成该班子成员的）；--new 新增一次计划外的谈话并生成其记录表。",
    register=TALKS,
    template="联系服务群众/谈心谈话记录表.docx",
    fields=("发文机关", "识别码", *ITEM, "计划日期"),
    prefilled=ITEM,
    feedback=RECORD,
    values=talk_values,
    select=select_talks,
    mark=no_mark,
    options=TALK_OPTIONS,
    file_label=lambda row, talker: f"{talker}与{row.text('谈话对象') or '待定'}",  # whose talk, at a glance
)

KINDS = (TALK_SHEET,)
APPLY = {TALK_SHEET.code: apply_talk}
