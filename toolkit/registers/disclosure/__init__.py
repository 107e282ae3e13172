"""党务公开 (校党委党务公开工作制度): the register package. ``REGISTER`` is what the pipelines use."""

from .register import Disclosure

REGISTER = Disclosure()

__all__ = ["REGISTER"]
