"""联系服务群众: each member's year account (联系服务群众情况, for 述职述廉) and the committee workbook.

Definitions (year Y):
- a talk is held when its row is 已记录; it counts for the year of its row (rules.row_year: the year in
  its 谈话编号, else of its dates); 已安排 and 已取消 rows count for nothing;
- a talk is a member's when the member is its 谈话人, or its 谈话对象 in a talk between two members
  (正职与班子成员 / 班子成员之间): such a pair talk counts for both;
- 应谈 / 已谈: the talks the rule requires of the member (rules.required_talks) and those of them held;
- a visit (走访联系点, 调研, 慰问) counts by the date it happened (日期 in Y), unless it is 已安排 or
  已取消; it is each member's named in 班子成员 (、-separated);
- 慰问金: the amounts in 元 read from 慰问金或物品 ("500元", "慰问金800元及米油", "0.2万元"); entries
  with none readable (物品 only, 五百元) are counted apart;
- 解决问题 / 后续跟进: the 走访联系点 and 调研 rows with that cell filled (never talks). 慰问 rows'
  解决问题 describe a person's hardship: counted, never quoted.

Talk content (主要内容, 意见建议, 需协调解决的问题, 后续跟进 of talks) is never read; nor are 类别,
困难情况, phone, address or the names of the people visited with 慰问.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from ...dates import cn_date, today
from ...errors import LedgerError, UsageError
from ...forms.template import CompiledTemplate, docx_paragraphs, docx_text
from ...generate import _put_bytes
from ...ledger.workbook import Ledger, Row
from ...reports.common import document_pdf, json_ready, percent, save_workbook, style_table
from ...workspace import Workspace
from ..units import Units
from . import rules
from .sheets import CANCELLED, CARE, CONTACT, FACE, PLANNED, RECORDED, RESEARCH, TALKS, VISITS

ACCOUNT_TEMPLATE = "联系服务群众/联系服务群众情况.docx"
ACCOUNT_FIELDS = frozenset(
    {"标题", "姓名", "职务", "年度", "谈话概况", "谈话", "联系基层", "调查研究", "走访慰问", "解决问题", "落款", "成文日期"}
)
TEMPLATES = ((ACCOUNT_TEMPLATE, ACCOUNT_FIELDS),)
TALK_KINDS = TALKS.column("谈话类型").choices
OTHER_MONTH = "日期未填或不在本年"
_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万)?\s*元")


@dataclass
class Talk:
    """A held talk as the accounts and the workbook show it: who, with whom, type, date, way — no content."""

    编号: str
    谈话人: str
    谈话对象: str
    类型: str
    日期: dt.date | None
    方式: str


@dataclass
class Visit:
    """A visit that happened: 走访联系点 and 调研 with the unit and what was solved; 慰问 without the person."""

    编号: str
    日期: dt.date
    类型: str
    事由: str
    单位: str = ""  # 走访联系点 / 调研 only
    解决问题: str = ""  # 走访联系点 / 调研 only
    后续跟进: str = ""  # 走访联系点 / 调研 only
    金额: float | None = None  # 慰问 only: the 元 read from 慰问金或物品
    未计金额: bool = False  # 慰问 only: 慰问金或物品 filled but no amount readable
    帮扶: bool = False  # 慰问 only: its 解决问题 is filled (counted, never quoted)


@dataclass
class MemberFigures:
    """One member's year."""

    姓名: str
    职务: str
    联系点: list[str] = field(default_factory=list)
    谈话: list[Talk] = field(default_factory=list)
    按类型: dict[str, int] = field(default_factory=dict)
    按月: list[int] = field(default_factory=lambda: [0] * 12)
    其他月份: int = 0  # 日期未填或不在本年
    面对面: int = 0
    应谈: int = 0
    已谈: int = 0
    未谈: list[str] = field(default_factory=list)
    走访要求: int = 0  # 联系点 × [liaison] visits_per_year
    走访: list[Visit] = field(default_factory=list)  # 走访联系点
    调研: list[Visit] = field(default_factory=list)
    慰问: list[Visit] = field(default_factory=list)

    @property
    def talks(self) -> int:
        return len(self.谈话)

    @property
    def contact_visits(self) -> int:
        """Visits to the member's own 联系点."""
        return sum(1 for v in self.走访 if v.单位 in self.联系点)

    @property
    def care_money(self) -> float:
        return sum(v.金额 or 0 for v in self.慰问)

    @property
    def care_unread(self) -> int:
        return sum(1 for v in self.慰问 if v.未计金额)

    @property
    def problems(self) -> list[Visit]:
        """走访联系点 and 调研 rows with something solved or followed up, by date."""
        return sorted((v for v in self.走访 + self.调研 if v.解决问题 or v.后续跟进), key=lambda v: (v.日期, v.编号))

    @property
    def solved(self) -> int:
        return sum(1 for v in self.走访 + self.调研 if v.解决问题)

    @property
    def followed(self) -> int:
        return sum(1 for v in self.走访 + self.调研 if v.后续跟进)


