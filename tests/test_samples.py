"""The shipped samples/ tell a consistent story: notices dated when issued, replies after them, a README true to the demo."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import docx
import openpyxl
import pytest

from toolkit.dates import cn_date, parse_date
from toolkit.intake.pipeline import read_returned, sha256_of
from toolkit.ledger import schema as S

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def items() -> dict[str, dict]:
    """The sample ledger's numbered supervision rows, by 立项编号."""
    sheet = openpyxl.load_workbook(SAMPLES / "ledger.xlsx", read_only=True)[S.SUPERVISION.name]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    out = {}
    for r in rows:
        rec = dict(zip(headers, r))
        if rec.get("立项编号"):
            out[rec["立项编号"]] = {k: v.date() if hasattr(v, "date") else v for k, v in rec.items()}
    return out


def test_notices_are_dated_the_day_they_were_issued(items):
    notified = {n: i for n, i in items.items() if i["通知日期"]}
    assert len(notified) >= 10
    assert len({i["通知日期"] for i in notified.values()}) == len(notified), "each item notified on its own day"
    for number, item in notified.items():
        assert item["交办时间"] <= item["通知日期"] < item["办理时限"], number
    notices = sorted((SAMPLES / "outbox" / "督查督办通知单").glob("*.docx"))
    assert notices
    for path in notices:
        number = path.name.split("_")[0]
        document = docx.Document(str(path))
        text = "\n".join(p.text for p in document.paragraphs) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert cn_date(items[number]["通知日期"]) in text, f"{path.name} is not dated {items[number]['通知日期']}"


def test_replies_are_completed_after_their_notice(items):
    for number, item in items.items():
        if item["完成日期"]:
            assert item["通知日期"] < item["完成日期"] <= (item["办结日期"] or item["完成日期"]), number
    checked = 0
    for path in sorted((SAMPLES / "inbox").iterdir()):
        _, _, form, _ = read_returned(path)
        if form is None or not form.identities:
            continue  # the cases of unreadable files and of a form that is not ours
        number = form.identity().number
        try:
            done = parse_date(form.fields.get("完成日期") or None)
        except ValueError:
            continue  # the case of a date that is not one (下周一)
        if number in items and done and done.year < 2090:  # 2099: the case of a date in the future
            assert items[number]["通知日期"] < done, f"{path.name}: 完成日期 {done} before its notice"
            checked += 1
    assert checked >= 10


def test_readme_says_what_make_demo_runs():
    demo = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    commands = []
    for m in re.finditer(r'^(?:run|brief \d+|"\$DW")\s+(generate \w+|\w+)', demo, re.M):
        if m.group(1) not in commands:
            commands.append(m.group(1))
    assert commands[:3] == ["check", "generate notice", "ingest"] and "verify" in commands
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    trial = readme.split("## 试用", 1)[1].split("##", 1)[0]
    positions = [trial.find(c) for c in commands]
    assert -1 not in positions, f"README's 试用 does not name: {[c for c, p in zip(commands, positions) if p < 0]}"
    assert positions == sorted(positions), "README's 试用 lists the demo's commands out of order"


def test_a_closed_item_has_its_reply_on_file(items):
    """The sample closed the item as the office does (reply ingested, then reviewed), so its archive is complete."""
    closed = {n for n, i in items.items() if i["状态"] == "已办结"}
    assert closed and all(items[n]["审核人"] and items[n]["办结日期"] > items[n]["完成日期"] for n in closed)
    sheet = openpyxl.load_workbook(SAMPLES / "ledger.xlsx", read_only=True)[S.JOURNAL.name]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    receipts = {r["来源文件SHA256"]: r["编号"] for r in (dict(zip(headers, row)) for row in rows) if r["字段"] == "回执"}
    on_file = {receipts.get(sha256_of(p)) for p in (SAMPLES / "processed").iterdir()}
    assert closed <= on_file


def test_sample_settings_name_the_office_clerk():
    """备考表 整理人 comes from the settings, so the demo's archive never shows the login name of whoever runs it."""
    settings = tomllib.loads((SAMPLES / "dangwu.toml").read_text(encoding="utf-8"))
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", settings["archive"]["filer"])
