"""Form identity: which register, form kind, item and unit a form belongs to, plus a fingerprint.

The identity is one line, e.g. ``DW1|notice|DB-2026-001|教务处|主办|3F2A91C0B7D4``; it is printed
visibly on the form, stored in the core properties (keywords) and in a custom document property.
The fingerprint hashes the prefilled values so a changed deadline or task text is detected.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

VERSION = "DW1"
PROPERTY = "dangwu_identity"
# number, unit and role never hold spaces (they are normalised), but PDF text extraction may put one
# between Chinese and digits (班子成员 01): spaces inside a field are allowed and taken out
PATTERN = re.compile(r"DW1\s*\|\s*([a-z_]+)\s*\|([^|\n]{1,80})\|([^|\n]{1,80})\|([^|\n]{1,40})\|\s*([0-9A-F]{12})")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


@dataclass(frozen=True)
class Identity:
    """Who a form is for: kind, item number, recipient unit and role, fingerprint of prefilled text."""

    kind: str
    number: str
    unit: str
    role: str
    fingerprint: str

    def __str__(self) -> str:
        return "|".join((VERSION, self.kind, self.number, self.unit, self.role, self.fingerprint))

    @classmethod
    def parse(cls, text: str) -> Identity | None:
        """The first identity found in ``text`` (spaces PDF extraction adds are tolerated), or None."""
        m = PATTERN.search(text or "")
        return cls(*_fields(m)) if m else None

    @classmethod
    def find_all(cls, text: str) -> list[Identity]:
        """Every distinct identity in ``text``, in order of appearance."""
        out: list[Identity] = []
        for m in PATTERN.finditer(text or ""):
            ident = cls(*_fields(m))
            if ident not in out:
                out.append(ident)
        return out


def _fields(m: re.Match) -> tuple[str, ...]:
    """The identity's fields without the spaces text extraction may have put inside them."""
    return tuple("".join(g.split()) for g in m.groups())


def normalise(value: str) -> str:
    """Compare-form of a field: NFKC, no whitespace, no invisible characters."""
    text = value if isinstance(value, str) else str(value or "")
    return _normalise_short(text) if len(text) <= MEMO_CHARS else _normalise(text)


def _normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


MEMO_CHARS = 200  # labels, units, dates and other short fields recur on every form: remembered
_normalise_short = functools.lru_cache(maxsize=4096)(_normalise)


def fingerprint(values: dict[str, str], labels: tuple[str, ...]) -> str:
    """12 hex digits over the normalised prefilled values, in the kind's label order."""
    h = hashlib.sha256()
    for label in labels:
        h.update(f"{label}={normalise(values.get(label, ''))}\n".encode())
    return h.hexdigest()[:12].upper()


def check_prefilled(fields: dict, ident: Identity, current: dict, labels, required, *, form: str, item: str, edited_hint: str,
                    stale_hint: str, private=()) -> None:  # fmt: skip
    """Refuse (FormRejected, nothing applied) a returned ``form`` whose table lost a label cell of ``required``,
    whose prefilled ``labels`` were edited, or that was issued before its ledger row (``current``, as the form
    would print it now) changed. Values of ``private`` labels are named, never quoted."""
    from ..errors import FormRejected

    missing = [label for label in required if label not in fields]
    if missing:
        raise FormRejected(f"表单结构被改动，找不到“{'、'.join(missing)}”栏。", hint=f"请使用下发的{form}原表填写，不要删改表格。")
    changed = [label for label in labels if normalise(fields[label]) != normalise(current[label])]
    if fingerprint(fields, labels) != ident.fingerprint:
        diffs = [k if k in private else f"{k}（表单为“{fields[k]}”，台账为“{current[k]}”）" for k in changed]
        raise FormRejected(f"{form}上预填的内容被改动：" + ("；".join(diffs) or "内容与下发时不一致") + "。", hint=edited_hint)
    if fingerprint(current, labels) != ident.fingerprint:
        diffs = [k if k in private else f"{k} 已改为“{current[k]}”" for k in changed]
        raise FormRejected(f"{form}已过期：下发后台账中该{item}已变更" + ("：" + "；".join(diffs) if diffs else "") + "。", hint=stale_hint)
