"""`dangwu report --register 联系服务群众`: each member's 联系服务群众情况 and the committee workbook.

Expected figures are worked out here from the rows the test types into the ledger, never read back
from the module under test. Talk content, 困难情况, phone, address and the names of people visited
with 慰问 must appear nowhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import docx
import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner

from toolkit import Workspace, init_workspace
from toolkit.cli import main
from toolkit.dates import cn_date
from toolkit.workspace import default_templates_dir

from .conftest import add_rows

D = dt.date
TODAY = D(2026, 12, 4)
TEMPLATE = "联系服务群众/联系服务群众情况.docx"
UNITS = [
    {"单位名称": "教务处", "单位简称": "教务", "负责人": "李敏"},
    {"单位名称": "学生工作处", "单位简称": "学工处", "负责人": "赵红"},
    {"单位名称": "信息工程学院", "单位简称": "信息学院", "负责人": "孙立"},
    {"单位名称": "后勤管理处", "单位简称": "后勤处", "负责人": "吴强"},
    {"单位名称": "机械工程学院", "单位简称": "机械学院", "负责人": "周平"},
]
MEMBERS = [
    {"姓名": "王建国", "职务": "党委书记", "党政正职": "是", "联系点": "信息工程学院、机械工程学院"},
    {"姓名": "陈志明", "职务": "校长", "党政正职": "是", "分管单位": "教务处", "联系点": "后勤管理处"},
    {"姓名": "刘芳", "职务": "党委副书记", "党政正职": "否", "分管单位": "学生工作处", "联系点": "学生工作处"},
    {"姓名": "张伟", "职务": "副校长", "党政正职": "否", "分管单位": "后勤管理处", "联系点": "教务处"},
    {"姓名": "李娜", "职务": "纪委书记", "党政正职": "否"},
    {"姓名": "赵磊", "职务": "副校长", "党政正职": "否"},
    {"姓名": "孙涛", "职务": "副校长", "党政正职": "否"},
]
NAMES = [m["姓名"] for m in MEMBERS]
HEADS = {"陈志明": ["李敏"], "刘芳": ["赵红"], "张伟": ["吴强"]}  # the 负责人 of each member's 分管单位
CHIEF, PEER, HEAD, KEY = "正职与班子成员", "班子成员之间", "与分管领域负责人", "与骨干"


def _talk(number, who, other, kind, way, talked, state="已记录", planned=None, post=""):
    n = number or who + other
    return {
        "谈话编号": number,
        "计划日期": planned,
        "谈话日期": talked,
        "谈话人": who,
        "谈话对象": other,
        "谈话对象单位及职务": post,
        "谈话类型": kind,
        "谈话方式": way,
        "地点": "党委会议室",
        "主要内容": f"【谈话内容{n}】思想动态",
        "意见建议": f"【意见建议{n}】",
        "后续跟进": f"【谈话跟进{n}】",
        "需协调解决的问题": f"【协调问题{n}】",
        "状态": state,
    }


TALKS = [
    _talk("TH-2026-001", "王建国", "陈志明", CHIEF, "面对面", D(2026, 3, 10), post="校长"),
    _talk("TH-2026-002", "王建国", "刘芳", CHIEF, "电话", D(2026, 4, 15)),
    _talk("TH-2026-003", "陈志明", "张伟", CHIEF, "面对面", D(2026, 4, 20)),
    _talk("TH-2026-004", "刘芳", "张伟", PEER, "面对面", D(2026, 5, 8)),
    _talk("TH-2026-005", "王建国", "李娜", CHIEF, "", None, state="已安排", planned=D(2026, 6, 1)),
    _talk("TH-2026-006", "王建国", "赵磊", CHIEF, "面对面", D(2026, 6, 2), state="已取消"),
    _talk("TH-2026-007", "陈志明", "李敏", HEAD, "面对面", D(2026, 6, 12), post="教务处负责人"),
    _talk("TH-2026-008", "王建国", "钱学友", KEY, "面对面", D(2026, 9, 3), post="信息工程学院教师"),
    _talk("TH-2025-009", "王建国", "孙涛", CHIEF, "面对面", D(2025, 11, 20)),  # last year
    _talk("", "孙涛", "王建国", CHIEF, "面对面", D(2026, 11, 18)),  # unnumbered: its date's year; the pair's other side wrote it
    _talk("TH-2026-010", "王建国", "赵磊", CHIEF, "短信", D(2027, 1, 5)),  # the number's year, held in January
]


def _visit(number, when, members, kind, reason, target, state="已记录", solved="", follow="", gift="", hardship="", planned=None):
    return {
        "记录编号": number,
        "日期": when,
        "班子成员": members,
        "类型": kind,
        "事由": reason,
        "对象或单位": target,
        "主要情况": f"【主要情况{number}】",
        "解决问题": solved,
        "后续跟进": follow,
        "慰问金或物品": gift,
        "困难情况": hardship,
        "状态": state,
        "计划日期": planned,
    }


CONTACT, CARE, RESEARCH = "走访联系点", "慰问", "调研"
VISITS = [
    _visit("ZF-2026-001", D(2026, 3, 18), "王建国", CONTACT, "学科建设座谈", "信息学院", solved="协调解决实验室用房紧张问题",
           follow="督促后勤管理处年内完成改造"),
    _visit("ZF-2026-002", D(2026, 9, 22), "王建国", CONTACT, "走访", "信息工程学院", state=None),
    _visit("ZF-2026-003", D(2026, 5, 10), "王建国", CONTACT, "校企合作", "机械工程学院", solved="推动校企合作实训基地挂牌。"),
    _visit("ZF-2026-004", D(2026, 6, 5), "王建国", RESEARCH, "青年教师发展", "教务处", solved="完善青年教师导师制",
           follow="下半年出台实施办法"),
    _visit("ZF-2026-005", D(2026, 1, 20), "王建国", CARE, "春节慰问", "周福生", gift="500元", hardship="【困难情况甲】长期卧床",
           solved="【帮扶甲】申请临时救助"),
    _visit("ZF-2026-006", D(2026, 10, 29), "王建国、刘芳", CARE, "重阳节慰问", "吴桂兰", gift="慰问金800元及米油",
           hardship="【困难情况乙】"),
    _visit("ZF-2026-007", D(2026, 10, 29), "王建国", CARE, "重阳节慰问", "郑秀英", gift="米油一桶"),
    _visit("ZF-2026-008", None, "王建国", CARE, "困难帮扶", "冯秀兰", state="已安排", planned=D(2026, 12, 10)),
    _visit("ZF-2026-009", D(2026, 4, 1), "陈志明", CONTACT, "走访", "后勤管理处"),
    _visit("ZF-2025-010", D(2025, 12, 10), "王建国", CONTACT, "走访", "信息工程学院"),  # last year
    _visit("ZF-2025-011", D(2026, 1, 8), "陈志明", RESEARCH, "课程思政建设", "学生工作处"),  # numbered 2025, held 2026
    _visit("ZF-2026-012", D(2026, 7, 1), "王建国", CONTACT, "走访", "机械工程学院", state="已取消", solved="【取消的问题】"),
    _visit("ZF-2026-013", D(2026, 8, 15), "王建国", CONTACT, "走访", "学生工作处"),  # not one of his 联系点
]  # fmt: skip
CARE_LIST = [{"姓名": "周福生", "单位": "信息工程学院", "类别": "老党员", "联系电话": "13800001111", "住址": "幸福路8号"}]
SECRET = ["【谈话内容", "【意见建议", "【谈话跟进", "【协调问题", "【困难情况", "【帮扶", "【主要情况", "【取消",
          "周福生", "吴桂兰", "郑秀英", "冯秀兰", "13800001111", "幸福路", "老党员", "党委会议室"]  # fmt: skip


def _held(year=2026):
    """The talks counting for ``year``: 已记录, the year of the number else of the date."""
    out = []
    for t in TALKS:
        y = int(t["谈话编号"].split("-")[1]) if t["谈话编号"] else t["谈话日期"].year
        if t["状态"] == "已记录" and y == year:
            out.append(t)
    return out


def _mine(name):
    """A member's held talks: as 谈话人, or as 谈话对象 of a talk between two members."""
    return [t for t in _held() if t["谈话人"] == name or (t["谈话对象"] == name and t["谈话人"] in NAMES and t["谈话对象"] in NAMES)]


