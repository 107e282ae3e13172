"""`dangwu check`: every bad ledger is reported with its cell, and other commands refuse to run."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from click.testing import CliRunner

from toolkit import check, generate, ingest
from toolkit.cli import main
from toolkit.errors import LedgerInvalid
from toolkit.ledger import schema as S

from .conftest import add_rows, digest


def run(*args):
    """Invoke the CLI and return the result."""
    return CliRunner().invoke(main, [str(a) for a in args])


def test_clean_workspace_passes(ws):
    result = run("check", "-w", ws.root)
    assert result.exit_code == 0, result.output
    assert "0 处错误" in result.output


def _break(ws, mutate):
    wb = openpyxl.load_workbook(ws.ledger_path)
    mutate(wb)
    wb.save(ws.ledger_path)


@pytest.mark.parametrize(
    "mutate, where, words",
    [
        (lambda wb: wb.remove(wb["承办单位"]), "ledger.xlsx", "缺少工作表“承办单位”"),
        (lambda wb: wb[S.SUPERVISION.name].cell(1, 10, "期限"), "督查督办台账!第1行", "缺少表头“办理时限”"),
        (lambda wb: wb[S.SUPERVISION.name].cell(3, 7, "不存在的处"), "督查督办台账!G3", "单位“不存在的处”不在"),
        (lambda wb: wb[S.SUPERVISION.name].cell(4, 8, "学工处、火星学院"), "督查督办台账!H4", "单位“火星学院”不在"),
        (lambda wb: wb[S.SUPERVISION.name].cell(2, 10, "2026-13-45"), "督查督办台账!J2", "不是日期"),
        (lambda wb: wb[S.SUPERVISION.name].cell(2, 10, dt.date(2026, 1, 1)), "督查督办台账!J2", "早于交办时间"),
        (lambda wb: setattr(wb[S.SUPERVISION.name]["E3"], "value", None), "督查督办台账!E3", "“督办事项”不能为空"),
        (lambda wb: wb[S.SUPERVISION.name].cell(2, 3, "群众来信"), "督查督办台账!C2", "不在可选范围内"),
        (lambda wb: wb[S.SUPERVISION.name].cell(2, 11, "搁置"), "督查督办台账!K2", "不在可选范围内"),
    ],
)
def test_bad_ledgers_are_reported_with_the_cell(ws, mutate, where, words):
    _break(ws, mutate)
    problems = [p for p in check(ws) if p.level == "error"]
    assert any(p.where == where and words in p.message for p in problems), problems
    result = run("check", "-w", ws.root, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["ok"] is False and any(p["where"] == where for p in data["problems"])


def test_duplicate_numbers_name_both_cells(ws):
    _break(ws, lambda wb: (wb[S.SUPERVISION.name].cell(2, 1, "DB-2026-007"), wb[S.SUPERVISION.name].cell(4, 1, "DB-2026-007")))
    problems = [p for p in check(ws) if p.level == "error"]
    assert any(p.where == "督查督办台账!A4" and "督查督办台账!A2" in p.message and "重复" in p.message for p in problems)


def test_all_problems_are_listed_at_once(ws):
    _break(ws, lambda wb: (wb[S.SUPERVISION.name].cell(2, 10, "明年"), wb[S.SUPERVISION.name].cell(3, 7, "某某处")))
    wheres = {p.where for p in check(ws) if p.level == "error"}
    assert {"督查督办台账!J2", "督查督办台账!G3"} <= wheres


def test_generate_and_ingest_refuse_an_invalid_ledger(ws):
    _break(ws, lambda wb: wb[S.SUPERVISION.name].cell(2, 10, "2026-02-30"))
    before = digest(ws.ledger_path)
    with pytest.raises(LedgerInvalid):
        generate(ws, "notice")
    with pytest.raises(LedgerInvalid):
        ingest(ws)
    result = run("generate", "notice", "-w", ws.root)
    assert result.exit_code == 3
    assert "dangwu check" in result.output and "督查督办台账!J2" in result.output
    assert digest(ws.ledger_path) == before
    assert not list(ws.outbox.rglob("*.docx"))


def test_short_unit_names_are_accepted(ws):
    add_rows(
        ws.ledger_path,
        S.SUPERVISION.name,
        [
            {
                "交办时间": dt.date(2026, 6, 1),
                "督办事项": "简称测试",
                "主办单位": "信息学院",
                "协办单位": "后勤处，教务",
                "办理时限": "2026年7月1日",
            }
        ],
    )
    assert not [p for p in check(ws) if p.level == "error"]


def test_broken_template_is_reported_before_a_batch(ws):
    own = ws.root / "templates" / "督查督办"
    own.mkdir(parents=True)
    (own / "督查督办通知单.docx").write_bytes(b"not a docx")
    before = digest(ws.ledger_path)
    result = run("generate", "notice", "-w", ws.root)
    assert result.exit_code == 5 and "模板" in result.output
    assert digest(ws.ledger_path) == before and not list(ws.outbox.rglob("*.docx"))
    assert any("模板" in p.where for p in check(ws))


def test_not_a_workspace_says_what_to_do(tmp_path):
    result = run("status", "-w", tmp_path)
    assert result.exit_code == 2 and "dangwu init" in result.output


def test_main_unit_listed_again_among_co_units_is_refused(ws):
    _break(ws, lambda wb: wb[S.SUPERVISION.name].cell(2, 8, "信息学院、教务"))  # 主办 教务处, by its 简称
    problems = [p for p in check(ws) if p.level == "error"]
    found = [p for p in problems if p.where == "督查督办台账!H2"]
    assert found and "教务处" in found[0].message and "删去" in found[0].message and "督查督办台账!G2" in found[0].message
    before = digest(ws.ledger_path)
    result = run("generate", "notice", "-w", ws.root)
    assert result.exit_code == 3 and "督查督办台账!H2" in result.output
    assert digest(ws.ledger_path) == before and not list(ws.outbox.rglob("*.docx"))
