"""Register numbers (DB-2026-001, GK-2026-001 …): the next free number of the item's year, and the numbers --id asks for."""

from __future__ import annotations

from ..dates import today
from ..errors import UsageError


def prefix(settings, key: str, default: str) -> str:
    """A number prefix: [numbering] ``key`` in dangwu.toml, else the register's ``default``."""
    numbering = settings.section("numbering") if hasattr(settings, "section") else {}
    return str(numbering.get(key) or settings.prefixes.get(key) or default)


def assign_numbers(view, prefix: str, context, rows=None) -> list[str]:
    """Give ``rows`` (default: every row of ``view``) with a blank number the next free one of its year.

    The year is the one of the sheet's ``date_column_for_year`` (today's when blank). Only the rows a
    command works on are numbered: a row the clerk has just typed in stays as it is until a command
    takes it up. Returns the new numbers, in sheet order.
    """
    used: dict[str, int] = {}
    for row in view.rows():
        parts = row.number.rsplit("-", 2)
        if len(parts) == 3 and parts[0] == prefix and parts[2].isdigit():
            used[parts[1]] = max(used.get(parts[1], 0), int(parts[2]))
    todo = view.rows() if rows is None else sorted({r.r: r for r in rows}.values(), key=lambda r: r.r)
    year_column = view.schema.date_column_for_year
    made = []
    for row in todo:
        if row.number:
            continue
        year = str(((row.date(year_column) if year_column else None) or today()).year)
        used[year] = used.get(year, 0) + 1
        number = f"{prefix}-{year}-{used[year]:03d}"
        row.set(view.schema.id_column, number, context=context)
        made.append(number)
    return made


def wanted_numbers(rows, ids, label: str, sheet: str) -> set[str]:
    """The numbers asked for with --id; UsageError naming those ``rows`` (of ``sheet``) do not have."""
    wanted = set(ids)
    missing = sorted(wanted - {r.number for r in rows})
    if missing:
        raise UsageError(f"台账中没有这些{label}：{'、'.join(missing)}。", hint=f"请打开台账“{sheet}”表核对{label}。")
    return wanted
