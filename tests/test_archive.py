"""Year-end binders: real PDFs opened, page counts checked against the catalogue, stamps read back."""

from __future__ import annotations

import hashlib
import shutil
import zipfile

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from toolkit import Workspace, generate, ingest
from toolkit.archive.build import archive, safe_child
from toolkit.archive.manifest import verify
from toolkit.cli import main
from toolkit.errors import UsageError
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S
from toolkit.review import review

from .conftest import journal_rows, notice_path, sample_workspace, set_cell, sup_rows
from .test_intake import DONE

pytestmark = pytest.mark.slow
FOLDER = ("2026", "督查督办", "D30")


def _hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory, soffice):
    """A workspace whose DB-2026-001 and -003 are closed with replies, -002 closed without one, then archived."""
    root = tmp_path_factory.mktemp("arch")
    ws = sample_workspace(root / "ws")
    generate(ws, "notice")
    fill_form(notice_path(ws, "DB-2026-001"), ws.inbox / "a1.docx", {**DONE, "办理状态": "办理中", "办理情况": "第一次进展：正在起草"})
    ingest(ws)
    generate(ws, "reminder", ids=["DB-2026-001"])
    fill_form(notice_path(ws, "DB-2026-001"), ws.inbox / "a2.docx", {**DONE, "办理情况": "最终报告：办法已印发"})
    fill_form(notice_path(ws, "DB-2026-003"), ws.inbox / "c.docx", {**DONE, "办理情况": "食堂整治已完成"})
    fill_form(notice_path(ws, "DB-2026-001", "协办"), ws.inbox / "b1.docx", {**DONE, "办理情况": "协办：数据平台已对接"})
    ingest(ws)
    for number in ("DB-2026-001", "DB-2026-003"):
        review(ws, number, accept=True, opinion="同意办结")
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "状态", "已办结")  # closed by hand, no reply on file
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "办结日期", "2026-05-20")
    settings = ws.root / "dangwu.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('filer = ""', 'filer = "王档案"'), encoding="utf-8")
    ws = Workspace(ws.root)
    return ws, archive(ws, 2026)


def test_pieces_numbered_in_order_with_archival_codes(built):
    ws, result = built
    codes = [e.code for e in result.entries]
    assert codes == ["Z109-WS·2026-D30-DCB-0001", "Z109-WS·2026-D30-DCB-0002", "Z109-WS·2026-D30-DCB-0003"]
    assert [sup_rows(ws)[n]["档号"] for n in ("DB-2026-001", "DB-2026-002", "DB-2026-003")] == codes  # by 交办时间
    assert {j["编号"] for j in journal_rows(ws) if j["操作"] == "立卷归档" and j["字段"] == "档号"} == {
        "DB-2026-001",
        "DB-2026-002",
        "DB-2026-003",
    }


