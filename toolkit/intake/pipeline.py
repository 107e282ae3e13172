"""The ingest pipeline: read each returned file, match and check it, apply it, then file it away."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import stat
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import FormRejected, ItemClosed, UsageError, write_failed
from ..generate import open_valid_ledger
from ..ledger.store import fsync_dir
from ..ledger.workbook import ChangeContext, Ledger
from ..lock import crash_point, die_with_parent, workspace_lock
from ..registers import all_kinds, by_kind
from ..registers.base import APPLIED, RECORDED, UNCHANGED
from ..registers.units import Units
from ..workspace import Workspace
from .docx_reader import OLE_MAGIC, read_docx, refuse_ole_encrypted
from .pdf_reader import read_pdf
from .returned import ReturnedForm
from .safezip import DEFAULT_MAX_PART, MB

DUPLICATE, REJECTED = "重复", "退回"  # the pipeline's own outcomes; APPLIED, UNCHANGED, RECORDED: a register's
PARALLEL_FROM = 24  # files: below this a process pool costs more than it saves
CHUNK = 8  # files a reading worker (or the command itself, when it would wait) reads at a time
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()  # not on Windows: read in this process


@functools.cache
def all_labels() -> frozenset[str]:
    """Every label cell any register's returned forms are read by."""
    return frozenset(label for k in all_kinds().values() for label in k.prefilled + k.feedback)


def __getattr__(name: str):
    if name == "ALL_LABELS":  # the former constant (the registry is read when first asked)
        return all_labels()
    raise AttributeError(name)


