"""Saving the workbook safely: lock detection, atomic replace with fsync, atomic timestamped backups.

Every failure to write (disk full, read-only file or folder, immutable file) becomes a Chinese
``WriteFailed``/``LedgerReadOnly`` error with the ledger untouched: the new version is written to a
temp file beside it and only renamed over the old one once complete and synced; the previous
version is kept in ``.backup/`` as a hard link (no bytes copied, so a full disk cannot leave a
truncated backup) or, where links are impossible, as a copy written through a temp file.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

from ..errors import LedgerLocked, LedgerReadOnly, write_failed

BACKUP_DIR = ".backup"
STALE_TEMP_SECONDS = 600  # temp files older than this were left by a killed save


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


def refuse_if_read_only(path: Path) -> None:
    """Raise LedgerReadOnly when the workbook is marked read-only (a rename would silently replace it)."""
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise LedgerReadOnly(
            f"台账 {Path(path).name} 是只读文件，本次未做任何修改。",
            hint="若确需修改台账，请先取消该文件的只读属性（Windows：属性→取消“只读”；Linux：chmod u+w）后重试。",
        )


def atomic_write(path: Path, write, *, keep_backups: int = 20) -> Path | None:
    """Write ``path`` through ``write(fileobj)``: temp file beside it, fsync, backup the old one, rename.

    Returns the backup path of the previous version (None when there was none).
    A crash at any point leaves either the old or the new file in place, never a torn one; an
    OSError (disk full, read-only, immutable) leaves the old file as it was and raises WriteFailed.
    """
    path = Path(path)
    refuse_if_open(path)
    refuse_if_read_only(path)
    sweep_stale_temps(path)
    tmp = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        tmp = Path(tmp_name)
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else default_mode())
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        backup = _backup(path) if path.exists() else None
        try:
            os.replace(tmp, path)
        except OSError:
            if backup is not None:  # the old file stays live: its copy must not take a backup slot
                backup.unlink(missing_ok=True)
            raise
        tmp = None
    except OSError as exc:
        raise write_failed(exc, path, "台账", changed="台账保持原样，本次未做任何修改。") from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    # the new ledger is in place: what follows is housekeeping, and its failure must not be told as "nothing changed"
    fsync_dir(path.parent)
    if backup is not None:
        try:
            _prune(backup.parent, path, keep_backups)
        except OSError:
            pass  # an old backup that cannot be removed (immutable, read-only) stays; the next save tries again
    return backup


@functools.cache
def default_mode() -> int:
    """The mode a normally created file gets (0o666 less the umask), not mkstemp's 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def sweep_stale_temps(path: Path, *, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove temp files a killed save left beside the ledger and in .backup/ (older than a few minutes).

    Called by a save, which holds the workspace lock: no other dangwu command is writing them.
    """
    path = Path(path)
    limit = time.time() - older_than
    removed = []
    for folder, pattern in ((path.parent, f".{path.name}.*.tmp"), (path.parent / BACKUP_DIR, ".*.tmp")):
        try:
            candidates = list(folder.glob(pattern))
        except OSError:
            continue
        for p in candidates:
            try:
                if p.stat().st_mtime < limit:
                    p.unlink()
                    removed.append(p)
            except OSError:
                pass
    return removed


def _backup(path: Path) -> Path:
    """Keep the current file in .backup/ with a timestamp (hard link, else a copy via a temp file)."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    try:
        os.link(path, target)  # the old version's own bytes: the rename that follows unlinks only its name
    except OSError:
        tmp = folder / f".{target.name}.tmp"
        try:
            with open(path, "rb") as src, open(tmp, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
            shutil.copystat(path, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return target


def _prune(folder: Path, path: Path, keep: int) -> None:
    """Keep the newest ``keep`` backups (after the save succeeded, so a failed save loses none)."""
    olds = sorted(folder.glob(f"{path.stem}-*{path.suffix}"))
    for old in olds[: max(0, len(olds) - keep)]:
        old.unlink(missing_ok=True)


def fsync_dir(folder: Path) -> None:
    """Make renames durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
