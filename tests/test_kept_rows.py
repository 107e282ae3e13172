"""Register rows kept as XML until a command writes to them (toolkit/ledger/kept.py): nothing else moves.

Every check reads the .xlsx the toolkit wrote with an independent reader: openpyxl in its normal
(full) mode, zipfile for the raw sheet XML, LibreOffice for what an office program shows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from toolkit import review
from toolkit.ledger import schema as S
from toolkit.ledger.tail import sheet_part
from toolkit.ledger.workbook import ChangeContext, Ledger, display

from .conftest import add_rows, set_cell, sup_rows

SUP = S.SUPERVISION.name
ROW_XML_RE = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
ROW_R_RE = re.compile(rb'^<row\b[^>]*?\sr="(\d+)"')
CELL_REF_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"')
X14AC = b"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
MC = b"http://schemas.openxmlformats.org/markup-compatibility/2006"
MORE_ITEMS = [
    {
        "交办时间": dt.date(2026, 6, 1),
        "督办来源": "年度工作要点",
        "督查形式": "定期督查",
        "督办事项": "实验室安全隐患排查 & 整改（<第二轮>）",
        "主办单位": "后勤管理处",
        "分管校领导": "陈副校长",
        "办理时限": dt.date(2026, 9, 30),
        "催办次数": 2,
    },
    {
        "交办时间": dt.date(2026, 6, 15),
        "督办来源": "会议决议",
        "督查形式": "专项督查",
        "督办事项": "  毕业生就业质量年度报告  ",
        "主办单位": "学生工作处",
        "办理时限": dt.date(2026, 11, 20),
        "备注": "第一行\n第二行",
    },
]


# --- readers of the saved file ---------------------------------------------------------------------------


def _part(path, sheet: str = SUP) -> bytes:
    """The raw XML of one worksheet of the saved file."""
    with zipfile.ZipFile(path) as z:
        return z.read(sheet_part(z, sheet))


def _row_list(path, sheet: str = SUP) -> list[tuple[int, bytes]]:
    """Every <row> of the sheet as (row number, its XML), in file order (duplicates kept)."""
    xml = _part(path, sheet)
    body = xml[xml.find(b"<sheetData>") : xml.rfind(b"</sheetData>")]
    return [(int(ROW_R_RE.match(m.group(0)).group(1)), m.group(0)) for m in ROW_XML_RE.finditer(body)]


def _row_xml(path, sheet: str = SUP) -> dict[int, bytes]:
    rows = _row_list(path, sheet)
    out = dict(rows)
    assert len(out) == len(rows), f"duplicate <row> numbers in {sheet}: {[r for r, _ in rows]}"
    return out


def _assert_rows_well_ordered(path, sheet: str = SUP) -> list[int]:
    """Row numbers strictly increasing, each row's cells on that row and in strictly ascending columns."""
    rows = _row_list(path, sheet)
    numbers = [r for r, _ in rows]
    assert all(a < b for a, b in zip(numbers, numbers[1:])), f"row numbers not strictly increasing: {numbers}"
    for r, xml in rows:
        refs = CELL_REF_RE.findall(xml)
        assert all(int(n) == r for _, n in refs), f"row {r} holds cells of other rows: {refs}"
        cols = [column_index_from_string(c.decode()) for c, _ in refs]
        assert all(a < b for a, b in zip(cols, cols[1:])), f"row {r}: cells not in ascending column order: {cols}"
    etree.fromstring(_part(path, sheet))  # well-formed, every prefix declared
    return numbers


def _cells(path, sheet: str = SUP) -> dict[tuple[int, int], tuple]:
    """Every data cell (row 2 on) with a value or a format: value, its type and the format, read by openpyxl."""
    ws = openpyxl.load_workbook(path)[sheet]
    out = {}
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.value is None and not c.has_style:
                continue
            out[(c.row, c.column)] = (
                c.value,
                type(c.value).__name__,
                c.number_format,
                c.fill.fill_type,
                c.fill.fgColor.rgb if c.fill.fill_type else None,
                c.font.name,
                c.font.b,
                c.font.i,
                c.alignment.wrap_text,
                c.quotePrefix,
            )
    return out


