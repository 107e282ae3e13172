"""dangwu benchmarks: each figure printed beside a baseline measured in the same run, on the same machine.

    .venv/bin/python bench/run.py                 # full run (1,000 items / forms)
    .venv/bin/python bench/run.py --quick         # smoke run (100 items / forms)
    .venv/bin/python bench/run.py --json out.json # also write the numbers
    .venv/bin/python bench/run.py --only ingest --profile   # one benchmark, plus cProfile hot spots

Every measured phase runs in its own child process (``run.py --phase NAME --dir DIR``) so that
import time is excluded from the timing and the child's peak RSS is its own.  Adding a benchmark:
write the child-side work as a ``@phase`` function and the parent-side set-up/report as a
``@benchmark`` function returning ``Row``s (see README.md).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULT_TAG = "BENCH-RESULT "
TEMPLATE = ROOT / "templates" / "督查督办" / "督查督办通知单.docx"
# LibreOffice's launcher (the soffice script → oosplash) hands soffice.bin at most about 254 command-line words
# and silently drops the rest, exiting 0 (LibreOffice 7.4: 247 files after 6 options). The one-call baselines
# therefore convert at most this many files per soffice process, in as few consecutive calls as that allows.
SOFFICE_MAX_FILES = 240

# Same units and item shapes as tests/conftest.py (copied, so the benchmark does not depend on the tests).
UNITS = [
    {"单位名称": "教务处", "单位简称": "教务", "负责人": "王建国", "联系人": "李敏", "联系电话": "0571-86000001"},
    {"单位名称": "学生工作处", "单位简称": "学工处", "负责人": "赵红", "联系人": "钱进", "联系电话": "0571-86000002"},
    {"单位名称": "信息工程学院", "单位简称": "信息学院", "负责人": "孙立", "联系人": "周洁", "联系电话": "0571-86000003"},
    {"单位名称": "后勤管理处", "单位简称": "后勤处", "负责人": "吴强", "联系人": "郑好", "联系电话": "0571-86000004"},
]
ITEMS = [
    {"交办时间": dt.date(2026, 3, 5), "督办来源": "会议决议", "督查形式": "专项督查", "督办事项": "完善课堂教学质量监控体系",
     "工作要求": "形成制度文件并报送", "主办单位": "教务处", "协办单位": "信息工程学院", "分管校领导": "张副校长", "办理时限": dt.date(2026, 6, 30)},
    {"交办时间": dt.date(2026, 4, 1), "督办来源": "上级部署", "督查形式": "定期督查", "督办事项": "学生资助工作自查",
     "工作要求": "按上级通知要求开展自查", "主办单位": "学工处", "协办单位": "", "分管校领导": "刘副书记", "办理时限": dt.date(2026, 5, 15)},
    {"交办时间": dt.date(2026, 5, 8), "督办来源": "领导批示", "督查形式": "联合督查", "督办事项": "食堂食品安全专项整治",
     "工作要求": "每月报送进展", "主办单位": "后勤管理处", "协办单位": "学生工作处、教务处", "分管校领导": "陈副校长", "办理时限": dt.date(2026, 12, 31)},
]  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Results


@dataclass
class Target:
    """One pass/fail condition on a row: on its dangwu value or on its ratio to the baseline."""

    on: str  # "value" or "ratio"
    op: str  # ">=" or "<"
    limit: float
    of: str = ""  # for a ratio of times: what the time is divided by ("load", "soffice"), printed in the target

    def check(self, row: Row) -> bool | None:
        x = row.dangwu if self.on == "value" else row.ratio
        if x is None:
            return None
        return x >= self.limit if self.op == ">=" else x < self.limit

    def text(self, unit: str) -> str:
        sym = "≥" if self.op == ">=" else "<"
        if self.on == "ratio" and self.of:
            return f"time÷{self.of} {sym} {self.limit:g}× (lower is better)"
        return f"{sym} {self.limit:g}×" if self.on == "ratio" else f"{sym} {self.limit:,g} {unit}"


@dataclass
class Row:
    """One line of the table. ``ratio`` is dangwu / baseline (for times in "s": dangwu's time ÷ the baseline's, lower is better)."""

    measure: str
    unit: str  # "docs/s", "forms/s", "MB", "ms", "s"
    dangwu: float | None
    baseline: float | None = None
    baseline_label: str = ""
    targets: list[Target] = field(default_factory=list)
    note: str = ""
    error: str = ""  # the dangwu side failed: shown as FAILED, counted as a missed target

    @property
    def ratio(self) -> float | None:
        if self.dangwu is None or not self.baseline:
            return None
        return self.dangwu / self.baseline

    @property
    def met(self) -> bool | None:
        if self.error:
            return False
        checks = [t.check(self) for t in self.targets]
        if not checks:
            return None
        if any(c is False for c in checks):
            return False
        return None if any(c is None for c in checks) else True

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(ratio=self.ratio, met=self.met, targets=[asdict(t) for t in self.targets])
        return d


# ----------------------------------------------------------------------------------------------
# Registries: parent-side benchmarks and child-side phases


@dataclass
class Benchmark:
    name: str
    title: str
    run: Callable[[Context], list[Row]]


BENCHMARKS: list[Benchmark] = []
PHASES: dict[str, Callable[[argparse.Namespace], dict]] = {}


def benchmark(name: str, title: str):
    """Register a parent-side benchmark: ``fn(ctx) -> list[Row]``. Order of registration is order of running."""

    def deco(fn):
        BENCHMARKS.append(Benchmark(name, title, fn))
        return fn

    return deco


def phase(name: str):
    """Register child-side work: ``fn(args) -> dict`` run by ``run.py --phase NAME --dir DIR``."""

    def deco(fn):
        PHASES[name] = fn
        return fn

    return deco


@dataclass
class Context:
    """What every benchmark gets: sizes, repeat policy, a scratch folder and a memo of shared set-ups."""

    items: int
    forms: int
    repeat: int
    budget: float  # stop repeating once a measurement has used this many seconds
    tmp: Path
    profile: bool
    naive_docs: int = 100
    pdf_items: int = 100  # items for the PDF benchmarks (about 2 notices each)
    soffice_each: int = 20  # files converted one soffice process each (baseline (a), extrapolated)
    ledger_items: int = 10_000  # rows of the ledger for status / report (ledger-10k)
    archive_items: int = 300  # closed items (about 4 papers each) for archive
    announce_items: int = 200  # approved 党务公开 items for announce-pdf (one 全体党员 announcement each)
    talk_items: int = 200  # 已安排 talks for talk-pdf (one 谈心谈话记录表 each)
    liaison_members: int = 50  # 班子成员 of the liaison-status ledger
    liaison_talks: int = 5000  # 谈心谈话记录 rows of the liaison-status ledger
    details: dict = field(default_factory=dict)
    profiles: dict = field(default_factory=dict)
    _memo: dict = field(default_factory=dict)
    _seq: int = 0

    def memo(self, key: str, make: Callable[[], object]):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def fresh_dir(self, stem: str) -> Path:
        self._seq += 1
        return self.tmp / f"{stem}-{self._seq}"

    def repeat_runs(self, run: Callable[[], dict], *, key: str = "seconds") -> list[dict]:
        """Call ``run`` up to ``repeat`` times (at least once, fewer if it is slow); results, best first."""
        results, spent = [], 0.0
        while len(results) < self.repeat and (not results or spent < self.budget):
            t0 = time.perf_counter()
            results.append(run())
            spent += time.perf_counter() - t0
        return sorted(results, key=lambda r: r[key])

    def repeat_pair(self, run: Callable[[], dict], baseline: Callable[[], dict], *, key: str = "seconds") -> tuple[list, list]:
        """``run`` and ``baseline`` called alternately, up to ``repeat`` times each: on a machine whose speed
        drifts (a shared VM), both sides meet the same states. Each side's results, best first."""
        ours, theirs, spent = [], [], 0.0
        while len(ours) < self.repeat and (not ours or spent < self.budget):
            t0 = time.perf_counter()
            ours.append(run())
            theirs.append(baseline())
            spent += time.perf_counter() - t0
        return sorted(ours, key=lambda r: r[key]), sorted(theirs, key=lambda r: r[key])


