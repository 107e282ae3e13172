"""Former home of `dangwu review` (now a command of the 督查督办 register: toolkit/registers/supervision/review.py).

Kept for old imports: names resolve through the registry to the register package.
"""

from __future__ import annotations

from importlib import import_module


def _module():
    from .registers import get

    return import_module(f"{type(get('supervision')).__module__.rpartition('.')[0]}.review")


def review(ws, number: str, **options):
    """督查督办's 办结审核 of one item: accept, or send back with a new deadline."""
    return _module().review(ws, number, **options)


def review_many(ws, numbers, **options):
    """督查督办's 办结审核 of several items in one save."""
    return _module().review_many(ws, numbers, **options)


def __getattr__(name: str):
    return getattr(_module(), name)
