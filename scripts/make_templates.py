"""Build the default Word templates (docxtpl/Jinja tags) with python-docx.

督查督办通知单 (notice), 催办通知单 (reminder for an overdue item) and 督查督办工作情况报告
(periodic report with a docxtpl table-row loop); 党务公开审批表 (approval form of a disclosure
item), 党务公开意见反馈表 (opinion form anyone may fill in), 党务公开公告 and 再公开公告 (public
announcements), 党务公开目录 (the year's catalogue, A4 landscape, a table-row loop) and 意见答复单 (reply
to the person who gave an opinion); all GB/T 9704 A4 page set-up.
"""

import datetime
import io
import re
import sys
import tempfile
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import (
    WD_CELL_VERTICAL_ALIGNMENT,
    WD_ROW_HEIGHT_RULE,
    WD_TABLE_ALIGNMENT,
)
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml import ns as docx_ns
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from toolkit.forms.kinds import (  # noqa: E402
    ANNOUNCEMENT,
    APPROVAL,
    FEEDBACK_FORM,
    NOTICE,
    REDISCLOSURE,
    REMINDER,
    REPLY,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = ROOT / "templates" / "督查督办"
OUT = TEMPLATE_DIR / "督查督办通知单.docx"
REMINDER_OUT = TEMPLATE_DIR / "催办通知单.docx"
REPORT_OUT = TEMPLATE_DIR / "督查督办工作情况报告.docx"
APPROVAL_OUT = ROOT / "templates" / APPROVAL.template
FEEDBACK_FORM_OUT = ROOT / "templates" / FEEDBACK_FORM.template
TAGS = list(NOTICE.fields)  # the form kinds declare their tags; the templates must carry exactly these
REMINDER_TAGS = list(REMINDER.fields)
REPORT_TAGS = ["发文机关", "标题", "期间", "总体情况", "成效", "问题", "要求", "落款单位", "落款日期"]
REPORT_SECTIONS = [("一、总体情况", "总体情况"), ("二、成效与表扬", "成效"), ("三、存在问题", "问题"), ("四、下一步要求", "要求")]
# (loop-item field, column width, header text: \n breaks a long header where it reads well); widths
# add up to the 156 mm text width and keep every 12 pt header line inside the 1 mm cell padding.
STAT_COLUMNS = [
    ("单位", Mm(28), "单位"),
    ("主办", Mm(11), "主办"),
    ("协办", Mm(11), "协办"),
    ("按期办结", Mm(19), "按期办结"),
    ("逾期办结", Mm(19), "逾期办结"),
    ("退回重办后办结", Mm(19), "退回重办\n后办结"),
    ("当前逾期", Mm(19), "当前逾期"),
    ("被催办", Mm(15), "被催办"),
    ("按期办结率", Mm(15), "按期\n办结率"),
]
SOURCE_COLUMNS = [
    ("来源", Mm(30), "督办来源"),
    ("事项", Mm(18), "事项"),
    ("已办结", Mm(20), "已办结"),
    ("按期办结", Mm(22), "按期办结"),
    ("退回重办后办结", Mm(24), "退回重办\n后办结"),
    ("当前逾期", Mm(22), "当前逾期"),
    ("办结率", Mm(20), "办结率"),
]
# GB/T 9704 attachments: (loop variable, the table's rows, the attachment's title); the 附件说明
# under the body names them in this order and each is printed on its own page as 附件1, 附件2.
REPORT_ATTACHMENTS = [
    ("r", "单位统计", "各单位督办事项办理情况统计表", STAT_COLUMNS),
    ("s", "来源统计", "各督办来源事项办理情况统计表", SOURCE_COLUMNS),
]
REDO_NOTE = "注：“退回重办后办结”指经办结审核退回重办、在新的办理时限内办结的事项，不计入按期办结。"
LOOP_START, LOOP_END = "{%tr for r in 单位统计 %}", "{%tr endfor %}"
FANGSONG, HEITI, XBS, LATIN = "仿宋_GB2312", "黑体", "方正小标宋简体", "Times New Roman"
SONGTI = "宋体"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
FIXED = datetime.datetime(2026, 1, 1, 0, 0, 0)
# python-docx's "cp" prefix; docxcompose (imported by docxtpl and the toolkit) rebinds it process-wide,
# after which core properties are written in the wrong namespace: setup_document puts it back.
CORE_PROPERTIES_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
LABEL_W, VALUE_W, WIDE_W = Mm(28), Mm(50), Mm(128)
FEEDBACK_LABELS = ["办理情况", "办理状态", "完成日期", "承办人", "联系电话", "单位负责人"]
# One-page forms (GB/T 9704 type area 156 × 225 mm): 4号 table text on an exact 18 pt pitch, a
# 办理情况 cell of at least 40 mm, the letterhead and signature on 24 pt lines (title 30 pt). A notice with five lines of
# 工作要求 and four 协办 units still fits one A4 page; longer ones break before the feedback block.
TABLE_PT, TABLE_PITCH, SITUATION_HEIGHT = 14, 18, Mm(40)
HEAD_PITCH, NOTE_PITCH = 24, 20  # 3号 letterhead and signature lines; 4号 lines around the tables
LABELS = [
    ["立项编号", "交办时间", "督办来源", "督查形式", "主办单位", "协办单位", "办理时限", "分管校领导", "督办事项", "工作要求"],
    FEEDBACK_LABELS,
]
REMINDER_LABELS = [
    ["立项编号", "交办时间", "主办单位", "协办单位", "办理时限", "催办次数", "逾期情况", "督办事项"],
    FEEDBACK_LABELS,
]
# 党务公开审批表: one table, the item's rows (label | value, pairs side by side) above the committee's
# decision rows. Left labels of up to six characters (公开内容摘要, 保密审查意见) at 14 pt need 84 pt
# (29.6 mm) plus the 2 mm cell padding; the right ones have four (公开范围: 19.8 mm), which leaves
# the value columns room for nine characters (党务公开栏、校园网): 32 + 49 + 26 + 49 = 156 mm.
APPROVAL_TAGS = list(APPROVAL.fields)
APPROVAL_WIDTHS = [Mm(32), Mm(49), Mm(26), Mm(49)]
APPROVAL_BOXES = "□同意公开\u3000\u3000□不予公开"  # 审批结果, ticked as the notice's 办理状态
APPROVAL_NOTE = "注：请在所选审批结果前的“□”内打“√”，勿改动表中预填的内容。"
# Rows in print order: (left label, right label or None for a value merged over three columns,
# minimum height or None for APPROVAL_ROW_H). Prefilled labels carry their tag, feedback labels an
# empty cell (审批结果: the boxes). Head, table and note take about 205 mm of the 225 mm type area
# with one-line values and a five-line 摘要: the page holds a 摘要 of about eight lines.
APPROVAL_ROWS = [
    ("公开编号", "公开类别", None),
    ("公开事项", None, None),
    ("公开内容摘要", None, Mm(34)),  # five 18 pt lines (32 mm) and the cell's margins
    ("提出部门", "公开范围", None),
    ("公开形式", "时限类型", None),
    ("计划公开日期", None, None),
    ("保密审查意见", None, Mm(20)),
    ("分管领导意见", None, Mm(20)),
    ("审批结果", None, None),
    ("审批意见", None, Mm(25)),
    ("审批人", "审批日期", Mm(12)),  # room for a handwritten signature
]
APPROVAL_ROW_H = Mm(10)
# 党务公开意见反馈表: the notice's 28 | 50 | 28 | 50 mm grid (单位或身份, five characters at 14 pt, is
# 24.7 mm: one line in 28 mm with the 1 mm padding). Rows as APPROVAL_ROWS: the item's number and
# name prefilled, then the cells the reader fills in, 意见建议 (120 mm) the main part of the page.
# Head (26 mm), the other rows (40 mm), 反馈方式 on two lines and 落款 (23 mm) leave the 225 mm type
# area about 15 mm: a 公开事项 on two lines and a somewhat longer opinion still fit the page.
FEEDBACK_FORM_TAGS = list(FEEDBACK_FORM.fields)
FEEDBACK_FORM_WIDTHS = [LABEL_W, VALUE_W, LABEL_W, VALUE_W]
FEEDBACK_FORM_ROWS = [
    ("公开编号", None, None),
    ("公开事项", None, None),
    ("反馈人", "联系方式", None),
    ("单位或身份", "反馈日期", None),
    ("意见建议", None, Mm(120)),
]
FEEDBACK_FORM_NOTE = "{{ 反馈截止 }}，意见须署真实姓名。本表可复印。"
# 党务公开公告 / 再公开公告 (public, no red head, no visible identity): 文号 on the first line, the
# title, 主送, 正文 and 说明 (each tag alone in its paragraph: the toolkit expands it into several
# paragraphs or puts an inserted document in its place), then 落款 and 成文日期. 发文机关 is left out:
# the 落款单位 signs the announcement; the toolkit still supplies it (a tag the template does not use is
# fine, an unknown one is the error).
ANNOUNCEMENT_OUT = ROOT / "templates" / ANNOUNCEMENT.template
REDISCLOSURE_OUT = ROOT / "templates" / REDISCLOSURE.template
ANNOUNCEMENT_TAGS = [t for t in ANNOUNCEMENT.fields if t != "发文机关"]
ANNOUNCEMENT_LINES = ["文号", None, "标题", None, "主送", "正文", "说明", None, "落款单位", "成文日期"]  # None: empty line
TITLE_PITCH = 32  # 2号 title lines; a long title wraps to two
# 党务公开目录 (the year's catalogue, used by a report module): A4 landscape, the archive catalogue's
# 25 / 20 mm margins, so the table has 252 mm; 12 pt text with 1 mm padding: a column of n characters
# needs 4.23 n + 2 mm, and LibreOffice adds a quarter em between Chinese and digits (公开类别 基层组织建设
# 情况 on one line, 公开日期 2026年12月31日 on one line with that spacing).
CATALOGUE_OUT = ROOT / "templates" / "党务公开" / "党务公开目录.docx"
CATALOGUE_TAGS = ["标题", "期间", "目录", "说明", "落款单位", "成文日期"]
CATALOGUE_COLUMNS = [
    ("序号", Mm(12)),
    ("公开编号", Mm(28)),
    ("公开类别", Mm(36)),
    ("公开事项", Mm(74)),
    ("公开范围", Mm(26)),
    ("公开形式", Mm(36)),
    ("公开日期", Mm(40)),
]
CATALOGUE_LOOP = "{%tr for r in 目录 %}"
# 意见答复单: the 审批表's 32 | 49 | 26 | 49 mm grid (您的意见建议, six characters at 14 pt, needs 32 mm).
# Rows: (label, its tag, right label, its tag, minimum height); a None right label merges the value
# over three columns. Head (20 mm), table (about 130 mm) and the closing lines (30 mm) fit one page.
REPLY_OUT = ROOT / "templates" / REPLY.template
REPLY_TAGS = list(REPLY.fields)
REPLY_TITLE = "党务公开意见答复单"
REPLY_ROWS = [
    ("反馈编号", "反馈编号", "收到日期", "收到日期", None),
    ("反馈人", "反馈人", None, None, None),
    ("公开事项", "公开事项", None, None, None),
    ("您的意见建议", "意见建议", None, None, Mm(40)),
    ("办理情况", "处理情况", None, None, Mm(50)),
    ("承办部门", "转办部门", None, None, None),
]
REPLY_THANKS = "感谢您对党务公开工作的关心和支持。"
# Child order of w:tblPr required by the OOXML schema.
TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]


