"""Check the ledger against its contract; every problem names the sheet, cell and what to do."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from ..dates import parse_date
from ..registers.units import Units
from . import schema as S
from .workbook import Ledger, display, split_list

ID_RE = re.compile(r"^[A-Za-z]+-\d{4}-\d{3,}$")


@dataclass(frozen=True)
class Problem:
    """One finding of ``check``: level (error/warning/info), where (sheet!cell) and what to do."""

    level: str
    where: str
    message: str

    def __str__(self) -> str:
        tag = {"error": "错误", "warning": "警告", "info": "提示"}[self.level]
        return f"[{tag}] {self.where}：{self.message}"

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def check_ledger(ledger: Ledger) -> list[Problem]:
    """Every problem of the workbook: sheets, headers, cells, numbers and dates."""
    problems: list[Problem] = []
    for sheet in S.all_sheets():
        view = ledger.views.get(sheet.name)
        if view is None:
            if not sheet.optional:
                problems.append(Problem("error", f"{ledger.path.name}", f"缺少工作表“{sheet.name}”，请按台账规范添加（名称须完全一致）。"))
            continue
        for h in view.missing_headers:
            problems.append(Problem("error", f"{sheet.name}!第1行", f"缺少表头“{h}”，请在第1行补上（文字须与规范一致）。"))
        for h in view.duplicate_headers:
            problems.append(Problem("error", f"{sheet.name}!第1行", f"表头“{h}”出现了多次，请删除或改名重复的列。"))
    units = Units.from_ledger(ledger)
    for sheet in S.all_sheets():
        view = ledger.views.get(sheet.name)
        if view is None or sheet is S.JOURNAL:
            continue
        problems += _check_rows(view, units)
    return problems


def _check_rows(view, units: Units) -> list[Problem]:
    """Cell-level problems of one sheet, and its register's cross-field rules for each row."""
    from ..registers import owner_of

    owner = owner_of(view.schema.name)
    out: list[Problem] = []
    seen: dict[str, str] = {}
    columns = [col for col in view.schema.columns if col.header in view.cols]
    for row in view.rows():
        for col in columns:
            raw = row.raw(col.header)
            text = display(raw).strip()
            if not text:
                if col.required:
                    out.append(Problem("error", row.ref(col.header), f"“{col.header}”不能为空，请填写。"))
                elif col.kind == S.ID:
                    out.append(Problem("info", row.ref(col.header), f"“{col.header}”为空，处理时将自动编号。"))
                continue
            problems = _cell_problems(col, raw, text, row, units)
            if problems:
                out += [Problem("error", row.ref(col.header), message) for message in problems]
            elif col.kind == S.ID:
                where = row.ref(col.header)
                if text in seen:
                    out.append(Problem("error", where, f"编号“{text}”与 {seen[text]} 重复，请改为不同的编号（或清空后自动编号）。"))
                else:
                    seen[text] = where
        if owner is not None:
            out += owner.check_row(view.schema, row, units)
    return out


def _cell_problems(col, raw, text: str, row, units: Units) -> list[str]:
    """What is wrong with one filled cell ([] when nothing); each message says what to do."""
    if col.kind == S.DATE:
        if isinstance(raw, dt.date):
            return []
        try:
            parse_date(raw)
        except ValueError:
            return [f"“{col.header}”的值“{text}”不是日期，请写成 2026-03-05 或 2026年3月5日。"]
    elif col.kind == S.CHOICE and text not in col.choices:
        return [f"“{col.header}”的值“{text}”不在可选范围内，请改为：{'、'.join(col.choices)}。"]
    elif col.kind == S.UNIT and not units.get(text):
        return [f"单位“{text}”不在“承办单位”表中，请改为其中的单位名称或简称，或先在“承办单位”表中添加。"]
    elif col.kind == S.UNITS:
        return [
            f"单位“{name}”不在“承办单位”表中，请改为其中的单位名称或简称，或先在“承办单位”表中添加。"
            for name in split_list(raw)
            if not units.get(name)
        ]
    elif col.kind == S.INT:
        try:
            row.int(col.header)
        except ValueError:
            return [f"“{col.header}”应为整数，现为“{text}”。"]
    elif col.kind == S.ID and not ID_RE.match(text):
        return [f"编号“{text}”格式不对，应形如 DB-2026-001（前缀-年份-三位序号）；也可留空由工具自动编号。"]
    return []


def errors_of(problems) -> list[Problem]:
    """Only the problems that block a command."""
    return [p for p in problems if p.level == "error"]
