"""联系服务群众 in `dangwu archive`: a 件 per talk, visit, research or 慰问 recorded in the year.

A 件 is one row of 谈心谈话记录 or of 走访慰问调研 with 状态 已记录 counting for the archive year
(rules.row_year); 已安排 rows are listed for follow-up, 已取消 ones ignored. Its 正本 is the record
sheet returned for it (the last one applied, found in processed/ by its identity); a row the clerk
typed in without a returned sheet is filed with a record drawn up now from the ledger, and noted.
The 件 go by date (谈话日期 / 日期), then number; both sheets share one series of 件号 and 档号 is
written into each row's own sheet. The catalogue names who and what — the member as 责任者,
"张书记与李校长谈心谈话记录" as 题名 — never a talk's content nor a person's 类别 or 困难情况 (those
stay in the 件). The year-end accounts are drafts and are not filed here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...archive import documents as docs
from ...archive.papers import Paper, find_replies
from ...archive.spec import ArchiveSpec, clean_title
from ...dates import cn_date
from ...ledger.workbook import Row
from ..units import Units
from . import rules
from . import visits as V
from .sheets import CANCELLED, CARE, CONTACT, RECORDED, RESEARCH, TALKS, VISITS
from .talks import ROLE as TALK_ROLE

TALK_SHEET, VISIT_SHEET, CARE_SHEET = "谈心谈话记录表", "走访调研记录表", "慰问登记表"
TALK_RECORD, VISIT_RECORD, CARE_RECORD = "谈心谈话记录", "走访调研记录", "慰问记录"  # drawn up at archive time
MISSING = "缺记录表原件"
DRAWN_UP = "附据台账补制的记录"
SIGNERS = {CONTACT: "走访人", RESEARCH: "调研人", CARE: "慰问人"}  # the signature line: 走访人 … 走访日期


class LiaisonArchive(ArchiveSpec):
    """Recorded talks and visits of the year, each filed with its returned sheet as the 正本."""

    missing_note = MISSING

    def __init__(self):
        self._units: Units | None = None
        self._settings = None
        self._drawn: set[str] = set()  # numbers of rows filed with a record drawn up from the ledger

    def items(self, ledger, year: int):
        rows = [r for name in (TALKS.name, VISITS.name) for r in _rows(ledger, name) if rules.soft_year(r) == year]
        done, others = [], []
        for r in rows:
            state = state_of(r)
            if state == RECORDED and r.number:
                done.append(r)
            elif state == RECORDED:  # 档号 and the manifest go by number: the clerk numbers it first
                others.append((f"{r.view.name}第{r.r}行", "已记录，未填编号（请在台账中补填编号后再归档）"))
            elif state != CANCELLED:
                others.append((r.number or f"{r.view.name}第{r.r}行", state))
        done.sort(key=lambda r: (date_of(r) or dt.date.max, r.number))
        return rows, done, others

    def gather(self, ws, ledger, units, pieces):
        self._units, self._settings, self._drawn = units, ws.settings, set()
        returned = find_replies(ws, ledger, {p.row.number for p in pieces}, (TALK_ROLE, *V.ROLES.values()))
        flagged = []
        for piece in pieces:
            row = piece.row
            role = role_of(row)
            sheets = [r for r in returned.get(row.number, []) if r.role == role]
            if sheets:
                last = sheets[-1]  # the last one applied is what the ledger holds
                piece.papers = [Paper(sheet_kind(row), last.path, last.when, last.sha256, last.unit)]
            else:
                self._drawn.add(row.number)
                piece.papers = []
                piece.notes += [MISSING, DRAWN_UP]
                flagged.append((row.number, f"processed/ 中找不到交回的{sheet_kind(row)}，已据台账补制记录归档，备注已注明"))
        return flagged

    def made_papers(self, piece, work: Path, units, settings):
        """The record drawn up from the ledger for a row with no returned sheet (its only paper)."""
        if piece.row.number not in self._drawn:
            return []
        path = work / f"record-{piece.seq:04d}.docx"
        title, values, signer, signed = record_of(piece.row, units)
        docs.record_sheet(path, title, values, settings.office, signer, signed)
        return [Paper(title, path)]

    def printed(self, paper: Paper) -> bool:
        return False  # returned sheets are converted by the archive itself

    def signature(self, row: Row) -> list[str]:
        units = self._units or Units.from_ledger(row.view.ledger)
        title, values, signer, signed = record_of(row, units)
        values = [f"{k}={v}" for k, v in values.items()]
        office = self._settings.office if self._settings is not None else ""
        return [row.number, title_of(row, units), responsible_of(row), signer, signed, office, *values]

    def subject(self, row: Row) -> str:
        units = self._units or Units.from_ledger(row.view.ledger)
        return f"{row.number} {title_of(row, units)}"

    def entry(self, piece, units, settings):
        """责任者 the member, 文号 blank, 题名 who and what (never the content), 日期 the day it took place."""
        row = piece.row
        return docs.Entry(
            seq=piece.seq,
            code=piece.code,
            doc_no="",
            responsible=responsible_of(row),
            title=clean_title(title_of(row, units, drawn=row.number in self._drawn)),
            date=date_of(row),
            pages=piece.pages,
            note="；".join(piece.notes),
        )


# ---- the rows


def _rows(ledger, name: str) -> list[Row]:
    view = ledger.views.get(name)
    return view.rows() if view is not None else []


def is_talk(row: Row) -> bool:
    return row.view.name == TALKS.name


def state_of(row: Row) -> str:
    """已记录 / 已安排 / 已取消 as every command reads it (rules.talk_state, rules.visit_state)."""
    return rules.talk_state(row) if is_talk(row) else rules.visit_state(row)


def date_of(row: Row) -> dt.date | None:
    """The day the talk or visit took place (else its 计划日期)."""
    return rules.soft_date(row, "谈话日期" if is_talk(row) else "日期") or rules.soft_date(row, "计划日期")


def role_of(row: Row) -> str:
    """The identity role of the row's record sheet."""
    return TALK_ROLE if is_talk(row) else V.ROLES.get(row.text("类型"), "")