def _visits(name, kind):
    return [
        v
        for v in VISITS
        if v["日期"]
        and v["日期"].year == 2026
        and v["状态"] not in ("已安排", "已取消")
        and name in v["班子成员"].split("、")
        and v["类型"] == kind
    ]


def _pair(t):
    return frozenset((t["谈话人"], t["谈话对象"]))


def expected(name):
    """The member's figures worked out from TALKS and VISITS."""
    talks = _mine(name)
    months = [sum(1 for t in talks if t["谈话日期"].year == 2026 and t["谈话日期"].month == m) for m in range(1, 13)]
    pairs = {_pair(t) for t in _held() if t["谈话类型"] in (CHIEF, PEER)}
    heads = {(t["谈话人"], t["谈话对象"]) for t in _held() if t["谈话类型"] == HEAD}
    owed_pairs = [frozenset((name, o)) for o in NAMES if o != name]
    owed_heads = [(name, h) for h in HEADS.get(name, [])]
    contacts = next(m.get("联系点", "") for m in MEMBERS if m["姓名"] == name)
    mine_contacts = [v for v in _visits(name, CONTACT) if v["对象或单位"].replace("信息学院", "信息工程学院") in contacts]
    cares = _visits(name, CARE)
    done = _visits(name, CONTACT) + _visits(name, RESEARCH)
    return {
        "months": months,
        "other": len(talks) - sum(months),
        "talks": len(talks),
        "face": sum(1 for t in talks if t["谈话方式"] == "面对面"),
        "owed": len(owed_pairs) + len(owed_heads),
        "done": sum(p in pairs for p in owed_pairs) + sum(h in heads for h in owed_heads),
        "visit_need": len([c for c in contacts.split("、") if c]) * 2,
        "visits": len(mine_contacts),
        "research": len(_visits(name, RESEARCH)),
        "care": len(cares),
        "money": sum(int(re.search(r"(\d+)元", v["慰问金或物品"]).group(1)) for v in cares if "元" in v["慰问金或物品"]),
        "solved": sum(1 for v in done if v["解决问题"]),
        "followed": sum(1 for v in done if v["后续跟进"]),
    }


