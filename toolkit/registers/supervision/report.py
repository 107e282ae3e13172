"""督查督办 figures per unit and per source for a year or half-year: a workbook with charts and a report.

Definitions (items whose 交办时间 falls in the period):
- 主办 / 协办: items a unit leads / assists;
- 按期办结 / 逾期办结: 已办结 items the unit leads whose 完成日期 (else 办结日期) is on or before /
  after 办理时限;
- 退回重办后办结: 已办结 items sent back at review (原办理时限 kept) and finished by their new
  办理时限 — not 按期办结 for the 第六条 assessment, counted apart (finished after the new
  deadline they are 逾期办结);
- 当前逾期: items the unit leads, not 已办结, whose 办理时限 has passed;
- 被催办: the 催办次数 of the items the unit leads;
- 按期办结率: 按期办结 ÷ 主办.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

from ...dates import cn_date, today
from ...errors import UsageError
from ...forms.template import CompiledTemplate, docx_paragraphs, docx_text
from ...generate import _put_bytes
from ...ledger import schema as S
from ...ledger.workbook import Ledger
from ...reports.common import document_pdf, period, save_workbook, style_table
from ...workspace import Workspace
from ..units import Units
from . import rules as sup

REPORT_TEMPLATE = "督查督办/督查督办工作情况报告.docx"
REPORT_FIELDS = {"发文机关", "标题", "期间", "总体情况", "成效", "问题", "要求", "落款单位", "落款日期", "单位统计", "来源统计"}


@dataclass
class UnitFigures:
    """One unit's figures for the period."""

    单位: str
    主办: int = 0
    协办: int = 0
    按期办结: int = 0
    逾期办结: int = 0
    退回重办后办结: int = 0
    当前逾期: int = 0
    被催办: int = 0

    @property
    def rate(self) -> float | None:
        """按期办结 ÷ 主办, None without items."""
        return self.按期办结 / self.主办 if self.主办 else None


@dataclass
class SourceFigures:
    """One 督办来源's figures for the period."""

    来源: str
    事项: int = 0
    已办结: int = 0
    按期办结: int = 0
    退回重办后办结: int = 0
    当前逾期: int = 0


@dataclass
class Figures:
    """Everything the workbook and the report show."""

    label: str
    start: dt.date
    end: dt.date
    units: list[UnitFigures] = field(default_factory=list)
    sources: list[SourceFigures] = field(default_factory=list)
    items: int = 0
    closed: int = 0
    on_time: int = 0
    redone: int = 0  # 退回重办后办结
    open: int = 0
    overdue: int = 0

    @property
    def late(self) -> int:
        """逾期办结 in total: closed neither on time nor by the deadline set when sent back."""
        return self.closed - self.on_time - self.redone

    def as_dict(self) -> dict:
        """JSON-ready form."""
        d = asdict(self)
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        return d

    def summary(self) -> str:
        """The one line `dangwu report` prints."""
        redone = f"，退回重办后办结 {self.redone} 项" if self.redone else ""
        return (
            f"{self.label}：督办事项 {self.items} 项，已办结 {self.closed} 项（按期 {self.on_time} 项{redone}），"
            f"未办结 {self.open} 项（逾期 {self.overdue} 项）。"
        )


def compute(ledger: Ledger, year: int, half: int | None = None, now: dt.date | None = None) -> Figures:
    """The period's figures from the ledger; UsageError when the period has no items."""
    now = now or today()
    start, end, label = period(year, half)
    units = Units.from_ledger(ledger)
    fig = Figures(label, start, end)
    per_unit = {u.name: UnitFigures(u.name) for u in units.all}
    per_source = {s: SourceFigures(s) for s in S.SOURCES}
    for row in ledger.sheet(S.SUPERVISION.name).rows():
        given = row.date("交办时间")
        if not given or not (start <= given <= end):
            continue
        main = units.canonical(row.text("主办单位"))
        u = per_unit.setdefault(main, UnitFigures(main))
        for co in row.list("协办单位"):
            per_unit.setdefault(units.canonical(co), UnitFigures(units.canonical(co))).协办 += 1
        src = per_source.setdefault(row.text("督办来源") or "（未填）", SourceFigures(row.text("督办来源") or "（未填）"))
        due = row.date("办理时限")
        state = sup.status_of(row)
        u.主办 += 1
        u.被催办 += row.int("催办次数")
        src.事项 += 1
        fig.items += 1
        if state == sup.CLOSED:
            done = row.date("完成日期") or row.date("办结日期")
            in_time = bool(done and due and done <= due)
            fig.closed += 1
            src.已办结 += 1
            if in_time and sup.original_deadline(row):  # sent back: its 办理时限 is the one set at review
                u.退回重办后办结 += 1
                src.退回重办后办结 += 1
                fig.redone += 1
            elif in_time:
                u.按期办结 += 1
                src.按期办结 += 1
                fig.on_time += 1
            else:
                u.逾期办结 += 1
        else:
            fig.open += 1
            if due and due < now:
                u.当前逾期 += 1
                src.当前逾期 += 1
                fig.overdue += 1
    if not fig.items:
        raise UsageError(f"{label}没有交办的督办事项，未生成报告。", hint="请检查年份（--year）和半年（--half），或台账中的交办时间。")
    fig.units = list(per_unit.values())  # the 承办单位 sheet's order; units it lacks after them
    fig.sources = [s for s in per_source.values() if s.事项 or s.来源 in S.SOURCES]
    return fig


