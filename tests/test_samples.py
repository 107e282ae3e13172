"""The shipped samples/ tell a consistent story: notices dated when issued, replies after them, a README true to the demo."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import docx
import openpyxl
import pytest

from toolkit.dates import cn_date, parse_date
from toolkit.forms.identity import fingerprint
from toolkit.intake.pipeline import read_returned, sha256_of
from toolkit.ledger import schema as S
from toolkit.registers.disclosure.kinds import FEEDBACK_FORM

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
    for m in re.finditer(r'^(?:DANGWU_TODAY=\S+\s+)?(?:run|brief \d+|"\$DW")\s+(generate \w+|\w+)', demo, re.M):
        if m.group(1) not in commands:
            commands.append(m.group(1))
    assert commands[:3] == ["check", "generate notice", "ingest"] and "verify" in commands
    for step in (
        "generate announcement",
        "generate feedback",
        "respond",
        "generate reply",
        "generate redisclosure",
        "plan",
        "generate talk",
        "generate visit",
    ):
        assert step in commands, f"the demo does not run {step}"
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


def test_sample_settings_print_the_disclosure_channels_and_file_it():
    """公示 and 意见反馈表 print the feedback channels; `archive --register 党务公开` finds its 保管期限 and code."""
    settings = tomllib.loads((SAMPLES / "dangwu.toml").read_text(encoding="utf-8"))
    section = settings["disclosure"]
    assert re.fullmatch(r"0\d{2,3}-\d{7,8}", section["phone"]) and "@" in section["email"] and section["address"]
    assert section["code"] and int(section["period_days"]) >= 1 and section["plain_kind"] in ("通知", "公告")
    for table in ("retention", "org_code", "org_name"):
        assert settings["archive"][table].get("党务公开"), f"[archive.{table}] has no 党务公开 line"


@pytest.fixture(scope="module")
def disclosures() -> dict[str, dict]:
    """The sample ledger's 党务公开台账 rows, by 公开编号."""
    sheet = openpyxl.load_workbook(SAMPLES / "ledger.xlsx", read_only=True)["党务公开台账"]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return {r["公开编号"]: r for r in (dict(zip(headers, row)) for row in rows) if r.get("公开编号")}


def test_routine_items_name_their_series(disclosures):
    """`plan disclosure --quarter 2027Q1` adds a row only for a 常规性 item with its 常规事项."""
    routine = [r for r in disclosures.values() if r["时限类型"] == "常规性"]
    assert routine and all(r["常规事项"] for r in routine)


def test_announcement_bodies_are_real_documents(disclosures):
    """公开内容/: one Word body with a heading, a table and a numbered list, one text body; each an item's 公开编号."""
    folder = SAMPLES / "公开内容"
    bodies = sorted(folder.iterdir())
    assert {p.suffix for p in bodies} == {".docx", ".txt"}
    for path in bodies:
        assert path.stem in disclosures, f"{path.name} is not named after a 公开编号"
    [word] = [p for p in bodies if p.suffix == ".docx"]
    document = docx.Document(str(word))
    styles = [p.style.name for p in document.paragraphs]
    assert any(s.startswith("Heading") for s in styles) and "List Number" in styles and document.tables
    assert len(document.tables[0].rows) > 5
    [text] = [p for p in bodies if p.suffix == ".txt"]
    assert len([line for line in text.read_text(encoding="utf-8").splitlines() if line.strip()]) >= 3


def test_returned_opinions_are_the_toolkits_feedback_forms(disclosures):
    """待交回意见/<day>/: filled 意见反馈表 carrying the identity the toolkit wrote, one without a name (实名 refused)."""
    forms = sorted((SAMPLES / "待交回意见").glob("*/*"))
    assert len({p.parent.name for p in forms}) >= 2, "opinions come back on at least two days"
    names = []
    for path in forms:
        _, _, form, why = read_returned(path)
        assert form is not None, f"{path.name}: {why}"
        ident = form.identity()
        assert ident.kind == FEEDBACK_FORM.code and ident.number in disclosures, path.name
        assert ident.fingerprint == fingerprint(form.fields, FEEDBACK_FORM.prefilled), f"{path.name}: prefilled text changed"
        assert ident.unit == disclosures[ident.number]["公开范围"]
        assert form.fields.get("意见建议", "").strip(), path.name
        m = re.fullmatch(r"(\d+)月(\d+)日交回", path.parent.name)
        assert m, path.parent.name
        assert parse_date(form.fields["反馈日期"]) <= dt.date(2026, int(m[1]), int(m[2])), f"{path.name} dated after it was handed in"
        names.append(form.fields.get("反馈人", "").strip())
    assert names.count("") == 1 and len([n for n in names if n]) >= 2


@pytest.fixture(scope="module")
def ledger_book():
    return openpyxl.load_workbook(SAMPLES / "ledger.xlsx", read_only=True)


