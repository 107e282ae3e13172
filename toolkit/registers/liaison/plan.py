"""`dangwu plan talks` and `dangwu plan visits`: the 已安排 rows the rule requires that the year lacks.

Both are idempotent: a rerun adds nothing, existing rows are never reshuffled. `plan talks` also
cancels (已取消) the planned talks of people no longer in 班子成员.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from ...cliutil import command, handle_errors, workspace_option
from ...dates import today
from ...errors import UsageError
from ...generate import open_valid_ledger
from ...ledger.workbook import ChangeContext
from ...lock import locked
from ...workspace import Workspace
from ..numbering import prefix
from ..units import Units
from . import rules
from .sheets import CANCELLED, CARE, CARE_LIST, PLANNED, TALKS, VISITS


@dataclass
class PlanResult:
    """What a plan command added and cancelled (or would, in a dry run)."""

    added: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    dry_run: bool = False
    what: str = "谈话"

    def lines(self) -> list[str]:
        verb = "将添加" if self.dry_run else "已添加"
        out = [f"{verb} {line}" for line in self.added]
        out += [f"{'将取消' if self.dry_run else '已取消'} {line}" for line in self.cancelled]
        if self.unassigned:
            out.append(f"以下{len(self.unassigned)}项没有对应联系点的班子成员，慰问人待办公室指定：{'、'.join(self.unassigned)}")
        if not self.added and not self.cancelled:
            out.append(f"没有需要添加的{self.what}计划：台账中已齐全。")
        else:
            cancelled = f"，{'将' if self.dry_run else ''}取消{len(self.cancelled)}项" if self.cancelled or self.what == "谈话" else ""
            out.append(f"合计：{verb}{len(self.added)}项{cancelled}。")
        if self.dry_run:
            out.append("试运行：台账未修改。")
        return out


def _next_numbers(view, code: str, year: int):
    """A generator of the next free numbers of ``year`` (TH-2027-001 …) in ``view``."""
    used = 0
    for row in view.rows():
        parts = row.number.rsplit("-", 2)
        if len(parts) == 3 and parts[0] == code and parts[1] == str(year) and parts[2].isdigit():
            used = max(used, int(parts[2]))
    while True:
        used += 1
        yield f"{code}-{year}-{used:03d}"


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise UsageError(f"--year 的值 {year} 不是有效年度。", hint="请写四位年份，如 2027。")


@locked("plan")
def plan_talks(ws: Workspace, year: int, member: str | None = None, *, dry_run: bool = False) -> PlanResult:
    """Add the talks of ``year`` the rule requires and the ledger lacks; cancel planned talks of former members."""
    _check_year(year)
    ledger = open_valid_ledger(ws, for_write=not dry_run)
    units = Units.from_ledger(ledger)
    team = rules.members(ledger, units)
    if not team:
        raise UsageError("“班子成员”表中没有成员，无法安排谈心谈话。", hint="请先在“班子成员”表中填写姓名、职务和是否党政正职。")
    names = {m.name for m in team}
    if member and member not in names:
        raise UsageError(f"“班子成员”表中没有“{member}”。", hint=f"现有成员：{'、'.join(m.name for m in team)}。")
    view = ledger.sheet(TALKS.name)
    existing = [r for r in view.rows() if rules.row_year(r) == year]
    have = {rules.talk_key(r, names) for r in existing if r.text("状态") != CANCELLED}
    result = PlanResult(dry_run=dry_run)
    context = ChangeContext(operation="安排谈心谈话")
    numbers = _next_numbers(view, prefix(ws.settings, "talks", "TH"), year)
    for talk in rules.required_talks(team, rules.unit_heads(ledger)):
        if talk.key in have or (member and member not in (talk.who, talk.other)):
            continue
        number = next(numbers)
        result.added.append(f"{number} {talk.who} — {talk.other}（{talk.kind}）")
        if not dry_run:
            values = {
                "谈话编号": number,
                "谈话人": talk.who,
                "谈话对象": talk.other,
                "谈话对象单位及职务": talk.post,
                "谈话类型": talk.kind,
                "状态": PLANNED,
            }
            view.append(values, context=context, number=number)
        have.add(talk.key)
    for row in existing:  # planned talks of people who left the committee
        if row.text("状态") != PLANNED:
            continue
        gone = [p for p in _members_named(row) if p not in names]
        if gone and (not member or member in (row.text("谈话人"), row.text("谈话对象"))):
            result.cancelled.append(f"{row.number} {row.text('谈话人')} — {row.text('谈话对象')}（{'、'.join(gone)}已不在班子成员中）")
            if not dry_run:
                row.set("状态", CANCELLED, context=context)
    if not dry_run and (result.added or result.cancelled):
        ledger.save(keep_backups=ws.settings.backups)
    return result


def _members_named(row) -> list[str]:
    """The committee members a planned talk names: both sides of a member pair, the 谈话人 otherwise."""
    from .sheets import CHIEF_TALK, PEER_TALK

    if row.text("谈话类型") in (CHIEF_TALK, PEER_TALK):
        return [row.text("谈话人"), row.text("谈话对象")]
    return [row.text("谈话人")]


@locked("plan")
def plan_visits(ws: Workspace, occasion: str, year: int, *, dry_run: bool = False) -> PlanResult:
    """Add a 慰问 row per person due at ``occasion`` of ``year`` (festivals: 老党员, 老同志; 日常: 重病, 困难, 独居)."""
    _check_year(year)
    if occasion not in rules.OCCASIONS:
        raise UsageError(f"--occasion 的值“{occasion}”不在可选范围内。", hint=f"可选：{'、'.join(rules.OCCASIONS)}。")
    ledger = open_valid_ledger(ws, for_write=not dry_run)
    people = rules.care_people(ledger)
    if not people:
        if CARE_LIST.name in ledger.views:
            raise UsageError(
                "“慰问对象”表中还没有人员。",
                hint="请在该表逐行填写姓名、单位、类别（老党员、老同志、重病、困难、独居、其他）等，再运行本命令。",
            )
        raise UsageError(
            "台账中没有“慰问对象”表。", hint="请新建“慰问对象”表，表头为：姓名、单位、类别、所在支部、联系电话、住址、备注，并逐行填写。"
        )
    units = Units.from_ledger(ledger)
    team = rules.members(ledger, units)
    view = ledger.sheet(VISITS.name)
    reason = rules.OCCASION_REASON[occasion]
    when = rules.occasion_date(occasion, year)
    due_kinds = rules.FESTIVAL_PEOPLE if occasion != "日常" else rules.DAILY_PEOPLE
    done = {
        (r.text("对象或单位"), r.text("事由"))
        for r in view.rows()
        if r.text("类型") == CARE and rules.row_year(r) == year and r.text("状态") != CANCELLED
    }
    last = rules.last_care(ledger) if occasion == "日常" else {}
    waiting = {  # an everyday visit planned and not yet made is not planned twice
        r.text("对象或单位") for r in view.rows() if r.text("类型") == CARE and r.text("事由") == reason and r.text("状态") == PLANNED
    }
    now = today()
    interval = rules.setting(ws.settings, "care_interval_days")
    result = PlanResult(dry_run=dry_run, what="慰问")
    context = ChangeContext(operation=f"安排{reason}")
    numbers = _next_numbers(view, prefix(ws.settings, "visits", "ZF"), year)
    for person in people:
        name, category = person.text("姓名"), person.text("类别")
        if category not in due_kinds:
            continue
        if occasion != "日常" and (name, reason) in done:
            continue
        if occasion == "日常":  # due unless visited (or a visit planned) within the interval
            seen = last.get(name)
            if name in waiting or (seen and abs((now - seen).days) < interval):
                continue
        unit = units.canonical(person.text("单位")) or person.text("单位")
        visitor = rules.member_for_unit(team, unit)
        number = next(numbers)
        result.added.append(f"{number} {reason}：{name}（{unit or '单位未填'}）→ {visitor or '慰问人待定'}")
        if not visitor:
            result.unassigned.append(name)
        if not dry_run:
            values = {
                "记录编号": number,
                "班子成员": visitor,
                "类型": CARE,
                "事由": reason,
                "对象或单位": name,
                "状态": PLANNED,
                "计划日期": when or now,
            }
            view.append(values, context=context, number=number)
        done.add((name, reason))
    if not dry_run and result.added:
        ledger.save(keep_backups=ws.settings.backups)
    return result


def _year(option_year: int | None) -> int:
    return option_year or today().year


@command("talks")
@workspace_option
@click.option("--year", type=int, metavar="年度", help="安排哪一年的谈心谈话，如 2027；默认今年。")
@click.option("--member", metavar="姓名", help="只安排该班子成员作为谈话人或谈话对象的谈话。")
@click.option("--dry-run", is_flag=True, help="只列出将添加的谈话，不改台账。")
@handle_errors
def talks(wsdir, year, member, dry_run):
    """按制度安排全年谈心谈话：党政正职与每位班子成员、班子成员之间、与分管单位负责人（重复运行不重复添加）。"""
    result = plan_talks(Workspace(wsdir), _year(year), member, dry_run=dry_run)
    for line in result.lines():
        click.echo(line)


@command("visits")
@workspace_option
@click.option("--occasion", required=True, metavar="时机", help="元旦、春节、重阳节或日常。")
@click.option("--year", type=int, metavar="年度", help="节日所在年度，如 2027（元旦 2027 即 2027 年 1 月 1 日）；默认今年。")
@click.option("--dry-run", is_flag=True, help="只列出将添加的慰问，不改台账。")
@handle_errors
def visits(wsdir, occasion, year, dry_run):
    """按慰问对象名单安排慰问：节日慰问老党员、老同志，日常慰问重病、困难、独居人员（重复运行不重复添加）。"""
    result = plan_visits(Workspace(wsdir), occasion, _year(year), dry_run=dry_run)
    for line in result.lines():
        click.echo(line)


PLAN_COMMANDS = [talks, visits]
