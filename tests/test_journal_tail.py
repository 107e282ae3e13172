"""变更记录 kept outside openpyxl (toolkit/ledger/tail.py): every row, value and format survives every save."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font, PatternFill

from toolkit import status
from toolkit.ledger import schema as S
from toolkit.ledger.tail import Tail, sheet_part
from toolkit.ledger.workbook import ChangeContext, Ledger

from .conftest import journal_rows


def _journal_cells(path) -> list[tuple]:
    """Every journal row's values, read by openpyxl in its normal (full) mode."""
    sheet = openpyxl.load_workbook(path)[S.JOURNAL.name]
    return [tuple(r) for r in sheet.iter_rows(min_row=1, values_only=True)]


def _change(ledger: Ledger, note: str) -> None:
    """One journalled change of the first item's 办理情况, then a save."""
    row = ledger.sheet(S.SUPERVISION.name).by_number()["DB-2026-001"]
    row.set("办理情况", note, context=ChangeContext(operation="test"))
    ledger.save()


def test_old_rows_are_kept_byte_for_value_and_new_ones_appended(notified):
    before = _journal_cells(notified.ledger_path)
    assert len(before) > 3
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    assert ledger.tail is not None, "a ledger the toolkit wrote is cut at the header"
    assert len(ledger.wb[S.JOURNAL.name]._cells) == len(S.JOURNAL.headers), "openpyxl holds only the header row"
    _change(ledger, "第一次")
    _change(ledger, "第二次")
    after = _journal_cells(notified.ledger_path)
    assert after[: len(before)] == before
    assert [r[5:7] for r in after[len(before) :]] == [(None, "第一次"), ("第一次", "第二次")]
    # the records the toolkit reads equal what openpyxl reads from the file
    fresh = Ledger.load(notified.ledger_path)
    assert [rec["新值"] for rec in fresh.journal_records()] == [r["新值"] or "" for r in journal_rows(notified)]


def test_read_only_readers_see_every_row(notified):
    """The sheet's <dimension> is rewritten: openpyxl's read-only mode trusts it and would stop early."""
    status(notified)
    _change(Ledger.load(notified.ledger_path, for_write=True), "再改一次")
    full = _journal_cells(notified.ledger_path)
    ro = openpyxl.load_workbook(notified.ledger_path, read_only=True)[S.JOURNAL.name]
    assert ro.max_row == len(full)
    assert [tuple(r) for r in ro.iter_rows(values_only=True)] == full