NAME_MAX = 255  # bytes in one file name (ext4, tmpfs, NTFS in UTF-16 units)
REASON_SUFFIX = ".原因.txt"
PENDING = Path(".dangwu") / "ingest-pending.json"  # the intent of the run: where each file goes
SURROGATES = re.compile("[\udc80-\udcff]+")  # bytes of a file name that is not UTF-8, as Python escapes them
PDF_HEADER_WITHIN = 1024  # bytes: where PDF readers look for %PDF-
WORD_SUFFIXES = (".docx", ".doc", ".docm", ".dotx", ".wps")
IN_MEMORY_MAX = 4 * MB  # a file up to this size is read once (hash, sniff, unzip from memory); larger ones are mapped
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What happened to one returned file."""

    file: str
    result: str
    number: str = ""
    unit: str = ""
    message: str = ""
    moved_to: str = ""
    sha256: str = ""
    final: bool = False  # refused for good (the item is closed): correcting the form cannot help

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def inbox_files(ws: Workspace, paths=()) -> list[Path]:
    """The files to ingest: the given paths (folders expanded) or everything in inbox/.

    A folder or a broken link inside inbox/ is listed too: it gets its own outcome rather than being
    skipped unseen.
    """
    sources = [Path(p) for p in paths] or [ws.inbox]
    files: list[Path] = []
    inbox = ws.inbox.resolve()
    for src in sources:
        if src.is_dir():
            in_inbox = src.resolve() == inbox
            listed = (p for p in src.iterdir() if in_inbox or p.is_file())  # in inbox/ every entry gets an outcome
            files += sorted(p for p in listed if not _is_temp(p))
        elif src.exists():
            files.append(src)
        else:
            raise UsageError(f"找不到文件 {readable(str(src))}。", hint="请检查文件名和路径；不写文件名时读取 inbox/ 中的全部文件。")
    return files


def _is_temp(p: Path) -> bool:
    """Office lock/temp files and hidden files, never forms."""
    return p.name.startswith(("~$", ".~lock", "."))


def ingest(ws: Workspace, paths=(), progress=None) -> list[Outcome]:
    """Apply every returned form that passes its checks; one ledger save; files moved afterwards.

    Large batches are read by a pool of processes that starts before the ledger is loaded, so reading
    and loading overlap; forms are applied one by one, in file order, in this process.

    A kill at any instant ends where one clean run would: before the ledger is saved, the run writes
    (and syncs, once) its intent — each file's SHA-256, destination and reason — to
    ``.dangwu/ingest-pending.json``; the next run first completes those moves when the save happened
    (the batch's SHA-256s are in 变更记录) or drops the intent when it did not.
    """
    with workspace_lock(ws.root, "ingest"), gc_paused():
        finish_pending(ws)
        files = inbox_files(ws, paths)
        all_labels()  # the registry read before the reading processes fork: they inherit it
        with Reader(files, ws.settings.max_part_mb * MB) as reader:
            ledger = open_valid_ledger(ws, for_write=True)
            units = Units.from_ledger(ledger)
            seen = ledger.journal_sha256s()
            crash_point("reading")
            outcomes = _apply_all(ws, ledger, units, seen, progress(reader) if progress else reader)
        data = ledger.serialise() if ledger.pending else None
        inbox = ws.inbox.resolve()
        plan = _plan(ws, outcomes, inbox, dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"))
        _write_pending(ws, plan, hashlib.sha256(data).hexdigest() if data is not None else "")
        crash_point("after-intent")
        try:
            if data is not None:
                ledger.save(keep_backups=ws.settings.backups, data=data)
        except BaseException:
            (ws.root / PENDING).unlink(missing_ok=True)
            raise
        crash_point("after-save")
        _carry_out(ws, plan)
    return [o for _, o in outcomes]


def _apply_all(ws: Workspace, ledger, units: Units, seen: set[str], results) -> list[tuple[Path, Outcome]]:
    """Check and apply each read file in turn (duplicates by content are refused)."""
    outcomes: list[tuple[Path, Outcome]] = []
    refused: dict[str, Outcome] = {}  # sha -> outcome, for a second copy of a refused file in the same batch
    for path, sha, form, problem in results:
        name = readable(path.name)
        if sha and sha in seen:
            outcomes.append((path, Outcome(name, DUPLICATE, message="该文件此前已处理过（内容完全相同）。")))
            continue
        if sha and sha in refused:
            first = refused[sha]
            outcomes.append((path, Outcome(name, REJECTED, first.number, first.unit, first.message, final=first.final, sha256=sha)))
            continue
        outcome = Outcome(name, REJECTED, message=problem)
        if form is not None:
            try:
                _apply_one(ws, ledger, units, path, sha, form, outcome)
            except FormRejected as exc:
                outcome.result, outcome.message, outcome.final = REJECTED, str(exc), isinstance(exc, ItemClosed)
        if outcome.result != REJECTED:
            seen.add(sha)
        elif sha:
            refused[sha] = outcome
        outcome.sha256 = sha
        outcomes.append((path, outcome))
    return outcomes


def read_returned(path: Path, max_part: int = DEFAULT_MAX_PART) -> tuple[Path, str, ReturnedForm | None, str]:
    """Hash and read one file: (path, sha256, form or None, the reason it cannot be read).

    Never raises for a file's content: whatever a file holds, it gets its own reason and the
    rest of the batch goes on.
    """
    if path.is_dir():
        return _unread(
            path,
            "",
            f"“{path.name}”是一个文件夹，不是表单文件，未读取。",
            "请把其中填写好的 .docx / .pdf 文件直接放入 inbox/（不要套文件夹）后再运行 dangwu ingest。",
        )
    try:
        special = not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        special = False  # a broken link: told below, where opening it fails
    if special:  # a device or pipe (or a link to one) would be read forever, or block
        return _unread(
            path,
            "",
            f"“{path.name}”不是普通文件（是设备、管道之类的特殊文件或指向它的链接），未读取。",
            "请只把填写好的 .docx / .pdf 文件放入 inbox/。",
        )
    sha = ""
    try:
        sha, data = _hash_and_read(path)
        head = data[:PDF_HEADER_WITHIN] if data is not None else _head(path)
        if b"%PDF-" in head:  # readers accept the header anywhere in the first 1024 bytes
            return path, sha, read_pdf(path, all_labels(), max_part), ""
        suffix = path.suffix.lower()
        if head.startswith(b"PK") or suffix == ".docx" or (head.startswith(OLE_MAGIC) and suffix in WORD_SUFFIXES):
            return path, sha, read_docx(path, all_labels(), max_part, data), ""
        if not head:
            raise FormRejected("文件是空的（0 字节），可能没有保存完整或传送中断。", hint="请重新保存或重新发送该文件后再提交。")
        if suffix == ".pdf":
            raise FormRejected(
                "文件扩展名是 .pdf，但内容不是 PDF（找不到 PDF 文件头），可能已损坏。",
                hint="请重新导出 PDF，或直接提交填写好的 Word 文件。",
            )
        if head.startswith(OLE_MAGIC):
            refuse_ole_encrypted(path)
        raise FormRejected(
            f"不支持的文件类型“{path.suffix or '无扩展名'}”。",
            hint="请提交在下发的通知单上填写的 Word .docx 文件，或由它导出的 PDF。",
        )
    except FormRejected as exc:
        return path, sha, None, str(exc)
    except OSError as exc:
        why = {errno.ENOENT: "文件不存在（可能是失效的快捷方式）", errno.EACCES: "没有读取权限", errno.EISDIR: "是一个文件夹"}
        return _unread(path, sha, f"文件无法打开（{why.get(exc.errno, '读取出错')}）。", "请检查文件权限，或重新复制该文件后再运行。")
    except Exception:  # a reader's failure on one odd file must not stop the batch
        log.debug("reading %s failed", path, exc_info=True)
        return _unread(
            path,
            sha,
            "文件内容异常，读取时出错，未能读取。",
            "请在 Word/WPS 中打开确认无误后重新另存为 .docx（或重新导出 PDF）再提交。",
        )


def _hash_and_read(path: Path) -> tuple[str, bytes | None]:
    """The file's SHA-256 and, for a file of a form's size, its bytes (one open, one read); else bytes None."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > IN_MEMORY_MAX:
            return hashlib.file_digest(fh, "sha256").hexdigest(), None
        data = fh.read(size + 1)  # sized to the file: a buffer of IN_MEMORY_MAX would cost its allocation each time
        if len(data) > size:  # grew since it was measured: hash it all, read it from the file
            h = hashlib.sha256(data)
            while chunk := fh.read(1 << 20):
                h.update(chunk)
            return h.hexdigest(), None
    return hashlib.sha256(data).hexdigest(), data


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(PDF_HEADER_WITHIN)


def _unread(path: Path, sha: str, message: str, hint: str) -> tuple[Path, str, None, str]:
    """read_returned's result for a file that cannot be read: its reason, worded as a rejection."""
    return path, sha, None, str(FormRejected(message, hint=hint))


class Reader:
    """Reads every file, on all cores for large batches (work starts at once); yields results in file order.

    The pool reads chunks of ``CHUNK`` files. When the command's own process would wait for the next
    chunk, it reads a chunk no worker has started yet itself (the next one, else the last), so no core
    idles while files are left.
    """

    steal = True  # read chunks no worker has started rather than wait (off: every chunk to the pool)

    def __init__(self, files: list[Path], max_part: int = DEFAULT_MAX_PART):
        self.files = files
        self.pool = None
        self.read = functools.partial(read_returned, max_part=max_part)
        if len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 and CAN_FORK:
            self.pool = ProcessPoolExecutor(
                max_workers=min(os.cpu_count() or 1, 4),
                mp_context=multiprocessing.get_context("fork"),
                initializer=_reading_worker,
                initargs=(os.getpid(),),
            )
            self.chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
            self.futures = [self.pool.submit(_read_all, self.read, chunk) for chunk in self.chunks]

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self):
        if self.pool is None:
            yield from map(self.read, self.files)
            return
        here: dict[int, list] = {}  # chunks this process read itself
        last = len(self.chunks) - 1
        for i, future in enumerate(self.futures):
            if self.pool is None:  # a reading process died: the rest is read one file per process
                yield from here.pop(i) if i in here else map(self._isolated, self.chunks[i])
                continue
            while self.steal and i not in here and not future.done():
                if future.cancel():  # not started by a worker: read it now, here
                    here[i] = _read_all(self.read, self.chunks[i])
                    break
                while last > i and (last in here or not self.futures[last].cancel()):
                    last -= 1
                if last <= i:
                    break  # every later chunk is being read or done: wait for this one
                here[last] = _read_all(self.read, self.chunks[last])
            if i in here:
                yield from here.pop(i)
                continue
            try:
                chunk = future.result()
            except BrokenProcessPool:  # a file crashed its reader (or the system killed it): find which, read the rest
                self.pool.shutdown(cancel_futures=True)
                self.pool = None
                chunk = [self._isolated(p) for p in self.chunks[i]]
            yield from chunk

    def _isolated(self, path: Path):
        """Read one file in a process of its own; a crash of that process is the file's own outcome."""
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as one:
            try:
                return one.submit(self.read, path).result()
            except BrokenProcessPool:
                try:
                    sha = sha256_of(path)
                except OSError:
                    sha = ""
                return _unread(path, sha, "读取该文件时读取进程意外终止（文件可能已损坏或含有异常内容）。", "请重新导出或另存后再提交。")

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _reading_worker(parent: int) -> None:
    """A reading process: dies with the command; collects garbage as usual (forked while ingest paused it).

    What it inherited is frozen first: a collection never walks those objects, so their pages stay
    shared with the command instead of being copied on the first full collection.
    """
    die_with_parent(parent)
    gc.freeze()
    gc.enable()


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection while a batch runs in this process.

    The loaded ledger and the batch's forms are many long-lived objects that each full collection
    walks again, for nothing: they are freed by reference counting when the command ends. Memory
    stays bounded by the batch; the collector is back on afterwards (and in the reading processes).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read_all(read, files: list[Path]) -> list:
    return [read(p) for p in files]


