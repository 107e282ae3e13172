"""Find each closed item's papers: the unit's replies (processed/), the notice, reminders, and the review.

Replies are recognised by their embedded identity, not by name, and matched to the journal by
their SHA-256 (which tells when they were applied and whether they reported 已办结), so renamed
or re-saved files are found and no file name from the ledger is ever used as a path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import FormRejected
from ..intake.pipeline import read_returned, sha256_of
from ..intake.safezip import MB
from ..ledger.workbook import Ledger
from ..workspace import Workspace

REPLY, PROGRESS, NOTICE, REMINDER, REVIEW = "承办单位反馈", "办理进展报告", "督查督办通知单", "催办通知单", "办结审核单"
CO_REPLY = "协办单位反馈"


@dataclass
class Paper:
    """One document of a 件, in filing order."""

    kind: str
    source: Path
    when: str = ""  # time it was applied / issued, for ordering and the catalogue
    sha256: str = ""
    unit: str = ""  # the replying unit (replies only)


@dataclass(order=True)
class Reply:
    """One applied return: when it was applied, the status it reported, the file, who sent it."""

    when: str
    status: str
    path: Path
    sha256: str
    role: str = "主办"
    unit: str = ""


def journal_receipts(ledger: Ledger) -> dict[str, tuple[str, str]]:
    """SHA-256 → (time, reported status) of every applied return, from 变更记录's 回执 rows."""
    out: dict[str, tuple[str, str]] = {}
    for rec in ledger.journal_records():
        if rec.get("字段") == "回执" and rec.get("来源文件SHA256"):
            status = rec.get("新值", "").rsplit("·", 1)[-1]
            out[rec["来源文件SHA256"]] = (rec.get("时间", ""), status)
    return out


def find_replies(ws: Workspace, ledger: Ledger, numbers: set[str]) -> dict[str, list[Reply]]:
    """Applied returns (主办 and 协办 units) per item number, oldest first."""
    receipts = journal_receipts(ledger)
    found: dict[str, list] = {}
    for path in sorted(ws.processed.iterdir()) if ws.processed.exists() else []:
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        sha = sha256_of(path)
        if sha not in receipts:
            continue
        _, _, form, problem = read_returned(path, ws.settings.max_part_mb * MB)  # the cap ingest applied
        if form is None:
            continue
        try:
            ident = form.identity()
        except FormRejected:
            continue
        if ident.number in numbers and ident.role in ("主办", "协办"):
            when, status = receipts[sha]
            found.setdefault(ident.number, []).append(Reply(when, status, path, sha, ident.role, ident.unit))
    for lst in found.values():
        lst.sort()
    return found


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


def issued(ws: Workspace, folder: str, number: str) -> list[Paper]:
    """The forms issued to the 主办 unit for an item (notice or reminder), newest file last."""
    base = ws.outbox / folder
    if not base.exists():
        return []
    kind = NOTICE if folder == NOTICE else REMINDER
    files = sorted(base.glob(f"{number}_主办_*.docx"), key=lambda p: p.stat().st_mtime)
    return [Paper(kind, p, dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S"), sha256_of(p)) for p in files]
