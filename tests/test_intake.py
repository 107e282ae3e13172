"""`dangwu ingest`: returned Word forms as units really send them, and every way one can be wrong."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from click.testing import CliRunner

from toolkit import ingest
from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S

from .conftest import digest, journal_rows, notice_path, set_cell, sup_rows

DONE = {
    "办理情况": "已制定《课堂教学质量监控办法》。\n已报送分管校领导。",
    "办理状态": "☑已办结　　□办理中",
    "完成日期": "2026年6月1日",
    "承办人": "李敏",
    "联系电话": "0571-86000001",
}


def returned(ws, number, answers, name, role="主办"):
    """Fill the generated notice of ``number`` with ``answers`` into inbox/``name``."""
    return fill_form(notice_path(ws, number, role), ws.inbox / name, answers)


def only(outcomes):
    assert len(outcomes) == 1, outcomes
    return outcomes[0]


def test_completed_form_updates_the_ledger(notified):
    returned(notified, "DB-2026-001", DONE, "教务处反馈.docx")
    out = only(ingest(notified))
    assert out.result == "已更新" and out.number == "DB-2026-001" and out.unit == "教务处"
    row = sup_rows(notified)["DB-2026-001"]
    assert row["状态"] == "待审核"
    assert row["办理情况"] == "已制定《课堂教学质量监控办法》。\n已报送分管校领导。"
    assert row["完成日期"].date().isoformat() == "2026-06-01"
    assert row["承办人"] == "李敏" and row["联系电话"] == "0571-86000001"
    assert row["最近反馈日期"] is not None
    assert (notified.processed / "教务处反馈.docx").exists() and not (notified.inbox / "教务处反馈.docx").exists()
    journal = [j for j in journal_rows(notified) if j["操作"] == "登记回执"]
    assert {j["字段"] for j in journal} >= {"状态", "办理情况", "完成日期", "承办人", "联系电话", "最近反馈日期"}
    assert all(j["来源文件"] == "教务处反馈.docx" and len(j["来源文件SHA256"]) == 64 for j in journal)
    assert next(j for j in journal if j["字段"] == "状态")["原值"] == "已通知"


@pytest.mark.parametrize(
    "status_cell, expected",
    [
        ("☑已办结　　□办理中", "待审核"),
        ("■已办结 □办理中", "待审核"),
        ("√已办结 □办理中", "待审核"),
        ("✓ 已办结", "待审核"),
        ("已办结", "待审核"),
        ("□已办结　　☑办理中", "办理中"),
        ("办理中", "办理中"),
        ("□已办结 √办理中", "办理中"),
        ("☒办理中", "办理中"),
    ],
)
def test_every_usual_way_of_ticking(notified, status_cell, expected):
    returned(notified, "DB-2026-002", {**DONE, "办理状态": status_cell}, "a.docx")
    assert only(ingest(notified)).result == "已更新"
    assert sup_rows(notified)["DB-2026-002"]["状态"] == expected


@pytest.mark.parametrize("typed", ["2026年3月5日", "2026.3.5", "2026-03-05", "2026/3/5", "２０２６年３月５日"])
def test_dates_as_units_type_them(notified, typed):
    returned(notified, "DB-2026-001", {**DONE, "完成日期": typed}, "a.docx")
    assert only(ingest(notified)).result == "已更新"
    assert sup_rows(notified)["DB-2026-001"]["完成日期"].date().isoformat() == "2026-03-05"


def test_line_breaks_inside_a_paragraph_are_kept(notified):
    src = notice_path(notified, "DB-2026-002")
    d = docx.Document(str(src))
    for table in d.tables:
        for row in table.rows:
            if row.cells[0].text == "办理情况":
                run = row.cells[1].paragraphs[0].add_run("第一行")
                run.add_break()
                row.cells[1].paragraphs[0].add_run("第二行")
            if row.cells[0].text == "办理状态":
                row.cells[1].paragraphs[0].runs[0].text = "□已办结　☑办理中"
    d.save(str(notified.inbox / "换行.docx"))
    assert only(ingest(notified)).result == "已更新"
    assert sup_rows(notified)["DB-2026-002"]["办理情况"] == "第一行\n第二行"


def test_renamed_file_is_matched_by_identity(notified):
    returned(notified, "DB-2026-003", DONE, "新建 Microsoft Word 文档 (2).docx")
    out = only(ingest(notified))
    assert out.result == "已更新" and out.number == "DB-2026-003"


@pytest.mark.slow
def test_form_resaved_by_libreoffice_is_read(notified, soffice, tmp_path):
    filled = returned(notified, "DB-2026-001", DONE, "x.docx")
    staging = tmp_path / "lo"
    staging.mkdir()
    shutil.move(filled, staging / "填写后.docx")
    outdir = tmp_path / "out"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "docx",
            "--outdir",
            str(outdir),
            str(staging / "填写后.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = outdir / "填写后.docx"
    assert resaved.exists() and digest(resaved) != digest(staging / "填写后.docx")
    shutil.copy(resaved, notified.inbox / "另存.docx")
    out = only(ingest(notified))
    assert out.result == "已更新", out.message
    row = sup_rows(notified)["DB-2026-001"]
    assert row["状态"] == "待审核" and row["办理情况"] == DONE["办理情况"]


def test_co_unit_copy_is_registered_without_changing_status(notified):
    returned(notified, "DB-2026-001", DONE, "协办.docx", role="协办")
    out = only(ingest(notified))
    assert out.result == "已登记" and out.unit == "信息工程学院"
    row = sup_rows(notified)["DB-2026-001"]
    assert row["状态"] == "已通知" and row["最近反馈日期"] is not None
    assert any(j["字段"] == "回执" and "协办·信息工程学院" in j["新值"] for j in journal_rows(notified))


def test_values_that_look_like_formulas_stay_text(notified):
    returned(notified, "DB-2026-002", {**DONE, "承办人": '=HYPERLINK("http://evil")', "办理情况": "+1 完成", "联系电话": "@123"}, "f.docx")
    assert only(ingest(notified)).result == "已更新"
    import openpyxl

    sheet = openpyxl.load_workbook(notified.ledger_path)[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    for h in ("承办人", "办理情况", "联系电话"):
        cell = sheet.cell(3, headers.index(h) + 1)
        assert cell.data_type == "s", h
    assert sup_rows(notified)["DB-2026-002"]["承办人"] == '=HYPERLINK("http://evil")'


def test_same_file_twice_changes_nothing_and_says_so(notified):
    path = returned(notified, "DB-2026-001", DONE, "一.docx")
    shutil.copy(path, notified.root / "copy.docx")
    ingest(notified)
    before = digest(notified.ledger_path)
    shutil.copy(notified.root / "copy.docx", notified.inbox / "二.docx")
    out = only(ingest(notified))
    assert out.result == "重复" and "已处理过" in out.message
    assert digest(notified.ledger_path) == before
    assert (notified.rejected / "二.docx").exists() and (notified.rejected / "二.docx.原因.txt").exists()


def _rewrite_identity(path, old, new):
    """Change text inside every XML part of a .docx (simulates a form tampered with or mixed up)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith(".xml"):
                data = data.replace(old.encode(), new.encode())
            zout.writestr(item, data)
    tmp.replace(path)


