"""党务公开 figures per 公开类别 and per 公开范围 for a year or half-year: a workbook with charts and the 党务公开目录.

Definitions (only 已批准 items count; 待审批 and 不予公开 ones are never listed):
- 公开事项: items whose first disclosure date — the earlier of 党内公开日期 and 公开日期 (先党内、后党外)
  — lies in the period; the 党务公开目录 lists exactly these, dated by that first disclosure (the
  workbook's 公开目录 sheet shows 党内公开日期 and 公开日期 apart);
- 按时公开 / 逾期公开: first disclosure date on or before / after 计划公开日期 (an item without a
  计划公开日期, e.g. a 常规性 one published with its quarter, is on time);
- 未公开: items not yet disclosed whose 计划公开日期 lies in the period; 逾期未公开 when that date is
  before today (`toolkit.dates.today()`, so DANGWU_TODAY replays a past day);
- 收到意见: rows of 公开意见反馈 whose 公开编号 is one of the period's 公开事项; 已处理 when their
  处理情况 is filled, 已答复 when their 答复日期 is set;
- 再公开: 公开事项 whose 再公开日期 is set;
- 按时公开率: 按时公开 ÷ 公开事项.
The five 公开类别 and four 公开范围 are always listed (0 rows included); a value outside them, or a
blank one, gets its own row after them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from ...dates import cn_date, today
from ...errors import LedgerError, UsageError
from ...forms.template import CompiledTemplate, docx_text
from ...generate import _put_bytes
from ...ledger import schema as S
from ...ledger.workbook import Ledger, Row
from ...reports.common import document_pdf, json_ready, period, save_workbook, style_table
from ...workspace import Workspace
from .rules import APPROVED, approval_of, office
from .sheets import DISCLOSURE, FEEDBACK, SCOPES

CATALOGUE_TEMPLATE = "党务公开/党务公开目录.docx"
CATALOGUE_FIELDS = {"标题", "期间", "目录", "说明", "落款单位", "成文日期"}
CATEGORIES: tuple[str, ...] = next(c.choices for c in S.DISCLOSURE.columns if c.header == "公开类别")
BLANK = "（未填）"


@dataclass
class GroupFigures:
    """One 公开类别's or 公开范围's figures for the period."""

    名称: str
    公开事项: int = 0
    按时公开: int = 0
    逾期公开: int = 0
    未公开: int = 0
    逾期未公开: int = 0
    收到意见: int = 0
    已处理: int = 0
    已答复: int = 0
    再公开: int = 0

    @property
    def rate(self) -> float | None:
        """按时公开 ÷ 公开事项, None without items."""
        return self.按时公开 / self.公开事项 if self.公开事项 else None


@dataclass
class Entry:
    """One line of the 党务公开目录: an item disclosed in the period."""

    公开编号: str
    公开类别: str
    公开事项: str
    公开范围: str
    公开形式: str
    公开日期: dt.date  # the first disclosure date
    党内公开日期: dt.date | None = None
    党外公开日期: dt.date | None = None  # the 公开日期 column
    计划公开日期: dt.date | None = None
    按时: bool = True
    收到意见: int = 0
    再公开日期: dt.date | None = None


@dataclass
class Figures:
    """Everything the workbook and the 目录 show."""

    label: str
    start: dt.date
    end: dt.date
    categories: list[GroupFigures] = field(default_factory=list)
    scopes: list[GroupFigures] = field(default_factory=list)
    catalogue: list[Entry] = field(default_factory=list)
    items: int = 0  # 公开事项
    on_time: int = 0
    late: int = 0
    pending: int = 0  # 未公开
    overdue: int = 0  # 逾期未公开
    opinions: int = 0
    handled: int = 0
    replied: int = 0
    republished: int = 0

    def as_dict(self) -> dict:
        """JSON-ready form (dates as ISO text)."""
        return json_ready(asdict(self))

    def summary(self) -> str:
        """The line `dangwu report` prints."""
        overdue = f"（逾期未公开 {self.overdue} 项）" if self.overdue else ""
        return (
            f"{self.label}党务公开：公开事项 {self.items} 项（按时 {self.on_time}，逾期 {self.late}），"
            f"未公开 {self.pending} 项{overdue}；收到意见 {self.opinions} 条，已处理 {self.handled} 条，"
            f"已答复 {self.replied} 条；再公开 {self.republished} 项。"
        )


def _date(row: Row, header: str) -> dt.date | None:
    """A date cell, or LedgerError naming the cell when it holds no date."""
    try:
        return row.date(header)
    except ValueError:
        raise LedgerError(
            f"{row.ref(header)}（{row.number or '未编号'} 的{header}）“{row.text(header)}”不是日期，未生成报告。",
            hint="请改为 2026-12-04 这样的日期后再试，或先运行 `dangwu check`。",
        ) from None


def first_disclosed(row: Row) -> dt.date | None:
    """The item's first disclosure date: the earlier of 党内公开日期 and 公开日期."""
    dates = [d for d in (_date(row, "党内公开日期"), _date(row, "公开日期")) if d]
    return min(dates) if dates else None