@dataclass
class Figures:
    """Everything the accounts and the workbook show."""

    year: int
    label: str
    visits_per_year: int
    members: list[MemberFigures] = field(default_factory=list)
    talks: list[Talk] = field(default_factory=list)  # every held talk of the year (明细)
    required: int = 0  # talks the rule requires of the committee
    required_held: int = 0
    visits: int = 0  # 走访联系点 (any unit)
    research: int = 0
    care: int = 0
    care_money: float = 0.0
    care_unread: int = 0
    solved: int = 0
    followed: int = 0

    @property
    def face(self) -> int:
        return sum(1 for t in self.talks if t.方式 == FACE)

    def as_dict(self) -> dict:
        """JSON-ready form (dates as ISO text)."""

        d = json_ready(asdict(self))
        d["face"] = self.face
        return d

    def summary(self) -> str:
        """The lines `dangwu report` prints."""
        unread = f"，另有 {self.care_unread} 次未写明金额" if self.care_unread else ""
        return (
            f"{self.label}联系服务群众：班子成员 {len(self.members)} 人，已记录谈心谈话 {len(self.talks)} 次"
            f"（面对面 {self.face} 次），制度要求的谈话 {self.required} 次中已谈 {self.required_held} 次。\n"
            f"走访联系点 {self.visits} 次，调研 {self.research} 次，慰问 {self.care} 人次"
            f"（慰问金合计 {money(self.care_money)} 元{unread}）；走访调研中解决问题 {self.solved} 项，"
            f"后续跟进 {self.followed} 项。"
        )


def money(amount: float) -> str:
    """500 → "500", 1234.5 → "1234.50"."""
    return str(int(amount)) if float(amount).is_integer() else f"{amount:.2f}"


def read_amount(text: str) -> float | None:
    """The 元 named in a 慰问金或物品 cell, summed ("慰问金800元及米油" → 800); None when none is readable."""
    found = _AMOUNT.findall(unicodedata.normalize("NFKC", text or ""))
    if not found:
        return None
    return sum(float(n.replace(",", "")) * (10000 if wan else 1) for n, wan in found)


def _date(row: Row, header: str) -> dt.date | None:
    """A date cell, or LedgerError naming the cell when it holds no date."""
    if header not in row.view.cols:
        return None
    try:
        return row.date(header)
    except ValueError:
        raise LedgerError(
            f"{row.ref(header)}（{row.number or '未编号'} 的{header}）“{row.text(header)}”不是日期，未生成报告。",
            hint="请改为 2026-12-04 这样的日期后再试，或先运行 `dangwu check`。",
        ) from None