def _not_a_form(ws):
    d = docx.Document()
    d.add_paragraph("关于食堂整治的情况汇报")
    d.save(str(ws.inbox / "汇报.docx"))


def _unknown_item(ws):
    p = returned(ws, "DB-2026-002", DONE, "unknown.docx")
    _rewrite_identity(p, "DB-2026-002", "DB-2026-999")


def _other_unit(ws):
    p = returned(ws, "DB-2026-002", DONE, "other.docx")
    _rewrite_identity(p, "|学生工作处|", "|后勤管理处|")


def _mixed_identity(ws):
    p = returned(ws, "DB-2026-002", DONE, "mixed.docx")
    with zipfile.ZipFile(p) as z:
        custom = z.read("docProps/custom.xml").decode()
    ident = re.search(r"DW1\|[^<]+", custom).group(0)
    _rewrite_identity(p, ident, ident.replace("DB-2026-002", "DB-2026-001").replace("学生工作处", "教务处"))
    # put back the visible footer so the two sources disagree
    tmp = p.with_suffix(".tmp")
    with zipfile.ZipFile(p) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("word/footer"):
                data = data.replace(ident.replace("DB-2026-002", "DB-2026-001").replace("学生工作处", "教务处").encode(), ident.encode())
            zout.writestr(item, data)
    tmp.replace(p)


def _closed_item(ws):
    returned(ws, "DB-2026-002", DONE, "closed.docx")
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "状态", "已办结")


def _write(name, data):
    return lambda ws: (ws.inbox / name).write_bytes(data)


