"""Build the 谈心谈话记录表 template: one sheet per planned talk, filled in by the 谈话人 after the talk.

A4 portrait, the GB/T 9704 type area (156 × 225 mm): the issuer (黑体 3号) and the title (小标宋 2号),
then one label/value table on the 审批表's four columns — the talk's prefilled rows (谈话编号,
谈话类型, 谈话人 and 职务, 谈话对象 and 对象单位及职务, 计划日期), the cells filled in after the talk
(谈话日期, 地点, 记录人, the 谈话方式 boxes, 谈话主要内容 the tallest, 对方意见建议, 需协调解决的问题,
后续跟进) — a one-line note, and the 落款 (谈话人 and 记录人 signatures, the date) on the same page;
the 识别码 in the footer. Run ``python scripts/templates_talk.py`` to rebuild and verify it.
"""

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_templates as mt  # noqa: E402

from toolkit.registers.liaison.talks import TALK_SHEET  # noqa: E402  (make_templates puts the project on the path)

ROOT = mt.ROOT
TALK_OUT = ROOT / "templates" / TALK_SHEET.template
TALK_TAGS = list(TALK_SHEET.fields)
# Left labels of up to six characters (谈话主要内容) at 14 pt need 29.6 mm plus the 2 mm padding; the
# right ones up to seven (对象单位及职务: 36.6 mm). The value columns then hold eight or nine characters
# (与分管领域负责人, 2026年12月31日): 32 + 44 + 38 + 42 = 156 mm.
TALK_WIDTHS = [Mm(32), Mm(44), Mm(38), Mm(42)]
TALK_BOXES = "□面对面\u3000□电话\u3000□短信\u3000□邮件\u3000□其他"  # 谈话方式, ticked as the notice's 办理状态
BREAKS = {"需协调解决的问题": "需协调解决\n的问题"}  # a label too long for its cell, broken where it reads well
# (left label, right label or None for a value merged over three columns, minimum height or None for
# TALK_ROW_H). Head (19 mm), six 9 mm rows, the four text rows (114 mm), the note (7 mm) and the 落款
# (21 mm) take about 215 mm of the 225 mm type area.
TALK_ROWS = [
    ("谈话编号", "谈话类型", None),
    ("谈话人", "职务", None),
    ("谈话对象", "对象单位及职务", None),
    ("计划日期", "谈话日期", None),
    ("地点", "记录人", None),
    ("谈话方式", None, None),
    ("谈话主要内容", None, Mm(50)),
    ("对方意见建议", None, Mm(21)),
    ("需协调解决的问题", None, Mm(17)),
    ("后续跟进", None, Mm(17)),
]
TALK_ROW_H = Mm(9)
TALK_NOTE = "注：请在所选谈话方式前的“□”内打“√”，勿改动表中预填的内容。"
SIGNATURE = "谈话人（签字）：\u3000\u3000\u3000\u3000\u3000\u3000记录人（签字）：\u3000\u3000\u3000\u3000\u3000"
SIGNED_DATE = "年\u3000\u3000月\u3000\u3000日"


def talk_value(label):
    """The value cell's text for a label: its tag when printed by the toolkit, the boxes for 谈话方式, else empty."""
    if label in TALK_SHEET.fields:
        return mt.tag(label)
    return TALK_BOXES if label == "谈话方式" else ""


def mark_paragraph(par, size=mt.TABLE_PT):
    """Give an empty cell's paragraph mark the table's font (仿宋, 4号): what Word types into it takes that size."""
    rpr = mt.make_el("rPr")
    mt.set_fonts(rpr, mt.FANGSONG)
    rpr.append(mt.make_el("sz", val=size * 2))
    rpr.append(mt.make_el("szCs", val=size * 2))
    par._p.get_or_add_pPr().append(rpr)


def add_talk_table(doc):
    """The sheet's single table: the talk's rows, then the cells filled in after it; each label once."""
    table = doc.add_table(rows=len(TALK_ROWS), cols=4)
    mt.format_table(table, TALK_WIDTHS)
    after = False
    for row, (left, right, height) in zip(table.rows, TALK_ROWS):
        after = after or left in TALK_SHEET.feedback  # from 地点 on, the rows move with the 落款 as one block
        if right is None:  # one value merged over columns 1-3 (a real merge: one w:tc with a gridSpan)
            pairs = [(row.cells[0], left, mt.merge(row, 1, 3))]
        else:
            pairs = [(row.cells[0], left, row.cells[1]), (row.cells[2], right, row.cells[3])]
        for label_cell, label, value_cell in pairs:
            value = talk_value(label)
            mt.set_cell_font(label_cell, BREAKS.get(label, label), label=True, keep=after)
            # □ belongs to both scripts; LibreOffice ignores w:hint, so the boxes' Latin font is 仿宋 too
            mt.set_cell_font(value_cell, value, keep=after, latin=mt.FANGSONG if value == TALK_BOXES else mt.LATIN)
            if not value:
                mark_paragraph(value_cell.paragraphs[0])
            if height:  # a long text reads from the top of its tall cell
                value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        row.height, row.height_rule = height or TALK_ROW_H, WD_ROW_HEIGHT_RULE.AT_LEAST
        mt.mark_row(row)
    return table