def _heights(path, sheet: str = SUP) -> dict[int, float]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {r: d.height for r, d in ws.row_dimensions.items() if d.height is not None}


def _filled_rows(path, sheet: str = SUP) -> list[int]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [r[0].row for r in ws.iter_rows(min_row=2) if any(c.value not in (None, "") for c in r)]


def _row_number(path, number: str) -> int:
    ws = openpyxl.load_workbook(path)[SUP]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == number)


def _col(path, header: str, sheet: str = SUP) -> int:
    ws = openpyxl.load_workbook(path)[sheet]
    return next(c.column for c in ws[1] if c.value == header)


def _toolkit_save(path) -> None:
    """Load and save through the toolkit, nothing changed: the file is in the toolkit's own encoding."""
    Ledger.load(path, for_write=True).save()


def _set(path, number: str, values: dict) -> None:
    """Change cells of one supervision row through the toolkit (Row.set, journalled) and save."""
    ledger = Ledger.load(path, for_write=True)
    assert SUP in ledger.kept, "the supervision rows are kept as XML"
    row = ledger.sheet(SUP).by_number()[number]
    for header, value in values.items():
        row.set(header, value, context=ChangeContext(operation="test"))
    ledger.save()


def _rewrite(path, edit) -> None:
    """Rewrite the zip's members with ``edit(members)`` (a dict name → bytes), as another program saved it."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    edit(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


# --- 1. a command changing one row leaves every other row as it was ---------------------------------------


def test_a_review_changes_its_row_only(notified):
    path = notified.ledger_path
    add_rows(path, SUP, MORE_ITEMS)
    wb = openpyxl.load_workbook(path)
    sheet = wb[SUP]
    sheet.cell(4, 5).fill = PatternFill("solid", fgColor="FFC000")  # a clerk's colour on another row
    sheet.cell(5, 6).font = Font(name="黑体", bold=True)
    wb.save(path)
    set_cell(path, SUP, "DB-2026-002", "状态", "待审核")
    set_cell(path, SUP, "DB-2026-002", "完成日期", dt.date(2026, 5, 10))
    _toolkit_save(path)
    changed = _row_number(path, "DB-2026-002")
    xml_before, cells_before = _row_xml(path), _cells(path)
    assert len(xml_before) >= 6

    review(notified, "DB-2026-002", accept=True, opinion="同意办结")

    xml_after, cells_after = _row_xml(path), _cells(path)
    assert sup_rows(notified)["DB-2026-002"]["状态"] == "已办结"
    assert sup_rows(notified)["DB-2026-002"]["审核意见"] == "同意办结"
    assert set(xml_after) == set(xml_before)
    for r in xml_before:
        if r in (1, changed):
            continue
        assert xml_after[r] == xml_before[r], f"row {r} was rewritten"
        assert {k: v for k, v in cells_after.items() if k[0] == r} == {k: v for k, v in cells_before.items() if k[0] == r}
    assert xml_after[changed] != xml_before[changed]
    _assert_rows_well_ordered(path)


# --- 2. the changed row: untouched cells, column order, row height ---------------------------------------


def test_the_changed_row_keeps_its_other_cells_order_and_height(notified):
    path = notified.ledger_path
    wb = openpyxl.load_workbook(path)
    sheet = wb[SUP]
    sheet.row_dimensions[3].height = 42
    sheet.cell(3, 3).fill = PatternFill("solid", fgColor="FFFF00")  # 督办来源, changed below: its colour stays
    sheet.cell(3, 5).font = Font(name="楷体", italic=True)  # 督办事项, untouched
    wb.save(path)
    _toolkit_save(path)
    assert _row_number(path, "DB-2026-002") == 3
    before = _cells(path)
    xml_before = _row_xml(path)
    cols = {h: _col(path, h) for h in ("督办来源", "办理情况", "审核人", "档号")}

    _set(path, "DB-2026-002", {"办理情况": "已完成自查，形成报告", "审核人": "王芳", "督办来源": "领导批示", "档号": "2026-DB-002"})

    after = _cells(path)
    written = {cols[h] for h in cols}
    for (r, c), cell in before.items():
        if r == 3 and c in written:
            continue
        assert after.get((r, c)) == cell, f"cell {r},{c} changed"
    assert after[(3, cols["督办来源"])][0] == "领导批示"
    assert after[(3, cols["督办来源"])][4].endswith("FFFF00"), "the clerk's fill of a written cell stays"
    assert after[(3, 5)][5:8] == ("楷体", False, True) and after[(3, 5)][0] == "学生资助工作自查"
    assert after[(3, cols["办理情况"])][0] == "已完成自查，形成报告"
    assert after[(3, cols["审核人"])][0] == "王芳" and after[(3, cols["档号"])][0] == "2026-DB-002"
    assert _heights(path).get(3) == 42
    tag = re.match(rb"<row\b[^>]*>", _row_xml(path)[3]).group(0)
    assert b'ht="42"' in tag and b'customHeight="1"' in tag
    _assert_rows_well_ordered(path)
    assert {r: x for r, x in _row_xml(path).items() if r not in (1, 3)} == {r: x for r, x in xml_before.items() if r not in (1, 3)}
    # read back through the toolkit: the rebuilt row is a kept row like the others
    row = Ledger.load(path).sheet(SUP).by_number()["DB-2026-002"]
    assert row.raw("督办来源") == "领导批示" and row.raw("审核人") == "王芳" and row.raw("督办事项") == "学生资助工作自查"


# --- 3. a ledger Excel saved: shared strings, x14ac row attributes ---------------------------------------


def _as_excel_writes_it(members: dict) -> None:
    """The supervision sheet's text moved into a shared string table, rows marked like Excel marks them."""
    with zipfile.ZipFile(_zip_of(members)) as z:
        part = sheet_part(z, SUP)
    xml = members[part]
    strings: list[bytes] = []
    index: dict[bytes, int] = {}

    def share(m: re.Match) -> bytes:
        content = m.group(2)
        if content not in index:
            index[content] = len(strings)
            strings.append(content)
        return m.group(1) + b' t="s"><v>' + str(index[content]).encode() + b"</v></c>"

    xml = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is>(.*?)</is></c>', share, xml, flags=re.S)
    xml = re.sub(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"></c>', rb'<c r="\1"\2/>', xml)  # Excel drops empty text
    xml = xml.replace(b' t="n"', b"")  # Excel writes numbers without a type
    xml = xml.replace(
        b"<worksheet ",
        b'<worksheet xmlns:mc="' + MC + b'" xmlns:x14ac="' + X14AC + b'" mc:Ignorable="x14ac" ',
        1,
    )
    xml = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" spans="1:26" x14ac:dyDescent="0.25"', xml)
    members[part] = xml
    # one item's text as rich text (two runs, the first bold), as Excel keeps a partly bold cell
    plain = "<t>完善课堂教学质量监控体系</t>".encode()
    runs = '<r><rPr><b/><sz val="11"/></rPr><t>完善</t></r><r><t>课堂教学质量监控体系</t></r>'.encode()
    assert plain in strings
    strings = [runs if s == plain else s for s in strings]
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(strings), len(strings))
        + b"".join(b"<si>" + s + b"</si>" for s in strings)
        + b"</sst>"
    )
    if b"sharedStrings" not in members["[Content_Types].xml"]:
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    if b"sharedStrings" not in members["xl/_rels/workbook.xml.rels"]:
        members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )


