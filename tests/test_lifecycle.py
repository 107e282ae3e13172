"""Supervision lifecycle: working days, warnings, reminders, progress, review, reports — on real dates."""

from __future__ import annotations

import datetime as dt
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from toolkit import generate, ingest, status
from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S
from toolkit.reports.supervision import report
from toolkit.review import review
from toolkit.workdays import WorkCalendar, warning

from .conftest import digest, journal_rows, notice_path, set_cell, sup_rows
from .test_generate import cells_of
from .test_intake import DONE

D = dt.date


# ---- working days


def test_official_holidays_and_make_up_days():
    cal = WorkCalendar()
    assert cal.is_workday(D(2026, 2, 14)) == (True, False)  # a Saturday that is a working day (调休)
    assert cal.is_workday(D(2026, 2, 17)) == (False, False)  # Spring Festival
    assert cal.is_workday(D(2026, 10, 1)) == (False, False)  # National Day
    assert cal.between(D(2026, 2, 13), D(2026, 2, 24)).days == 2  # only 2-14 and 2-24 are worked
    assert cal.between(D(2026, 9, 30), D(2026, 10, 9)).days == 2  # 10-8 and 10-9
    assert cal.add(D(2026, 9, 30), 1) == (D(2026, 10, 8), False)


def test_years_beyond_the_data_are_estimated_and_say_so():
    cal = WorkCalendar()
    count = cal.between(D(2027, 1, 1), D(2027, 1, 8))
    assert count.provisional and count.days == 5 and "按法定节假日推算" in count.note()
    w = warning(cal, D(2027, 3, 1), D(2026, 12, 28), 3)
    assert w.provisional and "按法定节假日推算" in w.text()


def test_workspace_extra_days():
    cal = WorkCalendar(extra_holidays=["2026-05-06"], extra_workdays=["2026-05-09"])
    assert cal.is_workday(D(2026, 5, 6))[0] is False and cal.is_workday(D(2026, 5, 9))[0] is True


def test_warning_colours():
    cal = WorkCalendar()
    assert warning(cal, D(2026, 9, 30), D(2026, 10, 9), 3).text() == "红 逾期2个工作日"
    assert warning(cal, D(2026, 10, 12), D(2026, 10, 9), 3).colour == "黄"  # one working day left
    assert warning(cal, D(2026, 10, 30), D(2026, 10, 9), 3).colour == "绿"


# ---- status and the 预警 column