def tag(name):
    """Return the Jinja placeholder text for a tag name."""
    return "{{ " + name + " }}"


def set_fonts(rpr, east_asia, latin=LATIN):
    """Set the Latin fonts (Times New Roman unless given) and the East-Asian font on an rPr, dropping theme fonts."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn("w:" + attr), None)
    for attr, val in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        rfonts.set(qn("w:" + attr), val)
    # Word: symbols both scripts share (□ “ ” × —) take the East-Asian font, as in text typed in Chinese.
    rfonts.set(qn("w:hint"), "eastAsia")


def set_east_asian_font(run, east_asia, size, color=None, latin=LATIN):
    """Format one run: Latin font (TNR by default), given East-Asian font, point size and optional RGB colour."""
    set_fonts(run._element.get_or_add_rPr(), east_asia, latin)
    run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def set_spacing(par, line_pt, align=None):
    """Give a paragraph exact line spacing, no space before/after, and an optional alignment."""
    fmt = par.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before = fmt.space_after = Pt(0)
    if align is not None:
        par.alignment = align


def add_line(doc, text, east_asia=FANGSONG, size=16, line_pt=28, align=None, latin=LATIN):
    """Append a paragraph holding exactly one formatted run (keeps Jinja tags unsplit)."""
    par = doc.add_paragraph()
    set_spacing(par, line_pt, align)
    set_east_asian_font(par.add_run(text), east_asia, size, latin=latin)
    return par


def indent_first_line(par, chars=2, size=16):
    """Indent a paragraph's first line by a number of characters (w:firstLineChars plus the twips fallback)."""
    par.paragraph_format.first_line_indent = Pt(size * chars)
    par._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(chars * 100))
    return par


def set_cell_font(cell, text, label=False, size=TABLE_PT, line_pt=TABLE_PITCH, align=None, latin=LATIN, keep=False):
    """Fill a cell with one paragraph of one run: labels 黑体 centred, values 仿宋 left unless align is given.

    ``keep`` sets keep-with-next on the paragraph, which keeps its row with the next one (and the
    table's last row with the paragraph after the table) in Word and LibreOffice.
    """
    par = cell.paragraphs[0]
    if align is None:
        align = WD_ALIGN_PARAGRAPH.CENTER if label else WD_ALIGN_PARAGRAPH.LEFT
    set_spacing(par, line_pt, align)
    par.paragraph_format.keep_with_next = keep or None
    if text:
        set_east_asian_font(par.add_run(text), HEITI if label else FANGSONG, size, latin=latin)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def make_el(tag, **attrs):
    """Create a w:<tag> element with w:-namespaced attributes."""
    el = OxmlElement("w:" + tag)
    for key, val in attrs.items():
        el.set(qn("w:" + key), str(val))
    return el


def reorder(parent, order):
    """Sort an element's children into schema order (stable for unknown tags)."""
    rank = {qn("w:" + name): i for i, name in enumerate(order)}
    kids = sorted(parent, key=lambda el: rank.get(el.tag, len(order)))
    for kid in kids:
        parent.append(kid)


