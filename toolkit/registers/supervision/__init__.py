"""督查督办 (校党委督查督办工作制度): the register package.

``REGISTER`` is what the pipelines use; the rules (statuses, roles, transitions) are re-exported
here for the register's own modules and for code written against the former module
``toolkit.registers.supervision``.
"""

from .register import Supervision
from .rules import (
    CLOSED,
    CO,
    IN_PROGRESS,
    MAIN,
    NEW,
    NOTIFIED,
    OPEN_STATUSES,
    PENDING,
    REDO,
    accept,
    assign_numbers,
    find_row,
    open_row,
    original_deadline,
    recipients,
    reject,
    status_of,
)

REGISTER = Supervision()

__all__ = [
    "CLOSED",
    "CO",
    "IN_PROGRESS",
    "MAIN",
    "NEW",
    "NOTIFIED",
    "OPEN_STATUSES",
    "PENDING",
    "REDO",
    "REGISTER",
    "accept",
    "assign_numbers",
    "find_row",
    "open_row",
    "original_deadline",
    "recipients",
    "reject",
    "status_of",
]
