"""督查督办's cross-field rules for `dangwu check` (single cells are checked by the schema)."""

from __future__ import annotations

from ...ledger.validate import Problem
from ..units import Units


def check_row(row, units: Units) -> list[Problem]:
    """Cross-field rules of one 督查督办 row."""
    out: list[Problem] = []
    main = row.text("主办单位")
    if main and units.get(main):
        for name in row.list("协办单位"):
            if units.canonical(name) == units.canonical(main):
                out.append(
                    Problem(
                        "error",
                        row.ref("协办单位"),
                        f"主办单位“{units.canonical(main)}”也列在协办单位中（写作“{name}”），同一单位会收到主办、协办两份通知单；"
                        f"请从“协办单位”中删去它（{row.ref('主办单位')} 已是主办单位）。",
                    )
                )
    try:
        given, due = row.date("交办时间"), row.date("办理时限")
    except ValueError:
        return out  # already reported as a bad date
    if given and due and due < given:
        out.append(Problem("error", row.ref("办理时限"), f"办理时限 {due.isoformat()} 早于交办时间 {given.isoformat()}，请改正其中之一。"))
    return out