def compute(ledger: Ledger, year: int, half: int | None = None, now: dt.date | None = None) -> Figures:
    """The period's figures from the ledger; UsageError when the period has no item at all."""
    now = now or today()
    start, end, label = period(year, half)
    fig = Figures(label, start, end)
    per_cat = {c: GroupFigures(c) for c in CATEGORIES}
    per_scope = {s: GroupFigures(s) for s in SCOPES}
    entries: dict[str, tuple[Entry, GroupFigures, GroupFigures]] = {}

    def groups(row: Row) -> tuple[GroupFigures, GroupFigures]:
        cat, scope = row.text("公开类别") or BLANK, row.text("公开范围") or BLANK
        return per_cat.setdefault(cat, GroupFigures(cat)), per_scope.setdefault(scope, GroupFigures(scope))

    for row in ledger.sheet(DISCLOSURE.name).rows():
        if approval_of(row) != APPROVED:
            continue
        first, planned = first_disclosed(row), _date(row, "计划公开日期")
        if first is None:
            if planned and start <= planned <= end:
                fig.pending += 1
                late = planned < now
                fig.overdue += late
                for g in groups(row):
                    g.未公开 += 1
                    g.逾期未公开 += late
            continue
        if not (start <= first <= end):
            continue
        on_time = not planned or first <= planned
        republished = _date(row, "再公开日期")
        entry = Entry(
            公开编号=row.number,
            公开类别=row.text("公开类别"),
            公开事项=row.text("公开事项"),
            公开范围=row.text("公开范围"),
            公开形式=row.text("公开形式"),
            公开日期=first,
            党内公开日期=_date(row, "党内公开日期"),
            党外公开日期=_date(row, "公开日期"),
            计划公开日期=planned,
            按时=on_time,
            再公开日期=republished,
        )
        fig.items += 1
        fig.on_time += on_time
        fig.late += not on_time
        fig.republished += bool(republished)
        for g in groups(row):
            g.公开事项 += 1
            g.按时公开 += on_time
            g.逾期公开 += not on_time
            g.再公开 += bool(republished)
        entries.setdefault(row.number, (entry, *groups(row)))  # a duplicated number (check reports it) counts once
    view = ledger.views.get(FEEDBACK.name)
    for opinion in view.rows() if view is not None else ():
        found = entries.get(opinion.text("公开编号"))
        if found is None:
            continue
        entry, *gs = found
        handled, replied = bool(opinion.text("处理情况")), bool(_date(opinion, "答复日期"))
        entry.收到意见 += 1
        fig.opinions += 1
        fig.handled += handled
        fig.replied += replied
        for g in gs:
            g.收到意见 += 1
            g.已处理 += handled
            g.已答复 += replied
    if not fig.items and not fig.pending:
        raise UsageError(
            f"{label}没有公开或计划公开的党务公开事项，未生成报告。",
            hint="请检查年份（--year）和半年（--half），或台账中的审批状态、党内公开日期、公开日期和计划公开日期。",
        )
    fig.catalogue = sorted((e for e, *_ in entries.values()), key=lambda e: (e.公开日期, e.公开编号))
    fig.categories = list(per_cat.values())
    fig.scopes = list(per_scope.values())
    return fig


def report(ws: Workspace, year: int, half: int | None = None) -> tuple[Figures, Path, Path]:
    """Write the statistics workbook and the 党务公开目录 .docx; returns (figures, xlsx, docx)."""
    ledger = Ledger.load(ws.ledger_path)
    template = CompiledTemplate(ws.template_path(CATALOGUE_TEMPLATE), CATALOGUE_FIELDS)  # checked before any work
    fig = compute(ledger, year, half)
    folder = ws.outbox / "报告"
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / f"党务公开情况统计_{fig.label}.xlsx"
    docx = folder / f"党务公开目录_{fig.label}.docx"
    write_workbook(fig, xlsx)
    write_docx(fig, template, docx, ws.settings)
    return fig, xlsx, docx


def report_pdf(ws: Workspace, docx: Path) -> Path:
    """The 目录 as PDF beside its .docx (LibreOffice with the toolkit's font map); ConversionError when it fails."""
    return document_pdf(ws, docx, "目录")


GROUP_HEADERS = ["公开事项", "按时公开", "逾期公开", "未公开", "逾期未公开", "收到意见", "已处理", "已答复", "再公开", "按时公开率"]
CATALOGUE_HEADERS = [
    "序号", "公开编号", "公开类别", "公开事项", "公开范围", "公开形式", "党内公开日期", "公开日期",
    "计划公开日期", "按时公开", "收到意见", "再公开日期",
]  # fmt: skip


