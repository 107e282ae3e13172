"""The ingest pipeline: read each returned file, match and check it, apply it, then file it away."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import FormRejected
from ..forms.kinds import KINDS
from ..generate import open_valid_ledger
from ..ledger.workbook import ChangeContext
from ..registers import supervision as sup
from ..registers import supervision_in as sin
from ..registers.units import Units
from ..status import refresh_warnings
from ..workspace import Workspace
from .docx_reader import OLE_MAGIC, read_docx, refuse_ole_encrypted
from .pdf_reader import read_pdf
from .returned import ReturnedForm
from .safezip import DEFAULT_MAX_PART, MB

APPLIED, UNCHANGED, DUPLICATE, REJECTED = "已更新", "无变化", "重复", "退回"
RECORDED = "已登记"  # a 协办 unit's reply: kept in 办理进展, the item's state left as it is
PARALLEL_FROM = 24  # files: below this a process pool costs more than it saves
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()  # not on Windows: read in this process
ALL_LABELS = {label for k in KINDS.values() for label in k.prefilled + k.feedback}
PDF_HEADER_WITHIN = 1024  # bytes: where PDF readers look for %PDF-
WORD_SUFFIXES = (".docx", ".doc", ".docm", ".dotx", ".wps")
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

    A folder inside inbox/ is listed too (it gets its own outcome rather than being skipped unseen).
    """
    sources = [Path(p) for p in paths] or [ws.inbox]
    files: list[Path] = []
    inbox = ws.inbox.resolve()
    for src in sources:
        if src.is_dir():
            in_inbox = src.resolve() == inbox
            files += sorted(p for p in src.iterdir() if (p.is_file() or (in_inbox and p.is_dir())) and not _is_temp(p))
        elif src.exists():
            files.append(src)
        else:
            raise FileNotFoundError(src)
    return files


def _is_temp(p: Path) -> bool:
    """Office lock/temp files and hidden files, never forms."""
    return p.name.startswith(("~$", ".~lock", "."))


def ingest(ws: Workspace, paths=(), progress=None) -> list[Outcome]:
    """Apply every returned form that passes its checks; one ledger save; files moved afterwards.

    Large batches are read by a pool of processes that starts before the ledger is loaded, so reading
    and loading overlap; forms are applied one by one, in file order, in this process.
    """
    files = inbox_files(ws, paths)
    with Reader(files, ws.settings.max_part_mb * MB) as reader:
        ledger = open_valid_ledger(ws, for_write=True)
        units = Units.from_ledger(ledger)
        seen = ledger.journal_sha256s()
        outcomes = _apply_all(ws, ledger, units, seen, progress(reader) if progress else reader)
    if ledger.pending:
        ledger.save(keep_backups=ws.settings.backups)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    inbox = ws.inbox.resolve()
    for path, outcome in outcomes:
        _file_away(ws, path, outcome, stamp, from_inbox=path.parent.resolve() == inbox)
    return [o for _, o in outcomes]


def _apply_all(ws: Workspace, ledger, units: Units, seen: set[str], results) -> list[tuple[Path, Outcome]]:
    """Check and apply each read file in turn (duplicates by content are refused)."""
    outcomes: list[tuple[Path, Outcome]] = []
    for path, sha, form, problem in results:
        if sha in seen:
            outcomes.append((path, Outcome(path.name, DUPLICATE, message="该文件此前已处理过（内容完全相同），本次未改动台账。")))
            continue
        seen.add(sha)
        outcome = Outcome(path.name, REJECTED, message=problem)
        if form is not None:
            try:
                _apply_one(ws, ledger, units, path, sha, form, outcome)
            except FormRejected as exc:
                outcome.result, outcome.message = REJECTED, str(exc)
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
    sha = ""
    try:
        sha = sha256_of(path)
        with open(path, "rb") as fh:
            head = fh.read(PDF_HEADER_WITHIN)
        if b"%PDF-" in head:  # readers accept the header anywhere in the first 1024 bytes
            return path, sha, read_pdf(path, ALL_LABELS, max_part), ""
        suffix = path.suffix.lower()
        if head.startswith(b"PK") or suffix == ".docx" or (head.startswith(OLE_MAGIC) and suffix in WORD_SUFFIXES):
            return path, sha, read_docx(path, ALL_LABELS, max_part), ""
        if head.startswith(OLE_MAGIC):
            refuse_ole_encrypted(path)
        raise FormRejected(
            f"不支持的文件类型“{path.suffix or '无扩展名'}”。",
            hint="请提交在下发的通知单上填写的 Word .docx 文件，或由它导出的 PDF。",
        )
    except FormRejected as exc:
        return path, sha, None, str(exc)
    except OSError as exc:
        return _unread(path, sha, f"文件无法打开（{exc.strerror or exc}）。", "请检查文件权限，或重新复制该文件后再运行。")
    except Exception as exc:  # a reader's failure on one odd file must not stop the batch
        log.debug("reading %s failed", path, exc_info=True)
        return _unread(
            path,
            sha,
            f"文件内容异常，读取时出错（{type(exc).__name__}），未能读取。",
            "请在 Word/WPS 中打开确认无误后重新另存为 .docx（或重新导出 PDF）再提交。",
        )