def run_phase(name: str, directory: Path, *, profile_to: Path | None = None, **options) -> dict:
    """Run one phase in a child process and return the dict it reports (plus its peak RSS in MB)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--dir", str(directory)]
    for k, v in options.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    if profile_to:
        cmd += ["--profile-to", str(profile_to)]
    # Flush what earlier set-up wrote, untimed: on a VM disk that throttles sustained writes, dirty pages
    # left by the set-up would otherwise be paid for by whichever phase (dangwu or baseline) runs next.
    os.sync()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_TAG)]
    if proc.returncode != 0 or not lines:
        sys.stderr.write(proc.stdout + proc.stderr)
        errors = [ln for ln in proc.stderr.splitlines() if "Error: " in ln or "Error(" in ln]
        why = f": {errors[-1][:240]}" if errors else ""
        raise RuntimeError(f"benchmark phase {name!r} failed (exit {proc.returncode}){why}")
    return json.loads(lines[-1][len(RESULT_TAG) :])


def child_main(args: argparse.Namespace) -> None:
    """Entry point of a child process: run the phase, report its figures and its own peak RSS."""
    fn = PHASES[args.phase]
    if args.profile_to:
        prof = cProfile.Profile()
        result = prof.runcall(fn, args)
        prof.dump_stats(args.profile_to)
    else:
        result = fn(args)
    result.setdefault("maxrss_mb", maxrss_mb())
    print(RESULT_TAG + json.dumps(result, ensure_ascii=False), flush=True)


def maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (ru_maxrss is KiB on Linux, bytes on macOS).

    For this process, Linux's VmHWM is used when available: ru_maxrss survives exec, so a child started by
    the (large) parent runner would otherwise report at least the parent's RSS at spawn time."""
    if who == resource.RUSAGE_SELF:
        try:
            with open("/proc/self/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1 << 20) if sys.platform == "darwin" else rss / 1024


# ----------------------------------------------------------------------------------------------
# Shared set-up (parent side, untimed)


def item_rows(n: int) -> list[dict]:
    """``n`` supervision items cycling the three conftest shapes (1, 2 and 3 recipients: 2 notices per item on average)."""
    return [dict(ITEMS[i % 3], 督办事项=f"{ITEMS[i % 3]['督办事项']}（第{i + 1}项）") for i in range(n)]


def append_rows(ledger_path: Path, sheet: str, rows: list[dict]) -> None:
    """Append rows by header with openpyxl, as a clerk typing in Excel would (same as tests/conftest.add_rows)."""
    import openpyxl

    wb = openpyxl.load_workbook(ledger_path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    last = max((r for r in range(2, ws.max_row + 1) if any(ws.cell(r, c).value is not None for c in range(1, len(headers) + 1))), default=1)
    for i, values in enumerate(rows, start=last + 1):
        for h, v in values.items():
            ws.cell(i, headers.index(h) + 1, v)
    wb.save(ledger_path)


def fresh_workspace(ctx: Context) -> Path:
    """A workspace (toolkit.init_workspace) with the conftest units and ``ctx.items`` unnumbered items."""

    def make():
        import toolkit
        from toolkit.ledger import schema as S

        root = ctx.tmp / "pristine-fresh"
        ws = toolkit.init_workspace(root, units=UNITS)
        append_rows(ws.ledger_path, S.SUPERVISION.name, item_rows(ctx.items))
        return root

    return ctx.memo("fresh", make)


def generated_workspace(ctx: Context) -> Path:
    """The fresh workspace after ``generate notice`` (run in-process, untimed)."""

    def make():
        import toolkit

        root = ctx.tmp / "pristine-generated"
        shutil.copytree(fresh_workspace(ctx), root)
        toolkit.generate(toolkit.Workspace(root), "notice")
        return root

    return ctx.memo("generated", make)


def _fill_one(job: tuple[str, str, dict]) -> str:
    from toolkit.forms.fill import fill_form

    src, dst, answers = job
    fill_form(Path(src), Path(dst), answers)
    return dst


def returned_workspace(ctx: Context) -> Path:
    """The generated workspace with ``ctx.forms`` notices filled in (fill_form, in parallel) and put in inbox/."""

    def make():
        root = ctx.tmp / "pristine-returned"
        shutil.copytree(generated_workspace(ctx), root)
        notices = sorted((root / "outbox" / "督查督办通知单").glob("*.docx"))
        if len(notices) < ctx.forms:
            raise RuntimeError(f"only {len(notices)} notices generated, {ctx.forms} forms wanted")
        _fill_all(notices[: ctx.forms], root / "inbox")
        return root

    return ctx.memo("returned", make)


def answers_for(i: int) -> dict:
    """The answers a unit types into form ``i``: every feedback cell filled, every other form 已办结."""
    done = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    finished = i % 2 == 0
    return {
        "办理情况": f"已按要求完成第{i + 1}项工作。\n已形成书面材料并报送。" if finished else "正在推进，预计按期完成。",
        "办理状态": "☑已办结 □办理中" if finished else "□已办结 ☑办理中",
        "完成日期": done if finished else "",
        "承办人": "李敏",
        "联系电话": "0571-86000001",
        "单位负责人": "王建国",
    }


def _fill_all(notices: list[Path], outdir: Path, answers: Callable[[int], dict] = answers_for) -> list[Path]:
    """fill_form every notice into ``outdir`` (same file names), on all cores; ``answers(i)`` for notice ``i``."""
    return _fill_jobs([(str(src), str(outdir / src.name), answers(i)) for i, src in enumerate(notices)])


def _fill_jobs(jobs: list[tuple[str, str, dict]]) -> list[Path]:
    """fill_form each (source, target, answers) job, on all cores."""
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return [Path(p) for p in pool.map(_fill_one, jobs, chunksize=16)]


def pdf_fresh_workspace(ctx: Context) -> Path:
    """Like ``fresh_workspace`` but with ``ctx.pdf_items`` items (about 2 notices each) for the PDF benchmarks."""

    def make():
        import toolkit
        from toolkit.ledger import schema as S

        root = ctx.tmp / "pristine-pdf-fresh"
        ws = toolkit.init_workspace(root, units=UNITS)
        append_rows(ws.ledger_path, S.SUPERVISION.name, item_rows(ctx.pdf_items))
        return root

    return ctx.memo("pdf-fresh", make)


def pdf_returned_workspace(ctx: Context) -> Path:
    """The PDF workspace after ``generate notice``, every notice filled (fill_form) and exported to PDF with ONE
    LibreOffice call (toolkit's Soffice.convert) straight into inbox/ — how units return PDFs. Untimed."""

    def make():
        import toolkit
        from toolkit.pdf.soffice import Soffice

        root = ctx.tmp / "pristine-pdf-returned"
        shutil.copytree(pdf_fresh_workspace(ctx), root)
        toolkit.generate(toolkit.Workspace(root), "notice")
        notices = sorted((root / "outbox" / "督查督办通知单").glob("*.docx"))
        filled_dir = ctx.tmp / "pdf-filled-docx"
        filled = _fill_all(notices, filled_dir)
        for i in range(0, len(filled), SOFFICE_MAX_FILES):  # LibreOffice drops arguments beyond ~254 (see SOFFICE_MAX_FILES)
            Soffice(timeout=max(300, len(filled))).convert(filled[i : i + SOFFICE_MAX_FILES], root / "inbox")
        shutil.rmtree(filled_dir, ignore_errors=True)
        return root

    return ctx.memo("pdf-returned", make)


DISCLOSURE_SHEET = "党务公开台账"
OPINION_SHEET = "公开意见反馈"
ANNOUNCE_TODAY = "2026-12-03"  # DANGWU_TODAY of announce-pdf: the 公示期 (5 working days) stays in 2026, chinesecalendar's data
OPINION_TODAY = "2026-12-04"  # DANGWU_TODAY of opinion-ingest: opinions received within the item's year


class _today:
    """``with _today("2026-12-03"):`` DANGWU_TODAY set for an in-process set-up, restored after."""

    def __init__(self, day: str):
        self.day, self.saved = day, None

    def __enter__(self):
        self.saved = os.environ.get("DANGWU_TODAY")
        os.environ["DANGWU_TODAY"] = self.day

    def __exit__(self, *exc):
        if self.saved is None:
            os.environ.pop("DANGWU_TODAY", None)
        else:
            os.environ["DANGWU_TODAY"] = self.saved


def disclosure_rows(n: int) -> list[dict]:
    """``n`` approved 党务公开 items limited to 全体党员 (one announcement each), 提出部门 cycling the units."""
    return [
        {
            "公开类别": "党务运行基本情况",
            "公开事项": f"2026年第{i + 1}批党费收缴管理情况",
            "公开内容摘要": f"第{i + 1}批各党支部党费收缴、使用和管理情况。请全体党员监督，如有意见请在公示期内反馈。",
            "提出部门": UNITS[i % len(UNITS)]["单位名称"],
            "公开范围": "全体党员",
            "公开形式": "党员大会、内网",
            "时限类型": "阶段性",
            "计划公开日期": dt.date(2026, 12, 20),
            "审批状态": "已批准",
            "审批人": "王书记",
            "审批日期": dt.date(2026, 12, 1),
        }
        for i in range(n)
    ]


def announce_workspace(ctx: Context) -> Path:
    """A workspace (init_workspace + the conftest units) whose 党务公开台账 holds ``ctx.announce_items`` approved items."""

    def make():
        import toolkit

        root = ctx.tmp / "pristine-announce"
        ws = toolkit.init_workspace(root, units=UNITS)
        append_rows(ws.ledger_path, DISCLOSURE_SHEET, disclosure_rows(ctx.announce_items))
        return root

    return ctx.memo("announce", make)


def opinion_answers(i: int) -> dict:
    """What person ``i`` writes on the 意见反馈表 (FEEDBACK_FORM.feedback): a distinct name and opinion each."""
    unit = UNITS[i % len(UNITS)]
    return {
        "反馈人": f"党员{i + 1:04d}",
        "单位或身份": f"{unit['单位名称']}{('教师', '学生', '职工')[i % 3]}党员",
        "联系方式": f"139{i:08d}",
        "意见建议": f"建议{i + 1}：公开内容再细化到各党支部，并在公示栏同步张贴。",
        "反馈日期": OPINION_TODAY,
    }


def opinion_workspace(ctx: Context) -> Path:
    """One approved item, its 意见反馈表 (generate feedback-form), and ``ctx.forms`` copies filled by different
    people (fill_form, in parallel) in inbox/. Untimed."""

    def make():
        import toolkit

        root = ctx.tmp / "pristine-opinions"
        ws = toolkit.init_workspace(root, units=UNITS)
        append_rows(ws.ledger_path, DISCLOSURE_SHEET, disclosure_rows(1))
        with _today(OPINION_TODAY):
            result = toolkit.generate(ws, "feedback-form")
        if len(result.documents) != 1:
            raise RuntimeError(f"{len(result.documents)} feedback forms generated for one approved item")
        form = str(result.documents[0].path)
        _fill_jobs([(form, str(ws.inbox / f"意见反馈表-{i + 1:05d}.docx"), opinion_answers(i)) for i in range(ctx.forms)])
        return root

    return ctx.memo("opinions", make)


# 联系服务群众 (liaison): talk sheets out with PDFs, returned talk sheets, status on a large ledger
MEMBER_SHEET = "班子成员"
TALK_SHEET = "谈心谈话记录"
TALK_OUTDIR = "谈心谈话记录表"  # outbox/ folder of generate talk-sheet
TALK_TODAY = "2026-12-03"  # DANGWU_TODAY of talk-pdf and liaison-status: late in 2026 (status: 红 from 12-01)
TALK_INGEST_TODAY = "2026-12-04"  # DANGWU_TODAY of talk-ingest: the talks (2026-11-20) held within their row's year
FACE_TO_FACE = "☑面对面\u3000□电话\u3000□短信\u3000□邮件\u3000□其他"  # the template's 谈话方式 boxes, 面对面 ticked
MEMBER_POSTS = ("党委委员、副校长", "党委委员、组织部部长", "党委委员、纪委书记", "副校长", "党委副书记")


def member_name(i: int) -> str:
    """A distinct all-Chinese name for member ``i`` (up to 140). Not 班子成员01: LibreOffice's PDF text puts a space
    between Chinese and digits (班子成员 01), and an identity whose 谈话人 has one is not found again (see README)."""
    surnames, given = "王李张刘陈杨黄周徐朱胡郭何高林罗梁宋郑谢", ("明远", "振华", "思源", "德才", "嘉伟", "文博", "志诚")
    return surnames[i % len(surnames)] + given[i // len(surnames)]


def member_rows(n: int, areas: bool = False) -> list[dict]:
    """``n`` 班子成员 (姓名, 职务, 党政正职, 联系点; the first two 党政正职), 联系点 cycling the conftest units;
    with ``areas`` also 分管单位 (the same unit: one 与分管领域负责人 talk each with its 负责人)."""
    rows = []
    for i in range(n):
        unit = UNITS[i % len(UNITS)]["单位名称"]
        post = ("党委书记", "党委副书记、校长")[i] if i < 2 else MEMBER_POSTS[i % len(MEMBER_POSTS)]
        row = {"姓名": member_name(i), "职务": post, "党政正职": "是" if i < 2 else "否", "联系点": unit}
        if areas:
            row["分管单位"] = unit
        rows.append(row)
    return rows


def pair_talks(members: list[dict]) -> list[dict]:
    """Every pair of ``members`` once, in 班子成员 order, as plan_talks writes them (rules.required_talks):
    the 党政正职 talks (正职与班子成员), else the member listed first (班子成员之间)."""
    out = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            chief_a, chief_b = a["党政正职"] == "是", b["党政正职"] == "是"
            who, other = (b, a) if chief_b and not chief_a else (a, b)
            kind = "正职与班子成员" if chief_a or chief_b else "班子成员之间"
            out.append({"谈话人": who["姓名"], "谈话对象": other["姓名"], "谈话对象单位及职务": other["职务"], "谈话类型": kind})
    return out


def planned_talks(n: int) -> tuple[list[dict], list[dict]]:
    """The fewest members whose pairs give ``n`` talks (21 → 210 ≥ 200, 46 → 1,035 ≥ 1,000) and ``n`` of those
    talks as 已安排 rows TH-2026-001 … (计划日期 in November 2026): (members, talk rows)."""
    m = 2
    while m * (m - 1) // 2 < n:
        m += 1
    members = member_rows(m)
    rows = [
        {"谈话编号": f"TH-2026-{i + 1:03d}", "计划日期": dt.date(2026, 11, 2 + i % 25), **talk, "状态": "已安排"}
        for i, talk in enumerate(pair_talks(members)[:n])
    ]
    return members, rows


def talk_workspace(ctx: Context) -> Path:
    """A workspace (init_workspace + the conftest units) with the members and ``ctx.talk_items`` 已安排 talks
    (``planned_talks``), appended with openpyxl. Untimed."""

    def make():
        import toolkit

        root = ctx.tmp / "pristine-talks"
        ws = toolkit.init_workspace(root, units=UNITS)
        members, talks = planned_talks(ctx.talk_items)
        append_rows(ws.ledger_path, MEMBER_SHEET, members)
        append_rows(ws.ledger_path, TALK_SHEET, talks)
        return root

    return ctx.memo("talks", make)


def talk_answers(i: int) -> dict:
    """What the 谈话人 writes on talk sheet ``i`` (TALK_SHEET.feedback): held 2026-11-20, face to face."""
    return {
        "谈话日期": "2026年11月20日",
        "地点": ("党委会议室", "校长办公室", "行政楼二楼会议室")[i % 3],
        "谈话方式": FACE_TO_FACE,
        "谈话主要内容": f"第{i + 1}次谈话：交流班子团结和分管工作思路，谈到年度重点任务推进情况。",
        "对方意见建议": "建议每季度召开一次分管工作交流会。",
        "需协调解决的问题": "实验楼建设追加经费" if i % 2 else "",
        "后续跟进": "下月随访，落实经费安排。",
        "记录人": "刘秘书",
    }


def talk_returned_workspace(ctx: Context) -> Path:
    """``ctx.forms`` 已安排 talks, their sheets (generate talk-sheet, in-process) and each sheet filled by its
    谈话人 (fill_form, in parallel) into inbox/. Untimed."""

    def make():
        import toolkit

        root = ctx.tmp / "pristine-talk-returned"
        ws = toolkit.init_workspace(root, units=UNITS)
        members, talks = planned_talks(ctx.forms)
        append_rows(ws.ledger_path, MEMBER_SHEET, members)
        append_rows(ws.ledger_path, TALK_SHEET, talks)
        with _today(TALK_TODAY):
            result = toolkit.generate(ws, "talk-sheet")
        sheets = sorted(d.path for d in result.documents)
        if len(sheets) != ctx.forms:
            raise RuntimeError(f"{len(sheets)} talk sheets generated for {ctx.forms} planned talks")
        _fill_all(sheets, ws.inbox, talk_answers)
        return root

    return ctx.memo("talk-returned", make)


def liaison_rows(n: int, members: list[dict]) -> list[dict]:
    """``n`` talks of 2026 for ``members`` (with 分管单位), seeded: the required talks first in importance (every
    pair, each member with the 负责人 of the unit in charge), then 与骨干 / 与其他干部群众 talks with
    others, shuffled and numbered TH-2026-0001 …. Required talks 70 % 已记录 (谈话日期 in 2026, 谈话方式
    mostly 面对面), 25 % 已安排, 5 % 已取消; the others 85 % 已记录, else 已安排."""
    import random

    rng = random.Random(5_000)
    heads = {u["单位名称"]: u["负责人"] for u in UNITS}
    required = pair_talks(members)
    required += [
        {
            "谈话人": m["姓名"],
            "谈话对象": heads[m["分管单位"]],
            "谈话对象单位及职务": f"{m['分管单位']}负责人",
            "谈话类型": "与分管领域负责人",
        }
        for m in members
    ]
    talks = [dict(t, required=True) for t in required[:n]]
    for k in range(n - len(talks)):
        who = members[rng.randrange(len(members))]
        unit = UNITS[k % len(UNITS)]["单位名称"]
        kind = ("与骨干", "与其他干部群众")[k % 2]
        talks.append({"谈话人": who["姓名"], "谈话对象": f"教职工{k + 1:04d}", "谈话对象单位及职务": f"{unit}教师", "谈话类型": kind,
                      "required": False})  # fmt: skip
    rng.shuffle(talks)
    rows = []
    for i, talk in enumerate(talks):
        required = talk.pop("required")
        row = {"谈话编号": f"TH-2026-{i + 1:04d}", **talk}
        roll = rng.random()
        if roll < (0.70 if required else 0.85):
            held = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 325))
            way = rng.choices(("面对面", "电话", "短信", ""), (85, 8, 2, 5))[0]
            row.update(谈话日期=held, 地点="党委会议室", 主要内容="交流思想和分管工作。", 状态="已记录", 记录人="刘秘书")
            if way:
                row["谈话方式"] = way
        elif required and roll > 0.95:
            row["状态"] = "已取消"
        else:
            row.update(计划日期=dt.date(2026, 12, 1) + dt.timedelta(days=rng.randint(0, 30)), 状态="已安排")
        rows.append(row)
    return rows


def liaison_workspace(ctx: Context) -> Path:
    """A workspace whose ledger holds ``ctx.liaison_members`` members (with 联系点 and 分管单位) and
    ``ctx.liaison_talks`` talks of 2026 (``liaison_rows``), appended with openpyxl by header; raises when
    ``toolkit.check`` reports an error. Untimed."""

    def make():
        import toolkit

        root = ctx.tmp / "pristine-liaison"
        ws = toolkit.init_workspace(root, units=UNITS)
        members = member_rows(ctx.liaison_members, areas=True)
        append_rows(ws.ledger_path, MEMBER_SHEET, members)
        append_rows(ws.ledger_path, TALK_SHEET, liaison_rows(ctx.liaison_talks, members))
        with _today(TALK_TODAY):
            errors = [p for p in toolkit.check(ws) if p.level == "error"]
        if errors:
            raise RuntimeError(f"generated liaison ledger has {len(errors)} error(s), e.g. {errors[0]}")
        return root

    return ctx.memo("liaison", make)


def soffice_warm_profile(ctx: Context) -> dict:
    """Baseline LibreOffice set-up, shared by both soffice baselines: the program, the toolkit's fonts file and a
    private profile under ctx.tmp, warmed up by one untimed conversion.  Also warms the toolkit's own two
    persistent profiles (slots 0 and 1) once, so neither side pays LibreOffice's first-start cost in a timing."""

    def make():
        import toolkit
        from toolkit.pdf.fonts import fontconfig_file
        from toolkit.pdf.soffice import Soffice, cache_dir, find_soffice

        settings = toolkit.Workspace(pdf_fresh_workspace(ctx)).settings
        scratch = ctx.tmp / "soffice-warm"
        scratch.mkdir(parents=True, exist_ok=True)
        copies = [shutil.copyfile(TEMPLATE, scratch / f"warm{i}.docx") for i in range(2)]
        Soffice(settings.soffice_path, 300).convert_groups([[copies[0]], [copies[1]]], scratch / "toolkit")
        job = {
            "program": find_soffice(settings.soffice_path),
            "fonts": str(fontconfig_file(cache_dir())),
            "profile": (ctx.tmp / "lo-naive-profile").as_uri(),
        }
        t0 = time.perf_counter()
        _naive_soffice(job, [TEMPLATE], scratch / "naive")
        job["warm_up_seconds"] = time.perf_counter() - t0
        shutil.rmtree(scratch, ignore_errors=True)
        return job

    return ctx.memo("soffice-warm", make)


def _naive_soffice(job: dict, files: list[Path], outdir: Path) -> None:
    """The plain command line, ``soffice --headless --convert-to pdf --outdir OUT FILE...``, with the baseline's
    private profile and the toolkit's FONTCONFIG_FILE; raises if any PDF is missing."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [job["program"], "--headless", f"-env:UserInstallation={job['profile']}", "--convert-to", "pdf", "--outdir", str(outdir)]
    env = {**os.environ, "FONTCONFIG_FILE": job["fonts"]}
    proc = subprocess.run([*cmd, *map(str, files)], capture_output=True, env=env, timeout=max(300, 10 * len(files)))
    missing = [f.name for f in files if not (outdir / f"{f.stem}.pdf").exists()]
    if proc.returncode or missing:
        tail = proc.stderr.decode("utf-8", "replace")[-300:]
        raise RuntimeError(f"soffice exit {proc.returncode}, {len(missing)} PDF(s) missing (e.g. {missing[:1]}): {tail}")


LEADERS = ("张副校长", "刘副书记", "陈副校长", "王副校长")
PROGRESS_TEXT = ("已制定工作方案，正在按计划推进。", "已完成阶段性任务，下一步将继续落实。", "正在组织专题研究，近期报送进展。")


def ledger_rows(n: int, today: dt.date) -> list[dict]:
    """``n`` numbered supervision items assigned over the last 540 days, in a realistic mix of states.

    The older an item, the likelier it is 已办结 (up to 92 %); the rest are 已通知, 办理中, 待审核 or
    退回重办 (已立项 only in the last ten days). Open items past their 办理时限 are overdue and carry 1–3
    催办次数, as do items closed late. Every date is on or before ``today`` and no 办理时限 is before its
    交办时间, so ``toolkit.check`` finds no errors. Deterministic (seeded)."""
    import random

    from toolkit.ledger import schema as S

    rng = random.Random(10_000)
    assigned = sorted(today - dt.timedelta(days=rng.randint(1, 540)) for _ in range(n))
    seq: dict[int, int] = {}
    rows = []
    for i, given in enumerate(assigned):
        seq[given.year] = seq.get(given.year, 0) + 1
        shape = ITEMS[i % 3]
        main = UNITS[rng.randrange(len(UNITS))]
        others = [u["单位简称"] for u in UNITS if u is not main]
        due = given + dt.timedelta(days=rng.choice((15, 30, 45, 60, 90, 120)))
        age = (today - given).days
        row = {
            "立项编号": f"DB-{given.year}-{seq[given.year]:04d}",
            "交办时间": given,
            "督办来源": rng.choice(S.SOURCES),
            "督查形式": rng.choice(S.FORMS),
            "督办事项": f"{shape['督办事项']}（第{i + 1}项）",
            "工作要求": shape["工作要求"],
            "主办单位": main["单位名称"] if rng.random() < 0.7 else main["单位简称"],
            "协办单位": "、".join(rng.sample(others, rng.choice((0, 0, 1, 2)))),
            "分管校领导": rng.choice(LEADERS),
            "办理时限": due,
        }
        if rng.random() < min(0.92, age / 150):
            state = "已办结"
        elif age < 10 and rng.random() < 0.3:
            state = "已立项"
        else:
            state = rng.choices(("已通知", "办理中", "待审核", "退回重办"), (25, 50, 15, 10))[0]
        row["状态"] = state
        if state == "已立项":
            rows.append(row)
            continue
        notified = min(given + dt.timedelta(days=rng.randint(0, 3)), today)
        row["通知日期"] = notified
        if state != "已通知":
            feedback = min(notified + dt.timedelta(days=rng.randint(3, 40)), today)
            row.update(最近反馈日期=feedback, 办理情况=rng.choice(PROGRESS_TEXT), 承办人=main["联系人"], 联系电话=main["联系电话"])
        done = None
        if state in ("待审核", "已办结"):
            done = min(notified + dt.timedelta(days=rng.randint(5, (due - given).days + 30)), today)
            row.update(完成日期=done, 办理情况="已按要求完成，形成书面材料报送。")
        if state == "已办结":
            row.update(办结日期=min(done + dt.timedelta(days=rng.randint(0, 7)), today), 审核意见="同意办结")
        elif state == "退回重办":
            row["审核意见"] = "材料不完整，请补充佐证材料后重新报送。"
        late = (done or today) > due
        if late and rng.random() < 0.8:
            row["催办次数"] = rng.randint(1, 3)
        rows.append(row)
    return rows


def ledger_workspace(ctx: Context) -> Path:
    """A workspace whose ledger holds ``ctx.ledger_items`` items (``ledger_rows``), appended with openpyxl by
    header; raises when ``toolkit.check`` reports an error. Untimed."""

    def make():
        import toolkit
        from toolkit.dates import today
        from toolkit.ledger import schema as S

        root = ctx.tmp / "pristine-ledger"
        ws = toolkit.init_workspace(root, units=UNITS)
        append_rows(ws.ledger_path, S.SUPERVISION.name, ledger_rows(ctx.ledger_items, today()))
        errors = [p for p in toolkit.check(ws) if p.level == "error"]
        if errors:
            raise RuntimeError(f"generated ledger has {len(errors)} error(s), e.g. {errors[0]}")
        return root

    return ctx.memo("ledger", make)


def archive_answers(finished: bool) -> Callable[[int], dict]:
    """The 主办 unit's answers: a progress report (办理中) first, then the final report (已办结, done yesterday)."""
    from toolkit.dates import today

    done = (today() - dt.timedelta(days=1)).isoformat()

    def answers(i: int) -> dict:
        return {
            "办理情况": f"第{i + 1}项已全部完成。\n已形成书面材料并报送。" if finished else f"第{i + 1}项正在推进，已完成方案制定。",
            "办理状态": "☑已办结 □办理中" if finished else "□已办结 ☑办理中",
            "完成日期": done if finished else "",
            "承办人": "李敏",
            "联系电话": "0571-86000001",
            "单位负责人": "王建国",
        }

    return answers


def archive_workspace(ctx: Context) -> tuple[Path, dict]:
    """A year of ``ctx.archive_items`` closed items, ready to archive: generate notice; each 主办 notice filled
    twice (办理中, then 已办结) and ingested after each round; every item accepted with toolkit.review.
    Each item then has a notice, a progress report and a final report on file (the archive adds the review
    record). Untimed; returns the workspace and the set-up timings."""

    def make():
        import toolkit
        from toolkit.ledger import schema as S
        from toolkit.review import review_many

        root = ctx.tmp / "pristine-archive"
        ws = toolkit.init_workspace(root, units=UNITS)
        append_rows(ws.ledger_path, S.SUPERVISION.name, item_rows(ctx.archive_items))
        took: dict[str, float] = {}
        t0 = time.perf_counter()
        toolkit.generate(ws, "notice")
        took["generate"] = time.perf_counter() - t0
        notices = sorted((ws.outbox / "督查督办通知单").glob("*_主办_*.docx"))
        if len(notices) != ctx.archive_items:
            raise RuntimeError(f"{len(notices)} 主办 notices generated for {ctx.archive_items} items")
        for round_, finished in (("progress", False), ("final", True)):
            t0 = time.perf_counter()
            _fill_all(notices, ws.inbox, archive_answers(finished))
            outcomes = toolkit.ingest(ws)
            took[f"fill+ingest {round_}"] = time.perf_counter() - t0
            bad = [o for o in outcomes if o.result != "已更新"]
            if bad or len(outcomes) != len(notices):
                raise RuntimeError(f"ingest ({round_}): {len(bad)} of {len(outcomes)} not applied, e.g. {bad[0].message if bad else ''}")
        t0 = time.perf_counter()
        review_many(ws, [notice.name.split("_", 1)[0] for notice in notices], accept=True)
        took[f"review ×{len(notices)}"] = time.perf_counter() - t0
        return root, took

    return ctx.memo("archive", make)


def archive_baseline_files(root: Path, dest: Path) -> list[Path]:
    """Copies, in one folder, of every .docx archive converts: the 主办 notices, the replies in processed/ and
    one review record per closed item (toolkit.archive.documents.record_sheet, from the ledger's values)."""
    import toolkit
    from toolkit.archive.documents import record_sheet
    from toolkit.ledger import schema as S
    from toolkit.ledger.workbook import Ledger

    ws = toolkit.Workspace(root)
    dest.mkdir(parents=True)
    sources = sorted((ws.outbox / "督查督办通知单").glob("*_主办_*.docx")) + sorted(ws.processed.glob("*.docx"))
    files = [Path(shutil.copyfile(src, dest / f"p{i:05d}.docx")) for i, src in enumerate(sources)]
    fields = ("立项编号", "督办事项", "主办单位", "协办单位", "办理时限", "完成日期", "办理情况", "审核意见", "办结日期")
    rows = Ledger.load(ws.ledger_path).sheet(S.SUPERVISION.name).rows()
    for i, row in enumerate(r for r in rows if r.text("状态") == "已办结"):
        path = dest / f"r{i:05d}.docx"
        record_sheet(path, "督查督办事项办结审核单", {f: row.text(f) or "无" for f in fields}, ws.settings.office)
        files.append(path)
    return files


# ----------------------------------------------------------------------------------------------
# Child-side phases


@phase("generate")
def phase_generate(args) -> dict:
    """toolkit.generate(ws, "notice") end to end; its documents' values (GenerateResult.contexts) feed the write-only loops."""
    import importlib

    import toolkit
    from toolkit.forms.identity import Identity
    from toolkit.forms.kinds import KINDS as _KINDS

    gen_mod = importlib.import_module("toolkit.generate")  # toolkit.generate is the function; we need the module
    ws = toolkit.Workspace(args.dir)
    t0 = time.perf_counter()
    result = toolkit.generate(ws, "notice")
    seconds = time.perf_counter() - t0
    calls = [
        (None, d.path, values, _KINDS["notice"], Identity.parse(d.identity), ws.settings.org_name)
        for d, values in zip(result.documents, result.contexts)
    ]
    rss = maxrss_mb()  # peak of the generate run itself, before the extra loops below
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    writers = f"{os.cpu_count()} processes" if len(result.documents) >= gen_mod.PROCESSES_FROM and (os.cpu_count() or 1) > 1 else "threads"
    out = {"seconds": seconds, "documents": len(result.documents), "maxrss_mb": rss, "children_rss_mb": children, "writers": writers}
    if args.profile_to:
        return out

    # Document writing alone, one process: a CompiledTemplate and write_document (a writer process's
    # per-document work) on the same values, best of 3.
    from toolkit.forms.kinds import KINDS

    t0 = time.perf_counter()
    template = gen_mod.compile_kind(ws, KINDS["notice"])
    out["compile_seconds"] = time.perf_counter() - t0
    scratch = Path(args.dir) / "write-only"
    cores = [gen_mod._core(kind, ident, author) for _t, _p, _v, kind, ident, author in calls]
    best = None
    for _ in range(3):
        shutil.rmtree(scratch, ignore_errors=True)
        os.sync()  # earlier loops' writes flushed, untimed
        t0 = time.perf_counter()
        for (_tpl, path, values, _kind, ident, _author), core in zip(calls, cores):
            gen_mod.write_document(template, scratch / path.name, values, core, str(ident))
        took = time.perf_counter() - t0
        best = took if best is None else min(best, took)
    out["write_only_seconds"] = best
    out.update(_split_write(template, calls, scratch))
    # Contexts for the naive baseline, exactly what dangwu rendered (识别码 included).
    n = int(args.n or 100)
    contexts = [{k: str(v) for k, v in c[2].items()} for c in calls[:n]]
    (Path(args.dir) / "contexts.json").write_text(json.dumps(contexts, ensure_ascii=False), encoding="utf-8")
    return out


def _split_write(template, calls: list[tuple], scratch: Path) -> dict:
    """Where write_document's time goes: rendering + zipping in memory vs. the file-system work alone."""
    from toolkit.forms.identity import PROPERTY
    from toolkit.forms.template import docx_text

    out = {}
    try:  # uses toolkit internals (CompiledTemplate.write): skip quietly if they change
        best = None
        for _ in range(3):
            t0 = time.perf_counter()
            for _tpl, _path, values, kind, ident, author in calls:
                context = {k: docx_text(v) for k, v in values.items()}
                template.write(
                    io.BytesIO(), context, {"title": kind.title, "creator": author, "keywords": str(ident)}, {PROPERTY: str(ident)}
                )
            took = time.perf_counter() - t0
            best = took if best is None else min(best, took)
        out["render_seconds"] = best
    except Exception as exc:
        out["render_error"] = f"{type(exc).__name__}: {exc}"
    # File-system floor: the same number of files of the same size, written the way write_document does
    # (.name.tmp in the target folder, write, os.replace), with no rendering at all.
    sample = next(scratch.glob("*.docx")).read_bytes()
    floor = scratch.parent / "fs-floor"
    best = None
    for _ in range(3):
        shutil.rmtree(floor, ignore_errors=True)
        floor.mkdir()
        os.sync()  # earlier loops' writes flushed, untimed
        t0 = time.perf_counter()
        for _tpl, path, *_ in calls:
            tmp = floor / f".{path.name}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(sample)
            os.replace(tmp, floor / path.name)
        took = time.perf_counter() - t0
        best = took if best is None else min(best, took)
    out["fs_floor_seconds"] = best
    shutil.rmtree(floor, ignore_errors=True)
    return out


@phase("naive-generate")
def phase_naive_generate(args) -> dict:
    """Baseline: per document DocxTemplate(path), render(context, autoescape=True), save."""
    from docxtpl import DocxTemplate

    contexts = json.loads((Path(args.dir) / "contexts.json").read_text(encoding="utf-8"))
    out = Path(args.dir) / "naive"
    out.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for i, context in enumerate(contexts):
        tpl = DocxTemplate(str(TEMPLATE))
        tpl.render(context, autoescape=True)
        tpl.save(str(out / f"{i:05d}.docx"))
    return {"seconds": time.perf_counter() - t0, "documents": len(contexts)}


def _ingest_and_read(args, suffix: str, read) -> dict:
    """toolkit.ingest(ws) on the ``suffix`` files in inbox/; then ``read(path)`` alone on the same files, best of 3."""
    import collections

    import toolkit
    from toolkit.intake import pipeline
    from toolkit.ledger.workbook import Ledger

    ws = toolkit.Workspace(args.dir)
    files = sum(1 for p in ws.inbox.iterdir() if p.suffix == suffix)
    spent: dict[str, float] = {}
    stages = [(pipeline, "finish_pending"), (pipeline, "open_valid_ledger"), (pipeline, "_apply_all"), (pipeline, "_apply_one")]
    stages += [(Ledger, "serialise"), (pipeline, "_plan"), (pipeline, "_write_pending"), (Ledger, "save"), (pipeline, "_carry_out")]
    undo = [_timed_attr(owner, name, spent, name.strip("_")) for owner, name in stages]
    t0 = time.perf_counter()
    outcomes = toolkit.ingest(ws)
    seconds = time.perf_counter() - t0
    for u in undo:
        u()
    results = collections.Counter(o.result for o in outcomes)
    sample = next((o.message for o in outcomes if o.result in ("退回", "重复")), "")
    out = {"seconds": seconds, "forms": files, "results": dict(results), "rejected_example": sample, "maxrss_mb": maxrss_mb()}
    out["split"] = spent
    if args.profile_to:
        return out
    moved = sorted(p for p in (*ws.processed.glob("*" + suffix), *ws.rejected.glob("*" + suffix)))
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        for p in moved:
            read(p)
        took = time.perf_counter() - t0
        best = took if best is None else min(best, took)
    out.update(read_seconds=best, read_forms=len(moved))
    return out


@phase("ingest")
def phase_ingest(args) -> dict:
    """toolkit.ingest(ws) on the filled forms in inbox/; then read_docx + identity() alone (the naive baseline's work)."""
    from toolkit.intake.docx_reader import read_docx
    from toolkit.intake.pipeline import ALL_LABELS

    return _ingest_and_read(args, ".docx", lambda p: read_docx(p, ALL_LABELS).identity())


@phase("naive-read")
def phase_naive_read(args) -> dict:
    """Baseline: python-docx Document(path) and every table cell's text, for each file."""
    import docx

    files = sorted(Path(args.dir).glob("*.docx"))
    t0 = time.perf_counter()
    chars = 0
    for p in files:
        document = docx.Document(str(p))
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    chars += len(cell.text)
    return {"seconds": time.perf_counter() - t0, "forms": len(files), "chars": chars}


def _timed_attr(owner, name: str, spent: dict, key: str) -> Callable[[], None]:
    """Wrap ``owner.name`` so its wall time adds up in ``spent[key]``; returns the undo. A missing attribute
    (toolkit internals moved) is skipped quietly: the split is then just not reported."""
    original = getattr(owner, name, None)
    if original is None:
        return lambda: None

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            spent[key] = spent.get(key, 0.0) + time.perf_counter() - t0

    setattr(owner, name, timed)
    return lambda: setattr(owner, name, original)


def _pdf_pages(paths) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for p in paths:
        doc = pdfium.PdfDocument(str(p))
        pages += len(doc)
        doc.close()
    return pages


@phase("pdf")
def phase_pdf(args) -> dict:
    """toolkit.generate(ws, "notice", pdf=True) end to end; then toolkit.pdf.render.make_pdfs alone on the
    documents' contexts (GenerateResult.contexts, escaped as generate does: the same PdfJobs), into a separate folder."""
    import importlib

    import toolkit
    from toolkit.forms.kinds import KINDS
    from toolkit.forms.template import docx_text
    from toolkit.pdf import render

    gen_mod = importlib.import_module("toolkit.generate")  # toolkit.generate is the function; we need the module
    spent: dict[str, float] = {}
    undo = [
        _timed_attr(gen_mod, "make_pdfs", spent, "pdf_stage"),
        _timed_attr(render.Soffice, "convert_groups", spent, "soffice"),
        _timed_attr(render, "split_by_identity", spent, "split"),
    ]
    ws = toolkit.Workspace(args.dir)
    t0 = time.perf_counter()
    result = toolkit.generate(ws, "notice", pdf=True)
    seconds = time.perf_counter() - t0
    contexts = [{k: docx_text(v) for k, v in values.items()} for values in result.contexts]  # as generate renders them
    pdf = result.pdf
    out = {
        "seconds": seconds,
        "documents": len(result.documents),
        "pdfs": len(pdf.written) if pdf else 0,
        "missing": len(pdf.missing) if pdf else len(result.documents),
        "error": str(pdf.error) if pdf and pdf.error else "",
        "split": dict(spent),
        "maxrss_mb": maxrss_mb(),
        "soffice_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN),
    }
    out["pages"] = _pdf_pages(pdf.written) if pdf else 0
    if args.profile_to:
        for u in undo:
            u()
        return out

    # The PDF stage alone: make_pdfs(template, jobs, settings) as generate calls it, on the same contexts.
    template = gen_mod.compile_kind(ws, KINDS["notice"])
    outdir = Path(args.dir) / "pdf-only"
    jobs = [render.PdfJob(c, d.identity, outdir / d.path.with_suffix(".pdf").name) for c, d in zip(contexts, result.documents)]
    spent.clear()
    try:
        t0 = time.perf_counter()
        stage = render.make_pdfs(template, jobs, ws.settings)
        out["stage_seconds"] = time.perf_counter() - t0
    finally:
        for u in undo:
            u()
    out.update(
        stage_jobs=len(jobs),
        stage_pdfs=len(stage.written),
        stage_error=str(stage.error) if stage.error else "",
        stage_split=dict(spent),
    )
    return out


def _soffice_job(directory: Path) -> tuple[dict, list[Path]]:
    job = json.loads((directory / "soffice.json").read_text(encoding="utf-8"))
    return job, [Path(f) for f in job["files"]]


@phase("naive-soffice-each")
def phase_naive_soffice_each(args) -> dict:
    """Baseline (a): one ``soffice --headless --convert-to pdf`` process per file, for the first ``--n`` files."""
    job, files = _soffice_job(Path(args.dir))
    files = files[: int(args.n or 20)]
    outdir = Path(tempfile.mkdtemp(prefix="each-", dir=args.dir))
    t0 = time.perf_counter()
    for f in files:
        _naive_soffice(job, [f], outdir)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "files": len(files), "soffice_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN)}


@phase("naive-soffice-batch")
def phase_naive_soffice_batch(args) -> dict:
    """Baseline (b): one ``soffice --headless --convert-to pdf`` process for all the files — or, above
    ``SOFFICE_MAX_FILES``, as few consecutive ones as LibreOffice's launcher allows."""
    job, files = _soffice_job(Path(args.dir))
    outdir = Path(tempfile.mkdtemp(prefix="batch-", dir=args.dir))
    chunks = [files[i : i + SOFFICE_MAX_FILES] for i in range(0, len(files), SOFFICE_MAX_FILES)]
    t0 = time.perf_counter()
    for chunk in chunks:
        _naive_soffice(job, chunk, outdir)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "files": len(files), "calls": len(chunks), "soffice_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN)}


@phase("pdf-ingest")
def phase_pdf_ingest(args) -> dict:
    """toolkit.ingest(ws) on the returned PDFs in inbox/; then read_pdf + identity() alone, one process."""
    from toolkit.intake.pdf_reader import read_pdf
    from toolkit.intake.pipeline import ALL_LABELS

    return _ingest_and_read(args, ".pdf", lambda p: read_pdf(p, ALL_LABELS).identity())


@phase("naive-pdfplumber")
def phase_naive_pdfplumber(args) -> dict:
    """Baseline: pdfplumber.open each PDF, and for every page extract_tables() and extract_text()."""
    import pdfplumber

    files = sorted(Path(args.dir).glob("*.pdf"))
    t0 = time.perf_counter()
    chars = 0
    for p in files:
        with pdfplumber.open(str(p)) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables():
                    chars += sum(len(c or "") for row in table for c in row)
                chars += len(page.extract_text() or "")
    return {"seconds": time.perf_counter() - t0, "forms": len(files), "chars": chars}


def _generate_with_pdfs(args, command: str, today: str) -> dict:
    """toolkit.generate(ws, command, pdf=True) end to end, as of DANGWU_TODAY=today, with its PDF stage timed apart."""
    import importlib

    import toolkit
    from toolkit.pdf import render

    os.environ["DANGWU_TODAY"] = today
    gen_mod = importlib.import_module("toolkit.generate")  # toolkit.generate is the function; we need the module
    spent: dict[str, float] = {}
    undo = [
        _timed_attr(gen_mod, "make_pdfs", spent, "pdf_stage"),
        _timed_attr(render.Soffice, "convert_groups", spent, "soffice"),
        _timed_attr(render, "split_by_marks", spent, "split"),
        _timed_attr(render, "split_by_identity", spent, "split"),
    ]
    ws = toolkit.Workspace(args.dir)
    try:
        t0 = time.perf_counter()
        result = toolkit.generate(ws, command, pdf=True)
        seconds = time.perf_counter() - t0
    finally:
        for u in undo:
            u()
    pdf = result.pdf
    return {
        "seconds": seconds,
        "documents": len(result.documents),
        "skipped": len(result.skipped),
        "pdfs": len(pdf.written) if pdf else 0,
        "missing": len(pdf.missing) if pdf else len(result.documents),
        "error": str(pdf.error) if pdf and pdf.error else "",
        "pages": _pdf_pages(pdf.written) if pdf else 0,
        "docx": [str(d.path) for d in result.documents],
        "split": dict(spent),
        "maxrss_mb": maxrss_mb(),
        "soffice_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN),
    }


@phase("announce-pdf")
def phase_announce_pdf(args) -> dict:
    """toolkit.generate(ws, "announcement", pdf=True) end to end, as of DANGWU_TODAY=ANNOUNCE_TODAY."""
    return _generate_with_pdfs(args, "announcement", ANNOUNCE_TODAY)


@phase("opinion-ingest")
def phase_opinion_ingest(args) -> dict:
    """toolkit.ingest(ws) on the filled 意见反馈表 in inbox/ (as of OPINION_TODAY); then read_docx + identity() alone.
    Also counts the rows of 公开意见反馈 afterwards (untimed): each opinion must be a new row."""
    import toolkit
    from toolkit.intake.docx_reader import read_docx
    from toolkit.intake.pipeline import ALL_LABELS
    from toolkit.ledger.workbook import Ledger

    os.environ["DANGWU_TODAY"] = OPINION_TODAY
    out = _ingest_and_read(args, ".docx", lambda p: read_docx(p, ALL_LABELS).identity())
    ledger = Ledger.load(toolkit.Workspace(args.dir).ledger_path)
    out["rows"] = len([r for r in ledger.sheet(OPINION_SHEET).rows() if r.text("反馈人")])
    return out


@phase("talk-pdf")
def phase_talk_pdf(args) -> dict:
    """toolkit.generate(ws, "talk-sheet", pdf=True) end to end, as of DANGWU_TODAY=TALK_TODAY."""
    return _generate_with_pdfs(args, "talk-sheet", TALK_TODAY)


@phase("talk-ingest")
def phase_talk_ingest(args) -> dict:
    """toolkit.ingest(ws) on the filled 谈心谈话记录表 in inbox/ (as of TALK_INGEST_TODAY); then read_docx + identity()
    alone. Also counts the 已记录 rows of 谈心谈话记录 afterwards (untimed): each returned sheet must record its talk."""
    import toolkit
    from toolkit.intake.docx_reader import read_docx
    from toolkit.intake.pipeline import ALL_LABELS
    from toolkit.ledger.workbook import Ledger

    os.environ["DANGWU_TODAY"] = TALK_INGEST_TODAY
    out = _ingest_and_read(args, ".docx", lambda p: read_docx(p, ALL_LABELS).identity())
    ledger = Ledger.load(toolkit.Workspace(args.dir).ledger_path)
    out["rows"] = len([r for r in ledger.sheet(TALK_SHEET).rows() if r.text("状态") == "已记录"])
    return out


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@phase("status")
def phase_status(args) -> dict:
    """toolkit.status(ws, "督查督办") once (the register the bench ledger fills) (it writes the 预警 column when a warning changed); reports whether the ledger was rewritten."""
    import collections

    import toolkit

    ws = toolkit.Workspace(args.dir)
    before = _digest(ws.ledger_path)
    t0 = time.perf_counter()
    st = toolkit.status(ws, "督查督办")
    seconds = time.perf_counter() - t0
    colours = collections.Counter(i.colour or "无时限" for i in st.open_items)
    return {
        "seconds": seconds,
        "items": st.total,
        "open": len(st.open_items),
        "counts": st.counts,
        "colours": dict(colours),
        "ledger_note": st.ledger_note,
        "written": _digest(ws.ledger_path) != before,
        "maxrss_mb": maxrss_mb(),
    }


@phase("report")
def phase_report(args) -> dict:
    """toolkit.reports.supervision.report(ws, YEAR): the statistics workbook and the .docx report."""
    import toolkit
    from toolkit.reports.supervision import report

    ws = toolkit.Workspace(args.dir)
    year = int(args.n)
    t0 = time.perf_counter()
    fig, xlsx, docx = report(ws, year)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "year": year, "items": fig.items, "closed": fig.closed, "on_time": fig.on_time, "overdue": fig.overdue,
            "units": len(fig.units), "files": [xlsx.name, docx.name], "maxrss_mb": maxrss_mb()}  # fmt: skip