def _journal_part(path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(sheet_part(z, S.JOURNAL.name))


def _share_strings(path) -> None:
    """Rewrite the journal's text into a shared string table, as Excel and WPS store it (openpyxl writes inline text)."""
    strings: list[bytes] = []

    def share(m: re.Match) -> bytes:
        strings.append(m.group(2))
        return m.group(1) + b' t="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
        part = sheet_part(z, S.JOURNAL.name)
    members[part] = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is>(.*?)</is></c>', share, members[part])
    sst = b"".join(b"<si>" + x + b"</si>" for x in strings)
    members["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(strings), len(strings))
        + sst
        + b"</sst>"
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_shared_strings_and_a_clerks_formats_survive(notified):
    """A ledger saved by another program: journal text in the shared string table, a clerk's colours."""
    wb = openpyxl.load_workbook(notified.ledger_path)
    sheet = wb[S.JOURNAL.name]
    sheet.cell(2, 1).fill = PatternFill("solid", fgColor="FFFF00")
    sheet.cell(3, 2).font = Font(name="黑体", italic=True)
    wb.save(notified.ledger_path)
    _share_strings(notified.ledger_path)
    assert _journal_cells(notified.ledger_path)[1][0], "the shared-string file reads back"
    assert b't="s"' in _journal_part(notified.ledger_path)
    before = _journal_cells(notified.ledger_path)

    ledger = Ledger.load(notified.ledger_path, for_write=True)
    assert ledger.tail is not None
    _change(ledger, "保存之后")

    after = _journal_cells(notified.ledger_path)
    assert after[: len(before)] == before and after[-1][6] == "保存之后"
    assert b't="s"' not in _journal_part(notified.ledger_path).split(b"</row>", 1)[1]
    sheet = openpyxl.load_workbook(notified.ledger_path)[S.JOURNAL.name]
    assert sheet.cell(2, 1).fill.fgColor.rgb.endswith("FFFF00")
    assert sheet.cell(3, 2).font.name == "黑体" and sheet.cell(3, 2).font.italic


def test_rich_text_in_the_journal_survives(notified):
    wb = openpyxl.load_workbook(notified.ledger_path, rich_text=True)
    sheet = wb[S.JOURNAL.name]
    last = sheet.max_row
    sheet.cell(last, 7).value = CellRichText("退回", TextBlock(InlineFont(b=True, color="FF0000"), "重办"))
    wb.save(notified.ledger_path)
    _change(Ledger.load(notified.ledger_path, for_write=True), "保存之后")
    rich = openpyxl.load_workbook(notified.ledger_path, rich_text=True)[S.JOURNAL.name].cell(last, 7).value
    assert isinstance(rich, CellRichText) and str(rich) == "退回重办"
    assert any(isinstance(part, TextBlock) and part.font.b for part in rich)
    assert Ledger.load(notified.ledger_path).journal_records()[last - 2]["新值"] == "退回重办"


def test_a_journal_with_merged_cells_is_left_to_openpyxl_whole(notified):
    wb = openpyxl.load_workbook(notified.ledger_path)
    wb[S.JOURNAL.name].merge_cells("K2:L3")
    wb.save(notified.ledger_path)
    before = _journal_cells(notified.ledger_path)
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    assert ledger.tail is None
    _change(ledger, "合并单元格之后")
    after = _journal_cells(notified.ledger_path)
    assert [r[:10] for r in after[: len(before)]] == [r[:10] for r in before]
    assert after[-1][6] == "合并单元格之后"
    assert "K2:L3" in {str(r) for r in openpyxl.load_workbook(notified.ledger_path)[S.JOURNAL.name].merged_cells.ranges}


def test_control_characters_from_a_form_do_not_break_the_file(notified):
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    ledger.journal(ChangeContext(operation="test").change(S.SUPERVISION.name, "DB-2026-001", "办理情况", "", "甲\x0b乙\x01丙 & <丁>"))
    ledger.save()
    assert journal_rows(notified)[-1]["新值"] == "甲乙丙 & <丁>"


def test_a_failed_save_writes_nothing_and_keeps_the_rows_queued_out(notified, monkeypatch):
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    before = notified.ledger_path.read_bytes()
    monkeypatch.setattr("toolkit.ledger.tail.ExcelWriter.save", lambda self: (_ for _ in ()).throw(OSError("disk full")))
    row = ledger.sheet(S.SUPERVISION.name).by_number()["DB-2026-001"]
    row.set("办理情况", "不会保存", context=ChangeContext(operation="test"))
    with pytest.raises(OSError):
        ledger.save()
    assert notified.ledger_path.read_bytes() == before
    assert ledger.tail.new_rows == []


def test_the_row_reader_reads_every_kind_of_cell():
    from toolkit.ledger.tail import parse_rows

    rows = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> a &amp; &lt;b&gt; </t></is></c>'
        '<c r="B2" s="3" t="inlineStr"><is><r><rPr><b/></rPr><t>退回</t></r><r><t>重办</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>'
        '<c r="C2"><v>42</v></c><c r="D2" t="n"><v>1.5</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" s="1"/>'
        '<c r="G2" t="str"><f>A2</f><v>公式结果</v></c><c r="AA2" t="inlineStr"><is><t/></is></c></row>'
        '<row r="3" spans="1:2"><c r="A3" t="inlineStr"><is><t>&#26102;</t></is></c></row>'
    ).encode()
    fast = parse_rows(rows)
    assert fast == [{1: " a & <b> ", 2: "退回重办", 3: "42", 4: "1.5", 5: "TRUE", 6: "", 7: "公式结果", 27: ""}, {1: "时"}]


def test_one_column_is_read_like_the_whole_rows(notified):
    from toolkit import ingest
    from toolkit.forms.fill import fill_form

    from .conftest import notice_path

    for number in ("DB-2026-001", "DB-2026-002"):
        fill_form(notice_path(notified, number), notified.inbox / f"{number}.docx", {"办理状态": "办理中", "办理情况": "推进中"})
    ingest(notified)
    ledger = Ledger.load(notified.ledger_path)
    rows = ledger.tail.rows
    for col in range(1, 11):
        whole = [rec[col] for rec in Tail("x", rows, 0, 0).records() if rec.get(col)]
        assert Tail("x", rows, 0, 0).column(col) == whole
    shas = {r["来源文件SHA256"] for r in journal_rows(notified) if r["来源文件SHA256"]}
    assert len(shas) == 2 and ledger.journal_sha256s() == shas


def test_excel_row_attributes_from_other_namespaces_keep_the_file_valid(notified):
    """Excel writes <row … x14ac:dyDescent="0.25">, its prefix declared on its own <worksheet> element."""
    from lxml import etree

    x14ac = b"http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
    with zipfile.ZipFile(notified.ledger_path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
        part = sheet_part(z, S.JOURNAL.name)
    xml = members[part].replace(b"<worksheet ", b'<worksheet xmlns:x14ac="' + x14ac + b'" ', 1)
    xml = re.sub(rb'<row r="(\d+)"', rb'<row r="\1" x14ac:dyDescent="0.25"', xml)
    members[part] = xml
    with zipfile.ZipFile(notified.ledger_path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    before = _journal_cells(notified.ledger_path)
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    assert ledger.tail is not None
    _change(ledger, "之后")
    etree.fromstring(_journal_part(notified.ledger_path))  # well-formed: no undeclared prefix left
    assert _journal_cells(notified.ledger_path)[: len(before)] == before


def _edit_journal(path, edit) -> None:
    """Rewrite the journal sheet's XML with ``edit(xml) -> xml``, as another program might have saved it."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
        part = sheet_part(z, S.JOURNAL.name)
    members[part] = edit(members[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_a_comment_in_the_journal_leaves_it_to_openpyxl(notified):
    from openpyxl.comments import Comment

    wb = openpyxl.load_workbook(notified.ledger_path)
    wb[S.JOURNAL.name]["G2"].comment = Comment("核对过", "办公室")
    wb.save(notified.ledger_path)
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    assert ledger.tail is None
    _change(ledger, "批注之后")
    sheet = openpyxl.load_workbook(notified.ledger_path)[S.JOURNAL.name]
    assert sheet["G2"].comment.text == "核对过" and sheet.cell(sheet.max_row, 7).value == "批注之后"


def test_empty_formatted_rows_below_the_entries_do_not_push_new_ones_away(notified):
    last = len(_journal_cells(notified.ledger_path))
    _edit_journal(notified.ledger_path, lambda x: x.replace(b"</sheetData>", b'<row r="1048576" ht="30" customHeight="1"/></sheetData>'))
    _change(Ledger.load(notified.ledger_path, for_write=True), "紧接其后")
    sheet = openpyxl.load_workbook(notified.ledger_path)[S.JOURNAL.name]
    assert sheet.cell(last + 1, 7).value == "紧接其后" and sheet.max_row == last + 1


@pytest.mark.parametrize("other", [b"<c", b'<c s="0" r="A2"'], ids=["no reference", "reference not first"])
def test_cells_not_starting_with_their_reference_leave_the_journal_to_openpyxl(notified, other):
    _edit_journal(notified.ledger_path, lambda x: re.sub(rb'<c r="A(\d+)"', lambda m: other if m.group(1) == b"2" else m.group(0), x))
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    assert ledger.tail is None
    assert ledger.journal_records()[0]["时间"] == _journal_cells(notified.ledger_path)[1][0]


def test_carriage_returns_are_kept(notified):
    ledger = Ledger.load(notified.ledger_path, for_write=True)
    ledger.journal(ChangeContext(operation="test").change(S.SUPERVISION.name, "DB-2026-001", "办理情况", "", "第一行\r\n第二行"))
    ledger.save()
    assert journal_rows(notified)[-1]["新值"] == "第一行\r\n第二行"
    assert Ledger.load(notified.ledger_path).journal_records()[-1]["新值"] == "第一行\r\n第二行"