def _apply_one(ws: Workspace, ledger, units: Units, path: Path, sha: str, form: ReturnedForm, outcome: Outcome) -> None:
    """Match, check and apply one read form through its register, filling ``outcome``; FormRejected leaves the ledger untouched."""
    ident = form.identity()
    outcome.number, outcome.unit = ident.number, ident.unit
    register, kind = by_kind(ident.kind)
    if kind is None:
        raise FormRejected(f"识别码中的表单类型“{ident.kind}”本系统不认识。", hint="请使用本系统下发的表单。")
    context = ChangeContext(operation="登记回执", source=readable(path.name), sha256=sha)
    applied = register.apply_returned(ws, ledger, units, ident, kind, form, context)
    outcome.result, outcome.message = applied.result, applied.message


def readable(name: str) -> str:
    """A file name as text that can be printed and stored in the ledger.

    Names that are not valid UTF-8 (GBK names from Windows zips) reach Python with their bytes
    escaped as lone surrogates, which neither the terminal nor openpyxl accepts: they are decoded as
    GB18030 when that works, else shown with U+FFFD for the undecodable bytes.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def printable(text: str) -> str:
    """``text`` with any undecodable file-name bytes (lone surrogates) decoded as GB18030 or shown as U+FFFD.

    For messages that quote a name among other text; a name alone goes through ``readable``, which
    decodes it whole (GBK trail bytes in the ASCII range split the escaped runs this function sees).
    """
    return SURROGATES.sub(_decode_escaped, text)


def _decode_escaped(match) -> str:
    raw = bytes(ord(c) - 0xDC00 for c in match.group())
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _plan(ws: Workspace, outcomes: list[tuple[Path, Outcome]], inbox: Path, stamp: str) -> list[dict]:
    """Where each file goes (processed/ or rejected/, a free name that fits), with its reason text."""
    plan = []
    taken = {ws.rejected.name: _names_in(ws.rejected), ws.processed.name: _names_in(ws.processed)}  # one listing each
    from_inbox: dict[Path, bool] = {}
    for path, outcome in outcomes:
        rejected = outcome.result in (REJECTED, DUPLICATE)
        outcome.message = printable(outcome.message)  # a reader's message may quote the file's name
        folder = ws.rejected if rejected else ws.processed
        names = taken[folder.name]
        name = _free_name(path.name, names, reserve=len(REASON_SUFFIX.encode()) if rejected else 0)
        names.add(name)
        if rejected:
            names.add(name + REASON_SUFFIX)
        dest = f"{folder.name}/{name}"
        outcome.moved_to = readable(dest)
        if path.parent not in from_inbox:
            from_inbox[path.parent] = path.parent.resolve() == inbox
        reason = None
        if rejected:
            about = f"事项：{outcome.number}　送达：{outcome.unit}\n" if outcome.number else ""  # a unit, or a person (谈话人)
            reason = (
                f"文件：{outcome.file}\n{about}时间：{stamp}\n结果：{'重复提交' if outcome.result == DUPLICATE else '未能登记，已退回'}\n"
                f"原因：{outcome.message}\n\n台账未因此文件作任何修改。"
                + (
                    "无需再次提交。\n"
                    if outcome.result == DUPLICATE or outcome.final
                    else "改正后请重新放入 inbox/ 再运行 dangwu ingest。\n"
                )
            )
        plan.append(
            {
                "src": str(path.absolute()),
                "sha": outcome.sha256,
                "dest": dest,
                "move": from_inbox[path.parent],
                "journalled": outcome.result in (APPLIED, UNCHANGED, RECORDED),
                "reason": reason,
            }
        )
    return plan


def _write_pending(ws: Workspace, plan: list[dict], ledger_sha: str) -> None:
    """The run's intent, synced once (temp + fsync + rename) before the ledger is saved."""
    path = ws.root / PENDING
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"ledger_sha256": ledger_sha, "files": plan}, fh, ensure_ascii=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failed(exc, path.relative_to(ws.root), "登记记录") from exc