@phase("naive-load")
def phase_naive_load(args) -> dict:
    """Baseline: openpyxl.load_workbook(path) of the ledger, nothing else (``--dir`` is the .xlsx)."""
    import openpyxl

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(args.dir)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "cells": sum(len(ws._cells) for ws in wb.worksheets), "maxrss_mb": maxrss_mb()}


@phase("liaison-status")
def phase_liaison_status(args) -> dict:
    """toolkit.status(ws, "联系服务群众") once, as of DANGWU_TODAY=TALK_TODAY (it rewrites the sheet 谈心谈话覆盖 when
    anything in it changed); reports whether the ledger was rewritten."""
    import toolkit

    os.environ["DANGWU_TODAY"] = TALK_TODAY
    ws = toolkit.Workspace(args.dir)
    before = _digest(ws.ledger_path)
    t0 = time.perf_counter()
    st = toolkit.status(ws, "联系服务群众")
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "year": st.year,
        "members": len(st.members),
        "talks": sum(m.talks for m in st.members),
        "required": st.required,
        "held": st.held,
        "not_face": st.not_face,
        "scheduled": st.scheduled,
        "missing": st.missing,
        "level": st.level,
        "ledger_note": st.ledger_note,
        "written": _digest(ws.ledger_path) != before,
        "maxrss_mb": maxrss_mb(),
    }


