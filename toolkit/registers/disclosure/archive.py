"""党务公开 in `dangwu archive`: a 件 per completed item (三(一) 审批 → 执行 → 反馈 → 再公开).

Filing order (DA/T 22: 正本 first, 复文 before 来文): the announcement(s) — 党内公开 before 公开 —
as the 正本, then the decided 审批表 (or, for a decision taken on paper with `decide`, a 审批记录
drawn up now from the ledger), then each opinion in the order of 公开意见反馈 with its 意见答复单
before the returned 意见反馈表, and last the 再公开公告. The year is the year of 公开日期; the 件 is
catalogued with the office as 责任者, the (outer) announcement's 文号 and 公开日期.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...archive import documents as docs
from ...archive.papers import Paper, Reply, find_replies, issued
from ...archive.spec import ArchiveSpec, clean_title
from ...dates import cn_date
from ...ledger.workbook import Row
from . import publish as pub
from . import rules
from .outgoing import FEEDBACK_ROLE
from .outgoing import ROLE as APPROVAL_ROLE
from .sheets import DISCLOSURE

ANNOUNCEMENT, REPLY, REDISCLOSURE = "党务公开公告", "意见答复单", "再公开公告"  # their outbox/ folders
APPROVAL, OPINION, RECORD = "党务公开审批表", "党务公开意见反馈表", "党务公开审批记录"
DONE = "已完成"
SIGNED = (
    "公开编号",
    "公开事项",
    "公开类别",
    "公开内容摘要",
    "提出部门",
    "公开范围",
    "公开形式",
    "时限类型",
    "计划公开日期",
    "审批状态",
    "审批意见",
    "审批人",
    "审批日期",
    "党内公开日期",
    "党内公开截止日期",
    "公开日期",
    "公开截止日期",
    "反馈意见数",
    "处理情况",
    "再公开日期",
)
PAPER_DECISION = "纸面审批，附审批记录"


class DisclosureArchive(ArchiveSpec):
    """Completed items of the year (by 公开日期), each filed with its announcement as the 正本."""

    missing_note = "缺公告原件"

    def __init__(self):
        self._numbers: dict[tuple[str, str], str] = {}  # (公开编号, role) → 文号, read in gather
        self._settings = None
        self._recorded: set[str] = set()  # items whose 审批表 is not on file (审批记录 made instead)

    def items(self, ledger, year: int):
        counts = rules.opinion_counts(ledger)
        rows = [r for r in ledger.sheet(DISCLOSURE.name).rows() if (r.date("公开日期") or dt.date.min).year == year]
        stages = {id(r): rules.stage(r, opinions=counts.get(r.number, (0, 0))) for r in rows}
        done = sorted((r for r in rows if stages[id(r)] == DONE), key=lambda r: (r.date("公开日期"), r.number))
        return rows, done, [(r.number, stages[id(r)]) for r in rows if stages[id(r)] != DONE]

    def gather(self, ws, ledger, units, pieces):
        self._settings = ws.settings
        self._numbers = pub.issued_numbers(ledger)
        self._recorded = set()
        returned = find_replies(ws, ledger, {p.row.number for p in pieces}, (APPROVAL_ROLE, FEEDBACK_ROLE))
        opinions = pub.opinions_of(ledger)
        flagged = []
        for piece in pieces:
            row, number = piece.row, piece.row.number
            forms = returned.get(number, [])
            papers = announcements(ws, number)
            if not papers:
                piece.notes.append(self.missing_note)
                flagged.append((number, "outbox/党务公开公告/ 中找不到该事项的公告，已按缺件归档，备注已注明"))
            approval = _approval(forms)
            if approval is not None:
                papers.append(Paper(APPROVAL, approval.path, approval.when, approval.sha256, approval.unit))
            else:
                self._recorded.add(number)  # made_papers draws up the 审批记录 in its place
                piece.notes.append(PAPER_DECISION)
            opinion_papers, notes, follow = opinion_group(ws, opinions.get(number, []), [f for f in forms if f.role == FEEDBACK_ROLE])
            papers += opinion_papers
            piece.notes += notes
            flagged += [(number, text) for text in follow]
            again = issued(ws, REDISCLOSURE, number, pub.AGAIN)[-1:]
            if row.date("再公开日期") and not again:
                piece.notes.append("缺再公开公告")
                flagged.append((number, "outbox/再公开公告/ 中找不到该事项的再公开公告，备注已注明"))
            piece.papers = papers + again
        return flagged

    def made_papers(self, piece, work: Path, units, settings):
        """The 审批记录 of a decision taken on paper, put where the returned 审批表 would be (after the announcements)."""
        if piece.row.number not in self._recorded:
            return []
        path = work / f"approval-{piece.seq:04d}.docx"
        approval_record(path, piece.row, units, rules.office(settings))
        at = sum(1 for p in piece.papers if p.kind == ANNOUNCEMENT)
        piece.papers.insert(at, Paper(RECORD, path))
        return []

    def printed(self, paper: Paper) -> bool:
        return paper.kind in (ANNOUNCEMENT, REPLY, REDISCLOSURE)

    def signature(self, row: Row) -> list[str]:
        values = [row.text(f) for f in SIGNED]
        values += [self._numbers.get((row.number, role), "") for role in (pub.INNER, pub.PUBLIC, pub.AGAIN)]
        if self._settings is not None:  # printed on the 审批记录 and in the catalogue
            values += [rules.office(self._settings), pub.plain_kind(self._settings)]
        return values

    def subject(self, row: Row) -> str:
        return f"{row.number} {clean_title(row.text('公开事项'))}"

    def entry(self, piece, units, settings):
        """Catalogued by the announcement: 责任者 the office, 文号 the outer announcement's (else the
        inner one's), 日期 the 公开日期, 题名 the announcement's title."""
        row = piece.row
        numbers = self._numbers or pub.issued_numbers(row.view.ledger)
        doc_no = numbers.get((row.number, pub.PUBLIC)) or numbers.get((row.number, pub.INNER), "")
        return docs.Entry(
            seq=piece.seq,
            code=piece.code,
            doc_no=doc_no,
            responsible=rules.office(settings),
            title=clean_title(announcement_title(row, settings)),
            date=row.date("公开日期"),
            pages=piece.pages,
            note="；".join(piece.notes),
        )


def announcement_title(row: Row, settings) -> str:
    """The announcement's title: 关于……的公示 when opinions were invited (a 公示期), else 通知/公告."""
    start, until = row.date("公开日期"), row.date("公开截止日期")
    kind = "公示" if start and until and until > start else pub.plain_kind(settings)
    return pub.title_of(row.text("公开事项"), kind)


