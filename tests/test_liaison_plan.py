"""联系服务群众 plans: `plan talks` (the talks 二5 requires of a year) and `plan visits` (慰问 due at an occasion).

The expected rows are worked out here from the rule's text, not from the module; every refusal leaves
the ledger byte-identical.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import openpyxl
import pytest
from click.testing import CliRunner

from toolkit.cli import main

from .conftest import add_rows, digest, set_cell

MEMBERS = [
    {"姓名": "张书记", "职务": "党委书记", "党政正职": "是", "联系点": "教务处"},
    {"姓名": "李委员", "职务": "党委委员", "党政正职": "否", "联系点": "学生工作处"},
    {"姓名": "刘校长", "职务": "党委副书记、校长", "党政正职": "是", "联系点": "信息工程学院"},
    {"姓名": "王副书记", "职务": "党委副书记", "党政正职": "否", "联系点": "后勤管理处"},
    {"姓名": "赵副校长", "职务": "副校长", "党政正职": "否"},
    {"姓名": "钱副校长", "职务": "副校长", "党政正职": "否"},
    {"姓名": "孙委员", "职务": "党委委员、纪委书记", "党政正职": "否"},
]
CHIEFS = {"张书记", "刘校长"}
CARE = [
    {"姓名": "老周", "单位": "教务处", "类别": "老党员", "所在支部": "离退休第一支部", "联系电话": "13800000001", "住址": "校内"},
    {"姓名": "老吴", "单位": "后勤管理处", "类别": "老同志", "所在支部": "离退休第二支部"},
    {"姓名": "小郑", "单位": "信息工程学院", "类别": "困难", "所在支部": "信息学院教工支部"},
    {"姓名": "老冯", "单位": "计算中心", "类别": "老党员"},  # a unit no member's 联系点 holds
    {"姓名": "小陈", "单位": "学生工作处", "类别": "重病"},
    {"姓名": "小何", "单位": "教务处", "类别": "其他"},
]


def run(ws, *args):
    return CliRunner().invoke(main, [*args, "-w", str(ws.root)])


def sheet_rows(ws, name: str) -> list[dict]:
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[name]
    headers = [c.value for c in sheet[1]]
    return [dict(zip(headers, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


@pytest.fixture
def team(ws, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-03-02")
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    return ws


def test_seven_members_two_of_them_chiefs_need_21_pair_talks_each_once(team):
    r = run(team, "plan", "talks", "--year", "2026")
    assert r.exit_code == 0, r.output
    talks = sheet_rows(team, "谈心谈话记录")
    assert len(talks) == 21 == len(list(combinations(MEMBERS, 2)))
    pairs = {frozenset((t["谈话人"], t["谈话对象"])) for t in talks}
    assert pairs == {frozenset((a["姓名"], b["姓名"])) for a, b in combinations(MEMBERS, 2)}  # every pair, once
    order = [m["姓名"] for m in MEMBERS]
    for t in talks:
        who, other = t["谈话人"], t["谈话对象"]
        assert t["状态"] == "已安排" and t["计划日期"] is None and t["谈话编号"].startswith("TH-2026-")
        if {who, other} & CHIEFS:  # a pair with a 党政正职 counts for both duties; the 党政正职 talks
            assert t["谈话类型"] == "正职与班子成员"
            assert who in CHIEFS and (other not in CHIEFS or order.index(who) < order.index(other))
        else:  # else the member listed first in 班子成员 talks
            assert t["谈话类型"] == "班子成员之间" and order.index(who) < order.index(other)
    assert sorted(t["谈话编号"] for t in talks) == [f"TH-2026-{i:03d}" for i in range(1, 22)]
    before = digest(team.ledger_path)
    again = run(team, "plan", "talks", "--year", "2026")
    assert again.exit_code == 0 and "没有需要添加" in again.output
    assert digest(team.ledger_path) == before  # running it twice adds nothing, not even a save


def test_a_member_with_three_units_of_one_head_each_adds_three_talks(team):
    set_cell(team.ledger_path, "班子成员", "赵副校长", "分管单位", "教务处、学工处、信息工程学院")  # a 简称 too
    r = run(team, "plan", "talks", "--year", "2026")
    assert r.exit_code == 0, r.output
    heads = [t for t in sheet_rows(team, "谈心谈话记录") if t["谈话类型"] == "与分管领域负责人"]
    assert len(sheet_rows(team, "谈心谈话记录")) == 24
    assert {(t["谈话人"], t["谈话对象"], t["谈话对象单位及职务"]) for t in heads} == {
        ("赵副校长", "王建国", "教务处负责人"),
        ("赵副校长", "赵红", "学生工作处负责人"),
        ("赵副校长", "孙立", "信息工程学院负责人"),
    }


def test_several_heads_of_a_unit_each_get_a_talk(team):
    set_cell(team.ledger_path, "承办单位", "教务处", "负责人", "王建国、林芳")
    set_cell(team.ledger_path, "班子成员", "孙委员", "分管单位", "教务处")
    assert run(team, "plan", "talks", "--year", "2026").exit_code == 0
    heads = {t["谈话对象"] for t in sheet_rows(team, "谈心谈话记录") if t["谈话类型"] == "与分管领域负责人"}
    assert heads == {"王建国", "林芳"}


def test_member_option_plans_only_that_members_talks(team):
    r = run(team, "plan", "talks", "--year", "2026", "--member", "孙委员")
    assert r.exit_code == 0, r.output
    talks = sheet_rows(team, "谈心谈话记录")
    assert len(talks) == 6 and all("孙委员" in (t["谈话人"], t["谈话对象"]) for t in talks)
    assert run(team, "plan", "talks", "--year", "2026").exit_code == 0
    assert len(sheet_rows(team, "谈心谈话记录")) == 21  # the rest added, the member's six not again


def test_a_talk_already_held_or_typed_in_either_way_round_is_not_planned_again(team):
    add_rows(
        team.ledger_path,
        "谈心谈话记录",
        [{"谈话人": "孙委员", "谈话对象": "李委员", "谈话类型": "班子成员之间", "谈话日期": dt.date(2026, 2, 10), "状态": "已记录"}],
    )
    assert run(team, "plan", "talks", "--year", "2026").exit_code == 0
    rows = sheet_rows(team, "谈心谈话记录")
    assert len(rows) == 21
    assert sum(1 for t in rows if {t["谈话人"], t["谈话对象"]} == {"孙委员", "李委员"}) == 1


def test_another_year_is_planned_apart_and_numbered_by_its_year(team):
    assert run(team, "plan", "talks", "--year", "2026").exit_code == 0
    assert run(team, "plan", "talks", "--year", "2027").exit_code == 0
    numbers = [t["谈话编号"] for t in sheet_rows(team, "谈心谈话记录")]
    assert sum(n.startswith("TH-2026-") for n in numbers) == 21 and sum(n.startswith("TH-2027-") for n in numbers) == 21


def test_planned_talks_of_a_member_who_left_are_cancelled_not_deleted(team):
    assert run(team, "plan", "talks", "--year", "2026").exit_code == 0
    wb = openpyxl.load_workbook(team.ledger_path)
    sheet = wb["班子成员"]
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(r, 1).value == "钱副校长":
            for c in range(1, sheet.max_column + 1):
                sheet.cell(r, c).value = None
    wb.save(team.ledger_path)
    r = run(team, "plan", "talks", "--year", "2026")
    assert r.exit_code == 0 and "已取消" in r.output, r.output
    rows = sheet_rows(team, "谈心谈话记录")
    assert len(rows) == 21
    gone = [t for t in rows if "钱副校长" in (t["谈话人"], t["谈话对象"])]
    assert len(gone) == 6 and all(t["状态"] == "已取消" for t in gone)
    assert all(t["状态"] == "已安排" for t in rows if t not in gone)


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("--year", "2026", "--member", "马主任"), "没有“马主任”"),
        (("--year", "99"), "不是有效年度"),
    ],
)
def test_plan_talks_refusals_leave_the_ledger_untouched(team, args, expect):
    before = digest(team.ledger_path)
    r = run(team, "plan", "talks", *args)
    assert r.exit_code != 0 and expect in r.output, r.output
    assert digest(team.ledger_path) == before


def test_no_members_is_a_clear_error(ws):
    before = digest(ws.ledger_path)
    r = run(ws, "plan", "talks", "--year", "2026")
    assert r.exit_code != 0 and "班子成员" in r.output
    assert digest(ws.ledger_path) == before


def test_dry_run_lists_and_writes_nothing(team):
    before = digest(team.ledger_path)
    r = run(team, "plan", "talks", "--year", "2026", "--dry-run")
    assert r.exit_code == 0 and "将添加" in r.output and "试运行" in r.output
    assert digest(team.ledger_path) == before


# ---- 慰问


@pytest.fixture
def carers(team):
    add_rows(team.ledger_path, "慰问对象", CARE)
    return team


def visits(ws) -> list[dict]:
    return [v for v in sheet_rows(ws, "走访慰问调研") if v["类型"] == "慰问"]


def test_festival_visits_go_to_old_members_and_veterans_on_the_festivals_date(carers):
    r = run(carers, "plan", "visits", "--occasion", "春节", "--year", "2027")
    assert r.exit_code == 0, r.output
    got = {v["对象或单位"]: v for v in visits(carers)}
    assert set(got) == {"老周", "老吴", "老冯"}  # 老党员 and 老同志 only
    assert all(v["事由"] == "春节慰问" and v["状态"] == "已安排" and v["记录编号"].startswith("ZF-2027-") for v in got.values())
    assert {v["计划日期"].date() for v in got.values()} == {dt.date(2027, 2, 6)}  # 春节 2027 (正月初一)
    assert got["老周"]["班子成员"] == "张书记"  # whose 联系点 holds the person's unit
    assert got["老吴"]["班子成员"] == "王副书记"
    assert got["老冯"]["班子成员"] is None  # no 联系点 holds it: left blank for the clerk
    assert "慰问人待办公室指定" in r.output and "老冯" in r.output
    for text in ("13800000001", "离退休第一支部", "校内"):
        assert text not in r.output  # no contact details in the output
    before = digest(carers.ledger_path)
    set_cell(carers.ledger_path, "走访慰问调研", got["老冯"]["记录编号"], "班子成员", "孙委员")  # the clerk assigns
    before = digest(carers.ledger_path)
    again = run(carers, "plan", "visits", "--occasion", "春节", "--year", "2027")
    assert again.exit_code == 0 and digest(carers.ledger_path) == before  # never reshuffled, nothing added


def test_new_years_day_and_double_ninth_dates(carers):
    assert run(carers, "plan", "visits", "--occasion", "元旦", "--year", "2027").exit_code == 0
    assert run(carers, "plan", "visits", "--occasion", "重阳节", "--year", "2026").exit_code == 0
    by_reason = {(v["事由"], v["对象或单位"]): v["计划日期"].date() for v in visits(carers)}
    assert by_reason[("元旦慰问", "老周")] == dt.date(2027, 1, 1)
    assert by_reason[("重阳节慰问", "老周")] == dt.date(2026, 10, 18)  # 九月初九 of 2026


def test_everyday_visits_skip_people_visited_within_the_interval(carers, monkeypatch):
    add_rows(
        carers.ledger_path,
        "走访慰问调研",
        [{"日期": dt.date(2026, 1, 20), "班子成员": "刘校长", "类型": "慰问", "事由": "困难帮扶", "对象或单位": "小郑", "状态": "已记录"}],
    )
    r = run(carers, "plan", "visits", "--occasion", "日常", "--year", "2026")  # today 2026-03-02: 41 days after
    assert r.exit_code == 0, r.output
    planned = [v for v in visits(carers) if v["状态"] == "已安排"]
    assert [v["对象或单位"] for v in planned] == ["小陈"]  # 重病; 小郑 was visited 41 days ago; 其他 never
    assert planned[0]["班子成员"] == "李委员" and planned[0]["事由"] == "困难帮扶"
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-01")  # 132 days after 小郑's visit; 小陈's is planned, not made
    assert run(carers, "plan", "visits", "--occasion", "日常", "--year", "2026").exit_code == 0
    planned = [v["对象或单位"] for v in visits(carers) if v["状态"] == "已安排"]
    assert sorted(planned) == ["小郑", "小陈"]  # 小陈's waiting visit is not planned twice


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("--occasion", "端午", "--year", "2026"), "不在可选范围内"),
        (("--occasion", "元旦", "--year", "3000"), "不是有效年度"),
    ],
)
def test_plan_visits_refusals_leave_the_ledger_untouched(carers, args, expect):
    before = digest(carers.ledger_path)
    r = run(carers, "plan", "visits", *args)
    assert r.exit_code != 0 and expect in r.output, r.output
    assert digest(carers.ledger_path) == before


def test_plan_visits_without_people_to_visit_says_what_to_do(team):
    before = digest(team.ledger_path)
    r = run(team, "plan", "visits", "--occasion", "元旦", "--year", "2027")
    assert r.exit_code != 0 and "慰问对象" in r.output
    assert digest(team.ledger_path) == before


def test_a_head_talk_typed_in_any_words_counts_and_a_blank_state_with_a_date_is_held_everywhere(team, monkeypatch):
    """The clerk types a held talk with the unit's 简称 and no 状态: plan, status, talk-sheet and report agree it was held."""
    set_cell(team.ledger_path, "班子成员", "孙委员", "分管单位", "教务处")
    add_rows(
        team.ledger_path,
        "谈心谈话记录",
        [
            {"谈话人": "孙委员", "谈话对象": "王建国", "谈话对象单位及职务": "教务处长", "谈话类型": "与分管领域负责人",
             "谈话日期": dt.date(2026, 2, 20), "谈话方式": "面对面"},
            {"谈话编号": "TH-2026-900", "谈话人": "张书记", "谈话对象": "孙委员", "谈话类型": "正职与班子成员",
             "谈话日期": dt.date(2026, 2, 21), "谈话方式": "面对面"},
        ],
    )  # fmt: skip
    r = run(team, "plan", "talks", "--year", "2026")
    assert r.exit_code == 0 and "王建国" not in r.output and "张书记 — 孙委员" not in r.output, r.output
    assert len(sheet_rows(team, "谈心谈话记录")) == 22  # 21 pairs (one typed) + the typed head talk
    status = run(team, "status", "--register", "联系服务群众", "--year", "2026")
    assert status.exit_code == 0, status.output
    assert "孙委员（党委委员、纪委书记）：应谈 7 次，已谈 2 次" in status.output, status.output
    sheet = run(team, "generate", "talk-sheet", "--id", "TH-2026-900")
    assert sheet.exit_code == 0 and "已记录" in sheet.output  # held: no sheet for it
    report = run(team, "report", "--register", "联系服务群众", "--year", "2026", "--member", "孙委员")
    assert report.exit_code == 0 and "已记录谈心谈话 2 次" in report.output, report.output
