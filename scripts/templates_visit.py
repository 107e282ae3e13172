"""Build the 联系服务群众 record sheets: 走访调研记录表 and 慰问登记表 (A4 portrait, one page each).

Both in the style of the 党务公开审批表 (scripts/make_templates.py, whose helpers they use): issuer,
title, one label/value table — the row's prefilled cells holding their tag, the cells the member
fills in empty — a note, and the 识别码 footer. Run ``python scripts/templates_visit.py``.
"""

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_templates as mt  # noqa: E402
from make_templates import (  # noqa: E402
    FANGSONG,
    HEAD_PITCH,
    HEITI,
    NOTE_PITCH,
    SPECIAL,
    TABLE_PT,
    XBS,
    add_identity_footer,
    add_line,
    approval_cells,
    check_labels,
    check_rendered,
    check_tags,
    format_table,
    make_el,
    mark_row,
    merge,
    render,
    save,
    set_cell_font,
    set_fonts,
    setup_document,
    tag,
    used_tags,
)

from toolkit.registers.liaison.visits import CARE_SHEET, VISIT_SHEET  # noqa: E402

ROOT = mt.ROOT
VISIT_OUT = ROOT / "templates" / VISIT_SHEET.template
CARE_OUT = ROOT / "templates" / CARE_SHEET.template
ROW_H = Mm(10)

# 走访调研记录表: the notice's 28 | 50 | 28 | 50 mm grid — five 14 pt characters per label line
# (座谈对象或调研对象 wraps after 座谈对象或). Rows: (left label, right label or None for a value
# merged over three columns, minimum height or None for ROW_H). Head (19 mm), rows (184 mm) and
# the note (7 mm) leave about 15 mm of the 225 mm type area for long prefilled values.
VISIT_WIDTHS = [Mm(28), Mm(50), Mm(28), Mm(50)]
VISIT_ROWS = [
    ("记录编号", "类型", None),
    ("班子成员", "对象或单位", None),
    ("事由", "计划日期", None),
    ("时间", "地点", None),
    ("参加人员", None, Mm(14)),
    ("座谈对象或调研对象", None, Mm(14)),  # the label on two lines
    ("了解的情况", None, Mm(50)),
    ("意见建议", None, Mm(24)),
    ("解决的问题", None, Mm(24)),
    ("后续跟进", None, Mm(20)),
]
VISIT_NOTE = "注：请在空白栏内填写，勿改动预填的内容；时间请写明日期（如2026年10月29日）。填好后交党委办公室。"

# 慰问登记表: labels up to six characters on the left (慰问金或物品: 29.6 mm + padding), up to three on
# the right: 32 | 46 | 28 | 50 mm. Head (19 mm), rows (160 mm) and the two-line note (14 mm) leave
# about 30 mm for what the member writes beyond the cells' heights.
CARE_WIDTHS = [Mm(32), Mm(46), Mm(28), Mm(50)]
CARE_ROWS = [
    ("记录编号", "慰问人", None),
    ("对象", "类别", None),
    ("单位", "事由", None),
    ("慰问时间", "计划日期", None),
    ("慰问金或物品", None, Mm(14)),
    ("困难情况", None, Mm(34)),
    ("对象诉求", None, Mm(34)),
    ("备注", None, Mm(20)),
    ("签收", None, Mm(18)),  # the person visited (or the family) signs
]
CARE_NOTE = (
    "注：请在空白栏内填写，勿改动预填内容；慰问金或物品写明金额或名称，签收栏由慰问对象（或家属）签名。本表涉及个人信息，请妥善保管。"
)

INFO = ("事由", "计划日期")  # shown for reference, not fingerprinted: the office may change them


def cell_value(kind, label):
    """A value cell's text: the tag of a prefilled or reference field, empty where the member writes."""
    return tag(label) if label in kind.prefilled or label in INFO else ""


def typed_as_values(cell):
    """An empty cell's paragraph mark formatted as the values (仿宋 14 pt): what Word types there takes it."""
    rpr = make_el("rPr")
    set_fonts(rpr, FANGSONG)
    rpr.append(make_el("sz", val=TABLE_PT * 2))
    rpr.append(make_el("szCs", val=TABLE_PT * 2))
    cell.paragraphs[0]._p.get_or_add_pPr().append(rpr)


