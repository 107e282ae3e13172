"""党务公开 (三(一) 审批): approval forms out, decisions back (Word and PDF) or recorded with `decide`, status.

Every refusal leaves the ledger byte-identical; every check reads the files the toolkit wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

import toolkit
from toolkit import generate, ingest, status
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.intake.docx_reader import read_docx
from toolkit.intake.pipeline import REJECTED, all_labels

from .conftest import add_rows, digest, journal_rows, set_cell

SHEET = "党务公开台账"
ITEMS = [
    {
        "公开类别": "党务运行基本情况",
        "公开事项": "2026年第四季度党费收缴管理情况",
        "公开内容摘要": "全校各党支部党费收缴、使用和管理情况",
        "提出部门": "学工处",
        "公开范围": "全体党员",
        "公开形式": "党员大会、内网",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 12, 20),
    },
    {
        "公开类别": "党风廉政建设",
        "公开事项": "学校领导班子民主生活会情况",
        "公开内容摘要": "民主生活会召开情况及整改措施",
        "提出部门": "教务处",
        "公开范围": "全体教职工",
        "公开形式": "校园网、公示栏",
        "时限类型": "阶段性",
        "计划公开日期": dt.date(2026, 12, 1),
    },
    {
        "公开类别": "基层组织建设情况",
        "公开事项": "拟发展党员公示",
        "公开范围": "社会",
        "公开形式": "校园网",
        "时限类型": "临时性",
        "计划公开日期": dt.date(2026, 12, 10),
    },
]
DECIDED = {"审批结果": "☑同意公开　□不予公开", "审批人": "王书记", "审批日期": "2026年12月2日", "审批意见": "同意，按计划公开。"}


@pytest.fixture
def items(ws, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-12-04")
    add_rows(ws.ledger_path, SHEET, ITEMS)
    return ws


@pytest.fixture
def sent(items):
    """Approval forms generated for the three items."""
    result = generate(items, "approval")
    assert len(result.documents) == 3
    return items


def _rows(ws) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(ws.ledger_path)[SHEET]
    head = [c.value for c in sheet[1]]
    return {r[0]: dict(zip(head, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}


def _form(ws, number: str):
    return next((ws.outbox / "党务公开审批表").glob(f"{number}_*.docx"))


def test_approval_forms_carry_the_item_and_its_identity(items):
    result = generate(items, "approval")
    assert [d.number for d in result.documents] == ["GK-2026-001", "GK-2026-002", "GK-2026-003"]
    assert [d.unit for d in result.documents] == ["学生工作处", "教务处", "党委办公室"]  # the proposing unit fills it in
    form = read_docx(result.documents[0].path, all_labels())
    assert form.identity().kind == "approval" and form.identity().number == "GK-2026-001"
    assert form.fields["公开事项"] == "2026年第四季度党费收缴管理情况"
    assert form.fields["公开范围"] == "全体党员" and form.fields["计划公开日期"] == "2026年12月20日"
    assert form.fields["审批人"] == "" and "同意公开" in form.fields["审批结果"]
    rows = _rows(items)
    assert {r["审批状态"] for r in rows.values()} == {"待审批"}
    assert any(j["字段"] == "审批状态" and j["新值"] == "待审批" for j in journal_rows(items))
    again = generate(items, "approval")  # already sent: not again unless forced
    assert again.documents == [] and len(again.skipped) == 3
    assert len(generate(items, "approval", ids=["GK-2026-002"]).documents) == 1


def test_a_returned_decision_is_recorded_and_journalled(sent):
    fill_form(_form(sent, "GK-2026-002"), sent.inbox / "审批表-民主生活会.docx", DECIDED)
    [outcome] = ingest(sent)
    assert outcome.result == "已更新" and "已批准" in outcome.message
    row = _rows(sent)["GK-2026-002"]
    assert (row["审批状态"], row["审批人"], row["审批意见"]) == ("已批准", "王书记", "同意，按计划公开。")
    assert row["审批日期"].date() == dt.date(2026, 12, 2)
    assert "截至12月4日：待公开" in row["预警"] and "逾期" in row["预警"]  # planned for 12-01, not yet published
    fields = {(j["字段"], j["新值"]) for j in journal_rows(sent) if j["编号"] == "GK-2026-002"}
    assert ("审批状态", "已批准") in fields and ("回执", "审批·教务处·已批准") in fields


@pytest.mark.parametrize(
    "answers, reason",
    [
        ({**DECIDED, "审批结果": "□同意公开　□不予公开"}, "审批结果"),
        ({**DECIDED, "审批结果": "☑同意公开　☑不予公开"}, "审批结果"),
        ({**DECIDED, "审批人": ""}, "审批人"),
        ({**DECIDED, "审批日期": ""}, "审批日期"),
        ({**DECIDED, "审批日期": "2027-01-05"}, "将来"),
        ({**DECIDED, "公开范围": "社会"}, "公开范围"),
    ],
)
def test_a_decision_that_cannot_be_taken_is_refused_and_the_ledger_kept(sent, answers, reason):
    before = digest(sent.ledger_path)
    fill_form(_form(sent, "GK-2026-001"), sent.inbox / "审批表.docx", answers)
    [outcome] = ingest(sent)
    assert outcome.result == REJECTED and reason in outcome.message, outcome.message
    assert digest(sent.ledger_path) == before
    assert (sent.rejected / "审批表.docx").exists()


def test_a_second_form_for_a_decided_item_is_refused(sent):
    fill_form(_form(sent, "GK-2026-001"), sent.inbox / "第一份.docx", DECIDED)
    ingest(sent)
    before = digest(sent.ledger_path)
    fill_form(_form(sent, "GK-2026-001"), sent.inbox / "第二份.docx", {**DECIDED, "审批意见": "再次审批"})
    [outcome] = ingest(sent)
    assert outcome.result == REJECTED and "已审批" in outcome.message
    assert digest(sent.ledger_path) == before


def test_decide_records_a_paper_decision_with_scope_and_date(sent):
    r = CliRunner().invoke(
        main,
        [
            "decide",
            "GK-2026-003",
            "--approve",
            "--by",
            "李书记",
            "--date",
            "2026-12-03",
            "--scope",
            "全体教职工",
            "--planned",
            "2026-12-18",
            "-w",
            str(sent.root),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "GK-2026-003 已批准（审批人：李书记" in r.output
    row = _rows(sent)["GK-2026-003"]
    assert (row["审批状态"], row["公开范围"], row["计划公开日期"].date()) == ("已批准", "全体教职工", dt.date(2026, 12, 18))
    assert row["预警"].startswith("截至12月4日：待公开")  # the warning follows the decision
    before = digest(sent.ledger_path)
    again = CliRunner().invoke(main, ["decide", "GK-2026-003", "GK-2026-001", "--refuse", "--by", "李书记", "-w", str(sent.root)])
    assert again.exit_code != 0 and "已审批" in again.output
    assert digest(sent.ledger_path) == before  # one refused number: nothing recorded
    nobody = CliRunner().invoke(main, ["decide", "GK-2026-001", "--approve", "-w", str(sent.root)])
    assert nobody.exit_code != 0 and "--by" in nobody.output


def test_status_shows_each_items_stage_and_warning(sent):
    CliRunner().invoke(main, ["decide", "GK-2026-002", "--approve", "--by", "王书记", "-w", str(sent.root)])
    st = status(sent, "党务公开")
    assert st.total == 3 and st.counts["待审批"] == 2 and st.counts["待公开"] == 1
    by_number = {i.number: i for i in st.open_items}
    assert by_number["GK-2026-002"].colour == "红"  # planned 12-01, not published by 12-04
    assert by_number["GK-2026-003"].colour in ("黄", "绿")
    text = CliRunner().invoke(main, ["status", "-w", str(sent.root)]).output
    assert "【督查督办】" in text and "【党务公开】" in text and "党务公开事项共 3 项" in text
    data = json.loads(CliRunner().invoke(main, ["status", "--register", "disclosure", "--json", "-w", str(sent.root)]).output)
    assert data["counts"]["待公开"] == 1


@pytest.mark.slow
def test_a_decision_returned_as_pdf_is_read(sent, soffice, tmp_path):
    """The approver prints the Word form to PDF (LibreOffice here): the ruled table's cells are read."""
    filled = fill_form(_form(sent, "GK-2026-001"), tmp_path / "审批表.docx", {**DECIDED, "保密审查意见": "无涉密内容"})
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.copy(tmp_path / "审批表.pdf", sent.inbox / "审批表.pdf")
    [outcome] = ingest(sent)
    assert outcome.result == "已更新", outcome.message
    row = _rows(sent)["GK-2026-001"]
    assert (row["审批状态"], row["审批人"]) == ("已批准", "王书记")
    assert row["审批意见"] == "保密审查意见：无涉密内容；同意，按计划公开。"  # the secrecy review kept with the decision