def compute(ledger: Ledger, year: int, settings=None) -> Figures:
    """The year's figures from the ledger; UsageError when 班子成员 lists nobody."""
    units = Units.from_ledger(ledger)
    team = rules.members(ledger, units)
    if not team:
        raise UsageError("“班子成员”表中没有成员，无法生成联系服务群众情况。", hint="请先在“班子成员”表中填写姓名、职务和联系点。")
    per_year = rules.setting(settings, "visits_per_year")
    fig = Figures(year, f"{year}年度", per_year)
    names = {m.name for m in team}
    mine = {
        m.name: MemberFigures(m.name, m.post, list(m.contacts), 按类型={k: 0 for k in TALK_KINDS}, 走访要求=len(m.contacts) * per_year)
        for m in team
    }

    held_keys = set()
    view = ledger.views.get(TALKS.name)
    for row in view.rows() if view is not None else ():
        scheduled, talked = _date(row, "计划日期"), _date(row, "谈话日期")
        if rules.talk_state(row) != RECORDED or rules.row_year(row) != year:
            continue
        who, other = row.text("谈话人"), row.text("谈话对象")
        talk = Talk(row.number, who, other, row.text("谈话类型"), talked or scheduled, row.text("谈话方式"))
        fig.talks.append(talk)
        key = rules.talk_key(row, names)
        held_keys.add(key)
        for name in (who, other) if key[0] == "pair" else (who,):
            if name in mine:
                _count_talk(mine[name], talk, year)

    for planned in rules.required_talks(team, rules.unit_heads(ledger)):
        fig.required += 1
        done = planned.key in held_keys
        fig.required_held += done
        sides = (planned.who, planned.other) if planned.key[0] == "pair" else (planned.who,)
        for name in sides:
            m = mine[name]
            m.应谈 += 1
            m.已谈 += done
            if not done:
                partner = planned.other if name == planned.who else planned.who
                m.未谈.append(partner if planned.key[0] == "pair" else f"{partner}（{planned.post}）")

    view = ledger.views.get(VISITS.name)
    for row in view.rows() if view is not None else ():
        when = _date(row, "日期")
        if not when or when.year != year or rules.visit_state(row) in (PLANNED, CANCELLED):
            continue
        kind = row.text("类型")
        visit = _visit(row, kind, when, units)
        if visit is None:
            continue
        counted = False
        for name in row.list("班子成员"):
            if name in mine:
                counted = True
                {CONTACT: mine[name].走访, RESEARCH: mine[name].调研, CARE: mine[name].慰问}[kind].append(visit)
        if not counted:
            continue
        if kind == CONTACT:
            fig.visits += 1
        elif kind == RESEARCH:
            fig.research += 1
        else:
            fig.care += 1
            fig.care_money += visit.金额 or 0
            fig.care_unread += visit.未计金额
        if kind != CARE:
            fig.solved += bool(visit.解决问题)
            fig.followed += bool(visit.后续跟进)
    for m in mine.values():
        for visits in (m.走访, m.调研, m.慰问):
            visits.sort(key=lambda v: (v.日期, v.编号))
        m.谈话.sort(key=lambda t: (t.日期 or dt.date.max, t.编号))
    fig.talks.sort(key=lambda t: (t.日期 or dt.date.max, t.编号))
    fig.members = list(mine.values())
    return fig


def _count_talk(m: MemberFigures, talk: Talk, year: int) -> None:
    m.谈话.append(talk)
    m.按类型[talk.类型] = m.按类型.get(talk.类型, 0) + 1
    m.面对面 += talk.方式 == FACE
    if talk.日期 and talk.日期.year == year:
        m.按月[talk.日期.month - 1] += 1
    else:
        m.其他月份 += 1


def _visit(row: Row, kind: str, when: dt.date, units: Units) -> Visit | None:
    """The parts of a 走访慰问调研 row the report may show (None for a row of no known type)."""
    if kind in (CONTACT, RESEARCH):
        unit = units.canonical(row.text("对象或单位")) if row.text("对象或单位") else ""
        return Visit(row.number, when, kind, row.text("事由"), unit, row.text("解决问题"), row.text("后续跟进"))
    if kind == CARE:
        gift = row.text("慰问金或物品")
        amount = read_amount(gift)
        return Visit(
            row.number, when, kind, row.text("事由"), 金额=amount, 未计金额=bool(gift) and amount is None, 帮扶=bool(row.text("解决问题"))
        )
    return None