def _rate(part: int, whole: int) -> str:
    """A percentage with one decimal (100% without: it must fit its column), or — when there is nothing to divide."""
    if not whole:
        return "—"
    return "100%" if part == whole else f"{part / whole:.1%}"


def report(ws: Workspace, year: int, half: int | None = None) -> tuple[Figures, Path, Path]:
    """Write the statistics workbook and the 督查督办工作情况报告 .docx; returns (figures, xlsx, docx)."""
    ledger = Ledger.load(ws.ledger_path)
    template = CompiledTemplate(ws.template_path(REPORT_TEMPLATE), REPORT_FIELDS)  # checked before any work
    fig = compute(ledger, year, half)
    folder = ws.outbox / "报告"
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / f"督查督办统计_{fig.label}.xlsx"
    docx = folder / f"督查督办工作情况报告_{fig.label}.docx"
    write_workbook(fig, xlsx)
    write_docx(fig, template, docx, ws.settings)
    return fig, xlsx, docx


def report_pdf(ws: Workspace, docx: Path) -> Path:
    """The report as PDF beside its .docx (LibreOffice with the toolkit's font map); ConversionError when it fails."""
    return document_pdf(ws, docx, "报告")


def write_workbook(fig: Figures, path: Path) -> None:
    """Per-unit and per-source sheets, each with a native bar chart."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "单位统计"
    headers = ["单位", "主办", "协办", "按期办结", "逾期办结", "退回重办后办结", "当前逾期", "被催办", "按期办结率"]
    sheet.append([f"督查督办事项办理情况统计（{fig.label}，交办时间 {fig.start.isoformat()} 至 {fig.end.isoformat()}）"])
    sheet.append(headers)
    for u in fig.units:
        sheet.append([u.单位, u.主办, u.协办, u.按期办结, u.逾期办结, u.退回重办后办结, u.当前逾期, u.被催办, u.rate])
    last = sheet.max_row
    for r in range(3, last + 1):
        sheet.cell(r, 9).number_format = "0.0%"
    sheet.append(
        [
            "合计",
            fig.items,
            None,
            fig.on_time,
            fig.late,
            fig.redone,
            fig.overdue,
            sum(u.被催办 for u in fig.units),
            fig.on_time / fig.items,
        ]
    )
    sheet.cell(sheet.max_row, 9).number_format = "0.0%"
    style_table(sheet, len(headers), (22, 15, 11), long_from=6)
    chart = BarChart()
    chart.type = "col"
    chart.title = "各单位督办事项办理情况"
    chart.y_axis.title = "事项数"
    chart.add_data(Reference(sheet, min_col=4, max_col=7, min_row=2, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=3, max_row=last))
    chart.width, chart.height = 24, 12
    sheet.add_chart(chart, "K2")

    src = wb.create_sheet("来源统计")
    src.append([f"按督办来源统计（{fig.label}）"])
    src.append(["督办来源", "事项", "已办结", "按期办结", "退回重办后办结", "当前逾期", "办结率"])
    for s in fig.sources:
        src.append([s.来源, s.事项, s.已办结, s.按期办结, s.退回重办后办结, s.当前逾期, s.已办结 / s.事项 if s.事项 else None])
    for r in range(3, src.max_row + 1):
        src.cell(r, 7).number_format = "0.0%"
    style_table(src, 7, (22, 15, 11), long_from=6)
    chart2 = BarChart()
    chart2.title = "按督办来源统计"
    chart2.add_data(Reference(src, min_col=2, max_col=4, min_row=2, max_row=src.max_row), titles_from_data=True)
    chart2.set_categories(Reference(src, min_col=1, min_row=3, max_row=src.max_row))
    chart2.width, chart2.height = 18, 10
    src.add_chart(chart2, "I2")
    save_workbook(wb, path)


def summary_paragraphs(fig: Figures) -> dict[str, list[str]]:
    """The report's four sections as paragraphs of text."""
    redone = f"，经退回重办后在新的办理时限内办结{fig.redone}项" if fig.redone else ""
    total = [
        f"{fig.label}共立项督办事项{fig.items}项，已办结{fig.closed}项（其中按期办结{fig.on_time}项{redone}），"
        f"尚未办结{fig.open}项，其中已超过办理时限{fig.overdue}项；办结率{_rate(fig.closed, fig.items)}，"
        f"按期办结率{_rate(fig.on_time, fig.items)}。"
    ]
    srcs = "；".join(f"{s.来源}{s.事项}项、已办结{s.已办结}项" for s in fig.sources if s.事项)
    if srcs:
        total.append(f"按督办来源分：{srcs}。")
    praised = [u.单位 for u in fig.units if u.主办 and u.按期办结 == u.主办]
    good = [f"{'、'.join(praised)}承办的督办事项全部按期办结，予以表扬。"] if praised else ["本期暂无全部按期办结的单位。"]
    # 存在问题: the units with the most such items first (ties keep the tables' order)
    lagging = [f"{u.单位}（{u.当前逾期}项）" for u in sorted(fig.units, key=lambda u: -u.当前逾期) if u.当前逾期]
    late = [f"{u.单位}（{u.逾期办结}项）" for u in sorted(fig.units, key=lambda u: -u.逾期办结) if u.逾期办结]
    redo = [f"{u.单位}（{u.退回重办后办结}项）" for u in sorted(fig.units, key=lambda u: -u.退回重办后办结) if u.退回重办后办结]
    problems = []
    if lagging:
        problems.append(f"尚有逾期未办结事项的单位：{'、'.join(lagging)}。")
    if late:
        problems.append(f"超过时限才办结事项的单位：{'、'.join(late)}。")
    if redo:
        problems.append(f"办结情况经审核退回重办后才办结事项的单位：{'、'.join(redo)}。")
    if not problems:
        problems.append("本期督办事项均在办理时限内推进。")
    asks = [
        "各承办单位要对照督办事项清单，逐项明确责任人和完成时间，按期报送办理进展和办结情况。",
        "对逾期未办结事项，督查小组将继续跟踪催办，并将办理情况纳入二级单位年度考核。",
    ]
    return {"总体情况": total, "成效": good, "问题": problems, "要求": asks}


