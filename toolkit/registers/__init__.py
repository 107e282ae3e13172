"""The registry: every register package under toolkit/registers/, found by name, alias or form kind.

A register is a package here whose ``__init__`` defines ``REGISTER`` (see ``base.Register``). The
packages are found when first asked for (``all_registers``), in the order of their ``order``
attribute; names, aliases and form-kind codes must be unique. Modules here that are not packages
(``units``, ``numbering``, ``base``) are shared helpers, not registers.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..errors import UsageError
from .base import Register

_FOUND: list[Register] | None = None
KIND_CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz_")


def all_registers() -> list[Register]:
    """Every register, in their declared order (found and checked once per process)."""
    global _FOUND
    if _FOUND is None:
        found = []
        for info in pkgutil.iter_modules(__path__):
            if info.ispkg:
                module = importlib.import_module(f"{__name__}.{info.name}")
                reg = getattr(module, "REGISTER", None)
                if isinstance(reg, Register):
                    found.append(reg)
        found.sort(key=lambda r: (getattr(r, "order", 99), r.name))
        _check(found)
        _FOUND = found
    return list(_FOUND)


def _check(found: list[Register]) -> None:
    """Names, aliases and form-kind codes unique; codes of [a-z_]+ (the identity's pattern)."""
    seen: dict[str, Register] = {}
    codes: dict[str, Register] = {}
    for reg in found:
        for key in (reg.name, reg.alias):
            if key in seen:
                raise RuntimeError(f"register name {key!r} used by {seen[key]!r} and {reg!r}")
            seen[key] = reg
        for kind in reg.kinds:
            if not kind.code or set(kind.code) - KIND_CODE_CHARS:
                raise RuntimeError(f"form kind code {kind.code!r} of {reg!r} is not [a-z_]+")
            if kind.code in codes:
                raise RuntimeError(f"form kind code {kind.code!r} used by {codes[kind.code]!r} and {reg!r}")
            codes[kind.code] = reg


def get(name: str) -> Register:
    """The register called ``name`` (Chinese name or ASCII alias); UsageError listing the choices."""
    for reg in all_registers():
        if name in (reg.name, reg.alias):
            return reg
    choices = "、".join(f"{r.name}（{r.alias}）" for r in all_registers())
    raise UsageError(f"没有名为“{name}”的台账。", hint=f"可用：{choices}。")


def selected(name: str | None) -> list[Register]:
    """``[get(name)]``, or every register when ``name`` is None."""
    return all_registers() if name is None else [get(name)]


def all_kinds() -> dict:
    """Every form kind of every register: code → FormKind."""
    return {kind.code: kind for reg in all_registers() for kind in reg.kinds}


def by_kind(code: str):
    """(register, form kind) for a form-kind code, or (None, None)."""
    for reg in all_registers():
        for kind in reg.kinds:
            if kind.code == code:
                return reg, kind
    return None, None


def by_command(command: str):
    """(register, form kind) for a `dangwu generate` subcommand (or a kind code), or (None, None)."""
    for reg in all_registers():
        for kind in reg.kinds:
            if command in (kind.command_name, kind.code):
                return reg, kind
    return None, None


def owner_of(sheet_name: str) -> Register | None:
    """The register owning a sheet, or None (shared sheets: 承办单位, 班子成员, 变更记录)."""
    for reg in all_registers():
        if any(s.name == sheet_name for s in reg.sheets):
            return reg
    return None


__all__ = ["Register", "all_kinds", "all_registers", "by_command", "by_kind", "get", "owner_of", "selected"]
