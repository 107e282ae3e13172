"""What the archive pipeline (build.py) asks of a register: its items, their papers, their catalogue rows.

A register that files its items sets ``Register.archive`` to an ``ArchiveSpec`` subclass. build.py
numbers the 件 (档号 in the register's main sheet), converts and stamps the papers, and makes the
catalogue, cover, 备考表, binder, manifest and zip; the spec says which items of a year are filed,
in which order their papers go, and how each 件 is catalogued.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..ledger.workbook import Row
from .papers import Paper


class ArchiveSpec:
    """The register-specific part of `dangwu archive`. Subclasses override every method."""

    missing_note = "缺件"  # a 件 note that means a paper is missing (counted on the 备考表)

    def items(self, ledger, year: int) -> tuple[list[Row], list[Row], list[tuple[str, str]]]:
        """(every row of the year, the complete ones in filing order, (number, state) of the others)."""
        raise NotImplementedError

    def gather(self, ws, ledger, units, pieces) -> list[tuple[str, str]]:
        """Set each piece's papers and notes (in filing order); (number, note) for the clerk to follow up."""
        raise NotImplementedError

    def made_papers(self, piece, work: Path, units, settings) -> list[Paper]:
        """Papers drawn up at archive time (e.g. a review record), appended to the piece."""
        return []

    def printed(self, paper: Paper) -> bool:
        """Whether a PDF printed beside the paper (generate --pdf) may stand for it."""
        return False

    def signature(self, row: Row) -> list[str]:
        """The row's values a 件 is made from: a change regenerates the binder."""
        raise NotImplementedError

    def subject(self, row: Row) -> str:
        """The 件 PDF's subject line."""
        return row.number

    def entry(self, piece, units, settings):
        """The piece's catalogue row (documents.Entry)."""
        raise NotImplementedError


_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def clean_title(text: str) -> str:
    """A title on one line without the spaces typing leaves around Chinese text (kept between Latin words)."""
    return _CJK_SPACE.sub("", " ".join(text.split()))


def journal_day(when: str) -> dt.date | None:
    """The date of a journal time such as 2026-03-05 14:30:00."""
    try:
        return dt.date.fromisoformat(when[:10])
    except ValueError:
        return None