def write_docx(fig: Figures, template: CompiledTemplate, path: Path, settings) -> None:
    """The 督查督办工作情况报告 from its template, with the per-unit table."""
    text = summary_paragraphs(fig)
    rows = [
        {k: docx_text(v) for k, v in {
            "单位": u.单位, "主办": u.主办, "协办": u.协办, "按期办结": u.按期办结, "逾期办结": u.逾期办结,
            "退回重办后办结": u.退回重办后办结, "当前逾期": u.当前逾期, "被催办": u.被催办,
            "按期办结率": _rate(u.按期办结, u.主办),
        }.items()}
        for u in fig.units
    ]  # fmt: skip
    rows.append({k: docx_text(v) for k, v in {
        "单位": "合计", "主办": fig.items, "协办": "—", "按期办结": fig.on_time, "逾期办结": fig.late,
        "退回重办后办结": fig.redone, "当前逾期": fig.overdue, "被催办": sum(u.被催办 for u in fig.units),
        "按期办结率": _rate(fig.on_time, fig.items),
    }.items()})  # fmt: skip
    sources = [
        {k: docx_text(v) for k, v in {
            "来源": s.来源, "事项": s.事项, "已办结": s.已办结, "按期办结": s.按期办结,
            "退回重办后办结": s.退回重办后办结, "当前逾期": s.当前逾期, "办结率": _rate(s.已办结, s.事项),
        }.items()}
        for s in fig.sources
    ]  # fmt: skip
    sources.append({k: docx_text(v) for k, v in {
        "来源": "合计", "事项": fig.items, "已办结": fig.closed, "按期办结": fig.on_time, "退回重办后办结": fig.redone,
        "当前逾期": fig.overdue, "办结率": _rate(fig.closed, fig.items),
    }.items()})  # fmt: skip
    context = {
        "发文机关": docx_text(settings.org_name),
        "标题": docx_text("督查督办工作情况报告"),
        "期间": docx_text(fig.label),
        **{k: docx_paragraphs(v) for k, v in text.items()},
        "落款单位": docx_text(settings.office),
        "落款日期": docx_text(cn_date(today())),
        "单位统计": rows,
        "来源统计": sources,
    }
    core = {"title": f"督查督办工作情况报告（{fig.label}）", "creator": settings.office}
    _put_bytes(path, template.to_bytes(template.render_parts(context), core, {}))
