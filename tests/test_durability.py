"""Kills, two commands at once, full disks, odd file names: the ledger and the folders always tell the truth."""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openpyxl
import pytest

from toolkit import Workspace, ingest
from toolkit.errors import LedgerChanged, LedgerLocked, LedgerReadOnly
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S
from toolkit.ledger.workbook import ChangeContext, Ledger
from toolkit.lock import workspace_lock

from .conftest import digest, journal_rows, notice_path, set_cell, sup_rows

ROOT = Path(__file__).resolve().parents[1]
DONE = {
    "办理情况": "已完成整改。",
    "办理状态": "☑已办结　　□办理中",
    "完成日期": "2026年6月1日",
    "承办人": "李敏",
    "联系电话": "0571-86000001",
}
GOING = {"办理情况": "正在推进。", "办理状态": "□已办结　　☑办理中", "承办人": "钱进", "联系电话": "0571-86000002"}
CRASHED = 86  # toolkit.lock.crash_point's exit status


def dangwu(ws: Workspace, *args, crash: str = "", wait: float | None = None, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """Run the real command line in its own process (optionally dying at a crash point)."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", **(env or {})}
    full.pop("DANGWU_TEST_CRASH", None)
    if crash:
        full["DANGWU_TEST_CRASH"] = crash
    if wait is not None:
        full["DANGWU_LOCK_WAIT"] = str(wait)
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args, "-w", str(ws.root)], env=full, capture_output=True, **kw)


def fill_inbox(ws: Workspace) -> None:
    """A batch: three good forms (one a 协办 copy), one second copy, two files that are not forms."""
    fill_form(notice_path(ws, "DB-2026-001"), ws.inbox / "a-教务处.docx", DONE)
    fill_form(notice_path(ws, "DB-2026-002"), ws.inbox / "b-学工处.docx", GOING)
    fill_form(notice_path(ws, "DB-2026-003", "协办"), ws.inbox / "c-协办.docx", GOING)
    shutil.copy(ws.inbox / "a-教务处.docx", ws.inbox / "d-重复.docx")
    (ws.inbox / "e-说明.txt").write_text("不是表单", encoding="utf-8")
    (ws.inbox / "f-坏.docx").write_bytes(b"PK\x03\x04 broken")


def state(ws: Workspace) -> dict:
    """Everything a run leaves: folder contents (reason files without their time line), ledger rows, journal."""
    files = {}
    for folder in ("inbox", "processed", "rejected"):
        for p in sorted((ws.root / folder).iterdir()):
            data = p.read_bytes()
            if p.name.endswith(".原因.txt"):
                data = re.sub("时间：[^\n]*".encode(), b"", data)
            files[f"{folder}/{p.name}"] = hashlib.sha256(data).hexdigest()
    journal = [tuple(v for k, v in r.items() if k != "时间") for r in journal_rows(ws)]
    wb = openpyxl.load_workbook(ws.ledger_path)
    progress = [r for r in wb["办理进展"].iter_rows(min_row=2, values_only=True)] if "办理进展" in wb.sheetnames else []
    pending = (ws.root / ".dangwu" / "ingest-pending.json").exists()
    return {"files": files, "journal": journal, "rows": sup_rows(ws), "progress": progress, "pending": pending}


@pytest.fixture
def batch(notified, tmp_path) -> tuple[Workspace, dict]:
    """The notified workspace with a batch in inbox/, and the state one clean ingest of it leaves."""
    fill_inbox(notified)
    clean = Workspace(shutil.copytree(notified.root, tmp_path / "clean"))
    ingest(clean)
    return notified, state(clean)


# --- kills ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["after-intent", "after-save", "reason:1", "moved:1", "moved:4"])
def test_a_kill_at_any_point_ends_where_one_clean_run_would(batch, point):
    ws, clean = batch
    run = dangwu(ws, "ingest", crash=point)
    assert run.returncode == CRASHED, run.stderr.decode()
    ingest(ws)  # the next run
    assert state(ws) == clean
    assert not any(o.result == "重复" and "a-教务处" in o.file for o in ingest(ws))  # nothing left to do


def test_a_rejection_never_stands_without_its_reason(batch):
    ws, _ = batch
    assert dangwu(ws, "ingest", crash="reason:1").returncode == CRASHED
    for p in (ws.rejected).iterdir():
        if not p.name.endswith(".原因.txt"):
            assert p.with_name(p.name + ".原因.txt").exists(), p.name


def test_kill_after_save_reason_files_tell_the_truth(batch):
    ws, _ = batch
    assert dangwu(ws, "ingest", crash="after-save").returncode == CRASHED
    ingest(ws)
    assert sorted(p.name for p in ws.processed.iterdir()) == ["a-教务处.docx", "b-学工处.docx", "c-协办.docx"]
    dup = (ws.rejected / "d-重复.docx.原因.txt").read_text(encoding="utf-8")
    assert "重复提交" in dup
    sha = [r for r in journal_rows(ws) if r["字段"] == "回执"]
    assert len(sha) == 3, "each form applied once"


def test_random_kills_end_where_one_clean_run_would(batch, tmp_path):
    ws, clean = batch
    pristine = tmp_path / "pristine"
    shutil.copytree(ws.root, pristine)
    started = time.monotonic()
    assert dangwu(ws, "ingest").returncode == 0
    span = time.monotonic() - started
    rnd = random.Random(5)
    for i in range(3):
        trial = Workspace(shutil.copytree(pristine, tmp_path / f"trial{i}"))
        full = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
        proc = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "ingest", "-w", str(trial.root)], env=full, stdout=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(0.4, 1.0) * span)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        ingest(trial)
        assert state(trial) == clean, f"trial {i}"


def _marked(mark: str) -> list[int]:
    """Processes whose environment carries ``mark`` (zombies have none)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _survivors(mark: str) -> list[int]:
    """Processes carrying ``mark`` still alive a moment after their command was killed (then killed here)."""
    left = _marked(mark)
    for _ in range(100):  # SIGKILL is delivered at once; the kernel may take a moment to reap
        if not left:
            break
        time.sleep(0.05)
        left = _marked(mark)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG")
def test_reading_processes_die_with_a_killed_ingest(notified):
    for i in range(30):
        shutil.copy(notice_path(notified, "DB-2026-001"), notified.inbox / f"copy-{i:02d}.docx")
    mark = f"DANGWU_TEST_MARK={uuid.uuid4().hex}"
    run = dangwu(notified, "ingest", crash="reading", env=dict([mark.split("=")]))
    assert run.returncode == CRASHED, run.stderr.decode()
    assert not _survivors(mark), "worker processes outlived the killed command"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG")
def test_writer_processes_die_with_a_killed_generate(ws):
    from .conftest import ITEMS, add_rows

    add_rows(ws.ledger_path, S.SUPERVISION.name, [dict(ITEMS[i % 3], 督办事项=f"事项{i}") for i in range(100)])
    mark = f"DANGWU_TEST_MARK={uuid.uuid4().hex}"
    run = dangwu(ws, "generate", "notice", crash="writing", env=dict([mark.split("=")]))
    assert run.returncode == CRASHED, run.stderr.decode()
    assert not _survivors(mark), "writer processes outlived the killed command"
    openpyxl.load_workbook(ws.ledger_path)  # the ledger is whole


def test_status_while_another_command_works_shows_and_says_why_not_written(notified):
    before = digest(notified.ledger_path)
    with workspace_lock(notified.root, "ingest"):
        run = dangwu(notified, "status", wait=0.2, env={"DANGWU_TODAY": "2026-12-21"})  # new 预警 to write
    out = run.stdout.decode()
    assert run.returncode == 0, run.stderr.decode()
    assert "DB-2026-001" in out and "另一个 dangwu 命令正在处理该工作区" in out
    assert digest(notified.ledger_path) == before


# --- two commands at once -----------------------------------------------------------------------------


def test_a_second_command_refuses_while_another_works(notified):
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "a.docx", DONE)
    before = digest(notified.ledger_path)
    with workspace_lock(notified.root, "ingest"):
        for args in (["ingest"], ["review", "DB-2026-001", "--accept"], ["generate", "notice", "--force"]):
            run = dangwu(notified, *args, wait=0.2)
            err = run.stderr.decode()
            assert run.returncode == 4, err
            assert "另一个 dangwu 命令正在处理该工作区（dangwu ingest，进程" in err and "Traceback" not in err
    assert digest(notified.ledger_path) == before
    assert (notified.inbox / "a.docx").exists()


