"""党务公开 filed at year end: the real commands drive two items to 已完成, then `dangwu archive` files them.

GK-2026-001 (全体党员): approval form returned, announced for opinions, one opinion returned,
handled and answered, re-disclosed. GK-2026-002 (全体教职工): decided on paper, announced 党内
then 党外 without inviting opinions. GK-2026-003 is still 公示中 and is listed, not filed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from toolkit import Workspace
from toolkit.archive.build import Piece, safe_child
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.generate import open_valid_ledger
from toolkit.ledger import schema as S
from toolkit.registers import get as get_register
from toolkit.registers.units import Units

from .conftest import add_rows, sample_workspace, set_cell

pytestmark = pytest.mark.slow
SHEET = "党务公开台账"
FOLDER = ("2026", "党务公开", "D30")
OFFICE = "党务公开工作办公室"
ITEMS = [
    {
        "公开类别": "基层组织建设情况",
        "公开事项": "拟发展党员公示",
        "公开内容摘要": "拟发展对象张三、李四",
        "提出部门": "学工处",
        "公开范围": "全体党员",
        "公开形式": "党员大会",
        "时限类型": "临时性",
        "计划公开日期": dt.date(2026, 6, 1),
    },
    {
        "公开类别": "党务运行基本情况",
        "公开事项": "2026年第一季度党费收缴管理情况",
        "公开内容摘要": "全校各党支部党费收缴、使用和管理情况",
        "提出部门": "教务处",
        "公开范围": "全体教职工",
        "公开形式": "校园网",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 6, 1),
    },
    {
        "公开类别": "党风廉政建设",
        "公开事项": "学校领导班子民主生活会情况",
        "公开内容摘要": "民主生活会召开情况及整改措施",
        "公开范围": "全体党员",
        "公开形式": "党员大会",
        "时限类型": "阶段性",
        "计划公开日期": dt.date(2026, 6, 8),
    },
]
DECIDED = {"审批结果": "☑同意公开　□不予公开", "审批人": "王书记", "审批日期": "2026年6月1日", "审批意见": "同意，按计划公开。"}
OPINION = {"反馈人": "张老师", "单位或身份": "机电工程学院教师", "联系方式": "13900000000", "意见建议": "建议补充培养考察情况"}


def _hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _run(ws, *args):
    r = CliRunner().invoke(main, [*args, "-w", str(ws.root)])
    assert r.exit_code == 0, (args, r.output)
    return r.output


def _pages(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [(p.extract_text() or "").replace(" ", "").replace("\n", "") for p in pdf.pages]


@pytest.fixture(scope="module")
def filed(tmp_path_factory, soffice):
    """The workspace after both registers were archived (supervision first), with the CLI outputs."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANGWU_TODAY", "2026-06-01")
        ws = sample_workspace(tmp_path_factory.mktemp("gk") / "ws")
        add_rows(ws.ledger_path, SHEET, ITEMS[:2])
        _run(ws, "generate", "approval")
        form = next((ws.outbox / "党务公开审批表").glob("GK-2026-001_*.docx"))
        fill_form(form, ws.inbox / "审批表.docx", DECIDED)
        _run(ws, "ingest")
        _run(ws, "decide", "GK-2026-002", "--approve", "--by", "李书记", "--date", "2026-06-01", "--opinion", "同意公开")
        _run(ws, "generate", "announcement", "--id", "GK-2026-001")  # 公示 06-01 … 06-05, 党公〔2026〕1号
        _run(ws, "generate", "announcement", "--id", "GK-2026-002", "--no-opinions")  # 党内, 2号
        _run(ws, "generate", "feedback-form", "--id", "GK-2026-001")
        blank = next((ws.outbox / "党务公开意见反馈表").glob("GK-2026-001_*.docx"))
        fill_form(blank, ws.inbox / "意见.docx", {**OPINION, "反馈日期": "2026-06-02"})
        mp.setenv("DANGWU_TODAY", "2026-06-02")
        _run(ws, "ingest")
        _run(ws, "generate", "announcement", "--id", "GK-2026-002", "--no-opinions")  # 党外, 3号
        mp.setenv("DANGWU_TODAY", "2026-06-08")
        _run(ws, "respond", "FK-2026-001", "--handling", "已补充培养考察情况", "--summary", "建议补充培养考察情况")
        _run(ws, "generate", "reply")
        _run(ws, "generate", "redisclosure")  # 4号
        add_rows(ws.ledger_path, SHEET, [{"公开编号": "GK-2026-003", **ITEMS[2]}])  # still 公示中 when filed
        _run(ws, "decide", "GK-2026-003", "--approve", "--by", "王书记", "--date", "2026-06-08")
        _run(ws, "generate", "announcement", "--id", "GK-2026-003")
        _run(ws, "generate", "notice")  # 督查督办 in the same workspace: DB-2026-002 closed by hand
        set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "状态", "已办结")
        set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "办结日期", "2026-05-20")
        supervision = _run(ws, "archive", "--year", "2026")
        first = _run(ws, "archive", "--year", "2026", "--register", "党务公开")
        yield Workspace(ws.root), supervision, first


