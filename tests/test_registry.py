"""Registers are plug-ins: the pipelines find them through the registry and name none of them.

A small register defined here (its own sheet, form kind, template, returned-form rule, check and
status summary) is added to the registry; generate, ingest, check and status then serve it with no
change to any pipeline module.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest

import toolkit
from toolkit import registers
from toolkit.archive.spec import ArchiveSpec
from toolkit.errors import FormRejected, UsageError
from toolkit.forms.fill import fill_form
from toolkit.forms.identity import fingerprint
from toolkit.forms.kinds import FormKind
from toolkit.intake import pipeline
from toolkit.ledger import schema as S
from toolkit.ledger.validate import Problem
from toolkit.ledger.workbook import ChangeContext, Ledger
from toolkit.registers.base import APPLIED, Applied, Register

from .conftest import digest

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = [
    "toolkit/generate.py",
    "toolkit/intake/pipeline.py",
    "toolkit/status.py",
    "toolkit/checks.py",
    "toolkit/cli.py",
    "toolkit/archive/build.py",
    "toolkit/archive/papers.py",
    "toolkit/archive/spec.py",
    "toolkit/ledger/validate.py",
    "toolkit/ledger/workbook.py",
    "toolkit/ledger/create.py",
    "toolkit/forms/kinds.py",
]

PROBE = S.Sheet(
    "试点台账",
    (
        S.Column("试点编号", S.ID),
        S.Column("登记日期", S.DATE, width=12),
        S.Column("事项", S.TEXT, required=True, width=30),
        S.Column("状态", S.CHOICE, choices=("待答复", "已答复"), width=10),
        S.Column("答复", S.TEXT, width=30),
    ),
    id_column="试点编号",
    id_prefix_key="probe",
    date_column_for_year="登记日期",
    optional=True,
)


def _select(ledger, units, ids=(), unit=None, force=False, settings=None):
    rows = [r for r in ledger.sheet(PROBE.name).rows() if (not ids or r.number in ids) and (force or r.text("状态") != "已答复")]
    return [(r, "全体", "填写人", {}) for r in rows], []


PROBE_FORM = FormKind(
    code="probe_form",
    title="试点征询表",
    register=PROBE,
    template="试点/试点征询表.docx",
    fields=("识别码", "试点编号", "事项"),
    prefilled=("试点编号", "事项"),
    feedback=("答复",),
    values=lambda row, units, unit, role, settings, extra: {"试点编号": row.number, "事项": row.text("事项")},
    select=_select,
    mark=lambda row, role, extra, context: row.set("状态", "待答复", context=context),
    label="征询表",
    help="生成试点征询表。",
    command="probe-form",
)


class ProbeSummary:
    def __init__(self, counts):
        self.counts = counts

    def lines(self):
        return [("试点事项：" + "，".join(f"{k} {v}" for k, v in self.counts.items()), None)]

    def as_dict(self):
        return {"counts": self.counts}


class Probe(Register):
    order = 50
    name = "试点"
    alias = "probe"
    sheet = PROBE
    sheets = (PROBE,)
    kinds = (PROBE_FORM,)
    prefix_key = "probe"

    def check_row(self, sheet, row, units):
        if row.text("状态") == "已答复" and not row.text("答复"):
            return [Problem("error", row.ref("答复"), "已答复的试点事项须填写“答复”。")]
        return []

    def apply_returned(self, ws, ledger, units, ident, kind, form, context):
        row = self.find_row(ledger, ident.number)
        if row is None:
            raise FormRejected(f"台账中没有 {ident.number}。")
        if fingerprint(form.fields, kind.prefilled) != ident.fingerprint:
            raise FormRejected("表单上预填的内容被改动。")
        row.set("答复", form.fields.get("答复", ""), context=context)
        row.set("状态", "已答复", context=context)
        return Applied(APPLIED, "已记录答复。", [row])

    def status(self, ws, ledger):
        counts = {"待答复": 0, "已答复": 0}
        for row in ledger.sheet(PROBE.name).rows():
            counts[row.text("状态") or "待答复"] += 1
        return ProbeSummary(counts)


def _template(path: Path) -> None:
    """A form as a clerk might make it in Word: a table of labels, the identity line at the end."""
    d = docx.Document()
    d.add_paragraph("试点征询表")
    table = d.add_table(rows=3, cols=2)
    for i, (label, value) in enumerate((("试点编号", "{{ 试点编号 }}"), ("事项", "{{ 事项 }}"), ("答复", ""))):
        table.cell(i, 0).text, table.cell(i, 1).text = label, value
    d.add_paragraph("识别码：{{ 识别码 }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))


@pytest.fixture
def probe(ws, monkeypatch):
    """The workspace with the probe register added to the registry, its template and two items."""
    monkeypatch.setattr(registers, "_FOUND", [*registers.all_registers(), Probe()])
    pipeline.all_labels.cache_clear()
    ws.settings.prefixes["probe"] = "SD"
    _template(ws.root / "templates" / PROBE_FORM.template)
    ledger = Ledger.load(ws.ledger_path, for_write=True)
    context = ChangeContext(operation="登记")
    for task in ("食堂意见征询", "图书馆开放时间"):
        ledger.sheet(PROBE.name).append({"登记日期": dt.date(2026, 11, 2), "事项": task}, context=context)
    ledger.save()
    yield ws
    pipeline.all_labels.cache_clear()


def test_a_new_register_is_served_by_every_pipeline_unchanged(probe):
    result = toolkit.generate(probe, "probe-form")
    assert [d.number for d in result.documents] == ["SD-2026-001", "SD-2026-002"]  # numbered by the register's prefix
    assert result.documents[0].identity.startswith("DW1|probe_form|SD-2026-001|")
    fill_form(result.documents[0].path, probe.inbox / "答复.docx", {"答复": "同意延长开放时间"})
    outcomes = toolkit.ingest(probe)
    assert [(o.result, o.number) for o in outcomes] == [(APPLIED, "SD-2026-001")]
    sheet = openpyxl.load_workbook(probe.ledger_path)[PROBE.name]
    values = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["SD-2026-001"][3:5] == ("已答复", "同意延长开放时间")
    assert values["SD-2026-002"][3] == "待答复"
    summary = toolkit.status(probe)
    assert summary["试点"].counts == {"待答复": 1, "已答复": 1} and summary["probe"] is summary["试点"]
    assert summary["督查督办"].total == 3  # every register, in the registry's order
    names = [name for name, _ in summary.parts]
    assert names[:2] == ["督查督办", "党务公开"] and names[-1] == "试点"  # every register with a summary, in order
    assert "试点事项：待答复 1，已答复 1" in [line for line, _ in summary.lines()]


def test_a_register_checks_its_own_rows(probe):
    ledger = Ledger.load(probe.ledger_path, for_write=True)
    row = ledger.sheet(PROBE.name).rows()[0]
    row.set("状态", "已答复", context=ChangeContext(operation="test"))
    ledger.save()
    problems = [p for p in toolkit.check(probe) if p.level == "error"]
    assert [p.message for p in problems] == ["已答复的试点事项须填写“答复”。"]
    assert problems[0].where.startswith("试点台账!E")


def test_registers_are_found_by_name_alias_and_kind():
    reg = registers.get("督查督办")
    assert registers.get("supervision") is reg
    assert registers.by_kind("notice")[0] is reg and registers.by_kind("reminder")[1].title == "催办通知单"
    assert registers.by_kind("no_such_kind") == (None, None)
    with pytest.raises(UsageError, match="没有名为“党建”的台账"):
        registers.get("党建")


def test_kind_codes_and_names_must_be_unique_across_registers():
    class Clash(Probe):
        name, alias = "冲突", "clash"
        kinds = (FormKind(code="notice", title="冲突表", register=PROBE, template="x.docx", fields=(), prefilled=()),)

    class Twin(Probe):
        alias = "supervision"

    class BadCode(Probe):
        kinds = (FormKind(code="Probe-Form", title="试点表", register=PROBE, template="x.docx", fields=(), prefilled=()),)

    with pytest.raises(RuntimeError, match="kind code 'notice'"):
        registers._check([*registers.all_registers(), Clash()])
    with pytest.raises(RuntimeError, match="name 'supervision'"):
        registers._check([*registers.all_registers(), Twin()])
    with pytest.raises(RuntimeError, match=r"not \[a-z_\]\+"):
        registers._check([BadCode()])


@pytest.mark.parametrize("module", PIPELINES)
def test_pipelines_import_no_register_package(module):
    """generate, ingest, status, check, archive, the ledger and the command line reach registers only through the registry."""
    packages = {p.name for p in (ROOT / "toolkit" / "registers").iterdir() if (p / "__init__.py").exists()}
    old_modules = {"supervision_in", "supervision_out"}
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and "registers" in node.module:
            parts = node.module.split(".")
            tail = parts[parts.index("registers") + 1 :] if "registers" in parts else []
            named = set(tail) | {a.name for a in node.names}
            assert not named & (packages | old_modules), f"{module} imports a register: {ast.unparse(node)}"


def test_archive_refuses_a_register_it_cannot_file(probe):
    with pytest.raises(UsageError, match="“试点”暂不归档"):
        toolkit.archive(probe, 2026, "试点")


def test_archive_never_gives_a_register_another_registers_codes(probe, monkeypatch):
    """A register without its own 保管期限 and 机构（问题）代码 is refused: 档号 must not collide across registers."""

    class Filed(ArchiveSpec):
        def items(self, ledger, year):
            rows = ledger.sheet(PROBE.name).rows()
            return rows, rows, []

    monkeypatch.setattr(Probe, "archive", Filed())
    before = digest(probe.ledger_path)
    with pytest.raises(UsageError) as info:
        toolkit.archive(probe, 2026, "probe")
    assert "没有“试点”的归档设置" in info.value.message
    assert '[archive.retention] 中加一行 "试点"' in info.value.hint and "[archive.org_code]" in info.value.hint
    assert digest(probe.ledger_path) == before and not (probe.archive / "2026").exists()
