"""联系服务群众 filed at year end: returned talk and visit sheets, and rows typed in by hand, as 件.

Three members; `plan talks` adds TH-2026-001 … 003. Two talk sheets are returned (001, 003), one
走访联系点 sheet (ZF-2026-001); TH-2026-004 (a talk), ZF-2026-002 (调研) and ZF-2026-003 (慰问) are
typed in as 已记录 with no sheet; TH-2026-002 stays 已安排 and is listed, not filed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from toolkit import Workspace, init_workspace
from toolkit.archive.build import safe_child
from toolkit.cli import main
from toolkit.forms.fill import fill_form
from toolkit.generate import open_valid_ledger
from toolkit.registers import get as get_register

from .conftest import UNITS, add_rows

pytestmark = pytest.mark.slow
TALKS, VISITS = "谈心谈话记录", "走访慰问调研"
FOLDER = ("2026", "联系服务群众", "D30")
PREFIX = "Z109-WS·2026-D30-LXQZ-"
MEMBERS = [
    {"姓名": "张书记", "职务": "党委书记", "党政正职": "是", "联系点": "信息工程学院"},
    {"姓名": "李校长", "职务": "校长", "党政正职": "是", "联系点": "教务处"},
    {"姓名": "王副书记", "职务": "党委副书记", "党政正职": "否", "联系点": "学生工作处"},
]
PEOPLE = [{"姓名": "陈老", "单位": "后勤管理处", "类别": "老党员", "联系电话": "13800001111", "住址": "文一路88号"}]
SECRET = "谈及实验楼追加经费一事"  # a talk's content: in its 件, never in the catalogue
VISIT_SECRET = "辅导员队伍工作量偏大"
TYPED_SECRET = "谈到职称评审的顾虑"
DIFFICULTY = "双腿行动不便老伴住院"


def _talk(day: str, content: str) -> dict:
    return {
        "谈话日期": day,
        "地点": "党委会议室",
        "谈话方式": "☑面对面\u3000□电话\u3000□短信\u3000□邮件\u3000□其他",
        "谈话主要内容": content,
        "对方意见建议": "建议每季度交流一次",
        "需协调解决的问题": "",
        "后续跟进": "下月随访",
        "记录人": "刘秘书",
    }


VISIT = {
    "时间": "2026年5月22日上午",
    "地点": "信息工程学院会议室",
    "参加人员": "张书记、党委办公室刘秘书",
    "座谈对象或调研对象": "教师代表5人",
    "了解的情况": VISIT_SECRET,
    "意见建议": "增加实验室开放时间",
    "解决的问题": "协调解决机房空调",
    "后续跟进": "6月底前反馈",
}
TYPED = [  # typed in by the clerk: no sheet came back
    (
        TALKS,
        {
            "谈话编号": "TH-2026-004",
            "谈话日期": dt.date(2026, 4, 10),
            "谈话人": "王副书记",
            "谈话对象": "孙立",
            "谈话对象单位及职务": "信息工程学院负责人",
            "谈话类型": "与骨干",
            "谈话方式": "面对面",
            "主要内容": TYPED_SECRET,
            "状态": "已记录",
        },
    ),
    (
        VISITS,
        {
            "记录编号": "ZF-2026-002",
            "日期": dt.date(2026, 5, 15),
            "班子成员": "李校长",
            "类型": "调研",
            "对象或单位": "教务处",
            "主要情况": "课程思政建设推进情况",
            "状态": "已记录",
        },
    ),
    (
        VISITS,
        {
            "记录编号": "ZF-2026-003",
            "日期": dt.date(2026, 5, 30),
            "班子成员": "王副书记",
            "类型": "慰问",
            "事由": "困难帮扶",
            "对象或单位": "陈老",
            "困难情况": DIFFICULTY,
            "慰问金或物品": "慰问金500元",
            "状态": "已记录",
        },
    ),
]


def _run(ws, *args):
    r = CliRunner().invoke(main, [*args, "-w", str(ws.root)])
    assert r.exit_code == 0, (args, r.output)
    return r.output


def _hashes(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def _text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "".join((p.extract_text() or "").replace(" ", "").replace("\n", "") for p in pdf.pages)


@pytest.fixture(scope="module")
def filed(tmp_path_factory, soffice):
    """The workspace after `dangwu archive --year 2026 --register 联系服务群众`, with its output."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANGWU_TODAY", "2026-06-01")
        ws = init_workspace(tmp_path_factory.mktemp("lxqz") / "ws", units=UNITS)
        add_rows(ws.ledger_path, "班子成员", MEMBERS)
        add_rows(ws.ledger_path, "慰问对象", PEOPLE)
        _run(ws, "plan", "talks", "--year", "2026")  # TH-2026-001 张书记—李校长, 002 张书记—王副书记, 003 李校长—王副书记
        _run(ws, "generate", "talk-sheet")
        for number, day, content in (("TH-2026-001", "2026年5月20日", SECRET), ("TH-2026-003", "2026年5月25日", "交流分管工作")):
            blank = next((ws.outbox / "谈心谈话记录表").glob(f"{number}_*.docx"))
            fill_form(blank, ws.inbox / f"{number}.docx", _talk(day, content))
        _run(ws, "ingest")
        _run(ws, "generate", "visit-sheet", "--type", "走访联系点", "--member", "张书记", "--unit", "信息工程学院", "--new")
        blank = next((ws.outbox / "走访调研记录表").glob("ZF-2026-001_*.docx"))
        fill_form(blank, ws.inbox / "走访.docx", VISIT)
        _run(ws, "ingest")
        for sheet, values in TYPED:
            add_rows(ws.ledger_path, sheet, [values])
        first = _run(ws, "archive", "--year", "2026", "--register", "联系服务群众")
        yield Workspace(ws.root), first