def sheet_kind(row: Row) -> str:
    if is_talk(row):
        return TALK_SHEET
    return CARE_SHEET if row.text("类型") == CARE else VISIT_SHEET


def responsible_of(row: Row) -> str:
    """The member: 谈话人, or the 班子成员 of a visit (several joined by 、)."""
    if is_talk(row):
        return row.text("谈话人")
    return "、".join(row.list("班子成员"))


def title_of(row: Row, units: Units, drawn: bool = False) -> str:
    """张书记与李校长谈心谈话记录 / 张书记走访信息工程学院记录 / 李校长调研教务处记录 / 张书记慰问陈老登记表.

    Who and what only: a talk's content, a person's 类别 or 困难情况 never reach the catalogue.
    """
    who = responsible_of(row) or "（未填）"
    if is_talk(row):
        return f"{who}与{row.text('谈话对象') or '（未填）'}谈心谈话记录"
    kind, target = row.text("类型"), row.text("对象或单位")
    if kind == CARE:
        return f"{who}慰问{target or '（未填）'}{'记录' if drawn else '登记表'}"
    place = (units.canonical(target) or target) if target else "（未填）"
    if kind == RESEARCH:
        return f"{who}调研{place}记录"
    return f"{who}走访{place}记录"


# ---- the record drawn up at archive time


def record_of(row: Row, units: Units) -> tuple[str, dict[str, str], str, str]:
    """(title, fields, signer, signed date) of the record drawn up for a row without a returned sheet:
    the fields of its record sheet, as the ledger holds them."""
    if is_talk(row):
        posts = {m.name: m.post for m in rules.members(row.view.ledger)}
        values = {
            "谈话编号": row.number,
            "谈话类型": row.text("谈话类型"),
            "谈话人": row.text("谈话人"),
            "谈话人职务": posts.get(row.text("谈话人"), ""),
            "谈话对象": row.text("谈话对象"),
            "对象单位及职务": row.text("谈话对象单位及职务"),
            "谈话日期": cn_date(date_of(row)),
            "地点": row.text("地点"),
            "谈话方式": row.text("谈话方式"),
            "谈话主要内容": row.text("主要内容"),
            "对方意见建议": row.text("意见建议"),
            "需协调解决的问题": row.text("需协调解决的问题"),
            "后续跟进": row.text("后续跟进"),
            "记录人": row.text("记录人"),
            "说明": f"{TALK_SHEET}未交回，本记录于归档时据台账（变更记录）补制。",
        }
        return TALK_RECORD, values, "谈话人", values["谈话日期"]
    kind = row.text("类型")
    signer = SIGNERS.get(kind, "走访人")
    when = cn_date(date_of(row))
    if kind == CARE:
        person = next((p for p in rules.care_people(row.view.ledger) if p.text("姓名") == row.text("对象或单位")), None)
        unit = person.text("单位") if person is not None else ""
        values = {
            "记录编号": row.number,
            "对象": row.text("对象或单位"),
            "单位": (units.canonical(unit) or unit) if unit else "",
            "类别": person.text("类别") if person is not None else "",
            "事由": row.text("事由"),
            "慰问时间": when,
            "困难情况": row.text("困难情况"),
            "慰问金或物品": row.text("慰问金或物品"),
            "对象诉求": row.text("对象诉求"),
            "备注": row.text("主要情况"),
            "说明": f"{CARE_SHEET}未交回，本记录于归档时据台账（变更记录）补制。",
            signer: responsible_of(row),
        }
        return CARE_RECORD, values, signer, when
    target = row.text("对象或单位")
    values = {
        "记录编号": row.number,
        "类型": kind,
        "对象或单位": (units.canonical(target) or target) if target else "",
        "事由": row.text("事由"),
        "时间": when,
        "地点": row.text("地点"),
        "参加人员": row.text("参加人员"),
        "座谈对象或调研对象": row.text("座谈对象或调研对象"),
        "了解的情况": row.text("主要情况"),
        "意见建议": row.text("意见建议"),
        "解决的问题": row.text("解决问题"),
        "后续跟进": row.text("后续跟进"),
        "说明": f"{VISIT_SHEET}未交回，本记录于归档时据台账（变更记录）补制。",
        signer: responsible_of(row),
    }
    return VISIT_RECORD, values, signer, when
