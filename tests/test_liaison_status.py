"""`dangwu status --register 联系服务群众`: the talk matrix, each member's counts, 红黄绿 by date, the sheet 谈心谈话覆盖.

The committee's talks are planned with `dangwu plan talks`, then some are marked 已记录 as a clerk
would in Excel; the expected figures are worked out here from what the test typed. Talk content and
the 慰问 people's 类别, 困难情况, phone and address must appear nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from toolkit import Workspace, init_workspace
from toolkit.cli import main
from toolkit.status import status as read_status

from .conftest import UNITS, add_rows, digest, journal_rows, set_cell

D = dt.date
COVER = "谈心谈话覆盖"
MEMBERS = [
    {"姓名": "周明", "职务": "党委书记", "党政正职": "是", "联系点": "信息工程学院"},
    {"姓名": "郑华", "职务": "校长", "党政正职": "是", "分管单位": "教务处", "联系点": "后勤管理处"},
    {"姓名": "冯涛", "职务": "党委副书记", "党政正职": "否", "分管单位": "学生工作处、后勤管理处", "联系点": "教务处、学生工作处"},
    {"姓名": "陈静", "职务": "副校长", "党政正职": "否", "分管单位": "信息学院"},
    {"姓名": "褚亮", "职务": "纪委书记", "党政正职": "否"},
    {"姓名": "卫东", "职务": "副校长", "党政正职": "否"},
    {"姓名": "蒋平", "职务": "副校长", "党政正职": "否"},
]
NAMES = [m["姓名"] for m in MEMBERS]
GREEN, NOT_FACE_FILL, PLANNED_FILL, YELLOW, RED = "C6EFCE", "DDE8D5", "FFF2CC", "FFEB9C", "FFC7CE"
# (谈话人, 谈话对象) → (谈话日期, 谈话方式) marked 已记录 after planning; 周明—蒋平 cancelled
HELD = {
    ("周明", "郑华"): (D(2026, 3, 10), "面对面"),
    ("周明", "冯涛"): (D(2026, 4, 15), "电话"),
    ("冯涛", "陈静"): (D(2026, 5, 8), "面对面"),
    ("郑华", "王建国"): (D(2026, 6, 12), "面对面"),  # 教务处负责人
}
EXTRA_TALKS = [
    {"谈话编号": "TH-2026-026", "谈话日期": D(2026, 9, 3), "谈话人": "周明", "谈话对象": "钱学友", "谈话对象单位及职务": "信息工程学院教师",
     "谈话类型": "与骨干", "谈话方式": "面对面", "状态": "已记录", "主要内容": "【骨干谈话内容】"},
    {"谈话编号": "TH-2025-001", "谈话日期": D(2025, 11, 20), "谈话人": "周明", "谈话对象": "卫东", "谈话类型": "正职与班子成员",
     "谈话方式": "面对面", "状态": "已记录"},  # last year's
]  # fmt: skip
VISITS = [
    {"记录编号": "ZF-2026-001", "日期": D(2026, 3, 18), "班子成员": "周明", "类型": "走访联系点", "事由": "座谈", "对象或单位": "信息学院",
     "状态": "已记录", "主要情况": "【走访情况】"},
    {"记录编号": "ZF-2026-002", "日期": D(2026, 5, 10), "班子成员": "冯涛、周明", "类型": "调研", "事由": "青年教师发展",
     "对象或单位": "教务处", "状态": "已记录"},
    {"记录编号": "ZF-2026-003", "日期": D(2026, 1, 20), "班子成员": "郑华", "类型": "慰问", "事由": "春节慰问", "对象或单位": "周福生",
     "困难情况": "【困难情况甲】长期卧床", "慰问金或物品": "500元", "状态": "已记录"},
    {"记录编号": "ZF-2026-004", "计划日期": D(2026, 12, 10), "班子成员": "郑华", "类型": "慰问", "事由": "困难帮扶",
     "对象或单位": "周福生", "状态": "已安排"},
    {"记录编号": "ZF-2026-005", "日期": D(2026, 4, 1), "班子成员": "冯涛", "类型": "走访联系点", "对象或单位": "学工处", "状态": "已取消"},
    {"记录编号": "ZF-2025-006", "日期": D(2025, 12, 10), "班子成员": "周明", "类型": "走访联系点", "对象或单位": "信息工程学院",
     "状态": "已记录"},
]  # fmt: skip
CARE_LIST = [{"姓名": "周福生", "单位": "信息工程学院", "类别": "老党员", "联系电话": "13800001111", "住址": "幸福路8号"}]
SECRET = ["【绝密谈话内容】", "【意见甲】", "【协调乙】", "【跟进丙】", "【骨干谈话内容】", "【困难情况甲】", "【走访情况】",
          "周福生", "老党员", "13800001111", "幸福路", "长期卧床"]  # fmt: skip


def _numbers(ws: Workspace) -> dict[tuple[str, str], str]:
    """(谈话人, 谈话对象) → 谈话编号 of the rows `plan talks` wrote (both ways round for member pairs)."""
    sheet = openpyxl.load_workbook(ws.ledger_path)["谈心谈话记录"]
    headers = [c.value for c in sheet[1]]
    out = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        rec = dict(zip(headers, values))
        if rec["谈话编号"]:
            out[(rec["谈话人"], rec["谈话对象"])] = out[(rec["谈话对象"], rec["谈话人"])] = rec["谈话编号"]
    return out


def _mark(ws: Workspace, pair, when, way, **more):
    number = _numbers(ws)[pair]
    for header, value in {"状态": "已记录", "谈话日期": when, "谈话方式": way, **more}.items():
        set_cell(ws.ledger_path, "谈心谈话记录", number, header, value)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The committee with its talks planned for 2026, four held (one by 电话), one cancelled, visits and 慰问."""
    ws = init_workspace(tmp_path_factory.mktemp("liaison-status") / "ws", units=UNITS)
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANGWU_TODAY", "2026-03-01")
        result = CliRunner().invoke(main, ["plan", "talks", "-w", str(ws.root), "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "已添加25项" in result.output.replace(" ", ""), result.output  # 21 pairs, 4 分管单位负责人
    secret = {"主要内容": "【绝密谈话内容】", "意见建议": "【意见甲】", "需协调解决的问题": "【协调乙】", "后续跟进": "【跟进丙】"}
    for i, (pair, (when, way)) in enumerate(HELD.items()):
        _mark(ws, pair, when, way, **(secret if i == 0 else {}))
    set_cell(ws.ledger_path, "谈心谈话记录", _numbers(ws)[("周明", "蒋平")], "状态", "已取消")
    add_rows(ws.ledger_path, "谈心谈话记录", EXTRA_TALKS)
    add_rows(ws.ledger_path, "走访慰问调研", VISITS)
    add_rows(ws.ledger_path, "慰问对象", CARE_LIST)
    return ws


@pytest.fixture
def lws(base, tmp_path) -> Workspace:
    """A fresh copy of the base workspace for one test."""
    return Workspace(shutil.copytree(base.root, tmp_path / "ws"))


def run(ws: Workspace, monkeypatch, day: str, *args: str):
    monkeypatch.setenv("DANGWU_TODAY", day)
    result = CliRunner().invoke(main, ["status", "-w", str(ws.root), "--register", "联系服务群众", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _tokens(output: str, name: str) -> list[str]:
    """The matrix row of ``name`` split into words (the first line that starts with the name)."""
    line = next(line for line in output.splitlines() if line.split()[:1] == [name])
    return line.split()


def test_matrix_and_counts(lws, monkeypatch):
    out = run(lws, monkeypatch, "2026-06-15")
    assert (
        "联系服务群众 2026年度（截至 2026-06-15）：班子成员 7 人；制度要求谈心谈话 25 次，已谈 4 次（其中非面对面 1 次），"
        "已安排未谈 20 次，缺 1 次；走访联系点 1 次，调研 1 次，慰问已完成 1 次、待完成 1 次。"
    ) in out, out
    header = next(line for line in out.splitlines() if line.split() == ["班子成员", *NAMES])
    assert header
    assert _tokens(out, "周明") == ["周明", "—", "已谈", "3-10", "非面对面", "4-15", "已安排", "已安排", "已安排", "缺"]
    assert _tokens(out, "郑华") == ["郑华", "已谈", "3-10", "—", *["已安排"] * 5]  # a pair counts for both
    assert _tokens(out, "冯涛") == ["冯涛", "非面对面", "4-15", "已安排", "—", "已谈", "5-8", "已安排", "已安排", "已安排"]
    assert _tokens(out, "蒋平") == ["蒋平", "缺", *["已安排"] * 5, "—"]
    assert (
        "周明（党委书记）：应谈 6 次，已谈 2 次（其中非面对面 1 次），未谈 4 次（已安排 3，未安排 1）；按类型：正职与班子成员 2/6、与骨干 1 次"
        in out
    )
    assert "谈话合计 3 次，面对面 2 次（67%），非面对面 1 次；走访联系点 信息工程学院 1/2；调研 1 次；慰问已完成 0 次、待完成 0 次" in out
    assert (
        "郑华（校长）：应谈 7 次，已谈 2 次（其中非面对面 0 次），未谈 5 次（已安排 5，未安排 0）；按类型：正职与班子成员 1/6、与分管领域负责人 1/1"
        in out
    )
    assert "谈话合计 2 次，面对面 2 次（100%）；走访联系点 后勤管理处 0/2；调研 0 次；慰问已完成 1 次、待完成 1 次" in out
    assert "冯涛（党委副书记）：应谈 8 次，已谈 2 次（其中非面对面 1 次）" in out
    assert "正职与班子成员 1/2、班子成员之间 1/4、与分管领域负责人 0/2" in out
    assert "走访联系点 教务处 0/2、学生工作处 0/2；调研 1 次" in out  # the cancelled visit counts for nothing
    assert "尚未与分管单位负责人谈话：赵红（学生工作处负责人）、吴强（后勤管理处负责人）" in out
    assert "陈静（副校长）：应谈 7 次，已谈 1 次" in out and "孙立（信息工程学院负责人）" in out  # 分管单位 by 简称
    assert "褚亮（纪委书记）：应谈 6 次，已谈 0 次" in out and "走访联系点 未填联系点" in out


def test_no_talk_content_nor_care_details(lws, monkeypatch):
    out = run(lws, monkeypatch, "2026-10-09") + run(lws, monkeypatch, "2026-10-09", "--json")
    found = [s for s in SECRET if s in out]
    assert not found, found
    sheet = openpyxl.load_workbook(lws.ledger_path)[COVER]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert not [s for s in SECRET if s in text]


def _colours(ws: Workspace, monkeypatch, day: str) -> dict[str, str | None]:
    """Each member's colour in the terminal lines (of the line naming the member with 职务)."""
    monkeypatch.setenv("DANGWU_TODAY", day)
    st = read_status(ws, "联系服务群众", write=False, year=2026)
    posts = {m["姓名"]: f"{m['姓名']}（{m['职务']}）" for m in MEMBERS}
    return {name: next(colour for line, colour in st.lines() if post in line) for name, post in posts.items()}


def test_colours_as_the_year_runs_out(lws, monkeypatch):
    assert set(_colours(lws, monkeypatch, "2026-09-30").values()) == {"green"}  # talks missing, time left
    assert set(_colours(lws, monkeypatch, "2026-10-01").values()) == {"yellow"}
    assert set(_colours(lws, monkeypatch, "2026-12-01").values()) == {"red"}
    assert set(_colours(lws, monkeypatch, "2027-02-01").values()) == {"red"}  # 2026 seen from the next year
    toml = lws.root / "dangwu.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('talk_yellow_from = "10-01"', 'talk_yellow_from = "06-01"'), encoding="utf-8")
    assert set(_colours(Workspace(lws.root), monkeypatch, "2026-06-15").values()) == {"yellow"}


def _fills(sheet) -> dict[tuple[int, int], tuple[object, str]]:
    return {
        (c.row, c.column): (c.value, (c.fill.fgColor.rgb or "")[-6:] if c.fill.fill_type else "")
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    }


def test_the_coverage_sheet(lws, monkeypatch):
    run(lws, monkeypatch, "2026-10-09")
    wb = openpyxl.load_workbook(lws.ledger_path)
    assert wb.sheetnames[-2:] == [COVER, "变更记录"]
    cells = _fills(wb[COVER])
    assert cells[(1, 1)][0] == "更新日期" and cells[(1, 2)][0] == "2026-10-09" and cells[(1, 4)][0] == "2026年"
    assert [cells[(4, c)][0] for c in range(1, 9)] == ["班子成员", *NAMES]
    assert [cells[(r, 1)][0] for r in range(5, 12)] == NAMES
    zhou = [cells[(5, c)] for c in range(2, 9)]
    assert zhou == [
        ("—", ""), ("已谈 3-10", GREEN), ("非面对面 4-15", NOT_FACE_FILL),
        ("已安排", PLANNED_FILL), ("已安排", PLANNED_FILL), ("已安排", PLANNED_FILL), ("缺", YELLOW),
    ]  # fmt: skip
    assert cells[(11, 2)] == ("缺", YELLOW) and cells[(7, 5)] == ("已谈 5-8", GREEN)
    head = {cells[(13, c)][0]: c for c in range(1, 30) if (13, c) in cells}
    assert list(head)[:7] == ["班子成员", "职务", "应谈", "已谈", "其中非面对面", "已安排未谈", "未安排"]
    zhou = {h: cells[(14, c)] for h, c in head.items()}
    assert zhou["班子成员"][0] == "周明" and (zhou["应谈"][0], zhou["已谈"][0], zhou["其中非面对面"][0]) == (6, 2, 1)
    assert (zhou["正职与班子成员"][0], zhou["与骨干"][0], zhou["面对面占比"][0]) == ("2/6", 1, "67%")
    assert zhou["联系点走访"][0] == "信息工程学院 1/2" and zhou["调研"][0] == 1
    assert zhou["预警"] == ("尚有4次谈话未谈", YELLOW)
    zheng = {h: cells[(15, c)][0] for h, c in head.items()}
    assert (zheng["与分管领域负责人"], zheng["慰问已完成"], zheng["慰问待完成"]) == ("1/1", 1, 1)
    assert max(r for r, _ in cells) == 20  # seven members' rows, nothing below
    assert CliRunner().invoke(main, ["check", "-w", str(lws.root)]).exit_code == 0  # the sheet is no error


def test_a_later_run_rewrites_the_sheet(lws, monkeypatch):
    run(lws, monkeypatch, "2026-10-09")
    before = digest(lws.ledger_path)
    run(lws, monkeypatch, "2026-10-09")
    assert digest(lws.ledger_path) == before  # nothing changed: not saved
    _mark(lws, ("周明", "陈静"), D(2026, 10, 20), "面对面")
    run(lws, monkeypatch, "2026-12-02")
    wb = openpyxl.load_workbook(lws.ledger_path)
    assert wb.sheetnames.count(COVER) == 1
    cells = _fills(wb[COVER])
    assert cells[(1, 2)][0] == "2026-12-02"
    assert cells[(5, 5)] == cells[(8, 2)] == ("已谈 10-20", GREEN)
    assert cells[(5, 8)] == ("缺", RED)  # red from 12-01
    assert cells[(14, 4)][0] == 3 and cells[(14, 20)] == ("尚有3次谈话未谈", RED)
    assert max(r for r, _ in cells) == 20  # rewritten, not appended
    assert any(r["台账"] == COVER and r["操作"] == "刷新全表" for r in journal_rows(lws))


def test_json_has_the_numbers(lws, monkeypatch):
    data = json.loads(run(lws, monkeypatch, "2026-06-15", "--json"))
    assert (data["year"], data["level"], data["yellow_from"], data["red_from"]) == (2026, "绿", "2026-10-01", "2026-12-01")
    assert (data["required"], data["held"], data["not_face"], data["scheduled"], data["missing"]) == (25, 4, 1, 20, 1)
    assert (data["visits"], data["research"], data["care_done"], data["care_due"]) == (1, 1, 1, 1)
    assert data["matrix"]["冯涛"]["周明"] == {"state": "非面对面", "date": "2026-04-15", "text": "非面对面 4-15"}
    assert data["matrix"]["周明"]["蒋平"]["state"] == "缺" and data["matrix"]["卫东"]["卫东"]["state"] == "—"
    zhou = next(m for m in data["members"] if m["name"] == "周明")
    assert (zhou["owed_total"], zhou["held_total"], zhou["outstanding"], zhou["not_face"]) == (6, 2, 4, 1)
    assert (zhou["talks"], zhou["face"], zhou["other_way"], zhou["face_share"]) == (3, 2, 1, "67%")
    assert zhou["others"] == {"与骨干": 1, "与其他干部群众": 0} and zhou["contacts"] == {"信息工程学院": 1}
    assert (zhou["research"], zhou["colour"]) == (1, "绿")


def test_another_year(lws, monkeypatch):
    out = run(lws, monkeypatch, "2026-06-15", "--year", "2025")
    assert "联系服务群众 2025年度" in out and "已谈 1 次" in out and "缺 24 次" in out
    assert _tokens(out, "卫东") == ["卫东", "已谈", "11-20", *["缺"] * 4, "—", "缺"]  # the 2026 plan counts for nothing
    assert "走访联系点 1 次" in out  # ZF-2025-006 (2025-12-10)
    data = json.loads(run(lws, monkeypatch, "2026-06-15", "--year", "2025", "--json"))
    assert data["level"] == "红" and data["matrix"]["周明"]["卫东"]["text"] == "已谈 11-20"
    sheet = openpyxl.load_workbook(lws.ledger_path)[COVER]
    assert sheet["D1"].value == "2025年" and sheet["G5"].value == "已谈 11-20" and sheet["C5"].fill.fgColor.rgb.endswith(RED)


def test_without_members_nothing_is_written(tmp_path, monkeypatch):
    ws = init_workspace(tmp_path / "empty", units=UNITS)
    before = digest(ws.ledger_path)
    out = run(ws, monkeypatch, "2026-06-15")
    assert "“班子成员”表中没有成员" in out
    assert digest(ws.ledger_path) == before
    assert COVER not in openpyxl.load_workbook(ws.ledger_path).sheetnames


def test_a_member_with_every_talk_held_has_no_colour(tmp_path, monkeypatch):
    ws = init_workspace(tmp_path / "two", units=UNITS)
    add_rows(ws.ledger_path, "班子成员", MEMBERS[:1] + [{"姓名": "郑华", "职务": "校长", "党政正职": "是"}])
    talk = {"谈话编号": "TH-2026-001", "谈话日期": D(2026, 2, 3), "谈话人": "郑华", "谈话对象": "周明", "谈话类型": "正职与班子成员",
            "状态": "已记录"}  # fmt: skip
    add_rows(ws.ledger_path, "谈心谈话记录", [talk])  # 谈话方式 blank: 已谈, not counted face to face
    out = run(ws, monkeypatch, "2026-12-20")
    assert _tokens(out, "周明") == ["周明", "—", "已谈", "2-3"]
    assert "谈话合计 1 次，面对面 0 次（0%），方式未填 1 次" in out
    monkeypatch.setenv("DANGWU_TODAY", "2026-12-20")
    st = read_status(ws, "联系服务群众", write=False)
    assert [colour for line, colour in st.lines() if "（党委书记）" in line or "（校长）" in line] == [None, None]
    sheet = openpyxl.load_workbook(ws.ledger_path)[COVER]
    assert sheet["T9"].value == "制度要求的谈话均已谈" and sheet["T9"].fill.fill_type is None


def test_plain_status_shows_each_member_in_a_line_and_where_the_matrix_is(lws, monkeypatch):
    """Among every register's summaries the matrix would drown the others: a line per member instead."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-15")
    result = CliRunner().invoke(main, ["status", "-w", str(lws.root)])
    assert result.exit_code == 0, result.output
    part = result.output.split("【联系服务群众】", 1)[1]
    assert "周明：已谈 2/6 次，未谈 4 次" in part and "郑华：已谈 2/7 次，未谈 5 次" in part
    assert not any(line.split() == ["班子成员", *NAMES] for line in part.splitlines())  # no matrix here
    assert "dangwu status --register 联系服务群众" in part
    assert not [s for s in SECRET if s in result.output]


def test_year_goes_to_yearly_registers_only(lws, monkeypatch):
    """`status --year` is for a register whose summary is of a year; others refuse it and change nothing."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-15")
    before = digest(lws.ledger_path)
    refused = CliRunner().invoke(main, ["status", "-w", str(lws.root), "--register", "督查督办", "--year", "2025"])
    assert refused.exit_code != 0 and "不分年度" in refused.output, refused.output
    assert digest(lws.ledger_path) == before
    other = CliRunner().invoke(main, ["status", "-w", str(lws.root), "--year", "2025"])  # every register: the year reaches liaison
    assert other.exit_code == 0 and "联系服务群众 2025年度" in other.output, other.output