def _zip_of(members: dict) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    buf.seek(0)
    return buf


def test_a_ledger_saved_by_excel_reads_and_saves_like_openpyxl_reads_it(notified):
    path = notified.ledger_path
    add_rows(path, SUP, MORE_ITEMS)
    _toolkit_save(path)
    _rewrite(path, _as_excel_writes_it)
    part = _part(path)
    assert part.count(b't="s"') > 20 and b"x14ac:dyDescent" in part and b"inlineStr" not in part
    expected = _cells(path)
    assert expected[(2, 5)][0] == "完善课堂教学质量监控体系"

    ledger = Ledger.load(path, for_write=True)
    assert SUP in ledger.kept, "an Excel-saved register is kept as XML too"
    view = ledger.sheet(SUP)
    assert [row.r for row in view.rows()] == _filled_rows(path)
    for row in view.rows():
        for header, col in view.cols.items():
            got = row.raw(header)
            want = expected.get((row.r, col), (None,))[0]
            assert (got, type(got)) == (want, type(want)), f"{header} of row {row.r}"

    row = view.by_number()["DB-2026-003"]
    row.set("办理情况", "已约谈食堂承包方", context=ChangeContext(operation="test"))
    ledger.save()

    after = _cells(path)
    col = view.cols["办理情况"]
    assert after.pop((4, col))[0] == "已约谈食堂承包方"
    expected.pop((4, col), None)
    assert after == expected
    _assert_rows_well_ordered(path)
    rich = openpyxl.load_workbook(path, rich_text=True)[SUP].cell(2, 5).value
    assert isinstance(rich, CellRichText) and str(rich) == "完善课堂教学质量监控体系"
    assert any(isinstance(p, TextBlock) and p.font.b for p in rich), "the bold run survives"


