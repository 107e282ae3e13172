"""Read a ticked choice (□已办结 □办理中) however the unit marked it: ☑ ■ √ ✓ ☒, deleting, or typing."""

from __future__ import annotations

import unicodedata

CHECKED = set("☑☒■√✓✔✅▣●◉◆✗✘✕×xXＸ☀★") | {"\u2612", "\u2611"}
UNCHECKED = set("□☐○◯◇▢")


def read_choice(text: str, options: tuple[str, ...]) -> tuple[str | None, str]:
    """Return (chosen option, problem); problem is '' when exactly one option was chosen."""
    t = "".join(unicodedata.normalize("NFC", text or "").split())
    present = [o for o in options if o in t]
    if not present:
        return None, "未填写"
    before = {o: _char(t, t.find(o) - 1) for o in present}
    after = {o: _char(t, t.find(o) + len(o)) for o in present}
    ticked = [o for o in present if before[o] in CHECKED]
    if not ticked:  # marks written after the option: 已办结√
        ticked = [o for o in present if after[o] in CHECKED]
    if len(ticked) == 1:
        return ticked[0], ""
    if len(ticked) > 1:
        return None, f"同时勾选了{'和'.join(ticked)}，只能选一项"
    if len(present) == 1:
        return present[0], ""  # the other option was deleted, or the answer was typed
    unboxed = [o for o in present if before[o] not in UNCHECKED]
    if len(unboxed) == 1:
        return unboxed[0], ""  # "□已办结 办理中": the box of the chosen one removed
    return None, "未勾选（请在所选项前打 ☑ 或 √，或删去未选项）"


def _char(text: str, i: int) -> str:
    """The character at ``i``, or '' outside the text."""
    return text[i] if 0 <= i < len(text) else ""
