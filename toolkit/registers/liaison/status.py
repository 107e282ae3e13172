"""联系服务群众 in ``dangwu status``: the talk matrix, each member's year so far, and the sheet 谈心谈话覆盖.

Definitions (year Y, as report.py):
- a talk counts for the year of its row (rules.row_year); it is held when 已记录, planned when 已安排
  (or 状态 blank); 已取消 rows count for nothing;
- a talk between two members (正职与班子成员 / 班子成员之间) counts for both; a required talk is
  held when any 已记录 row stands for it (rules.talk_key). Held only by 电话, 短信 … (not 面对面:
  the rule asks for face to face) it shows as 非面对面 and is counted apart; with 谈话方式 blank it
  shows as 已谈, counted as 方式未填 in the face-to-face share;
- a talk required and not held is outstanding: 已安排 when a row plans it, else 缺. Members with
  talks outstanding are 绿 until ``[liaison] talk_yellow_from`` (10-01) of Y, 黄 from then, 红 from
  ``talk_red_from`` (12-01);
- visits count by the date they happened (日期 in Y), unless 已安排 or 已取消; 慰问 due: the 已安排
  慰问 rows of Y.

Only who talked with whom, when, of which type and how is read from a talk: never its content. Of
走访慰问调研 and 慰问对象 only counts: never the people visited, 类别, 困难情况, phone or address.

The matrix is also written as the toolkit's own sheet 谈心谈话覆盖 (``LiaisonStatus.rewrite``, called
by the status pipeline before its one save): rewritten whole when anything in it changed, untouched
otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ...dates import today
from ...ledger import schema as S
from ...ledger.workbook import Ledger, display
from ...reports.common import percent
from ...textwidth import table
from ...workspace import Workspace
from ..units import Units
from . import rules
from .sheets import (
    CANCELLED,
    CARE,
    CHIEF_TALK,
    CONTACT,
    FACE,
    HEAD_TALK,
    KEY_TALK,
    OTHER_TALK,
    PEER_TALK,
    PLANNED,
    RECORDED,
    RESEARCH,
    TALKS,
    VISITS,
)

COVER = "谈心谈话覆盖"
HELD, NOT_FACE, SCHEDULED, MISSING, SELF = "已谈", "非面对面", "已安排", "缺", "—"
REQUIRED_KINDS = (CHIEF_TALK, PEER_TALK, HEAD_TALK)
OTHER_KINDS = (KEY_TALK, OTHER_TALK)
COLOURS = ("红", "黄", "绿")
FILLS = {HELD: "C6EFCE", NOT_FACE: "DDE8D5", SCHEDULED: "FFF2CC", "红": "FFC7CE", "黄": "FFEB9C", "绿": "C6EFCE"}
_TERMINAL_COLOURS = {"红": "red", "黄": "yellow", "绿": "green"}
MATRIX_TOP = 4  # the matrix's header row on the sheet
TABLE_HEADERS = (
    "班子成员", "职务", "应谈", "已谈", "其中非面对面", "已安排未谈", "未安排", *REQUIRED_KINDS, *OTHER_KINDS,
    "谈话合计", "面对面", "面对面占比", "联系点走访", "调研", "慰问已完成", "慰问待完成", "预警",
)  # fmt: skip


@dataclass
class Cell:
    """One pair of members in the matrix: 已谈 / 非面对面 (with the date), 已安排, 缺, or — (the diagonal)."""

    state: str
    date: str = ""  # ISO: the first talk of the pair that met the state

    def text(self, year: int) -> str:
        if self.state not in (HELD, NOT_FACE) or not self.date:
            return self.state
        d = dt.date.fromisoformat(self.date)
        return f"{self.state} {d.month}-{d.day}" if d.year == year else f"{self.state} {self.date}"

    def fill(self, level: str) -> str | None:
        """The sheet's fill: 缺 by the date (none while the year has time)."""
        if self.state == MISSING:
            return FILLS[level] if level in ("红", "黄") else None
        return FILLS.get(self.state)