def _catalogue(ws):
    sheet = openpyxl.load_workbook(safe_child(ws.archive, *FOLDER) / "归档文件目录.xlsx")["归档文件目录"]
    return [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]


def test_each_completed_item_is_one_piece_with_dwgk_codes(filed):
    ws, supervision, out = filed
    rows = _catalogue(ws)
    assert [r[1] for r in rows] == ["Z109-WS·2026-D30-DWGK-0001", "Z109-WS·2026-D30-DWGK-0002"]  # by 公开日期
    assert "已归档：2 件" in out and "GK-2026-003  公示中" in out  # listed, not filed
    assert "Z109-WS·2026-D30-DCB-0001" in supervision  # the supervision run numbers its own series
    ledger = openpyxl.load_workbook(ws.ledger_path)
    head = [c.value for c in ledger[SHEET][1]]
    codes = {r[0]: r[head.index("档号")] for r in ledger[SHEET].iter_rows(min_row=2, values_only=True) if r[0]}
    assert codes == {"GK-2026-001": rows[0][1], "GK-2026-002": rows[1][1], "GK-2026-003": None}
    sup_head = [c.value for c in ledger[S.SUPERVISION.name][1]]
    sup_codes = {r[sup_head.index("档号")] for r in ledger[S.SUPERVISION.name].iter_rows(min_row=2, values_only=True) if r[0]} - {None}
    assert sup_codes == {"Z109-WS·2026-D30-DCB-0001"} and not sup_codes & set(codes.values())


def test_catalogue_rows_follow_the_announcement(filed):
    ws, _, _ = filed
    first, second = _catalogue(ws)
    _seq, _code, doc_no, who, title, date, _secret, _pages, note = first
    assert (doc_no, who, title, date) == ("党公〔2026〕1号", OFFICE, "[关于拟发展党员的公示]", "20260601")
    assert not note
    _seq, _code, doc_no, who, title, date, _secret, _pages, note = second
    # the outer announcement's 文号 (the 党内 one was 2号); no opinions invited: a 通知
    assert (doc_no, who, title, date) == ("党公〔2026〕3号", OFFICE, "[关于2026年第一季度党费收缴管理情况的通知]", "20260602")
    assert "审批记录" in note


def test_page_counts_match_the_pieces(filed):
    ws, _, _ = filed
    folder = safe_child(ws.archive, *FOLDER)
    for row in _catalogue(ws):
        assert len(PdfReader(str(folder / f"{row[1]}.pdf")).pages) == row[7]
    first, second = _catalogue(ws)
    assert first[7] >= 5 and second[7] >= 3  # five papers, three papers


