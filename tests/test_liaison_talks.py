"""联系服务群众 谈心谈话记录表: sheets out to the 谈话人, talks recorded from the returned sheets.

Every refusal leaves the ledger byte-identical and the file in rejected/; every check reads the files
the toolkit wrote (python-docx through the intake reader, openpyxl, pdfplumber).
"""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from click.testing import CliRunner

from toolkit import ingest
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.intake.docx_reader import read_docx
from toolkit.intake.pipeline import REJECTED, all_labels

from .conftest import add_rows, digest, journal_rows, set_cell

SHEET = "谈心谈话记录"
OUTDIR = "谈心谈话记录表"
MEMBERS = [
    {"姓名": "张书记", "职务": "党委书记", "党政正职": "是"},
    {"姓名": "李校长", "职务": "党委副书记、校长", "党政正职": "是"},
    {"姓名": "王副书记", "职务": "党委副书记", "党政正职": "否"},
    {"姓名": "赵副校长", "职务": "副校长", "党政正职": "否"},
    {"姓名": "钱副校长", "职务": "副校长", "党政正职": "否"},
    {"姓名": "孙委员", "职务": "党委委员、组织部部长", "党政正职": "否"},
    {"姓名": "周委员", "职务": "党委委员、纪委书记", "党政正职": "否"},
]
CONTENT = "交流班子团结和分管工作思路，谈到实验楼建设进度。"
HELD = {
    "谈话日期": "2026年5月20日",
    "地点": "党委会议室",
    "谈话方式": "☑面对面\u3000□电话\u3000□短信\u3000□邮件\u3000□其他",
    "谈话主要内容": CONTENT,
    "对方意见建议": "建议每季度召开一次分管工作交流会",
    "需协调解决的问题": "实验楼追加经费",
    "后续跟进": "下月随访",
    "记录人": "刘秘书",
}
SECRETS = (CONTENT, HELD["对方意见建议"], HELD["需协调解决的问题"], HELD["后续跟进"])


def run(ws, *args):
    return CliRunner().invoke(main, [*args, "-w", str(ws.root)])


@pytest.fixture
def planned(ws, monkeypatch):
    """Seven members (two 党政正职) and the 21 talks `plan talks --year 2026` adds; today 2026-06-01."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-01")
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    r = run(ws, "plan", "talks", "--year", "2026")
    assert r.exit_code == 0 and "已添加21项" in r.output, r.output
    return ws


@pytest.fixture
def sent(planned):
    """张书记's six sheets generated (TH-2026-001 … 006: with each other member)."""
    r = run(planned, "generate", "talk-sheet", "--member", "张书记")
    assert r.exit_code == 0, r.output
    return planned


