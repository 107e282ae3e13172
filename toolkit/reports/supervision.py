"""Former home of the 督查督办 report (now toolkit/registers/supervision/report.py); kept for old imports: names resolve through the registry to the register package."""

from __future__ import annotations

from importlib import import_module


def __getattr__(name: str):
    from ..registers import get

    package = type(get("supervision")).__module__.rpartition(".")[0]
    return getattr(import_module(f"{package}.report"), name)