def _tree_digest(root: Path) -> dict[str, str]:
    # .backup/ and the workspace lock file (rewritten by every command that takes it) are not the archive's
    return {
        p.relative_to(root).as_posix(): _digest(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".backup" not in p.parts and p.name != ".dangwu.lock"
    }


@phase("archive")
def phase_archive(args) -> dict:
    """toolkit.archive.build.archive(ws, YEAR); the note splits its time by stage (module functions wrapped)."""
    import importlib

    import toolkit
    import toolkit.registers
    from toolkit.ledger.workbook import Ledger
    from toolkit.pdf.soffice import Soffice

    build = importlib.import_module("toolkit.archive.build")
    spent: dict[str, float] = {}
    converted = [0]
    original_groups = Soffice.convert_groups

    def counting_groups(self, groups, *a, **k):
        converted[0] += sum(len(g) for g in groups)
        return original_groups(self, groups, *a, **k)

    Soffice.convert_groups = counting_groups
    undo = [lambda: setattr(Soffice, "convert_groups", original_groups)]
    undo += [_timed_attr(build, name, spent, name.strip("_")) for name in (
        "open_valid_ledger", "_signature", "_to_pdf", "_assemble", "_front_matter", "_binder",
        "write_manifest", "write_zip_of",
    )]  # fmt: skip
    spec = type(toolkit.registers.get("督查督办").archive)  # the register's part: finding papers, records drawn up
    undo += [_timed_attr(spec, "gather", spent, "find_replies"), _timed_attr(spec, "made_papers", spent, "review_record")]
    undo += [_timed_attr(Ledger, "save", spent, "ledger_save")]
    ws = toolkit.Workspace(args.dir)
    before = _tree_digest(ws.root) if not args.profile_to else {}
    year = int(args.n)
    try:
        t0 = time.perf_counter()
        result = build.archive(ws, year)
        seconds = time.perf_counter() - t0
    finally:
        for u in undo:
            u()
    out = {
        "seconds": seconds,
        "pieces": len(result.entries),
        "pages": sum(e.pages for e in result.entries),
        "unchanged": result.unchanged,
        "flagged": len(result.flagged),
        "not_closed": len(result.not_closed),
        "converted": converted[0],
        "split": spent,
        "maxrss_mb": maxrss_mb(),
        "soffice_rss_mb": maxrss_mb(resource.RUSAGE_CHILDREN),
    }
    if before:
        after = _tree_digest(ws.root)
        out["files_changed"] = sum(1 for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return out


# ----------------------------------------------------------------------------------------------
# Benchmarks (parent side)


def profiled(ctx: Context, name: str, directory: Path, **options) -> None:
    """With --profile: one extra run of the phase under cProfile (not used for the figures)."""
    if not ctx.profile:
        return
    stats = ctx.tmp / f"{name}.prof"
    run_phase(name, directory, profile_to=stats, **options)
    ctx.profiles[name] = stats


@benchmark("generate", "生成督查督办通知单 / notice generation")
def bench_generate(ctx: Context) -> list[Row]:
    fresh = fresh_workspace(ctx)
    rss: list[float] = []

    def one_run() -> dict:
        d = ctx.fresh_dir("generate")
        shutil.copytree(fresh, d)
        r = run_phase("generate", d, n=ctx.naive_docs)
        rss.append(r["maxrss_mb"])
        r["dir"] = str(d)
        return r

    runs = ctx.repeat_runs(one_run)
    best = runs[0]
    docs = best["documents"]
    write_only = min(r["write_only_seconds"] for r in runs)

    split = ""
    fs = min(r["fs_floor_seconds"] for r in runs)
    if all("render_seconds" in r for r in runs):
        render = min(r["render_seconds"] for r in runs)
        split = f"; render+zip in memory alone {docs / render:,.0f} docs/s"
    naive_dir = Path(best["dir"])
    naive_runs = ctx.repeat_runs(lambda: run_phase("naive-generate", naive_dir))
    naive = naive_runs[0]
    naive_rate = naive["documents"] / naive["seconds"]
    ctx.details["generate"] = {"items": ctx.items, "runs": runs, "naive_runs": naive_runs}
    for r in runs[1:]:
        shutil.rmtree(r["dir"], ignore_errors=True)
    profiled(ctx, "generate", _copy(fresh, ctx.fresh_dir("generate-profile")))

    label = f"naive docxtpl ×{naive['documents']}"
    rate_targets = [Target("value", ">=", 1000), Target("ratio", ">=", 15)]
    return [
        Row(
            f"生成 generate：{ctx.items:,} 项 → {docs:,} 份（端到端）",
            "docs/s",
            docs / best["seconds"],
            naive_rate,
            label,
            rate_targets,
            note=f"best {best['seconds']:.2f}s of {len(runs)}; documents written by {best.get('writers', '?')} (largest writer process {best.get('children_rss_mb', 0):.0f} MB)",
        ),
        Row(
            "  其中仅写文档 write_document only",
            "docs/s",
            docs / write_only,
            naive_rate,
            label,
            rate_targets,
            note=f"CompiledTemplate + write_document, {docs:,} docs in {write_only:.2f}s (compile {best['compile_seconds'] * 1000:.0f} ms){split}",
        ),
        Row(
            "  文件系统下限 fs floor: create+write+rename",
            "files/s",
            docs / fs,
            note=f"{docs:,} files of one notice's size written like write_document (.name.tmp, write, os.replace), no rendering;"
            " this disk's speed, an upper bound for any generator here",
        ),
        Row(
            "  生成峰值内存 generate max RSS",
            "MB",
            max(rss),
            naive.get("maxrss_mb"),
            "naive docxtpl process",
            [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs",
        ),
    ]


def _ingest_split(run: dict) -> str:
    """Where an ingest run's time went (main process; reading runs in the pool meanwhile, and here when it would wait)."""
    sp = run.get("split") or {}
    if not sp:
        return ""
    parts = {
        "load+check ledger": sp.get("open_valid_ledger", 0.0),
        "apply": sp.get("apply_one", 0.0),
        "reads not ready (waiting, or reading here)": sp.get("apply_all", 0.0) - sp.get("apply_one", 0.0),
        "serialise": sp.get("serialise", 0.0),
        "plan+intent": sp.get("plan", 0.0) + sp.get("write_pending", 0.0),
        "save (fsync, backup, rename)": sp.get("save", 0.0),
        "file moves": sp.get("carry_out", 0.0),
        "finish killed run": sp.get("finish_pending", 0.0),
    }
    parts["other (listing, pool start)"] = run["seconds"] - sum(parts.values())
    return "time: " + ", ".join(f"{k} {v:.2f}s" for k, v in parts.items() if v >= 0.005)


@benchmark("ingest", "回收表单 / ingest returned forms")
def bench_ingest(ctx: Context) -> list[Row]:
    returned = returned_workspace(ctx)
    inbox = returned / "inbox"
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(returned, ctx.fresh_dir("ingest"))
        r = run_phase("ingest", d)
        shutil.rmtree(d, ignore_errors=True)
        rss.append(r["maxrss_mb"])
        return r

    runs, naive_runs = ctx.repeat_pair(one_run, lambda: run_phase("naive-read", inbox))
    best, naive = runs[0], naive_runs[0]
    ctx.details["ingest"] = {"forms": ctx.forms, "runs": runs, "naive_runs": naive_runs}
    profiled(ctx, "ingest", _copy(returned, ctx.fresh_dir("ingest-profile")))

    forms = best["forms"]
    applied = sum(best["results"].get(r, 0) for r in ("已更新", "已登记", "无变化"))
    note = f"best {best['seconds']:.2f}s of {len(runs)}; results {best['results']}; {_ingest_split(best)}"
    if applied != forms:
        note += f" — NOT ALL APPLIED, e.g. {best['rejected_example'][:80]}"
    label = f"naive python-docx ×{naive['forms']}"
    return [
        Row(
            f"回收 ingest：{forms:,} 份表单",
            "forms/s",
            forms / best["seconds"],
            naive["forms"] / naive["seconds"],
            label,
            [Target("value", ">=", 500), Target("ratio", ">=", 3.5)],
            note=note,
        ),
        Row(
            "  其中仅读取 read_docx only",
            "forms/s",
            best["read_forms"] / min(r["read_seconds"] for r in runs),
            naive["forms"] / naive["seconds"],
            label,
            note="toolkit.intake.docx_reader.read_docx + identity() on the same files, no ledger",
        ),
        Row(
            "  回收峰值内存 ingest max RSS",
            "MB",
            max(rss),
            naive.get("maxrss_mb"),
            "naive python-docx process",
            [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs",
        ),
    ]


@benchmark("pdf", "批量 PDF / print-ready PDFs")
def bench_pdf(ctx: Context) -> list[Row]:
    fresh = pdf_fresh_workspace(ctx)
    lo = soffice_warm_profile(ctx)  # warms the baseline's private profile and the toolkit's two profiles, untimed
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(fresh, ctx.fresh_dir("pdf"))
        r = run_phase("pdf", d)
        rss.append(r["maxrss_mb"])
        r["dir"] = str(d)
        return r

    runs = ctx.repeat_runs(one_run)
    best = runs[0]
    docs = best["documents"]
    stage = min(runs, key=lambda r: r["stage_seconds"])

    # Both baselines convert the very .docx files the best dangwu run generated.
    docx = sorted((Path(best["dir"]) / "outbox" / "督查督办通知单").glob("*.docx"))
    bdir = ctx.fresh_dir("soffice-baseline")
    bdir.mkdir(parents=True)
    (bdir / "soffice.json").write_text(json.dumps({**lo, "files": [str(f) for f in docx]}, ensure_ascii=False), encoding="utf-8")
    each_runs = ctx.repeat_runs(lambda: run_phase("naive-soffice-each", bdir, n=min(ctx.soffice_each, len(docx))))
    batch_runs = ctx.repeat_runs(lambda: run_phase("naive-soffice-batch", bdir))
    each, batch = each_runs[0], batch_runs[0]
    each_rate, batch_rate = each["files"] / each["seconds"], batch["files"] / batch["seconds"]
    ctx.details["pdf"] = {"items": ctx.pdf_items, "runs": runs, "soffice": lo, "each_runs": each_runs, "batch_runs": batch_runs}
    for r in runs[1:]:
        shutil.rmtree(r["dir"], ignore_errors=True)
    shutil.rmtree(bdir, ignore_errors=True)
    profiled(ctx, "pdf", _copy(fresh, ctx.fresh_dir("pdf-profile")))

    sp = best.get("split", {})
    note = f"best {best['seconds']:.2f}s of {len(runs)}; {best['pdfs']:,} PDFs, {best['pages']:,} pages"
    if "pdf_stage" in sp:
        note += f"; .docx part {best['seconds'] - sp['pdf_stage']:.2f}s, PDF stage {sp['pdf_stage']:.2f}s"
    if best["missing"] or best["error"]:
        note += f" — {best['missing']} PDF(s) MISSING: {best['error'][:80]}"
    ssp = stage.get("stage_split", {})
    stage_note = f"make_pdfs(template, jobs, settings) alone, {stage['stage_jobs']:,} jobs in {stage['stage_seconds']:.2f}s"
    if "soffice" in ssp and "split" in ssp:
        rest = stage["stage_seconds"] - ssp["soffice"] - ssp["split"]
        stage_note += f": merge + write batch .docx {rest:.2f}s, LibreOffice {ssp['soffice']:.2f}s, split by identity {ssp['split']:.2f}s"
    if stage["stage_pdfs"] != stage["stage_jobs"] or stage["stage_error"]:
        stage_note += f" — {stage['stage_jobs'] - stage['stage_pdfs']} MISSING: {stage['stage_error'][:80]}"
    each_label = f"soffice per file ×{each['files']} (a)"
    batch_label = f"one soffice call ×{batch['files']} (b)"
    e2e = docs / best["seconds"]
    stage_rate = stage["stage_jobs"] / stage["stage_seconds"]
    return [
        Row(f"PDF generate --pdf：{ctx.pdf_items:,} 项 → {docs:,} 份（端到端）", "PDFs/s", e2e, each_rate, each_label,
            [Target("value", ">=", 30), Target("ratio", ">=", 25)], note=note),
        Row("  同上 vs 一次调用 same vs one soffice call", "PDFs/s", e2e, batch_rate, batch_label, [Target("ratio", ">=", 4)],
            note=f"(b) {batch['seconds']:.1f}s for {batch['files']:,} files in one process (best of {len(batch_runs)})"),
        Row("  其中仅 PDF 阶段 make_pdfs only", "PDFs/s", stage_rate, each_rate, each_label,
            note=stage_note),
        Row("  仅 PDF 阶段 vs 一次调用 make_pdfs vs (b)", "PDFs/s", stage_rate, batch_rate, batch_label),
        Row("  soffice 逐个 per-file baseline", "s/file", each["seconds"] / each["files"],
            note=f"(a) {each['files']} of {docs:,} files timed, one soffice process each ({each['seconds']:.1f}s, best of"
            f" {len(each_runs)}); its rate is extrapolated to all {docs:,}. Both baselines: plain `soffice --headless"
            f" --convert-to pdf`, private profile warmed once ({lo['warm_up_seconds']:.1f}s cold start, untimed), toolkit FONTCONFIG_FILE"),
        Row("  PDF 峰值内存 max RSS (Python)", "MB", max(rss), None, "", [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs; largest LibreOffice process: toolkit {max(r['soffice_rss_mb'] for r in runs):,.0f} MB,"
            f" one-call baseline {batch['soffice_rss_mb']:,.0f} MB"),
    ]  # fmt: skip


@benchmark("pdf-ingest", "回收 PDF / ingest returned PDFs")
def bench_pdf_ingest(ctx: Context) -> list[Row]:
    returned = pdf_returned_workspace(ctx)
    inbox = returned / "inbox"
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(returned, ctx.fresh_dir("pdf-ingest"))
        r = run_phase("pdf-ingest", d)
        shutil.rmtree(d, ignore_errors=True)
        rss.append(r["maxrss_mb"])
        return r

    runs, naive_runs = ctx.repeat_pair(one_run, lambda: run_phase("naive-pdfplumber", inbox))
    best, naive = runs[0], naive_runs[0]
    ctx.details["pdf-ingest"] = {"forms": best["forms"], "runs": runs, "naive_runs": naive_runs}
    profiled(ctx, "pdf-ingest", _copy(returned, ctx.fresh_dir("pdf-ingest-profile")))

    forms = best["forms"]
    applied = sum(best["results"].get(r, 0) for r in ("已更新", "已登记", "无变化"))
    note = f"best {best['seconds']:.2f}s of {len(runs)}; results {best['results']}; PDFs exported by one LibreOffice call (set-up)"
    if applied != forms:
        note += f" — NOT ALL APPLIED, e.g. {' '.join(best['rejected_example'].split())[:100]}"
    label = f"naive pdfplumber ×{naive['forms']}"
    naive_rate = naive["forms"] / naive["seconds"]
    return [
        Row(f"PDF 回收 ingest：{forms:,} 份 PDF", "PDFs/s", forms / best["seconds"], naive_rate, label, [Target("value", ">=", 100)], note=note),
        Row("  其中仅读取 read_pdf only", "PDFs/s", best["read_forms"] / min(r["read_seconds"] for r in runs), naive_rate, label,
            note="toolkit.intake.pdf_reader.read_pdf + identity() on the same files, one process, no ledger"),
        Row("  PDF 回收峰值内存 max RSS", "MB", max(rss), naive.get("maxrss_mb"), "naive pdfplumber process", [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs"),
    ]  # fmt: skip


def _form_pdf_rows(ctx: Context, name: str, fresh: Path, items: int, today: str, what: str, title: str, memory: str) -> list[Row]:
    """The rows of a `generate … --pdf` benchmark of one register's forms (phase ``name`` on copies of ``fresh``),
    beside the notice PDF benchmark's two soffice baselines run on the very .docx files dangwu wrote."""
    lo = soffice_warm_profile(ctx)  # warms the baseline's private profile and the toolkit's two profiles, untimed
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(fresh, ctx.fresh_dir(name))
        r = run_phase(name, d)
        rss.append(r["maxrss_mb"])
        r["dir"] = str(d)
        return r

    runs = ctx.repeat_runs(one_run)
    best = runs[0]
    docs = best["documents"]
    docx = [Path(f) for f in best.pop("docx")]
    for r in runs[1:]:
        r.pop("docx", None)
    bdir = ctx.fresh_dir(f"{name}-soffice")
    bdir.mkdir(parents=True)
    (bdir / "soffice.json").write_text(json.dumps({**lo, "files": [str(f) for f in docx]}, ensure_ascii=False), encoding="utf-8")
    each_runs = ctx.repeat_runs(lambda: run_phase("naive-soffice-each", bdir, n=min(ctx.soffice_each, len(docx))))
    batch_runs = ctx.repeat_runs(lambda: run_phase("naive-soffice-batch", bdir))
    each, batch = each_runs[0], batch_runs[0]
    each_rate, batch_rate = each["files"] / each["seconds"], batch["files"] / batch["seconds"]
    ctx.details[name] = {"items": items, "runs": runs, "soffice": lo, "each_runs": each_runs, "batch_runs": batch_runs}
    for r in runs:
        shutil.rmtree(r["dir"], ignore_errors=True)
    shutil.rmtree(bdir, ignore_errors=True)
    profiled(ctx, name, _copy(fresh, ctx.fresh_dir(f"{name}-profile")))

    sp = best.get("split", {})
    note = f"best {best['seconds']:.2f}s of {len(runs)}; {best['pdfs']:,} PDFs, {best['pages']:,} pages; DANGWU_TODAY={today}"
    if "pdf_stage" in sp:
        note += f"; .docx part {best['seconds'] - sp['pdf_stage']:.2f}s, PDF stage {sp['pdf_stage']:.2f}s"
        if "soffice" in sp:
            note += f" (LibreOffice {sp['soffice']:.2f}s, split {sp.get('split', 0.0):.2f}s)"
    error = ""
    if docs != items or best["skipped"]:
        error = f"{docs} {what}(s) for {items} items, {best['skipped']} skipped"
    elif best["missing"] or best["error"] or best["pdfs"] != docs:
        error = f"{best['missing']} PDF(s) MISSING: {best['error'][:80]}"
    if error:
        note += f" — {error}"
    each_label = f"soffice per file ×{each['files']} (a)"
    batch_label = f"one soffice call ×{batch['files']} (b)"
    e2e = best["pdfs"] / best["seconds"]
    return [
        Row(title.format(items=items, docs=docs), "PDFs/s", e2e, each_rate, each_label, [Target("value", ">=", 30)], note=note, error=error),
        Row("  同上 vs 一次调用 same vs one soffice call", "PDFs/s", e2e, batch_rate, batch_label,
            note=f"(b) {batch['seconds']:.1f}s for {batch['files']:,} files in {batch.get('calls', 1)} process(es) (best of {len(batch_runs)})"),
        Row("  soffice 逐个 per-file baseline", "s/file", each["seconds"] / each["files"],
            note=f"(a) {each['files']} of {docs:,} {what} .docx timed, one soffice process each ({each['seconds']:.1f}s, best of"
            f" {len(each_runs)}); its rate is extrapolated to all {docs:,}. Both baselines as in `pdf`"),
        Row(memory, "MB", max(rss), None, "", [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs; largest LibreOffice process: toolkit {max(r['soffice_rss_mb'] for r in runs):,.0f} MB,"
            f" one-call baseline {batch['soffice_rss_mb']:,.0f} MB"),
    ]  # fmt: skip


@benchmark("announce-pdf", "党务公开公告 PDF / disclosure announcements with PDFs")
def bench_announce_pdf(ctx: Context) -> list[Row]:
    return _form_pdf_rows(
        ctx, "announce-pdf", announce_workspace(ctx), ctx.announce_items, ANNOUNCE_TODAY, "announcement",
        "公告 generate announcement --pdf：{items:,} 项 → {docs:,} 份（端到端）", "  公告 PDF 峰值内存 max RSS (Python)",
    )  # fmt: skip


def _register_ingest_rows(ctx: Context, name: str, returned: Path, result: str, rows: str, title: str, memory: str) -> list[Row]:
    """The rows of an ingest benchmark of one register's returned forms (phase ``name`` on copies of
    ``returned``) beside the naive read, alternated; every form must come out ``result`` and make one of ``rows``."""
    inbox = returned / "inbox"
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(returned, ctx.fresh_dir(name))
        r = run_phase(name, d)
        shutil.rmtree(d, ignore_errors=True)
        rss.append(r["maxrss_mb"])
        return r

    runs, naive_runs = ctx.repeat_pair(one_run, lambda: run_phase("naive-read", inbox))
    best, naive = runs[0], naive_runs[0]
    ctx.details[name] = {"forms": ctx.forms, "runs": runs, "naive_runs": naive_runs}
    profiled(ctx, name, _copy(returned, ctx.fresh_dir(f"{name}-profile")))

    forms = best["forms"]
    note = f"best {best['seconds']:.2f}s of {len(runs)}; results {best['results']}; {best['rows']:,} {rows}; {_ingest_split(best)}"
    error = ""
    bad = [r for r in runs if r["results"] != {result: r["forms"]} or r["rows"] != r["forms"] or r["forms"] != ctx.forms]
    if bad:
        error = f"not every form {result} ({rows}): {bad[0]['results']}, {bad[0]['rows']} for {bad[0]['forms']} forms"
        note += f" — {error}; e.g. {' '.join(bad[0]['rejected_example'].split())[:80]}"
    label = f"naive python-docx ×{naive['forms']}"
    return [
        Row(title.format(forms=forms), "forms/s", forms / best["seconds"], naive["forms"] / naive["seconds"], label,
            [Target("value", ">=", 500)], note=note, error=error),
        Row("  其中仅读取 read_docx only", "forms/s", best["read_forms"] / min(r["read_seconds"] for r in runs),
            naive["forms"] / naive["seconds"], label, note="toolkit.intake.docx_reader.read_docx + identity() on the same files, no ledger"),
        Row(memory, "MB", max(rss), naive.get("maxrss_mb"), "naive python-docx process", [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs"),
    ]  # fmt: skip


@benchmark("opinion-ingest", "回收意见反馈表 / ingest returned opinion forms")
def bench_opinion_ingest(ctx: Context) -> list[Row]:
    return _register_ingest_rows(
        ctx, "opinion-ingest", opinion_workspace(ctx), "已登记", f"rows of {OPINION_SHEET}",
        "意见回收 ingest：{forms:,} 份意见反馈表", "  意见回收峰值内存 max RSS",
    )  # fmt: skip


@benchmark("talk-pdf", "谈心谈话记录表 PDF / talk sheets with PDFs")
def bench_talk_pdf(ctx: Context) -> list[Row]:
    return _form_pdf_rows(
        ctx, "talk-pdf", talk_workspace(ctx), ctx.talk_items, TALK_TODAY, "talk sheet",
        "谈话记录表 generate talk-sheet --pdf：{items:,} 个谈话 → {docs:,} 份（端到端）", "  谈话记录表 PDF 峰值内存 max RSS (Python)",
    )  # fmt: skip


@benchmark("talk-ingest", "回收谈心谈话记录表 / ingest returned talk sheets")
def bench_talk_ingest(ctx: Context) -> list[Row]:
    return _register_ingest_rows(
        ctx, "talk-ingest", talk_returned_workspace(ctx), "已更新", "talks 已记录",
        "谈话回收 ingest：{forms:,} 份谈心谈话记录表", "  谈话回收峰值内存 max RSS",
    )  # fmt: skip


@benchmark("ledger-10k", "大台账 status / report / 10,000-item ledger")
def bench_ledger(ctx: Context) -> list[Row]:
    from toolkit.dates import today

    pristine = ledger_workspace(ctx)
    ledger_name = next(p.name for p in pristine.glob("*.xlsx"))
    painted = ctx.tmp / "ledger-painted.xlsx"  # the ledger after status wrote its 预警 column (second-run baseline)
    year = today().year
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(pristine, ctx.fresh_dir("ledger"))
        first = run_phase("status", d)
        second = run_phase("status", d)
        rep = run_phase("report", d, n=year)
        if not painted.exists():
            shutil.copyfile(d / ledger_name, painted)
        shutil.rmtree(d, ignore_errors=True)
        rss.extend(r["maxrss_mb"] for r in (first, second, rep))
        return {"seconds": first["seconds"] + second["seconds"] + rep["seconds"], "first": first, "second": second, "report": rep}

    runs = ctx.repeat_runs(one_run)
    load_runs = ctx.repeat_runs(lambda: run_phase("naive-load", pristine / ledger_name))
    painted_runs = ctx.repeat_runs(lambda: run_phase("naive-load", painted))
    ctx.details["ledger-10k"] = {"items": ctx.ledger_items, "runs": runs, "load_runs": load_runs, "painted_load_runs": painted_runs}
    if ctx.profile:
        d = _copy(pristine, ctx.fresh_dir("ledger-profile"))
        profiled(ctx, "status", d)
        profiled(ctx, "report", d, n=year)

    first = min((r["first"] for r in runs), key=lambda r: r["seconds"])
    second = min((r["second"] for r in runs), key=lambda r: r["seconds"])
    rep = min((r["report"] for r in runs), key=lambda r: r["seconds"])
    load, load2 = load_runs[0], painted_runs[0]
    label = f"openpyxl.load_workbook, {load['cells']:,} cells"
    label2 = f"load_workbook of the painted ledger, {load2['cells']:,} cells"
    target = [Target("ratio", "<", 3, of="load")]

    def wrote(r: dict, expect: bool) -> str:
        ok = r["written"] == expect
        return ("ledger rewritten" if r["written"] else "ledger not rewritten") + ("" if ok else " — UNEXPECTED") + (
            f"; note: {r['ledger_note']}" if r["ledger_note"] else "")  # fmt: skip

    n = len(runs)
    counts = "、".join(f"{k}{v}" for k, v in first["counts"].items())
    colours = "、".join(f"{k}{v}" for k, v in sorted(first["colours"].items()))
    return [
        Row(f"状态 status 首次（写预警列）：{first['items']:,} 项", "s", first["seconds"], load["seconds"], label, target,
            note=f"best of {n}; {wrote(first, True)}; {counts}; open {first['open']:,} ({colours})"),
        Row("  status 再次（无变化，不写）second run", "s", second["seconds"], load2["seconds"], label2, target,
            note=f"best of {n}; {wrote(second, False)}"),
        Row(f"报告 report {year}（统计表 + 报告 .docx）", "s", rep["seconds"], load2["seconds"], label2, target,
            note=f"best of {n}; {rep['items']:,} items of {year} ({rep['closed']:,} closed, {rep['on_time']:,} on time, "
            f"{rep['overdue']:,} overdue), {rep['units']} units; run on the painted ledger"),
        Row("  台账峰值内存 status/report max RSS", "MB", max(rss), max(r["maxrss_mb"] for r in load_runs + painted_runs),
            "openpyxl.load_workbook process", [Target("value", "<", 300)], note=f"max over {len(rss)} status/report runs"),
    ]  # fmt: skip


@benchmark("liaison-status", "联系服务群众 status / talk matrix on a large ledger")
def bench_liaison_status(ctx: Context) -> list[Row]:
    pristine = liaison_workspace(ctx)
    ledger_name = next(p.name for p in pristine.glob("*.xlsx"))
    painted = ctx.tmp / "liaison-painted.xlsx"  # the ledger after status wrote 谈心谈话覆盖 (second-run baseline)
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(pristine, ctx.fresh_dir("liaison"))
        first = run_phase("liaison-status", d)
        second = run_phase("liaison-status", d)
        if not painted.exists():
            shutil.copyfile(d / ledger_name, painted)
        shutil.rmtree(d, ignore_errors=True)
        rss.extend(r["maxrss_mb"] for r in (first, second))
        return {"seconds": first["seconds"] + second["seconds"], "first": first, "second": second}

    def loads() -> dict:  # after one_run: the painted ledger exists
        load, load2 = run_phase("naive-load", pristine / ledger_name), run_phase("naive-load", painted)
        return {"seconds": load["seconds"] + load2["seconds"], "load": load, "painted": load2}

    runs, load_runs = ctx.repeat_pair(one_run, loads)
    ctx.details["liaison-status"] = {"members": ctx.liaison_members, "talks": ctx.liaison_talks, "runs": runs, "load_runs": load_runs}
    if ctx.profile:
        d = _copy(pristine, ctx.fresh_dir("liaison-profile"))
        profiled(ctx, "liaison-status", d)

    first = min((r["first"] for r in runs), key=lambda r: r["seconds"])
    second = min((r["second"] for r in runs), key=lambda r: r["seconds"])
    load = min((r["load"] for r in load_runs), key=lambda r: r["seconds"])
    load2 = min((r["painted"] for r in load_runs), key=lambda r: r["seconds"])
    label = f"openpyxl.load_workbook, {load['cells']:,} cells"
    label2 = f"load_workbook of the ledger with 谈心谈话覆盖, {load2['cells']:,} cells"
    target = [Target("ratio", "<", 3, of="load")]

    def wrote(r: dict, expect: bool) -> str:
        ok = r["written"] == expect
        return ("ledger rewritten" if r["written"] else "ledger not rewritten") + ("" if ok else " — UNEXPECTED") + (
            f"; note: {r['ledger_note']}" if r["ledger_note"] else "")  # fmt: skip

    n = len(runs)
    error = "" if first["members"] == ctx.liaison_members else f"{first['members']} members in the status of {ctx.liaison_members}"
    counts = (f"{first['members']} members, {first['year']}: 应谈 {first['required']:,}, 已谈 {first['held']:,} (非面对面"
              f" {first['not_face']:,}), 已安排 {first['scheduled']:,}, 缺 {first['missing']:,}; level {first['level']};"
              f" DANGWU_TODAY={TALK_TODAY}")  # fmt: skip
    return [
        Row(f"联系服务群众 status 首次（写覆盖表）：{ctx.liaison_members} 人、{ctx.liaison_talks:,} 次谈话", "s", first["seconds"],
            load["seconds"], label, target, note=f"best of {n}; {wrote(first, True)}; {counts}", error=error),
        Row("  status 再次（无变化，不写）second run", "s", second["seconds"], load2["seconds"], label2, target,
            note=f"best of {n}; {wrote(second, False)}"),
        Row("  联系服务群众 status 峰值内存 max RSS", "MB", max(rss), max(r[k]["maxrss_mb"] for r in load_runs for k in ("load", "painted")),
            "openpyxl.load_workbook process", [Target("value", "<", 300)], note=f"max over {len(rss)} status runs"),
    ]  # fmt: skip


@benchmark("archive", "年度归档 / year-end archive")
def bench_archive(ctx: Context) -> list[Row]:
    pristine, took = archive_workspace(ctx)
    lo = soffice_warm_profile(ctx)  # warms the baseline's private profile and the toolkit's two profiles, untimed
    year = ITEMS[0]["交办时间"].year  # item_rows' 交办时间 are all in that year
    rss: list[float] = []

    def one_run() -> dict:
        d = _copy(pristine, ctx.fresh_dir("archive"))
        try:
            first = run_phase("archive", d, n=year)
        except RuntimeError as exc:  # reported in the table, with the baseline still measured
            shutil.rmtree(d, ignore_errors=True)
            return {"seconds": float("inf"), "error": str(exc)}
        second = run_phase("archive", d, n=year)
        shutil.rmtree(d, ignore_errors=True)
        rss.extend(r["maxrss_mb"] for r in (first, second))
        return {"seconds": first["seconds"], "first": first, "second": second}

    runs = ctx.repeat_runs(one_run)
    bdir = ctx.fresh_dir("archive-soffice")
    files = archive_baseline_files(pristine, bdir / "src")
    (bdir / "soffice.json").write_text(json.dumps({**lo, "files": [str(f) for f in files]}, ensure_ascii=False), encoding="utf-8")
    batch_runs = ctx.repeat_runs(lambda: run_phase("naive-soffice-batch", bdir))
    shutil.rmtree(bdir, ignore_errors=True)
    ctx.details["archive"] = {"items": ctx.archive_items, "set_up": took, "runs": runs, "soffice": lo, "batch_runs": batch_runs}

    batch = batch_runs[0]
    calls = batch.get("calls", 1)
    label = f"soffice ×{batch['files']:,} .docx, {calls} call{'s' if calls > 1 else ''}"
    setup = ", ".join(f"{k} {v:.0f}s" for k, v in took.items())
    base_row = Row("  soffice 基线 LibreOffice-only baseline", "s/file", batch["seconds"] / batch["files"],
        note=f"{batch['files']:,} .docx (主办 notices, processed/ replies, review records) in {batch['seconds']:.1f}s by plain"
        f" `soffice --headless --convert-to pdf` — {calls} consecutive call(s) of ≤ {SOFFICE_MAX_FILES} files (LibreOffice's"
        f" launcher drops arguments beyond ~254) — private warmed profile, toolkit FONTCONFIG_FILE (best of {len(batch_runs)});"
        f" set-up (untimed): {setup}")  # fmt: skip
    title = f"归档 archive {year}：{ctx.archive_items:,} 项"
    target = [Target("ratio", "<", 1.5, of="soffice")]
    if "error" in runs[0]:
        return [Row(title, "s", None, batch["seconds"], label, target, note=f"FAILED in all {len(runs)} run(s): {runs[0]['error']}",
                    error=runs[0]["error"]), base_row]  # fmt: skip
    profiled(ctx, "archive", _copy(pristine, ctx.fresh_dir("archive-profile")), n=year)

    runs = [r for r in runs if "error" not in r]
    first = runs[0]["first"]
    second = min((r["second"] for r in runs), key=lambda r: r["seconds"])
    sp = first["split"]
    parts = [("LibreOffice (papers)", "to_pdf"), ("front matter", "front_matter"), ("assemble 件", "assemble"),
             ("binder", "binder"), ("review records", "review_record"), ("find replies", "find_replies"),
             ("zip", "write_zip_of"), ("manifest", "write_manifest"), ("ledger load", "open_valid_ledger"),
             ("ledger save", "ledger_save")]  # fmt: skip
    split = ", ".join(f"{name} {sp[k]:.1f}s" for name, k in parts if k in sp)
    note = (f"best of {len(runs)}; {first['pieces']:,} 件, {first['pages']:,} pages, {first['converted']:,} .docx converted by"
            f" LibreOffice; {split}")  # fmt: skip
    if first["flagged"] or first["not_closed"] or first["pieces"] != ctx.archive_items:
        note += f" — {first['flagged']} flagged, {first['not_closed']} not closed"
    changed = second.get("files_changed", 0)
    return [
        Row(title, "s", first["seconds"], batch["seconds"], label, target, note=note),
        Row("  archive 再次（无变化）second run", "s", second["seconds"], batch["seconds"], label,
            note=f"unchanged={second['unchanged']}; {changed} file(s) rewritten" + ("" if not changed and second["unchanged"] else " — UNEXPECTED")),
        base_row,
        Row("  归档峰值内存 archive max RSS (Python)", "MB", max(rss), None, "", [Target("value", "<", 300)],
            note=f"max over {len(rss)} runs; largest LibreOffice process: toolkit {first['soffice_rss_mb']:,.0f} MB,"
            f" baseline {batch['soffice_rss_mb']:,.0f} MB"),
    ]  # fmt: skip


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# ----------------------------------------------------------------------------------------------
# Output


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def pad(s: str, w: int, right: bool = False) -> str:
    fill = " " * max(w - width(s), 0)
    return fill + s if right else s + fill


def fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "MB":
        return f"{x:,.0f} MB"
    if unit in ("s", "s/file"):
        return f"{x:,.2f} {unit}" if x < 100 else f"{x:,.0f} {unit}"
    return f"{x:,.0f} {unit}" if x >= 100 else f"{x:,.1f} {unit}"


def table(rows: list[Row]) -> str:
    head = ["measure", "dangwu", "baseline", "ratio dangwu÷baseline", "target", "met?"]
    body = []
    for r in rows:
        met = {True: "yes", False: "NO", None: "—"}[r.met]
        ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
        body.append(
            [
                r.measure,
                "FAILED" if r.error else fmt(r.dangwu, r.unit),
                fmt(r.baseline, r.unit),
                ratio,
                ", ".join(t.text(r.unit) for t in r.targets),
                met,
            ]
        )
    widths = [max(width(line[i]) for line in [head, *body]) for i in range(len(head))]
    right = {1, 2, 3}
    lines = [" | ".join(pad(h, widths[i], i in right) for i, h in enumerate(head)), "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(pad(c, widths[i], i in right) for i, c in enumerate(line)) for line in body]
    return "\n".join(lines)


def print_profile(name: str, path: Path, top: int = 25) -> None:
    buf = io.StringIO()
    stats = pstats.Stats(str(path), stream=buf).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\n==== cProfile: {name} (profiled run, not the timed one) ====")
    print("\n".join(ln for ln in buf.getvalue().splitlines() if ln.strip()))


def machine() -> dict:
    import toolkit

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "toolkit": getattr(toolkit, "__version__", "?"),
        "time": dt.datetime.now().isoformat(timespec="seconds"),
    }


# ----------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="smoke run: 100 items / forms, 20 naive documents")
    p.add_argument("--items", type=int, help="supervision items to generate for (default 1000, quick 100)")
    p.add_argument("--forms", type=int, help="returned forms to ingest (default 1000, quick 100)")
    p.add_argument("--naive-docs", type=int, help="documents for the naive docxtpl loop (default 100, quick 20)")
    p.add_argument("--pdf-items", type=int, help="items for the pdf / pdf-ingest benchmarks, ~2 notices each (default 100, quick 20)")
    p.add_argument("--soffice-each", type=int, help="files for the one-soffice-per-file baseline (default 20, quick 5)")
    p.add_argument("--ledger-items", type=int, help="ledger rows for ledger-10k (status / report; default 10000, quick 2000)")
    p.add_argument("--archive-items", type=int, help="closed items for archive, ~4 papers each (default 300, quick 30)")
    p.add_argument(
        "--announce-items", type=int, help="approved 党务公开 items for announce-pdf, one announcement each (default 200, quick 40)"
    )
    p.add_argument("--talk-items", type=int, help="已安排 talks for talk-pdf, one talk sheet each (default 200, quick 40)")
    p.add_argument("--liaison-members", type=int, help="班子成员 of the liaison-status ledger (default 50, quick 20)")
    p.add_argument("--liaison-talks", type=int, help="talk rows of the liaison-status ledger (default 5000, quick 1000)")
    p.add_argument("--repeat", type=int, default=3, help="repeat each measurement up to N times, keep the best (default 3)")
    p.add_argument("--budget", type=float, default=30.0, help="stop repeating a measurement after this many seconds (default 30)")
    p.add_argument("--only", help=f"comma-separated benchmarks: {', '.join(b.name for b in BENCHMARKS)}")
    p.add_argument("--json", metavar="PATH", help="write the figures as JSON")
    p.add_argument("--profile", action="store_true", help="also run each dangwu phase once under cProfile and print hot spots")
    p.add_argument("--strict", action="store_true", help="exit with status 2 when a target is missed")
    p.add_argument("--keep", action="store_true", help="keep the temporary workspaces (path printed)")
    p.add_argument(
        "--workdir",
        default=os.environ.get("DANGWU_BENCH_DIR") or str(Path(__file__).resolve().parent / ".work"),
        help="where the scratch workspaces live (default bench/.work, like a clerk's workspace on the local disk; "
        "env DANGWU_BENCH_DIR). /tmp can be much slower to create files in on some machines (see README)",
    )
    # child-process arguments (internal)
    p.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    p.add_argument("--n", help=argparse.SUPPRESS)
    p.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.phase:
        child_main(args)
        return 0

    selected = BENCHMARKS
    if args.only:
        names = [s.strip() for s in args.only.split(",") if s.strip()]
        unknown = [n for n in names if n not in {b.name for b in BENCHMARKS}]
        if unknown:
            p.error(f"unknown benchmark(s): {', '.join(unknown)}")
        selected = [b for b in BENCHMARKS if b.name in names]

    small = args.quick
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="dangwu-bench-", dir=args.workdir))
    ctx = Context(
        items=args.items or (100 if small else 1000),
        forms=args.forms or (100 if small else 1000),
        repeat=max(args.repeat, 1),
        budget=args.budget,
        tmp=tmp,
        profile=args.profile,
        naive_docs=args.naive_docs or (20 if small else 100),
        pdf_items=args.pdf_items or (20 if small else 100),
        soffice_each=args.soffice_each or (5 if small else 20),
        ledger_items=args.ledger_items or (2000 if small else 10_000),
        archive_items=args.archive_items or (30 if small else 300),
        announce_items=args.announce_items or (40 if small else 200),
        talk_items=args.talk_items or (40 if small else 200),
        liaison_members=args.liaison_members or (20 if small else 50),
        liaison_talks=args.liaison_talks or (1000 if small else 5000),
    )
    info = machine()
    print(f"dangwu bench — {'quick' if small else 'full'} run; Python {info['python']}, {info['cpus']} CPUs, {info['platform']}")
    print(f"items {ctx.items:,}, forms {ctx.forms:,}, naive docxtpl documents {ctx.naive_docs}, best of ≤{ctx.repeat}")
    print(f"PDF items {ctx.pdf_items:,}, soffice per-file baseline files {ctx.soffice_each}")
    print(f"ledger rows {ctx.ledger_items:,} (status / report), archive items {ctx.archive_items:,}")
    print(f"党务公开: announcements {ctx.announce_items:,}, opinion forms {ctx.forms:,}")
    print(f"联系服务群众: talk sheets with PDFs {ctx.talk_items:,}, talk sheets returned {ctx.forms:,}, status ledger"
          f" {ctx.liaison_members} members / {ctx.liaison_talks:,} talks")  # fmt: skip
    print(f"scratch workspaces under {tmp}")
    rows: list[Row] = []
    failed = []
    try:
        for b in selected:
            t0 = time.perf_counter()
            print(f"… {b.name}: {b.title}", flush=True)
            try:
                rows += b.run(ctx)
            except Exception as exc:  # one broken benchmark must not hide the others
                failed.append(b.name)
                print(f"   FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            print(f"  ({time.perf_counter() - t0:.1f}s incl. set-up)", flush=True)
        print()
        print(table(rows))
        print("  ratio = dangwu ÷ baseline: for rates (docs/s, forms/s, PDFs/s) higher is better; for times (s) it is"
              " dangwu's time ÷ the baseline's time, lower is better; for MB lower is better.")  # fmt: skip
        notes = [(r.measure.strip(), r.note) for r in rows if r.note]
        if notes:
            print()
            for measure, note in notes:
                print(f"  · {measure}: {note}")
        for name, path in ctx.profiles.items():
            print_profile(name, path)
        if args.json:
            data = {"machine": info, "quick": small, "items": ctx.items, "forms": ctx.forms, "naive_docs": ctx.naive_docs,
                    "pdf_items": ctx.pdf_items, "soffice_each": ctx.soffice_each,
                    "ledger_items": ctx.ledger_items, "archive_items": ctx.archive_items, "announce_items": ctx.announce_items,
                    "talk_items": ctx.talk_items, "liaison_members": ctx.liaison_members, "liaison_talks": ctx.liaison_talks, "rows": [r.as_dict() for r in rows], "failed": failed, "details": ctx.details}  # fmt: skip
            Path(args.json).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
            print(f"\nJSON written to {args.json}")
    finally:
        if args.keep:
            print(f"temporary workspaces kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    missed = [r.measure.strip() for r in rows if r.met is False]
    if missed:
        print(f"\n{len(missed)} target(s) missed" + ("" if args.profile else " — rerun with --profile for cProfile hot spots"))
    if failed:
        return 1
    return 2 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