def _folder(ws):
    return safe_child(ws.archive, *FOLDER)


def _catalogue(ws):
    sheet = openpyxl.load_workbook(_folder(ws) / "归档文件目录.xlsx")["归档文件目录"]
    return [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]


def _codes(ws, sheet: str) -> dict[str, str | None]:
    rows = openpyxl.load_workbook(ws.ledger_path)[sheet]
    head = [c.value for c in rows[1]]
    return {r[0]: r[head.index("档号")] for r in rows.iter_rows(min_row=2, values_only=True) if r[0]}


def test_recorded_talks_and_visits_are_pieces_in_date_order(filed):
    ws, out = filed
    rows = _catalogue(ws)
    assert [r[1] for r in rows] == [f"{PREFIX}{i:04d}" for i in range(1, 7)], out
    assert "已归档：6 件" in out and "TH-2026-002  已安排" in out  # planned, not held: listed, not filed
    got = [(r[3], r[4], r[5], r[2]) for r in rows]  # 责任者, 题名, 日期, 文号
    assert got == [
        ("王副书记", "[王副书记与孙立谈心谈话记录]", "20260410", None),
        ("李校长", "[李校长调研教务处记录]", "20260515", None),
        ("张书记", "[张书记与李校长谈心谈话记录]", "20260520", None),
        ("张书记", "[张书记走访信息工程学院记录]", "20260522", None),
        ("李校长", "[李校长与王副书记谈心谈话记录]", "20260525", None),
        ("王副书记", "[王副书记慰问陈老记录]", "20260530", None),
    ]
    notes = {r[4]: r[8] for r in rows}
    assert notes["[张书记与李校长谈心谈话记录]"] is None and notes["[张书记走访信息工程学院记录]"] is None
    assert "缺记录表原件" in notes["[王副书记与孙立谈心谈话记录]"] and "补制" in notes["[王副书记慰问陈老记录]"]
    assert all(isinstance(r[7], int) and r[7] >= 1 for r in rows)
    assert "找不到交回的谈心谈话记录表" in out and "TH-2026-004" in out


