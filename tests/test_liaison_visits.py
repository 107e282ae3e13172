"""联系服务群众 (二2–3): 走访调研记录表 and 慰问登记表 out, returned sheets completing their rows.

Every sheet belongs to a row of 走访慰问调研; a sheet returned twice updates that row. The people's
类别, 困难情况, phone and address never reach what the commands print. Refusals leave the ledger
byte-identical.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from toolkit import generate, ingest
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.intake.docx_reader import read_docx
from toolkit.intake.pipeline import REJECTED, all_labels

from .conftest import add_rows, digest, journal_rows, set_cell

SHEET = "走访慰问调研"
MEMBERS = [
    {"姓名": "张书记", "职务": "党委书记", "党政正职": "是", "联系点": "信息工程学院"},
    {"姓名": "李校长", "职务": "校长", "党政正职": "是", "联系点": "教务处"},
    {"姓名": "王副书记", "职务": "党委副书记", "党政正职": "否", "联系点": "学生工作处、后勤管理处"},
]
PEOPLE = [  # 郑老's unit is no member's 联系点: the 慰问人 is left to the office
    {"姓名": "陈老", "单位": "后勤管理处", "类别": "老党员", "联系电话": "13800001111", "住址": "文一路88号"},
    {"姓名": "周老", "单位": "信息工程学院", "类别": "老同志", "联系电话": "13800002222", "住址": "学院路9号"},
    {"姓名": "郑老", "单位": "图书馆", "类别": "老党员", "联系电话": "13800003333", "住址": "天目山路5号"},
    {"姓名": "吴某", "单位": "教务处", "类别": "重病", "联系电话": "13800004444", "住址": "古墩路7号"},
]
DIFFICULTY = "双腿行动不便，老伴住院"
PRIVATE = ("老党员", "老同志", "重病", DIFFICULTY, "1380000", "文一路", "学院路", "天目山路", "古墩路")
CARE = {
    "慰问时间": "2026年10月18日",
    "困难情况": DIFFICULTY,
    "慰问金或物品": "慰问金500元、牛奶一箱",
    "对象诉求": "希望学校常来看看",
    "签收": "陈老",
    "备注": "精神状态良好",
}
VISIT = {
    "时间": "2026年10月28日上午",
    "地点": "学生工作处会议室",
    "参加人员": "王副书记、党委办公室刘秘书",
    "座谈对象或调研对象": "辅导员代表5人",
    "了解的情况": "辅导员队伍配备基本到位，工作量偏大。",
    "意见建议": "增加专职辅导员编制",
    "解决的问题": "协调解决值班室设备",
    "后续跟进": "11月底前反馈编制申请进展",
}


def run(ws, *args):
    return CliRunner().invoke(main, [*args, "-w", str(ws.root)])


def rows(ws) -> list[dict]:
    sheet = openpyxl.load_workbook(ws.ledger_path)[SHEET]
    head = [c.value for c in sheet[1]]
    return [dict(zip(head, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def row(ws, number: str) -> dict:
    return next(r for r in rows(ws) if r["记录编号"] == number)


def sheet_of(ws, number: str, title: str = "慰问登记表"):
    return next((ws.outbox / title).glob(f"{number}_*.docx"))


def no_private(text: str) -> None:
    leaked = [p for p in PRIVATE if p in text]
    assert not leaked, f"private details in the output: {leaked}\n{text}"


@pytest.fixture
def team(ws, monkeypatch):
    """Three members with their 联系点 and four people in 慰问对象; today 2026-10-30."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-10-30")
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    add_rows(ws.ledger_path, "慰问对象", PEOPLE)
    return ws


@pytest.fixture
def planned(team):
    """重阳节 2026 planned (陈老 → 王副书记, 周老 → 张书记, 郑老 without a 慰问人) and the 慰问登记表 generated."""
    r = run(team, "plan", "visits", "--occasion", "重阳节", "--year", "2026")
    assert r.exit_code == 0, r.output
    r = run(team, "generate", "visit-sheet", "--type", "慰问")
    assert r.exit_code == 0, r.output
    team.output = r.output
    return team


def test_each_planned_care_visit_gets_a_sheet_for_its_visitor(planned):
    out = planned.output
    assert "已生成 ZF-2026-001 慰问 王副书记" in out and "已生成 ZF-2026-002 慰问 张书记" in out
    assert "ZF-2026-003（慰问人待定" in out and "合计：已生成 2 份慰问登记表" in out
    no_private(out)
    form = read_docx(sheet_of(planned, "ZF-2026-001"), all_labels())
    ident = form.identity()
    assert (ident.kind, ident.number, ident.unit, ident.role) == ("care_sheet", "ZF-2026-001", "王副书记", "慰问")
    f = form.fields
    assert (f["对象"], f["单位"], f["类别"], f["慰问人"]) == ("陈老", "后勤管理处", "老党员", "王副书记")
    assert f["慰问时间"] == f["签收"] == "" and "文一路" not in str(f) and "1380000" not in str(f)  # no phone or address
    again = run(planned, "generate", "visit-sheet", "--type", "慰问", "--member", "张书记")
    assert "已生成 ZF-2026-002" in again.output and "ZF-2026-001" not in again.output


