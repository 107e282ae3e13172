"""PDF both ways: print-ready PDFs from a real LibreOffice, and returned PDFs made the real way."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import docx
import pdfplumber
import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from toolkit import generate, ingest
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.pdf.soffice import Soffice

from .conftest import digest, notice_path, sample_workspace, sup_rows
from .test_intake import DONE

pytestmark = pytest.mark.slow


# The fonts every PDF the toolkit prints is made of, on any machine set up by scripts/setup-system.sh:
# Latin text in Liberation Serif (the templates' Times New Roman, metric-compatible), Chinese in
# Noto Serif/Sans CJK SC (仿宋/宋体/小标宋 and 黑体). The Noto CJK collection's faces share one CFF
# font named after its Japanese face; the SC face's character map picks the Chinese glyphs.
CHOSEN_FONTS = {"LiberationSerif", "NotoSerifCJK", "NotoSansCJK"}


def font_family(base_font: str) -> str:
    """A PDF BaseFont name without its subset tag and, for Noto CJK, the face suffix."""
    name = base_font.lstrip("/").split("+", 1)[-1]
    return re.sub(r"^(Noto(?:Serif|Sans)CJK).*", r"\1", name)


def pdf_fonts(path) -> dict[str, bool]:
    """{family: embedded} of every font the PDF's pages use (a Type0 font's descendant holds the file)."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(str(path)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = desc.get("/FontDescriptor")
            embedded = descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            name = font_family(str(font["/BaseFont"]))
            fonts[name] = fonts.get(name, True) and embedded
    return fonts


def latin_font_installed() -> bool:
    """Whether fontconfig knows Liberation Serif (scripts/setup-system.sh installs fonts-liberation2)."""
    out = subprocess.run(["fc-list", ":family=Liberation Serif", "family"], capture_output=True, text=True).stdout
    return "Liberation Serif" in out


def test_generate_pdf_and_merge(ws, soffice):
    result = generate(ws, "notice", pdf=True, merge=True)
    assert result.pdf.error is None and not result.pdf.missing
    pdfs = sorted((ws.outbox / "督查督办通知单").glob("*.pdf"))
    assert [p.stem for p in pdfs] == sorted(d.path.stem for d in result.documents)
    with pdfplumber.open(notice_path(ws, "DB-2026-003").with_suffix(".pdf")) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages)
    for expected in (
        "督查督办通知单",
        "食堂食品安全专项整治",
        "后勤管理处",
        "2026年12月31日",
        "办理情况",
        "DW1|notice|DB-2026-003|后勤管理处|主办",
    ):
        assert expected in text.replace(" ", ""), expected
    fonts = pdf_fonts(pdfs[0])
    assert fonts and set(fonts) <= CHOSEN_FONTS and all(fonts.values()), fonts
    # the print file: every document, each from a new page, no blank pages
    merged_pdf = result.merged.with_suffix(".pdf")
    total = sum(len(PdfReader(str(p)).pages) for p in pdfs)
    reader = PdfReader(str(merged_pdf))
    assert len(reader.pages) == total
    assert all(page.extract_text().strip() for page in reader.pages)
    merged_text = "\n".join(p.text for p in docx.Document(str(result.merged)).paragraphs)
    assert merged_text.count("督查督办通知单") == len(result.documents)
    assert stat.S_IMODE(pdfs[0].stat().st_mode) & 0o044
    # every generated PDF reads back with its prefilled values intact (hyphens, dates, unit names)
    from toolkit.forms.identity import fingerprint
    from toolkit.forms.kinds import NOTICE
    from toolkit.intake.pdf_reader import read_pdf
    from toolkit.intake.pipeline import ALL_LABELS

    for p in pdfs:
        form = read_pdf(p, ALL_LABELS)
        ident = form.identity()
        assert form.fields["立项编号"] == ident.number
        assert fingerprint(form.fields, NOTICE.prefilled) == ident.fingerprint, (p.name, form.fields)


