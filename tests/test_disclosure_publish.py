"""党务公开 三(一)2 执行 and 4 再公开: announcements (先党内、后党外), replies, re-disclosure.

Every check reads the files the toolkit wrote (python-docx, openpyxl, pdfplumber); every refusal
leaves the ledger byte-identical and writes no document.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from PIL import Image

from toolkit import generate, ingest, status
from toolkit.cli import main
from toolkit.forms.fill import fill_form

from .conftest import add_rows, digest, journal_rows

SHEET = "党务公开台账"
FEEDBACK = "公开意见反馈"
ANN_DIR = "党务公开公告"
RE_DIR = "再公开公告"
REPLY_DIR = "意见答复单"
OFFICE = "党务公开工作办公室"
PHONE, EMAIL, ADDRESS = "0571-88886666", "dwgk@example.edu.cn", "行政楼305室"

ITEMS = [
    {
        "公开编号": "GK-2026-001",
        "公开类别": "党务运行基本情况",
        "公开事项": "2026年第四季度党费收缴管理情况",
        "公开内容摘要": "全校各党支部党费收缴、使用和管理情况",
        "提出部门": "学工处",
        "公开范围": "全体党员",
        "公开形式": "党内会议",
        "时限类型": "常规性",
        "计划公开日期": dt.date(2026, 12, 20),
    },
    {
        "公开编号": "GK-2026-002",
        "公开类别": "党风廉政建设",
        "公开事项": "学校领导班子民主生活会情况",
        "公开内容摘要": "民主生活会召开情况及整改措施",
        "提出部门": "教务处",
        "公开范围": "全体教职工",
        "公开形式": "校园网",
        "时限类型": "阶段性",
        "计划公开日期": dt.date(2026, 12, 10),
    },
    {
        "公开编号": "GK-2026-003",
        "公开类别": "基层组织建设情况",
        "公开事项": "拟发展党员公示",
        "公开内容摘要": "拟发展党员名单",
        "提出部门": "教务处",
        "公开范围": "社会",
        "公开形式": "校园网",
        "时限类型": "临时性",
        "计划公开日期": dt.date(2026, 12, 10),
    },
    {
        "公开编号": "GK-2026-004",
        "公开类别": "干部选拔任用情况",
        "公开事项": "中层干部选拔任用工作情况",
        "公开内容摘要": "中层干部选拔任用工作的程序和结果",
        "提出部门": "教务处",
        "公开范围": "党政领导干部",
        "公开形式": "党内会议",
        "时限类型": "阶段性",
        "计划公开日期": dt.date(2026, 12, 10),
    },
    {
        "公开编号": "GK-2026-005",
        "公开类别": "党风廉政建设",
        "公开事项": "某专项检查情况",
        "公开内容摘要": "专项检查结果",
        "提出部门": "教务处",
        "公开范围": "社会",
        "公开形式": "校园网",
        "时限类型": "临时性",
        "计划公开日期": dt.date(2026, 12, 10),
    },
    {
        "公开编号": "GK-2026-006",
        "公开类别": "思想政治建设情况",
        "公开事项": "理论学习中心组学习情况",
        "公开内容摘要": "中心组学习安排",
        "提出部门": "教务处",
        "公开范围": "全体教职工",
        "公开形式": "校园网",
        "时限类型": "临时性",
        "计划公开日期": dt.date(2026, 12, 10),
    },
]
OPINIONS = [
    {
        "反馈人": "张老师",
        "单位或身份": "机电工程学院教师",
        "联系方式": "13900000000",
        "意见建议": "建议公开整改台账",
        "反馈日期": "2026-12-07",
    },
    {
        "反馈人": "李同学",
        "单位或身份": "信息学院学生",
        "联系方式": "lee@example.com",
        "意见建议": "希望说明整改时限",
        "反馈日期": "2026-12-08",
    },
]


# ---- helpers


def cli(ws, *args):
    return CliRunner().invoke(main, [*args, "-w", str(ws.root)])


def set_today(monkeypatch, day: str) -> None:
    monkeypatch.setenv("DANGWU_TODAY", day)


def rows(ws, sheet: str = SHEET) -> dict[str, dict]:
    sh = openpyxl.load_workbook(ws.ledger_path)[sheet]
    head = [c.value for c in sh[1]]
    return {r[0]: dict(zip(head, r)) for r in sh.iter_rows(min_row=2, values_only=True) if r[0]}


def day(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def docs(ws, folder: str = ANN_DIR) -> dict[str, object]:
    """{file stem: path} of the .docx files written into outbox/<folder>."""
    return {p.stem: p for p in sorted((ws.outbox / folder).glob("*.docx"))}


def outbox_files(ws) -> set[str]:
    return {str(p.relative_to(ws.outbox)) for p in ws.outbox.rglob("*") if p.is_file()}


def texts(path) -> list[str]:
    """The non-empty paragraph texts of a .docx, in order."""
    return [p.text.replace("\n", "") for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def visible_xml(path) -> str:
    """document.xml with every header and footer: all the parts a reader can see."""
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))]
        return "".join(z.read(n).decode("utf-8") for n in names)


def stages(ws) -> dict[str, int]:
    return {k: v for k, v in status(ws, "党务公开", write=False).counts.items() if v}


def refused(ws, *args, expect: str = ""):
    """Run a command that must be refused: ledger byte-identical, nothing new in outbox/."""
    before, files = digest(ws.ledger_path), outbox_files(ws)
    r = cli(ws, *args)
    assert r.exit_code != 0, r.output
    assert expect in r.output, r.output
    assert digest(ws.ledger_path) == before
    assert outbox_files(ws) == files
    return r


def announcement(ws, number: str, role: str):
    found = [p for stem, p in docs(ws).items() if stem.startswith(f"{number}_{role}_")]
    assert len(found) == 1, docs(ws)
    return found[0]


# ---- fixtures


@pytest.fixture
def items(ws, monkeypatch):
    """Six items (001 全体党员, 002 全体教职工, 003 社会, 004 党政领导干部 approved; 005 refused; 006 undecided)."""
    set_today(monkeypatch, "2026-12-03")  # a Thursday
    toml = ws.root / "dangwu.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('phone = ""', f'phone = "{PHONE}"').replace('email = ""', f'email = "{EMAIL}"')
    toml.write_text(text.replace('address = ""', f'address = "{ADDRESS}"'), encoding="utf-8")
    add_rows(ws.ledger_path, SHEET, ITEMS)
    ok = cli(ws, "decide", "GK-2026-001", "GK-2026-002", "GK-2026-003", "GK-2026-004", "--approve", "--by", "王书记")
    assert ok.exit_code == 0, ok.output
    no = cli(ws, "decide", "GK-2026-005", "--refuse", "--by", "王书记")
    assert no.exit_code == 0, no.output
    return ws


@pytest.fixture
def announced(items):
    """The first announcements of 2026-12-03 written."""
    r = cli(items, "generate", "announcement")
    assert r.exit_code == 0, r.output
    return items


# ---- 执行: the first announcements


def test_first_announcements_follow_the_scope_inside_the_party_first(announced):
    ws = announced
    assert sorted(docs(ws)) == [
        "GK-2026-001_公开_全体党员_党务公开公告",
        "GK-2026-002_党内公开_全体党员_党务公开公告",
        "GK-2026-003_党内公开_全体党员_党务公开公告",
        "GK-2026-004_公开_党政领导干部_党务公开公告",
    ]  # the refused 005 and the undecided 006 get none
    r = rows(ws)
    for number in ("GK-2026-001", "GK-2026-004"):  # limited to the Party: one announcement sets both pairs
        row = r[number]
        assert [day(row[c]) for c in ("党内公开日期", "党内公开截止日期", "公开日期", "公开截止日期")] == [
            dt.date(2026, 12, 3),
            dt.date(2026, 12, 9),
            dt.date(2026, 12, 3),
            dt.date(2026, 12, 9),
        ]
    for number in ("GK-2026-002", "GK-2026-003"):  # beyond the Party: inside first, outside not yet
        row = r[number]
        assert (day(row["党内公开日期"]), day(row["党内公开截止日期"])) == (dt.date(2026, 12, 3), dt.date(2026, 12, 9))
        assert row["公开日期"] is None and row["公开截止日期"] is None
    for number in ("GK-2026-005", "GK-2026-006"):
        assert all(r[number][c] is None for c in ("党内公开日期", "公开日期", "公开截止日期"))
    numbers = {(j["编号"], j["新值"]) for j in journal_rows(ws) if j["字段"] == "公告文号"}
    assert numbers == {
        ("GK-2026-001", "党公〔2026〕1号·公开"),
        ("GK-2026-002", "党公〔2026〕2号·党内公开"),
        ("GK-2026-003", "党公〔2026〕3号·党内公开"),
        ("GK-2026-004", "党公〔2026〕4号·公开"),
    }
    assert stages(ws) == {"公示中": 2, "党内公开中": 2, "不予公开": 1, "待审批": 1}


def test_an_announcement_reads_as_a_public_notice(announced):
    lines = texts(announcement(announced, "GK-2026-001", "公开"))
    assert lines[:3] == ["党公〔2026〕1号", "关于2026年第四季度党费收缴管理情况的公示", "全体党员："]
    assert "全校各党支部党费收缴、使用和管理情况。" in lines  # 公开内容摘要 as the body
    assert "公开范围：全体党员。" in lines
    assert "公示期：2026年12月3日至12月9日（5个工作日）。" in lines
    how = next(line for line in lines if "意见" in line and "实名" in line)
    assert PHONE in how and EMAIL in how and ADDRESS in how
    assert lines[-2:] == [OFFICE, "2026年12月3日"]  # 落款 and 成文日期
    leaders = texts(announcement(announced, "GK-2026-004", "公开"))
    assert leaders[1:3] == ["关于中层干部选拔任用工作情况的公示", "校党政领导干部："] and "公开范围：党政领导干部。" in leaders
    inner = texts(announcement(announced, "GK-2026-003", "党内公开"))
    assert inner[1:3] == ["关于拟发展党员的公示", "全体党员："]  # no doubled 公示
    assert "公开范围：全体党员。" in inner and any("先在党内公开" in line and "社会" in line for line in inner)


def test_no_machine_code_is_visible_only_in_the_properties(announced):
    for stem, path in docs(announced).items():
        number = stem[:11]
        xml = visible_xml(path)
        assert "DW1|" not in xml and "GK-2026" not in xml, stem
        d = docx.Document(str(path))
        assert d.core_properties.keywords.startswith(f"DW1|announcement|{number}|")
        with zipfile.ZipFile(path) as z:
            custom = z.read("docProps/custom.xml").decode("utf-8")
        assert 'name="dangwu_identity"' in custom and f"DW1|announcement|{number}|" in custom


def test_the_outside_announcement_waits_for_the_working_day_after(announced, monkeypatch):
    ws = announced
    refused(ws, "generate", "announcement", "--id", "GK-2026-002", expect="2026-12-04")
    files = outbox_files(ws)
    quiet = cli(ws, "generate", "announcement")  # without --id: skipped with the reason, nothing written
    assert quiet.exit_code == 0 and "已生成 0 份" in quiet.output and "GK-2026-002（党内公开日期为 2026-12-03" in quiet.output
    assert outbox_files(ws) == files
    set_today(monkeypatch, "2026-12-04")
    r = cli(ws, "generate", "announcement")
    assert r.exit_code == 0, r.output
    assert "GK-2026-002_公开_全体教职工_党务公开公告" in docs(ws) and "GK-2026-003_公开_社会_党务公开公告" in docs(ws)
    staff = texts(announcement(ws, "GK-2026-002", "公开"))
    assert staff[:3] == ["党公〔2026〕5号", "关于学校领导班子民主生活会情况的公示", "全校教职工："]
    assert "公开范围：全体教职工。" in staff and "公示期：2026年12月4日至12月10日（5个工作日）。" in staff
    assert not any("先在党内公开" in line for line in staff)
    public = texts(announcement(ws, "GK-2026-003", "公开"))
    assert public[0] == "党公〔2026〕6号" and "公开范围：社会。" in public
    row = rows(ws)["GK-2026-002"]
    assert (day(row["党内公开日期"]), day(row["公开日期"]), day(row["公开截止日期"])) == (
        dt.date(2026, 12, 3),
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 10),
    )
    assert stages(ws)["公示中"] == 4
    again = cli(ws, "generate", "announcement")
    assert again.exit_code == 0 and "已生成 0 份" in again.output
    refused(ws, "generate", "announcement", "--id", "GK-2026-002", expect="已于 2026-12-04 公开")


def test_inside_on_a_friday_means_outside_not_before_monday(items, monkeypatch):
    set_today(monkeypatch, "2026-12-04")
    assert cli(items, "generate", "announcement", "--id", "GK-2026-002").exit_code == 0
    set_today(monkeypatch, "2026-12-05")  # Saturday: the next working day after Friday is Monday 12-07
    refused(items, "generate", "announcement", "--id", "GK-2026-002", expect="2026-12-07")
    set_today(monkeypatch, "2026-12-07")
    assert cli(items, "generate", "announcement", "--id", "GK-2026-002").exit_code == 0
    assert day(rows(items)["GK-2026-002"]["公开日期"]) == dt.date(2026, 12, 7)


def test_skip_inner_publishes_outside_at_once_and_journals_why(items):
    refused(items, "generate", "announcement", "--skip-inner", "时间紧迫", expect="--id")
    refused(items, "generate", "announcement", "--id", "GK-2026-002", "--skip-inner", "  ", expect="理由")
    r = cli(items, "generate", "announcement", "--id", "GK-2026-002", "--skip-inner", "上级要求当日对外公布")
    assert r.exit_code == 0, r.output
    assert list(docs(items)) == ["GK-2026-002_公开_全体教职工_党务公开公告"]
    row = rows(items)["GK-2026-002"]
    assert row["党内公开日期"] is None and day(row["公开日期"]) == dt.date(2026, 12, 3)
    skips = [j for j in journal_rows(items) if j["字段"] == "跳过党内公开"]
    assert [(j["编号"], j["新值"]) for j in skips] == [("GK-2026-002", "上级要求当日对外公布")]
    assert texts(announcement(items, "GK-2026-002", "公开"))[2] == "全校教职工："


def test_no_opinions_makes_a_notice_without_period_or_channels(items):
    r = cli(items, "generate", "announcement", "--id", "GK-2026-001", "--no-opinions")
    assert r.exit_code == 0, r.output
    lines = texts(announcement(items, "GK-2026-001", "公开"))
    assert lines[1] == "关于2026年第四季度党费收缴管理情况的通知"
    assert not any("公示期" in line or PHONE in line or "实名" in line for line in lines)
    assert "公开范围：全体党员。" in lines and lines[-2:] == [OFFICE, "2026年12月3日"]
    row = rows(items)["GK-2026-001"]
    assert day(row["公开日期"]) == day(row["公开截止日期"]) == dt.date(2026, 12, 3)
    toml = items.root / "dangwu.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('plain_kind = "通知"', 'plain_kind = "公告"'), encoding="utf-8")
    assert cli(items, "generate", "announcement", "--id", "GK-2026-004", "--no-opinions").exit_code == 0
    assert texts(announcement(items, "GK-2026-004", "公开"))[1] == "关于中层干部选拔任用工作情况的公告"


def test_the_period_counts_working_days_from_the_next_working_day(items, monkeypatch):
    set_today(monkeypatch, "2026-12-05")  # Saturday: signed today, the period starts on Monday
    assert cli(items, "generate", "announcement", "--id", "GK-2026-001").exit_code == 0
    lines = texts(announcement(items, "GK-2026-001", "公开"))
    assert "公示期：2026年12月7日至12月11日（5个工作日）。" in lines and lines[-1] == "2026年12月5日"
    assert day(rows(items)["GK-2026-001"]["公开截止日期"]) == dt.date(2026, 12, 11)
    assert cli(items, "generate", "announcement", "--id", "GK-2026-004", "--days", "3").exit_code == 0
    assert "公示期：2026年12月7日至12月9日（3个工作日）。" in texts(announcement(items, "GK-2026-004", "公开"))
    refused(items, "generate", "announcement", "--id", "GK-2026-002", "--days", "0", expect="--days")
    refused(items, "generate", "announcement", "--id", "GK-2026-002", "--until", "明年", expect="--until")


def test_a_period_past_the_calendar_is_refused_unless_until_gives_the_end(items, monkeypatch):
    set_today(monkeypatch, "2026-12-28")  # Monday: five working days run into 2027, whose holidays are unknown
    refused(items, "generate", "announcement", "--id", "GK-2026-001", expect="--until")
    refused(items, "generate", "announcement", expect="--until")  # the batch too: nothing half-written
    refused(items, "generate", "announcement", "--id", "GK-2026-001", "--until", "2026-12-20", expect="早于")
    r = cli(items, "generate", "announcement", "--id", "GK-2026-001", "--until", "2027-01-08")
    assert r.exit_code == 0, r.output
    lines = texts(announcement(items, "GK-2026-001", "公开"))
    assert any(line.startswith("公示期：2026年12月28日至2027年1月8日") for line in lines)
    row = rows(items)["GK-2026-001"]
    assert (day(row["公开日期"]), day(row["公开截止日期"])) == (dt.date(2026, 12, 28), dt.date(2027, 1, 8))


def test_refused_and_undecided_items_and_unknown_numbers_get_no_announcement(items):
    refused(items, "generate", "announcement", "--id", "GK-2026-005", expect="不予公开")
    refused(items, "generate", "announcement", "--id", "GK-2026-006", expect="尚未审批")
    refused(items, "generate", "announcement", "--id", "GK-2026-099", expect="GK-2026-099")


def test_a_published_item_is_reprinted_with_force_under_its_own_number(announced):
    before = rows(announced)["GK-2026-001"]
    r = cli(announced, "generate", "announcement", "--id", "GK-2026-001", "--force")
    assert r.exit_code == 0, r.output
    lines = texts(announcement(announced, "GK-2026-001", "公开"))
    assert lines[0] == "党公〔2026〕1号" and "公示期：2026年12月3日至12月9日（5个工作日）。" in lines
    after = rows(announced)["GK-2026-001"]
    assert [after[c] for c in ("公开日期", "公开截止日期")] == [before[c] for c in ("公开日期", "公开截止日期")]
    assert sum(1 for j in journal_rows(announced) if j["字段"] == "公告文号") == 4  # no new number taken


def test_until_inside_the_calendar_counts_the_working_days(items):
    assert cli(items, "generate", "announcement", "--id", "GK-2026-001", "--until", "2026-12-15").exit_code == 0
    assert "公示期：2026年12月3日至12月15日（9个工作日）。" in texts(announcement(items, "GK-2026-001", "公开"))
    assert day(rows(items)["GK-2026-001"]["公开截止日期"]) == dt.date(2026, 12, 15)


def test_the_merged_print_file_holds_every_announcement_and_no_code(items, monkeypatch):
    result = generate(items, "announcement", merge=True)
    assert result.merged is not None and result.merged.parent.name == "打印"
    lines = texts(result.merged)
    assert [line for line in lines if line.startswith("党公〔2026〕")] == [f"党公〔2026〕{i}号" for i in range(1, 5)]
    assert "DW1|" not in visible_xml(result.merged) and "GK-2026" not in visible_xml(result.merged)
    set_today(monkeypatch, "2026-12-10")  # the inside period is over, the outside announcement not yet written
    assert stages(items) == {"待公开": 2, "已完成": 2, "不予公开": 1, "待审批": 1}


# ---- the body: the item's own document


def body_document(path) -> None:
    """A Word document with a paragraph, a numbered list item, a table and a picture."""
    d = docx.Document()
    d.add_paragraph("拟发展对象共两名，情况如下。")
    d.add_paragraph("第一名发展对象基本情况", style="List Number")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "姓名", "所在支部"
    table.cell(1, 0).text, table.cell(1, 1).text = "王小明", "机关第一支部"
    picture = io.BytesIO()
    Image.new("RGB", (60, 30), "red").save(picture, "PNG")
    picture.seek(0)
    d.add_picture(picture)
    d.add_paragraph("正文最后一段。")
    d.save(str(path))


def test_the_items_own_document_is_merged_in_whole(items):
    folder = items.root / "公开内容"
    folder.mkdir()
    body_document(folder / "GK-2026-003.docx")
    (folder / "GK-2026-004.md").write_text("# 选拔任用\n- 程序：民主推荐、考察\n**结果**：拟任3人\n", encoding="utf-8")
    r = cli(items, "generate", "announcement", "--id", "GK-2026-003", "--id", "GK-2026-004")
    assert r.exit_code == 0, r.output
    path = announcement(items, "GK-2026-003", "党内公开")
    d = docx.Document(str(path))
    lines = [p.text.replace("\n", "") for p in d.paragraphs if p.text.strip()]
    assert "拟发展对象共两名，情况如下。" in lines and "第一名发展对象基本情况" in lines and "正文最后一段。" in lines
    assert "拟发展党员名单。" not in lines and "拟发展党员名单" not in lines  # the summary gives way to the document
    assert lines.index("全体党员：") < lines.index("拟发展对象共两名，情况如下。") < lines.index("公开范围：全体党员。")
    assert [[c.text for c in row.cells] for row in d.tables[0].rows] == [["姓名", "所在支部"], ["王小明", "机关第一支部"]]
    body = d.element.body
    listed = next(p for p in d.paragraphs if p.text == "第一名发展对象基本情况")
    numbered = listed._p.pPr is not None and listed._p.pPr.numPr is not None
    style_numbered = listed.style.element.pPr is not None and listed.style.element.pPr.numPr is not None
    assert numbered or style_numbered
    assert body.find(".//" + qn("w:numPr")) is not None or style_numbered
    assert body.find(".//" + qn("w:drawing")) is not None
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("word/media/") for n in z.namelist()) and "word/numbering.xml" in z.namelist()
    assert "GK-2026" not in visible_xml(path) and "DW1|" not in visible_xml(path)
    md = texts(announcement(items, "GK-2026-004", "公开"))
    assert "程序：民主推荐、考察。" in md and "结果：拟任3人。" in md and not any("#" in line or "**" in line for line in md)


def test_a_damaged_body_document_is_refused_before_anything_is_written(items):
    folder = items.root / "公开内容"
    folder.mkdir()
    (folder / "GK-2026-001.docx").write_bytes(b"not a word file")
    refused(items, "generate", "announcement", expect="GK-2026-001.docx")


# ---- 反馈 → 处理 → 答复 → 再公开


@pytest.fixture
def with_opinions(items, monkeypatch):
    """GK-2026-002 published outside on 12-03 (--skip-inner), two opinions returned on its form; now 12-11."""
    assert cli(items, "generate", "announcement", "--id", "GK-2026-002", "--skip-inner", "时间紧迫").exit_code == 0
    form = next(iter(generate(items, "feedback-form", ids=["GK-2026-002"]).documents)).path
    for i, opinion in enumerate(OPINIONS):
        fill_form(form, items.inbox / f"意见{i + 1}.docx", opinion)
    assert [o.result for o in ingest(items)] == ["已登记", "已登记"]
    set_today(monkeypatch, "2026-12-11")
    return items


def test_opinions_are_handled_answered_and_disclosed_again_without_names(with_opinions):
    ws = with_opinions
    assert stages(ws)["待处理反馈"] == 1
    refused(ws, "generate", "redisclosure", "--id", "GK-2026-002", expect="FK-2026-001、FK-2026-002")
    r = cli(ws, "respond", "FK-2026-001", "--handling", "已在校园网公开整改台账", "--to", "纪委办公室", "--summary", "建议公开整改台账")
    assert r.exit_code == 0, r.output
    reply = cli(ws, "generate", "reply")
    assert reply.exit_code == 0, reply.output
    assert list(docs(ws, REPLY_DIR)) == ["FK-2026-001_答复_张老师_意见答复单"]  # only the handled opinion
    answer = docx.Document(str(docs(ws, REPLY_DIR)["FK-2026-001_答复_张老师_意见答复单"]))
    cells = {c.text for t in answer.tables for row in t.rows for c in row.cells}
    assert {"张老师", "建议公开整改台账", "已在校园网公开整改台账", "纪委办公室"} <= cells
    fk = rows(ws, FEEDBACK)
    assert day(fk["FK-2026-001"]["答复日期"]) == dt.date(2026, 12, 11) and fk["FK-2026-002"]["答复日期"] is None
    assert cli(ws, "respond", "FK-2026-002", "--handling", "已在整改方案中写明完成时限").exit_code == 0
    assert stages(ws)["待再公开"] == 1
    refused(ws, "generate", "redisclosure", "--id", "GK-2026-002", expect="意见摘要")  # a summary is what may be printed
    assert cli(ws, "respond", "FK-2026-002", "--summary", "希望说明整改时限").exit_code == 0
    r = cli(ws, "generate", "redisclosure", "--id", "GK-2026-002")
    assert r.exit_code == 0, r.output
    path = docs(ws, RE_DIR)["GK-2026-002_再公开_全体教职工_再公开公告"]
    lines = texts(path)
    assert lines[:3] == ["党公〔2026〕2号", "关于学校领导班子民主生活会情况意见建议办理情况的公告", "全校教职工："]
    assert "共收到意见建议2条" in lines[3]
    assert "一、建议公开整改台账。" in lines and "二、希望说明整改时限。" in lines
    assert "办理情况：已在校园网公开整改台账。（承办部门：纪委办公室）" in lines
    assert "办理情况：已在整改方案中写明完成时限。" in lines
    assert lines[-2:] == [OFFICE, "2026年12月11日"]
    xml = visible_xml(path)
    for private in ("张老师", "李同学", "13900000000", "lee@example.com", "机电工程学院教师", "信息学院学生", "DW1|", "GK-2026", "FK-2026"):
        assert private not in xml, private
    row = rows(ws)["GK-2026-002"]
    assert day(row["再公开日期"]) == dt.date(2026, 12, 11) and "党公〔2026〕2号" in row["处理情况"]
    assert stages(ws)["已完成"] == 1
    refused(ws, "generate", "redisclosure", "--id", "GK-2026-002", expect="已于 2026-12-11 再公开")


def test_respond_refuses_what_it_cannot_record(with_opinions):
    ws = with_opinions
    refused(ws, "respond", "FK-2026-099", "--handling", "已处理", expect="FK-2026-099")
    refused(ws, "respond", "GK-2026-002", "--handling", "已处理", expect="--no-redisclosure")
    refused(ws, "respond", "FK-2026-001", expect="--handling")
    refused(ws, "respond", "GK-2026-002", "--no-redisclosure", "意见已当面答复", expect="FK-2026-001")  # opinions unhandled
    refused(ws, "respond", "GK-2026-001", "--no-redisclosure", "无", expect="不需要")  # never published
    cli(ws, "respond", "FK-2026-001", "--handling", "已答复")
    cli(ws, "respond", "FK-2026-002", "--handling", "已答复")
    refused(ws, "respond", "GK-2026-002", "--no-redisclosure", "   ", expect="理由")
    refused(ws, "respond", "GK-2026-002", "--no-redisclosure", "x", "--handling", "y", expect="--no-redisclosure")


def test_an_item_closed_without_redisclosure_is_complete(with_opinions):
    ws = with_opinions
    for number in ("FK-2026-001", "FK-2026-002"):
        assert cli(ws, "respond", number, "--handling", "已当面答复").exit_code == 0
    assert stages(ws)["待再公开"] == 1
    r = cli(ws, "respond", "GK-2026-002", "--no-redisclosure", "意见均属个人诉求，已逐一答复")
    assert r.exit_code == 0, r.output
    assert rows(ws)["GK-2026-002"]["处理情况"] == "不再公开：意见均属个人诉求，已逐一答复"
    assert stages(ws)["已完成"] == 1
    quiet = cli(ws, "generate", "redisclosure")
    assert quiet.exit_code == 0 and not docs(ws, RE_DIR)


def test_a_period_ended_without_opinions_is_complete_without_redisclosure(announced, monkeypatch):
    set_today(monkeypatch, "2026-12-10")
    assert stages(announced)["已完成"] == 2  # 001 and 004: period over, no opinions
    refused(announced, "generate", "redisclosure", "--id", "GK-2026-001", expect="没有收到意见")
    refused(announced, "generate", "redisclosure", "--id", "GK-2026-002", expect="尚未公开")  # inside only so far
    refused(announced, "generate", "reply", "--id", "GK-2026-001", expect="GK-2026-001")  # replies are per opinion


def test_opinions_typed_into_the_sheet_keep_the_item_open(announced, monkeypatch):
    """A clerk types a phone opinion into 公开意见反馈 (nothing recounts 反馈意见数): the item waits for handling."""
    add_rows(
        announced.ledger_path,
        FEEDBACK,
        [
            {
                "反馈编号": "FK-2026-001",
                "公开编号": "GK-2026-001",
                "收到日期": dt.date(2026, 12, 7),
                "反馈人": "王老师",
                "方式": "电话",
                "意见建议": "电话反映：党费使用明细不够细",
            }
        ],
    )
    set_today(monkeypatch, "2026-12-10")
    st = status(announced, "党务公开", write=False)
    assert st.unhandled == {"GK-2026-001": 1}  # status itself knows the opinion is unhandled
    assert {i.number: i.stage for i in st.open_items}.get("GK-2026-001") == "待处理反馈"


# ---- PDF and the merged print file


@pytest.mark.slow
def test_pdf_and_merge_one_pdf_per_announcement(items, soffice):
    folder = items.root / "公开内容"
    folder.mkdir()
    body_document(folder / "GK-2026-003.docx")  # one finished document besides the template-made ones
    result = generate(items, "announcement", pdf=True, merge=True)
    assert result.pdf.error is None and not result.pdf.missing, result.pdf.error
    import pdfplumber

    expected = {
        "GK-2026-001_公开_全体党员_党务公开公告": ("关于2026年第四季度党费收缴管理情况的公示", "全校各党支部党费收缴、使用和管理情况"),
        "GK-2026-002_党内公开_全体党员_党务公开公告": ("关于学校领导班子民主生活会情况的公示", "民主生活会召开情况及整改措施"),
        "GK-2026-003_党内公开_全体党员_党务公开公告": ("关于拟发展党员的公示", "正文最后一段"),
        "GK-2026-004_公开_党政领导干部_党务公开公告": ("关于中层干部选拔任用工作情况的公示", "中层干部选拔任用工作的程序和结果"),
    }
    pdfs = {p.stem: p for p in (items.outbox / ANN_DIR).glob("*.pdf")}
    assert sorted(pdfs) == sorted(expected)
    total = 0
    for stem, (title, body) in expected.items():
        with pdfplumber.open(pdfs[stem]) as pdf:
            pages = [(p.extract_text() or "").replace(" ", "") for p in pdf.pages]
        total += len(pages)
        whole = "".join(pages).replace("\n", "")
        assert title in whole and body in whole, stem
        assert "公示期：2026年12月3日至12月9日（5个工作日）" in whole, stem
        assert "DW1" not in whole and "GK-2026" not in whole and "dangwuDoc" not in whole, stem
        assert [t for t, _ in expected.values() if t in whole] == [title], stem  # exactly its own document
        last = pages[-1]
        assert OFFICE in last and "2026年12月3日" in last and "匿名意见不予受理" in last.replace("\n", ""), stem
    merged = result.merged
    assert merged is not None and merged.is_file()
    assert "DW1|" not in visible_xml(merged) and "GK-2026" not in visible_xml(merged)
    with pdfplumber.open(merged.with_suffix(".pdf")) as pdf:
        assert len(pdf.pages) == total