def test_a_returned_care_sheet_completes_its_row_and_a_second_one_updates_it(planned):
    fill_form(sheet_of(planned, "ZF-2026-001"), planned.inbox / "慰问登记表-陈老.docx", CARE)
    r = run(planned, "ingest")
    assert r.exit_code == 0 and "慰问已记录（2026年10月18日）" in r.output, r.output
    no_private(r.output)
    got = row(planned, "ZF-2026-001")
    assert (got["状态"], got["日期"].date(), got["困难情况"]) == ("已记录", dt.date(2026, 10, 18), DIFFICULTY)
    assert (got["慰问金或物品"], got["对象诉求"], got["主要情况"]) == ("慰问金500元、牛奶一箱", "希望学校常来看看", "精神状态良好")
    assert got["来源文件"] == "慰问登记表-陈老.docx"
    assert ("回执", "慰问·王副书记·已记录") in {(j["字段"], j["新值"]) for j in journal_rows(planned)}
    count = len(rows(planned))
    # returned again, corrected and without 签收: the same row, never a second one
    fill_form(sheet_of(planned, "ZF-2026-001"), planned.inbox / "慰问登记表-陈老-更正.docx", {**CARE, "签收": "", "对象诉求": "希望常来"})
    [second] = ingest(planned)
    assert second.result == "已更新" and "未经签收" in second.message
    no_private(second.message)
    got = row(planned, "ZF-2026-001")
    assert (got["对象诉求"], got["主要情况"], got["来源文件"]) == ("希望常来", "精神状态良好；登记表未经签收", "慰问登记表-陈老-更正.docx")
    assert len(rows(planned)) == count
    fill_form(sheet_of(planned, "ZF-2026-001"), planned.inbox / "又一份.docx", {**CARE, "签收": " ", "对象诉求": "希望常来"})
    [third] = ingest(planned)
    assert third.result == "无变化" and row(planned, "ZF-2026-001")["来源文件"] == "慰问登记表-陈老-更正.docx"
    regenerated = run(planned, "generate", "visit-sheet", "--type", "慰问")
    assert "ZF-2026-001（已记录）" in regenerated.output and "已生成 ZF-2026-002" in regenerated.output
    named = run(planned, "generate", "visit-sheet", "--type", "慰问", "--id", "ZF-2026-001", "--force")
    assert "已生成 ZF-2026-001 慰问 王副书记" in named.output, named.output


def test_a_contact_visit_sheet_made_with_new_adds_its_row_and_comes_back(team):
    before = digest(team.ledger_path)
    wrong = run(team, "generate", "visit-sheet", "--type", "走访联系点", "--member", "王副书记", "--unit", "教务处", "--new")
    assert wrong.exit_code != 0 and "不是王副书记的联系点" in wrong.output and "学生工作处、后勤管理处" in wrong.output
    assert digest(team.ledger_path) == before
    r = run(team, "generate", "visit-sheet", "--type", "走访联系点", "--member", "王副书记", "--unit", "学工处", "--new")
    assert r.exit_code == 0, r.output
    assert "自动编号：ZF-2026-001" in r.output and "已生成 ZF-2026-001 走访 王副书记" in r.output
    new = row(team, "ZF-2026-001")
    assert (new["类型"], new["班子成员"], new["对象或单位"], new["状态"]) == ("走访联系点", "王副书记", "学生工作处", "已安排")
    assert new["计划日期"].date() == dt.date(2026, 10, 30) and new["日期"] is None
    path = sheet_of(team, "ZF-2026-001", "走访调研记录表")
    f = read_docx(path, all_labels()).fields
    assert (f["记录编号"], f["类型"], f["班子成员"], f["对象或单位"]) == ("ZF-2026-001", "走访联系点", "王副书记", "学生工作处")
    fill_form(path, team.inbox / "走访记录.docx", VISIT)
    [outcome] = ingest(team)
    assert outcome.result == "已更新" and "走访已记录（2026年10月28日）" in outcome.message, outcome.message
    got = row(team, "ZF-2026-001")
    assert got["日期"].date() == dt.date(2026, 10, 28) and got["状态"] == "已记录"
    assert (got["地点"], got["参加人员"], got["座谈对象或调研对象"]) == ("学生工作处会议室", "王副书记、党委办公室刘秘书", "辅导员代表5人")
    assert (got["主要情况"], got["意见建议"], got["解决问题"], got["后续跟进"]) == (
        "辅导员队伍配备基本到位，工作量偏大。",
        "增加专职辅导员编制",
        "协调解决值班室设备",
        "11月底前反馈编制申请进展",
    )
    assert len(rows(team)) == 1