# --- 4. a register with a formula is loaded whole ---------------------------------------------------------


def test_a_register_with_a_formula_is_loaded_whole_and_the_formula_survives(notified):
    path = notified.ledger_path
    wb = openpyxl.load_workbook(path)
    sheet = wb[SUP]
    count_col = next(c.column for c in sheet[1] if c.value == "催办次数")
    note_col = next(c.column for c in sheet[1] if c.value == "备注")
    sheet.cell(2, count_col).value = "=1+1"
    sheet.cell(3, note_col).value = '=A3&"（重点）"'
    wb.save(path)
    before = _cells(path)

    ledger = Ledger.load(path, for_write=True)
    assert SUP not in ledger.kept, "a register with formulas is left to openpyxl"
    assert S.UNITS_SHEET.name in ledger.kept, "the other registers are still kept"
    row = ledger.sheet(SUP).by_number()["DB-2026-003"]
    row.set("办理情况", "推进中", context=ChangeContext(operation="test"))
    ledger.save()

    after = _cells(path)
    col = _col(path, "办理情况")
    assert after.pop((4, col))[0] == "推进中"
    before.pop((4, col), None)
    assert after == before
    assert after[(2, count_col)][0] == "=1+1" and after[(3, note_col)][0] == '=A3&"（重点）"'
    assert b"<f>1+1</f>" in _row_xml(path)[2]


# --- 5. values of every type read like openpyxl reads them ----------------------------------------------

TYPED = {
    "立项编号": "DB-2026-009",
    "交办时间": dt.datetime(2026, 3, 5),
    "办理时限": dt.date(2026, 6, 30),
    "通知日期": dt.datetime(2026, 3, 6, 14, 30, 15),
    "最近反馈日期": dt.time(9, 45),
    "完成日期": dt.timedelta(days=1, hours=2, minutes=30),
    "办结日期": dt.date(1900, 1, 15),
    "催办次数": 3,
    "联系电话": 13800001111,
    "办理情况": 2.5,
    "工作要求": -0.125,
    "备注": 1e-07,
    "档号": True,
    "审核意见": False,
    "承办人": '  a & <b> "c" ',
    "分管校领导": "00123",
    "督办事项": "#N/A",
    "主办单位": 2**70,
}