def _rows(ws) -> dict[str, dict]:
    sheet = openpyxl.load_workbook(ws.ledger_path)[SHEET]
    head = [c.value for c in sheet[1]]
    return {r[0]: dict(zip(head, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}


def _sheet(ws, number: str):
    return next((ws.outbox / OUTDIR).glob(f"{number}_*.docx"))


def _return(ws, number: str, name: str, answers=HELD):
    return fill_form(_sheet(ws, number), ws.inbox / name, answers)


def test_each_planned_talk_gets_a_prefilled_sheet_for_its_talker(planned):
    set_cell(planned.ledger_path, SHEET, "TH-2026-002", "计划日期", dt.date(2026, 9, 15))
    before = digest(planned.ledger_path)
    r = run(planned, "generate", "talk-sheet", "--member", "张书记")
    assert r.exit_code == 0, r.output
    assert "合计：已生成 6 份谈心谈话记录表（6 个谈话）。" in r.output
    files = sorted(p.name for p in (planned.outbox / OUTDIR).glob("*.docx"))
    others = [m["姓名"] for m in MEMBERS[1:]]  # the file names say who talks with whom
    assert files == [f"TH-2026-00{i}_谈话_张书记与{o}_谈心谈话记录表.docx" for i, o in enumerate(others, start=1)]
    assert digest(planned.ledger_path) == before  # writing a sheet changes nothing in the ledger
    form = read_docx(_sheet(planned, "TH-2026-001"), all_labels())
    ident = form.identity()
    assert (ident.kind, ident.number, ident.unit, ident.role) == ("talk_sheet", "TH-2026-001", "张书记", "谈话")
    f = form.fields
    assert (f["谈话编号"], f["谈话人"], f["职务"], f["谈话类型"]) == ("TH-2026-001", "张书记", "党委书记", "正职与班子成员")
    assert (f["谈话对象"], f["对象单位及职务"]) == ("李校长", "党委副书记、校长")
    assert all(f[label] == "" for label in ("谈话日期", "地点", "谈话主要内容", "对方意见建议", "需协调解决的问题", "后续跟进", "记录人"))
    assert "□面对面" in f["谈话方式"] and "□其他" in f["谈话方式"]
    assert "计划日期（待定）" in _table_text(_sheet(planned, "TH-2026-001"))  # printed, not fingerprinted
    assert "计划日期2026年9月15日" in _table_text(_sheet(planned, "TH-2026-002"))
    # sheets go to the 谈话人: 李校长 talks with the five other members, not with 张书记
    r = run(planned, "generate", "talk-sheet", "--member", "李校长", "--dry-run")
    assert r.exit_code == 0 and "将生成 5 份" in r.output and "张书记" not in r.output, r.output


def _table_text(path) -> str:
    import docx

    return "".join(c.text for row in docx.Document(str(path)).tables[0].rows for c in row.cells)


def test_a_returned_sheet_records_the_talk_without_showing_its_content(sent):
    _return(sent, "TH-2026-001", "谈话记录.docx")
    r = run(sent, "ingest")
    assert r.exit_code == 0, r.output
    assert "TH-2026-001" in r.output and "张书记 — 李校长" in r.output and "面对面" in r.output
    assert not any(s in r.output for s in SECRETS), r.output  # the content never appears in messages
    row = _rows(sent)["TH-2026-001"]
    assert row["状态"] == "已记录" and row["谈话日期"].date() == dt.date(2026, 5, 20)
    assert (row["地点"], row["谈话方式"], row["记录人"], row["来源文件"]) == ("党委会议室", "面对面", "刘秘书", "谈话记录.docx")
    assert (row["主要内容"], row["意见建议"]) == (CONTENT, HELD["对方意见建议"])
    assert (row["需协调解决的问题"], row["后续跟进"]) == (HELD["需协调解决的问题"], HELD["后续跟进"])
    receipts = [j for j in journal_rows(sent) if j["编号"] == "TH-2026-001" and j["字段"] == "回执"]
    assert [j["新值"] for j in receipts] == ["谈话·张书记·已记录"]
    # the same sheet again, the follow-up changed: the record is updated; then identical: nothing changes
    _return(sent, "TH-2026-001", "补充.docx", {**HELD, "后续跟进": "已落实经费"})
    [outcome] = ingest(sent)
    assert outcome.result == "已更新" and "后续跟进" in outcome.message and "已落实经费" not in outcome.message
    assert _rows(sent)["TH-2026-001"]["后续跟进"] == "已落实经费"
    before = digest(sent.ledger_path)
    _return(sent, "TH-2026-001", "再交一次.docx", {**HELD, "后续跟进": "已落实经费", "记录人": " 刘秘书 "})
    [outcome] = ingest(sent)
    assert outcome.result == "无变化", outcome.message
    assert digest(sent.ledger_path) == before
    # recorded talks get no new sheet unless asked for by number with --force
    r = run(sent, "generate", "talk-sheet", "--member", "张书记")
    assert "已生成 5 份" in r.output and "TH-2026-001（已记录）" in r.output, r.output
    r = run(sent, "generate", "talk-sheet", "--id", "TH-2026-001", "--force")
    assert "已生成 1 份" in r.output, r.output


@pytest.mark.parametrize(
    "answers, reason",
    [
        ({**HELD, "谈话日期": ""}, "“谈话日期”为空"),
        ({**HELD, "谈话日期": "五月中旬"}, "不是日期"),
        ({**HELD, "谈话日期": "2026-06-02"}, "将来"),
        ({**HELD, "谈话日期": "2025-12-28"}, "不在 TH-2026-001 所属的 2026 年度内"),
        ({**HELD, "谈话主要内容": ""}, "“谈话主要内容”为空"),
        ({**HELD, "谈话方式": "□面对面\u3000□电话\u3000□短信\u3000□邮件\u3000□其他"}, "“谈话方式”未勾选"),
        ({**HELD, "谈话方式": "☑面对面\u3000☑电话\u3000□短信\u3000□邮件\u3000□其他"}, "同时勾选"),
        ({**HELD, "谈话对象": "李副校长"}, "预填的内容被改动：谈话对象"),
        ({**HELD, "职务": "校长"}, "预填的内容被改动：职务"),
    ],
)
def test_a_sheet_that_cannot_be_recorded_is_refused_and_the_ledger_kept(sent, answers, reason):
    before = digest(sent.ledger_path)
    _return(sent, "TH-2026-001", "记录表.docx", answers)
    [outcome] = ingest(sent)
    assert outcome.result == REJECTED and reason in outcome.message, outcome.message
    assert not any(s in outcome.message for s in SECRETS)
    assert digest(sent.ledger_path) == before
    assert (sent.rejected / "记录表.docx").exists()


@pytest.mark.parametrize(
    "column, value, reason",
    [
        ("状态", "已取消", "已取消"),
        ("谈话人", "王副书记", "此表是发给“张书记”的"),
        ("谈话对象单位及职务", "校长", "已过期"),
    ],
)
def test_a_sheet_for_a_changed_or_cancelled_talk_is_refused(sent, column, value, reason):
    set_cell(sent.ledger_path, SHEET, "TH-2026-001", column, value)
    before = digest(sent.ledger_path)
    _return(sent, "TH-2026-001", "记录表.docx")
    [outcome] = ingest(sent)
    assert outcome.result == REJECTED and reason in outcome.message, outcome.message
    assert digest(sent.ledger_path) == before
    assert (sent.rejected / "记录表.docx").exists()


def test_rescheduling_does_not_void_the_sheet_and_cancelled_talks_get_none(sent):
    set_cell(sent.ledger_path, SHEET, "TH-2026-003", "计划日期", dt.date(2026, 5, 18))
    set_cell(sent.ledger_path, SHEET, "TH-2026-004", "状态", "已取消")
    _return(sent, "TH-2026-003", "改期后.docx")
    [outcome] = ingest(sent)
    assert outcome.result == "已更新", outcome.message
    assert _rows(sent)["TH-2026-003"]["状态"] == "已记录"
    r = run(sent, "generate", "talk-sheet", "--member", "张书记", "--dry-run")
    assert "TH-2026-003（已记录）" in r.output and "TH-2026-004（已取消）" in r.output, r.output


def test_a_talk_held_in_january_counts_for_the_previous_years_plan(sent, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2027-04-10")
    _return(
        sent,
        "TH-2026-005",
        "一月补谈.docx",
        {**HELD, "谈话日期": "2027-01-15", "谈话方式": "□面对面\u3000☑电话\u3000□短信\u3000□邮件\u3000□其他"},
    )
    _return(sent, "TH-2026-006", "四月补谈.docx", {**HELD, "谈话日期": "2027-04-02"})
    outcomes = {o.file: o for o in ingest(sent)}
    january, april = outcomes["一月补谈.docx"], outcomes["四月补谈.docx"]
    assert january.result == "已更新", january.message
    row = _rows(sent)["TH-2026-005"]
    assert row["谈话日期"].date() == dt.date(2027, 1, 15) and row["谈话方式"] == "电话"
    assert april.result == REJECTED and "可延至 2027 年 3 月底" in april.message, april.message
    assert _rows(sent)["TH-2026-006"]["状态"] == "已安排"


def test_new_adds_an_unplanned_talk_and_writes_its_sheet(planned):
    r = run(planned, "generate", "talk-sheet", "--new", "--member", "王副书记", "--with", "王建国", "--type", "与骨干")
    assert r.exit_code == 0, r.output
    assert "自动编号：TH-2026-022" in r.output and "TH-2026-022 谈话 王副书记" in r.output
    row = _rows(planned)["TH-2026-022"]
    assert (row["谈话人"], row["谈话对象"], row["谈话类型"], row["状态"]) == ("王副书记", "王建国", "与骨干", "已安排")
    assert row["谈话对象单位及职务"] == "教务处负责人"  # 王建国 heads 教务处 in 承办单位
    form = read_docx(_sheet(planned, "TH-2026-022"), all_labels())
    assert (form.fields["职务"], form.fields["对象单位及职务"]) == ("党委副书记", "教务处负责人")
    r = run(planned, "generate", "talk-sheet", "--new", "--member", "孙委员", "--with", "周委员")
    assert r.exit_code == 0, r.output
    row = _rows(planned)["TH-2026-023"]
    assert (row["谈话类型"], row["谈话对象单位及职务"]) == ("与其他干部群众", "党委委员、纪委书记")  # a member: their 职务
    _return(planned, "TH-2026-022", "计划外.docx")
    [outcome] = ingest(planned)
    assert outcome.result == "已更新" and _rows(planned)["TH-2026-022"]["状态"] == "已记录", outcome.message


@pytest.mark.parametrize(
    "args, reason",
    [
        (["--new", "--member", "王副书记"], "--new 须同时给出 --member"),
        (["--new", "--member", "路人甲", "--with", "王建国"], "“班子成员”表中没有“路人甲”"),
        (["--new", "--member", "王副书记", "--with", "王建国", "--type", "闲聊"], "--type 的值“闲聊”不在可选范围内"),
        (["--new", "--member", "王副书记", "--with", "王建国", "--type", "班子成员之间"], "谈话对象须是班子成员"),
        (["--new", "--member", "张书记", "--with", "李校长", "--type", "正职与班子成员"], "已有尚未记录的同类谈话：TH-2026-001"),
        (["--with", "王建国"], "--with 只能与 --new 同用"),
        (["--member", "路人甲"], "“班子成员”表中没有“路人甲”"),
        (["--id", "TH-2026-099"], "台账中没有这些谈话编号：TH-2026-099"),
    ],
)
def test_talk_sheet_options_that_cannot_be_followed_change_nothing(planned, args, reason):
    before = digest(planned.ledger_path)
    r = run(planned, "generate", "talk-sheet", *args)
    assert r.exit_code != 0 and reason in r.output, r.output
    assert digest(planned.ledger_path) == before
    assert not list((planned.outbox / OUTDIR).glob("*.docx"))


@pytest.mark.slow
def test_the_blank_sheet_prints_on_one_page_in_chinese(sent, soffice):
    import pdfplumber

    r = run(sent, "generate", "talk-sheet", "--id", "TH-2026-002", "--pdf")
    assert r.exit_code == 0, r.output
    pdf = _sheet(sent, "TH-2026-002").with_suffix(".pdf")
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) == 1
        text = document.pages[0].extract_text() or ""
    flat = text.replace(" ", "")
    assert "谈心谈话记录表" in flat and "谈话主要内容" in flat and "谈话人（签字）" in flat and "年月日" in flat
    body = re.sub(r"识别码：\S+", "", text).replace("TH-2026-002", "")  # the machine code and the talk number
    assert not re.search(r"[A-Za-z]", body), body