def test_pdf_fonts_are_the_chosen_ones_all_embedded(notified, soffice, tmp_path, monkeypatch):
    """Fonts are decided, not left to LibreOffice's own substitutions (issue 8 §1): the same set of
    embedded fonts whether or not LibreOffice came with its recommended fonts, or the machine has a
    font called Times New Roman; digits and the identity line in Liberation Serif; both check boxes
    of 办理状态 in the same font and size."""
    if not latin_font_installed():
        pytest.fail("Liberation Serif is missing: run scripts/setup-system.sh (make test does), which installs fonts-liberation2")
    # A user font named "Times New Roman" (Liberation Sans renamed; same length, so the file stays valid)
    sans = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Sans"], capture_output=True, text=True).stdout
    data = Path(sans).read_bytes()
    for old, new in (("Liberation Sans", "Times New Roman"),):
        data = data.replace(old.encode("utf-16-be"), new.encode("utf-16-be")).replace(old.encode(), new.encode())
    (tmp_path / "data" / "fonts").mkdir(parents=True)
    (tmp_path / "data" / "fonts" / "impostor.ttf").write_bytes(data)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # fontconfig reads $XDG_DATA_HOME/fonts
    listed = subprocess.run(["fc-list", ":family=Times New Roman", "file"], capture_output=True, text=True, env=os.environ).stdout
    assert "impostor.ttf" in listed  # fontconfig would offer it to LibreOffice
    generate(notified, "notice", ids=["DB-2026-003"], unit="后勤管理处", force=True, pdf=True)
    pdf = notice_path(notified, "DB-2026-003").with_suffix(".pdf")
    fonts = pdf_fonts(pdf)
    assert set(fonts) == CHOSEN_FONTS and all(fonts.values()), fonts
    with pdfplumber.open(pdf) as doc:
        chars = [c for page in doc.pages for c in page.chars if not c["text"].isspace()]
    used = lambda cs: {(font_family(c["fontname"]), round(c["size"], 1)) for c in cs}  # noqa: E731
    boxes = [c for c in chars if c["text"] == "□"]
    assert len(boxes) == 2 and used(boxes) == {("NotoSerifCJK", 14.0)}, used(boxes)
    ascii_fonts = {font_family(c["fontname"]) for c in chars if c["text"].isascii()}
    assert ascii_fonts == {"LiberationSerif"}, ascii_fonts  # 立项编号, dates, phone, the identity footer
    han = {font_family(c["fontname"]) for c in chars if "\u4e00" <= c["text"] <= "\u9fff"}
    assert han == {"NotoSerifCJK", "NotoSansCJK"}, han


def test_first_page_renders_for_a_person(notified, soffice, tmp_path):
    generate(notified, "notice", ids=["DB-2026-002"], force=True, pdf=True)  # numbered by the first run
    pdf = notice_path(notified, "DB-2026-002").with_suffix(".pdf")
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    img = Image.open(png).convert("L")
    assert img.size[0] < img.size[1]  # A4 portrait
    dark = sum(img.histogram()[:128])
    assert dark > 1000  # text and table lines, not an empty page


def test_libreoffice_runs_after_the_workspace_lock_is_released(ws, tmp_path):
    """Printing may take minutes: other commands on the workspace must not wait for it."""
    seen = tmp_path / "seen.txt"
    fake = tmp_path / "soffice"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import fcntl\n"
        f"fh = open({str(ws.root / '.dangwu.lock')!r}, 'a')\n"
        "try:\n"
        "    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "    state = 'free'\n"
        "except BlockingIOError:\n"
        "    state = 'held'\n"
        f"open({str(seen)!r}, 'a').write(state + '\\n')\n"
        "raise SystemExit(3)\n"
    )
    fake.chmod(0o755)
    settings = ws.root / "dangwu.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('soffice_path = ""', f'soffice_path = "{fake}"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", "notice", "-w", str(ws.root), "--pdf"])
    assert result.exit_code == 6, result.output
    assert seen.read_text().split() and set(seen.read_text().split()) == {"free"}