@dataclass
class MemberStatus:
    """One member's year so far: talks owed and held by type, visits, 调研, 慰问 — counts only."""

    name: str
    post: str
    chief: bool
    owed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REQUIRED_KINDS, 0))
    held: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REQUIRED_KINDS, 0))  # required talks held, any way
    not_face: int = 0  # required talks held only not face to face (in ``held``, counted apart)
    scheduled: int = 0  # required talks not held, planned
    missing: int = 0  # required talks not held, not even planned
    others: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OTHER_KINDS, 0))  # 已记录 talks of other types
    talks: int = 0  # every 已记录 talk of the member
    face: int = 0
    other_way: int = 0  # 电话, 短信, 邮件, 其他
    way_unknown: int = 0  # 谈话方式 blank
    contacts: dict[str, int] = field(default_factory=dict)  # 联系点 → visits in the year
    visits_required: int = 0  # per 联系点 ([liaison] visits_per_year)
    research: int = 0
    care_done: int = 0
    care_due: int = 0
    heads_not_held: list[str] = field(default_factory=list)  # 分管单位负责人 not yet talked with: 李敏（教务处负责人）
    colour: str = ""  # 红/黄/绿 when talks are outstanding, else ""

    @property
    def owed_total(self) -> int:
        return sum(self.owed.values())

    @property
    def held_total(self) -> int:
        return sum(self.held.values())

    @property
    def outstanding(self) -> int:
        return self.owed_total - self.held_total

    @property
    def face_share(self) -> str:
        return percent(self.face, self.talks)

    def contact_text(self, sep: str = "、") -> str:
        if not self.contacts:
            return "未填联系点"
        return sep.join(f"{u} {n}/{self.visits_required}" for u, n in self.contacts.items())

    def warning(self) -> str:
        return f"尚有{self.outstanding}次谈话未谈" if self.outstanding else "制度要求的谈话均已谈"


