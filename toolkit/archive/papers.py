"""Find each closed item's papers: the unit's replies (processed/), the notice, reminders, and the review.

Replies are recognised by their embedded identity, not by name, and matched to the journal by
their SHA-256 (which tells when they were applied and whether they reported 已办结), so renamed
or re-saved files are found and no file name from the ledger is ever used as a path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormRejected
from ..intake.pipeline import read_returned, sha256_of
from ..ledger.workbook import Ledger
from ..workspace import Workspace

REPLY, PROGRESS, NOTICE, REMINDER, REVIEW = "承办单位反馈", "办理进展报告", "督查督办通知单", "催办通知单", "办结审核单"


@dataclass
class Paper:
    """One document of a 件, in filing order."""

    kind: str
    source: Path
    when: str = ""  # time it was applied / issued, for ordering and the catalogue
    sha256: str = ""


@dataclass
class Replies:
    """The replies found for one item: (time, status, path, sha) tuples."""

    items: list[tuple[str, str, Path, str]] = field(default_factory=list)


def journal_receipts(ledger: Ledger) -> dict[str, tuple[str, str]]:
    """SHA-256 → (time, reported status) of every applied return, from 变更记录's 回执 rows."""
    out: dict[str, tuple[str, str]] = {}
    for rec in ledger.journal_records():
        if rec.get("字段") == "回执" and rec.get("来源文件SHA256"):
            status = rec.get("新值", "").rsplit("·", 1)[-1]
            out[rec["来源文件SHA256"]] = (rec.get("时间", ""), status)
    return out


def find_replies(ws: Workspace, ledger: Ledger, numbers: set[str]) -> dict[str, list[tuple[str, str, Path, str]]]:
    """Applied returns of the 主办 unit per item number, oldest first."""
    receipts = journal_receipts(ledger)
    found: dict[str, list] = {}
    for path in sorted(ws.processed.iterdir()) if ws.processed.exists() else []:
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        sha = sha256_of(path)
        if sha not in receipts:
            continue
        _, _, form, problem = read_returned(path)
        if form is None:
            continue
        try:
            ident = form.identity()
        except FormRejected:
            continue
        if ident.number in numbers and ident.role == "主办":
            when, status = receipts[sha]
            found.setdefault(ident.number, []).append((when, status, path, sha))
    for lst in found.values():
        lst.sort()
    return found


def order_replies(replies: list[tuple[str, str, Path, str]]) -> list[Paper]:
    """The final reply (the last 已办结 one) first, then the progress reports in date order."""
    if not replies:
        return []
    finals = [r for r in replies if r[1] == "已办结"] or replies
    final = finals[-1]
    out = [Paper(REPLY, final[2], final[0], final[3])]
    out += [Paper(PROGRESS, r[2], r[0], r[3]) for r in replies if r is not final]
    return out


def issued(ws: Workspace, folder: str, number: str) -> list[Paper]:
    """The forms issued to the 主办 unit for an item (notice or reminder), newest file last."""
    base = ws.outbox / folder
    if not base.exists():
        return []
    kind = NOTICE if folder == NOTICE else REMINDER
    files = sorted(base.glob(f"{number}_主办_*.docx"), key=lambda p: p.stat().st_mtime)
    return [Paper(kind, p, dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S"), sha256_of(p)) for p in files]
