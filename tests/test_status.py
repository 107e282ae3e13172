"""`dangwu status`: counts by status and the open items, read from the ledger the toolkit wrote."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from click.testing import CliRunner

from toolkit import generate, ingest, status
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S
from toolkit.review import review
from toolkit.textwidth import text_width

from .conftest import add_rows, digest, journal_rows, notice_path, set_cell, sup_rows


def test_counts_follow_the_workflow(notified):
    fill_form(
        notice_path(notified, "DB-2026-001"),
        notified.inbox / "a.docx",
        {"办理情况": "完成", "办理状态": "☑已办结", "完成日期": "2026-04-01"},
    )
    ingest(notified)
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-003", "状态", "已办结")
    st = status(notified, "督查督办")
    assert st.total == 3
    assert st.counts["待审核"] == 1 and st.counts["已通知"] == 1 and st.counts["已办结"] == 1
    assert [i.number for i in st.open_items] == ["DB-2026-002"]  # waiting for its unit
    assert [i.number for i in st.pending] == ["DB-2026-001"]  # waiting for the office's review


def test_cli_status_json_and_text(notified):
    CliRunner().invoke(main, ["status", "-w", str(notified.root)])  # first run paints the 预警 column
    before = digest(notified.ledger_path)
    result = CliRunner().invoke(main, ["status", "-w", str(notified.root), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)["督查督办"]  # every register's summary, by register
    assert data["total"] == 3 and data["counts"]["已通知"] == 3
    assert {i["number"] for i in data["open"]} == {"DB-2026-001", "DB-2026-002", "DB-2026-003"}
    one = json.loads(CliRunner().invoke(main, ["status", "-w", str(notified.root), "--json", "--register", "supervision"]).output)
    assert one == data  # --register: that register's summary alone (Chinese name or alias)
    text = CliRunner().invoke(main, ["status", "-w", str(notified.root)])
    assert "督查督办事项共 3 项" in text.output and "DB-2026-002" in text.output
    assert digest(notified.ledger_path) == before


def test_every_command_has_help_text():
    def walk(cmd, path):
        assert cmd.help, f"{path} has no help text"
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(main, "dangwu")


# ---- 待审核 judged by completion; the 预警 column dated and kept in step by every command


def _warnings(ws) -> dict[str, tuple]:
    """{立项编号: (预警 text, fill colour)} read from the saved workbook."""
    sheet = openpyxl.load_workbook(ws.ledger_path)[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    col, out = headers.index("预警") + 1, {}
    for r in range(2, sheet.max_row + 1):
        cell = sheet.cell(r, col)
        out[sheet.cell(r, 1).value] = (cell.value, cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type else None)
    return out


def _report_done(ws, number, done):
    fill_form(notice_path(ws, number), ws.inbox / f"{number}.docx", {"办理情况": "已完成", "办理状态": "☑已办结", "完成日期": done})


def test_items_waiting_for_review_are_judged_by_completion_not_today(ws, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-05-11")
    generate(ws, "notice")  # 001 due 6-30, 002 due 5-15, 003 due 12-31
    assert _warnings(ws)["DB-2026-002"] == ("截至5月11日：绿 剩4个工作日", "C6EFCE")  # generate dates its cells
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-22")
    _report_done(ws, "DB-2026-001", "2026年6月19日")  # before its deadline
    _report_done(ws, "DB-2026-002", "2026年5月20日")  # 3 working days late (5-18, 5-19, 5-20)
    ingest(ws)
    cells = _warnings(ws)
    assert cells["DB-2026-001"] == ("截至6月22日：待审核，按期完成，已等待审核0个工作日", "DDEBF7")  # ingest rewrote it
    assert cells["DB-2026-002"][0] == "截至6月22日：待审核，逾期3个工作日完成，已等待审核0个工作日"
    assert cells["DB-2026-003"][0].startswith("截至5月11日：绿")  # a row ingest did not change keeps its dated cell

    monkeypatch.setenv("DANGWU_TODAY", "2026-07-10")  # past 001's deadline: still not late, it was finished in time
    st = status(ws, "督查督办")
    assert [i.number for i in st.open_items] == ["DB-2026-003"]
    one, two = sorted(st.pending, key=lambda i: i.number)
    assert one.colour == "" and one.late_days == 0 and one.waited == 14 and "逾期" not in one.warning
    assert two.late_days == 3 and two.completed == "2026-05-20"
    assert st.by_unit["教务处"] == {"红": 0, "黄": 0, "绿": 0, "待审核": 1}
    assert st.by_unit["学生工作处"] == {"红": 0, "黄": 0, "绿": 0, "待审核": 1}
    assert _warnings(ws)["DB-2026-001"] == ("截至7月10日：待审核，按期完成，已等待审核14个工作日", "DDEBF7")

    text = CliRunner().invoke(main, ["status", "-w", str(ws.root)]).output
    backlog = text[text.index("待审核事项") :]
    assert "DB-2026-001" in backlog and "按期完成" in backlog and "14个工作日" in backlog
    open_part = text[: text.index("待审核事项")]
    assert "逾期3个工作日完成" in backlog and "DB-2026-001" not in open_part and "DB-2026-002" not in open_part

    # the backlog prints what status judged: no deadline is not 按期完成
    source = ws.ledger_path.read_bytes()
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "办理时限", None)
    text = CliRunner().invoke(main, ["status", "-w", str(ws.root)]).output
    line = next(x for x in text.splitlines() if "DB-2026-002" in x and "2026-05-20" in x)
    assert "未定办理时限" in line and "按期完成" not in line, line
    ws.ledger_path.write_bytes(source)

    review(ws, "DB-2026-001", accept=True)  # closed: no warning left
    review(ws, "DB-2026-002", accept=False, opinion="材料不全", deadline=dt.date(2026, 7, 15))
    cells = _warnings(ws)
    assert cells["DB-2026-001"] == (None, None)
    assert cells["DB-2026-002"] == ("截至7月10日：黄 剩3个工作日", "FFEB9C")


def test_status_text_is_aligned_and_units_follow_the_units_sheet(notified, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-25")
    lines = CliRunner().invoke(main, ["status", "-w", str(notified.root)]).output.splitlines()
    start = lines.index("按承办单位：")
    table = lines[start + 1 : start + 5]
    assert [line.split()[0] for line in table] == ["承办单位", "教务处", "学生工作处", "后勤管理处"]  # sheet order
    assert len({text_width(line) for line in table}) == 1  # counts right-aligned under their headings
    head = lines.index("未办结事项（红：已逾期；黄：临近时限；绿：正常）：")
    items = lines[head + 1 : head + 5]
    starts = {text_width(line[: line.index(unit)]) for line, unit in zip(items, ["主办单位", "教务处", "学生工作处", "后勤管理处"])}
    assert len(starts) == 1  # the unit column starts at the same terminal column on every line


def test_notice_for_one_item_numbers_only_that_item(notified):
    add_rows(notified.ledger_path, S.SUPERVISION.name, [
        {"交办时间": dt.date(2026, 9, 1), "督办事项": "新事项甲", "主办单位": "教务处", "办理时限": dt.date(2026, 10, 30)},
        {"交办时间": dt.date(2026, 9, 2), "督办事项": "新事项乙", "主办单位": "信息学院", "办理时限": dt.date(2026, 10, 30)},
    ])  # fmt: skip
    numbered = sum(j["字段"] == "立项编号" for j in journal_rows(notified))
    result = generate(notified, "notice", ids=["DB-2026-002"], force=True)
    assert result.numbered == [] and None in sup_rows(notified)  # the two new rows keep their blank numbers
    assert sum(j["字段"] == "立项编号" for j in journal_rows(notified)) == numbered
    result = generate(notified, "notice", unit="信息工程学院")
    assert result.numbered == ["DB-2026-004"] and {d.number for d in result.documents} == {"DB-2026-004"}
    rows = sup_rows(notified)
    assert rows["DB-2026-004"]["督办事项"] == "新事项乙" and rows[None]["督办事项"] == "新事项甲"
