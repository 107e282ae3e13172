"""`dangwu generate notice`: real .docx files opened and read, identity in three places, no duplicates."""

from __future__ import annotations

import importlib
import zipfile

import docx
import pytest
from click.testing import CliRunner

from toolkit import generate
from toolkit.cli import main
from toolkit.errors import WriteFailed
from toolkit.forms.identity import Identity
from toolkit.forms.kinds import NOTICE
from toolkit.ledger import schema as S

from .conftest import add_rows, digest, journal_rows, notice_path, sup_rows


def cells_of(path) -> dict[str, str]:
    """Label → value of every table row of a .docx, read with python-docx."""
    out = {}
    for table in docx.Document(str(path)).tables:
        for row in table.rows:
            cells = row.cells
            for i in range(0, len(cells) - 1, 2):
                out.setdefault(cells[i].text.strip(), cells[i + 1].text)
    return out


def test_one_notice_per_main_and_co_unit(ws):
    result = generate(ws, "notice")
    names = sorted(p.name for p in (ws.outbox / "督查督办通知单").glob("*.docx"))
    assert names == sorted(
        [
            "DB-2026-001_主办_教务处_督查督办通知单.docx",
            "DB-2026-001_协办_信息工程学院_督查督办通知单.docx",
            "DB-2026-002_主办_学生工作处_督查督办通知单.docx",
            "DB-2026-003_主办_后勤管理处_督查督办通知单.docx",
            "DB-2026-003_协办_学生工作处_督查督办通知单.docx",
            "DB-2026-003_协办_教务处_督查督办通知单.docx",
        ]
    )
    assert len(result.documents) == 6 and result.numbered == ["DB-2026-001", "DB-2026-002", "DB-2026-003"]


def test_notice_cells_hold_the_ledger_values(notified):
    cells = cells_of(notice_path(notified, "DB-2026-003"))
    assert cells["立项编号"] == "DB-2026-003"
    assert cells["交办时间"] == "2026年5月8日"
    assert cells["办理时限"] == "2026年12月31日"
    assert cells["督办事项"] == "食堂食品安全专项整治"
    assert cells["主办单位"] == "后勤管理处"
    assert cells["协办单位"] == "学生工作处、教务处"  # 简称 in the ledger, full names on the form
    assert cells["督办来源"] == "领导批示" and cells["督查形式"] == "联合督查"
    assert cells["分管校领导"] == "陈副校长"
    for label in NOTICE.feedback:
        assert label in cells
    assert cells["办理状态"].replace("\u3000", "") == "□已办结□办理中"
    text = "\n".join(p.text for p in docx.Document(str(notice_path(notified, "DB-2026-003"))).paragraphs)
    assert "督查督办通知单" in text and "党办督〔2026〕3号" in text and "后勤管理处（主办）" in text


def test_identity_is_visible_in_core_and_custom_properties(notified):
    path = notice_path(notified, "DB-2026-001", "协办")
    d = docx.Document(str(path))
    footer = "".join(p.text for p in d.sections[0].footer.paragraphs)
    visible = Identity.parse(footer)
    assert visible == Identity.parse(d.core_properties.keywords)
    custom = zipfile.ZipFile(path).read("docProps/custom.xml").decode()
    assert Identity.parse(custom) == visible
    assert (visible.kind, visible.number, visible.unit, visible.role) == ("notice", "DB-2026-001", "信息工程学院", "协办")
    assert "DB-2026-001" in d.core_properties.title


def test_fingerprint_changes_with_prefilled_content(ws):
    generate(ws, "notice", ids=())
    first = Identity.parse(docx.Document(str(notice_path(ws, "DB-2026-002"))).core_properties.keywords)
    from .conftest import set_cell

    set_cell(ws.ledger_path, S.SUPERVISION.name, "DB-2026-002", "办理时限", "2026-05-20")
    generate(ws, "notice", ids=["DB-2026-002"], force=True)
    second = Identity.parse(docx.Document(str(notice_path(ws, "DB-2026-002"))).core_properties.keywords)
    assert first.number == second.number and first.fingerprint != second.fingerprint


def test_special_characters_and_line_breaks_render(ws):
    add_rows(
        ws.ledger_path,
        S.SUPERVISION.name,
        [
            {
                "交办时间": "2026.6.1",
                "督办事项": 'R&D <实验室> "安全"\n第二行',
                "工作要求": "一、自查\n二、整改",
                "主办单位": "教务",
                "办理时限": "2026年7月1日",
            }
        ],
    )
    generate(ws, "notice")
    cells = cells_of(notice_path(ws, "DB-2026-004"))
    assert cells["督办事项"] == 'R&D <实验室> "安全"\n第二行'
    assert cells["工作要求"] == "一、自查\n二、整改"