def test_codes_are_written_into_both_sheets(filed):
    ws, _ = filed
    talks, visits = _codes(ws, TALKS), _codes(ws, VISITS)
    assert talks == {"TH-2026-001": f"{PREFIX}0003", "TH-2026-002": None, "TH-2026-003": f"{PREFIX}0005", "TH-2026-004": f"{PREFIX}0001"}
    assert visits == {"ZF-2026-001": f"{PREFIX}0004", "ZF-2026-002": f"{PREFIX}0002", "ZF-2026-003": f"{PREFIX}0006"}


def test_pieces_hold_the_records_but_the_catalogue_no_content(filed):
    ws, _ = filed
    folder = _folder(ws)
    returned, typed, care = (_text(folder / f"{PREFIX}{n}.pdf") for n in ("0003", "0001", "0006"))
    assert SECRET in returned and "张书记" in returned  # the returned sheet is the 正本
    assert TYPED_SECRET in typed and "据台账" in typed  # drawn up from the ledger
    assert DIFFICULTY in care and "慰问人" in care
    assert VISIT_SECRET in _text(folder / f"{PREFIX}0004.pdf")
    front = "".join(_text(folder / f"{name}.pdf") for name in ("封面", "归档文件目录", "备考表"))
    catalogue = str(_catalogue(ws))
    reader = PdfReader(str(folder / "装订本.pdf"))
    outline = str([item.title for item in reader.outline if not isinstance(item, list)] + [i.title for i in reader.outline[-2]])
    for text in (front, catalogue, outline):
        for secret in (SECRET, VISIT_SECRET, TYPED_SECRET, DIFFICULTY, "老党员", "建议每季度"):
            assert secret not in text
    assert "张书记与李校长谈心谈话记录" in front and "联系服务群众" in front
    assert "本盒共6件" in front and "其中3件缺记录表原件" in front
    pages = sum(r[7] for r in _catalogue(ws))
    assert len(reader.pages) > pages


def test_verify_passes_and_a_second_run_changes_nothing(filed):
    ws, _ = filed
    folder = _folder(ws)
    assert "校验通过" in CliRunner().invoke(main, ["verify", str(folder)]).output
    zip_path = folder.parent / "联系服务群众_D30.zip"
    assert "校验通过" in CliRunner().invoke(main, ["verify", str(zip_path)]).output
    before, ledger = _hashes(folder), hashlib.sha256(ws.ledger_path.read_bytes()).hexdigest()
    again = _run(ws, "archive", "--year", "2026", "--register", "联系服务群众")
    assert "归档文件已是最新，未重新生成：6 件" in again
    assert _hashes(folder) == before and hashlib.sha256(ws.ledger_path.read_bytes()).hexdigest() == ledger


def test_unnumbered_rows_are_listed_and_cancelled_ones_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("DANGWU_TODAY", "2026-06-01")
    ws = init_workspace(tmp_path / "ws", units=UNITS)
    add_rows(ws.ledger_path, "班子成员", MEMBERS)
    add_rows(
        ws.ledger_path,
        TALKS,
        [
            {"谈话日期": dt.date(2026, 3, 2), "谈话人": "张书记", "谈话对象": "孙立", "状态": "已记录"},
            {"谈话编号": "TH-2026-009", "计划日期": dt.date(2026, 3, 9), "谈话人": "张书记", "谈话对象": "吴强", "状态": "已取消"},
            {"谈话编号": "TH-2025-001", "谈话日期": dt.date(2025, 3, 9), "谈话人": "张书记", "谈话对象": "吴强", "状态": "已记录"},
        ],
    )
    spec = get_register("联系服务群众").archive
    ledger = open_valid_ledger(ws, for_write=False)
    rows, closed, others = spec.items(ledger, 2026)
    assert closed == [] and len(rows) == 2
    assert others == [("谈心谈话记录第2行", "已记录，未填编号（请在台账中补填编号后再归档）")]
    assert spec.items(ledger, 2025)[1][0].number == "TH-2025-001"
    out = CliRunner().invoke(main, ["archive", "--year", "2026", "--register", "联系服务群众", "-w", str(ws.root)])
    assert out.exit_code == 0 and "2026年没有已办结的联系服务群众事项" in out.output, out.output
    assert "未填编号" in out.output and "TH-2026-009" not in out.output
