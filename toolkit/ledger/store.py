"""Saving the workbook safely: lock detection, atomic replace with fsync, timestamped backups."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import LedgerLocked

BACKUP_DIR = ".backup"


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel/WPS (``~$name``) and LibreOffice (``.~lock.name#``) leave beside an open workbook."""
    candidates = [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]
    if len(path.stem) > 2:  # Excel shortens long names: ~$dger.xlsx for ledger.xlsx
        candidates.append(path.with_name("~$" + path.name[2:]))
    return [p for p in candidates if p.exists()]


def refuse_if_open(path: Path) -> None:
    """Raise LedgerLocked when the workbook is open in Excel, WPS or LibreOffice."""
    found = lock_files(path)
    if found:
        raise LedgerLocked(
            f"台账 {path.name} 正在被 Excel/WPS 打开（发现锁文件 {found[0].name}），本次未做任何修改。",
            hint="请在 Excel/WPS 中保存并关闭该工作簿后重试；若确认已关闭，可删除该锁文件。",
        )


def atomic_write(path: Path, write, *, keep_backups: int = 20) -> Path | None:
    """Write ``path`` through ``write(fileobj)``: temp file beside it, fsync, backup the old one, rename.

    Returns the backup path of the previous version (None when there was none).
    A crash at any point leaves either the old or the new file in place, never a torn one.
    """
    path = Path(path)
    refuse_if_open(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else default_mode())
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        backup = _backup(path, keep_backups) if path.exists() else None
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return backup


@functools.cache
def default_mode() -> int:
    """The mode a normally created file gets (0o666 less the umask), not mkstemp's 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _backup(path: Path, keep: int) -> Path:
    """Copy the current file into .backup/ with a timestamp and prune to the newest ``keep``."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    shutil.copy2(path, target)
    olds = sorted(folder.glob(f"{path.stem}-*{path.suffix}"))
    for old in olds[: max(0, len(olds) - keep)]:
        old.unlink(missing_ok=True)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