def build_talk_sheet(path):
    """Build the 谈心谈话记录表 template: issuer, title, the table, the note, the 落款, the 识别码 footer."""
    doc = Document()
    mt.setup_document(doc)
    mt.set_title(doc, TALK_SHEET.title)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    mt.add_line(doc, mt.tag("发文机关"), mt.HEITI, 16, line_pt=mt.HEAD_PITCH, align=center, latin=mt.HEITI)
    mt.add_line(doc, TALK_SHEET.title, mt.XBS, 22, line_pt=30, align=center, latin=mt.XBS)
    mt.add_line(doc, "", size=12, line_pt=12)  # a little air between the title and the table
    add_talk_table(doc)
    note = mt.add_line(doc, TALK_NOTE, size=12, line_pt=mt.NOTE_PITCH, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = mt.add_line(doc, SIGNATURE, size=mt.TABLE_PT, line_pt=mt.HEAD_PITCH, align=right, latin=mt.FANGSONG)
    sign.paragraph_format.space_before = Pt(10)
    mt.set_right_indent(sign, 1, mt.TABLE_PT)
    day = mt.add_line(doc, SIGNED_DATE, size=mt.TABLE_PT, line_pt=mt.HEAD_PITCH, align=right, latin=mt.FANGSONG)
    mt.set_right_indent(day, 2, mt.TABLE_PT)
    mt.keep_together(note, sign)  # the 落款 never stands alone: it moves with the last rows
    mt.add_identity_footer(doc)
    mt.save(doc, path)


def talk_cells(path):
    """Each label of the table → (its value cell's text, the value's column span); each label once."""
    found = {}
    labels = {left for left, _, _ in TALK_ROWS} | {right for _, right, _ in TALK_ROWS if right}
    for row in Document(str(path)).tables[0].rows:
        tcs = row._tr.tc_lst  # the row's real cells: a merged cell is one w:tc with a gridSpan
        for tc, nxt in zip(tcs, tcs[1:]):
            label = "".join(mt.cell_text(tc).split())
            if label in labels:
                assert label not in found, f"label {label} appears twice"
                found[label] = (mt.cell_text(nxt), nxt.grid_span)
    return found


def verify_talk_sheet(path):
    """Check the template: exactly its tags, every label with the right value cell, the layout and a render."""
    xml = mt.check_tags(path, TALK_TAGS)
    assert mt.used_tags(xml) == set(TALK_TAGS), f"tags differ from TALK_SHEET.fields: {sorted(mt.used_tags(xml) ^ set(TALK_TAGS))}"
    assert "{%" not in xml, "the 记录表 has no block tags"
    found = talk_cells(path)
    missing = [label for label in TALK_SHEET.prefilled + TALK_SHEET.feedback if label not in found]
    assert not missing, f"label cells missing: {missing}"
    wide = {left for left, right, _ in TALK_ROWS if right is None}
    for label, (value, span) in found.items():
        assert value == talk_value(label), f"{label}: value cell holds {value!r}"
        assert span == (3 if label in wide else 1), f"{label}: value cell spans {span} columns"
    template = Document(str(path))
    assert len(template.tables) == 1, "the 记录表 has one table"
    table = template.tables[0]
    for row, (left, _, height) in zip(table.rows, TALK_ROWS):
        want = (height or TALK_ROW_H).twips
        assert row.height.twips == want and row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST, f"{left} row height"
        cell = row.cells[0]
        assert len(cell.paragraphs) == 1 and len(cell.paragraphs[0].runs) == 1, f"{left}: label not one run"
    marks = [tc for row in table.rows for tc in row._tr.tc_lst if not mt.cell_text(tc)]
    assert len(marks) == len(TALK_SHEET.feedback) - 1, "empty cells: the feedback ones but 谈话方式"
    for tc in marks:  # typed in at the table's 4号, not the body's 3号
        size = tc.find(".//" + qn("w:pPr") + "/" + qn("w:rPr") + "/" + qn("w:sz"))
        assert size is not None and size.get(qn("w:val")) == str(mt.TABLE_PT * 2), "empty cell's paragraph mark size"
    content = dict((left, h) for left, _, h in TALK_ROWS)["谈话主要内容"]
    assert content.twips >= Mm(50).twips and content == max(h or 0 for _, _, h in TALK_ROWS), "谈话主要内容 the tallest cell"
    sec = template.sections[0]
    assert abs(sec.page_width - Mm(210)) < Mm(0.5) and abs(sec.page_height - Mm(297)) < Mm(0.5), "A4 portrait"
    assert abs(sum(TALK_WIDTHS, Mm(0)) - (sec.page_width - sec.left_margin - sec.right_margin)) < Mm(0.5), "table width"
    texts = [p.text for p in template.paragraphs]
    assert texts == [mt.tag("发文机关"), TALK_SHEET.title, "", TALK_NOTE, SIGNATURE, SIGNED_DATE], f"paragraphs: {texts}"
    pars = template.paragraphs
    assert pars[1].runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == mt.XBS, "title font"
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in pars[-2:]), "落款 not right-aligned"
    assert pars[-3].paragraph_format.keep_with_next and pars[-2].paragraph_format.keep_with_next, "落款 kept with the note"
    shown = re.sub(r"\{\{.*?\}\}", "", mt.visible_text(path))
    assert not re.search(r"[A-Za-z]", shown), f"Latin letters in the visible text: {shown!r}"
    context = {t: f"测试值-{t}" for t in TALK_TAGS}
    rendered, doc = mt.render(path, dict(context, 对象单位及职务=mt.SPECIAL))
    mt.check_rendered(rendered, context, "对象单位及职务")
    assert "识别码：测试值-识别码" in rendered, "identity footer not rendered"
    assert "第二段" in doc.tables[0].rows[2].cells[3].text, "对象单位及职务 not rendered in its cell"
    out = mt.toolkit_render(path, TALK_TAGS, {t: f"值-{t}" for t in TALK_TAGS})
    assert out.tables[0].rows[3].cells[1].text == "值-计划日期", "toolkit rendering"


def main():
    """Build and verify the template, printing its path."""
    build_talk_sheet(TALK_OUT)
    verify_talk_sheet(TALK_OUT)
    print(TALK_OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