@pytest.mark.parametrize(
    "program, words",
    [
        ("/nonexistent/soffice", ("路径不存在", "apt-get install")),
        ("#!/bin/sh\nexit 3\n", ("转换失败", "apt-get install")),
        ("#!/bin/sh\nsleep 30\n", ("超时", "timeout")),
    ],
    ids=["missing", "fails", "hangs"],
)
def test_docx_still_written_when_libreoffice_cannot_convert(ws, tmp_path, program, words):
    if program.startswith("#!"):
        fake = tmp_path / "soffice"
        fake.write_text(program)
        fake.chmod(0o755)
        program = str(fake)
    settings = ws.root / "dangwu.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace('soffice_path = ""', f'soffice_path = "{program}"')
        .replace("timeout = 120", "timeout = 2"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["generate", "notice", "-w", str(ws.root), "--pdf"])
    assert result.exit_code == 6, result.output
    assert all(w in result.output for w in words) and "PDF 未生成" in result.output
    assert len(list((ws.outbox / "督查督办通知单").glob("*.docx"))) == 6
    assert not list(ws.outbox.rglob("*.pdf"))
    assert sup_rows(ws)["DB-2026-001"]["状态"] == "已通知"


def test_demo_stops_with_the_toolkits_own_message(tmp_path):
    """scripts/demo.sh shows why a step failed (issue 8 §1): here LibreOffice fails at the PDF step."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "DEMO_WORKSPACE": str(tmp_path / "demo")}
    proc = subprocess.run(["bash", str(root / "scripts" / "demo.sh")], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1
    assert "LibreOffice 转换失败（退出码 3）" in proc.stderr and "apt-get install" in proc.stderr, proc.stderr
    assert "演示中止：dangwu generate notice --pdf --merge 未成功（退出码 6）" in proc.stderr
    assert "== 2. 生成督查督办通知单" in proc.stdout and "== 3." not in proc.stdout
    assert "合计：已生成" in proc.stdout  # the step's own summary (last lines of its listing)


# ---- returned PDFs, exported by a real LibreOffice


@pytest.fixture(scope="module")
def exported(tmp_path_factory, soffice):
    """Filled notices exported to PDF by LibreOffice in one call: {name: pdf path}, plus the workspace."""
    root = tmp_path_factory.mktemp("pdfws")
    ws = sample_workspace(root / "ws")
    generate(ws, "notice")
    long_text = "按照学校部署，" + "我处组织各教研室逐条对照质量监控要求开展自查，形成问题清单并落实整改责任人和时限，" * 4
    cases = {
        "done": ("DB-2026-001", {**DONE, "办理情况": "第一段：已制定办法。\n第二段：已报送。"}),
        "wrapped": ("DB-2026-003", {**DONE, "办理情况": long_text, "办理状态": "□已办结　☑办理中", "完成日期": ""}),
        "edited": ("DB-2026-002", {**DONE, "办理时限": "2026年12月31日"}),
        "acro": ("DB-2026-002", {}),
    }
    src = root / "filled"
    for name, (number, answers) in cases.items():
        fill_form(notice_path(ws, number), src / f"{name}.docx", answers)
    outs = Soffice(timeout=180).convert(sorted(src.glob("*.docx")), root / "pdf")
    return ws, {p.stem: p for p in outs}, long_text


def _fresh(exported, tmp_path):
    """A copy of the module's workspace, so each test starts from the same ledger."""
    ws_src, pdfs, long_text = exported
    from toolkit import Workspace

    shutil.copytree(ws_src.root, tmp_path / "ws")
    return Workspace(tmp_path / "ws"), pdfs, long_text


def test_exported_pdf_is_ingested(exported, tmp_path):
    ws, pdfs, _ = _fresh(exported, tmp_path)
    shutil.copy(pdfs["done"], ws.inbox / "反馈.pdf")
    [out] = ingest(ws)
    assert out.result == "已更新" and out.number == "DB-2026-001", out.message
    row = sup_rows(ws)["DB-2026-001"]
    assert row["状态"] == "待审核" and row["办理情况"] == "第一段：已制定办法。\n第二段：已报送。"
    assert row["完成日期"].date().isoformat() == "2026-06-01" and row["承办人"] == "李敏"
    assert (ws.processed / "反馈.pdf").exists()