def add_table(doc, kind, rows, widths):
    """The sheet's single table: every label with its value cell to its right."""
    table = doc.add_table(rows=len(rows), cols=4)
    format_table(table, widths)
    last = len(rows) - 1
    for i, (row, (left, right, height)) in enumerate(zip(table.rows, rows)):
        if right is None:  # one value merged over columns 1-3 (one w:tc with a gridSpan)
            pairs = [(row.cells[0], left, merge(row, 1, 3))]
        else:
            pairs = [(row.cells[0], left, row.cells[1]), (row.cells[2], right, row.cells[3])]
        for label_cell, label, value_cell in pairs:
            set_cell_font(label_cell, label, label=True, keep=i == last)  # the last row stays with the note
            value = cell_value(kind, label)
            set_cell_font(value_cell, value, keep=i == last)
            if not value:
                typed_as_values(value_cell)
        row.height, row.height_rule = height or ROW_H, WD_ROW_HEIGHT_RULE.AT_LEAST
        mark_row(row)
    return table


def build_sheet(path, kind, rows, widths, note):
    """Issuer, title, the table, the note and the 识别码 footer."""
    doc = Document()
    setup_document(doc)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_line(doc, tag("发文机关"), HEITI, 16, line_pt=HEAD_PITCH, align=center, latin=HEITI)
    add_line(doc, kind.title, XBS, 22, line_pt=30, align=center, latin=XBS)
    add_table(doc, kind, rows, widths)
    par = add_line(doc, note, size=12, line_pt=NOTE_PITCH, align=WD_ALIGN_PARAGRAPH.LEFT, latin=FANGSONG)
    par.paragraph_format.space_before = Pt(4)
    add_identity_footer(doc)
    save(doc, path)


def build_visit(path=VISIT_OUT):
    """The 走访调研记录表 template."""
    build_sheet(path, VISIT_SHEET, VISIT_ROWS, VISIT_WIDTHS, VISIT_NOTE)


def build_care(path=CARE_OUT):
    """The 慰问登记表 template."""
    build_sheet(path, CARE_SHEET, CARE_ROWS, CARE_WIDTHS, CARE_NOTE)


def verify_sheet(path, kind, rows, widths, note):
    """Exactly the kind's tags; one label cell per label with the right value cell; widths, heights; no
    Latin letters outside the tags; the note; a render with docxtpl and with the toolkit."""
    xml = check_tags(path, kind.fields)
    assert used_tags(xml) == set(kind.fields), f"tags differ from the kind's fields: {sorted(used_tags(xml) ^ set(kind.fields))}"
    assert "{%" not in xml, "no block tags expected"
    found = approval_cells(path, kind)
    labels = kind.prefilled + kind.feedback
    missing = [label for label in labels if label not in found]
    assert not missing, f"label cells missing: {missing}"
    wide = {left for left, right, _ in rows if right is None}
    for label, (value, span) in found.items():
        assert value == cell_value(kind, label), f"{label}: value cell holds {value!r}"
        assert span == (3 if label in wide else 1), f"{label}: value cell spans {span} columns"
    check_labels(path, [{left for left, _, _ in rows} | {right for _, right, _ in rows if right}])
    template = Document(str(path))
    assert len(template.tables) == 1, "one table"
    table = template.tables[0]
    assert sum(widths, Mm(0)) == Mm(156), "the table is as wide as the type area"
    for row, (left, _, height) in zip(table.rows, rows):
        assert row.height.twips == (height or ROW_H).twips and row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST, f"{left} row height"
    texts = [p.text for p in template.paragraphs]
    assert texts == [tag("发文机关"), kind.title, note], f"paragraphs: {texts}"
    shown = re.sub(r"\{\{.*?\}\}", "", mt.visible_text(path))
    assert not re.search(r"[A-Za-z]", shown), f"Latin letters in the visible text: {shown!r}"
    context = {t: f"测试值-{t}" for t in kind.fields}
    special = kind.prefilled[-1]
    rendered, _ = render(path, dict(context, **{special: SPECIAL}))
    check_rendered(rendered, context, special)
    assert "识别码：测试值-识别码" in rendered, "identity footer not rendered"
    doc = mt.toolkit_render(path, kind.fields, context)
    assert "测试值-记录编号" in doc.tables[0].rows[0].cells[1].text, "toolkit render"


def verify_visit(path=VISIT_OUT):
    verify_sheet(path, VISIT_SHEET, VISIT_ROWS, VISIT_WIDTHS, VISIT_NOTE)


def verify_care(path=CARE_OUT):
    verify_sheet(path, CARE_SHEET, CARE_ROWS, CARE_WIDTHS, CARE_NOTE)


def main():
    """Build and verify both templates, printing the output paths."""
    for builder, checker, path in ((build_visit, verify_visit, VISIT_OUT), (build_care, verify_care, CARE_OUT)):
        builder(path)
        checker(path)
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
