"""One command at a time per workspace; worker processes that die with their command; test crash points.

Every command that writes (ingest, generate, review, status when it paints 预警, archive) holds an
exclusive ``flock`` on ``<workspace>/.dangwu.lock`` for its whole run; a second command waits a few
seconds and then refuses with a clear message. The kernel drops the lock when the holder dies, so a
killed command never leaves the workspace locked. Within one process the lock is re-entrant (a
command that saves the ledger already holds it; the save then takes it again for free).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
import threading
import time
from pathlib import Path

from .errors import WorkspaceBusy

LOCK_NAME = ".dangwu.lock"
WAIT_SECONDS = 5.0  # DANGWU_LOCK_WAIT overrides (tests, scripts that prefer to wait longer)

try:
    import fcntl
except ImportError:  # Windows: no flock; commands are not serialised there
    fcntl = None

_held: dict[str, list] = {}  # lock path -> [fd, depth]
_guard = threading.Lock()


def lock_path(folder: Path) -> Path:
    """The lock file of the workspace (or ledger folder) ``folder``."""
    return Path(folder) / LOCK_NAME


@contextlib.contextmanager
def workspace_lock(folder: Path, command: str = ""):
    """Hold the workspace's exclusive lock while the block runs (re-entrant within this process)."""
    key = str(Path(folder).resolve())
    with _guard:
        entry = _held.get(key)
        if entry is not None:
            entry[1] += 1
    if entry is None:
        entry = [_acquire(Path(folder), command), 1]
        with _guard:
            _held[key] = entry
    try:
        yield
    finally:
        with _guard:
            entry[1] -= 1
            last = entry[1] == 0
            if last:
                del _held[key]
        if last and entry[0] is not None:
            os.close(entry[0])  # closing the descriptor releases the flock


def locked(command: str):
    """Decorator: the function, whose first argument is the Workspace, runs under its workspace lock."""

    def decorate(f):
        @functools.wraps(f)
        def wrapper(ws, *args, **kwargs):
            with workspace_lock(ws.root, command):
                return f(ws, *args, **kwargs)

        return wrapper

    return decorate


def _acquire(folder: Path, command: str) -> int | None:
    """Open and flock the lock file, waiting up to WAIT_SECONDS; WorkspaceBusy when still taken."""
    if fcntl is None:
        return None
    path = lock_path(folder)
    cloexec = getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | cloexec, 0o666)
    except OSError:
        try:  # made by another user (flock needs no write access; the holder note is then left out)
            fd = os.open(path, os.O_RDONLY | cloexec)
        except OSError:
            return None  # a read-only workspace without a lock file: nothing can be written anyway
    wait = _wait_seconds()
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(fd)
                os.close(fd)
                raise WorkspaceBusy(
                    f"另一个 dangwu 命令正在处理该工作区（{holder}），已等待 {wait:g} 秒，本次未做任何修改。",
                    hint="请等该命令结束后再运行本命令；同一工作区的命令须一个接一个地运行。",
                ) from None
            time.sleep(0.05)
    try:  # who holds it, for the message another command may print
        who = f"dangwu {command}" if command else "dangwu"  # the command as the clerk typed it
        note = f"{who}，进程 {os.getpid()}，开始于 {dt.datetime.now():%H:%M:%S}"
        os.ftruncate(fd, 0)
        os.pwrite(fd, note.encode("utf-8"), 0)
    except OSError:
        pass
    return fd


def _holder(fd: int) -> str:
    """What the lock file says about its holder (written by the holder itself)."""
    try:
        text = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "未知命令"


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("DANGWU_LOCK_WAIT", WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


def die_with_parent(parent: int) -> None:
    """In a worker process: be killed when the command that started it dies (Linux), or exit at once.

    Used as the initializer of the reading and writing process pools, so a ``kill -9`` of the command
    never leaves workers behind (they would otherwise wait for tasks forever and keep the lock).
    ``parent`` is the command's process id (``initargs=(os.getpid(),)``): compared, not assumed, so a
    command running as PID 1 (a container) keeps its workers.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def crash_point(name: str) -> None:
    """Tests only: ``DANGWU_TEST_CRASH=name`` (or ``name:N``, the N-th time) kills this process here."""
    want = os.environ.get("DANGWU_TEST_CRASH")
    if not want:
        return
    point, _, nth = want.partition(":")
    if point != name:
        return
    _crash_counts[name] = _crash_counts.get(name, 0) + 1
    if _crash_counts[name] >= int(nth or 1):
        os._exit(86)


_crash_counts: dict[str, int] = {}