def test_papers_in_filing_order_announcement_first_reply_before_opinion(filed):
    ws, _, _ = filed
    folder = safe_child(ws.archive, *FOLDER)
    first, second = _catalogue(ws)
    pages = _pages(folder / f"{first[1]}.pdf")

    def at(words):
        return next(i for i, t in enumerate(pages) if words in t)

    assert "关于拟发展党员的公示" in pages[0] and "DWGK" in pages[0]  # the 正本 carries the 归档章
    approval, reply = at("党务公开审批表"), at("意见答复单")
    opinion = next(i for i, t in enumerate(pages) if "意见反馈表" in t and "意见答复单" not in t)
    again = at("意见建议办理情况的公告")
    assert 0 < approval < reply < opinion < again == len(pages) - 1
    pages = _pages(folder / f"{second[1]}.pdf")
    assert "关于2026年第一季度党费收缴管理情况的通知" in pages[0] and "全体党员" in pages[0]  # 党内 first
    outer = next(i for i, t in enumerate(pages) if "全校教职工" in t)
    record = next(i for i, t in enumerate(pages) if "党务公开审批记录" in t)
    assert 0 < outer < record == len(pages) - 1
    assert "李书记" in pages[record] and "2026年6月1日" in pages[record]


def test_verify_passes_and_a_second_run_changes_nothing(filed):
    ws, _, _ = filed
    folder = safe_child(ws.archive, *FOLDER)
    r = CliRunner().invoke(main, ["verify", str(folder)])
    assert r.exit_code == 0 and "校验通过" in r.output, r.output
    before, ledger = _hashes(folder), hashlib.sha256(ws.ledger_path.read_bytes()).hexdigest()
    again = _run(ws, "archive", "--year", "2026", "--register", "党务公开")
    assert "归档文件已是最新" in again
    assert _hashes(folder) == before and hashlib.sha256(ws.ledger_path.read_bytes()).hexdigest() == ledger


def test_missing_papers_are_noted_and_flagged(tmp_path, monkeypatch):
    """No announcement on file, a paper decision, an opinion typed in and handled but never answered,
    a re-disclosure date without its 再公开公告: each is a note (no LibreOffice needed to see that)."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-08")
    ws = sample_workspace(tmp_path / "ws")
    add_rows(ws.ledger_path, SHEET, [{"公开编号": "GK-2026-001", **ITEMS[0]}])
    _run(ws, "decide", "GK-2026-001", "--approve", "--by", "王书记", "--date", "2026-06-01")
    for column, day in (("公开日期", 1), ("公开截止日期", 5), ("再公开日期", 8)):
        set_cell(ws.ledger_path, SHEET, "GK-2026-001", column, dt.date(2026, 6, day))
    typed = {"反馈编号": "FK-2026-001", "公开编号": "GK-2026-001", "收到日期": dt.date(2026, 6, 2), "反馈人": "王老师"}
    add_rows(ws.ledger_path, "公开意见反馈", [{**typed, "方式": "电话", "意见建议": "公示栏偏僻", "处理情况": "已调整"}])
    ws = Workspace(ws.root)
    ledger = open_valid_ledger(ws, for_write=False)
    spec = get_register("党务公开").archive
    rows, done, others = spec.items(ledger, 2026)
    assert [r.number for r in done] == ["GK-2026-001"] and not others
    assert spec.items(ledger, 2025) == ([], [], [])

    piece = Piece(done[0], 1, "X-0001", [])
    flagged = spec.gather(ws, ledger, Units.from_ledger(ledger), [piece])
    assert piece.papers == [] and len(flagged) == 3
    assert piece.notes == ["缺公告原件", "纸面审批，附审批记录", "FK-2026-001缺答复单", "缺再公开公告"]
    entry = spec.entry(piece, None, ws.settings)
    assert (entry.doc_no, entry.responsible, entry.title, entry.date) == ("", OFFICE, "关于拟发展党员的公示", dt.date(2026, 6, 1))
    assert "缺公告原件" in entry.note and spec.missing_note == "缺公告原件"