def test_a_command_waits_for_the_other_to_finish(notified):
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "a.docx", DONE)
    with workspace_lock(notified.root, "review"):
        proc = subprocess.Popen(
            [sys.executable, "-m", "toolkit.cli", "ingest", "-w", str(notified.root)],
            env={**os.environ, "PYTHONPATH": str(ROOT), "DANGWU_LOCK_WAIT": "120"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        ledger = Ledger.load(notified.ledger_path)
        ledger.sheet(S.SUPERVISION.name).by_number()["DB-2026-003"].set("备注", "审核中", context=ChangeContext("test"))
        ledger.save()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    rows = sup_rows(notified)
    assert rows["DB-2026-003"]["备注"] == "审核中" and rows["DB-2026-001"]["状态"] == "待审核"


def test_a_save_never_overwrites_a_ledger_changed_since_it_was_loaded(notified):
    first = Ledger.load(notified.ledger_path, for_write=True)
    second = Ledger.load(notified.ledger_path, for_write=True)
    second.sheet(S.SUPERVISION.name).by_number()["DB-2026-002"].set("备注", "先保存", context=ChangeContext("test"))
    second.save()
    after_second = digest(notified.ledger_path)
    first.sheet(S.SUPERVISION.name).by_number()["DB-2026-001"].set("备注", "后保存", context=ChangeContext("test"))
    with pytest.raises(LedgerChanged, match="读取之后被修改过"):
        first.save()
    assert digest(notified.ledger_path) == after_second
    assert sup_rows(notified)["DB-2026-002"]["备注"] == "先保存"


def test_saving_twice_from_one_load_is_fine(notified):
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    row = ledger.sheet(S.SUPERVISION.name).by_number()["DB-2026-001"]
    for text in ("一", "二"):
        row.set("备注", text, context=ChangeContext("test"))
        ledger.save()
    assert sup_rows(notified)["DB-2026-001"]["备注"] == "二"


# --- read-only, immutable, full disk -------------------------------------------------------------------


def test_a_read_only_ledger_is_refused_not_replaced(notified):
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "a.docx", DONE)
    os.chmod(notified.ledger_path, 0o444)
    before = digest(notified.ledger_path)
    run = dangwu(notified, "ingest")
    err = run.stderr.decode()
    assert run.returncode == 4 and "只读" in err and "Traceback" not in err
    assert digest(notified.ledger_path) == before and (notified.ledger_path.stat().st_mode & 0o777) == 0o444
    assert (notified.inbox / "a.docx").exists()
    with pytest.raises(LedgerReadOnly):
        Ledger.load(notified.ledger_path, for_write=True)


def _chattr(path: Path, flag: str) -> bool:
    return shutil.which("chattr") is not None and subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_an_immutable_ledger_ends_in_a_message(notified):
    _awaiting_review(notified)
    if not _chattr(notified.ledger_path, "+i"):
        pytest.skip("chattr +i is not available here")
    try:
        before = digest(notified.ledger_path)
        backups = sorted((notified.root / ".backup").iterdir())
        run = dangwu(notified, "review", "DB-2026-001", "--accept")
        err = run.stderr.decode()
        assert run.returncode == 9 and "锁定" in err and "Traceback" not in err, err
        assert digest(notified.ledger_path) == before
        assert sorted((notified.root / ".backup").iterdir()) == backups
    finally:
        _chattr(notified.ledger_path, "-i")


def _awaiting_review(ws: Workspace) -> None:
    """DB-2026-001 reported done (待审核); a progress report of DB-2026-002 waits in inbox/."""
    fill_form(notice_path(ws, "DB-2026-001"), ws.inbox / "a.docx", DONE)
    ingest(ws)
    fill_form(notice_path(ws, "DB-2026-002"), ws.inbox / "b.docx", GOING)


@pytest.fixture
def small_disk(tmp_path):
    """A 6 MB tmpfs (root only), unmounted afterwards."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("needs root to mount a small tmpfs")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_ends_in_a_message_and_leaves_everything_as_it_was(notified, small_disk):
    ws = Workspace(shutil.copytree(notified.root, small_disk / "ws"))
    _awaiting_review(ws)
    backups = sorted(p.name for p in (ws.root / ".backup").iterdir())
    before = digest(ws.ledger_path)
    fd = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    for size in (1 << 16, 1):  # fill the disk to the last byte
        try:
            while os.write(fd, b"\0" * size):
                pass
        except OSError:
            pass
    os.close(fd)
    for args in (["ingest"], ["review", "DB-2026-001", "--accept"]):
        run = dangwu(ws, *args)
        err = run.stderr.decode()
        assert run.returncode == 9 and "磁盘空间已满" in err and "Traceback" not in err, err
        assert digest(ws.ledger_path) == before
        assert sorted(p.name for p in (ws.root / ".backup").iterdir()) == backups, "no truncated backup takes a slot"
        assert not list(ws.root.glob(".ledger.xlsx.*.tmp"))
    assert (ws.inbox / "b.docx").exists() and not (ws.root / ".dangwu" / "ingest-pending.json").exists()


@pytest.fixture
def read_only_mount(notified):
    """The workspace folder bind-mounted read-only over itself (root only)."""
    root = str(notified.root)
    _awaiting_review(notified)
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", root, root], capture_output=True).returncode:
        pytest.skip("needs root to bind-mount")
    if subprocess.run(["mount", "-o", "remount,bind,ro", root], capture_output=True).returncode:
        subprocess.run(["umount", "-l", root], check=False)
        pytest.skip("cannot remount read-only")
    yield notified
    subprocess.run(["umount", "-l", root], check=False)


def test_a_read_only_folder_ends_in_a_message(read_only_mount):
    ws = read_only_mount
    before = digest(ws.ledger_path)
    run = dangwu(ws, "review", "DB-2026-001", "--accept")
    err = run.stderr.decode()
    assert run.returncode == 9 and "只读" in err and "Traceback" not in err, err
    assert digest(ws.ledger_path) == before


def test_backups_are_links_or_complete_copies_and_stale_temps_are_swept(notified):
    old = notified.root / ".ledger.xlsx.abandoned.tmp"
    fresh = notified.root / ".ledger.xlsx.working.tmp"
    for p in (old, fresh):
        p.write_bytes(b"half a ledger")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    before = notified.ledger_path.read_bytes()
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    ledger.sheet(S.SUPERVISION.name).by_number()["DB-2026-001"].set("备注", "x", context=ChangeContext("test"))
    backup = ledger.save()
    assert backup.read_bytes() == before
    assert not old.exists() and fresh.exists()
    assert not list((notified.root / ".backup").glob(".*"))


# --- generate and a workbook opened meanwhile -----------------------------------------------------------


def _open_in_excel_once_written(root, monkeypatch):
    """The clerk opens the ledger in Excel after the documents are written, before the ledger is saved."""
    gen = sys.modules["toolkit.generate"]
    wait = gen.DocumentWriter.wait

    def wait_then_open_in_excel(self):
        wait(self)
        (root / "~$ledger.xlsx").write_text("locked")

    monkeypatch.setattr(gen.DocumentWriter, "wait", wait_then_open_in_excel)
    return gen


def test_a_lock_file_appearing_during_generate_leaves_no_new_notices(ws, monkeypatch):
    gen = _open_in_excel_once_written(ws.root, monkeypatch)
    before = digest(ws.ledger_path)
    with pytest.raises(LedgerLocked, match="本次未做任何修改"):
        gen.generate(ws, "notice")
    assert digest(ws.ledger_path) == before
    assert not [p for p in (ws.outbox / "督查督办通知单").iterdir()], "the message says nothing changed"


def test_a_lock_file_during_a_forced_reprint_says_what_was_overwritten(notified, monkeypatch):
    gen = _open_in_excel_once_written(notified.root, monkeypatch)
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-002", "状态", "已立项")  # so the reprint changes the ledger
    with pytest.raises(LedgerLocked) as caught:
        gen.generate(notified, "notice", ids=["DB-2026-002"], force=True)
    assert "本次未做任何修改" not in caught.value.message and "1 份同名表单已被本次重新生成的内容覆盖" in caught.value.message


# --- file names --------------------------------------------------------------------------------------------


def test_long_names_are_shortened_and_the_batch_completes(notified):
    long_bad = "教务处关于完善课堂教学质量监控体系的办理情况反馈" * 3 + "补充说明材料之一" + "x" * 5 + ".docx"
    assert 245 <= len(long_bad.encode()) <= 255
    (notified.inbox / long_bad).write_bytes(b"not a form")
    (notified.inbox / ("文" * 83 + ".docx")).write_bytes(b"not a form either")
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / ("好" * 81 + ".docx"), DONE)
    outcomes = ingest(notified)
    assert [o.result for o in outcomes].count("退回") == 2 and [o.result for o in outcomes].count("已更新") == 1
    assert not list(notified.inbox.iterdir())
    assert [p.name for p in notified.processed.iterdir()] == ["好" * 81 + ".docx"]
    rejected = sorted(p.name for p in notified.rejected.iterdir())
    assert len(rejected) == 4
    for name in rejected:
        assert len(name.encode()) <= 255
        if not name.endswith(".原因.txt"):
            assert name.endswith("….docx") and f"{name}.原因.txt" in rejected
    short = next(n for n in rejected if n.startswith("教务处关于") and n.endswith(".docx"))
    assert short.startswith("教务处关于完善课堂教学质量监控体系的办理情况反馈" * 2)
    assert long_bad in (notified.rejected / f"{short}.原因.txt").read_text(encoding="utf-8")
    assert ingest(notified) == []  # the next run has nothing left to do


def test_names_that_are_not_utf8_are_read_journalled_and_filed(notified, tmp_path):
    gbk_good = "教务处反馈.docx".encode("gbk")
    gbk_bad = "说明文件.txt".encode("gbk")
    inbox = os.fsencode(notified.inbox)
    fill_form(notice_path(notified, "DB-2026-001"), tmp_path / "x.docx", DONE)
    shutil.copy(tmp_path / "x.docx", os.path.join(inbox, gbk_good))
    with open(os.path.join(inbox, gbk_bad), "wb") as fh:
        fh.write(b"not a form")
    os.mkdir(os.path.join(inbox, "附件.docx".encode("gbk")))  # a folder: the reader's reason quotes its name
    run = dangwu(notified, "ingest")
    out, err = run.stdout.decode("utf-8"), run.stderr.decode("utf-8")
    assert run.returncode == 0 and "Traceback" not in err, err
    assert "教务处反馈.docx" in out and "说明文件.txt" in out and "附件.docx" in out
    assert os.listdir(inbox) == []
    assert os.path.exists(os.path.join(os.fsencode(notified.processed), gbk_good))
    assert os.path.exists(os.path.join(os.fsencode(notified.rejected), gbk_bad + ".原因.txt".encode()))
    rows = [r for r in journal_rows(notified) if r["来源文件SHA256"]]
    assert rows and all(r["来源文件"] == "教务处反馈.docx" for r in rows)
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "待审核"
    assert dangwu(notified, "ingest").returncode == 0  # later runs are not blocked


def test_a_second_copy_of_a_refused_file_gets_the_same_reason(notified):
    (notified.inbox / "一.docx").write_bytes(b"PK\x03\x04 broken")
    (notified.inbox / "二.docx").write_bytes(b"PK\x03\x04 broken")
    first, second = ingest(notified)
    assert first.result == second.result == "退回" and second.message == first.message
    assert "已处理过" not in second.message


def test_moves_left_by_a_kill_are_finished_even_after_another_command_saved(batch):
    ws, clean = batch
    assert dangwu(ws, "ingest", crash="after-save").returncode == CRASHED
    assert dangwu(ws, "review", "DB-2026-001", "--accept").returncode == 0  # the ledger is no longer the one the intent names
    assert ingest(ws) == []
    assert state(ws)["files"] == clean["files"]
    assert sup_rows(ws)["DB-2026-001"]["状态"] == "已办结"


@pytest.mark.skipif(not shutil.which("unshare"), reason="util-linux unshare")
def test_a_command_running_as_pid_1_keeps_its_worker_processes(notified):
    """In a container the command is PID 1: its workers must not take that for a dead parent."""
    for i in range(30):  # enough files for the reading pool
        shutil.copy(notice_path(notified, "DB-2026-001"), notified.inbox / f"copy-{i:02d}.docx")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    probe = subprocess.run(["unshare", "--pid", "--fork", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a PID namespace here (needs root)")
    run = subprocess.run(
        ["unshare", "--pid", "--fork", sys.executable, "-m", "toolkit.cli", "ingest", "-w", str(notified.root)],
        env=env,
        capture_output=True,
    )
    out = run.stdout.decode() + run.stderr.decode()
    assert run.returncode == 0 and "BrokenProcessPool" not in out and "Traceback" not in out, out[-2000:]
    assert "（共 30 个文件）" in out


def test_an_old_backup_that_cannot_be_pruned_does_not_undo_a_saved_change(notified):
    """Pruning happens after the new ledger is in place: its failure is not reported as "nothing changed"."""
    _awaiting_review(notified)
    settings = notified.root / "dangwu.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("backups = 20", "backups = 1"), encoding="utf-8")
    oldest = sorted((notified.root / ".backup").iterdir())[0]
    if not _chattr(oldest, "+i"):
        pytest.skip("chattr +i is not available here")
    try:
        run = dangwu(notified, "review", "DB-2026-001", "--accept")
        assert run.returncode == 0, run.stderr.decode()
        assert sup_rows(notified)["DB-2026-001"]["状态"] == "已办结"
        assert oldest.exists()
    finally:
        _chattr(oldest, "-i")
