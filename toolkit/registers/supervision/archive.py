"""督查督办 in `dangwu archive`: a 件 per closed item — the 主办 unit's reply first, then the 协办
units' replies, progress reports, the notice and the last reminder, and the 办结审核单 drawn up now.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...archive import documents as docs
from ...archive.papers import Paper, Reply, find_replies, issued
from ...archive.spec import ArchiveSpec, clean_title, journal_day
from ...dates import cn_date
from ...ledger import schema as S
from ...ledger.workbook import Row
from . import rules as sup
from .outgoing import doc_number

REPLY, CO_REPLY, PROGRESS = "承办单位反馈", "协办单位反馈", "办理进展报告"
NOTICE, REMINDER, REVIEW = "督查督办通知单", "催办通知单", "办结审核单"
SIGNED = ("立项编号", "督办事项", "主办单位", "协办单位", "办理时限", "完成日期", "办结日期", "审核意见", "办理情况", "审核人")


class SupervisionArchive(ArchiveSpec):
    """Closed items of the year (by 交办时间), catalogued by the 主办 unit's reply (DA/T 22)."""

    missing_note = "缺承办单位反馈原件"

    def items(self, ledger, year: int):
        rows = [r for r in ledger.sheet(S.SUPERVISION.name).rows() if (r.date("交办时间") or dt.date.min).year == year]
        closed = sorted((r for r in rows if sup.status_of(r) == sup.CLOSED), key=lambda r: (r.date("交办时间"), r.number))
        return rows, closed, [(r.number, sup.status_of(r)) for r in rows if sup.status_of(r) != sup.CLOSED]

    def gather(self, ws, ledger, units, pieces):
        flagged = []
        replies = find_replies(ws, ledger, {p.row.number for p in pieces}, (sup.MAIN, sup.CO))
        for piece in pieces:
            co_units = [units.canonical(u) for u in piece.row.list("协办单位")]
            piece.papers = order_replies(replies.get(piece.row.number, []), co_units)
            if not any(p.kind == REPLY for p in piece.papers):
                piece.notes.append(self.missing_note)
                flagged.append((piece.row.number, "processed/ 中找不到承办单位交回的反馈表，已按缺件归档，备注已注明"))
            piece.papers += issued(ws, NOTICE, piece.row.number, sup.MAIN)[-1:] + issued(ws, REMINDER, piece.row.number, sup.MAIN)[-1:]
        return flagged

    def made_papers(self, piece, work: Path, units, settings):
        review = work / f"review-{piece.seq:04d}.docx"
        review_record(review, piece.row, units, settings.office)
        return [Paper(REVIEW, review)]

    def printed(self, paper: Paper) -> bool:
        return paper.kind in (NOTICE, REMINDER)

    def signature(self, row: Row) -> list[str]:
        return [row.text(f) for f in SIGNED]

    def subject(self, row: Row) -> str:
        return f"{row.number} {row.text('督办事项')}"

    def entry(self, piece, units, settings):
        """Catalogued by the reply (a reply and its notice are one 件): 责任者 the replying (主办) unit,
        文号 the notice's (the feedback form reuses it), 日期 the unit's 完成日期, else the day its reply
        was received, else (no reply on file) the 办结日期."""
        row = piece.row
        lines = [ln for ln in row.text("督办事项").splitlines() if ln.strip()]
        task = clean_title(lines[0]) if lines else row.number
        reply = next((p for p in piece.papers if p.kind == REPLY), None)
        received = journal_day(reply.when) if reply else None
        return docs.Entry(
            seq=piece.seq,
            code=piece.code,
            doc_no=doc_number(row, settings.notice_code),
            responsible=units.canonical(row.text("主办单位")),
            title=f"{task}督办及办理情况",
            date=row.date("完成日期") or received or row.date("办结日期"),
            pages=piece.pages,
            note="；".join(piece.notes),
        )


def review_record(path: Path, row: Row, units, office: str) -> None:
    """The item's 办结审核单: what was reviewed, the opinion, who reviewed it (审核人, recorded by
    `review`) and when (办结日期) in the signature line."""
    values = _review_values(row, units)
    docs.record_sheet(path, "督查督办事项办结审核单", values, office, "审核人", values["办结日期"])


def _review_values(row: Row, units) -> dict[str, str]:
    """What the 办结审核单 records."""
    return {
        "立项编号": row.number,
        "督办事项": row.text("督办事项"),
        "主办单位": units.canonical(row.text("主办单位")),
        "协办单位": "、".join(units.canonical(u) for u in row.list("协办单位")) or "无",
        "办理时限": cn_date(row.date("办理时限")),
        "完成日期": cn_date(row.date("完成日期")),
        "办理情况": row.text("办理情况"),
        "审核意见": row.text("审核意见"),
        "办结日期": cn_date(row.date("办结日期")),
        "审核人": row.text("审核人"),  # printed by record_sheet in its signature line, with 办结日期
    }


def order_replies(replies: list[Reply], co_units: list[str] = ()) -> list[Paper]:
    """Filing order of an item's replies (DA/T 22: the reply before the notice it answers).

    The 主办 unit's final reply (its last 已办结 one) first, the 协办 units' replies after it (in the
    order the ledger lists the units, each unit's newest first), then the 主办 unit's progress
    reports in date order.
    """
    main = [r for r in replies if r.role == "主办"]
    co = [r for r in replies if r.role == "协办"]
    out = []
    final = None
    if main:
        final = ([r for r in main if r.status == "已办结"] or main)[-1]
        out.append(Paper(REPLY, final.path, final.when, final.sha256, final.unit))
    rank = {u: i for i, u in enumerate(co_units)}
    for unit in sorted({r.unit for r in co}, key=lambda u: (rank.get(u, len(rank)), u)):
        for r in sorted((r for r in co if r.unit == unit), key=lambda r: r.when, reverse=True):
            out.append(Paper(CO_REPLY, r.path, r.when, r.sha256, r.unit))
    out += [Paper(PROGRESS, r.path, r.when, r.sha256, r.unit) for r in main if r is not final]
    return out
