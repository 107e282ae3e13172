"""Build the default 督查督办通知单 Word template (docxtpl/Jinja tags) with python-docx."""

import datetime
import io
import tempfile
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import (
    WD_CELL_VERTICAL_ALIGNMENT,
    WD_ROW_HEIGHT_RULE,
    WD_TABLE_ALIGNMENT,
)
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "督查督办" / "督查督办通知单.docx"
TAGS = [
    "发文机关",
    "文号",
    "识别码",
    "立项编号",
    "交办时间",
    "督办来源",
    "督查形式",
    "主办单位",
    "协办单位",
    "督办事项",
    "工作要求",
    "办理时限",
    "分管校领导",
    "送达单位",
    "承办角色",
    "督查联系",
    "落款单位",
    "落款日期",
]
FANGSONG, HEITI, XBS, LATIN = "仿宋_GB2312", "黑体", "方正小标宋简体", "Times New Roman"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
FIXED = datetime.datetime(2026, 1, 1, 0, 0, 0)
LABEL_W, VALUE_W, WIDE_W = Mm(28), Mm(50), Mm(128)
LABELS = [
    ["立项编号", "交办时间", "督办来源", "督查形式", "主办单位", "协办单位", "办理时限", "分管校领导", "督办事项", "工作要求"],
    ["办理情况", "办理状态", "完成日期", "承办人", "联系电话", "单位负责人"],
]
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


def set_fonts(rpr, east_asia):
    """Set Latin fonts to Times New Roman and the East-Asian font on an rPr element, dropping theme fonts."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn("w:" + attr), None)
    for attr, val in (("ascii", LATIN), ("hAnsi", LATIN), ("eastAsia", east_asia), ("cs", LATIN)):
        rfonts.set(qn("w:" + attr), val)


def set_east_asian_font(run, east_asia, size, color=None):
    """Format one run: Latin TNR, given East-Asian font, point size and optional RGB colour."""
    set_fonts(run._element.get_or_add_rPr(), east_asia)
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


def add_line(doc, text, east_asia=FANGSONG, size=16, line_pt=28, align=None):
    """Append a paragraph holding exactly one formatted run (keeps Jinja tags unsplit)."""
    par = doc.add_paragraph()
    set_spacing(par, line_pt, align)
    set_east_asian_font(par.add_run(text), east_asia, size)
    return par


def set_cell_font(cell, text, label=False):
    """Fill a cell with one paragraph of one 14 pt run: labels 黑体 centred, values 仿宋 left."""
    par = cell.paragraphs[0]
    set_spacing(par, 22, WD_ALIGN_PARAGRAPH.CENTER if label else WD_ALIGN_PARAGRAPH.LEFT)
    if text:
        set_east_asian_font(par.add_run(text), HEITI if label else FANGSONG, 14)
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
    props = doc.core_properties
    for field in ("title", "subject", "keywords", "author", "last_modified_by", "comments", "category"):
        setattr(props, field, "")
    props.created = props.modified = FIXED
    props.revision = 1


def build(path):
    """Build the template document and save it to path."""
    doc = Document()
    setup_document(doc)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    add_line(doc, "{{ 发文机关 }}", HEITI, 16, align=center)
    add_line(doc, "督查督办通知单", XBS, 22, align=center)
    add_line(doc, "{{ 文号 }}", align=right)
    add_line(doc, "送达单位：{{ 送达单位 }}（{{ 承办角色 }}）", align=WD_ALIGN_PARAGRAPH.LEFT)

    pairs = [("立项编号", "交办时间"), ("督办来源", "督查形式"), ("主办单位", "协办单位"), ("办理时限", "分管校领导")]
    wide = ["督办事项", "工作要求"]
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

    head = add_line(doc, "承办单位反馈（请在右侧空白格内填写，勿改动上方内容）", HEITI, 14, line_pt=22)
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
    for row, (label, value) in zip(t2.rows, feedback):
        set_cell_font(row.cells[0], label, label=True)
        set_cell_font(row.cells[1], value)
    t2.rows[0].height, t2.rows[0].height_rule = Mm(60), WD_ROW_HEIGHT_RULE.AT_LEAST

    # Keep 督查联系 and the two signature lines together if long content pushes them to page 2.
    add_line(doc, "督查联系：{{ 督查联系 }}", size=14, line_pt=22).paragraph_format.keep_with_next = True
    for text, keep in (("{{ 落款单位 }}", True), ("{{ 落款日期 }}", False)):
        fmt = add_line(doc, text, align=right).paragraph_format
        fmt.right_indent, fmt.keep_with_next = Pt(16 * 4), keep

    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    fpar = footer.paragraphs[0]
    set_spacing(fpar, 12, center)
    set_east_asian_font(fpar.add_run("识别码：{{ 识别码 }}"), FANGSONG, 9, color="808080")

    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    doc.save(buf)
    normalize_zip(buf.getvalue(), path)


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


def verify(path):
    """Assert tags are unsplit, label cells are exact single runs, and docxtpl renders all values."""
    from docxtpl import DocxTemplate

    xml = xml_text(path)
    missing = [t for t in TAGS if tag(t) not in xml]
    assert not missing, f"split or missing tags: {missing}"
    for table, labels in zip(Document(str(path)).tables, LABELS):
        cells = [c for row in table.rows for c in row.cells[::2] if c.text in labels]  # label columns 0 and 2
        found = [c.text for c in cells if len(c.paragraphs) == 1 and len(c.paragraphs[0].runs) == 1]
        assert sorted(set(found)) == sorted(labels), f"label cells differ: {found}"
    context = {t: f"测试值-{t}" for t in TAGS}
    special = "第一段 R&D <x>\n第二段"  # must be escaped and get a line break
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rendered.docx"
        tpl = DocxTemplate(str(path))
        # Without autoescape docxtpl silently drops "&D" and turns "<x>" into an element.
        tpl.render(dict(context, 督办事项=special), autoescape=True)
        tpl.save(str(out))
        rendered = xml_text(out)
    assert "第一段 R&amp;D &lt;x&gt;</w:t><w:br/>" in rendered, "special characters or newline mishandled"
    absent = [v for k, v in context.items() if k != "督办事项" and v not in rendered]
    assert not absent, f"values not rendered: {absent}"
    assert "{{" not in rendered and "}}" not in rendered, "unrendered tags remain"


def main():
    """Build and verify the template, printing the output path."""
    build(OUT)
    verify(OUT)
    print(OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