def _group_sheet(wb, title: str, first: str, caption: str, groups: list[GroupFigures], fig: Figures):
    """A per-group sheet: title, headers, one row per group, 合计, and two native bar charts."""
    sheet = wb.create_sheet(title)
    sheet.append([f"{caption}（{fig.label}，{fig.start.isoformat()} 至 {fig.end.isoformat()}）"])
    sheet.append([first, *GROUP_HEADERS])
    for g in groups:
        sheet.append([g.名称, g.公开事项, g.按时公开, g.逾期公开, g.未公开, g.逾期未公开, g.收到意见, g.已处理, g.已答复, g.再公开, g.rate])
    last = sheet.max_row
    total = [fig.items, fig.on_time, fig.late, fig.pending, fig.overdue, fig.opinions, fig.handled, fig.replied, fig.republished]
    sheet.append(["合计", *total, fig.on_time / fig.items if fig.items else None])
    for r in range(3, sheet.max_row + 1):
        sheet.cell(r, 11).number_format = "0.0%"
    style_table(sheet, len(GROUP_HEADERS) + 1, (20, 14, 11))
    chart = BarChart()
    chart.type = "col"
    chart.title = f"{caption}：公开情况"
    chart.y_axis.title = "事项数"
    chart.add_data(Reference(sheet, min_col=3, max_col=5, min_row=2, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
    chart.width, chart.height = 22, 11
    sheet.add_chart(chart, "M2")
    opinions = BarChart()
    opinions.type = "col"
    opinions.title = f"{caption}：意见处理与再公开"
    opinions.y_axis.title = "条（项）数"
    opinions.add_data(Reference(sheet, min_col=7, max_col=10, min_row=2, max_row=last), titles_from_data=True)
    opinions.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
    opinions.width, opinions.height = 22, 11
    sheet.add_chart(opinions, "M25")
    return sheet


def write_workbook(fig: Figures, path: Path) -> None:
    """Sheets 按类别 and 按范围 (each with native bar charts) and 公开目录; written atomically."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _group_sheet(wb, "按类别", "公开类别", "按公开类别统计", fig.categories, fig)
    _group_sheet(wb, "按范围", "公开范围", "按公开范围统计", fig.scopes, fig)
    cat = wb.create_sheet("公开目录")
    cat.append([f"党务公开目录（{fig.label}）"])
    cat.append(CATALOGUE_HEADERS)
    for n, e in enumerate(fig.catalogue, start=1):
        cat.append(
            [
                n, e.公开编号, e.公开类别, e.公开事项, e.公开范围, e.公开形式, e.党内公开日期, e.党外公开日期,
                e.计划公开日期, "按时" if e.按时 else "逾期", e.收到意见, e.再公开日期,
            ]
        )  # fmt: skip
    for r in range(3, cat.max_row + 1):
        for c in (7, 8, 9, 12):
            cat.cell(r, c).number_format = "yyyy-mm-dd"
    style_table(cat, len(CATALOGUE_HEADERS), (20, 14, 11))
    cat.column_dimensions["A"].width = 6
    cat.column_dimensions["D"].width = 36
    save_workbook(wb, path)


def note(fig: Figures) -> str:
    """The 目录's one-sentence 说明 with the period's totals."""
    pending = f"；另有已批准尚未公开的事项{fig.pending}项（其中已过计划公开日期{fig.overdue}项）" if fig.pending else ""
    return (
        f"本目录收录{fig.label}党务公开事项{fig.items}项，其中按时公开{fig.on_time}项、逾期公开{fig.late}项；"
        f"收到意见建议{fig.opinions}条，已处理{fig.handled}条、已答复{fig.replied}条；再公开{fig.republished}项{pending}。"
    )


def write_docx(fig: Figures, template: CompiledTemplate, path: Path, settings) -> None:
    """The 党务公开目录 from its template: one table row per item disclosed in the period."""
    rows = [
        {
            k: docx_text(v)
            for k, v in {
                "序号": n,
                "公开编号": e.公开编号,
                "公开类别": e.公开类别,
                "公开事项": e.公开事项,
                "公开范围": e.公开范围,
                "公开形式": e.公开形式,
                "公开日期": cn_date(e.党外公开日期 or e.公开日期),  # to its whole 公开范围 (the workbook shows both dates)
            }.items()
        }
        for n, e in enumerate(fig.catalogue, start=1)
    ]
    title = f"{settings.org_name}{fig.label}党务公开目录"
    context = {
        "标题": docx_text(title),
        "期间": docx_text(f"{cn_date(fig.start)}至{cn_date(fig.end)}"),
        "目录": rows,
        "说明": docx_text(note(fig)),
        "落款单位": docx_text(office(settings)),
        "成文日期": docx_text(cn_date(today())),
    }
    core = {"title": title, "creator": office(settings)}
    _put_bytes(path, template.to_bytes(template.render_parts(context), core, {}))
