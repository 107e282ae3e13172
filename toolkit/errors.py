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


class ItemClosed(FormRejected):
    """A returned form for an item already closed: correcting and returning it again cannot help."""


class WorkspaceBusy(LedgerLocked):
    """Another dangwu command holds the workspace lock (commands on one workspace run one at a time)."""


class LedgerChanged(LedgerLocked):
    """The ledger file changed on disk after this command loaded it; saving would lose those changes."""


class LedgerReadOnly(LedgerLocked):
    """The ledger file is marked read-only (or immutable); it is never silently replaced."""


class WriteFailed(ToolkitError):
    """A file could not be written: disk full, read-only folder or file, no permission."""

    exit_code = 9


def write_failed(exc: OSError, path, what: str, *, changed: str = "本次未做任何修改。") -> WriteFailed:
    """A WriteFailed naming the file and the cause of ``exc`` in Chinese (``changed`` says what the run left done)."""
    import errno

    causes = {
        errno.ENOSPC: ("磁盘空间已满", "请清理磁盘（或换到空间充足的位置）后重试。"),
        errno.EDQUOT: ("磁盘配额已用完", "请清理文件或请管理员增加配额后重试。"),
        errno.EFBIG: ("文件超出允许的大小（磁盘或系统限制）", "请清理磁盘或请管理员放宽限制后重试。"),
        errno.EROFS: ("所在磁盘是只读的", "请把工作区放在可写的磁盘上后重试。"),
        errno.EACCES: ("没有写入权限（文件或文件夹是只读的）", "请取消该文件或文件夹的只读属性，或请管理员授予写入权限后重试。"),
        errno.EPERM: ("系统不允许修改（文件或文件夹被锁定，如设置了“不可更改”属性）", "请解除锁定（如 chattr -i）或请管理员处理后重试。"),
        errno.ENAMETOOLONG: ("文件名过长", "请把文件改成较短的名称后重试。"),
        errno.EISDIR: ("该位置已有一个同名的文件夹", "请移走或改名该文件夹后重试。"),
        errno.ENOENT: ("所在文件夹不存在或已被移走", "请检查工作区的文件夹是否完整后重试。"),
        errno.EEXIST: ("该位置已有同名的文件或文件夹", "请移走或改名它后重试。"),
        errno.ENOTDIR: ("路径中应是文件夹的地方是一个同名文件", "请移走或改名该文件后重试。"),
    }
    unknown = f"系统报告错误 {errno.errorcode.get(exc.errno, type(exc).__name__)}"
    cause, hint = causes.get(exc.errno, (unknown, "请检查磁盘空间和文件夹权限后重试。"))
    name = str(path).encode("utf-8", "replace").decode("utf-8")  # printable even for undecodable names
    return WriteFailed(f"无法写入{what} {name}：{cause}。{changed}", hint=hint)
