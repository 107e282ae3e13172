"""Finding an item's papers: the forms returned for it (processed/) and the forms issued for it (outbox/).

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
    role: str = ""
    unit: str = ""


def journal_receipts(ledger: Ledger) -> dict[str, tuple[str, str]]:
    """SHA-256 → (time, reported status) of every applied return, from 变更记录's 回执 rows."""
    out: dict[str, tuple[str, str]] = {}
    for rec in ledger.journal_records():
        if rec.get("字段") == "回执" and rec.get("来源文件SHA256"):
            status = rec.get("新值", "").rsplit("·", 1)[-1]
            out[rec["来源文件SHA256"]] = (rec.get("时间", ""), status)
    return out


def find_replies(ws: Workspace, ledger: Ledger, numbers: set[str], roles: tuple[str, ...]) -> dict[str, list[Reply]]:
    """Applied returns (forms of ``roles``) per item number, oldest first."""
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
        if ident.number in numbers and ident.role in roles:
            when, status = receipts[sha]
            found.setdefault(ident.number, []).append(Reply(when, status, path, sha, ident.role, ident.unit))
    for lst in found.values():
        lst.sort()
    return found


def issued(ws: Workspace, folder: str, number: str, role: str) -> list[Paper]:
    """The forms of one kind (its outbox/ folder, named as the kind) issued for an item to ``role``, newest file last."""
    base = ws.outbox / folder
    if not base.exists():
        return []
    kind = folder
    files = sorted(base.glob(f"{number}_{role}_*.docx"), key=lambda p: p.stat().st_mtime)
    return [Paper(kind, p, dt.datetime.fromtimestamp(p.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S"), sha256_of(p)) for p in files]