def records(book, name: str) -> list[dict]:
    rows = book[name].iter_rows(values_only=True)
    headers = next(rows)
    return [r for r in (dict(zip(headers, row)) for row in rows) if any(v not in (None, "") for v in r.values())]


def test_committee_has_two_chiefs_contact_points_and_units_with_heads(ledger_book):
    """班子成员: 7 members, 书记 and 校长 党政正职; every 联系点 and 分管单位 a 承办单位 whose 负责人 is set."""
    members = records(ledger_book, "班子成员")
    heads = {u["单位名称"]: u["负责人"] for u in records(ledger_book, "承办单位")}
    assert len(members) == 7
    chiefs = [m for m in members if m["党政正职"] == "是"]
    assert len(chiefs) == 2 and "书记" in chiefs[0]["职务"] and "校长" in chiefs[1]["职务"]
    for m in members:
        for column in ("联系点", "分管单位"):
            units = [u for u in (m[column] or "").split("、") if u]
            assert units, f"{m['姓名']} has no {column}"
            assert all(heads.get(u) for u in units), f"{m['姓名']}'s {column} {units}: not a 承办单位 with a 负责人"


def test_care_list_has_festival_and_daily_people_at_contact_points(ledger_book):
    """慰问对象: 老党员/老同志 for 元旦, 困难 and 重病 for 日常; each unit one member's 联系点 (the 慰问人)."""
    people = records(ledger_book, "慰问对象")
    kinds = [p["类别"] for p in people]
    assert {"老党员", "老同志", "困难", "重病"} <= set(kinds) and kinds.count("困难") == kinds.count("重病") == 1
    contacts = [u for m in records(ledger_book, "班子成员") for u in m["联系点"].split("、")]
    for p in people:
        assert contacts.count(p["单位"]) == 1, f"{p['姓名']}: {p['单位']} is not exactly one member's 联系点"
        assert p["所在支部"] and p["联系电话"] and p["住址"]
    assert not records(ledger_book, "谈心谈话记录") and not records(ledger_book, "走访慰问调研"), "the demo plans them"


def test_sample_settings_have_the_liaison_section_and_file_it():
    settings = tomllib.loads((SAMPLES / "dangwu.toml").read_text(encoding="utf-8"))
    section = settings["liaison"]
    assert int(section["visits_per_year"]) >= 1 and int(section["care_interval_days"]) >= 1
    for key in ("talk_yellow_from", "talk_red_from"):
        assert re.fullmatch(r"\d\d-\d\d", section[key])
    for table in ("retention", "org_code", "org_name"):
        assert settings["archive"][table].get("联系服务群众"), f"[archive.{table}] has no 联系服务群众 line"


def test_returned_liaison_sheets_are_the_toolkits_own():
    """待交回记录表/<day>/: talk sheets (面对面, 电话, one with two ways ticked), a 走访 record and a 慰问登记表,
    each carrying the identity and fingerprint the toolkit wrote, filled in no later than the day handed in."""
    from toolkit.forms.checkbox import read_choice
    from toolkit.registers.liaison.sheets import WAYS
    from toolkit.registers.liaison.talks import TALK_SHEET
    from toolkit.registers.liaison.visits import CARE_SHEET, VISIT_SHEET

    kinds = {k.code: k for k in (TALK_SHEET, VISIT_SHEET, CARE_SHEET)}
    forms = sorted((SAMPLES / "待交回记录表").glob("*/*"))
    assert len({p.parent.name for p in forms}) >= 2
    ways, problems, seen = [], [], set()
    for path in forms:
        _, _, form, why = read_returned(path)
        assert form is not None, f"{path.name}: {why}"
        ident = form.identity()
        kind = kinds[ident.kind]
        seen.add(ident.kind)
        assert ident.fingerprint == fingerprint(form.fields, kind.prefilled), f"{path.name}: prefilled text changed"
        m = re.fullmatch(r"(\d+)月(\d+)日交回", path.parent.name)
        handed_in = dt.date(2026, int(m[1]), int(m[2]))
        label = {"talk_sheet": "谈话日期", "visit_sheet": "时间", "care_sheet": "慰问时间"}[ident.kind]
        held = parse_date(re.match(r"\d+年\d+月\d+日", form.fields[label])[0])
        assert held <= handed_in and held.year == 2026, f"{path.name} held {held}, handed in {handed_in}"
        if ident.kind == "talk_sheet":
            assert ident.number.startswith("TH-2026-") and form.fields["谈话主要内容"].strip()
            way, problem = read_choice(form.fields["谈话方式"], WAYS)
            ways.append(way)
            problems.append(problem)
    assert seen == set(kinds)
    assert "面对面" in ways and "电话" in ways and sum(bool(p) for p in problems) == 1