def format_table(table, widths):
    """Fix layout and widths (156 mm total), centre the table and draw single 0.5 pt borders."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, width in zip(table.columns, widths):
        col.width = width
        for cell in col.cells:
            cell.width = width
    tblpr = table._tbl.tblPr
    for name in ("tblW", "tblBorders", "tblStyle", "tblCellMar"):
        for old in tblpr.findall(qn("w:" + name)):
            tblpr.remove(old)
    tblw = make_el("tblW", w=sum(w.twips for w in widths), type="dxa")
    borders = make_el("tblBorders")  # sz is in eighths of a point: 4 = 0.5 pt
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(make_el(edge, val="single", sz=4, space=0, color="auto"))
    # Narrow 1 mm side padding so 5-character labels (分管校领导) fit one line in 28 mm at 14 pt.
    cellmar = make_el("tblCellMar")
    for side in ("left", "right"):
        cellmar.append(make_el(side, w=Mm(1).twips, type="dxa"))
    tblpr.extend([tblw, borders, cellmar])
    reorder(tblpr, TBLPR_ORDER)


def merge(row, first, last):
    """Merge cells first..last of a row into one horizontally spanned cell and return it."""
    return row.cells[first].merge(row.cells[last])


def setup_document(doc):
    """Apply A4 page/margins, default fonts and language; strip unused styles, numbering and thumbnail."""
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(15)
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    set_fonts(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), FANGSONG)
    defaults.find(".//" + qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    normal.font.size = Pt(16)
    set_spacing(normal, 28)
    # python-docx ships ~160 styles (350 kB of XML); keep only defaults and the footer styles.
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:default")) != "1" and style.get(qn("w:styleId")) not in ("Footer", "FooterChar"):
            styles.remove(style)
    pkg = doc.part.package
    dropped = ((pkg.rels, RT.THUMBNAIL), (doc.part.rels, STYLES_WITH_EFFECTS), (doc.part.rels, RT.NUMBERING))
    for rels, reltype in dropped:
        for rid in [rid for rid, rel in rels.items() if rel.reltype == reltype]:
            rels.pop(rid)
    docx_ns.nsmap["cp"] = CORE_PROPERTIES_NS
    props = doc.core_properties
    for field in ("title", "subject", "keywords", "author", "last_modified_by", "comments", "category"):
        setattr(props, field, "")
    props.created = props.modified = FIXED
    props.revision = 1


def add_notice_head(doc, title):
    """Issuer line, title, document number and addressee line shared by the notice and the reminder."""
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    # The issuer's name is Chinese throughout: its × (中共××学院) in the CJK font, as Word prints it.
    add_line(doc, "{{ 发文机关 }}", HEITI, 16, line_pt=HEAD_PITCH, align=center, latin=HEITI)
    add_line(doc, title, XBS, 22, line_pt=30, align=center, latin=XBS)
    add_line(doc, "{{ 文号 }}", line_pt=HEAD_PITCH, align=right)
    add_line(doc, "送达单位：{{ 送达单位 }}（{{ 承办角色 }}）", line_pt=HEAD_PITCH, align=WD_ALIGN_PARAGRAPH.LEFT)


def add_item_table(doc, pairs, wide):
    """4-column label/value table: one row per label pair, then full-width rows (value merged over 3 columns)."""
    t1 = doc.add_table(rows=len(pairs) + len(wide), cols=4)
    format_table(t1, [LABEL_W, VALUE_W, LABEL_W, VALUE_W])
    for row, (a, b) in zip(t1.rows, pairs):
        set_cell_font(row.cells[0], a, label=True)
        set_cell_font(row.cells[1], tag(a))
        set_cell_font(row.cells[2], b, label=True)
        set_cell_font(row.cells[3], tag(b))
    for row, name in zip(t1.rows[len(pairs) :], wide):
        set_cell_font(row.cells[0], name, label=True)
        set_cell_font(merge(row, 1, 3), tag(name))
    for row in t1.rows:
        mark_row(row)
    return t1


def add_feedback(doc, situation_height):
    """Feedback heading and the 2-column table the 承办单位 fills in; 办理情况 row at least the given height."""
    head = add_line(doc, "承办单位反馈（请在右侧空白格内填写，勿改动上方内容）", HEITI, TABLE_PT, line_pt=NOTE_PITCH)
    head.paragraph_format.keep_with_next = True
    feedback = [
        ("办理情况", ""),
        ("办理状态", "□已办结\u3000\u3000□办理中"),
        ("完成日期", ""),
        ("承办人", ""),
        ("联系电话", ""),
        ("单位负责人", ""),
    ]
    t2 = doc.add_table(rows=len(feedback), cols=2)
    format_table(t2, [LABEL_W, WIDE_W])
    # The whole block (heading, table, 督查联系, 落款, date) moves to the next page as one: every
    # row kept whole and with the next, so 落款 never stands alone on a page (GB/T 9704).
    for row, (label, value) in zip(t2.rows, feedback):
        set_cell_font(row.cells[0], label, label=True, keep=True)
        # □ belongs to both scripts; LibreOffice ignores w:hint, so the run's Latin font is 仿宋 too
        set_cell_font(row.cells[1], value, keep=True, latin=FANGSONG if value else LATIN)
        mark_row(row)
    t2.rows[0].height, t2.rows[0].height_rule = situation_height, WD_ROW_HEIGHT_RULE.AT_LEAST
    return t2


def add_signature(doc, line_pt=28):
    """Right-aligned 落款单位 / 落款日期 lines, indented four characters from the right margin."""
    for text, keep, latin in (("{{ 落款单位 }}", True, FANGSONG), ("{{ 落款日期 }}", False, LATIN)):
        fmt = add_line(doc, text, line_pt=line_pt, align=WD_ALIGN_PARAGRAPH.RIGHT, latin=latin).paragraph_format
        fmt.right_indent, fmt.keep_with_next = Pt(16 * 4), keep


def add_closing(doc):
    """督查联系 line kept with the signature block (so long content cannot strand it on page 2)."""
    add_line(doc, "督查联系：{{ 督查联系 }}", size=TABLE_PT, line_pt=NOTE_PITCH).paragraph_format.keep_with_next = True
    add_signature(doc, HEAD_PITCH)


def footer_paragraph(doc, line_pt):
    """Return the first-section footer's paragraph, centred with exact line spacing."""
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    fpar = footer.paragraphs[0]
    set_spacing(fpar, line_pt, WD_ALIGN_PARAGRAPH.CENTER)
    return fpar


def add_identity_footer(doc):
    """Small grey centred 识别码 footer used to match returned forms to their item."""
    fpar = footer_paragraph(doc, 12)
    set_east_asian_font(fpar.add_run("识别码：{{ 识别码 }}"), FANGSONG, 9, color="808080")


