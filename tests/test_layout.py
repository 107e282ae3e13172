"""Printed forms on A4 (GB/T 9704): long notices and reminders fit one page; when content truly cannot,
the feedback table, 督查联系 and the 落款 move to the next page together, never the 落款 alone."""

from __future__ import annotations

import datetime as dt

import docx
import pdfplumber
import pytest

from toolkit import generate, init_workspace
from toolkit.ledger import schema as S

from .conftest import UNITS, add_rows

pytestmark = pytest.mark.slow

CO_UNITS = ["信息工程学院", "机电工程学院", "经济管理学院", "艺术设计学院"]
MORE_UNITS = [
    {"单位名称": name, "单位简称": name[:2] + "学院", "负责人": "钱一", "联系人": "钱二", "联系电话": f"0571-8600001{i}"}
    for i, name in enumerate(CO_UNITS[1:])
]
FIVE_LINES = "\n".join(f"{i}. 按照学校统一部署逐项落实，按时报送材料；" for i in range(1, 6))
TOO_LONG = "\n".join(f"{i}. 按照学校统一部署逐项落实，按时报送材料；" for i in range(1, 19))
ITEM = {
    "交办时间": dt.date(2026, 3, 5),
    "督办来源": "会议决议",
    "督查形式": "专项督查",
    "督办事项": "学生心理健康排查和危机干预工作专项督查落实",
    "主办单位": "学生工作处",
    "协办单位": "、".join(CO_UNITS),
    "分管校领导": "张副校长",
    "办理时限": dt.date(2026, 6, 30),
}
OFFICE, NOTICE_DAY, REMINDER_DAY = "中共××职业学院委员会办公室", "2026年3月10日", "2026年7月10日"


@pytest.fixture(scope="module")
def printed(tmp_path_factory, soffice):
    """{name: PDF path}: the 主办 notice of a long item (five lines of 工作要求, four 协办 units), its
    reminder, and the notice of an item whose 工作要求 cannot fit one page."""
    ws = init_workspace(tmp_path_factory.mktemp("layout") / "ws", units=UNITS + MORE_UNITS)
    add_rows(ws.ledger_path, S.SUPERVISION.name, [{**ITEM, "工作要求": FIVE_LINES}, {**ITEM, "工作要求": TOO_LONG}])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DANGWU_TODAY", "2026-03-10")
        notices = generate(ws, "notice", unit="学生工作处", pdf=True)
        mp.setenv("DANGWU_TODAY", "2026-07-10")
        reminders = generate(ws, "reminder", ids=["DB-2026-001"], unit="学生工作处", pdf=True)
    assert notices.pdf.error is None and reminders.pdf.error is None
    (long, too_long), (reminder,) = notices.documents, reminders.documents
    return {"long": long.path, "too_long": too_long.path, "reminder": reminder.path}


def page_texts(pdf_path) -> list[str]:
    """Each page's text without spaces (pdfplumber puts spaces between Latin and Chinese runs)."""
    with pdfplumber.open(pdf_path) as pdf:
        return ["".join(page.extract_text().split()) for page in pdf.pages]


def situation_height_mm(pdf_path) -> float:
    """Height of the 办理情况 row: the ruled lines just above and below its label."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            label = [w for w in page.extract_words() if w["text"] == "办理情况"]
            if label:
                rules = sorted({round(e["top"], 1) for e in page.edges if e["orientation"] == "h"})
                above = max(y for y in rules if y < label[0]["top"])
                below = min(y for y in rules if y > label[0]["bottom"])
                return (below - above) * 25.4 / 72
    raise AssertionError("no 办理情况 row")


@pytest.mark.parametrize("name", ["long", "reminder"])
def test_long_forms_fit_one_a4_page(printed, name):
    pdf = printed[name].with_suffix(".pdf")
    day = REMINDER_DAY if name == "reminder" else NOTICE_DAY
    [page] = page_texts(pdf)  # one page
    for text in ("艺术设计学院", "单位负责人", "督查联系", OFFICE, day):
        assert text in page, text
    if name == "long":
        assert "5.按照学校统一部署逐项落实" in page
    assert situation_height_mm(pdf) >= 40 - 0.2  # room for the unit to write in
    sec = docx.Document(str(printed[name])).sections[0]  # GB/T 9704 margins, 156 × 225 mm type area
    mm = lambda *lengths: tuple(round(x / 36000) for x in lengths)  # noqa: E731  (EMU; Word stores twips)
    assert mm(sec.page_width, sec.page_height, sec.top_margin, sec.left_margin) == (210, 297, 37, 28)
    assert mm(sec.page_width - sec.left_margin - sec.right_margin, sec.page_height - sec.top_margin - sec.bottom_margin) == (156, 225)


def test_too_long_breaks_before_the_feedback_block_never_leaving_the_signature_alone(printed):
    pdf = printed["too_long"].with_suffix(".pdf")
    pages = page_texts(pdf)
    assert len(pages) == 2
    assert "18.按照学校统一部署逐项落实" in pages[0]  # the item table whole on page 1
    last = pages[-1]  # with the 落款: the feedback table from its heading to its last row, 督查联系, date
    for text in ("承办单位反馈", "办理情况", "办理状态", "单位负责人", "督查联系", OFFICE, NOTICE_DAY):
        assert text in last and text not in pages[0], text
    assert situation_height_mm(pdf) >= 40 - 0.2