def _run(ws: Workspace, *args: str):
    return CliRunner().invoke(main, ["report", "-w", str(ws.root), "--register", "联系服务群众", "--year", "2026", *args])


@pytest.fixture(autouse=True)
def report_day(monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", TODAY.isoformat())


@pytest.fixture(scope="module")
def liaison_ws(tmp_path_factory):
    """A workspace with the committee, its talks and visits, and the report run once for everyone."""
    ws = init_workspace(tmp_path_factory.mktemp("liaison-report") / "ws", units=UNITS)
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    add_rows(ws.ledger_path, "谈心谈话记录", TALKS)
    add_rows(ws.ledger_path, "走访慰问调研", VISITS)
    add_rows(ws.ledger_path, "慰问对象", CARE_LIST)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANGWU_TODAY", TODAY.isoformat())
        result = _run(ws)
    assert result.exit_code == 0, result.output
    ws.first_output = result.output
    return ws


def _account(ws, name):
    document = docx.Document(str(ws.outbox / "报告" / f"联系服务群众情况_2026年度_{name}.docx"))
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    return document, paragraphs, rows


def test_the_data_is_what_we_meant():
    wang = expected("王建国")
    assert (wang["talks"], wang["face"], wang["owed"], wang["done"], wang["other"]) == (5, 3, 6, 4, 1)
    assert (wang["visit_need"], wang["visits"], wang["research"], wang["care"], wang["money"]) == (4, 3, 1, 3, 1300)
    assert (wang["solved"], wang["followed"]) == (3, 2)
    assert expected("陈志明")["owed"] == 7 and expected("陈志明")["done"] == 3 and expected("刘芳")["care"] == 1


def test_one_account_per_member_and_the_summary(liaison_ws):
    out = liaison_ws.first_output
    held = _held()
    face = sum(1 for t in held if t["谈话方式"] == "面对面")
    assert f"2026年度联系服务群众：班子成员 7 人，已记录谈心谈话 {len(held)} 次（面对面 {face} 次）" in out, out
    assert "制度要求的谈话 24 次中已谈 7 次" in out  # 21 pairs and 3 heads; 7 of them held
    assert "走访联系点 5 次，调研 2 次，慰问 3 人次（慰问金合计 1300 元，另有 1 次未写明金额）" in out
    assert "走访调研中解决问题 3 项，后续跟进 2 项" in out
    assert "统计表：outbox/报告/联系服务群众情况统计_2026年度.xlsx" in out
    for name in NAMES:
        assert f"报告：outbox/报告/联系服务群众情况_2026年度_{name}.docx" in out
    assert not re.search(r"[A-Za-z]{3,}", out.replace("outbox", "").replace(".xlsx", "").replace(".docx", ""))


def test_wangs_account_holds_his_talks_visits_and_nothing_private(liaison_ws):
    document, paragraphs, rows = _account(liaison_ws, "王建国")
    want = expected("王建国")
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "王建国同志2026年度联系服务群众情况"
    for heading in ("一、谈心谈话情况", "二、联系基层情况", "三、调查研究情况", "四、走访慰问情况", "五、解决问题和跟进情况"):
        assert heading in paragraphs
    assert f"共开展谈心谈话{want['talks']}次，其中正职与班子成员4次、与骨干1次；面对面谈话{want['face']}次，占60%" in text
    assert f"应与{want['owed']}人谈心谈话，已谈{want['done']}人，尚未谈话的有：张伟、李娜。" in text
    # the table: each held talk with the other side, its type, date and way
    talks = sorted(_mine("王建国"), key=lambda t: t["谈话日期"])
    table = rows[1:]
    assert rows[0] == ["序号", "谈话对象", "谈话类型", "日期", "方式"]
    assert table == [
        [str(i), t["谈话对象"] if t["谈话人"] == "王建国" else t["谈话人"], t["谈话类型"], cn_date(t["谈话日期"]), t["谈话方式"]]
        for i, t in enumerate(talks, start=1)
    ]
    assert [r[1] for r in table] == ["陈志明", "刘芳", "钱学友", "孙涛", "赵磊"]
    assert "李娜" not in [r[1] for r in table]  # 已安排 and 已取消 rows are not held
    # 联系点: visits x of y with dates; another unit apart
    assert "联系信息工程学院：全年走访2次（制度要求每年不少于2次），时间为3月18日、9月22日。" in text
    assert "联系机械工程学院：全年走访1次（制度要求每年不少于2次，尚差1次），时间为5月10日。" in text
    assert "此外，走访学生工作处1次（8月15日）。" in text
    assert "全年开展调查研究1次：" in text and "1. 6月5日，赴教务处调研青年教师发展。" in text
    assert (
        "全年走访慰问3人次，其中春节慰问1人次、重阳节慰问2人次；送去慰问金合计1300元（另有1次为慰问物品或未写明金额，未计入合计）；帮助解决实际困难1件。"
        in text
    )
    assert f"协调解决问题{want['solved']}项，需后续跟进{want['followed']}项：" in text
    assert "1. 3月18日走访信息工程学院，解决问题：协调解决实验室用房紧张问题；后续跟进：督促后勤管理处年内完成改造。" in text
    assert "2. 5月10日走访机械工程学院，解决问题：推动校企合作实训基地挂牌。" in text
    assert "3. 6月5日调研教务处，解决问题：完善青年教师导师制；后续跟进：下半年出台实施办法。" in text
    assert paragraphs[-2:] == ["王建国", "2026年12月4日"]
    body = text + "\n".join("".join(r) for r in rows)
    for secret in SECRET:
        assert secret not in body, secret
    assert not re.search(r"[A-Za-z]", body)
    assert document.core_properties.title == "王建国同志2026年度联系服务群众情况"


def test_an_account_without_records_says_so(liaison_ws):
    _, paragraphs, rows = _account(liaison_ws, "李娜")
    text = "\n".join(paragraphs)
    assert "2026年，台账中尚无本人已记录的谈心谈话。" in text and "应与6人谈心谈话，已谈0人" in text
    assert "“班子成员”表中未填写本人的联系点。" in text and "本年度台账中尚无本人的调研记录。" in text
    assert rows == [["序号", "谈话对象", "谈话类型", "日期", "方式"]]


def _sheet_rows(sheet) -> dict[str, dict]:
    headers = [c.value for c in sheet[2]]
    return {r[0]: dict(zip(headers, r)) for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}


def test_the_workbook_holds_the_ledgers_figures_with_charts(liaison_ws):
    wb = openpyxl.load_workbook(liaison_ws.outbox / "报告" / "联系服务群众情况统计_2026年度.xlsx")
    assert wb.sheetnames == ["谈话按月", "覆盖情况", "明细"]
    months = _sheet_rows(wb["谈话按月"])
    cover = _sheet_rows(wb["覆盖情况"])
    for name in NAMES:
        want = expected(name)
        row = months[name]
        assert [row[f"{m}月"] for m in range(1, 13)] == want["months"], name
        assert (row["日期未填或不在本年"], row["合计"]) == (want["other"], want["talks"]), name
        c = cover[name]
        got = (c["应谈（制度要求）"], c["已谈（制度要求）"], c["谈话合计"], c["面对面"], c["联系点走访要求"], c["联系点走访"])
        assert got == (want["owed"], want["done"], want["talks"], want["face"], want["visit_need"], want["visits"]), name
        got = (c["调研"], c["慰问"], c["慰问金（元）"], c["解决问题"], c["后续跟进"])
        assert got == (want["research"], want["care"], want["money"], want["solved"], want["followed"]), name
    assert months["班子合计"]["合计"] == len(_held())
    assert [months["班子合计"][f"{m}月"] for m in range(1, 13)] == [
        sum(1 for t in _held() if t["谈话日期"].year == 2026 and t["谈话日期"].month == m) for m in range(1, 13)
    ]
    assert len(wb["谈话按月"]._charts[0].series) == len(NAMES)  # one series per member, months as categories
    for sheet, charts in (("谈话按月", 1), ("覆盖情况", 2)):
        assert len(wb[sheet]._charts) == charts and all(c.tagname == "barChart" for c in wb[sheet]._charts)
    detail = list(wb["明细"].iter_rows(min_row=3, values_only=True))
    assert [c.value for c in wb["明细"][2]] == ["序号", "谈话编号", "谈话人", "谈话对象", "谈话类型", "谈话日期", "谈话方式"]
    held = sorted(_held(), key=lambda t: t["谈话日期"])
    assert [(r[1] or "", r[2], r[3], r[4], r[5].date(), r[6]) for r in detail] == [
        (t["谈话编号"], t["谈话人"], t["谈话对象"], t["谈话类型"], t["谈话日期"], t["谈话方式"]) for t in held
    ]
    cells = " ".join(str(c) for s in wb for row in s.iter_rows(values_only=True) for c in row if c is not None)
    for secret in SECRET:
        assert secret not in cells, secret


def test_one_member_and_json(liaison_ws, tmp_path):
    result = _run(liaison_ws, "--member", "刘芳", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p.rsplit("/", 1)[-1] for p in data["docx"]] == ["联系服务群众情况_2026年度_刘芳.docx"]
    assert data["pdf"] is None and data["xlsx"].endswith("联系服务群众情况统计_2026年度.xlsx")
    assert data["care_money"] == 1300 and data["care_unread"] == 1 and len(data["talks"]) == len(_held())
    for secret in SECRET:
        assert secret not in result.output, secret


def test_an_unknown_member_is_named_with_the_existing_ones(liaison_ws):
    result = _run(liaison_ws, "--member", "王建军")
    assert result.exit_code == 2, result.output
    assert "“班子成员”表中没有“王建军”" in result.output and "、".join(NAMES) in result.output


def test_a_date_cell_holding_text_is_named_and_half_refused(tmp_path):
    ws = init_workspace(tmp_path / "ws", units=UNITS)
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    add_rows(ws.ledger_path, "谈心谈话记录", [{**TALKS[0], "谈话日期": "下周一"}])
    result = _run(ws)
    assert result.exit_code == 3 and "谈心谈话记录!C2" in result.output and "下周一" in result.output, result.output
    result = _run(ws, "--half", "1")
    assert result.exit_code == 2 and "不适用 --half" in result.output
    assert not (ws.outbox / "报告").exists() or not list((ws.outbox / "报告").iterdir())


def test_the_template_compiles_for_dangwu_check():
    from toolkit.forms.template import CompiledTemplate
    from toolkit.registers import get as get_register

    ((path, fields),) = get_register("联系服务群众").templates
    assert path == TEMPLATE
    assert CompiledTemplate(default_templates_dir() / path, set(fields)).fields <= set(fields)


@pytest.mark.slow
def test_account_pdf(liaison_ws, soffice, tmp_path):
    result = _run(liaison_ws, "--member", "王建国", "--pdf")
    assert result.exit_code == 0, result.output
    pdf = liaison_ws.outbox / "报告" / "联系服务群众情况_2026年度_王建国.pdf"
    assert f"报告 PDF：{pdf.relative_to(liaison_ws.root)}" in result.output
    with pdfplumber.open(pdf) as document:
        pages = [re.sub(r"\s+", "", page.extract_text() or "") for page in document.pages]
    text = "".join(pages)
    assert "王建国同志2026年度联系服务群众情况" in text
    assert "面对面谈话3次" in text and "慰问金合计1300元" in text
    assert not re.search(r"[A-Za-z]", text), text
    assert pages[-1].index("王建国2026年12月4日") > 0  # the 落款 shares its page with text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
