"""联系服务群众 as a register: members' talks (谈心谈话), visits to contact points, research and 慰问."""

from __future__ import annotations

from ..base import Register
from .sheets import CARE_LIST, MEMBERS, TALKS, VISITS


class Liaison(Register):
    """校党委成员联系服务群众制度: talks planned and recorded, visits, 慰问, coverage and each member's account."""

    order = 3
    name = "联系服务群众"
    alias = "liaison"
    sheet = TALKS
    sheets = (TALKS, VISITS, MEMBERS, CARE_LIST)
    kinds = ()
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

    def plan_commands(self):
        from .plan import PLAN_COMMANDS

        return PLAN_COMMANDS
