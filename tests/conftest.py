"""Shared fixtures: a fresh workspace with units and supervision items, written as a clerk would."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from toolkit import Workspace, generate, init_workspace
from toolkit.ledger import schema as S

UNITS = [
    {"单位名称": "教务处", "单位简称": "教务", "负责人": "王建国", "联系人": "李敏", "联系电话": "0571-86000001"},
    {"单位名称": "学生工作处", "单位简称": "学工处", "负责人": "赵红", "联系人": "钱进", "联系电话": "0571-86000002"},
    {"单位名称": "信息工程学院", "单位简称": "信息学院", "负责人": "孙立", "联系人": "周洁", "联系电话": "0571-86000003"},
    {"单位名称": "后勤管理处", "单位简称": "后勤处", "负责人": "吴强", "联系人": "郑好", "联系电话": "0571-86000004"},
]

ITEMS = [
    {
        "交办时间": dt.date(2026, 3, 5),
        "督办来源": "会议决议",
        "督查形式": "专项督查",
        "督办事项": "完善课堂教学质量监控体系",
        "工作要求": "形成制度文件并报送",
        "主办单位": "教务处",
        "协办单位": "信息工程学院",
        "分管校领导": "张副校长",
        "办理时限": dt.date(2026, 6, 30),
    },
    {
        "交办时间": dt.date(2026, 4, 1),
        "督办来源": "上级部署",
        "督查形式": "定期督查",
        "督办事项": "学生资助工作自查",
        "工作要求": "按上级通知要求开展自查",
        "主办单位": "学工处",
        "协办单位": "",
        "分管校领导": "刘副书记",
        "办理时限": dt.date(2026, 5, 15),
    },
    {
        "交办时间": dt.date(2026, 5, 8),
        "督办来源": "领导批示",
        "督查形式": "联合督查",
        "督办事项": "食堂食品安全专项整治",
        "工作要求": "每月报送进展",
        "主办单位": "后勤管理处",
        "协办单位": "学生工作处、教务处",
        "分管校领导": "陈副校长",
        "办理时限": dt.date(2026, 12, 31),
    },
]


def add_rows(ledger_path: Path, sheet: str, rows: list[dict]) -> None:
    """Append rows by header, as a clerk typing in Excel would."""
    wb = openpyxl.load_workbook(ledger_path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    last = max((r for r in range(2, ws.max_row + 1) if any(ws.cell(r, c).value is not None for c in range(1, len(headers) + 1))), default=1)
    for i, values in enumerate(rows, start=last + 1):
        for h, v in values.items():
            ws.cell(i, headers.index(h) + 1, v)
    wb.save(ledger_path)


def set_cell(ledger_path: Path, sheet: str, number: str, header: str, value) -> None:
    """Change one cell of the row with this number (first column holds numbers)."""
    wb = openpyxl.load_workbook(ledger_path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == number:
            ws.cell(r, headers.index(header) + 1).value = value  # None clears the cell
    wb.save(ledger_path)


def digest(path: Path) -> str:
    """SHA-256 of a file, to prove it was not touched."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sup_rows(ws: Workspace) -> dict[str, dict]:
    """The supervision sheet as {立项编号: {header: value}}, read with openpyxl."""
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    out = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if any(v is not None for v in row):
            rec = dict(zip(headers, row))
            out[rec["立项编号"]] = rec
    return out


def journal_rows(ws: Workspace) -> list[dict]:
    """The 变更记录 sheet as dicts."""
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.JOURNAL.name]
    headers = [c.value for c in sheet[1]]
    return [dict(zip(headers, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def sample_workspace(folder: Path) -> Workspace:
    """A new workspace in ``folder`` with four units and three unnumbered supervision items."""
    w = init_workspace(folder, units=UNITS)
    add_rows(w.ledger_path, S.SUPERVISION.name, ITEMS)
    return w


@pytest.fixture
def ws(tmp_path) -> Workspace:
    """A new workspace with four units and three unnumbered supervision items."""
    return sample_workspace(tmp_path / "ws")


@pytest.fixture
def notified(ws) -> Workspace:
    """The workspace after `generate notice`: DB-2026-001..003 notified, notices in outbox/."""
    generate(ws, "notice")
    return ws


def notice_path(ws: Workspace, number: str, role: str = "主办") -> Path:
    """The generated notice of an item for its 主办 (or first 协办) unit."""
    found = sorted((ws.outbox / "督查督办通知单").glob(f"{number}_{role}_*.docx"))
    assert found, f"no {role} notice for {number}"
    return found[0]


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice program; the set-up installs it, so its absence fails loudly in CI."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        pytest.fail("LibreOffice (soffice) is not installed: run `make test`, which installs it")
    return path