def report(ws: Workspace, year: int, half: int | None = None, member: str | None = None) -> tuple[Figures, Path, list[Path]]:
    """Write the committee workbook and each member's 联系服务群众情况 (only ``member``'s when given)."""
    if half is not None:
        raise UsageError("联系服务群众情况按年度统计，不适用 --half。", hint="请去掉 --half，用 --year 指定年度。")
    ledger = Ledger.load(ws.ledger_path)
    template = CompiledTemplate(ws.template_path(ACCOUNT_TEMPLATE), set(ACCOUNT_FIELDS))  # checked before any work
    fig = compute(ledger, year, ws.settings)
    chosen = fig.members
    if member:
        chosen = [m for m in fig.members if m.姓名 == member.strip()]
        if not chosen:
            raise UsageError(f"“班子成员”表中没有“{member}”。", hint=f"现有成员：{'、'.join(m.姓名 for m in fig.members)}。")
    folder = ws.outbox / "报告"
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / f"联系服务群众情况统计_{fig.label}.xlsx"
    write_workbook(fig, xlsx)
    written = []
    for m in chosen:
        path = folder / f"联系服务群众情况_{fig.label}_{_safe(m.姓名)}.docx"
        write_account(fig, m, template, path, ws.settings)
        written.append(path)
    return fig, xlsx, written