@pytest.mark.parametrize("epoch", [CALENDAR_WINDOWS_1900, CALENDAR_MAC_1904], ids=["1900", "1904"])
def test_dates_numbers_and_booleans_come_back_as_openpyxl_gives_them(ws, epoch):
    path = ws.ledger_path
    wb = openpyxl.load_workbook(path)
    wb.epoch = epoch
    wb.save(path)
    add_rows(path, SUP, [TYPED])
    r = _filled_rows(path)[-1]

    def check() -> None:
        expected = _cells(path)
        cols = {h: _col(path, h) for h in TYPED}
        ledger = Ledger.load(path)
        assert SUP in ledger.kept
        row = next(x for x in ledger.sheet(SUP).rows() if x.r == r)
        for header, col in cols.items():
            want = expected[(r, col)][0]
            got = row.raw(header)
            assert (got, type(got)) == (want, type(want)), header
        assert isinstance(row.raw("交办时间"), dt.datetime) and row.raw("办理时限") == dt.datetime(2026, 6, 30)
        assert row.raw("通知日期") == dt.datetime(2026, 3, 6, 14, 30, 15)
        assert type(row.raw("催办次数")) is int and type(row.raw("办理情况")) is float and row.raw("档号") is True
        assert row.raw("审核意见") is False and row.raw("分管校领导") == "00123"

    check()  # as openpyxl wrote the rows
    before = _cells(path)
    _set(path, "DB-2026-009", {"状态": "已立项"})  # the typed cells are not written: they go back as they were
    after = _cells(path)
    status_col = _col(path, "状态")
    assert after.pop((r, status_col))[0] == "已立项"
    before.pop((r, status_col), None)
    # the changed row's long columns are wrapped (Row._tidy): everything but wrap_text as it was
    unwrap = {k: v[:8] + v[9:] for k, v in after.items()}
    assert unwrap == {k: v[:8] + v[9:] for k, v in before.items()}
    assert {k: v for k, v in after.items() if k[0] != r} == {k: v for k, v in before.items() if k[0] != r}
    check()  # as the toolkit wrote them


# --- 6. a row cleared by the toolkit, then more saves ----------------------------------------------------


def test_a_cleared_row_leaves_no_stray_row_and_numbers_stay_increasing(notified):
    path = notified.ledger_path
    add_rows(path, SUP, MORE_ITEMS)
    _toolkit_save(path)
    assert _filled_rows(path) == [2, 3, 4, 5, 6]

    ledger = Ledger.load(path, for_write=True)
    view = ledger.sheet(SUP)
    row = view.by_number()["DB-2026-002"]
    for header in list(view.cols):
        row.set(header, None, context=ChangeContext(operation="test"))
    ledger.save()

    numbers = _assert_rows_well_ordered(path)
    assert numbers.count(3) <= 1
    assert _filled_rows(path) == [2, 4, 5, 6]
    leftover = _row_xml(path).get(3, b"")
    assert b"<v>" not in leftover and b"<is>" not in leftover, leftover
    fresh = Ledger.load(path, for_write=True)
    assert [x.r for x in fresh.sheet(SUP).rows()] == [2, 4, 5, 6]
    assert "DB-2026-002" not in fresh.sheet(SUP).by_number()

    # a new item, then another row cleared and one changed: three more saves
    fresh.sheet(SUP).append(
        {"交办时间": dt.date(2026, 7, 1), "督办事项": "新增事项", "主办单位": "教务处", "办理时限": dt.date(2026, 8, 1)},
        context=ChangeContext(operation="test"),
    )
    fresh.save()
    _assert_rows_well_ordered(path)
    assert _filled_rows(path) == [2, 4, 5, 6, 7]
    assert openpyxl.load_workbook(path)[SUP].cell(7, _col(path, "督办事项")).value == "新增事项"

    ledger = Ledger.load(path, for_write=True)
    view = ledger.sheet(SUP)
    last = next(x for x in view.rows() if x.r == 7)
    for header in list(view.cols):
        last.set(header, None, context=ChangeContext(operation="test"))
    view.by_number()["DB-2026-003"].set("办理情况", "推进中", context=ChangeContext(operation="test"))
    ledger.save()
    numbers = _assert_rows_well_ordered(path)
    assert numbers.count(7) <= 1 and _filled_rows(path) == [2, 4, 5, 6]

    _set(path, "DB-2026-001", {"办理情况": "第三次保存"})
    _assert_rows_well_ordered(path)
    rows = sup_rows(notified)
    assert rows["DB-2026-001"]["办理情况"] == "第三次保存" and rows["DB-2026-003"]["办理情况"] == "推进中"
    assert [x.r for x in Ledger.load(path).sheet(SUP).rows()] == _filled_rows(path) == [2, 4, 5, 6]


