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
