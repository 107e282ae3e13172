"""Build the 联系服务群众情况 template: a committee member's year account for 述职述廉 (GB/T 9704).

Title (小标宋 2号), five sections (一、 headings 黑体 3号, body 仿宋 3号 indented two characters), the
talks as a table (a docxtpl ``{%tr for %}`` row loop: 序号 | 谈话对象 | 谈话类型 | 日期 | 方式), then the
落款 (the member's name) and the date, right-aligned and kept with the last lines of the text, and
"— N —" page numbers. Run ``python scripts/templates_account.py`` to rebuild and verify it.
"""

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_templates as mt  # noqa: E402

ROOT = mt.ROOT
ACCOUNT_OUT = ROOT / "templates" / "联系服务群众" / "联系服务群众情况.docx"
ACCOUNT_TITLE = "联系服务群众情况"
# (heading, tag of its paragraphs); the talks table follows the first section's paragraphs
SECTIONS = [
    ("一、谈心谈话情况", "谈话概况"),
    ("二、联系基层情况", "联系基层"),
    ("三、调查研究情况", "调查研究"),
    ("四、走访慰问情况", "走访慰问"),
    ("五、解决问题和跟进情况", "解决问题"),
]
# (loop-item field, width, header): 156 mm, the type area's width; 12 pt text, 1 mm cell padding
TALK_COLUMNS = [
    ("序号", Mm(14), "序号"),
    ("谈话对象", Mm(34), "谈话对象"),
    ("谈话类型", Mm(44), "谈话类型"),
    ("日期", Mm(40), "日期"),
    ("方式", Mm(24), "方式"),
]
TALK_LOOP = "{%tr for t in 谈话 %}"
ACCOUNT_TAGS = ["标题", *(name for _, name in SECTIONS), "落款", "成文日期"]
LOOP_TAGS = ["t." + name for name, _, _ in TALK_COLUMNS]


def add_talk_table(doc):
    """The talks table: a repeated 黑体 header row, the loop row, one data row, the loop's end row."""
    return mt.add_stat_table(doc, "t", "谈话", TALK_COLUMNS)


def build_account(path):
    """Build the 联系服务群众情况 template and save it to ``path``."""
    doc = Document()
    mt.setup_document(doc)
    mt.set_title(doc, ACCOUNT_TITLE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    mt.add_line(doc, mt.tag("标题"), mt.XBS, 22, line_pt=mt.TITLE_PITCH, align=center, latin=mt.XBS)
    mt.add_line(doc, "")  # GB/T 9704: one blank line between the title and the text
    last = None
    for heading, name in SECTIONS:
        head = mt.indent_first_line(mt.add_line(doc, heading, mt.HEITI, 16, latin=mt.HEITI))
        head.paragraph_format.keep_with_next = True
        last = mt.add_body(doc, mt.tag(name))
        last.paragraph_format.widow_control = True
        if name == "谈话概况":
            last.paragraph_format.keep_with_next = True  # the count sentence stays with the table's head
            add_talk_table(doc)
    # the last section's lines, a blank line and the 落款 move together: 落款 never stands alone
    blank = mt.add_line(doc, "")
    mt.keep_together(last, blank)
    mt.add_signed_date(doc, "落款", "成文日期")
    mt.add_page_number_footer(doc)
    mt.save(doc, path)


def verify_account(path):
    """Check the template: its tags and loop, the layout, a docxtpl render and the toolkit's render."""
    xml = mt.check_public(path, ACCOUNT_TAGS + LOOP_TAGS, ACCOUNT_TITLE, block_tags=True)
    assert TALK_LOOP in xml and mt.LOOP_END in xml, "table-row loop tags split or missing"
    assert set(re.findall(r"\{%.*?%\}", xml)) == {TALK_LOOP, mt.LOOP_END}, "other block tags"
    template = Document(str(path))
    pars = template.paragraphs
    texts = [p.text for p in pars]
    want = [mt.tag("标题"), ""]
    for heading, name in SECTIONS:
        want += [heading, mt.tag(name)]
    want += ["", mt.tag("落款"), mt.tag("成文日期")]
    assert texts == want, f"paragraphs: {texts}"
    title = pars[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].font.size == Pt(22), "title"
    assert title.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == mt.XBS, "title font"
    for heading, name in SECTIONS:
        head, body = pars[texts.index(heading)], pars[texts.index(mt.tag(name))]
        assert head.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == mt.HEITI, f"{heading} font"
        assert head.runs[0].font.size == Pt(16) and head.paragraph_format.keep_with_next, f"{heading} size / keep"
        assert body.paragraph_format.first_line_indent == Pt(32), f"{name} not indented two characters"
        assert body.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == mt.FANGSONG, f"{name} font"
    sign, day = pars[-2], pars[-1]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in (sign, day)), "落款 not right-aligned"
    assert sign.paragraph_format.right_indent == Pt(32) and day.paragraph_format.right_indent == Pt(64)
    assert all(p.paragraph_format.keep_with_next for p in pars[-4:-1]), "last section, blank and 落款 kept together"
    (table,) = template.tables
    assert [c.text for c in table.rows[0].cells] == [label for _, _, label in TALK_COLUMNS], "header row"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None, "header row not repeated"
    sec = template.sections[0]
    width = sec.page_width - sec.left_margin - sec.right_margin
    assert abs(sum(w for _, w, _ in TALK_COLUMNS) - width) < Mm(0.5), "table width differs from the text width"
    talks = [
        {"序号": 1, "谈话对象": "陈志明", "谈话类型": "正职与班子成员", "日期": "2026年3月10日", "方式": "面对面"},
        {"序号": 2, "谈话对象": "刘芳 R&D", "谈话类型": "与分管领域负责人", "日期": "2026年12月31日", "方式": "电话"},
    ]
    context = {t: f"测试值-{t}" for t in ACCOUNT_TAGS}
    rendered, doc = mt.render(path, dict(context, 谈话概况=mt.SPECIAL, 谈话=talks))
    mt.check_rendered(rendered, context, "谈话概况")
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1:] == [[str(t[name]) for name, _, _ in TALK_COLUMNS] for t in talks], f"loop rows: {rows}"
    from toolkit.forms.template import docx_paragraphs, docx_text

    values = {t: docx_text(f"值-{t}") for t in ACCOUNT_TAGS}
    last = ["（一）第一项 R&D", "（二）第二项"]
    safe = [{k: docx_text(v) for k, v in t.items()} for t in talks]
    out = mt.toolkit_render(path, [*ACCOUNT_TAGS, "谈话"], dict(values, 谈话=safe, 解决问题=docx_paragraphs(last)))
    texts = [p.text for p in out.paragraphs]
    assert texts[-5:] == [*last, "", "值-落款", "值-成文日期"], f"toolkit rendering: {texts}"
    assert all(p.paragraph_format.keep_with_next for p in out.paragraphs[-5:-1]), "expanded paragraphs kept with the 落款"
    assert [[c.text for c in row.cells] for row in out.tables[0].rows][1:] == rows[1:], "toolkit rendering of the rows"


def main():
    """Build and verify the template, printing its path."""
    build_account(ACCOUNT_OUT)
    verify_account(ACCOUNT_OUT)
    print(ACCOUNT_OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
