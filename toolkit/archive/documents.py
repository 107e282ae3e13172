"""The documents the archive itself writes: review record, cover, catalogue (xlsx and docx), 备考表."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from openpyxl.styles import Alignment, Border, Font, Side

from ..dates import cn_date, compact_date

CATALOGUE_HEADERS = ("序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注")
# A4 landscape less 25 + 20 mm margins = 252 mm; 文号 such as 党办督〔2026〕123号 fits one line at 10 pt
CATALOGUE_WIDTHS_MM = (13, 50, 40, 26, 62, 19, 12, 12, 18)
CATALOGUE_NO_WRAP = ("序号", "档号", "文号", "日期", "密级", "页数")
# Excel column widths (characters); a CJK character counts two
CATALOGUE_WIDTHS_XLSX = (6, 30, 22, 16, 44, 11, 6, 6, 16)


@dataclass
class Entry:
    """One catalogue row (one 件)."""

    seq: int
    code: str
    doc_no: str
    responsible: str
    title: str
    date: dt.date | None
    pages: int
    note: str = ""
    secrecy: str = ""


def _fonts(document, size=14, east="仿宋_GB2312") -> None:
    """Default font of a python-docx document, East-Asian slot included."""
    style = document.styles["Normal"]
    style.font.size = Pt(size)
    style.font.name = "Times New Roman"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), east)


def _para(document, text, size=14, bold=False, centre=False, east=None, space_after=6):
    """A paragraph of one run."""
    p = document.add_paragraph()
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if east:
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east)
    if centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _table(document, rows, widths_mm, size=12, header=True):
    """A bordered table from rows of text."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = document.styles["Table Grid"] if "Table Grid" in [s.name for s in document.styles] else None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, width in enumerate(widths_mm):
        table.columns[c].width = Mm(width)
    for r, (tr, values) in enumerate(zip(table._tbl.tr_lst, rows)):
        for c, (tc, value) in enumerate(zip(tr.tc_lst, values)):
            cell = _Cell(tc, table)  # table.cell() rebuilds the whole grid each call: quadratic
            cell.width = Mm(widths_mm[c])
            run = cell.paragraphs[0].add_run(str(value))
            run.font.size = Pt(size)
            if header and r == 0:
                run.bold = True
                run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")
    _borders(table)
    return table


def _borders(table) -> None:
    """Single borders on every cell (independent of table styles)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _a4(section, landscape=False) -> None:
    """A4 page with GB/T 9704-like margins."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(20), Mm(25), Mm(20)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)


def record_sheet(path: Path, title: str, values: dict[str, str], office: str, signer: str = "审核人", signed: str = "") -> None:
    """A one-page record drawn up at archive time (e.g. a 办结审核单): the office, a title, the fields as a
    table, and a signature line: ``signer`` (the person recorded, or blank for a hand signature) and
    the date ``signed``."""
    values = dict(values)
    who = values.pop(signer, "").strip()
    d = docx.Document()
    _fonts(d)
    _a4(d.sections[0])
    _para(d, office, 16, centre=True, east="黑体")
    _para(d, title, 22, centre=True, east="方正小标宋简体", space_after=18)
    rows = [[k, v] for k, v in values.items()]
    _table(d, rows, (40, 116), size=14, header=False)
    _para(d, "")
    _para(d, f"{signer}：{who or '　' * 8}　　　　{signer[:2]}日期：{signed.strip()}", 14)
    d.save(str(path))


def cover(path: Path, fields: dict[str, str]) -> None:
    """The cover: 全宗号, 全宗名称, 年度, 保管期限, 机构(问题)."""
    d = docx.Document()
    _fonts(d, 16)
    _a4(d.sections[0])
    for _ in range(3):
        _para(d, "")
    _para(d, "归档文件目录", 26, centre=True, east="方正小标宋简体", space_after=48)
    rows = [[k, v] for k, v in fields.items()]
    _table(d, rows, (45, 90), size=16, header=False)
    d.save(str(path))


def catalogue_docx(path: Path, title: str, entries: list[Entry]) -> None:
    """The 归档文件目录 as an A4 landscape table (repeating header row)."""
    d = docx.Document()
    _fonts(d, 12)
    _a4(d.sections[0], landscape=True)
    _para(d, title, 18, centre=True, east="黑体", space_after=12)
    rows = [list(CATALOGUE_HEADERS)] + [catalogue_row(e) for e in entries]
    table = _table(d, rows, CATALOGUE_WIDTHS_MM, size=10)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    for tr in table._tbl.tr_lst:  # codes, numbers and dates stay on one line
        for c, tc in enumerate(tr.tc_lst):
            if CATALOGUE_HEADERS[c] in CATALOGUE_NO_WRAP:
                tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    d.save(str(path))


def catalogue_row(e: Entry) -> list[str]:
    """One catalogue row as text: date as 20260305, title in [ ] (written by the filer)."""
    return [str(e.seq), e.code, e.doc_no, e.responsible, f"[{e.title}]", compact_date(e.date), e.secrecy, str(e.pages), e.note]


def catalogue_xlsx(path: Path, title: str, entries: list[Entry]) -> None:
    """The 归档文件目录 as a workbook laid out for A4 landscape printing."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "归档文件目录"
    sheet.append([title])
    sheet.append(list(CATALOGUE_HEADERS))
    for e in entries:
        row = catalogue_row(e)
        row[0], row[7] = e.seq, e.pages
        sheet.append(row)
    thin = Side(style="thin")
    for r in sheet.iter_rows(min_row=2, max_row=sheet.max_row):
        for c, cell in enumerate(r):
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            one_line = CATALOGUE_HEADERS[c] in CATALOGUE_NO_WRAP
            cell.alignment = Alignment(wrap_text=not one_line, vertical="center", horizontal="center" if one_line else None)
    for cell in sheet[2]:
        cell.font = Font(name="黑体", bold=True)
    sheet["A1"].font = Font(name="黑体", size=16, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CATALOGUE_HEADERS))
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    for letter, width in zip("ABCDEFGHI", CATALOGUE_WIDTHS_XLSX):
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "2:2"
    sheet.freeze_panes = "A3"
    wb.save(str(path))


def reference_sheet(path: Path, fields: dict[str, str]) -> None:
    """The 备考表: 情况说明, 整理人, 整理日期, 检查人, 检查日期."""
    d = docx.Document()
    _fonts(d, 14)
    _a4(d.sections[0])
    _para(d, "备考表", 22, centre=True, east="方正小标宋简体", space_after=18)
    rows = [[k, v] for k, v in fields.items()]
    _table(d, rows, (46, 110), size=14, header=False)
    d.save(str(path))


def today_text(d: dt.date) -> str:
    """Dates printed on archive documents."""
    return cn_date(d)