# ---- 三(一)3 反馈: opinion forms anyone may fill in; each becomes a row of 公开意见反馈

OPINION = {
    "反馈人": "张老师",
    "单位或身份": "机电工程学院教师",
    "联系方式": "13900000000",
    "意见建议": "建议延长公示时间",
    "反馈日期": "2026-12-04",
}


@pytest.fixture
def open_for_opinions(sent):
    """GK-2026-002 approved and published (公开截止日期 2026-12-10); its feedback form generated."""
    CliRunner().invoke(main, ["decide", "GK-2026-002", "--approve", "--by", "王书记", "-w", str(sent.root)])
    set_cell(sent.ledger_path, SHEET, "GK-2026-002", "公开日期", dt.date(2026, 12, 3))
    set_cell(sent.ledger_path, SHEET, "GK-2026-002", "公开截止日期", dt.date(2026, 12, 10))
    result = generate(sent, "feedback-form")
    assert [d.number for d in result.documents] == ["GK-2026-002"]  # approved items only
    assert len(result.skipped) == 2
    return sent


def _opinions(ws) -> list[dict]:
    sheet = openpyxl.load_workbook(ws.ledger_path)["公开意见反馈"]
    head = [c.value for c in sheet[1]]
    return [dict(zip(head, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]


def _feedback_form(ws, number: str):
    return next((ws.outbox / "党务公开意见反馈表").glob(f"{number}_*.docx"))


def test_each_returned_opinion_becomes_a_row_and_is_counted(open_for_opinions):
    ws = open_for_opinions
    form = read_docx(_feedback_form(ws, "GK-2026-002"), all_labels())
    assert form.identity().kind == "feedback_form" and form.fields["公开事项"] == "学校领导班子民主生活会情况"
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "意见一.docx", OPINION)
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "意见二.docx", {**OPINION, "反馈人": "李同学", "意见建议": "希望公开整改进度"})
    outcomes = ingest(ws)
    assert [o.result for o in outcomes] == ["已登记", "已登记"], [o.message for o in outcomes]
    rows = _opinions(ws)
    assert [(r["反馈编号"], r["反馈人"], r["方式"], r["意见建议"]) for r in rows] == [
        ("FK-2026-001", "张老师", "表格", "建议延长公示时间"),
        ("FK-2026-002", "李同学", "表格", "希望公开整改进度"),
    ]
    assert rows[0]["收到日期"].date() == dt.date(2026, 12, 4) and not rows[0]["逾期"] and rows[0]["来源文件"] == "意见一.docx"
    assert _rows(ws)["GK-2026-002"]["反馈意见数"] == 2