def _safe(name: str) -> str:
    """A name fit for a file name."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)


def report_pdf(ws: Workspace, docx: Path) -> Path:
    """An account as PDF beside its .docx (LibreOffice with the toolkit's font map); ConversionError when it fails."""
    return document_pdf(ws, docx, "联系服务群众情况")


# --- the account ---------------------------------------------------------------------------------


def _day(d: dt.date | None, year: int) -> str:
    """3月5日 within the year, 2027年1月5日 outside it, 日期未填 without."""
    if not d:
        return "日期未填"
    return f"{d.month}月{d.day}日" if d.year == year else cn_date(d)


def _days(visits: list[Visit], year: int) -> str:
    return "、".join(_day(v.日期, year) for v in visits)


def _stop(text: str) -> str:
    """Text without its closing punctuation (a sentence is closed by the report)."""
    return text.rstrip("。；;，,.． ")


def account_sections(fig: Figures, m: MemberFigures) -> dict[str, list[str]]:
    """The account's five sections as paragraphs of text."""
    y = fig.year
    talks = []
    if m.talks:
        kinds = "、".join(f"{k}{n}次" for k, n in m.按类型.items() if n)
        talks.append(
            f"{y}年，本人共开展谈心谈话{m.talks}次，其中{kinds}；面对面谈话{m.面对面}次，占{percent(m.面对面, m.talks)}。"
            "谈话对象、时间和方式见下表。"
        )
    else:
        talks.append(f"{y}年，台账中尚无本人已记录的谈心谈话。")
    if m.应谈:
        rest = "，均已谈话。" if not m.未谈 else f"，尚未谈话的有：{'、'.join(m.未谈)}。"
        talks.append(f"按制度要求，本人本年度应与{m.应谈}人谈心谈话，已谈{m.已谈}人{rest}")

    contact = []
    for unit in m.联系点:
        went = [v for v in m.走访 if v.单位 == unit]
        need = fig.visits_per_year
        if went:
            short = f"，尚差{need - len(went)}次" if len(went) < need else ""
            contact.append(f"联系{unit}：全年走访{len(went)}次（制度要求每年不少于{need}次{short}），时间为{_days(went, y)}。")
        else:
            contact.append(f"联系{unit}：全年尚未走访（制度要求每年不少于{need}次）。")
    if not m.联系点:
        contact.append("“班子成员”表中未填写本人的联系点。")
    others: dict[str, list[Visit]] = {}
    for v in m.走访:
        if v.单位 not in m.联系点:
            others.setdefault(v.单位 or "未填单位", []).append(v)
    if others:
        contact.append("此外，走访" + "；".join(f"{u}{len(vs)}次（{_days(vs, y)}）" for u, vs in others.items()) + "。")

    research = []
    if m.调研:
        research.append(f"全年开展调查研究{len(m.调研)}次：")
        for i, v in enumerate(m.调研, start=1):
            where = f"赴{v.单位}" if v.单位 else ""
            topic = f"调研{_stop(v.事由)}" if v.事由 else "开展调研"
            research.append(f"{i}. {_day(v.日期, y)}，{where}{topic}。")
    else:
        research.append("本年度台账中尚无本人的调研记录。")

    care = []
    if m.慰问:
        reasons: dict[str, int] = {}
        for v in m.慰问:
            reasons[v.事由 or "其他慰问"] = reasons.get(v.事由 or "其他慰问", 0) + 1
        parts = "、".join(f"{r}{n}人次" for r, n in reasons.items())
        text = f"全年走访慰问{len(m.慰问)}人次，其中{parts}"
        if any(v.金额 is not None for v in m.慰问):
            text += f"；送去慰问金合计{money(m.care_money)}元"
        if m.care_unread:
            text += f"（另有{m.care_unread}次为慰问物品或未写明金额，未计入合计）"
        helped = sum(1 for v in m.慰问 if v.帮扶)
        text += f"；帮助解决实际困难{helped}件。" if helped else "。"
        care.append(text)
    else:
        care.append("本年度台账中尚无本人的走访慰问记录。")

    problems = []
    listed = m.problems
    if listed:
        problems.append(f"在联系基层和调查研究中，协调解决问题{m.solved}项，需后续跟进{m.followed}项：")
        for i, v in enumerate(listed, start=1):
            place = f"{'走访' if v.类型 == CONTACT else '调研'}{v.单位}" if v.单位 else v.类型
            what = [f"解决问题：{_stop(v.解决问题)}"] if v.解决问题 else []
            what += [f"后续跟进：{_stop(v.后续跟进)}"] if v.后续跟进 else []
            problems.append(f"{i}. {_day(v.日期, y)}{place}，{'；'.join(what)}。")
    else:
        problems.append("本年度台账中尚无走访、调研中解决问题的记录。")
    return {"谈话概况": talks, "联系基层": contact, "调查研究": research, "走访慰问": care, "解决问题": problems}


def talk_rows(fig: Figures, m: MemberFigures) -> list[dict[str, str]]:
    """The account's table: each talk with the other side as 谈话对象."""
    rows = []
    for i, t in enumerate(m.谈话, start=1):
        other = t.谈话对象 if t.谈话人 == m.姓名 else t.谈话人
        rows.append({"序号": i, "谈话对象": other, "谈话类型": t.类型, "日期": cn_date(t.日期) or "日期未填", "方式": t.方式 or "—"})
    return [{k: docx_text(v) for k, v in r.items()} for r in rows]


def write_account(fig: Figures, m: MemberFigures, template: CompiledTemplate, path: Path, settings) -> None:
    """One member's 联系服务群众情况 from its template."""
    title = f"{m.姓名}同志{fig.label}联系服务群众情况"
    context = {
        "标题": docx_text(title),
        "姓名": docx_text(m.姓名),
        "职务": docx_text(m.职务),
        "年度": docx_text(fig.label),
        **{k: docx_paragraphs(v) for k, v in account_sections(fig, m).items()},
        "谈话": talk_rows(fig, m),
        "落款": docx_text(m.姓名),
        "成文日期": docx_text(cn_date(today())),
    }
    core = {"title": title, "creator": settings.office}
    _put_bytes(path, template.to_bytes(template.render_parts(context), core, {}))


# --- the workbook --------------------------------------------------------------------------------

MONTH_HEADERS = ["班子成员", *(f"{i}月" for i in range(1, 13)), OTHER_MONTH, "合计"]
COVERAGE_HEADERS = [
    "班子成员", "职务", "应谈（制度要求）", "已谈（制度要求）", "谈话覆盖率", "谈话合计", "面对面", "面对面占比", "联系点",
    "联系点走访要求", "联系点走访", "调研", "慰问", "慰问金（元）", "解决问题", "后续跟进",
]  # fmt: skip
DETAIL_HEADERS = ["序号", "谈话编号", "谈话人", "谈话对象", "谈话类型", "谈话日期", "谈话方式"]


def write_workbook(fig: Figures, path: Path) -> None:
    """谈话按月, 覆盖情况 (each with native bar charts) and 明细 (held talks, no content), saved atomically."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "谈话按月"
    sheet.append([f"班子成员谈心谈话按月统计（{fig.label}，已记录的谈话，单位：次）"])
    sheet.append(MONTH_HEADERS)
    for m in fig.members:
        sheet.append([m.姓名, *m.按月, m.其他月份, m.talks])
    last = sheet.max_row
    months = [0] * 12
    other = 0
    for t in fig.talks:
        if t.日期 and t.日期.year == fig.year:
            months[t.日期.month - 1] += 1
        else:
            other += 1
    sheet.append(["班子合计", *months, other, len(fig.talks)])
    sheet.append([])
    sheet.append(["注：班子成员之间的谈话计入双方，各成员之和可大于班子合计；谈话内容不在本表中。"])
    style_table(sheet, len(MONTH_HEADERS), (12, 16, 9), wrap=True)
    chart = BarChart()
    chart.type = "col"
    chart.title = "班子成员每月谈心谈话次数"
    chart.y_axis.title = "次数"
    chart.x_axis.title = "月份"
    if last >= 3:
        chart.add_data(Reference(sheet, min_col=1, max_col=13, min_row=3, max_row=last), from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, max_col=13, min_row=2, max_row=2))
    chart.width, chart.height = 26, 12
    sheet.add_chart(chart, f"A{sheet.max_row + 2}")

    cover = wb.create_sheet("覆盖情况")
    cover.append([f"班子成员联系服务群众覆盖情况（{fig.label}）"])
    cover.append(COVERAGE_HEADERS)
    for m in fig.members:
        cover.append(
            [
                m.姓名, m.职务, m.应谈, m.已谈, m.已谈 / m.应谈 if m.应谈 else None, m.talks, m.面对面,
                m.面对面 / m.talks if m.talks else None, "、".join(m.联系点), m.走访要求, m.contact_visits, len(m.调研),
                len(m.慰问), m.care_money, m.solved, m.followed,
            ]
        )  # fmt: skip
    last = cover.max_row
    for r in range(3, last + 1):
        for c in (5, 8):
            cover.cell(r, c).number_format = "0.0%"
    style_table(cover, len(COVERAGE_HEADERS), (12, 16, 9), wrap=True)
    cover.column_dimensions["I"].width = 30
    talks_chart = BarChart()
    talks_chart.type = "col"
    talks_chart.title = "制度要求的谈心谈话：应谈与已谈"
    talks_chart.y_axis.title = "人数"
    talks_chart.add_data(Reference(cover, min_col=3, max_col=4, min_row=2, max_row=last), titles_from_data=True)
    talks_chart.set_categories(Reference(cover, min_col=1, min_row=3, max_row=last))
    talks_chart.width, talks_chart.height = 20, 10
    cover.add_chart(talks_chart, f"A{last + 3}")
    visits_chart = BarChart()
    visits_chart.type = "col"
    visits_chart.title = "联系点走访、调研和慰问"
    visits_chart.y_axis.title = "次数"
    visits_chart.add_data(Reference(cover, min_col=10, max_col=13, min_row=2, max_row=last), titles_from_data=True)
    visits_chart.set_categories(Reference(cover, min_col=1, min_row=3, max_row=last))
    visits_chart.width, visits_chart.height = 20, 10
    cover.add_chart(visits_chart, f"J{last + 3}")

    detail = wb.create_sheet("明细")
    detail.append([f"已记录的谈心谈话明细（{fig.label}，不含谈话内容）"])
    detail.append(DETAIL_HEADERS)
    for i, t in enumerate(fig.talks, start=1):
        detail.append([i, t.编号, t.谈话人, t.谈话对象, t.类型, t.日期, t.方式])
        detail.cell(detail.max_row, 6).number_format = "yyyy-mm-dd"
    style_table(detail, len(DETAIL_HEADERS), (12, 16, 9), wrap=True)
    save_workbook(wb, path)