def test_status_colours_by_unit_and_leader_written_to_the_ledger(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-25")
    st = status(notified, "督查督办")
    by_number = {i.number: i for i in st.open_items}
    assert by_number["DB-2026-002"].colour == "红"  # due 5-15
    assert by_number["DB-2026-001"].colour == "黄" and by_number["DB-2026-001"].days_left == 3  # 6-26, 6-29, 6-30
    assert by_number["DB-2026-003"].colour == "绿"
    assert st.by_unit["学生工作处"] == {"红": 1, "黄": 0, "绿": 0, "待审核": 0}
    assert st.by_leader["张副校长"]["黄"] == 1
    sheet = openpyxl.load_workbook(notified.ledger_path)[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    col = headers.index("预警") + 1
    cell = sheet.cell(3, col)
    assert cell.value.startswith("截至6月25日：红 逾期") and cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert any(j["字段"] == "预警" for j in journal_rows(notified))
    before = digest(notified.ledger_path)
    status(notified)
    assert digest(notified.ledger_path) == before  # nothing changed, nothing written


def test_status_of_an_open_workbook_still_shows_and_says_why_not_written(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-25")
    (notified.root / "~$ledger.xlsx").write_text("x")
    before = digest(notified.ledger_path)
    result = CliRunner().invoke(main, ["status", "-w", str(notified.root)])
    assert result.exit_code == 0 and "红 逾期" in result.output and "预警列未更新" in result.output
    assert digest(notified.ledger_path) == before


# ---- reminders


def test_reminders_for_overdue_items(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-10-09")
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-003", "办理时限", dt.datetime(2026, 9, 30))
    result = generate(notified, "reminder")
    assert {(d.number, d.role) for d in result.documents} == {
        ("DB-2026-001", "主办"), ("DB-2026-001", "协办"), ("DB-2026-002", "主办"),
        ("DB-2026-003", "主办"), ("DB-2026-003", "协办"),
    }  # fmt: skip
    rows = sup_rows(notified)
    assert rows["DB-2026-003"]["催办次数"] == 1 and rows["DB-2026-003"]["最近催办日期"].date() == D(2026, 10, 9)
    path = sorted((notified.outbox / "催办通知单").glob("DB-2026-003_主办_*.docx"))[0]
    cells = cells_of(path)
    assert cells["逾期情况"].startswith("已逾期2个工作日") and cells["催办次数"] == "第1次"
    assert cells["办理时限"] == "2026年9月30日"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "党办催〔2026〕" in text and "2026年10月13日" in text  # 3 working days: Sat 10-10 (调休), 10-12, 10-13
    again = generate(notified, "reminder")
    assert again.documents == [] and len(again.skipped) == 3
    forced = generate(notified, "reminder", ids=["DB-2026-003"], force=True)
    assert len(forced.documents) == 3 and sup_rows(notified)["DB-2026-003"]["催办次数"] == 2
    numbers = [j["新值"] for j in journal_rows(notified) if j["字段"] == "催办文号"]
    assert len(numbers) == len(set(numbers)) == 4


def test_a_returned_reminder_is_ingested_like_a_notice(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-01")
    generate(notified, "reminder", ids=["DB-2026-002"])
    path = sorted((notified.outbox / "催办通知单").glob("DB-2026-002_主办_*.docx"))[0]
    fill_form(path, notified.inbox / "催办回复.docx", {**DONE, "办理状态": "办理中", "办理情况": "正在自查"})
    [out] = ingest(notified)
    assert out.result == "已更新", out.message
    assert sup_rows(notified)["DB-2026-002"]["状态"] == "办理中"


def test_a_reminder_before_the_deadline_does_not_say_overdue(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-01")  # DB-2026-001 is due 6-30
    generate(notified, "reminder", ids=["DB-2026-001"])
    path = sorted((notified.outbox / "催办通知单").glob("DB-2026-001_主办_*.docx"))[0]
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "督办事项尚未报送办结，现予催办" in text and "已超过办理时限" not in text
    assert cells_of(path)["逾期情况"].startswith("尚未到期")


def test_reminder_refuses_items_that_need_none(notified):
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-001", "状态", "待审核")
    with pytest.raises(UsageError, match="不需要催办"):
        generate(notified, "reminder", ids=["DB-2026-001"])


# ---- review


def _pending(ws, number="DB-2026-001"):
    fill_form(notice_path(ws, number), ws.inbox / f"{number}.docx", DONE)
    ingest(ws)
    assert sup_rows(ws)[number]["状态"] == "待审核"


def test_accept_closes_the_item(notified):
    _pending(notified)
    review(notified, "DB-2026-001", accept=True, opinion="事实清楚，同意办结")
    row = sup_rows(notified)["DB-2026-001"]
    assert row["状态"] == "已办结" and row["审核意见"] == "事实清楚，同意办结" and row["办结日期"] is not None
    assert any(j["操作"] == "办结审核" and j["新值"] == "已办结" for j in journal_rows(notified))


def test_reject_sends_back_with_new_deadline_and_a_redo_notice(notified, monkeypatch):
    _pending(notified)
    old_form = notice_path(notified, "DB-2026-001")
    fill_form(old_form, notified.root / "old.docx", {**DONE, "办理情况": "旧表再交"})
    monkeypatch.setenv("DANGWU_TODAY", "2026-11-25")
    result = CliRunner().invoke(
        main, ["review", "DB-2026-001", "-w", str(notified.root), "--reject", "--opinion", "问题未解决", "--deadline", "2026-12-20"]
    )
    assert result.exit_code == 0, result.output
    row = sup_rows(notified)["DB-2026-001"]
    assert row["状态"] == "退回重办" and row["办理时限"].date() == D(2026, 12, 20)
    again = generate(notified, "notice")
    assert {d.number for d in again.documents} == {"DB-2026-001"}
    assert "（重办）" in "\n".join(p.text for p in docx.Document(str(notice_path(notified, "DB-2026-001"))).paragraphs)
    assert cells_of(notice_path(notified, "DB-2026-001"))["办理时限"] == "2026年12月20日"
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "已通知"
    [out] = ingest(notified, [notified.root / "old.docx"])  # the form of before the review is stale
    assert out.result == "退回" and "已过期" in out.message


def _text(path) -> str:
    """The paragraphs of a .docx (outside tables) as text."""
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _send_back(ws, monkeypatch, opinion="制度文件未经校长办公会审议", deadline="2026-12-20"):
    """DB-2026-001 reported done (2026-06-01, due 06-30), then sent back on 2026-11-25 by 王芳 through the CLI."""
    _pending(ws)
    monkeypatch.setenv("DANGWU_TODAY", "2026-11-25")
    args = ["review", "DB-2026-001", "-w", str(ws.root), "--reject", "--opinion", opinion, "--deadline", deadline, "--by", "王芳"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_redo_notice_says_why_and_how_the_deadline_changed_also_when_reprinted(notified, monkeypatch):
    output = _send_back(notified, monkeypatch)
    assert "原办理时限：2026年6月30日" in output and "审核人：王芳" in output
    generate(notified, "notice")
    why = "审核意见：制度文件未经校长办公会审议。办理时限由2026年6月30日调整为2026年12月20日"
    for role in ("主办", "协办"):
        text = _text(notice_path(notified, "DB-2026-001", role))
        assert "（重办）" in text and "退回重办" in text and why in text, text
    assert "重办" not in _text(notice_path(notified, "DB-2026-003"))  # an ordinary notice has no such paragraph
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "已通知"
    forced = generate(notified, "notice", ids=["DB-2026-001"], force=True)  # reprinted: still the 重办 notice
    assert len(forced.documents) == 2
    text = _text(notice_path(notified, "DB-2026-001"))
    assert "（重办）" in text and why in text, text
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "redo.docx", {**DONE, "完成日期": "2026年11月25日"})
    [out] = ingest(notified)
    assert out.result == "已更新", out.message  # the reprinted 重办 notice is a valid form
    review(notified, "DB-2026-001", accept=True)
    generate(notified, "notice", ids=["DB-2026-001"], force=True)  # closed: the reason comes from the journal
    assert why in _text(notice_path(notified, "DB-2026-001"))


def test_send_back_keeps_the_original_deadline_and_clears_the_rejected_completion(notified, monkeypatch):
    _send_back(notified, monkeypatch)
    row = sup_rows(notified)["DB-2026-001"]
    assert row["原办理时限"].date() == D(2026, 6, 30) and row["办理时限"].date() == D(2026, 12, 20)
    assert row["完成日期"] is None and row["审核人"] == "王芳"
    changes = {j["字段"]: j for j in journal_rows(notified) if j["编号"] == "DB-2026-001"}  # the last change of each field
    assert changes["原办理时限"]["新值"] == "2026-06-30"
    assert changes["完成日期"]["原值"] == "2026-06-01" and not changes["完成日期"]["新值"]
    assert changes["审核人"]["新值"] == "王芳"
    generate(notified, "notice")
    fill_form(notice_path(notified, "DB-2026-001"), notified.inbox / "redo.docx", {**DONE, "完成日期": "2026年11月25日"})
    ingest(notified)
    review(notified, "DB-2026-001", accept=False, opinion="仍不完整", deadline=D(2026, 12, 31))  # sent back twice
    row = sup_rows(notified)["DB-2026-001"]
    assert row["原办理时限"].date() == D(2026, 6, 30) and row["办理时限"].date() == D(2026, 12, 31)


def test_review_records_who_reviewed(notified, monkeypatch):
    _pending(notified)
    _pending(notified, "DB-2026-003")
    monkeypatch.setenv("DANGWU_USER", "李秘书")
    review(notified, "DB-2026-001", accept=True)
    result = CliRunner().invoke(main, ["review", "DB-2026-003", "-w", str(notified.root), "--accept", "--by", "王芳"])
    assert result.exit_code == 0 and "审核人：王芳" in result.output, result.output
    rows = sup_rows(notified)
    assert rows["DB-2026-001"]["审核人"] == "李秘书" and rows["DB-2026-003"]["审核人"] == "王芳"
    last = [j for j in journal_rows(notified) if j["编号"] == "DB-2026-003" and j["字段"] == "审核人"]
    assert last[-1]["新值"] == "王芳" and last[-1]["操作人"] == "李秘书"  # the operator who typed it is journalled too
    blank = CliRunner().invoke(main, ["review", "DB-2026-002", "-w", str(notified.root), "--accept", "--by", " "])
    assert blank.exit_code == 2 and "审核人" in blank.output


@pytest.mark.parametrize(
    "args, words",
    [
        (["DB-2026-002", "--accept"], "只有“待审核”的事项才能审核"),
        (["DB-2026-404", "--accept"], "没有立项编号为 DB-2026-404"),
        (["DB-2026-001", "--reject", "--opinion", "不行", "--deadline", "2020-01-01"], "早于今天"),
        (["DB-2026-001", "--reject", "--deadline", "2026-12-31"], "须写明审核意见"),
        (["DB-2026-001", "--reject", "--opinion", "不行", "--deadline", "明年"], "不是日期"),
        (["DB-2026-001"], "请指定 --accept"),
    ],
)
def test_bad_reviews_are_refused_and_change_nothing(notified, args, words):
    _pending(notified)
    before = digest(notified.ledger_path)
    result = CliRunner().invoke(main, ["review", "-w", str(notified.root), *args])
    assert result.exit_code == 2 and words in result.output, result.output
    assert digest(notified.ledger_path) == before


def test_new_deadline_before_assignment_is_refused(notified, monkeypatch):
    _pending(notified)
    monkeypatch.setenv("DANGWU_TODAY", "2026-01-10")
    with pytest.raises(UsageError, match="早于交办时间"):
        review(notified, "DB-2026-001", accept=False, opinion="重办", deadline=D(2026, 2, 1))


# ---- reports


def _expected(ws, year, half, today):
    """Per-unit figures recomputed straight from the sheet, independently of the toolkit."""
    sheet = openpyxl.load_workbook(ws.ledger_path)[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    short = {"教务": "教务处", "学工处": "学生工作处", "信息学院": "信息工程学院", "后勤处": "后勤管理处"}
    lo, hi = (D(year, 1, 1), D(year, 6, 30)) if half == 1 else (D(year, 1, 1), D(year, 12, 31))
    out = {}
    for values in sheet.iter_rows(min_row=2, values_only=True):
        r = dict(zip(headers, values))
        if not r["交办时间"] or not (lo <= r["交办时间"].date() <= hi):
            continue
        unit = short.get(r["主办单位"], r["主办单位"])
        f = out.setdefault(unit, {"主办": 0, "按期办结": 0, "逾期办结": 0, "当前逾期": 0, "被催办": 0})
        f["主办"] += 1
        f["被催办"] += r["催办次数"] or 0
        due = r["办理时限"].date()
        if r["状态"] == "已办结":
            f["按期办结" if r["完成日期"].date() <= due else "逾期办结"] += 1
        elif due < today:
            f["当前逾期"] += 1
    return out


def test_report_figures_agree_with_the_ledger(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-20")
    _pending(notified, "DB-2026-001")  # done 2026-06-01, due 06-30: on time
    review(notified, "DB-2026-001", accept=True)
    generate(notified, "reminder", ids=["DB-2026-002"])
    fig, xlsx, docx_path = report(notified, 2026, 1)
    expected = _expected(notified, 2026, 1, D(2026, 6, 20))
    got = {u.单位: {k: getattr(u, k) for k in ("主办", "按期办结", "逾期办结", "当前逾期", "被催办")} for u in fig.units if u.主办}
    assert got == expected
    assert expected["学生工作处"] == {"主办": 1, "按期办结": 0, "逾期办结": 0, "当前逾期": 1, "被催办": 1}
    wb = openpyxl.load_workbook(xlsx)
    rows = {r[0]: r for r in wb["单位统计"].iter_rows(min_row=3, values_only=True)}
    assert rows["教务处"][1:8] == (1, 1, 1, 0, 0, 0, 0) and rows["教务处"][8] == 1.0  # 协办 of DB-2026-003
    assert rows["合计"][1] == 3 and rows["合计"][3] == 1
    with zipfile.ZipFile(xlsx) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    table = docx.Document(str(docx_path)).tables[0]
    doc_rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert doc_rows["教务处"] == ["教务处", "1", "1", "1", "0", "0", "0", "0", "100%"]
    assert doc_rows["学生工作处"][6] == "1" and doc_rows["合计"][1:5] == ["3", "—", "1", "0"]
    text = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
    assert "2026年上半年" in text and "学生工作处（1项）" in text


def test_report_for_a_year_without_items_is_refused(notified):
    result = CliRunner().invoke(main, ["report", "-w", str(notified.root), "--year", "2025"])
    assert result.exit_code == 2 and "没有交办的督办事项" in result.output
    assert not list(notified.outbox.rglob("*2025*"))


def test_several_items_reviewed_at_once_or_none(notified):
    _pending(notified, "DB-2026-001")
    _pending(notified, "DB-2026-003")
    before = digest(notified.ledger_path)
    bad = CliRunner().invoke(main, ["review", "-w", str(notified.root), "DB-2026-001", "DB-2026-002", "--accept"])
    assert bad.exit_code == 2 and "DB-2026-002" in bad.output
    assert digest(notified.ledger_path) == before  # DB-2026-001 was not closed either
    ok = CliRunner().invoke(main, ["review", "-w", str(notified.root), "DB-2026-001", "DB-2026-003", "--accept"])
    assert ok.exit_code == 0 and ok.output.count("审核通过") == 2
    assert {sup_rows(notified)[n]["状态"] for n in ("DB-2026-001", "DB-2026-003")} == {"已办结"}