def test_catalogue_page_counts_match_the_real_pdfs(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    sheet = openpyxl.load_workbook(folder / "归档文件目录.xlsx")["归档文件目录"]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    assert [r[1] for r in rows] == [e.code for e in result.entries]
    for _seq, code, _doc_no, _who, title, date, _secret, pages, _note in rows:
        assert len(PdfReader(str(folder / f"{code}.pdf")).pages) == pages
        assert len(date) == 8 and date.startswith("2026") and title.startswith("[") and title.endswith("]")
    assert rows[0][2] == "党办督〔2026〕1号" and rows[0][3] == "教务处"
    assert "缺承办单位反馈原件" in rows[1][8] and not rows[0][8]
    with pdfplumber.open(folder / "归档文件目录.pdf") as pdf:
        text = "".join(p.extract_text() for p in pdf.pages).replace(" ", "").replace("\n", "")
        assert pdf.pages[0].width > pdf.pages[0].height  # A4 landscape
    assert "Z109-WS·2026-D30-DCB-0003" in text and "档号" in text


def test_catalogue_rows_follow_the_reply(built):
    """DA/T 22: reply and notice are one 件, catalogued by the reply (责任者, the notice's 文号, 完成日期)."""
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    sheet = openpyxl.load_workbook(folder / "归档文件目录.xlsx")["归档文件目录"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    first, manual, third = (rows[e.code] for e in result.entries)
    assert first[3] == "教务处" and first[2] == "党办督〔2026〕1号"
    assert first[5] == "20260601" and third[5] == "20260601"  # the units' 完成日期, not the review day
    assert manual[5] == "20260520"  # no reply on file: the 办结日期
    assert sheet["A1"].value == "××职业学院2026年度督查督办归档文件目录（保管期限：定期30年）"


def test_catalogue_columns_keep_codes_numbers_and_dates_on_one_line(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    sheet = openpyxl.load_workbook(folder / "归档文件目录.xlsx")["归档文件目录"]
    width = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHI"}
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column_letter in "ABCFGH":
                assert not cell.alignment.wrap_text, cell.coordinate
                text = str(cell.value or "")
                assert sum(2 if ord(ch) > 0x7F else 1 for ch in text) <= width[cell.column_letter], cell.coordinate
    with pdfplumber.open(folder / "归档文件目录.pdf") as pdf:
        lines = pdf.pages[0].extract_text().splitlines()
        words = {w["text"] for w in pdf.pages[0].extract_words()}
    assert any("党办督〔2026〕1号" in line.replace(" ", "") for line in lines)
    assert {"序号", "密级", "页数"} <= words  # headers not broken over two lines
    # LibreOffice sets a small gap between Chinese and digits, which extraction reads as a space
    assert any("××职业学院2026年度督查督办归档文件目录（保管期限：定期30年）" == line.replace(" ", "") for line in lines)


def test_cover_states_retention_in_words_and_reference_sheet_names_the_filer(built):
    ws, _ = built
    folder = safe_child(ws.archive, *FOLDER)
    with pdfplumber.open(folder / "封面.pdf") as pdf:
        cover = pdf.pages[0].extract_text()
    with pdfplumber.open(folder / "备考表.pdf") as pdf:
        sheet = pdf.pages[0].extract_text()
    assert "保管期限定期30年" in cover.replace(" ", "") and "D30" not in cover
    assert "整理人王档案" in sheet.replace(" ", "")


def test_zip_names_read_right_in_unzip_bsdtar_and_python(built):
    import subprocess

    ws, result = built
    expected = "2026/督查督办/D30/装订本.pdf"
    with zipfile.ZipFile(result.zip) as zf:
        assert expected in zf.namelist()
        for info in zf.infolist():
            assert info.create_system == 3 and info.flag_bits & 0x800, info.filename
            assert info.extra[:2] == b"\x75\x70"  # Info-ZIP Unicode Path extra field (0x7075)
    tools = [["unzip", "-l"], ["bsdtar", "-tf"]]
    for tool in [t for t in tools if shutil.which(t[0])]:
        listing = subprocess.run([*tool, str(result.zip)], capture_output=True, env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        assert expected in listing.stdout.decode("utf-8", "replace"), (tool, listing.stdout[-300:])
    if not shutil.which("unzip"):
        pytest.skip("unzip is not installed: Info-ZIP listing not checked")


def test_stamp_on_each_first_page(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    for e in result.entries:
        with pdfplumber.open(folder / f"{e.code}.pdf") as pdf:
            top = pdf.pages[0].crop((0, 0, pdf.pages[0].width, 70)).extract_text()
        for value in ("Z109", "2026", e.code[-4:], "DCB", "D30", str(e.pages)):
            assert value in top, (e.code, value, top)


def test_papers_inside_a_piece_are_in_filing_order(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    with pdfplumber.open(folder / f"{result.entries[0].code}.pdf") as pdf:
        pages = [p.extract_text().replace(" ", "") for p in pdf.pages]

    def first(words):
        return next(i for i, t in enumerate(pages) if words in t)

    final, progress = first("最终报告：办法已印发"), first("第一次进展：正在起草")
    co = first("协办：数据平台已对接")
    notice = next(i for i, t in enumerate(pages) if "督查督办通知单" in t and not any(w in t for w in ("最终报告", "第一次进展", "协办：")))
    reminder, review_page = first("催办通知单"), first("办结审核单")
    # reply before the incoming notice; the 协办 unit's reply right after the 主办 reply
    assert final == 0 and final < co < progress < notice < reminder < review_page


def test_binder_has_every_page_numbered(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    binder = PdfReader(str(folder / "装订本.pdf"))
    parts = ["封面.pdf", "归档文件目录.pdf", *[f"{e.code}.pdf" for e in result.entries], "备考表.pdf"]
    assert len(binder.pages) == sum(len(PdfReader(str(folder / p)).pages) for p in parts)
    assert binder.metadata.title == "装订本"
    with pdfplumber.open(folder / "装订本.pdf") as pdf:
        cover = pdf.pages[0].extract_text()
        assert "归档文件目录" in cover.replace(" ", "") and "—" not in cover  # the cover has no page number
        assert "— 1 —" in pdf.pages[1].extract_text() and f"— {len(pdf.pages) - 1} —" in pdf.pages[-1].extract_text()
        assert "备考表" in pdf.pages[-1].extract_text().replace(" ", "")


def test_binder_has_bookmarks_per_part_and_piece(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    binder = PdfReader(str(folder / "装订本.pdf"))
    outline = binder.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == ["封面", "归档文件目录", "归档文件", "备考表"]
    children = next(item for item in outline if isinstance(item, list))
    assert [c.title[:4] for c in children] == [e.code[-4:] for e in result.entries]
    pages = [binder.get_destination_page_number(item) for item in outline if not isinstance(item, list)]
    starts, at = [], 2
    for e in result.entries:
        starts.append(at)
        at += e.pages
    cover_pages = len(PdfReader(str(folder / "封面.pdf")).pages)
    assert pages[:2] == [0, cover_pages] and pages[-1] == len(binder.pages) - 1
    assert [binder.get_destination_page_number(c) for c in children] == [pages[2] + s - 2 for s in starts]
    assert binder.page_mode == "/UseOutlines"


def _fonts(page):
    """Every font dictionary a page uses (its own resources and its form XObjects')."""
    out = []

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            out.append(font.get_object())
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            if xobj.get("/Subtype") == "/Form":
                walk(xobj.get("/Resources"))

    walk(page.get("/Resources"))
    return out


def _embedded(font) -> bool:
    """A font dictionary whose font program travels inside the PDF."""
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    return font.get("/Subtype") == "/Type3" or (
        descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    )


def test_stamp_and_page_numbers_use_an_embedded_font(built):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    first = PdfReader(str(folder / f"{result.entries[0].code}.pdf")).pages[0]
    marks = [f for f in _fonts(first) if "DejaVuSans" in f["/BaseFont"]]
    assert marks and "/FontFile2" in marks[0]["/FontDescriptor"].get_object()
    binder = PdfReader(str(folder / "装订本.pdf"))
    for page in binder.pages:
        fonts = _fonts(page)
        assert fonts and all(_embedded(f) for f in fonts), [f.get("/BaseFont") for f in fonts if not _embedded(f)]


def test_manifest_verify_and_tampering(built, tmp_path):
    ws, result = built
    folder = safe_child(ws.archive, *FOLDER)
    assert verify(folder).ok and verify(result.zip).ok
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    target = copy / f"{result.entries[1].code}.pdf"
    target.write_bytes(target.read_bytes() + b"%tampered\n")
    (copy / "多余文件.txt").write_text("x")
    (copy / "备考表.pdf").unlink()
    out = CliRunner().invoke(main, ["verify", str(copy)])
    assert out.exit_code == 8
    assert f"被改动：{target.name}" in out.output and "多出：多余文件.txt" in out.output and "缺少：备考表.pdf" in out.output
    assert "dangwu archive --year 2026 --register 督查督办 --repair" in out.output


def test_bytes_changed_inside_the_zip_are_reported_not_a_crash(built, tmp_path):
    ws, result = built
    damaged = tmp_path / "damaged.zip"
    data = bytearray(result.zip.read_bytes())
    at = data.index(b"%PDF", data.index("装订本.pdf".encode()))
    data[at + 5000] ^= 0xFF  # one byte of the stored binder
    damaged.write_bytes(bytes(data))
    out = CliRunner().invoke(main, ["verify", str(damaged)])
    assert out.exit_code == 8 and "被改动：装订本.pdf" in out.output, out.output


def test_zip_members_that_would_escape_are_reported(built, tmp_path):
    ws, result = built
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(result.zip) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("../../escape.txt", "x")
    report = verify(evil)
    assert not report.ok and report.unsafe == ["../../escape.txt"]
    assert not (tmp_path.parent / "escape.txt").exists()


def test_second_run_is_idempotent_and_rebuild_keeps_codes(built, tmp_path):
    ws_src, first = built
    shutil.copytree(ws_src.root, tmp_path / "ws")
    ws = Workspace(tmp_path / "ws")
    before = _hashes(ws.archive)
    again = archive(ws, 2026)
    assert again.unchanged and _hashes(ws.archive) == before
    assert [e.pages for e in again.entries] == [e.pages for e in first.entries]
    rebuilt = archive(ws, 2026, rebuild=True)
    assert not rebuilt.unchanged and [e.code for e in rebuilt.entries] == [e.code for e in first.entries]
    assert verify(rebuilt.folder).ok


def test_open_items_are_listed_and_not_filed(built):
    ws, result = built
    assert result.not_closed == []  # all three of 2026 closed in this workspace
    assert result.flagged and result.flagged[0][0] == "DB-2026-002"


def test_year_with_nothing_closed_makes_nothing(tmp_path):
    ws = sample_workspace(tmp_path / "w")
    out = CliRunner().invoke(main, ["archive", "-w", str(ws.root), "--year", "2026"])
    assert out.exit_code == 0 and "没有已办结" in out.output and "未办结、本次未归档的事项 3 项" in out.output
    assert not any(ws.archive.iterdir())


def test_names_can_never_escape_the_archive(tmp_path):
    root = tmp_path / "archive"
    root.mkdir()
    for bad in (("..", "x"), ("2026", "../../etc"), ("/etc",), ("a/b",)):
        with pytest.raises(UsageError):
            safe_child(root, *bad)
    settings = tmp_path / "dangwu.toml"
    from toolkit.workspace import DEFAULT_SETTINGS, Settings

    settings.write_text(DEFAULT_SETTINGS.replace('"督查督办" = "DCB"', '"督查督办" = "../x"'), encoding="utf-8")
    from toolkit.errors import SettingsError

    with pytest.raises(SettingsError, match="只能用字母和数字"):
        Settings.from_toml(settings)


def test_tampered_folder_is_never_resealed_and_repair_keeps_codes(built, tmp_path):
    ws_src, first = built
    shutil.copytree(ws_src.root, tmp_path / "ws")
    ws = Workspace(tmp_path / "ws")
    folder = safe_child(ws.archive, *FOLDER)
    (folder / "手工添加.txt").write_text("not the toolkit's", encoding="utf-8")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    before = _hashes(ws.archive)
    out = CliRunner().invoke(main, ["archive", "-w", str(ws.root), "--year", "2026"])
    assert out.exit_code == 8, out.output
    assert "多出：手工添加.txt" in out.output and "多出：.hidden" in out.output and "--repair" in out.output
    assert _hashes(ws.archive) == before  # nothing sealed, nothing rewritten
    assert not verify(folder).ok and "手工添加.txt" not in str(zipfile.ZipFile(first.zip).namelist())
    out = CliRunner().invoke(main, ["archive", "-w", str(ws.root), "--year", "2026", "--repair"])
    assert out.exit_code == 0, out.output
    assert verify(folder).ok and verify(first.zip).ok and not (folder / "手工添加.txt").exists()
    assert not any("手工添加" in n for n in zipfile.ZipFile(first.zip).namelist())
    kept = [p for p in folder.parent.iterdir() if p.name.startswith("D30.修复前-")]
    assert len(kept) == 1 and (kept[0] / "手工添加.txt").exists() and "改名保留" in out.output
    codes = [first.entries[i].code for i in range(3)]
    assert sorted(p.stem for p in folder.glob("Z109*.pdf")) == codes
    assert [sup_rows(ws)[n]["档号"] for n in ("DB-2026-001", "DB-2026-002", "DB-2026-003")] == codes


def test_rebuild_keeps_the_codes_already_issued(built, tmp_path, monkeypatch):
    """An item closed after the others were numbered takes the next number; --rebuild renumbers nothing."""
    ws_src, _ = built
    shutil.copytree(ws_src.root, tmp_path / "ws")
    settings = tmp_path / "ws" / "dangwu.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('filer = "王档案"', 'filer = ""'), encoding="utf-8")
    monkeypatch.setenv("DANGWU_USER", "李整理")  # no 整理人 in the settings: the operator files the box
    ws = Workspace(tmp_path / "ws")
    shutil.rmtree(ws.archive / "2026")
    # the year-end run that numbered 001 and 003 happened before 002 was closed
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "档号", "")
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-003", "档号", "Z109-WS·2026-D30-DCB-0002")
    result = archive(ws, 2026, rebuild=True)
    expected = {"DB-2026-001": "0001", "DB-2026-003": "0002", "DB-2026-002": "0003"}
    assert {e.code[-4:] for e in result.entries} == set(expected.values())
    assert {n: sup_rows(ws)[n]["档号"][-4:] for n in expected} == expected
    with pdfplumber.open(result.folder / "备考表.pdf") as pdf:
        assert "整理人李整理" in pdf.pages[0].extract_text().replace(" ", "")
    # a 档号 cleared in the ledger by hand is taken back from the sealed manifest
    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-001", "档号", "")
    again = archive(ws, 2026, rebuild=True)
    assert sup_rows(ws)["DB-2026-001"]["档号"] == "Z109-WS·2026-D30-DCB-0001" and verify(again.folder).ok


def test_leftovers_of_a_killed_run_are_swept_and_a_stale_zip_is_remade(built, tmp_path):
    ws_src, first = built
    shutil.copytree(ws_src.root, tmp_path / "ws")
    ws = Workspace(tmp_path / "ws")
    folder = safe_child(ws.archive, *FOLDER)
    staging = folder.parent / ".D30.staging"
    staging.mkdir()
    (staging / "half.pdf").write_bytes(b"%PDF-1.7 half")
    zip_path = folder.parent / first.zip.name
    zip_path.write_bytes(zip_path.read_bytes()[:-100])  # a zip torn or edited after sealing
    result = archive(ws, 2026)
    assert result.unchanged and not staging.exists()
    assert verify(folder).ok and verify(zip_path).ok
    assert any(name == zip_path.name for name, _ in result.flagged)


def test_a_conversion_failure_names_the_papers_not_their_staged_copies(built, tmp_path):
    ws, _ = built
    copy = tmp_path / "ws"
    shutil.copytree(ws.root, copy)
    shutil.rmtree(copy / "archive")
    (copy / "archive").mkdir()
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 3\n")
    fake.chmod(0o755)
    settings = copy / "dangwu.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace('soffice_path = ""', f'soffice_path = "{fake}"'), encoding="utf-8")
    before = (copy / "ledger.xlsx").read_bytes()
    out = CliRunner().invoke(main, ["archive", "-w", str(copy), "--year", "2026"])
    assert out.exit_code == 6, out.output
    assert "LibreOffice 未能把这些文件转换为 PDF" in out.output and "督查督办通知单.docx" in out.output, out.output
    assert "p0000" not in out.output and "Error" not in out.output and "could not" not in out.output
    assert (copy / "ledger.xlsx").read_bytes() == before
