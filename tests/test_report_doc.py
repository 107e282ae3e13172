"""The 督查督办工作情况报告 as a GB/T 9704 document: 附件说明, 落款, attachments on their own pages, the PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import docx
import openpyxl
import pypdf
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from toolkit import Workspace, generate, ingest
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S
from toolkit.ledger.workbook import Ledger
from toolkit.registers.supervision.archive import review_record
from toolkit.registers.units import Units
from toolkit.reports.supervision import report
from toolkit.review import review

from .conftest import notice_path, sample_workspace
from .test_intake import DONE

D = dt.date
TITLES = ["各单位督办事项办理情况统计表", "各督办来源事项办理情况统计表"]


@pytest.fixture(scope="module")
def redone(tmp_path_factory):
    """DB-2026-001 sent back (due 06-30 → 12-20) and finished 11-24; DB-2026-003 finished on time; both accepted."""
    ws = sample_workspace(tmp_path_factory.mktemp("report") / "ws")
    with pytest.MonkeyPatch.context() as mp:
        generate(ws, "notice")
        fill_form(notice_path(ws, "DB-2026-001"), ws.inbox / "a.docx", DONE)
        fill_form(notice_path(ws, "DB-2026-003"), ws.inbox / "c.docx", DONE)
        ingest(ws)
        mp.setenv("DANGWU_TODAY", "2026-11-25")
        review(ws, "DB-2026-001", accept=False, opinion="制度文件未经审议", deadline=D(2026, 12, 20), by="王芳")
        review(ws, "DB-2026-003", accept=True, by="王芳")
        generate(ws, "notice")
        fill_form(notice_path(ws, "DB-2026-001"), ws.inbox / "b.docx", {**DONE, "完成日期": "2026年11月24日"})
        ingest(ws)
        review(ws, "DB-2026-001", accept=True, by="王芳")
    return ws


@pytest.fixture(autouse=True)
def report_day(monkeypatch):
    """Reports are dated 2026-12-04."""
    monkeypatch.setenv("DANGWU_TODAY", "2026-12-04")


def test_items_finished_after_a_send_back_are_not_counted_on_time(redone):
    fig, xlsx, path = report(redone, 2026)
    units = {u.单位: u for u in fig.units}
    assert (units["教务处"].按期办结, units["教务处"].退回重办后办结, units["教务处"].逾期办结) == (0, 1, 0)
    assert (units["后勤管理处"].按期办结, units["后勤管理处"].退回重办后办结) == (1, 0)
    assert (fig.closed, fig.on_time, fig.redone, fig.late) == (2, 1, 1, 0)
    sheet = openpyxl.load_workbook(xlsx)["单位统计"]
    headers = [c.value for c in sheet[2]]
    rows = {r[0]: dict(zip(headers, r)) for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["教务处"]["按期办结"] == 0 and rows["教务处"]["退回重办后办结"] == 1 and rows["教务处"]["按期办结率"] == 0
    assert rows["合计"]["按期办结"] == 1 and rows["合计"]["退回重办后办结"] == 1 and rows["合计"]["逾期办结"] == 0
    sources = {r[0]: r for r in openpyxl.load_workbook(xlsx)["来源统计"].iter_rows(min_row=3, values_only=True)}
    assert sources["会议决议"][3:5] == (0, 1)  # DB-2026-001's source: not on time, finished after the send-back
    document = docx.Document(str(path))
    table = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert table["教务处"][3:6] == ["0", "0", "1"] and table["合计"][3:6] == ["1", "0", "1"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "其中按期办结1项，经退回重办后在新的办理时限内办结1项" in text and "教务处（1项）" in text


def _font(paragraph) -> tuple[str, float]:
    """East-Asian font and size in points of a paragraph's first run."""
    run = paragraph.runs[0]
    return run._element.rPr.rFonts.get(qn("w:eastAsia")), run.font.size.pt


def test_report_docx_has_attachment_note_signature_then_attachments_on_new_pages(redone):
    _, _, path = report(redone, 2026)
    paragraphs = docx.Document(str(path)).paragraphs
    texts = [p.text for p in paragraphs]
    note = texts.index(f"附件：1.{TITLES[0]}")
    assert texts[note + 1] == f"2.{TITLES[1]}" and texts[note - 1] == ""  # one blank line above, no full stop
    first, second = paragraphs[note].paragraph_format, paragraphs[note + 1].paragraph_format
    assert first.first_line_indent.pt == 32 and second.left_indent.pt == 80  # 2 characters; under "1."
    assert texts[note + 2] == "" and texts[note + 3] == redone.settings.office and texts[note + 4] == "2026年12月4日"
    assert texts.index("四、下一步要求") < texts.index("特此报告。") < note
    for number, title in enumerate(TITLES, start=1):
        head = texts.index(f"附件{number}")
        assert head > note + 4 and paragraphs[head].paragraph_format.page_break_before
        assert _font(paragraphs[head]) == ("黑体", 16) and paragraphs[head].paragraph_format.first_line_indent is None
        assert texts[head + 1] == "" and texts[head + 2] == title  # title on line 3, centred
        assert paragraphs[head + 2].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert texts.index("附件1") < texts.index("附件2")


@pytest.mark.slow
def test_report_pdf_pages(redone, soffice):
    result = CliRunner().invoke(main, ["report", "-w", str(redone.root), "--year", "2026", "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = redone.outbox / "报告" / "督查督办工作情况报告_2026年度.pdf"
    assert f"报告 PDF：{pdf.relative_to(redone.root)}" in result.output
    pages = [re.sub(r"[ \t]+", "", page.extract_text()) for page in pypdf.PdfReader(pdf).pages]
    assert not [w for page in pages for w in re.findall(r"[A-Za-z]+", page)], "English words in the report"
    signed = [i for i, page in enumerate(pages) if "2026年12月4日" in page]
    assert len(signed) == 1
    last = pages[signed[0]]
    assert "特此报告。" in last and last.index(f"附件：1.{TITLES[0]}") < last.index(redone.settings.office)
    assert len(pages) == signed[0] + 3
    for number, title in enumerate(TITLES, start=1):
        lines = pages[signed[0] + number].splitlines()
        assert lines[0] == f"附件{number}" and lines[1] == title, lines[:3]  # each attachment starts its page


def test_report_pdf_failure_says_the_docx_is_there(redone, tmp_path):
    redone = Workspace(shutil.copytree(redone.root, tmp_path / "copy"))
    shutil.rmtree(redone.outbox / "报告", ignore_errors=True)  # what earlier tests of the module wrote
    settings = redone.root / "dangwu.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('soffice_path = ""', 'soffice_path = "/nonexistent/soffice"'), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["report", "-w", str(redone.root), "--year", "2026", "--pdf"])
    assert result.exit_code == 6 and "报告 PDF 未生成" in result.output and "LibreOffice" in result.output, result.output
    assert (redone.outbox / "报告" / "督查督办工作情况报告_2026年度.docx").exists()
    assert not list(redone.outbox.rglob("*.pdf"))


def test_review_record_prints_the_reviewer_and_date_recorded_at_review(redone, tmp_path):
    ledger = Ledger.load(redone.ledger_path)
    row = ledger.sheet(S.SUPERVISION.name).by_number()["DB-2026-003"]
    path = tmp_path / "审核单.docx"
    review_record(path, row, Units.from_ledger(ledger), redone.settings.office)  # what archive files as the 办结审核单
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert re.search(r"审核人：王芳\s+审核日期：2026年11月25日", text), text  # reviewed on 11-25, archived later
    assert "审核人" not in [row.cells[0].text for row in document.tables[0].rows]