def announcements(ws, number: str) -> list[Paper]:
    """The item's announcements, newest of each role: the 党内公开 one before the 公开 one."""
    return [paper for role in (pub.INNER, pub.PUBLIC) for paper in issued(ws, ANNOUNCEMENT, number, role)[-1:]]


def _approval(forms: list[Reply]) -> Reply | None:
    """The decided 审批表 among an item's returned forms (the last one applied)."""
    decided = [f for f in forms if f.role == APPROVAL_ROLE]
    return decided[-1] if decided else None


def opinion_group(ws, opinions: list[Row], forms: list[Reply]) -> tuple[list[Paper], list[str], list[str]]:
    """Each opinion's 答复单 (复文) before its returned 意见反馈表 (来文), in the order of 公开意见反馈.

    A returned form is matched to its opinion by the 反馈编号 the journal recorded when it was
    applied, else by 来源文件 (the name it came in with). Returns (papers, notes, follow-ups).
    """
    by_number = {f.status: f for f in forms}
    by_name = {f.path.name: f for f in forms}
    papers, no_reply, unhandled, no_form, follow = [], [], [], [], []
    for o in opinions:
        label = o.number or f"第{o.r}行"
        reply = issued(ws, REPLY, o.number, pub.REPLY_ROLE)[-1:] if o.number else []
        papers += reply
        source = o.text("来源文件")
        form = by_number.get(o.number) if o.number else None
        form = form or (by_name.get(source) if source else None)
        if form is not None:
            papers.append(Paper(OPINION, form.path, form.when, form.sha256, form.unit))
        elif source:
            no_form.append(label)
        if not reply:
            (no_reply if o.text("处理情况") else unhandled).append(label)
    notes = []
    if no_reply:
        notes.append(f"{'、'.join(no_reply)}缺答复单")
        follow.append(f"意见 {'、'.join(no_reply)} 已处理但 outbox/意见答复单/ 中没有答复单，备注已注明（可 dangwu generate reply 补制）")
    if unhandled:
        notes.append(f"{'、'.join(unhandled)}未处理")
        follow.append(f"意见 {'、'.join(unhandled)} 尚未填写处理情况，备注已注明")
    if no_form:
        notes.append(f"{'、'.join(no_form)}缺意见反馈表原件")
        follow.append(f"processed/ 中找不到意见 {'、'.join(no_form)} 交回的意见反馈表，备注已注明")
    return papers, notes, follow


def approval_record(path: Path, row: Row, units, office: str) -> None:
    """The 审批记录 of a decision the office recorded with `decide`: what was decided, by whom, when."""
    proposer = row.text("提出部门")
    values = {
        "公开编号": row.number,
        "公开事项": row.text("公开事项"),
        "公开类别": row.text("公开类别"),
        "提出部门": (units.canonical(proposer) if proposer else "") or "（未填）",
        "公开内容摘要": row.text("公开内容摘要") or "（见公告）",
        "公开范围": row.text("公开范围"),
        "公开形式": row.text("公开形式"),
        "计划公开日期": cn_date(row.date("计划公开日期")) or "（未定）",
        "审批结果": "同意公开" if rules.approval_of(row) == rules.APPROVED else rules.approval_of(row),
        "审批意见": row.text("审批意见"),
        "说明": "审批表未交回，本记录于归档时据台账（变更记录）补制。",
        "审批人": row.text("审批人"),  # printed by record_sheet in its signature line, with 审批日期
    }
    docs.record_sheet(path, RECORD, values, office, "审批人", cn_date(row.date("审批日期")))
