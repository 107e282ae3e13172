"""`dangwu status`: counts by status and the open items, read from the ledger the toolkit wrote."""

from __future__ import annotations

import json

from click.testing import CliRunner

from toolkit import ingest, status
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.ledger import schema as S

from .conftest import digest, notice_path, set_cell


def test_counts_follow_the_workflow(notified):
    fill_form(
        notice_path(notified, "DB-2026-001"),
        notified.inbox / "a.docx",
        {"办理情况": "完成", "办理状态": "☑已办结", "完成日期": "2026-04-01"},
    )
    ingest(notified)
    set_cell(notified.ledger_path, S.SUPERVISION.name, "DB-2026-003", "状态", "已办结")
    st = status(notified)
    assert st.total == 3
    assert st.counts["待审核"] == 1 and st.counts["已通知"] == 1 and st.counts["已办结"] == 1
    assert [i.number for i in st.open_items] == ["DB-2026-001", "DB-2026-002"]


def test_cli_status_json_and_text(notified):
    CliRunner().invoke(main, ["status", "-w", str(notified.root)])  # first run paints the 预警 column
    before = digest(notified.ledger_path)
    result = CliRunner().invoke(main, ["status", "-w", str(notified.root), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["total"] == 3 and data["counts"]["已通知"] == 3
    assert {i["number"] for i in data["open"]} == {"DB-2026-001", "DB-2026-002", "DB-2026-003"}
    text = CliRunner().invoke(main, ["status", "-w", str(notified.root)])
    assert "督查督办事项共 3 项" in text.output and "DB-2026-002" in text.output
    assert digest(notified.ledger_path) == before


def test_every_command_has_help_text():
    def walk(cmd, path):
        assert cmd.help, f"{path} has no help text"
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(main, "dangwu")
