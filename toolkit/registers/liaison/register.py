"""联系服务群众 as a register: members' talks (谈心谈话), visits to contact points, research and 慰问.

Talk content (主要内容, 意见建议, 需协调解决的问题, 后续跟进) is the office's record: it lives in the
ledger, its journal and backups, and the archived sheets — never in status output, the committee
workbook, the year-end accounts or messages. Nor do the 类别, 困难情况, phone or address of people
visited (counts only).
"""

from __future__ import annotations

import click

from ..base import Register
from .sheets import CARE_LIST, MEMBERS, TALKS, VISITS


def _module(name: str):
    """One of this package's modules, or None while it does not exist yet."""
    from importlib import import_module

    try:
        return import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.{name}":
            raise
        return None


class Liaison(Register):
    """校党委成员联系服务群众制度: talks planned and recorded, visits, 慰问, coverage and each member's account."""

    order = 3
    name = "联系服务群众"
    alias = "liaison"
    sheet = TALKS
    sheets = (TALKS, VISITS, MEMBERS, CARE_LIST)
    prefix_key = "talks"
    prefix_default = "TH"
    archive_defaults = ("D30", "LXQZ", "联系服务群众")
    settings_toml = """
[liaison]              # 联系服务群众
visits_per_year = 2    # 每位班子成员每年走访每个联系点的次数
care_interval_days = 90   # 日常慰问：距上次慰问满多少天再安排
talk_yellow_from = "10-01"  # 本年应谈未谈的谈话自此日起显示黄色
talk_red_from = "12-01"     # 自此日起显示红色
"""
    report_options = (click.Option(["--member"], metavar="姓名", help="（联系服务群众）只写该班子成员的述职材料。"),)

    @property
    def kinds(self):
        out = []
        for name in ("talks", "visits"):
            module = _module(name)
            if module is not None:
                out += list(module.KINDS)
        return tuple(out)

    def assign_numbers(self, ledger, settings, context, rows):
        """谈话编号 (TH-…) for talks, 记录编号 (ZF-…) for visits, each by the year of its row."""
        from ..numbering import assign_numbers, prefix

        rows = list(rows)
        made = []
        for sheet, key, default in ((TALKS, "talks", "TH"), (VISITS, "visits", "ZF")):
            mine = [r for r in rows if r.view.name == sheet.name]
            if mine:
                made += assign_numbers(ledger.sheet(sheet.name), prefix(settings, key, default), context, mine)
        return made

    def find_row(self, ledger, number):
        for sheet in (TALKS, VISITS):
            view = ledger.views.get(sheet.name)
            if view is not None and number in view.by_number():
                return view.by_number()[number]
        return None

    def apply_returned(self, ws, ledger, units, ident, kind, form, context):
        for name in ("talks", "visits"):
            module = _module(name)
            if module is not None and kind.code in module.APPLY:
                return module.APPLY[kind.code](ws, ledger, units, ident, kind, form, context)
        return super().apply_returned(ws, ledger, units, ident, kind, form, context)

    yearly = True

    def status(self, ws, ledger, year=None):
        module = _module("status")
        return module.status(ws, ledger, year=year) if module is not None else None

    @property
    def templates(self):
        module = _module("report")
        return tuple(getattr(module, "TEMPLATES", ())) if module is not None else ()

    def report(self, ws, year, half=None, **options):
        module = _module("report")
        if module is None:
            return super().report(ws, year, half)
        return module.report(ws, year, half, **options)

    def report_pdf(self, ws, docx_path):
        module = _module("report")
        if module is None:
            return super().report_pdf(ws, docx_path)
        return module.report_pdf(ws, docx_path)

    @property
    def archive(self):
        module = _module("archive")
        return module.LiaisonArchive() if module is not None else None

    def plan_commands(self):
        from .plan import PLAN_COMMANDS

        return PLAN_COMMANDS