def finish_pending(ws: Workspace) -> int:
    """Complete the file moves of a run killed after its ledger save; drop the intent of one killed before.

    Returns the number of files filed away now. Called by ``ingest`` under the workspace lock.
    """
    path = ws.root / PENDING
    try:
        intent = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # torn (cannot happen: written by rename): the files are still in inbox/
        return 0
    plan = intent.get("files", [])
    journalled = {e["sha"] for e in plan if e.get("journalled")}
    saved = not journalled  # nothing to save: the moves stand on their own
    if journalled:
        try:
            with open(ws.ledger_path, "rb") as fh:
                saved = hashlib.file_digest(fh, "sha256").hexdigest() == intent.get("ledger_sha256")
        except OSError:
            saved = False  # Ledger.load below says what is wrong with the ledger
        if not saved:  # the ledger may have been saved by a later command since: look in 变更记录
            saved = bool(journalled & Ledger.load(ws.ledger_path).journal_sha256s())
    if not saved:
        path.unlink(missing_ok=True)  # killed before the save: the files are still where they were
        return 0
    return _carry_out(ws, plan, recovering=True)


def _carry_out(ws: Workspace, plan: list[dict], *, recovering: bool = False) -> int:
    """Write each reason file, then move (from inbox/) or copy the file; the intent is removed at the end.

    A move that fails (no permission, full disk) leaves the intent in place for the next run.
    """
    done, failed = 0, []
    for folder in {(ws.root / e["dest"]).parent for e in plan}:
        folder.mkdir(parents=True, exist_ok=True)
    for entry in plan:
        src, dest = Path(entry["src"]), ws.root / entry["dest"]
        try:
            if _file_away(ws, src, dest, entry, recovering):
                done += 1
        except OSError as exc:
            failed.append((entry, exc))
    for folder in {ws.inbox, ws.processed, ws.rejected}:
        fsync_dir(folder)
    pending = ws.root / PENDING
    if failed:
        _write_pending(ws, [e for e, _ in failed], "")
        entry, exc = failed[0]
        raise write_failed(
            exc,
            entry["dest"],
            "文件",
            changed=f"台账已更新；{len(failed)} 个文件未能移入 processed/ 或 rejected/，仍在原处。改正后再运行 dangwu ingest 会把它们放好（不会重复登记）。",
        )
    pending.unlink(missing_ok=True)
    return done