# --- 7. LibreOffice reads the same texts -----------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_reads_the_saved_register_like_openpyxl(notified, soffice, tmp_path):
    program = Path(os.path.realpath(soffice)).parent
    # scripts/setup-system.sh installs Calc for this check
    assert any(program.glob("libsclo.*")), "LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)"
    path = notified.ledger_path
    add_rows(path, SUP, MORE_ITEMS)
    _toolkit_save(path)
    _set(path, "DB-2026-002", {"办理情况": "已完成自查", "审核人": "王芳"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == SUP, "LibreOffice converts the first sheet"
    sheet = wb[SUP]
    headers = [c.value for c in sheet[1]]
    expected = [[display(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]

    outdir = tmp_path / "csv"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with open(outdir / f"{path.stem}.csv", encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][: len(headers)] == headers
    shown = [row for row in table[1:] if any(row)]
    assert len(shown) == len(expected) == 5
    for header in ("立项编号", "督办事项", "主办单位", "办理情况", "审核人", "备注"):
        i = headers.index(header)
        assert [row[i] if i < len(row) else "" for row in shown] == [row[i] for row in expected], header
    i = headers.index("交办时间")
    assert (
        [row[i] for row in shown]
        == [row[i][:10] for row in expected]
        == ["2026-03-05", "2026-04-01", "2026-05-08", "2026-06-01", "2026-06-15"]
    )


# --- every kept cell of every register reads as openpyxl reads it ------------------------------------------


def test_every_kept_cell_of_every_register_reads_like_openpyxl(notified):
    """``SheetView.value`` of each cell, kept as XML, against openpyxl's full load of the same file."""
    path = notified.ledger_path
    for saved_by in ("generate", "openpyxl", "toolkit"):
        if saved_by == "openpyxl":  # a clerk adds rows in Excel
            add_rows(path, SUP, MORE_ITEMS)
            add_rows(path, S.MEMBERS.name, [{"姓名": "张副校长", "职务": "副校长", "党政正职": "否", "联系点": "教务处、信息工程学院"}])
        elif saved_by == "toolkit":
            _toolkit_save(path)
        wb = openpyxl.load_workbook(path)
        ledger = Ledger.load(path)
        for name in ledger.kept:
            view, sheet = ledger.sheet(name), wb[name]
            for r in range(2, sheet.max_row + 1):
                for c in range(1, sheet.max_column + 1):
                    want, got = sheet.cell(r, c).value, view.value(r, c)
                    assert (got, type(got)) == (want, type(want)), f"{saved_by}: {name}!{sheet.cell(r, c).coordinate}"
        assert SUP in ledger.kept and S.UNITS_SHEET.name in ledger.kept and S.MEMBERS.name in ledger.kept


def test_chinese_written_by_openpyxl_as_references_is_saved_as_utf8_characters(notified):
    """openpyxl writes 会 as &#20250;: the toolkit's save stores the characters (same XML, smaller, read faster)."""
    path = notified.ledger_path
    add_rows(path, SUP, MORE_ITEMS)  # openpyxl saves: every Chinese character as a reference
    with zipfile.ZipFile(path) as zf:
        before = zf.read(sheet_part(zf, SUP))
    assert re.search(rb"&#\d{4,5};", before), "openpyxl wrote character references"
    values = [tuple(r) for r in openpyxl.load_workbook(path)[SUP].iter_rows(values_only=True)]
    _toolkit_save(path)
    with zipfile.ZipFile(path) as zf:
        after = zf.read(sheet_part(zf, SUP))
    assert not re.search(rb"&#\d{3,7};", after)
    assert "督办事项".encode() in after and len(after) < len(before)
    assert [tuple(r) for r in openpyxl.load_workbook(path)[SUP].iter_rows(values_only=True)] == values
    fresh = Ledger.load(path).sheet(SUP)
    assert [r.text("督办事项") for r in fresh.rows()] == [display(v[fresh.cols["督办事项"] - 1]).strip() for v in values[1:] if any(v)]