def test_research_new_and_planned_rows(team):
    r = run(team, "generate", "visit-sheet", "--type", "调研", "--member", "张书记", "--unit", "教务处", "--new")
    assert r.exit_code == 0 and "已生成 ZF-2026-001 调研 张书记" in r.output, r.output
    add_rows(team.ledger_path, SHEET, [{"班子成员": "李校长", "类型": "调研", "对象或单位": "后勤处", "事由": "食堂管理"}])
    planned = run(team, "generate", "visit-sheet", "--type", "调研")
    assert "自动编号：ZF-2026-002" in planned.output and "已生成 ZF-2026-002 调研 李校长" in planned.output
    assert row(team, "ZF-2026-002")["状态"] == "已安排"  # a row typed in without 状态 is planned once its sheet is out
    only = run(team, "generate", "visit-sheet", "--type", "调研", "--unit", "后勤管理处", "--dry-run")
    assert "ZF-2026-002" in only.output and "ZF-2026-001" not in only.output
    fill_form(sheet_of(team, "ZF-2026-002", "走访调研记录表"), team.inbox / "调研.docx", {**VISIT, "时间": "2026-10-29"})
    assert ingest(team)[0].result == "已更新"
    after = run(team, "generate", "visit-sheet", "--type", "调研")
    assert "ZF-2026-002（已记录）" in after.output and "已生成 ZF-2026-001" in after.output
    for args, said in (
        (("--type", "调研", "--new", "--member", "张书记"), "--unit"),
        (("--type", "慰问", "--new", "--with", "查无此人"), "慰问对象"),
        (("--type", "慰问", "--new", "--with", "郑老"), "--member"),
        (("--type", "走访联系点", "--member", "赵某"), "班子成员"),
        (("--type", "调研", "--with", "陈老"), "--with"),
    ):
        before = digest(team.ledger_path)
        bad = run(team, "generate", "visit-sheet", *args)
        assert bad.exit_code != 0 and said in bad.output, (args, bad.output)
        assert digest(team.ledger_path) == before
    care = run(team, "generate", "visit-sheet", "--type", "慰问", "--new", "--with", "吴某", "--member", "李校长")
    assert "已生成 ZF-2026-003 慰问 李校长" in care.output, care.output
    no_private(care.output)


@pytest.mark.parametrize(
    "answers, reason",
    [
        ({**VISIT, "时间": ""}, "“时间”为空"),
        ({**VISIT, "时间": "下周"}, "不是日期"),
        ({**VISIT, "时间": "2026-11-05"}, "将来"),
        ({**VISIT, "了解的情况": ""}, "了解的情况"),
        ({**VISIT, "对象或单位": "后勤管理处"}, "预填的内容被改动"),
    ],
)
def test_a_visit_sheet_that_cannot_be_taken_is_refused_and_the_ledger_kept(team, answers, reason):
    run(team, "generate", "visit-sheet", "--type", "走访联系点", "--member", "王副书记", "--unit", "学生工作处", "--new")
    before = digest(team.ledger_path)
    fill_form(sheet_of(team, "ZF-2026-001", "走访调研记录表"), team.inbox / "记录表.docx", answers)
    [outcome] = ingest(team)
    assert outcome.result == REJECTED and reason in outcome.message, outcome.message
    assert digest(team.ledger_path) == before


def test_care_sheet_refusals_quote_no_private_detail(planned):
    path = sheet_of(planned, "ZF-2026-002")
    before = digest(planned.ledger_path)
    fill_form(path, planned.inbox / "改了类别.docx", {**CARE, "类别": "重病"})
    [outcome] = ingest(planned)
    assert outcome.result == REJECTED and "类别" in outcome.message, outcome.message
    no_private(outcome.message)
    assert digest(planned.ledger_path) == before
    set_cell(planned.ledger_path, SHEET, "ZF-2026-002", "班子成员", "李校长")  # the office changed the 慰问人
    before = digest(planned.ledger_path)
    fill_form(path, planned.inbox / "过期.docx", CARE)
    [stale] = ingest(planned)
    assert stale.result == REJECTED and "已过期" in stale.message
    set_cell(planned.ledger_path, SHEET, "ZF-2026-002", "状态", "已取消")
    before = digest(planned.ledger_path)
    fill_form(path, planned.inbox / "已取消.docx", CARE)
    [closed] = ingest(planned)
    assert closed.result == REJECTED and closed.final and "已取消" in closed.message
    assert digest(planned.ledger_path) == before


@pytest.mark.slow
def test_blank_sheets_print_on_one_page(planned, soffice):
    run(planned, "generate", "visit-sheet", "--type", "走访联系点", "--member", "张书记", "--unit", "信息学院", "--new")
    care = generate(planned, "visit-sheet", options={"visit_type": "慰问", "member": "王副书记"}, pdf=True)
    visit = generate(planned, "visit-sheet", options={"visit_type": "走访联系点"}, pdf=True)
    for result in (care, visit):
        [doc] = result.documents
        assert len(PdfReader(str(doc.path.with_suffix(".pdf"))).pages) == 1, doc.path.name
