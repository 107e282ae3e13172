"""`dangwu report --register 党务公开`: the statistics workbook (native charts) and the year's 党务公开目录.

Expected figures are worked out here from the rows the test types into the ledger, never read back
from the module under test.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import docx
import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from docx import Document

from toolkit import Workspace
from toolkit.cli import main
from toolkit.dates import cn_date
from toolkit.workspace import default_templates_dir

from .conftest import add_rows, digest, sample_workspace

D = dt.date
SHEET, OPINIONS = "党务公开台账", "公开意见反馈"
TEMPLATE = "党务公开/党务公开目录.docx"
CATEGORIES = ["党务运行基本情况", "思想政治建设情况", "基层组织建设情况", "干部选拔任用情况", "党风廉政建设"]
SCOPES = ["党政领导干部", "全体党员", "全体教职工", "社会"]
TODAY = D(2026, 12, 4)


def _item(number, category, title, scope, plan=None, approval="已批准", inner=None, outer=None, again=None, timing="阶段性"):
    return {
        "公开编号": number,
        "公开类别": category,
        "公开事项": title,
        "公开范围": scope,
        "公开形式": "党员大会" if scope in SCOPES[:2] else "校园网、公示栏",
        "时限类型": timing,
        "计划公开日期": plan,
        "审批状态": approval,
        "党内公开日期": inner,
        "公开日期": outer,
        "再公开日期": again,
    }


ITEMS = [
    _item(
        "GK-2026-001",
        CATEGORIES[0],
        "第一季度党费收缴管理情况",
        "全体党员",
        D(2026, 3, 31),
        inner=D(2026, 3, 20),
        again=D(2026, 4, 10),
        timing="常规性",
    ),
    _item("GK-2026-002", CATEGORIES[4], "领导班子民主生活会情况", "全体教职工", D(2026, 5, 1), inner=D(2026, 5, 6), outer=D(2026, 5, 10)),
    _item(
        "GK-2026-003",
        CATEGORIES[2],
        "拟发展党员公示",
        "社会",
        D(2026, 9, 10),
        inner=D(2026, 9, 1),
        outer=D(2026, 9, 5),
        again=D(2026, 10, 1),
    ),
    _item("GK-2026-004", CATEGORIES[3], "中层干部任前公示", "全体教职工", None, outer=D(2026, 11, 2), timing="临时性"),
    _item("GK-2026-005", CATEGORIES[1], "理论学习中心组学习安排", "党政领导干部", D(2026, 12, 1), inner=D(2026, 12, 3)),
    _item("GK-2026-006", CATEGORIES[4], "第三季度党风廉政建设责任制落实情况", "全体党员", D(2026, 11, 20)),  # overdue, not disclosed
    _item("GK-2026-007", CATEGORIES[0], "第四季度党费收缴管理情况", "全体党员", D(2026, 12, 20), timing="常规性"),  # not yet due
    _item("GK-2026-008", CATEGORIES[3], "干部考察谈话情况", "社会", D(2026, 6, 1), approval="不予公开", outer=D(2026, 6, 2)),
    _item("GK-2026-009", CATEGORIES[1], "意识形态工作责任制考核", "全体教职工", D(2026, 12, 15), approval="待审批"),
    _item("GK-2025-010", CATEGORIES[2], "2025年党员发展计划", "全体党员", D(2025, 12, 15), inner=D(2025, 12, 20)),
]


def _opinion(number, item, handled="", replied=None):
    return {
        "反馈编号": number,
        "公开编号": item,
        "收到日期": D(2026, 5, 12),
        "反馈人": "张老师",
        "意见建议": "建议延长公示时间",
        "处理情况": handled,
        "答复日期": replied,
    }


FEEDBACK = [
    _opinion("FK-2026-001", "GK-2026-002", "已转组织部研究", D(2026, 5, 20)),
    _opinion("FK-2026-002", "GK-2026-002", "已转纪委办"),
    _opinion("FK-2026-003", "GK-2026-003", "已说明", D(2026, 9, 8)),
    _opinion("FK-2026-004", "GK-2026-003"),
    _opinion("FK-2026-005", "GK-2025-010", "已说明", D(2026, 1, 5)),  # on a 2025 item
    _opinion("FK-2026-006", "GK-2026-008", "已说明"),  # on a refused item
]


def expected(start: dt.date, end: dt.date) -> dict:
    """The period's figures worked out from ITEMS and FEEDBACK: totals and per 类别 / 范围 rows."""
    rows = {("公开类别", c): dict.fromkeys(HEADERS, 0) for c in CATEGORIES}
    rows |= {("公开范围", s): dict.fromkeys(HEADERS, 0) for s in SCOPES}
    total = dict.fromkeys(HEADERS, 0)
    disclosed = []
    for it in ITEMS:
        if it["审批状态"] != "已批准":
            continue
        first = min(d for d in (it["党内公开日期"], it["公开日期"], D(9999, 1, 1)) if d)
        counts = dict.fromkeys(HEADERS, 0)
        if first.year == 9999:
            if not (start <= it["计划公开日期"] <= end):
                continue
            counts["未公开"], counts["逾期未公开"] = 1, int(it["计划公开日期"] < TODAY)
        elif start <= first <= end:
            disclosed.append((first, it))
            on_time = it["计划公开日期"] is None or first <= it["计划公开日期"]
            counts.update(公开事项=1, 按时公开=int(on_time), 逾期公开=int(not on_time), 再公开=int(bool(it["再公开日期"])))
            mine = [o for o in FEEDBACK if o["公开编号"] == it["公开编号"]]
            counts.update(收到意见=len(mine), 已处理=sum(bool(o["处理情况"]) for o in mine), 已答复=sum(bool(o["答复日期"]) for o in mine))
        else:
            continue
        for key in (("公开类别", it["公开类别"]), ("公开范围", it["公开范围"]), None):
            target = total if key is None else rows[key]
            for h in HEADERS:
                target[h] += counts[h]
    return {"rows": rows, "total": total, "disclosed": [it for _, it in sorted(disclosed, key=lambda p: p[0])]}


