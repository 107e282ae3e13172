"""联系服务群众 (校党委成员联系服务群众制度): the register package. ``REGISTER`` is what the pipelines use."""

from .register import Liaison

REGISTER = Liaison()

__all__ = ["REGISTER"]