@dataclass
class LiaisonStatus:
    """The year's talk matrix and each member's counts; ``rewrite`` writes them as 谈心谈话覆盖."""

    year: int
    today: str
    yellow_from: str
    red_from: str
    level: str  # how outstanding talks stand today: 绿 before yellow_from, 黄, 红 from red_from
    members: list[MemberStatus] = field(default_factory=list)
    matrix: dict[str, dict[str, Cell]] = field(default_factory=dict)
    required: int = 0  # talks the rule requires of the committee (a pair once)
    held: int = 0
    not_face: int = 0
    scheduled: int = 0
    missing: int = 0
    visits: int = 0  # 走访联系点 by members
    research: int = 0
    care_done: int = 0
    care_due: int = 0
    paints: list = field(default_factory=list)  # none: this register has no warning column
    ledger_note: str = ""

    # ---- terminal

    def brief_lines(self) -> list[tuple[str, str | None]]:
        """The summary among every register's (plain `dangwu status`): the heading and a line per member."""
        out = self.lines()[:1]
        for m in self.members:
            out.append(
                (
                    f"  {m.name}：已谈 {m.held_total}/{m.owed_total} 次，未谈 {m.outstanding} 次",
                    _TERMINAL_COLOURS.get(m.colour) if m.outstanding else None,
                )
            )
        if self.members:
            out.append(("  谈话矩阵和各成员明细：dangwu status --register 联系服务群众（台账“谈心谈话覆盖”表同步更新）", None))
        return out + self._note()

    def lines(self) -> list[tuple[str, str | None]]:
        """The summary as (line, terminal colour) pairs."""
        yellow, red = _md(self.yellow_from), _md(self.red_from)
        out: list[tuple[str, str | None]] = [
            (
                f"联系服务群众 {self.year}年度（截至 {self.today}）：班子成员 {len(self.members)} 人；"
                f"制度要求谈心谈话 {self.required} 次，已谈 {self.held} 次（其中非面对面 {self.not_face} 次），"
                f"已安排未谈 {self.scheduled} 次，缺 {self.missing} 次；走访联系点 {self.visits} 次，调研 {self.research} 次，"
                f"慰问已完成 {self.care_done} 次、待完成 {self.care_due} 次。",
                None,
            )
        ]
        if not self.members:
            out.append(("“班子成员”表中没有成员：请填写姓名、职务、党政正职、分管单位和联系点。", None))
            return out + self._note()
        out.append(("班子成员谈心谈话覆盖（已谈、非面对面：谈话日期；已安排：已列入计划未谈；缺：未安排）：", None))
        names = [m.name for m in self.members]
        rows = [["班子成员", *names]] + [[a, *(self.matrix[a][b].text(self.year) for b in names)] for a in names]
        lines = table(rows)
        out.append((lines[0], None))
        out += [(line, _TERMINAL_COLOURS.get(m.colour) if m.outstanding else None) for line, m in zip(lines[1:], self.members)]
        out.append((f"各班子成员（有未谈谈话者：{yellow}前绿色，{yellow}起黄色，{red}起红色）：", None))
        for m in self.members:
            colour = _TERMINAL_COLOURS.get(m.colour)
            kinds = [f"{k} {m.held[k]}/{m.owed[k]}" for k in REQUIRED_KINDS if m.owed[k] or m.held[k]]
            kinds += [f"{k} {m.others[k]} 次" for k in OTHER_KINDS if m.others[k]]
            out.append(
                (
                    f"  {m.name}{'（' + m.post + '）' if m.post else ''}：应谈 {m.owed_total} 次，已谈 {m.held_total} 次（其中非面对面 {m.not_face} 次），"
                    f"未谈 {m.outstanding} 次（已安排 {m.scheduled}，未安排 {m.missing}）；按类型：{'、'.join(kinds) or '无'}",
                    colour,
                )
            )
            ways = f"面对面 {m.face} 次（{m.face_share}）"
            ways += f"，非面对面 {m.other_way} 次" if m.other_way else ""
            ways += f"，方式未填 {m.way_unknown} 次" if m.way_unknown else ""
            out.append(
                (
                    f"    谈话合计 {m.talks} 次，{ways}；走访联系点 {m.contact_text()}；调研 {m.research} 次；"
                    f"慰问已完成 {m.care_done} 次、待完成 {m.care_due} 次",
                    colour,
                )
            )
            if m.heads_not_held:
                out.append((f"    尚未与分管单位负责人谈话：{'、'.join(m.heads_not_held)}", colour))
        return out + self._note()

    def _note(self) -> list[tuple[str, str | None]]:
        return [(f"注：{self.ledger_note}", None)] if self.ledger_note else []

    def as_dict(self) -> dict:
        """JSON-ready form (no talk content, no person visited)."""
        members = []
        for m in self.members:
            d = asdict(m)
            d.update(owed_total=m.owed_total, held_total=m.held_total, outstanding=m.outstanding, face_share=m.face_share)
            members.append(d)
        return {
            "year": self.year,
            "today": self.today,
            "yellow_from": self.yellow_from,
            "red_from": self.red_from,
            "level": self.level,
            "required": self.required,
            "held": self.held,
            "not_face": self.not_face,
            "scheduled": self.scheduled,
            "missing": self.missing,
            "visits": self.visits,
            "research": self.research,
            "care_done": self.care_done,
            "care_due": self.care_due,
            "matrix": {
                a: {b: {"state": c.state, "date": c.date, "text": c.text(self.year)} for b, c in row.items()}
                for a, row in self.matrix.items()
            },
            "members": members,
            "ledger_note": self.ledger_note,
        }

    # ---- the sheet 谈心谈话覆盖

    @property
    def rewrite(self):
        """The pipeline's hook (ledger) → (sheet, cells changed); None without members (nothing to write)."""
        return self.write_sheet if self.members else None

    def sheet_cells(self) -> dict[tuple[int, int], tuple[object, str | None]]:
        """The sheet as {(row, column): (value, fill)}: 更新日期, the legend, the matrix, the per-member table."""
        yellow, red = _md(self.yellow_from), _md(self.red_from)
        cells: dict[tuple[int, int], tuple[object, str | None]] = {}

        def put(r, c, value, fill=None):
            cells[(r, c)] = (value, fill)

        put(1, 1, "更新日期")
        put(1, 2, self.today)
        put(1, 3, "年度")
        put(1, 4, f"{self.year}年")
        put(1, 5, "本表由 dangwu status 生成，每次运行整表重写，请勿在此填写。")
        legend = [("图例", None), ("已谈", FILLS[HELD]), (NOT_FACE, FILLS[NOT_FACE]), (SCHEDULED, FILLS[SCHEDULED])]
        legend += [(f"缺（{yellow}起）", FILLS["黄"]), (f"缺（{red}起）", FILLS["红"])]
        for c, (text, fill) in enumerate(legend, start=1):
            put(2, c, text, fill)
        names = [m.name for m in self.members]
        put(MATRIX_TOP, 1, "班子成员")
        for j, b in enumerate(names, start=2):
            put(MATRIX_TOP, j, b)
        for i, a in enumerate(names, start=MATRIX_TOP + 1):
            put(i, 1, a)
            for j, b in enumerate(names, start=2):
                cell = self.matrix[a][b]
                put(i, j, cell.text(self.year), cell.fill(self.level))
        top = MATRIX_TOP + len(names) + 2
        for c, header in enumerate(TABLE_HEADERS, start=1):
            put(top, c, header)
        for r, m in enumerate(self.members, start=top + 1):
            values = [m.name, m.post, m.owed_total, m.held_total, m.not_face, m.scheduled, m.missing]
            values += [f"{m.held[k]}/{m.owed[k]}" if m.owed[k] or m.held[k] else SELF for k in REQUIRED_KINDS]
            values += [m.others[k] for k in OTHER_KINDS]
            values += [m.talks, m.face, m.face_share, m.contact_text("；"), m.research, m.care_done, m.care_due, m.warning()]
            for c, value in enumerate(values, start=1):
                put(r, c, value)
            put(r, len(values), m.warning(), FILLS.get(m.colour) if m.outstanding else None)
        return cells

    def write_sheet(self, ledger: Ledger) -> tuple[str, int]:
        """Replace 谈心谈话覆盖 with the matrix and the table (before 变更记录); (sheet, cells changed), 0 when it already reads so."""
        wanted = {k: (display(v), (fill or "")[-6:]) for k, (v, fill) in self.sheet_cells().items()}
        wb = ledger.wb
        if COVER in wb.sheetnames:
            old = _sheet_values(wb[COVER])
            if old == wanted:
                return COVER, 0
            changed = sum(1 for k in wanted.keys() | old.keys() if wanted.get(k) != old.get(k))
            index = wb.sheetnames.index(COVER)
            wb.remove(wb[COVER])
        else:
            changed = len(wanted)
            index = wb.sheetnames.index(S.JOURNAL.name) if S.JOURNAL.name in wb.sheetnames else None
        ws = wb.create_sheet(COVER, index)
        fills: dict[str, PatternFill] = {}
        bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center")
        top = MATRIX_TOP + len(self.members) + 2
        for (r, c), (value, fill) in self.sheet_cells().items():
            cell = ws.cell(r, c, value)
            if fill:
                cell.fill = fills.setdefault(fill, PatternFill("solid", fgColor=fill))
            if r in (MATRIX_TOP, top) or (c == 1 and r > MATRIX_TOP):
                cell.font = bold
            if MATRIX_TOP <= r < top and c > 1:
                cell.alignment = centre
        ws.column_dimensions["A"].width = 12
        for c in range(2, max(len(self.members) + 1, len(TABLE_HEADERS)) + 1):
            ws.column_dimensions[get_column_letter(c)].width = 14
        ws.freeze_panes = ws.cell(MATRIX_TOP + 1, 2)
        return COVER, max(changed, 1)