def add_page_number_footer(doc):
    """GB/T 9704 page number: "— N —" centred, 4号 (14 pt) 宋体 with 宋体 digits, N from a complex PAGE field."""
    fpar = footer_paragraph(doc, 20)

    def run(text=None, child=None):
        r = fpar.add_run(text)
        set_east_asian_font(r, SONGTI, 14, latin=SONGTI)
        if child is not None:
            r._r.append(child)
        return r

    instr = make_el("instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run("— ")
    run(child=make_el("fldChar", fldCharType="begin"))
    run(child=instr)
    run(child=make_el("fldChar", fldCharType="separate"))
    run("1")
    run(child=make_el("fldChar", fldCharType="end"))
    run(" —")


def save(doc, path):
    """Save a document with reproducible bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    doc.save(buf)
    normalize_zip(buf.getvalue(), path)


def build(path):
    """Build the 督查督办通知单 template document and save it to path."""
    doc = Document()
    setup_document(doc)
    add_notice_head(doc, "督查督办通知单")
    add_redo_note(doc)
    pairs = [("立项编号", "交办时间"), ("督办来源", "督查形式"), ("主办单位", "协办单位"), ("办理时限", "分管校领导")]
    add_item_table(doc, pairs, ["督办事项", "工作要求"])
    add_feedback(doc, SITUATION_HEIGHT)
    add_closing(doc)
    add_identity_footer(doc)
    save(doc, path)


def add_redo_note(doc):
    """重办说明 (why the item was sent back, the deadline's change): a paragraph only 重办 notices keep.

    docxtpl's paragraph tags drop the tag paragraphs, and the note's own paragraph when 重办说明 is empty.
    """
    add_line(doc, "{%p if 重办说明 %}", size=TABLE_PT, line_pt=NOTE_PITCH)
    note = add_line(doc, tag("重办说明"), size=TABLE_PT, line_pt=NOTE_PITCH, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    indent_first_line(note, size=TABLE_PT)
    add_line(doc, "{%p endif %}", size=TABLE_PT, line_pt=NOTE_PITCH)


def verify_redo_note(path):
    """An ordinary notice (empty 重办说明) has no trace of the note; a 重办 notice prints it as given."""
    context = {t: f"测试值-{t}" for t in TAGS}
    plain, _ = render(path, dict(context, 重办说明=""))
    assert "测试值-文号" in plain and "{%" not in plain and plain.count("<w:p>") + plain.count("<w:p ") == _paragraphs(path) - 3
    redo, doc = render(path, context)
    assert [p.text for p in doc.paragraphs].count("测试值-重办说明") == 1, "重办说明 paragraph missing"


def _paragraphs(path):
    """Number of paragraphs in a template's document and footer parts."""
    xml = xml_text(path)
    return xml.count("<w:p>") + xml.count("<w:p ")


def add_body(doc, text):
    """Justified 16 pt 仿宋 body paragraph, 28 pt exact spacing, first line indented two characters."""
    return indent_first_line(add_line(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY))


def build_reminder(path):
    """Build the 催办通知单 template: the notice's look, an overdue-item table and a shorter feedback table."""
    doc = Document()
    setup_document(doc)
    add_notice_head(doc, "催办通知单")
    add_body(doc, "你单位承办的督办事项{{ 催办事由 }}，现予催办。请于{{ 答复期限 }}前在下表中反馈办理进展或办结情况。")
    pairs = [("立项编号", "交办时间"), ("主办单位", "协办单位"), ("办理时限", "催办次数")]
    add_item_table(doc, pairs, ["逾期情况", "督办事项"])
    add_feedback(doc, SITUATION_HEIGHT)
    add_closing(doc)
    add_identity_footer(doc)
    save(doc, path)


def approval_value(label):
    """The value cell's text for a 审批表 label: its tag when prefilled, the boxes for 审批结果, else empty."""
    if label in APPROVAL.prefilled:
        return tag(label)
    return APPROVAL_BOXES if label == "审批结果" else ""


def add_approval_table(doc):
    """The 审批表's single table: item rows, then decision rows; every label with its value to its right."""
    table = doc.add_table(rows=len(APPROVAL_ROWS), cols=4)
    format_table(table, APPROVAL_WIDTHS)
    decision = False
    for row, (left, right, height) in zip(table.rows, APPROVAL_ROWS):
        # The decision block (保密审查意见 … 审批日期) moves to the next page as one, like the notice's feedback.
        decision = decision or left in APPROVAL.feedback
        if right is None:  # one value merged over columns 1-3 (a real merge: one w:tc with a gridSpan)
            pairs = [(row.cells[0], left, merge(row, 1, 3))]
        else:
            pairs = [(row.cells[0], left, row.cells[1]), (row.cells[2], right, row.cells[3])]
        for label_cell, label, value_cell in pairs:
            value = approval_value(label)
            set_cell_font(label_cell, label, label=True, keep=decision)
            # □ belongs to both scripts; LibreOffice ignores w:hint, so the boxes' Latin font is 仿宋 too
            latin = FANGSONG if value == APPROVAL_BOXES else LATIN
            set_cell_font(value_cell, value, keep=decision, latin=latin)
        row.height, row.height_rule = height or APPROVAL_ROW_H, WD_ROW_HEIGHT_RULE.AT_LEAST
        mark_row(row)
    return table


def build_approval(path):
    """Build the 党务公开审批表 template: issuer, title, 填表日期, the item/decision table, 识别码 footer."""
    doc = Document()
    setup_document(doc)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    add_line(doc, tag("发文机关"), HEITI, 16, line_pt=HEAD_PITCH, align=center, latin=HEITI)
    add_line(doc, APPROVAL.title, XBS, 22, line_pt=30, align=center, latin=XBS)
    add_line(doc, "填表日期：" + tag("填表日期"), line_pt=HEAD_PITCH, align=right)
    add_approval_table(doc)
    add_line(doc, APPROVAL_NOTE, size=12, line_pt=NOTE_PITCH, align=WD_ALIGN_PARAGRAPH.LEFT)
    add_identity_footer(doc)
    save(doc, path)


def feedback_form_value(label):
    """The value cell's text for a 意见反馈表 label: its tag when prefilled, else empty (filled in by hand)."""
    return tag(label) if label in FEEDBACK_FORM.prefilled else ""


def add_feedback_form_table(doc):
    """The 意见反馈表's single table: the item's number and name, then the reader's cells; each label once."""
    table = doc.add_table(rows=len(FEEDBACK_FORM_ROWS), cols=4)
    format_table(table, FEEDBACK_FORM_WIDTHS)
    last = len(FEEDBACK_FORM_ROWS) - 1
    for i, (row, (left, right, height)) in enumerate(zip(table.rows, FEEDBACK_FORM_ROWS)):
        if right is None:  # one value merged over columns 1-3
            pairs = [(row.cells[0], left, merge(row, 1, 3))]
        else:
            pairs = [(row.cells[0], left, row.cells[1]), (row.cells[2], right, row.cells[3])]
        for label_cell, label, value_cell in pairs:
            # the last row stays with 反馈方式 and 落款 below the table
            set_cell_font(label_cell, label, label=True, keep=i == last)
            set_cell_font(value_cell, feedback_form_value(label), keep=i == last)
        row.height, row.height_rule = height or APPROVAL_ROW_H, WD_ROW_HEIGHT_RULE.AT_LEAST
        mark_row(row)
    return table


def build_feedback_form(path):
    """Build the 党务公开意见反馈表 template: issuer, title, deadline line, the table, 反馈方式, 落款, 识别码."""
    doc = Document()
    setup_document(doc)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    add_line(doc, tag("发文机关"), HEITI, 16, line_pt=HEAD_PITCH, align=center, latin=HEITI)
    add_line(doc, FEEDBACK_FORM.title, XBS, 22, line_pt=30, align=center, latin=XBS)
    # 小4号 like the 审批表's note: the longest deadline (请于2026年12月31日前反馈) keeps it well inside one line
    add_line(doc, FEEDBACK_FORM_NOTE, size=12, line_pt=NOTE_PITCH, align=center)
    add_feedback_form_table(doc)
    way = add_line(doc, "反馈方式：" + tag("反馈方式"), size=TABLE_PT, line_pt=NOTE_PITCH, align=WD_ALIGN_PARAGRAPH.LEFT)
    way.paragraph_format.keep_with_next = True
    # 落款 with no date under it: right-aligned, two characters in from the right margin (右空二字)
    sign = add_line(doc, tag("落款单位"), line_pt=HEAD_PITCH, align=right, latin=FANGSONG)
    sign.paragraph_format.right_indent = Pt(16 * 2)
    add_identity_footer(doc)
    save(doc, path)


def set_right_indent(par, chars, size=16):
    """Indent a paragraph from the right margin by a number of characters (w:rightChars plus the twips fallback)."""
    par.paragraph_format.right_indent = Pt(size * chars)
    par._p.get_or_add_pPr().get_or_add_ind().set(qn("w:rightChars"), str(chars * 100))
    return par


def keep_together(*pars):
    """Keep each paragraph with the next one and turn widow control on."""
    for par in pars:
        par.paragraph_format.keep_with_next = True
        par.paragraph_format.widow_control = True


def add_signed_date(doc, unit, date):
    """GB/T 9704 落款 without a seal: the unit two characters in from the right, the date under it four in."""
    right = WD_ALIGN_PARAGRAPH.RIGHT
    # unit names are Chinese throughout (中共××学院委员会): × in the CJK font, as Word prints it
    sign = set_right_indent(add_line(doc, tag(unit), align=right, latin=FANGSONG), 2)
    day = set_right_indent(add_line(doc, tag(date), align=right), 4)
    keep_together(sign)
    day.paragraph_format.widow_control = True
    return sign, day


def set_title(doc, title):
    """Core-properties title of a template (the toolkit writes its own properties into each document)."""
    doc.core_properties.title = title


def build_announcement(path, title=ANNOUNCEMENT.title):
    """Build a 党务公开公告 / 再公开公告 template: GB/T 9704 text without a red head, page numbers "— N —".

    Paragraphs: 文号 (right), blank, 标题 (centred), blank, 主送 (flush left), 正文, 说明, blank,
    落款单位, 成文日期. 说明, the blank line and 落款单位 are kept with the next paragraph, so the 落款
    never stands alone on a page: the last lines of the text move with it.
    """
    doc = Document()
    setup_document(doc)
    set_title(doc, title)
    center, right, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    add_line(doc, tag("文号"), align=right)
    add_line(doc, "")
    add_line(doc, tag("标题"), XBS, 22, line_pt=TITLE_PITCH, align=center, latin=XBS)
    add_line(doc, "")
    add_line(doc, tag("主送"), align=left, latin=FANGSONG)
    body = add_body(doc, tag("正文"))
    note = add_body(doc, tag("说明"))
    blank = add_line(doc, "")
    body.paragraph_format.widow_control = True
    keep_together(note, blank)
    add_signed_date(doc, "落款单位", "成文日期")
    add_page_number_footer(doc)
    save(doc, path)


def build_redisclosure(path):
    """Build the 再公开公告 template: the announcement's layout and tags."""
    build_announcement(path, REDISCLOSURE.title)


def add_catalogue_table(doc):
    """The catalogue's table: a bold header row repeated on each page, then the report's {%tr %} row loop."""
    ncol = len(CATALOGUE_COLUMNS)
    table = doc.add_table(rows=4, cols=ncol)
    format_table(table, [width for _, width in CATALOGUE_COLUMNS])
    center = WD_ALIGN_PARAGRAPH.CENTER
    header, start, data, end = table.rows
    for cell, (name, _) in zip(header.cells, CATALOGUE_COLUMNS):
        set_cell_font(cell, name, size=12, line_pt=18, align=center)
        cell.paragraphs[0].runs[0].font.bold = True
    for cell, (name, _) in zip(data.cells, CATALOGUE_COLUMNS):
        align = WD_ALIGN_PARAGRAPH.LEFT if name == "公开事项" else center
        set_cell_font(cell, "{{ r." + name + " }}", size=12, line_pt=18, align=align)
    # docxtpl drops each {%tr %} row whole; merging it keeps the tag on one readable line in Word.
    for row, text in ((start, CATALOGUE_LOOP), (end, LOOP_END)):
        set_cell_font(merge(row, 0, ncol - 1), text, size=12, line_pt=18, align=WD_ALIGN_PARAGRAPH.LEFT)
    mark_row(header, header=True)
    mark_row(data)
    return table


def build_catalogue(path):
    """Build the 党务公开目录 template: A4 landscape, title, 期间, the catalogue table, 说明, 落款, page numbers."""
    doc = Document()
    setup_document(doc)
    set_title(doc, "党务公开目录")
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(25), Mm(20)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(8)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_line(doc, tag("标题"), XBS, 22, line_pt=TITLE_PITCH, align=center, latin=XBS)
    add_line(doc, "（" + tag("期间") + "）", align=center)
    add_line(doc, "", line_pt=NOTE_PITCH)
    add_catalogue_table(doc)
    add_line(doc, "", line_pt=NOTE_PITCH)
    note = indent_first_line(add_line(doc, tag("说明"), size=TABLE_PT, line_pt=NOTE_PITCH, align=WD_ALIGN_PARAGRAPH.JUSTIFY), size=TABLE_PT)
    blank = add_line(doc, "")
    keep_together(note, blank)
    add_signed_date(doc, "落款单位", "成文日期")
    add_page_number_footer(doc)
    save(doc, path)


def add_reply_table(doc):
    """The 答复单's label/value table: bold 仿宋 labels, each value cell holding its tag."""
    table = doc.add_table(rows=len(REPLY_ROWS), cols=4)
    format_table(table, APPROVAL_WIDTHS)
    last = len(REPLY_ROWS) - 1
    for i, (row, (left, left_tag, right, right_tag, height)) in enumerate(zip(table.rows, REPLY_ROWS)):
        if right is None:  # one value merged over columns 1-3
            pairs = [(row.cells[0], left, merge(row, 1, 3), left_tag)]
        else:
            pairs = [(row.cells[0], left, row.cells[1], left_tag), (row.cells[2], right, row.cells[3], right_tag)]
        for label_cell, label, value_cell, name in pairs:
            # the last row stays with the closing lines below the table
            set_cell_font(label_cell, label, align=WD_ALIGN_PARAGRAPH.CENTER, keep=i == last)
            label_cell.paragraphs[0].runs[0].font.bold = True
            set_cell_font(value_cell, tag(name), keep=i == last)
            if height:  # a long opinion or answer reads from the top of its tall cell
                value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        row.height, row.height_rule = height or APPROVAL_ROW_H, WD_ROW_HEIGHT_RULE.AT_LEAST
        mark_row(row)
    return table


def build_reply(path):
    """Build the 意见答复单 template: issuer, title, the label/value table, thanks, 落款 and 答复日期, page numbers."""
    doc = Document()
    setup_document(doc)
    set_title(doc, REPLY_TITLE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_line(doc, tag("发文机关"), line_pt=HEAD_PITCH, align=center, latin=FANGSONG)
    add_line(doc, REPLY_TITLE, XBS, 22, line_pt=TITLE_PITCH, align=center, latin=XBS)
    add_line(doc, "", line_pt=NOTE_PITCH)
    add_reply_table(doc)
    thanks = add_body(doc, REPLY_THANKS)
    thanks.paragraph_format.space_before = Pt(14)
    keep_together(thanks)
    add_signed_date(doc, "落款单位", "答复日期")
    add_page_number_footer(doc)
    save(doc, path)


def mark_row(row, header=False):
    """Keep a table row on one page; a header row also repeats at the top of each page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(make_el("cantSplit"))
    if header:
        trpr.append(make_el("tblHeader"))


def add_stat_table(doc, var="r", rows="单位统计", columns=STAT_COLUMNS):
    """A statistics table: 黑体 header row, a docxtpl {%tr for %} row, one data row, a {%tr endfor %} row."""
    ncol = len(columns)
    table = doc.add_table(rows=4, cols=ncol)
    format_table(table, [width for _, width, _ in columns])
    center = WD_ALIGN_PARAGRAPH.CENTER
    header, start, data, end = table.rows
    for cell, (_, _, label) in zip(header.cells, columns):
        set_cell_font(cell, label, label=True, size=12, line_pt=18)
    for cell, (name, _, _) in zip(data.cells, columns):
        set_cell_font(cell, "{{ " + var + "." + name + " }}", size=12, line_pt=18, align=center)
    # docxtpl drops each {%tr %} row whole; merging it keeps the tag on one readable line in Word.
    for row, text in ((start, "{%tr for " + var + " in " + rows + " %}"), (end, LOOP_END)):
        set_cell_font(merge(row, 0, ncol - 1), text, size=12, line_pt=18, align=WD_ALIGN_PARAGRAPH.LEFT)
    mark_row(header, header=True)
    mark_row(data)
    return table


def add_attachment_note(doc):
    """GB/T 9704 附件说明 under the body: one blank line above, 附件：1.××× indented two characters,
    further names under the first one's number; no punctuation after a name."""
    add_line(doc, "").paragraph_format.keep_with_next = True
    for i, (_, _, title, _) in enumerate(REPORT_ATTACHMENTS, start=1):
        par = add_line(doc, f"附件：{i}.{title}" if i == 1 else f"{i}.{title}", align=WD_ALIGN_PARAGRAPH.LEFT)
        if i == 1:
            indent_first_line(par)
        else:  # aligned with "1." of the first line: 2 characters of indent plus "附件："
            par.paragraph_format.left_indent = Pt(16 * 5)
            par._p.get_or_add_pPr().get_or_add_ind().set(qn("w:leftChars"), "500")
        par.paragraph_format.keep_with_next = True  # 附件说明 and 落款 stay together with the body


def add_attachment(doc, number, var, rows, title, columns):
    """One 附件 on a new page: 附件N in 3号黑体 at the top left (line 1), the title centred on line 3, the table."""
    head = add_line(doc, f"附件{number}", HEITI, 16, align=WD_ALIGN_PARAGRAPH.LEFT)
    head.paragraph_format.page_break_before = True
    head.paragraph_format.keep_with_next = True
    add_line(doc, "").paragraph_format.keep_with_next = True
    add_line(doc, title, XBS, 22, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.keep_with_next = True
    add_line(doc, "（{{ 期间 }}）", align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.keep_with_next = True
    add_stat_table(doc, var, rows, columns)
    if var == "r":
        add_line(doc, REDO_NOTE, size=12, line_pt=20, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def build_report(path):
    """Build the 督查督办工作情况报告 template: a GB/T 9704 report whose tables are attachments.

    Body, 附件说明, 落款 and 成文日期, then each 附件 on its own page (table-row loops).
    """
    doc = Document()
    setup_document(doc)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_line(doc, "{{ 发文机关 }}", HEITI, 16, align=center)
    add_line(doc, "{{ 标题 }}", XBS, 22, align=center)
    add_line(doc, "（{{ 期间 }}）", align=center)
    add_line(doc, "")  # GB/T 9704: one blank line between the title block and the text
    for heading, name in REPORT_SECTIONS:
        indent_first_line(add_line(doc, heading, HEITI, 16)).paragraph_format.keep_with_next = True
        add_body(doc, tag(name))
    # the report's closing line moves with the 附件说明 and 落款: 落款 never stands on a page without text
    add_body(doc, "特此报告。").paragraph_format.keep_with_next = True
    add_attachment_note(doc)
    add_line(doc, "").paragraph_format.keep_with_next = True
    add_signature(doc)
    for number, (var, rows, title, columns) in enumerate(REPORT_ATTACHMENTS, start=1):
        add_attachment(doc, number, var, rows, title, columns)
    add_page_number_footer(doc)
    save(doc, path)


def normalize_zip(blob, path):
    """Rewrite the package with fixed entry timestamps so repeated runs give identical bytes."""
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            dst.writestr(entry, src.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)


def xml_text(path):
    """Return the concatenated document.xml and footer XML of a .docx as text."""
    with zipfile.ZipFile(path) as zf:
        names = ["word/document.xml"] + sorted(n for n in zf.namelist() if n.startswith("word/footer"))
        return "".join(zf.read(n).decode("utf-8") for n in names)


def check_tags(path, tags):
    """Assert every tag appears whole (one run) in the document or footer XML."""
    xml = xml_text(path)
    missing = [t for t in tags if tag(t) not in xml]
    assert not missing, f"split or missing tags: {missing}"
    return xml


def check_labels(path, label_sets):
    """Assert each label cell (columns 0 and 2) holds exactly its label as one paragraph of one run."""
    for table, labels in zip(Document(str(path)).tables, label_sets):
        cells = [c for row in table.rows for c in row.cells[::2] if c.text in labels]  # label columns 0 and 2
        found = [c.text for c in cells if len(c.paragraphs) == 1 and len(c.paragraphs[0].runs) == 1]
        assert sorted(set(found)) == sorted(labels), f"label cells differ: {found}"


def render(path, context):
    """Render a template with docxtpl (autoescaped) and return (rendered XML text, rendered Document)."""
    from docxtpl import DocxTemplate

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rendered.docx"
        tpl = DocxTemplate(str(path))
        # Without autoescape docxtpl silently drops "&D" and turns "<x>" into an element.
        tpl.render(context, autoescape=True)
        tpl.save(str(out))
        return xml_text(out), Document(str(out))


def check_rendered(rendered, context, special_key):
    """Assert the special value was escaped with a line break, all other values appear and no tag is left."""
    assert "第一段 R&amp;D &lt;x&gt;</w:t><w:br/>" in rendered, "special characters or newline mishandled"
    absent = [v for k, v in context.items() if k != special_key and isinstance(v, str) and v not in rendered]
    assert not absent, f"values not rendered: {absent}"
    assert "{{" not in rendered and "}}" not in rendered, "unrendered tags remain"
    assert "{%" not in rendered and "%}" not in rendered, "unrendered block tags remain"


SPECIAL = "第一段 R&D <x>\n第二段"  # must be escaped and get a line break


def verify_form(path, tags, label_sets, special_key="督办事项"):
    """Check a notice-style form: whole tags, exact label cells, rendered values and the identity footer."""
    check_tags(path, tags)
    check_labels(path, label_sets)
    context = {t: f"测试值-{t}" for t in tags}
    rendered, _ = render(path, dict(context, **{special_key: SPECIAL}))
    check_rendered(rendered, context, special_key)
    assert "识别码：测试值-识别码" in rendered, "identity footer not rendered"
    return rendered


def verify(path):
    """Assert tags are unsplit, label cells are exact single runs, and docxtpl renders all values."""
    verify_form(path, TAGS, LABELS)
    verify_redo_note(path)


def verify_reminder(path):
    """Check the 催办通知单 template, including its indented body paragraph and the 40 mm feedback row."""
    rendered = verify_form(path, REMINDER_TAGS, REMINDER_LABELS)
    assert "请于测试值-答复期限前在下表中反馈" in rendered, "答复期限 sentence not rendered"
    doc = Document(str(path))
    body = next(p for p in doc.paragraphs if "现予催办" in p.text)
    assert body.paragraph_format.first_line_indent == Pt(32), "body paragraph not indented two characters"
    t1, t2 = doc.tables
    assert len(t1.rows) == 5 and len(t1.columns) == 4, "催办 item table shape"
    assert t2.rows[0].height.twips == SITUATION_HEIGHT.twips and t2.rows[0].height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST


def verify_report(path):
    """Check the report: whole tags, the {%tr %} loops, 附件说明 before 落款, each 附件 on a new page, a render."""
    loops = [f"{var}.{name}" for var, _, _, columns in REPORT_ATTACHMENTS for name, _, _ in columns]
    xml = check_tags(path, REPORT_TAGS + loops)
    assert LOOP_START in xml and "{%tr for s in 来源统计 %}" in xml, "table-row loop tags split or missing"
    assert "识别码" not in xml, "the report must carry no identity"
    assert "PAGE" in xml and 'fldCharType="begin"' in xml, "page-number field missing"
    template = Document(str(path))
    texts = [p.text for p in template.paragraphs]
    note = texts.index("附件：1." + REPORT_ATTACHMENTS[0][2])
    assert texts[note - 1] == "" and texts[note + 1] == "2." + REPORT_ATTACHMENTS[1][2], "附件说明 lines"
    assert texts.index(tag("落款单位")) > note + 1, "落款 must follow the 附件说明"
    assert texts[note - 2] == "特此报告。" and template.paragraphs[note - 2].paragraph_format.keep_with_next, "closing line"
    for i, (_, _, title, _) in enumerate(REPORT_ATTACHMENTS, start=1):
        head = template.paragraphs[texts.index(f"附件{i}")]
        assert head.paragraph_format.page_break_before, f"附件{i} must start a new page"
        assert texts[texts.index(f"附件{i}") + 2] == title, f"附件{i} title not on line 3"
    for table, (_, _, _, columns) in zip(template.tables, REPORT_ATTACHMENTS):
        assert [c.text for c in table.rows[0].cells] == [label for _, _, label in columns], "header row differs"
    context = {t: f"测试值-{t}" for t in REPORT_TAGS}
    units = [
        {"单位": "甲学院", "主办": 3, "协办": 1, "按期办结": 1, "逾期办结": 1, "退回重办后办结": 1, "当前逾期": 0, "被催办": 1,
         "按期办结率": "33.3%"},
        {"单位": "乙处 R&D", "主办": 5, "协办": 2, "按期办结": 5, "逾期办结": 0, "退回重办后办结": 0, "当前逾期": 0, "被催办": 0,
         "按期办结率": "100%"},
    ]  # fmt: skip
    sources = [{"来源": "会议决议", "事项": 2, "已办结": 2, "按期办结": 1, "退回重办后办结": 1, "当前逾期": 0, "办结率": "100%"}]
    rendered, doc = render(path, dict(context, 总体情况=SPECIAL, 单位统计=units, 来源统计=sources))
    check_rendered(rendered, context, "总体情况")
    for table, data, (_, _, _, columns) in zip(doc.tables, (units, sources), REPORT_ATTACHMENTS):
        rows = [[c.text for c in row.cells] for row in table.rows]
        expected = [[str(u[name]) for name, _, _ in columns] for u in data]
        assert rows == [[label for _, _, label in columns]] + expected, f"loop rows rendered wrongly: {rows}"
    assert "乙处 R&amp;D" in rendered, "loop values not escaped"
    assert "测试值-发文机关" in rendered and "识别码" not in rendered


def cell_text(tc):
    """The text of one w:tc element (its runs' w:t pieces)."""
    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def approval_cells(path, kind=APPROVAL):
    """Map each label of a form kind (审批表 by default) to (its value cell's text, the value's column span);
    assert each label once."""
    found = {}
    labels = set(kind.prefilled + kind.feedback)
    for table in Document(str(path)).tables:
        for row in table.rows:
            tcs = row._tr.tc_lst  # the row's real cells: a merged cell is one w:tc with a gridSpan
            for tc, nxt in zip(tcs, tcs[1:]):
                label = cell_text(tc)
                if label in labels:
                    assert label not in found, f"label {label} appears twice"
                    found[label] = (cell_text(nxt), nxt.grid_span)
    return found


def verify_approval(path):
    """Check the 党务公开审批表: exactly its tags, one label cell per label with the right value cell, a render."""
    xml = check_tags(path, APPROVAL_TAGS)
    used = set(re.findall(r"\{\{ *([^{} ]+) *\}\}", xml))
    assert used == set(APPROVAL_TAGS), f"tags differ from APPROVAL.fields: {sorted(used ^ set(APPROVAL_TAGS))}"
    assert "{%" not in xml, "the 审批表 has no block tags"
    found = approval_cells(path)
    missing = [label for label in APPROVAL.prefilled + APPROVAL.feedback if label not in found]
    assert not missing, f"label cells missing: {missing}"
    wide = {left for left, right, _ in APPROVAL_ROWS if right is None}
    for label, (value, span) in found.items():
        assert value == approval_value(label), f"{label}: value cell holds {value!r}"
        assert span == (3 if label in wide else 1), f"{label}: value cell spans {span} columns"
    labels = {left for left, _, _ in APPROVAL_ROWS} | {right for _, right, _ in APPROVAL_ROWS if right}
    check_labels(path, [labels])
    table = Document(str(path)).tables[0]
    for row, (left, _, height) in zip(table.rows, APPROVAL_ROWS):
        want = (height or APPROVAL_ROW_H).twips
        assert row.height.twips == want and row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST, f"{left} row height"
    context = {t: f"测试值-{t}" for t in APPROVAL_TAGS}
    summary = SPECIAL + "，" + "公开本年度党费收缴、使用和管理情况，包括收缴标准、实缴人数和支出明细。" * 4
    rendered, doc = render(path, dict(context, 公开内容摘要=summary))
    check_rendered(rendered, context, "公开内容摘要")
    assert "识别码：测试值-识别码" in rendered, "identity footer not rendered"
    assert "填表日期：测试值-填表日期" in rendered and APPROVAL.title in rendered
    assert "支出明细。" in doc.tables[0].rows[2].cells[1].text, "long 公开内容摘要 not rendered"


def verify_feedback_form(path):
    """Check the 党务公开意见反馈表: exactly its tags, one label cell per label (prefilled ones with their
    tag, the reader's empty), the 意见建议 row's height, the lines around the table and a render."""
    xml = check_tags(path, FEEDBACK_FORM_TAGS)
    used = set(re.findall(r"\{\{ *([^{} ]+) *\}\}", xml))
    assert used == set(FEEDBACK_FORM_TAGS), f"tags differ from FEEDBACK_FORM.fields: {sorted(used ^ set(FEEDBACK_FORM_TAGS))}"
    assert "{%" not in xml, "the 意见反馈表 has no block tags"
    found = approval_cells(path, FEEDBACK_FORM)
    labels = FEEDBACK_FORM.prefilled + FEEDBACK_FORM.feedback
    missing = [label for label in labels if label not in found]
    assert not missing, f"label cells missing: {missing}"
    wide = {left for left, right, _ in FEEDBACK_FORM_ROWS if right is None}
    for label, (value, span) in found.items():
        assert value == feedback_form_value(label), f"{label}: value cell holds {value!r}"
        assert span == (3 if label in wide else 1), f"{label}: value cell spans {span} columns"
    check_labels(path, [set(labels)])
    template = Document(str(path))
    assert len(template.tables) == 1, "the 意见反馈表 has one table"
    for row, (left, _, height) in zip(template.tables[0].rows, FEEDBACK_FORM_ROWS):
        want = (height or APPROVAL_ROW_H).twips
        assert row.height.twips == want and row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST, f"{left} row height"
    opinion = next(h for left, _, h in FEEDBACK_FORM_ROWS if left == "意见建议")
    assert opinion.twips >= Mm(70).twips, "意见建议 cell under 70 mm"
    texts = [p.text for p in template.paragraphs]
    assert texts[:3] == [tag("发文机关"), FEEDBACK_FORM.title, FEEDBACK_FORM_NOTE], f"head lines: {texts[:3]}"
    assert texts[-2:] == ["反馈方式：" + tag("反馈方式"), tag("落款单位")], f"lines after the table: {texts[-2:]}"
    assert template.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT, "落款 not right-aligned"
    context = {t: f"测试值-{t}" for t in FEEDBACK_FORM_TAGS}
    rendered, doc = render(path, dict(context, 公开事项=SPECIAL))
    check_rendered(rendered, context, "公开事项")
    assert "识别码：测试值-识别码" in rendered, "identity footer not rendered"
    assert "测试值-反馈截止，意见须署真实姓名。" in rendered and "反馈方式：测试值-反馈方式" in rendered
    assert "第二段" in doc.tables[0].rows[1].cells[1].text, "公开事项 not rendered in its cell"


def used_tags(xml):
    """The names inside every {{ … }} of a template's XML."""
    return set(re.findall(r"\{\{ *([^{} ]+) *\}\}", xml))


def visible_text(path):
    """The document's and footers' visible text (w:t only: field codes excluded)."""
    with zipfile.ZipFile(path) as zf:
        names = ["word/document.xml"] + sorted(n for n in zf.namelist() if n.startswith("word/footer"))
        xml = "".join(zf.read(n).decode("utf-8") for n in names)
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def check_public(path, tags, title, block_tags=False):
    """Common checks of the public documents: exactly these tags, no identity, a PAGE field, no Latin
    letters outside the tags, the core title; returns the template's XML."""
    xml = check_tags(path, tags)
    assert used_tags(xml) == set(tags), f"tags differ: {sorted(used_tags(xml) ^ set(tags))}"
    assert block_tags or "{%" not in xml, "no block tags expected"
    assert "识别码" not in xml, "public documents carry no visible identity"
    assert "PAGE" in xml and 'fldCharType="begin"' in xml, "page-number field missing"
    shown = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", visible_text(path))
    assert not re.search(r"[A-Za-z]", shown), f"Latin letters in the visible text: {shown!r}"
    assert "— " in shown and " —" in shown, "page number not between dashes"
    with zipfile.ZipFile(path) as zf:
        core = zf.read("docProps/core.xml").decode("utf-8")
    assert f"<dc:title>{title}</dc:title>" in core, "core title"
    return xml


def toolkit_render(path, fields, context):
    """Render a template as the toolkit does (sandboxed Jinja, unknown fields refused) and return the Document."""
    from toolkit.forms.template import CompiledTemplate

    compiled = CompiledTemplate(path, set(fields))
    blob = compiled.to_bytes(compiled.render_parts(context), {}, {})
    return Document(io.BytesIO(blob))


LONG_TEXT = "根据《中国共产党党务公开条例（试行）》和学校党务公开工作实施办法，经党委会研究同意，现将有关事项予以公示。" * 4


def verify_announcement(path, title=ANNOUNCEMENT.title, kind=ANNOUNCEMENT):
    """Check a 公告: exactly its tags but 发文机关, the paragraph order, alignment, indents and keep-with-next,
    the footer; render with docxtpl and with the toolkit's renderer (正文 and 说明 as several paragraphs)."""
    check_public(path, ANNOUNCEMENT_TAGS, title)
    assert set(ANNOUNCEMENT_TAGS) == set(kind.fields) - {"发文机关"}, "the kind's fields changed"
    template = Document(str(path))
    pars = template.paragraphs
    want = [tag(name) if name else "" for name in ANNOUNCEMENT_LINES]
    assert [p.text for p in pars] == want, f"paragraphs: {[p.text for p in pars]}"
    at = {name: pars[i] for i, name in enumerate(ANNOUNCEMENT_LINES) if name}
    assert all(len(p.runs) == 1 for p in at.values()), "each tag alone in one run"
    A = WD_ALIGN_PARAGRAPH
    aligns = {
        "文号": A.RIGHT,
        "标题": A.CENTER,
        "主送": A.LEFT,
        "正文": A.JUSTIFY,
        "说明": A.JUSTIFY,
        "落款单位": A.RIGHT,
        "成文日期": A.RIGHT,
    }
    for name, align in aligns.items():
        assert at[name].alignment == align, f"{name} alignment"
    for name in ("正文", "说明"):
        assert at[name].paragraph_format.first_line_indent == Pt(32), f"{name} not indented two characters"
    assert at["主送"].paragraph_format.first_line_indent is None, "主送 flush left"
    assert at["标题"].runs[0].font.size == Pt(22), "title size"
    keep = [at["说明"], pars[ANNOUNCEMENT_LINES.index("说明") + 1], at["落款单位"]]
    assert all(p.paragraph_format.keep_with_next and p.paragraph_format.widow_control for p in keep), "keep-with-next"
    assert at["落款单位"].paragraph_format.right_indent == Pt(32), "落款 two characters from the right"
    assert at["成文日期"].paragraph_format.right_indent == Pt(64), "date four characters from the right"
    context = {t: f"测试值-{t}" for t in ANNOUNCEMENT_TAGS}
    rendered, _ = render(path, dict(context, 正文=SPECIAL + LONG_TEXT))
    check_rendered(rendered, context, "正文")
    assert "党务公开工作实施办法" in rendered, "long 正文 not rendered"
    from toolkit.forms.template import docx_paragraphs, docx_text

    body = ["第一段 R&D <x>", LONG_TEXT, "第三段。"]
    notes = ["公开范围：全体党员。", "公示期：2026年3月2日至2026年3月6日。", "如有意见，请向党委办公室反映。"]
    values = {t: docx_text(f"值-{t}") for t in kind.fields}
    doc = toolkit_render(path, kind.fields, dict(values, 正文=docx_paragraphs(body), 说明=docx_paragraphs(notes)))
    texts = [p.text for p in doc.paragraphs]
    head = ["值-文号", "", "值-标题", "", "值-主送"]
    assert texts == head + body + notes + ["", "值-落款单位", "值-成文日期"], f"toolkit rendering: {texts}"
    for p in doc.paragraphs[len(head) : len(head) + len(body + notes)]:
        assert p.paragraph_format.first_line_indent == Pt(32), "expanded paragraphs lost their indent"
    assert all(p.paragraph_format.keep_with_next for p in doc.paragraphs[-len(notes) - 3 : -1]), "说明 … 落款 kept"


def verify_redisclosure(path):
    """Check the 再公开公告 as the announcement."""
    verify_announcement(path, REDISCLOSURE.title, REDISCLOSURE)


def verify_catalogue(path):
    """Check the 党务公开目录: landscape, its tags and row loop, the repeated bold header, a render with 3 rows."""
    loops = ["r." + name for name, _ in CATALOGUE_COLUMNS]
    plain = [t for t in CATALOGUE_TAGS if t != "目录"]
    xml = check_public(path, plain + loops, "党务公开目录", block_tags=True)
    assert CATALOGUE_LOOP in xml and LOOP_END in xml, "table-row loop tags split or missing"
    assert set(re.findall(r"\{%.*?%\}", xml)) == {CATALOGUE_LOOP, LOOP_END}, "other block tags"
    template = Document(str(path))
    sec = template.sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE and sec.page_width > sec.page_height, "not landscape"
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    assert abs(sum(w for _, w in CATALOGUE_COLUMNS) - text_width) < Mm(0.5), "table width differs from the text width"
    (table,) = template.tables
    header = table.rows[0]
    assert [c.text for c in header.cells] == [name for name, _ in CATALOGUE_COLUMNS], "header row differs"
    assert all(c.paragraphs[0].runs[0].font.bold for c in header.cells), "header not bold"
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None, "header row not repeated"
    assert max(CATALOGUE_COLUMNS, key=lambda c: c[1])[0] == "公开事项", "公开事项 the widest column"
    context = {t: f"测试值-{t}" for t in plain}
    items = [
        {"序号": i, "公开编号": f"GK-2026-00{i}", "公开类别": cat, "公开事项": item, "公开范围": scope, "公开形式": way,
         "公开日期": f"2026年{i}月{i + 9}日"}
        for i, (cat, item, scope, way) in enumerate(
            [
                ("党务运行基本情况", "2026年度党委工作要点", "全体党员", "党内会议"),
                ("党风廉政建设", "党费收缴、使用和管理情况 R&D", "全体教职工", "公开栏、校园网"),
                ("干部选拔任用情况", "中层干部任前公示", "社会", "校园网"),
            ],
            start=1,
        )
    ]  # fmt: skip
    rendered, doc = render(path, dict(context, 目录=items, 说明=SPECIAL))
    check_rendered(rendered, context, "说明")
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    expected = [[str(item[name]) for name, _ in CATALOGUE_COLUMNS] for item in items]
    assert rows == [[name for name, _ in CATALOGUE_COLUMNS]] + expected, f"loop rows rendered wrongly: {rows}"
    assert "R&amp;D" in rendered, "loop values not escaped"
    from toolkit.forms.template import docx_text

    values = {t: docx_text(v) for t, v in context.items()}
    rows_safe = [{k: docx_text(v) for k, v in item.items()} for item in items]
    doc = toolkit_render(path, CATALOGUE_TAGS, dict(values, 目录=rows_safe))
    assert [[c.text for c in row.cells] for row in doc.tables[0].rows][1:] == expected, "toolkit rendering of the rows"


def verify_reply(path):
    """Check the 意见答复单: exactly its tags, each label beside its value cell, row heights, the closing
    lines, the footer; render with docxtpl and with the toolkit's renderer."""
    check_public(path, REPLY_TAGS, REPLY_TITLE)
    template = Document(str(path))
    (table,) = template.tables
    found = {}
    for row in table.rows:
        tcs = row._tr.tc_lst
        for label_tc, value_tc in zip(tcs[::2], tcs[1::2]):
            found[cell_text(label_tc)] = (cell_text(value_tc), value_tc.grid_span)
    want = {}
    for left, left_tag, right, right_tag, _ in REPLY_ROWS:
        want[left] = (tag(left_tag), 3 if right is None else 1)
        if right:
            want[right] = (tag(right_tag), 1)
    assert found == want, f"label/value cells: {found}"
    for row, (left, _, _, _, height) in zip(table.rows, REPLY_ROWS):
        want_h = (height or APPROVAL_ROW_H).twips
        assert row.height.twips == want_h and row.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST, f"{left} row height"
        assert row.cells[0].paragraphs[0].runs[0].font.bold, f"{left} label not bold"
    texts = [p.text for p in template.paragraphs]
    assert texts[:2] == [tag("发文机关"), REPLY_TITLE], f"head lines: {texts[:2]}"
    assert texts[-3:] == [REPLY_THANKS, tag("落款单位"), tag("答复日期")], f"lines after the table: {texts[-3:]}"
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in template.paragraphs[-2:]), "落款 not right-aligned"
    context = {t: f"测试值-{t}" for t in REPLY_TAGS}
    rendered, doc = render(path, dict(context, 意见建议=SPECIAL))
    check_rendered(rendered, context, "意见建议")
    assert "第二段" in doc.tables[0].rows[3].cells[1].text, "意见建议 not rendered in its cell"
    from toolkit.forms.template import docx_text

    doc = toolkit_render(path, REPLY.fields, {t: docx_text(v) for t, v in context.items()})
    assert doc.tables[0].rows[4].cells[1].text == "测试值-处理情况", "toolkit rendering of 处理情况"


def main():
    """Build and verify every template, printing the output paths."""
    for builder, checker, path in (
        (build, verify, OUT),
        (build_reminder, verify_reminder, REMINDER_OUT),
        (build_report, verify_report, REPORT_OUT),
        (build_approval, verify_approval, APPROVAL_OUT),
        (build_feedback_form, verify_feedback_form, FEEDBACK_FORM_OUT),
        (build_announcement, verify_announcement, ANNOUNCEMENT_OUT),
        (build_catalogue, verify_catalogue, CATALOGUE_OUT),
        (build_reply, verify_reply, REPLY_OUT),
        (build_redisclosure, verify_redisclosure, REDISCLOSURE_OUT),
    ):
        builder(path)
        checker(path)
        print(path.relative_to(ROOT))
    from importlib import import_module

    for extra in ("templates_talk", "templates_visit", "templates_account"):  # 联系服务群众's templates
        import_module(extra).main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