def test_status_and_notice_date_are_set_and_journalled(notified):
    rows = sup_rows(notified)
    assert all(r["状态"] == "已通知" and r["通知日期"] for r in rows.values())
    changes = {(j["编号"], j["字段"]) for j in journal_rows(notified)}
    assert {("DB-2026-001", "立项编号"), ("DB-2026-001", "状态"), ("DB-2026-001", "通知日期")} <= changes


def test_running_twice_duplicates_nothing(notified):
    before_files = {p: digest(p) for p in notified.outbox.rglob("*.docx")}
    before_ledger = digest(notified.ledger_path)
    again = generate(notified, "notice")
    assert again.documents == [] and len(again.skipped) == 3
    assert {p: digest(p) for p in notified.outbox.rglob("*.docx")} == before_files
    assert digest(notified.ledger_path) == before_ledger


def test_force_regenerates_without_changing_status(notified):
    again = generate(notified, "notice", ids=["DB-2026-001"], force=True)
    assert len(again.documents) == 2
    assert sup_rows(notified)["DB-2026-001"]["状态"] == "已通知"


def test_unit_filter_and_dry_run(ws):
    before = digest(ws.ledger_path)
    plan = generate(ws, "notice", unit="学工处", dry_run=True)
    assert {(d.unit, d.role) for d in plan.documents} == {("学生工作处", "主办"), ("学生工作处", "协办")}
    assert digest(ws.ledger_path) == before and not list(ws.outbox.rglob("*.docx"))


def test_cli_generate_reports_a_summary(ws):
    result = CliRunner().invoke(main, ["generate", "notice", "-w", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert "合计：已生成 6 份督查督办通知单（3 个事项）" in result.output
    unknown = CliRunner().invoke(main, ["generate", "notice", "-w", str(ws.root), "--id", "DB-2026-404"])
    assert unknown.exit_code == 2 and "DB-2026-404" in unknown.output


def test_template_with_unknown_field_is_refused(ws):
    import shutil

    from toolkit.workspace import default_templates_dir

    own = ws.root / "templates" / "督查督办"
    own.mkdir(parents=True)
    src = default_templates_dir() / NOTICE.template
    dst = own / "督查督办通知单.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace("{{ 督办事项 }}".encode(), "{{ 督办事宜 }}".encode())
            zout.writestr(item, data)
    result = CliRunner().invoke(main, ["generate", "notice", "-w", str(ws.root)])
    assert result.exit_code == 5 and "督办事宜" in result.output
    assert not list(ws.outbox.rglob("*.docx"))
    shutil.rmtree(own)


@pytest.fixture(params=["threads", "processes"])
def writer_mode(request, monkeypatch):
    """Run a test with small batches written by threads and, forced, by forked writer processes."""
    gen = importlib.import_module("toolkit.generate")  # the attribute toolkit.generate is the function
    monkeypatch.setattr(gen, "PROCESSES_FROM", 1 if request.param == "processes" else 10**9)
    return request.param


def test_both_writer_paths_write_the_same_documents(ws, writer_mode):
    gen = importlib.import_module("toolkit.generate")
    with gen.DocumentWriter(None, 6) as probe:  # the path this parameter selects for a batch of six
        assert (probe.pool is not None) == (writer_mode == "processes")
    result = generate(ws, "notice")
    assert len(result.documents) == 6
    for d in result.documents:
        assert d.path.exists(), d.path
        with zipfile.ZipFile(d.path) as z:
            assert Identity.parse(z.read("docProps/custom.xml").decode()) == Identity.parse(d.identity)
        cells = cells_of(d.path)
        assert cells["立项编号"] == d.number and d.unit in "".join(cells.values())
    assert not list((ws.outbox / "督查督办通知单").glob(".*.tmp"))
    assert {r["状态"] for r in sup_rows(ws).values()} == {"已通知"}


def test_a_document_that_cannot_be_written_stops_the_batch_and_leaves_the_ledger(ws, writer_mode):
    blocked = ws.outbox / "督查督办通知单" / "DB-2026-003_主办_后勤管理处_督查督办通知单.docx"
    blocked.mkdir(parents=True)  # a folder where the document should go: os.replace fails
    before = digest(ws.ledger_path)
    with pytest.raises(WriteFailed, match="同名的文件夹"):
        generate(ws, "notice")
    assert digest(ws.ledger_path) == before, "no document batch half-recorded in the ledger"
    assert not list(blocked.parent.glob(".*.tmp"))