def _file_away(ws: Workspace, src: Path, dest: Path, entry: dict, recovering: bool) -> bool:
    """Reason file first (atomically), then the file itself; False when it was already in place."""
    if recovering:
        if dest.exists() or dest.is_symlink():  # the rename (or copy) was done before the kill
            if entry["reason"] is not None:
                _put_text(dest.with_name(dest.name + REASON_SUFFIX), entry["reason"])
            return False
        if not (src.exists() or src.is_symlink()) or not _same_file(src, entry["sha"]):
            return False  # gone, or another file now bears its name
    if entry["reason"] is not None:
        _put_text(dest.with_name(dest.name + REASON_SUFFIX), entry["reason"])
        crash_point("reason")
    if entry["move"]:
        try:
            os.rename(src, dest)
        except OSError as exc:
            if exc.errno != errno.EXDEV:  # another file system
                raise
            _copy(src, dest)
            src.unlink()
    else:
        _copy(src, dest)
    crash_point("moved")
    return True


def _same_file(path: Path, sha: str) -> bool:
    return not sha or sha256_of(path) == sha


def _put_text(path: Path, text: str) -> None:
    """Write a small text file through a short temp name and a rename (never a half-written reason)."""
    tmp = path.with_name(f".dangwu-{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _copy(src: Path, dest: Path) -> None:
    """Copy through a temp name and a rename (a kill never leaves a half copy under the real name)."""
    tmp = dest.with_name(f".dangwu-{os.getpid()}.tmp")
    try:
        shutil.copy2(src, tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _fit(stem: str, tail: str, limit: int) -> str:
    """``stem + tail`` cut to ``limit`` bytes at a character boundary, the cut marked with …."""
    name = stem + tail
    if len(os.fsencode(name)) <= limit:
        return name
    room = limit - len(os.fsencode(tail)) - len("…".encode())
    while stem and len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return stem + "…" + tail


def _names_in(folder: Path) -> set[str]:
    """The names in ``folder`` (empty when it does not exist yet)."""
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def _free_name(name: str, taken: set[str], *, reserve: int = 0) -> str:
    """``name`` or, when taken, ``name (2).ext`` etc.; shortened so it (plus ``reserve`` bytes) fits a file name."""
    limit = NAME_MAX - reserve
    suffix = os.path.splitext(name)[1]
    if len(os.fsencode(suffix)) > 16:
        suffix = ""
    stem = name[: len(name) - len(suffix)]
    for i in range(1, 10000):
        cand = _fit(stem, (f" ({i})" if i > 1 else "") + suffix, limit)
        if cand not in taken and (not reserve or cand + REASON_SUFFIX not in taken):
            return cand
    raise FileExistsError(name)
