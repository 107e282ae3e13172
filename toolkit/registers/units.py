"""The 承办单位 sheet as a lookup: full names and short names resolve to the full name."""

from __future__ import annotations

from dataclasses import dataclass

from ..ledger import schema as S


@dataclass(frozen=True)
class Unit:
    """One 承办单位."""

    name: str
    short: str = ""
    head: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""


class Units:
    """All units of the ledger, found by full name or 简称 (spaces ignored)."""

    def __init__(self, units: list[Unit]):
        self.all = units
        self._by_key: dict[str, Unit] = {}
        for u in units:
            for key in (u.name, u.short):
                if key:
                    self._by_key.setdefault(_key(key), u)

    @classmethod
    def from_ledger(cls, ledger) -> Units:
        """Read the 承办单位 sheet (an empty lookup when the sheet is missing)."""
        view = ledger.views.get(S.UNITS_SHEET.name)
        units = []
        if view:
            for row in view.rows():
                name = row.text("单位名称")
                if name:
                    units.append(
                        Unit(
                            name,
                            row.text("单位简称"),
                            row.text("负责人"),
                            row.text("联系人"),
                            row.text("联系电话"),
                            row.text("电子邮箱"),
                        )
                    )
        return cls(units)

    def get(self, text: str) -> Unit | None:
        """The unit named ``text`` (full or short name), or None."""
        return self._by_key.get(_key(text))

    def canonical(self, text: str) -> str:
        """The full name for ``text``; the text itself when unknown."""
        u = self.get(text)
        return u.name if u else text.strip()


def _key(text: str) -> str:
    """Comparison key: no whitespace."""
    return "".join(str(text).split())