def _unread(path: Path, sha: str, message: str, hint: str) -> tuple[Path, str, None, str]:
    """read_returned's result for a file that cannot be read: its reason, worded as a rejection."""
    return path, sha, None, str(FormRejected(message, hint=hint))


class Reader:
    """Reads every file, on all cores for large batches (work starts at once); yields results in file order."""

    def __init__(self, files: list[Path], max_part: int = DEFAULT_MAX_PART):
        self.files = files
        self.pool = None
        read = functools.partial(read_returned, max_part=max_part)
        if len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 and CAN_FORK:
            self.pool = ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4), mp_context=multiprocessing.get_context("fork"))
            self.results = self.pool.map(read, files, chunksize=8)
        else:
            self.results = map(read, files)

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self):
        return iter(self.results)

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _apply_one(ws: Workspace, ledger, units: Units, path: Path, sha: str, form: ReturnedForm, outcome: Outcome) -> None:
    """Match, check and apply one read form, filling ``outcome``; FormRejected leaves the ledger untouched."""
    ident = form.identity()
    outcome.number, outcome.unit = ident.number, ident.unit
    kind = KINDS.get(ident.kind)
    if kind is None:
        raise FormRejected(f"识别码中的表单类型“{ident.kind}”本系统不认识。", hint="请使用督查小组下发的表单。")
    row = sin.check_identity(ledger, units, ident, form.fields, kind.prefilled, ws.settings)
    feedback = sin.read_feedback(form.fields, row.date("交办时间"))
    context = ChangeContext(operation="登记回执", source=path.name, sha256=sha)
    changed = sin.apply_feedback(row, ident.role, feedback, context)
    refresh_warnings(ledger, [row] if changed else (), ws.settings)  # the 预警 cell follows the new state
    ledger.journal(context.change(kind.register.name, row.number, "回执", "", f"{ident.role}·{ident.unit}·{feedback.status}"))
    sin.record_progress(ledger, row, units.canonical(ident.unit), ident.role, feedback, context)
    outcome.result = APPLIED if changed else UNCHANGED
    outcome.message = ("更新：" + "、".join(changed)) if changed else "内容与台账一致，无需更新。"
    if ident.role == sup.CO:
        outcome.result = RECORDED
        outcome.message = "协办单位反馈已记入“办理进展”（不改变事项状态）。"


def _file_away(ws: Workspace, path: Path, outcome: Outcome, stamp: str, *, from_inbox: bool) -> None:
    """Move (from inbox/) or copy (from elsewhere) to processed/ or rejected/, with a reason file for rejections."""
    rejected = outcome.result in (REJECTED, DUPLICATE)
    folder = ws.rejected if rejected else ws.processed
    target = _free_name(folder / path.name)
    if from_inbox:
        shutil.move(str(path), target)
    else:
        shutil.copy2(path, target)
    outcome.moved_to = str(target.relative_to(ws.root))
    if rejected:
        about = f"事项：{outcome.number}　单位：{outcome.unit}\n" if outcome.number else ""
        reason = (
            f"文件：{path.name}\n{about}时间：{stamp}\n结果：{'重复提交' if outcome.result == DUPLICATE else '未能登记，已退回'}\n"
            f"原因：{outcome.message}\n\n台账未因此文件作任何修改。改正后请重新放入 inbox/ 再运行 dangwu ingest。\n"
        )
        target.with_name(target.name + ".原因.txt").write_text(reason, encoding="utf-8")


def _free_name(target: Path) -> Path:
    """``target`` or, when taken, ``name (2).ext`` etc."""
    if not target.exists():
        return target
    for i in range(2, 10000):
        cand = target.with_name(f"{target.stem} ({i}){target.suffix}")
        if not cand.exists():
            return cand
    raise FileExistsError(target)
