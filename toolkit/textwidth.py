"""Terminal widths of Chinese text: a wide (CJK) or full-width character takes two columns."""

from __future__ import annotations

import unicodedata


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese (wide and full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, the cut marked with …."""
    if text_width(text) <= width:
        return text
    out, used = "", 1  # the … takes one column
    for c in text:
        used += text_width(c)
        if used > width:
            break
        out += c
    return out + "…"


def table(rows: list[list[str]], right: set[int] = frozenset(), indent: str = "  ") -> list[str]:
    """Rows of cells as aligned lines (by terminal width); columns in ``right`` aligned right; the last one left ragged."""
    widths = [max(text_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = []
        for i, cell in enumerate(r):
            pad = " " * (widths[i] - text_width(cell))
            last = i == len(r) - 1
            cells.append(pad + cell if i in right else (cell if last else cell + pad))
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