HEADERS = ["公开事项", "按时公开", "逾期公开", "未公开", "逾期未公开", "收到意见", "已处理", "已答复", "再公开"]


def stand_in_template(path):
    """A minimal 党务公开目录 template (used only while the shipped one is missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    for tag in ("标题", "期间"):
        doc.add_paragraph("{{ " + tag + " }}")
    keys = ["序号", "公开编号", "公开类别", "公开事项", "公开范围", "公开形式", "公开日期"]
    table = doc.add_table(rows=4, cols=len(keys))
    for cell, key in zip(table.rows[0].cells, keys):
        cell.text = key
    table.rows[1].cells[0].text = "{%tr for r in 目录 %}"
    for cell, key in zip(table.rows[2].cells, keys):
        cell.text = "{{ r." + key + " }}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for tag in ("说明", "落款单位", "成文日期"):
        doc.add_paragraph("{{ " + tag + " }}")
    doc.save(str(path))


@pytest.fixture(autouse=True)
def report_day(monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", TODAY.isoformat())


@pytest.fixture(scope="module")
def ledger_ws(tmp_path_factory):
    """A workspace whose ledger holds ITEMS and FEEDBACK (the 目录 template: shipped, else a stand-in)."""
    ws = _workspace(tmp_path_factory.mktemp("disclosure-report"), ITEMS)
    add_rows(ws.ledger_path, OPINIONS, FEEDBACK)
    return ws


def _workspace(folder, items) -> Workspace:
    """A new workspace holding these items; a stand-in 目录 template while the shipped one is missing."""
    ws = sample_workspace(folder / "ws")
    add_rows(ws.ledger_path, SHEET, items)
    if not (default_templates_dir() / TEMPLATE).exists():
        stand_in_template(ws.root / "templates" / TEMPLATE)
    return ws


def _run(ws: Workspace, *args: str):
    result = CliRunner().invoke(main, ["report", "-w", str(ws.root), "--register", "党务公开", "--year", "2026", *args])
    return result


def _sheet_rows(sheet) -> dict[str, dict]:
    headers = [c.value for c in sheet[2]]
    return {r[0]: dict(zip(headers, r)) for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}


def _docx_text(path) -> tuple[str, list[list[str]]]:
    document = docx.Document(str(path))
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return "\n".join(p.text for p in document.paragraphs), rows


def test_year_workbook_holds_the_ledgers_figures_with_charts(ledger_ws):
    result = _run(ledger_ws)
    assert result.exit_code == 0, result.output
    want = expected(D(2026, 1, 1), D(2026, 12, 31))
    t = want["total"]
    assert (t["公开事项"], t["按时公开"], t["逾期公开"], t["未公开"], t["逾期未公开"]) == (5, 3, 2, 2, 1)  # the data is what we meant
    line = (
        f"2026年度党务公开：公开事项 {t['公开事项']} 项（按时 {t['按时公开']}，逾期 {t['逾期公开']}），"
        f"未公开 {t['未公开']} 项（逾期未公开 {t['逾期未公开']} 项）；收到意见 {t['收到意见']} 条，"
        f"已处理 {t['已处理']} 条，已答复 {t['已答复']} 条；再公开 {t['再公开']} 项。"
    )
    assert line in result.output
    folder = ledger_ws.outbox / "报告"
    assert "统计表：outbox/报告/党务公开情况统计_2026年度.xlsx" in result.output
    wb = openpyxl.load_workbook(folder / "党务公开情况统计_2026年度.xlsx")
    assert wb.sheetnames == ["按类别", "按范围", "公开目录"]
    for name, first, groups in (("按类别", "公开类别", CATEGORIES), ("按范围", "公开范围", SCOPES)):
        sheet = wb[name]
        rows = _sheet_rows(sheet)
        assert list(rows) == [*groups, "合计"]  # every area / scope listed, 0 rows included
        for g in groups:
            assert {h: rows[g][h] for h in HEADERS} == want["rows"][(first, g)], (name, g)
        assert {h: rows["合计"][h] for h in HEADERS} == t
        assert rows["合计"]["按时公开率"] == pytest.approx(t["按时公开"] / t["公开事项"])
        assert len(sheet._charts) >= 1 and all(c.tagname == "barChart" for c in sheet._charts)
    catalogue = _sheet_rows(wb["公开目录"])
    assert [r["公开编号"] for r in catalogue.values()] == [it["公开编号"] for it in want["disclosed"]]


def test_catalogue_docx_lists_every_disclosed_item_with_its_date_and_nothing_else(ledger_ws):
    assert _run(ledger_ws).exit_code == 0
    text, rows = _docx_text(ledger_ws.outbox / "报告" / "党务公开目录_2026年度.docx")
    assert f"{ledger_ws.settings.org_name}2026年度党务公开目录" in text
    assert "2026年1月1日至2026年12月31日" in text and "2026年12月4日" in text and "党务公开工作办公室" in text
    want = expected(D(2026, 1, 1), D(2026, 12, 31))
    listed = [r for r in rows if re.fullmatch(r"GK-\d{4}-\d{3}", r[1])]
    assert [r[1] for r in listed] == [it["公开编号"] for it in want["disclosed"]]
    for n, (row, it) in enumerate(zip(listed, want["disclosed"]), start=1):
        assert row[0] == str(n) and row[2:6] == [it["公开类别"], it["公开事项"], it["公开范围"], it["公开形式"]]
        assert row[6] == cn_date(it["公开日期"] or it["党内公开日期"])  # dated by its disclosure to the whole 公开范围
    body = text + "\n".join("".join(r) for r in rows)
    for it in ITEMS:
        if it not in want["disclosed"]:
            assert it["公开编号"] not in body and it["公开事项"] not in body, it["公开编号"]
    assert f"党务公开事项{len(want['disclosed'])}项" in text


def test_second_half_as_json(ledger_ws):
    result = _run(ledger_ws, "--half", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    t = expected(D(2026, 7, 1), D(2026, 12, 31))["total"]
    assert (data["label"], data["start"], data["end"]) == ("2026年下半年", "2026-07-01", "2026-12-31")
    got = dict(
        zip(HEADERS, (data[k] for k in ("items", "on_time", "late", "pending", "overdue", "opinions", "handled", "replied", "republished")))
    )
    assert got == t
    assert [e["公开编号"] for e in data["catalogue"]] == ["GK-2026-003", "GK-2026-004", "GK-2026-005"]
    assert data["catalogue"][0]["公开日期"] == "2026-09-01"
    assert data["xlsx"].endswith("党务公开情况统计_2026年下半年.xlsx") and data["pdf"] is None
    text, _ = _docx_text(data["docx"])
    assert "2026年下半年党务公开目录" in text and "2026年7月1日至2026年12月31日" in text


def test_a_period_without_items_is_refused_and_nothing_written(ledger_ws):
    result = CliRunner().invoke(main, ["report", "-w", str(ledger_ws.root), "--register", "党务公开", "--year", "2030"])
    assert result.exit_code == 2 and "2030年度没有公开或计划公开的党务公开事项" in result.output, result.output
    assert not list((ledger_ws.outbox / "报告").glob("*2030*"))


def test_an_unknown_tag_in_the_workspaces_template_is_reported_before_anything_is_written(tmp_path):
    ws = sample_workspace(tmp_path / "ws")
    add_rows(ws.ledger_path, SHEET, ITEMS)
    own = ws.root / "templates" / TEMPLATE
    stand_in_template(own)
    edited = Document(str(own))
    edited.add_paragraph("{{ 公开单位 }}")
    edited.save(str(own))
    before = digest(ws.ledger_path)
    result = _run(ws)
    assert result.exit_code == 5, result.output
    assert "公开单位" in result.output and "党务公开目录.docx" in result.output
    assert not (ws.outbox / "报告").exists() or not list((ws.outbox / "报告").iterdir())
    assert digest(ws.ledger_path) == before


def test_a_date_cell_holding_text_is_named(tmp_path):
    ws = _workspace(tmp_path, [{**ITEMS[0], "公开日期": "下周一"}])
    result = _run(ws)
    assert result.exit_code == 3 and "党务公开台账!M2" in result.output and "下周一" in result.output, result.output
    assert not (ws.outbox / "报告").exists() or not list((ws.outbox / "报告").iterdir())


@pytest.mark.slow
def test_catalogue_pdf(ledger_ws, soffice):
    result = _run(ledger_ws, "--pdf")
    assert result.exit_code == 0, result.output
    pdf = ledger_ws.outbox / "报告" / "党务公开目录_2026年度.pdf"
    assert f"报告 PDF：{pdf.relative_to(ledger_ws.root)}" in result.output
    with pdfplumber.open(pdf) as document:
        text = re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in document.pages))
        cells = [[re.sub(r"\s+", "", c or "") for c in row] for page in document.pages for t in page.extract_tables() for row in t]
    assert f"{ledger_ws.settings.org_name}2026年度党务公开目录" in text
    listed = {row[1]: row for row in cells if len(row) > 6 and row[1].startswith("GK-")}  # cells keep wrapped text together
    disclosed = expected(D(2026, 1, 1), D(2026, 12, 31))["disclosed"]
    assert list(listed) == [it["公开编号"] for it in disclosed]
    for it in disclosed:
        shown = it["公开日期"] or it["党内公开日期"]
        assert listed[it["公开编号"]][3] == it["公开事项"] and listed[it["公开编号"]][6] == cn_date(shown)