def test_the_same_opinion_twice_and_an_anonymous_one_are_refused(open_for_opinions):
    ws = open_for_opinions
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "意见.docx", OPINION)
    ingest(ws)
    before = digest(ws.ledger_path)
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "再交一次.docx", {**OPINION, "联系方式": "0571-1", "反馈日期": "2026-12-05"})
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "匿名.docx", {**OPINION, "反馈人": ""})
    outcomes = {o.file: o for o in ingest(ws)}
    assert outcomes["再交一次.docx"].result == REJECTED and "同一意见已登记（FK-2026-001" in outcomes["再交一次.docx"].message
    assert outcomes["匿名.docx"].result == REJECTED and "实名" in outcomes["匿名.docx"].message
    assert digest(ws.ledger_path) == before and len(_opinions(ws)) == 1


def test_a_late_opinion_is_recorded_and_marked_and_never_refused_as_closed(open_for_opinions, monkeypatch):
    ws = open_for_opinions
    set_cell(ws.ledger_path, SHEET, "GK-2026-002", "再公开日期", dt.date(2026, 12, 11))  # the item is complete
    monkeypatch.setenv("DANGWU_TODAY", "2026-12-14")
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "迟到.docx", OPINION)
    [outcome] = ingest(ws)
    assert outcome.result == "已登记" and "逾期" in outcome.message
    assert _opinions(ws)[0]["逾期"] == "逾期"


def test_opinions_typed_by_the_clerk_are_checked_and_counted(open_for_opinions):
    ws = open_for_opinions
    add_rows(ws.ledger_path, "公开意见反馈", [
        {"公开编号": "GK-2026-002", "收到日期": dt.date(2026, 12, 4), "反馈人": "王老师", "方式": "电话", "意见建议": "电话反映：公示栏位置偏僻"},
    ])  # fmt: skip
    fill_form(_feedback_form(ws, "GK-2026-002"), ws.inbox / "意见.docx", OPINION)
    ingest(ws)
    assert _rows(ws)["GK-2026-002"]["反馈意见数"] == 2  # the typed row counts too
    add_rows(
        ws.ledger_path, "公开意见反馈", [{"公开编号": "GK-2099-001", "收到日期": dt.date(2026, 12, 4), "反馈人": "赵", "意见建议": "无"}]
    )
    problems = [p for p in toolkit.check(ws) if p.level == "error"]
    assert [p.where[:8] for p in problems] == ["公开意见反馈!B"] and "GK-2099-001" in problems[0].message


def test_a_new_workspace_has_the_registers_own_settings(tmp_path):
    from toolkit import Workspace, init_workspace

    ws = init_workspace(tmp_path / "新工作区")
    text = (ws.root / "dangwu.toml").read_text(encoding="utf-8")
    assert "[disclosure]" in text and 'office = "党务公开工作办公室"' in text
    assert Workspace(ws.root).settings.section("disclosure")["period_days"] == 5


def test_status_survives_a_count_typed_as_words(sent):
    """status reads the ledger without refusing it: a 反馈意见数 typed as text is reported by check, not a crash."""
    set_cell(sent.ledger_path, SHEET, "GK-2026-001", "审批状态", "已批准")
    set_cell(sent.ledger_path, SHEET, "GK-2026-001", "公开日期", dt.date(2026, 11, 20))
    set_cell(sent.ledger_path, SHEET, "GK-2026-001", "公开截止日期", dt.date(2026, 11, 27))
    set_cell(sent.ledger_path, SHEET, "GK-2026-001", "反馈意见数", "两条")
    st = status(sent, "党务公开", write=False)
    assert st.counts["已完成"] == 1
    assert any("反馈意见数" in p.message and p.level == "error" for p in toolkit.check(sent))