def test_lines_wrapped_in_a_cell_are_joined(exported, tmp_path):
    ws, pdfs, long_text = _fresh(exported, tmp_path)
    shutil.copy(pdfs["wrapped"], ws.inbox / "长文.pdf")
    [out] = ingest(ws)
    assert out.result == "已更新", out.message
    row = sup_rows(ws)["DB-2026-003"]
    assert row["状态"] == "办理中" and row["办理情况"] == long_text


def test_pdf_with_edited_prefilled_field_is_refused(exported, tmp_path):
    ws, pdfs, _ = _fresh(exported, tmp_path)
    shutil.copy(pdfs["edited"], ws.inbox / "e.pdf")
    before = digest(ws.ledger_path)
    [out] = ingest(ws)
    assert out.result == "退回" and "办理时限" in out.message
    assert digest(ws.ledger_path) == before


def _scanned(pdf, target, tmp_path):
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "scan")], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("scan*.png"))]
    pages[0].save(target, save_all=True, append_images=pages[1:])


def _encrypted(pdf, target, tmp_path):
    writer = PdfWriter(clone_from=str(pdf))
    writer.encrypt(user_password="1234", owner_password="5678")
    writer.write(str(target))


def _truncated(pdf, target, tmp_path):
    data = pdf.read_bytes()
    target.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    "make, words", [(_scanned, "扫描件"), (_encrypted, "密码"), (_truncated, "损坏")], ids=["scanned", "encrypted", "truncated"]
)
def test_unreadable_pdfs_are_rejected_with_a_reason(exported, tmp_path, make, words):
    ws, pdfs, _ = _fresh(exported, tmp_path)
    make(pdfs["done"], ws.inbox / "回执.pdf", tmp_path)
    before = digest(ws.ledger_path)
    [out] = ingest(ws)
    assert out.result == "退回" and words in out.message, out.message
    assert digest(ws.ledger_path) == before
    assert words in (ws.rejected / "回执.pdf.原因.txt").read_text(encoding="utf-8")


def _add_text_fields(pdf, target, values: dict[str, str]) -> None:
    """Make a fillable PDF: text fields named after the labels, holding the unit's answers."""
    writer = PdfWriter(clone_from=str(pdf))
    page = writer.pages[0]
    fields = ArrayObject()
    for i, (name, value) in enumerate(values.items()):
        field = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject(name),
                NameObject("/V"): TextStringObject(value),
                NameObject("/Rect"): ArrayObject(
                    [NumberObject(10), NumberObject(10 + 12 * i), NumberObject(200), NumberObject(20 + 12 * i)]
                ),
            }
        )
        ref = writer._add_object(field)
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(ref)
        fields.append(ref)
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({NameObject("/Fields"): fields}))
    buf = io.BytesIO()
    writer.write(buf)
    target.write_bytes(buf.getvalue())


def test_fillable_pdf_is_read_from_its_fields(exported, tmp_path):
    ws, pdfs, _ = _fresh(exported, tmp_path)
    _add_text_fields(
        pdfs["acro"],
        ws.inbox / "可填写.pdf",
        {"办理情况": "在表单域中填写的情况", "办理状态": "已办结", "完成日期": "2026-06-02", "承办人": "钱进"},
    )
    [out] = ingest(ws)
    assert out.result == "已更新", out.message
    row = sup_rows(ws)["DB-2026-002"]
    assert row["办理情况"] == "在表单域中填写的情况" and row["状态"] == "待审核" and row["承办人"] == "钱进"


def test_batches_larger_than_the_launcher_accepts_are_split(tmp_path, soffice, monkeypatch):
    import toolkit.pdf.soffice as so

    monkeypatch.setattr(so, "MAX_FILES", 2)  # the real limit is ~254 arguments; 5 files show the split
    import docx as _docx

    files = []
    for i in range(5):
        d = _docx.Document()
        d.add_paragraph(f"第{i}页")
        d.save(str(tmp_path / f"f{i}.docx"))
        files.append(tmp_path / f"f{i}.docx")
    out = Soffice(timeout=180).convert(files, tmp_path / "pdf")
    assert [p.name for p in out] == [f"f{i}.pdf" for i in range(5)] and all(p.exists() for p in out)