def _truncated(ws):
    data = notice_path(ws, "DB-2026-002").read_bytes()
    (ws.inbox / "truncated.docx").write_bytes(data[: len(data) // 2])


REJECTIONS = [
    ("not a zip", _write("文本.docx", "这不是Word文件".encode()), "不是 .docx"),
    ("truncated zip", _truncated, "不是 .docx"),
    ("pdf not yet", _write("scan.xls", b"\xd0\xcf\x11\xe0"), "不支持的文件类型"),
    ("no form of ours", _not_a_form, "找不到识别码"),
    ("unknown item", _unknown_item, "没有立项编号为 DB-2026-999"),
    ("another unit", _other_unit, "台账中 DB-2026-002 的承办单位是：学生工作处"),
    ("identities disagree", _mixed_identity, "识别码前后不一致"),
    (
        "deadline edited",
        lambda ws: returned(ws, "DB-2026-002", {**DONE, "办理时限": "2026年12月31日"}, "e.docx"),
        "办理时限（表单为“2026年12月31日”，台账为“2026年5月15日”）",
    ),
    ("task edited", lambda ws: returned(ws, "DB-2026-002", {**DONE, "督办事项": "不用自查了"}, "t.docx"), "预填的内容被改动：督办事项"),
    ("done without text", lambda ws: returned(ws, "DB-2026-002", {**DONE, "办理情况": ""}, "d.docx"), "“办理情况”为空"),
    ("done without date", lambda ws: returned(ws, "DB-2026-002", {**DONE, "完成日期": ""}, "d.docx"), "“完成日期”为空"),
    ("date not a date", lambda ws: returned(ws, "DB-2026-002", {**DONE, "完成日期": "下周一"}, "d.docx"), "“下周一”不是日期"),
    ("date in the future", lambda ws: returned(ws, "DB-2026-002", {**DONE, "完成日期": "2099年1月1日"}, "d.docx"), "晚于今天"),
    ("both ticked", lambda ws: returned(ws, "DB-2026-002", {**DONE, "办理状态": "☑已办结 ☑办理中"}, "d.docx"), "同时勾选"),
    ("nothing ticked", lambda ws: returned(ws, "DB-2026-002", {**DONE, "办理状态": "□已办结 □办理中"}, "d.docx"), "未勾选"),
    ("item closed", _closed_item, "已办结"),
    ("done before assigned", lambda ws: returned(ws, "DB-2026-002", {**DONE, "完成日期": "2026年1月2日"}, "d.docx"), "早于交办时间"),
    ("a stray text file", _write("说明.txt", "请查收".encode()), "不支持的文件类型"),
]


@pytest.mark.parametrize("case, make, reason", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_rejections_leave_the_ledger_byte_identical(notified, case, make, reason):
    make(notified)
    before = digest(notified.ledger_path)
    name = next(p.name for p in notified.inbox.iterdir())
    out = only(ingest(notified))
    assert out.result == "退回", (case, out)
    assert reason in out.message, (case, out.message)
    assert digest(notified.ledger_path) == before
    assert (notified.rejected / name).exists() and not (notified.inbox / name).exists()
    why = (notified.rejected / f"{name}.原因.txt").read_text(encoding="utf-8")
    assert name in why and reason in why and "台账未" in why
    if out.number:  # once the identity was read, the clerk is told which item and unit
        assert f"事项：{out.number}" in why
    # a closed item takes no form however it is corrected: the reason must not ask for one again
    assert ("重新放入 inbox" in why) == (case != "item closed"), why


def test_stale_form_after_a_ledger_change_is_refused(notified):
    returned(notified, "DB-2026-002", DONE, "stale.docx")
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-002", "办理时限", "2026-06-30")
    before = digest(notified.ledger_path)
    out = only(ingest(notified))
    assert out.result == "退回" and "已过期" in out.message and "办理时限" in out.message
    assert digest(notified.ledger_path) == before


def test_good_and_bad_in_one_batch(notified):
    returned(notified, "DB-2026-001", DONE, "good.docx")
    (notified.inbox / "bad.docx").write_bytes(b"junk")
    (notified.inbox / "~$good.docx").write_bytes(b"word lock file")
    result = CliRunner().invoke(main, ["ingest", "-w", str(notified.root), "--json"])
    assert result.exit_code == 0, result.output
    data = {d["file"]: d for d in json.loads(result.output)}
    assert set(data) == {"good.docx", "bad.docx"}
    assert data["good.docx"]["result"] == "已更新" and data["bad.docx"]["result"] == "退回"
    assert data["bad.docx"]["moved_to"] == "rejected/bad.docx"
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "待审核"


def test_cli_prints_one_line_per_file_and_a_summary(notified):
    returned(notified, "DB-2026-001", DONE, "good.docx")
    result = CliRunner().invoke(main, ["ingest", "-w", str(notified.root)])
    assert result.exit_code == 0
    assert "[已更新] good.docx DB-2026-001 教务处" in result.output and "合计：已更新 1" in result.output


def test_files_outside_the_inbox_are_copied_not_moved(notified, tmp_path):
    src = fill_form(notice_path(notified, "DB-2026-001"), tmp_path / "desk" / "f.docx", DONE)
    out = only(ingest(notified, [src]))
    assert out.result == "已更新" and src.exists() and (notified.processed / "f.docx").exists()


def test_in_progress_with_a_date_does_not_set_the_completion_date(notified):
    returned(notified, "DB-2026-002", {**DONE, "办理状态": "办理中"}, "p.docx")
    assert only(ingest(notified)).result == "已更新"
    row = sup_rows(notified)["DB-2026-002"]
    assert row["状态"] == "办理中" and row["完成日期"] is None


def test_rejected_outcome_names_item_and_unit(notified):
    returned(notified, "DB-2026-002", {**DONE, "完成日期": "下周一"}, "x.docx")
    out = only(ingest(notified))
    assert (out.result, out.number, out.unit) == ("退回", "DB-2026-002", "学生工作处")


def test_written_files_are_not_private(notified):
    import stat

    for path in [notified.ledger_path, notice_path(notified, "DB-2026-001")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o044, path


def test_every_report_is_kept_in_the_progress_sheet(notified):
    returned(notified, "DB-2026-003", {**DONE, "办理状态": "办理中", "办理情况": "第一次进展"}, "p1.docx")
    ingest(notified)
    returned(notified, "DB-2026-003", {**DONE, "办理状态": "办理中", "办理情况": "第二次进展"}, "p2.docx")
    returned(notified, "DB-2026-003", {**DONE, "办理情况": "协办配合情况"}, "c.docx", role="协办")
    ingest(notified)
    import openpyxl

    sheet = openpyxl.load_workbook(notified.ledger_path)["办理进展"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if any(r)]
    texts = [(r[1], r[2], r[3], r[4], r[5]) for r in rows]
    assert ("DB-2026-003", "后勤管理处", "主办", "办理中", "第一次进展") in texts
    assert ("DB-2026-003", "后勤管理处", "主办", "办理中", "第二次进展") in texts
    assert any(t[2] == "协办" and t[4] == "协办配合情况" for t in texts)
    assert sup_rows(notified)["DB-2026-003"]["办理情况"] == "第二次进展"  # the ledger row shows the latest


def test_progress_rows_are_kept_outside_openpyxl_and_stay_typed(notified):
    """办理进展 only grows: loaded as its header row, its rows kept as XML; new rows keep real dates and text."""
    import openpyxl

    from toolkit.ledger.workbook import Ledger

    first = {**DONE, "办理状态": "办理中", "办理情况": "=第一次进展"}
    returned(notified, "DB-2026-003", first, "p1.docx")
    ingest(notified)
    ledger = Ledger.load(notified.ledger_path)
    assert S.PROGRESS.name in ledger.tails and len(ledger.wb[S.PROGRESS.name]._cells) == len(S.PROGRESS.headers)
    returned(notified, "DB-2026-003", {**first, "承办人": "另一人"}, "p2.docx")  # the same report again: no new row
    returned(notified, "DB-2026-002", {**DONE, "办理状态": "办理中", "办理情况": "第二项进展"}, "p3.docx")
    ingest(notified)
    sheet = openpyxl.load_workbook(notified.ledger_path)["办理进展"]
    rows = [r for r in sheet.iter_rows(min_row=2) if any(c.value for c in r)]
    assert [(r[1].value, r[5].value) for r in rows] == [("DB-2026-003", "=第一次进展"), ("DB-2026-002", "第二项进展")]
    for r in rows:
        assert r[0].is_date and r[0].number_format == "yyyy-mm-dd", "日期 is a real Excel date"
    assert rows[0][5].data_type == "s" and rows[0][5].quotePrefix, "a text that looks like a formula stays text"


def test_a_missing_file_named_by_a_library_caller_is_a_chinese_usage_error(notified):
    with pytest.raises(UsageError, match="找不到文件"):
        ingest(notified, [notified.root / "不存在.docx"])
