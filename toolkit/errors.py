"""One exception hierarchy: each error carries an exit code and a Chinese message saying what to do."""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class: a problem the user can fix; ``str()`` is the Chinese message."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message

    def __reduce__(self):
        """Picklable with its hint (errors raised in worker processes travel back to the command)."""
        return _rebuild, (type(self), self.__dict__.copy())


def _rebuild(cls, state: dict) -> ToolkitError:
    """Unpickle a ToolkitError without calling its __init__ (subclasses take other arguments)."""
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class WorkspaceError(ToolkitError):
    """The workspace folder or its settings file is missing or malformed."""

    exit_code = 2


class SettingsError(WorkspaceError):
    """dangwu.toml cannot be read or has a wrong value."""


class LedgerError(ToolkitError):
    """The ledger workbook cannot be opened or read."""

    exit_code = 3


class LedgerInvalid(LedgerError):
    """The ledger has errors; the command refuses to run until ``dangwu check`` is clean."""

    def __init__(self, problems):
        self.problems = list(problems)
        n = sum(1 for p in self.problems if p.level == "error")
        super().__init__(
            f"台账有 {n} 处错误，本次未做任何修改。",
            hint="请先运行 `dangwu check` 查看并改正这些错误后再试。",
        )


class LedgerLocked(LedgerError):
    """The workbook is open in Excel or WPS (a lock file lies beside it)."""

    exit_code = 4


class TemplateError(ToolkitError):
    """A Word template is missing, broken, or uses an unknown field."""

    exit_code = 5


class ConversionError(ToolkitError):
    """LibreOffice is missing, failed or timed out while converting."""

    exit_code = 6


class UsageError(ToolkitError):
    """The command was given an unknown item, unit or option value."""

    exit_code = 2


class FormRejected(ToolkitError):
    """A returned form cannot be applied; the message says why and what to do."""

    exit_code = 7
