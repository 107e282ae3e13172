"""Former home of 督查督办's outgoing-form rules (now toolkit/registers/supervision/outgoing.py); kept for old imports: names resolve through the registry to the register package."""

from __future__ import annotations

from importlib import import_module


def __getattr__(name: str):
    from . import get

    package = type(get("supervision")).__module__.rpartition(".")[0]
    return getattr(import_module(f"{package}.outgoing"), name)
