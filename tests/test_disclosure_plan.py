"""常规性 items (三(三)): `dangwu plan disclosure --quarter` adds each routine series' row once; status's quarters.

Every check reads the ledger the command saved; every refusal and re-run leaves it byte-identical.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner

from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.ledger.workbook import Ledger
from toolkit.registers.disclosure.plan import Series, parse_quarter, routine_lines, routine_quarters

from .conftest import add_rows, digest, journal_rows

SHEET = "党务公开台账"
DUES = "党费收缴管理情况"
CADRES = "干部选拔任用工作情况"
REVIEW = "民主评议党员情况"
ROWS = [
    {  # the dues series' older row: the new one copies the latest, not this one
        "公开编号": "GK-2026-001",
        "公开类别": "党务运行基本情况",
        "公开事项": "党费收缴管理情况（2026年第三季度）",
        "提出部门": "教务处",
        "公开范围": "全体党员",
        "公开形式": "党内会议",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 9, 30),
        "审批状态": "已批准",
        "公开日期": dt.date(2026, 9, 25),
        "常规事项": DUES,
    },
    {
        "公开编号": "GK-2026-002",
        "公开类别": "党务运行基本情况",
        "公开事项": "党费收缴管理情况（2026年第四季度）",
        "提出部门": "学生工作处",
        "公开范围": "全体党员",
        "公开形式": "下发通知、定期通报",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 12, 31),
        "审批状态": "已批准",
        "公开日期": dt.date(2026, 12, 20),
        "常规事项": DUES,
    },
    {  # disclosed inside the Party only: disclosed all the same
        "公开编号": "GK-2026-003",
        "公开类别": "干部选拔任用情况",
        "公开事项": "2026年第四季度干部选拔任用工作情况",
        "提出部门": "教务处",
        "公开范围": "党政领导干部",
        "公开形式": "党内会议",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 12, 31),
        "审批状态": "已批准",
        "党内公开日期": dt.date(2026, 12, 28),
        "常规事项": CADRES,
    },
    {  # approved, never disclosed
        "公开编号": "GK-2026-004",
        "公开类别": "基层组织建设情况",
        "公开事项": "民主评议党员情况（2026年第四季度）",
        "提出部门": "学生工作处",
        "公开范围": "全体党员",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 12, 31),
        "审批状态": "已批准",
        "常规事项": REVIEW,
    },
    {  # refused
        "公开编号": "GK-2026-005",
        "公开类别": "基层组织建设情况",
        "公开事项": "民主评议党员情况（2026年第三季度）",
        "提出部门": "学生工作处",
        "公开范围": "全体党员",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 9, 30),
        "审批状态": "不予公开",
        "常规事项": REVIEW,
    },
    {  # not routine, already numbered in 2027: the new rows come after it
        "公开编号": "GK-2027-001",
        "公开类别": "基层组织建设情况",
        "公开事项": "拟发展党员公示",
        "公开范围": "全体党员",
        "时限类型": "临时性",
        "计划公开日期": dt.date(2027, 1, 15),
    },
]


def _with_series_column(path) -> None:
    """Add the optional 常规事项 header, as a clerk would, unless the new ledger has it already."""
    wb = openpyxl.load_workbook(path)
    sheet = wb[SHEET]
    if "常规事项" not in [c.value for c in sheet[1]]:
        sheet.cell(1, sheet.max_column + 1, "常规事项")
        wb.save(path)


@pytest.fixture
def routine(ws, monkeypatch):
    """The workspace with three routine series (two disclosed) and one temporary item; today 2027-01-10."""
    monkeypatch.setenv("DANGWU_TODAY", "2027-01-10")
    _with_series_column(ws.ledger_path)
    add_rows(ws.ledger_path, SHEET, ROWS)
    return ws


def _rows(ws) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(ws.ledger_path)[SHEET]
    head = [c.value for c in sheet[1]]
    return {r[0]: dict(zip(head, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}


def _plan(ws, *args):
    return CliRunner().invoke(main, ["plan", "disclosure", *args, "-w", str(ws.root)])


def test_plan_adds_one_row_per_disclosed_series(routine):
    r = _plan(routine, "--quarter", "2027Q1")
    assert r.exit_code == 0, r.output
    assert f"已添加 GK-2027-002 {DUES}（2027年第一季度），计划公开日期 2027-03-31" in r.output
    assert f"已添加 GK-2027-003 {CADRES}（2027年第一季度），计划公开日期 2027-03-31" in r.output
    assert f"跳过 {REVIEW}：尚未公开过" in r.output
    assert "共添加 2 项，跳过 1 项。" in r.output
    rows = _rows(routine)
    assert len(rows) == len(ROWS) + 2
    dues = rows["GK-2027-002"]
    assert dues["公开事项"] == f"{DUES}（2027年第一季度）" and dues["常规事项"] == DUES
    # copied from the latest disclosed row of the series (GK-2026-002), not the older one
    assert (dues["公开类别"], dues["提出部门"], dues["公开范围"], dues["公开形式"]) == (
        "党务运行基本情况",
        "学生工作处",
        "全体党员",
        "下发通知、定期通报",
    )
    assert dues["时限类型"] == "常规性" and dues["计划公开日期"].date() == dt.date(2027, 3, 31)
    assert dues["审批状态"] is None and dues["公开日期"] is None
    assert dues["预警"].startswith("截至1月10日：待审批")
    assert rows["GK-2027-003"]["公开范围"] == "党政领导干部"
    assert not any(row["常规事项"] == REVIEW and row["公开编号"].startswith("GK-2027") for row in rows.values())
    plans = {j["编号"]: j["新值"] for j in journal_rows(routine) if j["字段"] == "常规计划"}
    assert plans == {"GK-2027-002": f"2027Q1·{DUES}", "GK-2027-003": f"2027Q1·{CADRES}"}


def test_a_second_run_adds_nothing_and_leaves_the_ledger_untouched(routine):
    assert _plan(routine, "--quarter", "2027Q1").exit_code == 0
    before = digest(routine.ledger_path)
    again = _plan(routine, "--quarter", "2027Q1")
    assert again.exit_code == 0, again.output
    assert "已添加" not in again.output and "2027年第一季度没有需要添加的常规公开事项。" in again.output
    assert f"跳过 {DUES}：本季度已有事项 GK-2027-002" in again.output
    assert digest(routine.ledger_path) == before


def test_a_series_with_a_row_in_the_quarter_is_skipped(routine):
    add_rows(
        routine.ledger_path,
        SHEET,
        [{"公开事项": "党费收缴管理情况（2027年第一季度）", "时限类型": "常规性", "公开日期": dt.date(2027, 1, 8), "常规事项": DUES}],
    )
    r = _plan(routine, "--quarter", "2027Q1")
    assert r.exit_code == 0, r.output
    assert f"跳过 {DUES}：本季度已有事项" in r.output
    assert "共添加 1 项" in r.output and CADRES in r.output


def test_a_deleted_planned_row_is_not_planned_again(routine):
    assert _plan(routine, "--quarter", "2027Q1").exit_code == 0
    wb = openpyxl.load_workbook(routine.ledger_path)
    sheet = wb[SHEET]
    [r] = [c.row for c in sheet["A"] if c.value == "GK-2027-002"]
    sheet.delete_rows(r)
    wb.save(routine.ledger_path)
    before = digest(routine.ledger_path)
    again = _plan(routine, "--quarter", "2027Q1")
    assert again.exit_code == 0, again.output
    assert f"跳过 {DUES}：已为2027年第一季度计划过" in again.output and "已添加" not in again.output
    assert "GK-2027-002" not in _rows(routine)
    assert digest(routine.ledger_path) == before
    later = _plan(routine, "--quarter", "2027Q2")  # the next quarter is planned as usual
    assert f"已添加 GK-2027-004 {DUES}（2027年第二季度），计划公开日期 2027-06-30" in later.output


def test_a_series_never_disclosed_is_not_planned(ws, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2027-01-10")
    _with_series_column(ws.ledger_path)
    add_rows(ws.ledger_path, SHEET, ROWS[3:5])  # only the approved-undisclosed and the refused rows
    before = digest(ws.ledger_path)
    r = _plan(ws, "--quarter", "2027Q1")
    assert r.exit_code == 0, r.output
    assert f"跳过 {REVIEW}：尚未公开过" in r.output and "没有需要添加" in r.output
    assert digest(ws.ledger_path) == before


@pytest.mark.parametrize("quarter", ["2027Q5", "2027-1", "Q1", ""])
def test_a_bad_quarter_is_refused(routine, quarter):
    before = digest(routine.ledger_path)
    r = _plan(routine, "--quarter", quarter)
    assert r.exit_code == 2 and "2027Q1" in r.output and "季度" in r.output
    assert digest(routine.ledger_path) == before


def test_parse_quarter():
    assert parse_quarter("2027Q1") == (2027, 1) and parse_quarter(" 2026q4 ") == (2026, 4)
    with pytest.raises(UsageError):
        parse_quarter("2027Q0")


def test_dry_run_writes_nothing(routine):
    before = digest(routine.ledger_path)
    r = _plan(routine, "--quarter", "2027Q1", "--dry-run")
    assert r.exit_code == 0, r.output
    assert f"将添加 GK-2027-002 {DUES}（2027年第一季度）" in r.output and "台账未修改" in r.output
    assert digest(routine.ledger_path) == before
    assert "已添加 GK-2027-002" in _plan(routine, "--quarter", "2027Q1").output  # the dry run planned nothing


QUARTERLY = [  # 2026: dues disclosed in Q1 and Q2, Q3 missed, Q4 planned; cadres begun in Q3
    {
        "公开事项": "党费（一季度）",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 3, 31),
        "公开日期": dt.date(2026, 2, 10),
        "常规事项": DUES,
    },
    {
        "公开事项": "党费（二季度）",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 6, 30),
        "党内公开日期": dt.date(2026, 5, 5),
        "常规事项": DUES,
    },
    {"公开事项": "党费（三季度）", "时限类型": "常规性", "计划公开日期": dt.date(2026, 9, 30), "常规事项": DUES},
    {"公开事项": "党费（四季度）", "时限类型": "常规性", "计划公开日期": dt.date(2026, 12, 31), "常规事项": DUES},
    {
        "公开事项": "干部（三季度）",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 9, 30),
        "公开日期": dt.date(2026, 8, 1),
        "常规事项": CADRES,
    },
    {  # refused, though dated: no disclosure
        "公开事项": "评议（二季度）",
        "时限类型": "常规性",
        "审批状态": "不予公开",
        "计划公开日期": dt.date(2026, 6, 30),
        "公开日期": dt.date(2026, 6, 1),
        "常规事项": REVIEW,
    },
    {"公开事项": "临时事项", "时限类型": "临时性", "计划公开日期": dt.date(2026, 3, 1), "公开日期": dt.date(2026, 3, 1)},
]


@pytest.fixture
def quarterly(ws):
    _with_series_column(ws.ledger_path)
    add_rows(ws.ledger_path, SHEET, QUARTERLY)
    return Ledger.load(ws.ledger_path)


def test_routine_quarters_disclosed_due_and_missed(quarterly):
    series = {s.name: s for s in routine_quarters(quarterly, 2026, dt.date(2026, 11, 10))}
    assert list(series) == [DUES, CADRES, REVIEW]
    dues, cadres, review = series[DUES], series[CADRES], series[REVIEW]
    assert (dues.disclosed, dues.due, dues.missed) == ([1, 2], [4], [3])
    assert (cadres.disclosed, cadres.due, cadres.missed) == ([3], [4], [])  # begun in Q3: Q1 and Q2 not missed
    assert (review.disclosed, review.due, review.missed) == ([], [4], [2, 3])
    assert routine_lines(dues) == [f"{DUES}：已公开 第一、二季度；待公开 第四季度；未按期公开 第三季度"]
    assert routine_lines([cadres, review]) == [
        f"{CADRES}：已公开 第三季度；待公开 第四季度",
        f"{REVIEW}：待公开 第四季度；未按期公开 第二、三季度",
    ]


def test_routine_quarters_count_planned_later_quarters_as_due(quarterly):
    series = {s.name: s for s in routine_quarters(quarterly, 2026, dt.date(2026, 5, 20))}
    dues = series[DUES]
    assert (dues.disclosed, dues.due, dues.missed) == ([1, 2], [3, 4], [])
    cadres = series[CADRES]
    assert (cadres.disclosed, cadres.due, cadres.missed) == ([3], [], [])  # not begun before Q3: Q2 not due
    after = {s.name: s for s in routine_quarters(quarterly, 2026, dt.date(2027, 2, 1))}  # the year over
    assert (after[DUES].due, after[DUES].missed) == ([], [3, 4])
    assert routine_lines(Series("无")) == ["无：本年暂无公开安排"]