def _sheet_values(ws) -> dict[tuple[int, int], tuple[str, str]]:
    """The cells of a sheet with a value, as sheet_cells compares them: (text, fill colour)."""
    out = {}
    for (r, c), cell in ws._cells.items():
        if cell.value in (None, ""):
            continue
        fill = cell.fill
        out[(r, c)] = (display(cell.value), ((fill.fgColor.rgb if fill.fill_type else None) or "")[-6:])
    return out


def _md(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.month}月{d.day}日"


def threshold(settings, key: str, year: int) -> dt.date:
    """``[liaison] talk_yellow_from`` / ``talk_red_from`` ("10-01") as a date of ``year`` (the default when malformed)."""
    for text in (rules.setting(settings, key), rules.DEFAULTS[key]):
        try:
            month, day = (int(p) for p in str(text).strip().split("-"))
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError(key)


def status(ws: Workspace, ledger: Ledger, year: int | None = None) -> LiaisonStatus:
    """The talk matrix and each member's counts for ``year`` (default: this year), judged as of today."""
    now = today()
    year = year or now.year
    yellow, red = threshold(ws.settings, "talk_yellow_from", year), threshold(ws.settings, "talk_red_from", year)
    level = "红" if now >= red else "黄" if now >= yellow else "绿"
    result = LiaisonStatus(year, now.isoformat(), yellow.isoformat(), red.isoformat(), level)
    units = Units.from_ledger(ledger)
    team = rules.members(ledger, units)
    if not team:
        return result
    names = {m.name for m in team}
    per_year = rules.setting(ws.settings, "visits_per_year")
    mine = {m.name: MemberStatus(m.name, m.post, m.chief, contacts=dict.fromkeys(m.contacts, 0), visits_required=per_year) for m in team}

    recorded: dict[tuple, list[tuple[dt.date | None, str]]] = {}  # talk key → (谈话日期, 谈话方式) of its 已记录 rows
    planned: set[tuple] = set()
    view = ledger.views.get(TALKS.name)
    for row in view.rows() if view is not None else ():
        state = rules.talk_state(row)
        if state == CANCELLED or rules.soft_year(row) != year:
            continue
        key = rules.talk_key(row, names)
        if state != RECORDED:
            planned.add(key)
            continue
        way = row.text("谈话方式")
        recorded.setdefault(key, []).append((rules.soft_date(row, "谈话日期"), way))
        who, kind = row.text("谈话人"), row.text("谈话类型")
        for name in (who, row.text("谈话对象")) if key[0] == "pair" else (who,):
            m = mine.get(name)
            if m is None:
                continue
            m.talks += 1
            if way == FACE:
                m.face += 1
            elif way:
                m.other_way += 1
            else:
                m.way_unknown += 1
            if kind in m.others:
                m.others[kind] += 1

    result.matrix = {a.name: {b.name: Cell(SELF) if a.name == b.name else Cell(MISSING) for b in team} for a in team}
    for talk in rules.required_talks(team, rules.unit_heads(ledger)):
        cell = _cell(recorded.get(talk.key), talk.key in planned)
        pair = talk.key[0] == "pair"
        if pair:
            result.matrix[talk.who][talk.other] = result.matrix[talk.other][talk.who] = cell
        result.required += 1
        result.held += cell.state in (HELD, NOT_FACE)
        result.not_face += cell.state == NOT_FACE
        result.scheduled += cell.state == SCHEDULED
        result.missing += cell.state == MISSING
        for name in (talk.who, talk.other) if pair else (talk.who,):
            m = mine[name]
            m.owed[talk.kind] += 1
            if cell.state in (HELD, NOT_FACE):
                m.held[talk.kind] += 1
                m.not_face += cell.state == NOT_FACE
            else:
                m.scheduled += cell.state == SCHEDULED
                m.missing += cell.state == MISSING
                if not pair:
                    m.heads_not_held.append(f"{talk.other}（{talk.post}）")

    view = ledger.views.get(VISITS.name)
    for row in view.rows() if view is not None else ():
        state = rules.visit_state(row)
        if state == CANCELLED:
            continue
        people = [mine[n] for n in dict.fromkeys(row.list("班子成员")) if n in mine]
        if not people:
            continue
        kind = row.text("类型")
        if state == PLANNED:
            if kind == CARE and rules.soft_year(row, ("计划日期", "日期")) == year:
                result.care_due += 1
                for m in people:
                    m.care_due += 1
            continue
        when = rules.soft_date(row, "日期")
        if not when or when.year != year:
            continue
        if kind == CONTACT:
            result.visits += 1
            unit = units.canonical(row.text("对象或单位"))
            for m in people:
                if unit in m.contacts:
                    m.contacts[unit] += 1
        elif kind == RESEARCH:
            result.research += 1
            for m in people:
                m.research += 1
        elif kind == CARE:
            result.care_done += 1
            for m in people:
                m.care_done += 1

    for m in mine.values():
        m.colour = level if m.outstanding else ""
    result.members = list(mine.values())
    return result


def _cell(records: list[tuple[dt.date | None, str]] | None, planned: bool) -> Cell:
    """A required talk's state: 已谈 (face to face, or the way not written), 非面对面, 已安排 or 缺, with the first date."""
    if records:
        face = [d for d, way in records if way == FACE or not way]
        state, dates = (HELD, face) if face else (NOT_FACE, [d for d, _ in records])
        known = [d for d in dates if d]
        return Cell(state, min(known).isoformat() if known else "")
    return Cell(SCHEDULED if planned else MISSING)
