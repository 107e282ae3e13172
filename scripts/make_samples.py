"""Build samples/: a demo workspace with a plausible ledger, issued notices and an inbox of returned forms."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from PIL import Image
from pypdf import PdfWriter

import toolkit
from toolkit import Workspace
from toolkit.dates import parse_date
from toolkit.forms.fill import fill_form
from toolkit.intake.pipeline import read_returned
from toolkit.ledger import schema as S
from toolkit.lock import LOCK_NAME
from toolkit.pdf.soffice import Soffice
from toolkit.registers.disclosure.sheets import FEEDBACK
from toolkit.workdays import WorkCalendar

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DANGWU = ROOT / ".venv" / "bin" / "dangwu"
D = dt.date
BOX_DONE, BOX_WIP = "☑已办结\u3000\u3000□办理中", "□已办结\u3000\u3000√办理中"

# fmt: off
ORGANISATION = {
    "name": "中共浙江××职业技术学院委员会",
    "office": "中共浙江××职业技术学院委员会办公室",
    "supervision_contact": "党委办公室督查小组 林老师 0571-86001001",
    "fonds_name": "浙江××职业技术学院",
    "filer": "林晓",  # 备考表 整理人: the office's own clerk, not whoever runs the demo
}
UNIT_HEADERS = ("单位名称", "单位简称", "负责人", "联系人", "联系电话", "电子邮箱")
UNITS = [
    ("党委办公室", "党办", "周文斌", "林晓", "0571-86001001", "dangban@zjxx.edu.cn"),
    ("党委组织部", "组织部", "许卫东", "沈佳", "0571-86001011", "zzb@zjxx.edu.cn"),
    ("党委宣传部", "宣传部", "何静", "方圆", "0571-86001021", "xcb@zjxx.edu.cn"),
    ("教务处", "教务", "王建国", "李敏", "0571-86001101", "jwc@zjxx.edu.cn"),
    ("学生工作处", "学工处", "赵红", "钱进", "0571-86001111", "xgc@zjxx.edu.cn"),
    ("后勤管理处", "后勤处", "吴强", "郑浩", "0571-86001121", "hqc@zjxx.edu.cn"),
    ("信息工程学院", "信息学院", "孙立", "周洁", "0571-86002001", "xxgc@zjxx.edu.cn"),
    ("机电工程学院", "机电学院", "钱伟", "冯磊", "0571-86002011", "jdgc@zjxx.edu.cn"),
    ("经济管理学院", "经管学院", "蒋丽萍", "韩雪", "0571-86002021", "jjgl@zjxx.edu.cn"),
    ("马克思主义学院", "马院", "杨志刚", "朱琳", "0571-86002031", "mkszy@zjxx.edu.cn"),
    ("纪委办公室", "纪委办", "沈建华", "陆芳", "0571-86001031", "jwb@zjxx.edu.cn"),
]
MEMBER_HEADERS = ("姓名", "职务", "党政正职", "分管领域", "联系点", "分管单位")
MEMBERS = [  # 联系点: the units each visits (慰问 there falls to them); 分管单位: whose 负责人 they talk with each year
    ("陈志远", "党委书记", "是", "主持党委全面工作", "马克思主义学院", "党委办公室"),
    ("刘明华", "党委副书记、校长", "是", "主持行政全面工作，分管发展规划和教学", "机电工程学院", "教务处"),
    ("王立新", "党委副书记", "否", "组织、宣传、统战、学生工作", "信息工程学院", "党委组织部、党委宣传部、学生工作处"),
    ("张海燕", "党委委员、纪委书记", "否", "纪检监察、巡察整改", "党委宣传部", "纪委办公室"),
    ("李国栋", "党委委员、副校长", "否", "科研、信息化建设、专业建设", "教务处", "信息工程学院、机电工程学院"),
    ("赵建平", "党委委员、副校长", "否", "后勤、基建、安全稳定", "后勤管理处", "后勤管理处"),
    ("孙晓梅", "党委委员、副校长", "否", "招生就业、校企合作、产教融合", "经济管理学院", "经济管理学院"),
]
ITEM_HEADERS = ("交办时间", "督办来源", "督查形式", "督办事项", "主办单位", "协办单位", "分管校领导", "办理时限", "工作要求")
ITEMS = [  # rows 1-20 are notified; 21-28 are reset to 已立项; NEW_ITEMS are added unnumbered
    (D(2026, 1, 8), "上级部署", "专项督查", "落实省教育厅关于做好寒假期间校园安全稳定工作的通知要求", "后勤管理处", "学工处、党办", "赵建平", D(2026, 2, 27),
     "1. 开展寒假前安全隐患大排查，建立问题清单；\n2. 落实假期值班和领导带班制度；\n3. 开学前书面报送排查整改情况。"),
    (D(2026, 1, 15), "年度工作要点", "定期督查", "制定学校2026年党建工作要点并分解任务清单", "组织部", "党委办公室", "王立新", D(2026, 3, 10),
     "对照上级部署和学校年度工作要点形成任务分解表，明确责任单位和完成时限，提交党委会审议。"),
    (D(2026, 1, 20), "会议决议", "专项督查", "修订《课堂教学质量评价办法》", "教务处", "信息工程学院", "李国栋", D(2026, 3, 31),
     "落实第2次党委会决议：\n1. 广泛征求师生意见；\n2. 增加学生评教和同行评议权重；\n3. 经校长办公会审议后印发。"),
    (D(2026, 2, 3), "领导批示", "专项督查", "学生宿舍热水供应不稳定问题整改", "后勤处", "学工处", "赵建平", D(2026, 3, 20),
     "按陈志远书记批示，查明原因，制定整改方案，限期解决并向学生公开整改结果。"),
    (D(2026, 2, 10), "年度工作要点", "定期督查", "推进“三全育人”综合改革试点建设", "学生工作处", "马院、信息学院、机电学院", "王立新", D(2026, 12, 20),
     "按季度报送工作进展；年底形成典型案例和总结报告。"),
    (D(2026, 2, 26), "会议决议", "联合督查", "开展新学期开学教学秩序检查", "教务处", "党委办公室、学生工作处", "李国栋", D(2026, 3, 13),
     "开学第一周完成教学秩序、教材到位、实训安全三项检查，检查结果在碰头会上通报。"),
    (D(2026, 3, 4), "上级部署", "专项督查", "做好全国“两会”期间网络意识形态安全工作", "党委宣传部", "信息工程学院", "王立新", D(2026, 3, 20),
     "落实24小时网络舆情监测，校园网站和新媒体平台实行三审三校。"),
    (D(2026, 3, 12), "会议决议", "专项督查", "制定思政课教学改革实施方案", "马克思主义学院", "教务处", "王立新", D(2026, 5, 15),
     "方案须包括集体备课、实践教学和考核评价改革，经党委会审定后实施。"),
    (D(2026, 3, 18), "领导批示", "联合督查", "校园周边交通安全隐患排查整治", "后勤管理处", "学生工作处", "赵建平", D(2026, 4, 30),
     "会同属地交警部门排查校门口及周边道路隐患；\n加强学生交通安全教育；\n每月报送整治进展。"),
    (D(2026, 3, 25), "年度工作要点", "定期督查", "推进智慧校园二期建设", "信息工程学院", "教务处、后勤处", "李国栋", D(2026, 10, 31),
     "完成统一身份认证和数据中台建设，半年报送一次进展。"),
    (D(2026, 4, 2), "上级部署", "专项督查", "落实中央八项规定精神自查自纠", "党委办公室", "组织部", "张海燕", D(2026, 5, 10),
     "对照问题清单逐项自查，建立整改台账，自查报告经分管校领导审核后报送。"),
    (D(2026, 4, 10), "会议决议", "专项督查", "省级高水平专业群建设中期检查迎检准备", "机电工程学院", "教务处", "李国栋", D(2026, 6, 15),
     "整理建设任务完成情况和佐证材料，5月底前完成自评报告。"),
    (D(2026, 4, 16), "年度工作要点", "定期督查", "基层党组织“对标争先”建设计划推进", "组织部", "信息学院、机电学院、经管学院", "王立新", D(2026, 11, 30),
     "各党总支按计划推进样板支部培育，每季度报送推进情况。"),
    (D(2026, 4, 22), "领导批示", "专项督查", "食堂饭菜价格和质量学生意见整改", "后勤管理处", "", "赵建平", D(2026, 5, 31),
     "按刘明华校长批示，召开学生座谈会，公布整改措施，一个月内见效。"),
    (D(2026, 5, 6), "会议决议", "专项督查", "2026届毕业生就业去向落实", "学工处", "信息学院、机电学院、经管学院", "孙晓梅", D(2026, 8, 31),
     "实行二级学院书记院长“一把手”访企拓岗，8月底就业去向落实率不低于95%。"),
    (D(2026, 5, 13), "上级部署", "联合督查", "意识形态工作责任制落实情况检查", "宣传部", "马院、党办", "王立新", D(2026, 6, 30),
     "对照省委教育工委检查要点开展自查，形成自查报告。"),
    (D(2026, 5, 20), "年度工作要点", "定期督查", "产业学院建设", "经济管理学院", "教务处", "孙晓梅", D(2026, 12, 31),
     "与合作企业签订共建协议，年内完成订单班招生和课程共建。"),
    (D(2026, 6, 3), "会议决议", "专项督查", "暑期校园维修改造工程", "后勤管理处", "教务处", "赵建平", D(2026, 8, 25),
     "8月25日前完成教学楼维修和学生公寓改造，确保秋季开学正常使用。"),
    (D(2026, 6, 15), "领导批示", "专项督查", "校史馆展陈内容更新", "党委宣传部", "党委办公室", "陈志远", D(2026, 9, 30),
     "补充近五年办学成果，10月校庆前完成布展。"),
    (D(2026, 6, 24), "上级部署", "专项督查", "师德师风专项整治", "党委组织部", "马克思主义学院、教务处", "王立新", D(2026, 9, 10),
     "开展师德失范问题排查，完善师德考核负面清单。"),
    (D(2026, 10, 9), "年度工作要点", "定期督查", "2026年度基层党组织书记抓党建述职评议考核准备", "党委组织部", "党委办公室", "王立新", D(2027, 1, 15),
     "制定考核方案，组织各党总支书记撰写述职报告。"),
    (D(2026, 10, 14), "会议决议", "专项督查", "修订《二级学院年度目标考核办法》", "党办", "组织部、教务", "刘明华", D(2026, 12, 31),
     "1. 增加督查督办完成情况指标；\n2. 征求各二级学院意见；\n3. 年底前提交党委会审议。"),
    (D(2026, 10, 20), "上级部署", "专项督查", "冬季消防安全大检查", "后勤管理处", "学生工作处、机电工程学院", "赵建平", D(2026, 12, 10),
     "重点检查学生公寓、实训室和食堂，问题清单限期整改。"),
    (D(2026, 10, 27), "领导批示", "联合督查", "实训楼用电安全隐患整改", "机电工程学院", "后勤管理处", "赵建平", D(2026, 12, 20),
     "按赵建平副校长批示，更换老化线路，加装漏电保护装置。"),
    (D(2026, 11, 3), "年度工作要点", "定期督查", "“大思政课”实践教学基地建设", "马克思主义学院", "党委宣传部", "王立新", D(2026, 12, 25),
     "年内新建3个实践教学基地，形成实践教学指南。"),
    (D(2026, 11, 5), "会议决议", "专项督查", "职业技能等级证书试点考核组织", "信息工程学院", "教务处", "李国栋", D(2026, 12, 20),
     "做好考点建设、考务培训和考核组织，确保考核安全规范。"),
    (D(2026, 11, 10), "上级部署", "专项督查", "学生心理健康排查和危机干预", "学生工作处", "信息学院、机电学院、经管学院", "王立新", D(2026, 12, 15),
     "1. 完成全体学生心理测评；\n2. 重点关注学生一人一档；\n3. 完善危机干预预案。"),
    (D(2026, 11, 12), "领导批示", "专项督查", "校园网出口带宽扩容", "信息工程学院", "后勤处", "李国栋", D(2027, 1, 10),
     "按李国栋副校长批示，寒假前完成扩容，解决晚间学生宿舍网络拥堵。"),
]
NEW_ITEMS = [
    (D(2026, 11, 17), "年度工作要点", "定期督查", "2026年度党务公开目录梳理", "党委办公室", "组织部、宣传部", "陈志远", D(2026, 12, 31),
     "对照党务公开五类内容梳理公开目录，明确公开范围和时限。"),
    (D(2026, 11, 20), "会议决议", "联合督查", "年终安全稳定工作联合检查", "党委办公室", "后勤管理处、学生工作处", "刘明华", D(2027, 1, 10),
     "元旦前完成校园安全稳定联合检查，检查情况书面报党委。"),
]
OPTIONAL = {"预警", "审核人"}  # columns the toolkit adds to a ledger when it first writes them
NOTIFIED = 20  # rows 1..20 keep their notices
CLOSED = 11  # this item is closed in the ledger after its notice went out
CLOSED_REPLY = {"办理状态": BOX_DONE, "办理情况": "自查问题6项，已全部完成整改，整改台账已报送。", "完成日期": "2026年5月8日"}
CLOSED_DATES = {"完成日期": D(2026, 5, 8), "办结日期": D(2026, 5, 15)}  # the reply, then the office's review
CLOSED_REVIEWER = "周文斌"
FOREIGN_ROWS = [("督办事项", "推进智慧校园二期建设"), ("办理状态", "已办结"), ("办理情况", "统一身份认证已上线。")]
LONG_TEXT = ("组织部按照“对标争先”建设计划，已完成信息工程学院、机电工程学院、经济管理学院三个党总支的样板支部培育对象遴选，"
             "建立了“一支部一方案”培育台账，逐月跟踪支部书记抓党建工作、党员教育管理和组织生活开展情况；"
             "10月下旬组织了中期交叉检查，发现问题12项，已整改9项，其余3项明确了责任人和整改时限，计划11月底前全部完成并报送推进情况。")


@dataclass
class Case:
    """One returned file in inbox/: how it is made and what ingest should do with it."""

    file: str
    what: str
    expect: str  # 已更新 / 已登记 (a 协办 copy) / 退回 / 重复
    item: int = 0  # 1-based row of ITEMS whose notice it starts from
    answers: dict = field(default_factory=dict)
    unit: str = ""  # recipient when not the 主办单位 (a 协办 copy)
    make: str = "fill"  # fill / lo / txt / truncated / foreign / number / unit:NAME / copy:FILE / pdf / pdf:scan|encrypt|truncate
    reason: str = ""  # text the message must contain
    state: str = ""  # 状态 of the item after ingest (a returned-but-refused form leaves it as it was)
    done: D | None = None  # 完成日期 of the item after ingest


def fb(status=BOX_DONE, text="", date="", **extra) -> dict:
    """Feedback answers of a returned form."""
    return {"办理状态": status, "办理情况": text, "完成日期": date, **extra}


CASES = [
    Case("已办结_打勾_多段办理情况.docx", "已办结（☑ 勾选），办理情况多段，完成日期写作 2026年2月26日", "已更新", 1,
         fb(text="一、1月15日至20日组织全校安全隐患大排查，共排查问题23项，已整改21项，其余2项列入寒假施工计划。\n"
                 "二、落实寒假值班和领导带班制度，值班表已报党委办公室备案。\n三、开学前复查全部整改项目，形成整改报告。", date="2026年2月26日"),
         state="待审核", done=D(2026, 2, 26)),
    Case("办理中_用√标记_未填日期.docx", "办理中（用 √ 代替方框），未填完成日期", "已更新", 5,
         fb(BOX_WIP, "已完成试点方案制定和首批10个育人项目立项，正在推进课程思政示范课建设，第三季度进展另报。"), state="办理中"),
    Case("已办结_日期写作2026.3.5.docx", "已办结，完成日期写作 2026.3.5", "已更新", 3,
         fb(text="新办法已经3月3日校长办公会审议通过，3月5日印发执行。", date="2026.3.5"), state="待审核", done=D(2026, 3, 5)),
    Case("已办结_日期写作2026-03-05.docx", "已办结，完成日期写作 2026-03-05", "已更新", 4,
         fb(text="更换3号、5号公寓热水循环泵，增设夜间巡检，整改结果已在学生公寓公告栏公布。", date="2026-03-05"),
         state="待审核", done=D(2026, 3, 5)),
    Case("已办结_删去未选项.docx", "删去未选的“办理中”，格内只剩“已办结”", "已更新", 6,
         fb("已办结", "开学第一周完成三项检查，发现问题5项均已当场整改，结果已在3月9日碰头会通报。", "2026年3月12日"),
         state="待审核", done=D(2026, 3, 12)),
    Case("已办结_用■标记.docx", "用 ■ 标记“已办结”", "已更新", 7,
         fb("■已办结\u3000\u3000□办理中", "两会期间落实24小时舆情监测，未发生网络意识形态安全事件。", "2026年3月18日"),
         state="待审核", done=D(2026, 3, 18)),
    Case("协办单位交回的副本.docx", "协办单位（学生工作处）交回的通知单副本", "已登记", 9,
         fb(text="学生工作处负责的交通安全主题教育已在各班开展，覆盖学生6200余人。", date="2026年4月20日"),
         unit="学生工作处", state="已通知"),
    Case("反馈表(最终版).docx", "文件被改名为与事项无关的名字（靠识别码匹配）", "已更新", 8,
         fb(text="实施方案经5月12日党委会审定，已印发并启动集体备课。", date="2026年5月12日"), state="待审核", done=D(2026, 5, 12)),
    Case("已用WPS另存.docx", "填写后用 LibreOffice 另存为 .docx（模拟 WPS/其他软件另存）", "已更新", 12,
         fb(text="自评报告已完成，佐证材料按建设任务分类归档。", date="2026年6月10日"), make="lo", state="待审核", done=D(2026, 6, 10)),
    Case("承办人以等号开头.docx", "承办人写成“=郑浩”，台账中须保持为文字而非公式", "已更新", 14,
         fb(BOX_WIP, "已召开两次学生座谈会，调整8个窗口菜品价格，持续跟踪学生评价。", 承办人="=郑浩"), state="办理中"),
    Case("不是Word文件_文本改扩展名.docx", "文本文件改了扩展名", "退回", make="txt", reason="已损坏或不是 .docx 文件"),
    Case("文件损坏_压缩包被截断.docx", "文件传输中被截断", "退回", 15, fb(text="就业去向落实率96.2%。", date="2026年8月28日"),
         make="truncated", reason="已损坏或不是 .docx 文件"),
    Case("自建Word文档_非下发表单.docx", "单位自己新建的 Word 报告，不是下发的表单", "退回", make="foreign", reason="找不到识别码，不是本系统下发的表单"),
    Case("立项编号不存在_DB-2026-999.docx", "识别码中的立项编号被改为台账中没有的 DB-2026-999", "退回", 13,
         fb(BOX_WIP, "样板支部培育按计划推进。"), make="number", reason="台账中没有立项编号为 DB-2026-999 的督办事项"),
    Case("其他单位的表单.docx", "识别码中的单位被改为既非主办也非协办的后勤管理处", "退回", 16,
         fb(text="自查报告已形成。", date="2026年6月25日"), make="unit:后勤管理处", reason="此表是发给“后勤管理处”的"),
    Case("改动了办理时限.docx", "单位把预填的办理时限改成 2027年3月31日", "退回", 17,
         fb(BOX_WIP, "合作协议已签订，订单班正在招生。", 办理时限="2027年3月31日"), reason="预填的内容被改动：办理时限"),
    Case("已办结但未填办理情况.docx", "勾选已办结，办理情况空白", "退回", 18, fb(date="2026年8月20日"), reason="已勾选“已办结”，但“办理情况”为空"),
    Case("已办结但未填完成日期.docx", "勾选已办结，完成日期空白", "退回", 19, fb(text="布展已完成，校庆期间开放。"), reason="已勾选“已办结”，但“完成日期”为空"),
    Case("完成日期写成下周一.docx", "完成日期写作“下周一”", "退回", 20, fb(text="排查已完成。", date="下周一"), reason="“完成日期”填写的“下周一”不是日期"),
    Case("完成日期是将来日期.docx", "完成日期写作 2099年1月1日", "退回", 2, fb(text="任务清单已印发。", date="2099年1月1日"), reason="晚于今天，不能是将来的日期"),
    Case("两项都勾选.docx", "“已办结”和“办理中”都打了勾", "退回", 10,
         fb("☑已办结\u3000\u3000☑办理中", "统一身份认证已上线，数据中台建设中。"), reason="同时勾选了已办结和办理中"),
    Case("事项已办结仍交回.docx", "事项在台账中已办结后又交回的反馈", "退回", CLOSED,
         fb(text="补充自查整改材料。", date="2026年5月8日"), reason="已办结（办结日期 2026-05-15），不再接收反馈"),
    Case("重复提交_同一文件再交一次.docx", "与“已办结_日期写作2026-03-05.docx”完全相同（字节一致）的文件", "重复", 4,
         make="copy:已办结_日期写作2026-03-05.docx", reason="该文件此前已处理过（内容完全相同）", state="待审核"),
    # PDFs: filled notices exported by LibreOffice (as Word/WPS 另存为 PDF would), some spoiled afterwards
    Case("PDF_已办结_办理情况两段.pdf", "填写后导出为 PDF（LibreOffice），已办结，办理情况两段（该事项的 Word 文件传坏后改交 PDF）", "已更新", 15,
         fb(text="一、实行二级学院书记院长“一把手”访企拓岗，走访企业126家，新增就业岗位870个。\n"
                 "二、截至8月28日，2026届毕业生就业去向落实率96.2%。", date="2026年8月28日"),
         make="pdf", state="待审核", done=D(2026, 8, 28)),
    Case("PDF_办理中_办理情况长文自动换行.pdf", "填写后导出为 PDF，办理中，办理情况很长、在格内自动换成多行（读取时接回一段）", "已更新", 13,
         fb(BOX_WIP, LONG_TEXT), make="pdf", state="办理中"),
    Case("PDF_扫描件.pdf", "导出的 PDF 打印签字后扫描（100 dpi 图片，没有文字层）", "退回", 16,
         fb(text="已对照检查要点完成自查，自查报告已报党委。", date="2026年6月25日"), make="pdf:scan", reason="是扫描件（页面是图片，没有文字层）"),
    Case("PDF_设置了打开密码.pdf", "导出的 PDF 设置了打开密码", "退回", 18,
         fb(text="教学楼维修和学生公寓改造已完工并通过验收。", date="2026年8月20日"), make="pdf:encrypt", reason="设置了打开密码（已加密）"),
    Case("PDF_文件被截断.pdf", "导出的 PDF 传输中被截断", "退回", 19,
         fb(text="展陈内容已更新，校庆期间开放。", date="2026年9月28日"), make="pdf:truncate", reason="PDF 文件已损坏或不完整"),
    Case("PDF_改动了办理时限.pdf", "导出 PDF 前把预填的办理时限改成 2026年12月31日", "退回", 20,
         fb(BOX_WIP, "师德失范问题排查已完成，负面清单正在修订。", 办理时限="2026年12月31日"), make="pdf",
         reason="预填的内容被改动：办理时限"),
]

# 党务公开: rows entered by the office and sent for approval on APPROVAL_DAY; decisions come back in inbox/ (APPROVALS)
DISCLOSURE_HEADERS = ("公开类别", "公开事项", "公开内容摘要", "提出部门", "公开范围", "公开形式", "时限类型", "计划公开日期", "常规事项")
DISCLOSURES = [  # numbered GK-2026-001.. by `generate approval`
    ("党务运行基本情况", "2026年第四季度党费收缴管理情况", "全校各党支部第四季度党费收缴、使用和管理情况", "党委组织部", "全体党员",
     "支部党员大会、党建信息平台", "常规性", D(2026, 12, 25), "党费收缴管理情况"),
    ("基层组织建设情况", "2026年下半年拟发展党员对象公示", "信息工程学院党总支拟发展的12名党员对象基本情况", "信息工程学院", "全体教职工",
     "学院公示栏、校园网", "临时性", D(2026, 11, 30), ""),
    ("思想政治建设情况", "学生心理危机干预个案处置情况", "2026年秋季学期学生心理危机干预个案及处置过程", "学生工作处", "社会",
     "校园网", "临时性", D(2026, 12, 10), ""),
    ("干部选拔任用情况", "2026年度中层干部选拔任用工作情况", "年度中层干部选拔任用工作开展情况及“一报告两评议”安排", "党委组织部", "党政领导干部",
     "中层干部会议", "阶段性", D(2026, 12, 18), ""),
    ("思想政治建设情况", "2026年意识形态工作责任制落实情况", "学校党委落实意识形态工作责任制的主要做法和成效", "党委宣传部", "全体教职工",
     "校园网、教职工大会", "阶段性", D(2026, 12, 22), ""),
    ("党风廉政建设", "2026年度党风廉政建设责任制落实情况", "学校党委落实全面从严治党主体责任和党风廉政建设责任制情况", "党委办公室",
     "全体党员", "党员大会、党建信息平台", "阶段性", D(2026, 12, 30), ""),
]
APPROVAL_DAY = D(2026, 11, 23)  # the office sends the 审批表 (a Monday after the items are entered)
DEMO_DAY = D(2026, 12, 4)  # the earliest day the demo runs: no 审批日期 after it
PAPER_ITEM = 6  # decided on paper in the demo (`dangwu decide`): no form comes back
APPROVE = "☑同意公开\u3000\u3000□不予公开"


@dataclass
class Approval:
    """One returned 党务公开审批表 in inbox/ and what ingest should do with it."""

    file: str
    what: str
    expect: str  # 已更新 / 退回
    item: int  # 1-based row of DISCLOSURES
    answers: dict
    make: str = "fill"  # fill / pdf (exported by LibreOffice)
    reason: str = ""  # text the message must contain
    state: str = "待审批"  # 审批状态 after ingest


APPROVALS = [
    Approval("党务公开审批表_同意公开.docx", "同意公开（☑ 勾选），附保密审查意见和分管领导意见", "已更新", 1,
             {"保密审查意见": "经审查，不涉及国家秘密和工作秘密。", "分管领导意见": "同意。王立新", "审批结果": APPROVE,
              "审批意见": "同意按计划在支部党员大会和党建信息平台公开。", "审批人": "陈志远", "审批日期": "2026年11月26日"}, state="已批准"),
    Approval("党务公开审批表_同意公开_导出PDF.pdf", "同意公开，填写后导出为 PDF（LibreOffice）", "已更新", 2,
             {"保密审查意见": "公示内容不含身份证号等个人敏感信息。", "审批结果": APPROVE, "审批意见": "同意公示，公示期5个工作日。",
              "审批人": "王立新", "审批日期": "2026-11-25"}, make="pdf", state="已批准"),
    Approval("党务公开审批表_不予公开_附意见.docx", "不予公开（☑ 勾选），审批意见写明理由", "已更新", 3,
             {"审批结果": "□同意公开\u3000\u3000☑不予公开",
              "审批意见": "涉及学生个人隐私，不予公开；相关工作情况纳入年度学生工作总结，在校内通报。", "审批人": "陈志远",
              "审批日期": "2026年11月27日"}, state="不予公开"),
    Approval("党务公开审批表_两项都勾选.docx", "“同意公开”和“不予公开”都打了勾", "退回", 4,
             {"审批结果": "☑同意公开\u3000\u3000☑不予公开", "审批意见": "范围限于党政领导干部。", "审批人": "陈志远",
              "审批日期": "2026年11月30日"}, reason="同时勾选了同意公开和不予公开"),
    Approval("党务公开审批表_未填审批人.docx", "勾选同意公开，审批人空白", "退回", 5,
             {"审批结果": APPROVE, "审批意见": "同意公开。", "审批人": "", "审批日期": "2026年12月1日"}, reason="“审批人”为空"),
]

# 党务公开 in December (the demo's DANGWU_TODAY): announced, opinions handed in, answered, re-disclosed, filed
DISCLOSURE_SETTINGS = {"phone": "0571-86001002", "email": "dwgk@zjxx.edu.cn", "address": "杭州市××区学院路1号行政楼305室（党委办公室）"}
PAPER_DECISION = ("--approve", "--by", "陈志远", "--date", "2026-12-03", "--opinion", "同意先在党员大会通报，再在党建信息平台公开")
INNER_DAY = D(2026, 12, 7)  # GK-001 and GK-006 to 全体党员; GK-002 to 全体党员 first (先党内); their 公示期 12月7日–11日
OUTER_DAY = D(2026, 12, 14)  # GK-002 to 全体教职工, the working days 12月14日–18日
BODY_ITEM, TEXT_ITEM = 2, 1  # 公开内容/: a Word body for the 发展对象 list, a .txt for the 党费 figures
RETURNS = "待交回意见"  # filled 意见反馈表, one sub-folder per day they are handed in; the demo moves each into inbox/
BATCHES = {"12月9日交回": D(2026, 12, 9), "12月16日交回": D(2026, 12, 16)}


@dataclass
class Opinion:
    """One returned 意见反馈表 in 待交回意见/<batch>/ and what ingest should do with it on the batch's day."""

    file: str
    what: str
    expect: str  # 已登记 / 退回
    item: int  # 1-based row of DISCLOSURES
    batch: str  # key of BATCHES
    answers: dict
    reason: str = ""  # text the message must contain


def opinion(who, identity, phone, text, date) -> dict:
    """The answers of a filled 意见反馈表."""
    return {"反馈人": who, "单位或身份": identity, "联系方式": phone, "意见建议": text, "反馈日期": date}


OPINIONS = [
    Opinion("意见反馈表_许明.docx", "党员实名反馈（询问本支部责任书的签订），公示期内交回", "已登记", 6, "12月9日交回",
            opinion("许明", "机电工程学院教工党支部 党员", "13957100101",
                    "本人所在支部今年尚未组织签订党风廉政建设责任书，想了解学校对教工党支部签订责任书的具体要求。", "2026年12月8日")),
    Opinion("对拟发展对象的意见_张伟.docx", "教师实名反馈，对名单中一人的培养时间有疑问", "已登记", 2, "12月16日交回",
            opinion("张伟", "信息工程学院 教师", "13957100102",
                    "公示名单第5名发展对象确定为入党积极分子的时间是2025年11月，培养期是否已满一年？请核实。", "2026年12月15日")),
    Opinion("意见反馈表(李娜).docx", "党员实名反馈，对公示方式提建议", "已登记", 2, "12月16日交回",
            opinion("李娜", "信息工程学院学生第二党支部 党员", "13957100103",
                    "建议今后公示时注明各发展对象的培养联系人，便于群众反映情况。", "2026年12月16日")),
    Opinion("意见反馈表_未署名.docx", "未填反馈人（匿名意见）", "退回", 2, "12月16日交回",
            opinion("", "", "", "名单中有同学平时参加集体活动较少，建议慎重考虑。", "2026年12月15日"),
            reason="“反馈人”为空：意见须署真实姓名（实名反馈）"),
]
CANDIDATE_HEADERS = ("序号", "姓名", "性别", "出生年月", "所在党支部", "身份", "确定为积极分子时间")
CANDIDATE_WIDTHS = (1.2, 1.9, 1.2, 1.9, 3.0, 1.6, 4.2)  # cm, within the 15.6 cm type area of A4
CANDIDATES = [
    ("陈思远", "男", "2005.03", "学生第一党支部", "学生", "2025.05"),
    ("王雨桐", "女", "2005.07", "学生第一党支部", "学生", "2025.05"),
    ("刘浩然", "男", "2004.11", "学生第一党支部", "学生", "2025.05"),
    ("赵欣怡", "女", "2005.01", "学生第一党支部", "学生", "2025.06"),
    ("孙嘉豪", "男", "2005.09", "学生第二党支部", "学生", "2025.11"),
    ("周梦琪", "女", "2005.04", "学生第二党支部", "学生", "2025.06"),
    ("吴俊杰", "男", "2004.12", "学生第二党支部", "学生", "2025.06"),
    ("郑雅文", "女", "2005.02", "学生第二党支部", "学生", "2025.06"),
    ("冯子轩", "男", "2005.06", "学生第三党支部", "学生", "2025.05"),
    ("蒋诗涵", "女", "2005.08", "学生第三党支部", "学生", "2025.05"),
    ("韩晓东", "男", "1994.10", "教工党支部", "教师", "2025.04"),
    ("杨丽君", "女", "1996.03", "教工党支部", "辅导员", "2025.04"),
]
BODY_INTRO = ("根据《中国共产党发展党员工作细则》，经党员推荐、支部委员会研究、信息工程学院党总支审查，"
              "拟将以下12名同志确定为发展对象，现予公示。")
BODY_ASKS = ["政治立场、理想信念和入党动机方面的情况；", "遵守法律法规和校规校纪方面的情况；",
             "学习、工作表现和在群众中的威信；", "其他需要反映的情况。"]
TEXT_BODY = """2026年第四季度，全校23个党支部共有党员612名（教职工党员286名、学生党员326名），应交纳党费的党员均已按月足额交纳。
一、党费收缴情况。本季度共收缴党费8.76万元，其中教职工党员交纳8.42万元、学生党员交纳0.34万元，已全部缴入校党委组织部党费专户。
二、党费使用情况。经校党委批准，本季度使用党费2.15万元，用于基层党组织开展主题党日活动、慰问生活困难党员和老党员、购买党员教育学习资料。
三、党费管理情况。党费实行支部按月收缴、组织部按季核对，收缴台账和使用凭证齐全，账实相符。
"""
# 联系服务群众: who is visited with 慰问 (老党员/老同志 at festivals, 重病/困难 日常), and December as the demo runs it
CARE_HEADERS = ("姓名", "单位", "类别", "所在支部", "联系电话", "住址", "备注")
CARE_PEOPLE = [
    ("周德明", "机电工程学院", "老党员", "离退休教职工第一党支部", "13805710201", "杭州市××区文晖路18号3幢201室", "1962年入党，原机电系主任"),
    ("郑国华", "马克思主义学院", "老党员", "离退休教职工第二党支部", "13805710202", "杭州市××区学院路1号教工宿舍5幢302室", "1965年入党"),
    ("吴秀英", "后勤管理处", "老同志", "离退休教职工第一党支部", "13805710203", "杭州市××区朝晖七区12幢104室", "原后勤管理处副处长"),
    ("陆永红", "马克思主义学院", "重病", "马克思主义学院教工党支部", "13805710204", "杭州市××区学院路1号教工宿舍2幢501室", "2026年9月起住院治疗"),
    ("徐晓燕", "经济管理学院", "困难", "经济管理学院教工党支部", "13805710205", "杭州市××区德胜路66号7幢602室", "配偶失业，子女就读高中"),
]
CHIEF = MEMBERS[0][0]  # 党委书记: the talk sheets generated in the demo and the account reported are his
PLAN_DAY = D(2026, 12, 7)  # plan talks --year 2026; generate talk-sheet --member 陈志远
CONTACT_UNIT = MEMBERS[0][4]  # his 联系点, visited with a `--new` 走访联系点 sheet on VISIT_DAY
VISIT_DAY = D(2026, 12, 15)  # talk sheets back; an unplanned talk; plan visits 元旦 2027 and 日常 2026; visit sheets
UNPLANNED = ("杨志刚", "与骨干")  # `generate talk-sheet --new --member 陈志远 --with 杨志刚 --type 与骨干` on VISIT_DAY
YEAR_END = D(2026, 12, 31)  # status, the member's account, archive
SHEETS_BACK = "待交回记录表"  # filled talk and visit sheets, one sub-folder per day they are handed in
LIAISON_BATCHES = {"12月15日交回": VISIT_DAY, "12月22日交回": D(2026, 12, 22)}


@dataclass
class SheetBack:
    """One returned 谈心谈话记录表, 走访调研记录表 or 慰问登记表 in 待交回记录表/<batch>/ and what ingest should do with it."""

    file: str
    what: str
    expect: str  # 已更新 / 退回
    batch: str  # key of LIAISON_BATCHES
    other: str  # the 谈话对象 of the chief's planned talk, or the 对象或单位 of the visit row
    answers: dict
    reason: str = ""  # text the message must contain
    way: str = ""  # 谈话方式 recorded


def talk(when, where, way, content, advice="", problem="", follow="") -> dict:
    """The answers of a filled 谈心谈话记录表 (the office's clerk takes the notes)."""
    return {"谈话日期": when, "地点": where, "谈话方式": way, "谈话主要内容": content, "对方意见建议": advice,
            "需协调解决的问题": problem, "后续跟进": follow, "记录人": ORGANISATION["filer"]}


WAY_FACE, WAY_PHONE = "☑面对面\u3000□电话\u3000□短信\u3000□邮件\u3000□其他", "□面对面\u3000☑电话\u3000□短信\u3000□邮件\u3000□其他"
SHEETS_RETURNED = [
    SheetBack("谈心谈话记录表_陈志远与刘明华.docx", "书记与校长面对面谈话，各栏填写完整", "已更新", "12月15日交回", "刘明华",
              talk("2026年12月8日", "行政楼党委书记办公室", WAY_FACE,
                   "交流党政主要负责人沟通协调机制运行情况，围绕2027年学校事业发展规划重点任务和干部队伍建设交换意见。",
                   "建议每月固定一次书记校长碰头会，重大事项提前沟通。", "", "碰头会制度由党委办公室拟订方案，12月底前报党委会。"),
              way="面对面"),
    SheetBack("谈心谈话记录表_陈志远与张海燕_电话.docx", "纪委书记在外参加培训，改为电话谈话", "已更新", "12月15日交回", "张海燕",
              talk("2026年12月10日", "电话", WAY_PHONE,
                   "了解全面从严治党主体责任落实和巡察整改推进情况，听取对班子作风建设的意见。",
                   "建议年底前专题研究巡察整改“回头看”。", "", "培训结束后当面补谈。"),
              way="电话"),
    SheetBack("谈心谈话记录表_陈志远与王立新_两种方式都勾选.docx", "“面对面”和“电话”都打了勾", "退回", "12月15日交回", "王立新",
              talk("2026年12月11日", "行政楼党委书记办公室", "☑面对面\u3000☑电话\u3000□短信\u3000□邮件\u3000□其他",
                   "交流学生思想政治工作和基层党建“对标争先”推进情况。"),
              reason="同时勾选了面对面和电话"),
    SheetBack("走访调研记录表_陈志远走访马克思主义学院.docx", "书记走访联系点（演示中用 --new 新增并生成记录表），各栏填写完整", "已更新",
              "12月22日交回", CONTACT_UNIT,
              {"时间": "2026年12月18日上午", "地点": "马克思主义学院会议室", "参加人员": "陈志远、周文斌、林晓",
               "座谈对象或调研对象": "马克思主义学院教师代表8人", "了解的情况": "学院思政课教学改革进展顺利，实践教学基地新建3个；青年教师反映科研启动经费不足、办公用房紧张。",
               "意见建议": "建议增加青年教师科研启动经费，统筹解决办公用房。", "解决的问题": "协调后勤管理处调剂2间办公用房，下学期投入使用。",
               "后续跟进": "科研启动经费问题请分管校领导李国栋牵头研究，寒假前提出方案。"}),
    SheetBack("慰问登记表_陆永红.docx", "日常慰问重病教师（plan visits --occasion 日常 安排），家属代为签收", "已更新", "12月22日交回", "陆永红",
              {"慰问时间": "2026年12月19日", "困难情况": "患病住院治疗，医疗费用负担较重。", "慰问金或物品": "慰问金2000元",
               "对象诉求": "希望学校协助办理大病医疗补助。", "签收": "王芳（家属代签）", "备注": "已转工会协助申请大病医疗补助。"}),
]
LIAISON_STEPS = {  # the demo's 联系服务群众 commands that number rows or write sheets, by day (VISIT_DAY: after that day's ingest)
    PLAN_DAY: [("plan", "talks", "--year", "2026"), ("generate", "talk-sheet", "--member", CHIEF)],
    VISIT_DAY: [
        ("generate", "talk-sheet", "--new", "--member", CHIEF, "--with", UNPLANNED[0], "--type", UNPLANNED[1]),
        ("plan", "visits", "--occasion", "元旦", "--year", "2027"),
        ("plan", "visits", "--occasion", "日常", "--year", "2026"),
        ("generate", "visit-sheet", "--type", "慰问"),
        ("generate", "visit-sheet", "--type", "走访联系点", "--new", "--member", CHIEF, "--unit", CONTACT_UNIT),
    ],
}
# fmt: on


def set_organisation(path: Path) -> None:
    """Put the sample college's names and 党务公开 feedback channels into dangwu.toml, keeping its layout and comments."""
    text = path.read_text(encoding="utf-8")
    for key, value in {**ORGANISATION, **DISCLOSURE_SETTINGS}.items():  # the first `office` is [organisation]'s

        def put(m, value=value):  # the comment keeps its column where the value leaves room
            room = width(m[2]) + len(m[3]) - width(value)
            return f'{m[1]}"{value}"' + (" " * max(1, room) + "#" if m[4] else m[3])

        text, n = re.subn(rf'^({key}\s*=\s*)"([^"]*)"( *)(#?)', put, text, count=1, flags=re.M)
        assert n == 1, f"dangwu.toml has no {key} line"
    path.write_text(text, encoding="utf-8")


def width(text: str) -> int:
    """Columns ``text`` takes in an editor: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def enter_liaison(ws: Workspace) -> None:
    """As the clerk types them in Excel: each member's 分管单位 (init leaves it blank) and the 慰问对象 list."""
    wb = openpyxl.load_workbook(ws.ledger_path)
    for name, rows in (("班子成员", MEMBERS), ("慰问对象", CARE_PEOPLE)):
        sheet = wb[name]
        headers = [c.value for c in sheet[1]]
        source = MEMBER_HEADERS if name == "班子成员" else CARE_HEADERS
        for r, values in enumerate(rows, start=2):
            for header, value in zip(source, values):
                write(sheet.cell(r, headers.index(header) + 1), value)
    wb.save(ws.ledger_path)


def edit_ledger(ledger: Path, changes: dict[str, dict] | None = None, new_rows: list[tuple] = ()) -> None:
    """Change cells of rows found by 立项编号 and append rows below the last used one, as a clerk in Excel would."""
    wb = openpyxl.load_workbook(ledger)
    sheet = wb[S.SUPERVISION.name]
    headers = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        for header, value in (changes or {}).get(sheet.cell(r, headers.index("立项编号") + 1).value, {}).items():
            if header in OPTIONAL and header not in headers:
                continue  # a column the toolkit adds when it first needs it
            write(sheet.cell(r, headers.index(header) + 1), value)
    used = [r for r in range(2, sheet.max_row + 1) if any(c.value is not None for c in sheet[r])]
    for r, values in enumerate(new_rows, start=max(used, default=1) + 1):
        for header, value in zip(ITEM_HEADERS, values):
            write(sheet.cell(r, headers.index(header) + 1), value)
    wb.save(ledger)


def write(cell, value) -> None:
    """Write a cell as Excel would show it: dates as yyyy-mm-dd, empty as blank."""
    cell.value = value if value != "" else None
    if isinstance(value, D):
        cell.number_format = "yyyy-mm-dd"


def issue_day(ws: Workspace, assigned: D) -> D:
    """The day an item's notice goes out: the first working day after the meeting or instruction that assigned it."""
    return WorkCalendar.from_settings(ws.settings).add(assigned, 1)[0]


def build_ledger(root: Path) -> tuple[Workspace, list[str], dict]:
    """Create the workspace, enter each item and issue its notice on its own day; returns numbers and {(number, unit): Generated}."""
    toolkit.init_workspace(root, units=[dict(zip(UNIT_HEADERS, u)) for u in UNITS], members=[dict(zip(MEMBER_HEADERS, m)) for m in MEMBERS])
    set_organisation(root / "dangwu.toml")
    ws = Workspace(root)
    enter_liaison(ws)
    numbers, notices, issued = [], {}, {}
    for values in ITEMS:  # as the office works: an item is entered, numbered and notified when it is assigned
        edit_ledger(ws.ledger_path, new_rows=[values])
        os.environ["DANGWU_TODAY"] = issue_day(ws, values[0]).isoformat()
        try:
            result = toolkit.generate(ws, "notice")
        finally:
            del os.environ["DANGWU_TODAY"]
        numbers += result.numbered
        notices.update({(d.number, d.unit): d for d in result.documents})
        issued.update({n: issue_day(ws, values[0]) for n in result.numbered})
    assert len(numbers) == len(ITEMS), numbers
    for d in list(notices.values()):  # reset items are not notified yet: their notices do not exist
        if d.number in numbers[NOTIFIED:]:
            d.path.unlink()
    # 预警 was painted as of each issue day; left blank, the first `dangwu status` fills it as of its own day
    changes = {n: {"预警": None} for n in numbers[:NOTIFIED]} | {
        n: {"状态": None, "通知日期": None, "预警": None} for n in numbers[NOTIFIED:]
    }
    edit_ledger(ws.ledger_path, changes, NEW_ITEMS)
    close_item(ws, numbers[CLOSED - 1], notices)
    check_dates(numbers, issued)
    approvals = send_for_approval(ws)
    shutil.rmtree(root / ".backup", ignore_errors=True)
    return ws, numbers, notices, approvals


def send_for_approval(ws: Workspace) -> dict:
    """Enter the 党务公开 items and generate their 审批表 on APPROVAL_DAY; returns {公开编号: Generated}."""
    wb = openpyxl.load_workbook(ws.ledger_path)
    sheet = wb[S.DISCLOSURE.name]
    headers = [c.value for c in sheet[1]]
    used = [r for r in range(2, sheet.max_row + 1) if any(c.value is not None for c in sheet[r])]
    for r, values in enumerate(DISCLOSURES, start=max(used, default=1) + 1):
        for header, value in zip(DISCLOSURE_HEADERS, values):
            write(sheet.cell(r, headers.index(header) + 1), value)
    wb.save(ws.ledger_path)
    os.environ["DANGWU_TODAY"] = APPROVAL_DAY.isoformat()
    try:
        result = toolkit.generate(ws, "approval")
    finally:
        del os.environ["DANGWU_TODAY"]
    if len(result.numbered) != len(DISCLOSURES) or len(result.documents) != len(DISCLOSURES):
        sys.exit(f"approval forms: numbered {result.numbered}, {len(result.documents)} forms for {len(DISCLOSURES)} items")
    for case in APPROVALS:  # decided after the form went out, and not after the day the demo runs
        when = parse_date(case.answers["审批日期"])
        if not APPROVAL_DAY < when <= DEMO_DAY:
            sys.exit(f"{case.file}: 审批日期 {when} is not between {APPROVAL_DAY} and {DEMO_DAY}")
    return {d.number: d for d in result.documents}


def write_bodies(root: Path, gk: list[str]) -> None:
    """公开内容/: the Word body of one item (heading, table, numbered list) and the .txt of another, as the offices wrote them."""
    folder = root / "公开内容"
    folder.mkdir()
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "仿宋_GB2312", Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    document.add_paragraph(BODY_INTRO).paragraph_format.first_line_indent = Pt(32)
    heading(document, "一、拟发展对象名单")
    table = document.add_table(rows=1, cols=len(CANDIDATE_HEADERS))
    table.style, table.autofit = "Table Grid", False
    for cell, text in zip(table.rows[0].cells, CANDIDATE_HEADERS):
        cell.text = text
    for i, person in enumerate(CANDIDATES, start=1):
        for cell, text in zip(table.add_row().cells, (str(i), *person)):
            cell.text = text
    for column, width in zip(table.columns, CANDIDATE_WIDTHS):  # the grid, which LibreOffice and WPS lay out by
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, CANDIDATE_WIDTHS):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing, paragraph.paragraph_format.first_line_indent = 1.0, Pt(0)
            for run in paragraph.runs:
                run.font.size = Pt(10.5)
                run.bold = row is table.rows[0] or None
    heading(document, "二、公示期间请重点反映的情况")
    for text in BODY_ASKS:
        document.add_paragraph(text, style="List Number")
    document.save(str(folder / f"{gk[BODY_ITEM - 1]}.docx"))
    (folder / f"{gk[TEXT_ITEM - 1]}.txt").write_text(TEXT_BODY, encoding="utf-8")


def heading(document, text: str) -> None:
    """A Word 标题 2 in 黑体 三号, black, as an office restyles Word's built-in heading."""
    run = document.add_heading(level=2).add_run(text)
    run.font.name, run.font.size, run.font.color.rgb = "黑体", Pt(16), RGBColor(0, 0, 0)
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "黑体")


def dangwu(ws: Path, day: D, *args: str) -> str:
    """Run a dangwu command on ``ws`` as of ``day`` (DANGWU_TODAY), as the demo does; exits on failure."""
    env = {**os.environ, "DANGWU_TODAY": day.isoformat()}
    done = subprocess.run([str(DANGWU), *args, "-w", str(ws)], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        sys.exit(f"dangwu {' '.join(args)} (as of {day}) failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def announce(ws: Path, gk: list[str], day: D, forms: list[int]) -> None:
    """The day's announcements (the demo's), then the 意见反馈表 of the items given."""
    dangwu(ws, day, "generate", "announcement")
    if forms:
        dangwu(ws, day, "generate", "feedback-form", *(a for i in forms for a in ("--id", gk[i - 1])))


def build_opinions(root: Path, gk: list[str], tmp: Path) -> None:
    """待交回意见/: 意见反馈表 filled from the toolkit's own forms, made on a scratch copy walked through the demo's days."""
    scratch = tmp / "december"
    shutil.copytree(root, scratch)
    dangwu(scratch, DEMO_DAY, "ingest")
    dangwu(scratch, DEMO_DAY, "decide", gk[PAPER_ITEM - 1], *PAPER_DECISION)
    announce(scratch, gk, INNER_DAY, sorted({o.item for o in OPINIONS if BATCHES[o.batch] < OUTER_DAY} | {TEXT_ITEM}))
    announce(scratch, gk, OUTER_DAY, sorted({o.item for o in OPINIONS if BATCHES[o.batch] > OUTER_DAY}))
    forms = {p.name.split("_")[0]: p for p in (scratch / "outbox" / "党务公开意见反馈表").glob("*.docx")}
    for case in OPINIONS:
        day = BATCHES[case.batch]
        if not parse_date(case.answers["反馈日期"]) <= day or not DEMO_DAY < day < dt.date(2026, 12, 31):
            sys.exit(f"{case.file}: 反馈日期 {case.answers['反馈日期']} after the day it is handed in ({day})")
        dst = root / RETURNS / case.batch / case.file
        dst.parent.mkdir(parents=True, exist_ok=True)
        fill_form(forms[gk[case.item - 1]], dst, case.answers)


def liaison_day(ws: Path, day: D) -> None:
    """The demo's 联系服务群众 commands of ``day`` that number rows or write sheets (none on other days)."""
    for args in LIAISON_STEPS.get(day, []):
        dangwu(ws, day, *args)


def build_sheets_back(root: Path, tmp: Path) -> None:
    """待交回记录表/: talk, visit and 慰问 sheets filled from the toolkit's own, made on a scratch copy walked through the demo's days."""
    scratch = tmp / "liaison"
    shutil.copytree(root, scratch)
    sheets = {}
    for day in sorted(LIAISON_STEPS):
        liaison_day(scratch, day)
        for path in sorted((scratch / "outbox").glob("*/*.docx")):
            _, _, form, _ = read_returned(path)
            if form is not None and form.identity().kind in ("talk_sheet", "visit_sheet", "care_sheet"):
                key = form.fields.get("谈话对象") or form.fields.get("对象或单位") or form.fields.get("对象")
                if form.fields.get("谈话人", CHIEF) == CHIEF:
                    sheets.setdefault(key, (path, day))
    for case in SHEETS_RETURNED:
        day = LIAISON_BATCHES[case.batch]
        path, issued = sheets[case.other]
        when = case.answers.get("谈话日期") or case.answers.get("时间") or case.answers.get("慰问时间")
        held = parse_date(re.match(r"\d+年\d+月\d+日", when)[0])
        if not issued <= held <= day:
            sys.exit(f"{case.file}: held on {held}, not between its sheet ({issued}) and the day it is handed in ({day})")
        dst = root / SHEETS_BACK / case.batch / case.file
        dst.parent.mkdir(parents=True, exist_ok=True)
        fill_form(path, dst, case.answers)


def close_item(ws: Workspace, number: str, notices: dict) -> None:
    """The closed item as the office closed it: its unit's reply ingested on the day, reviewed a week later."""
    unit = next(d.unit for (n, _), d in notices.items() if n == number and d.role == "主办")
    u = next(x for x in UNITS if x[0] == unit)
    answers = {"承办人": u[3], "联系电话": u[4], "单位负责人": u[2], **CLOSED_REPLY}
    fill_form(notices[(number, unit)].path, ws.inbox / f"{unit}自查整改情况反馈.docx", answers)
    os.environ["DANGWU_TODAY"] = CLOSED_DATES["完成日期"].isoformat()
    try:
        [outcome] = toolkit.ingest(ws)
        if outcome.result != "已更新":
            sys.exit(f"the closed item's reply was not applied: {outcome.message}")
        os.environ["DANGWU_TODAY"] = CLOSED_DATES["办结日期"].isoformat()
        toolkit.review(ws, number, accept=True, opinion="同意办结", by=CLOSED_REVIEWER)
    finally:
        del os.environ["DANGWU_TODAY"]


def check_dates(numbers: list[str], issued: dict[str, D]) -> None:
    """Every sample date after the notice it answers: completion, the closed item's feedback and review."""
    for case in CASES:
        try:
            done = case.done or parse_date(case.answers.get("完成日期") or None)
        except ValueError:  # a case about a date that is not one (下周一)
            continue
        notice = issued.get(numbers[case.item - 1]) if case.item else None
        if done and notice and done.year < 2090 and done <= notice:  # 2099: the case of a date in the future
            sys.exit(f"{case.file}: 完成日期 {done} is not after the notice of {numbers[case.item - 1]} ({notice})")
    closed = issued[numbers[CLOSED - 1]]
    if not closed < CLOSED_DATES["完成日期"] <= CLOSED_DATES["办结日期"]:
        sys.exit(f"the closed item's dates do not follow its notice of {closed}")


def answers_for(case: Case, unit: str) -> dict:
    """The case's answers plus the unit's handler, phone and head, as a unit would fill them."""
    u = next(x for x in UNITS if x[0] == unit)
    return {"承办人": u[3], "联系电话": u[4], "单位负责人": u[2], **case.answers}


def rewrite_zip(src: Path, dst: Path, old: str, new: str) -> None:
    """Copy a .docx replacing ``old`` by ``new`` in every XML part (identity, cells, properties)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)


def resave_with_libreoffice(src: Path, dst: Path, tmp: Path) -> None:
    """Open and save ``src`` as .docx with LibreOffice, as another editor would."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) is needed for the re-saved sample; run `make setup`.")
    out = tmp / "lo-out"
    profile = f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}"
    cmd = [soffice, "--headless", profile, "--convert-to", "docx", "--outdir", str(out), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    shutil.move(out / src.name, dst)


def foreign_docx(dst: Path) -> None:
    """A unit's own Word report with a similar table but no identity: not one of our forms."""
    document = docx.Document()
    document.add_heading("信息工程学院关于智慧校园建设进展情况的报告", level=1)
    document.add_paragraph("党委办公室：现将我院承担的智慧校园建设任务进展情况报告如下。")
    table = document.add_table(rows=3, cols=2)
    for row, (label, value) in zip(table.rows, FOREIGN_ROWS):
        row.cells[0].text, row.cells[1].text = label, value
    document.save(str(dst))


def scanned_pdf(pdf: Path, dst: Path, tmp: Path) -> None:
    """Print-and-scan: render the pages at 100 dpi and save the images as a PDF with no text layer."""
    prefix = tmp / f"scan-{pdf.stem}"
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", str(pdf), str(prefix)], check=True, capture_output=True, timeout=120)
    pages = [Image.open(p).convert("L") for p in sorted(tmp.glob(f"{prefix.name}*.png"))]
    pages[0].save(dst, save_all=True, append_images=pages[1:], resolution=100.0)


def encrypted_pdf(pdf: Path, dst: Path) -> None:
    """The PDF with an open (user) password, as a cautious unit might send it."""
    writer = PdfWriter(clone_from=str(pdf))
    writer.encrypt(user_password="123456", owner_password="dangban")
    writer.write(str(dst))


def export_pdfs(cases: list[tuple[Case | Approval, Path]], ws: Workspace, tmp: Path) -> None:
    """Export the filled forms to PDF in one LibreOffice call, then spoil some as the cases say."""
    if not shutil.which("pdftoppm"):
        sys.exit("poppler (pdftoppm) is needed for the scanned PDF sample; run `make setup`.")
    src = tmp / "pdf-src"
    src.mkdir()
    docs = [shutil.move(filled, src / f"{Path(case.file).stem}.docx") for case, filled in cases]
    pdfs = Soffice(timeout=300).convert([Path(d) for d in docs], tmp / "pdf-out")
    for (case, _), pdf in zip(cases, pdfs):
        dst = ws.inbox / case.file
        if case.make == "pdf":
            shutil.move(pdf, dst)
        elif case.make == "pdf:scan":
            scanned_pdf(pdf, dst, tmp)
        elif case.make == "pdf:encrypt":
            encrypted_pdf(pdf, dst)
        elif case.make == "pdf:truncate":
            data = pdf.read_bytes()
            dst.write_bytes(data[: len(data) * 2 // 3])
        else:
            raise ValueError(case.make)


def build_inbox(ws: Workspace, numbers: list[str], notices: dict, approvals: dict, tmp: Path) -> None:
    """Make one file in inbox/ per case and per returned 审批表."""
    to_pdf: list[tuple[Case | Approval, Path]] = []
    numbered = list(approvals)
    for i, case in enumerate(APPROVALS):
        filled = fill_form(approvals[numbered[case.item - 1]].path, tmp / f"gk{i:02d}.docx", case.answers)
        if case.make == "fill":
            shutil.move(filled, ws.inbox / case.file)
        elif case.make == "pdf":
            to_pdf.append((case, filled))
        else:
            raise ValueError(case.make)
    for i, case in enumerate(CASES):
        dst = ws.inbox / case.file
        if case.make == "txt":
            dst.write_text("教务处：课堂教学质量评价办法已修订完成，请查收。\n", encoding="utf-8")
            continue
        if case.make == "foreign":
            foreign_docx(dst)
            continue
        if case.make.startswith("copy:"):
            shutil.copyfile(ws.inbox / case.make[5:], dst)
            continue
        number = numbers[case.item - 1]
        unit = case.unit or next(d.unit for (n, _), d in notices.items() if n == number and d.role == "主办")
        notice = notices[(number, unit)]
        filled = fill_form(notice.path, tmp / f"{i:02d}.docx", answers_for(case, unit))
        if case.make == "fill":
            shutil.move(filled, dst)
        elif case.make.startswith("pdf"):
            to_pdf.append((case, filled))
        elif case.make == "lo":
            resave_with_libreoffice(filled, dst, tmp)
        elif case.make == "truncated":
            data = filled.read_bytes()
            dst.write_bytes(data[: len(data) // 2])
        elif case.make == "number":
            rewrite_zip(filled, dst, number, "DB-2026-999")
        elif case.make.startswith("unit:"):
            rewrite_zip(filled, dst, notice.identity, notice.identity.replace(f"|{unit}|", f"|{case.make[5:]}|"))
        else:
            raise ValueError(case.make)
    if to_pdf:
        export_pdfs(to_pdf, ws, tmp)


def updated(case: Case) -> str:
    """What an applied form changes in the ledger, in brief."""
    if case.unit:
        return "协办单位的反馈记入“办理进展”，事项状态不变"
    done = f"，完成日期 {case.done.isoformat()}" if case.done else ""
    text = "，承办人按文字保存" if "承办人" in case.answers else ""
    return f"状态改为“{case.state}”{done}{text}"


def write_readme(root: Path, numbers: list[str], gk: list[str]) -> None:
    """samples/README.md: what the workspace holds and what each inbox file should do."""
    reset = f"{numbers[NOTIFIED]}～{numbers[-1]}"
    pdfs = sum(c.file.endswith(".pdf") for c in [*CASES, *APPROVALS])
    chiefs = "、".join(f"{m[1].split('、')[-1]}{m[0]}" for m in MEMBERS if m[2] == "是")
    kinds = [p[2] for p in CARE_PEOPLE]
    care = "、".join(f"{k} {kinds.count(k)} 人" for k in dict.fromkeys(kinds))
    heads = sum(len(m[5].split("、")) for m in MEMBERS)
    talks = len(MEMBERS) * (len(MEMBERS) - 1) // 2 + heads
    chief_talks = len(MEMBERS) - 1 + len(MEMBERS[0][5].split("、"))
    lines = [
        "# dangwu 样例工作区",
        "",
        "*Sample workspace for dangwu: a fictional college's supervision ledger, issued notices and returned forms, "
        "built by `scripts/make_samples.py`. `make demo` runs the whole cycle on a copy.*",
        "",
        f"虚构单位：{ORGANISATION['name']}。本目录由 `scripts/make_samples.py` 生成（重新生成：`.venv/bin/python scripts/make_samples.py --verify`），请勿手工修改。",
        "",
        "## 内容",
        "",
        f"- `dangwu.toml`：工作区设置（发文机关为{ORGANISATION['name']}；[disclosure] 中填写了党务公开意见反馈的电话、电子邮箱和地址，"
        "印在公示和意见反馈表上；[liaison] 中是联系服务群众的走访次数、日常慰问间隔和谈话预警日期；"
        "[archive.*] 中有党务公开和联系服务群众的保管期限 D30 和机构代码 DWGK、LXQZ）。",
        f"- `ledger.xlsx`：台账。“承办单位”表 {len(UNITS)} 个单位（含简称、负责人、联系人、电话、邮箱）；"
        f"“班子成员”表 {len(MEMBERS)} 人（{chiefs}为党政正职；每人填有联系点和分管单位，分管单位的负责人均在“承办单位”表中）；"
        f"“慰问对象”表 {len(CARE_PEOPLE)} 人（{care}）；“谈心谈话记录”“走访慰问调研”表为空，演示中按制度生成；"
        f"“督查督办台账”{len(ITEMS) + len(NEW_ITEMS)} 项，覆盖四类督办来源和三种督查形式：",
        f"  - {numbers[0]}～{numbers[NOTIFIED - 1]}：已下发通知单（状态“已通知”），其中 {numbers[CLOSED - 1]} 已审核办结（其反馈表已登记，在 processed/ 中）；",
        f"  - {reset}：已编号、尚未下发（状态空白，即“已立项”）；",
        f"  - 最后 {len(NEW_ITEMS)} 项：刚登记、立项编号空白，运行 generate 时自动编号。",
        f"- `ledger.xlsx` 中的“党务公开台账”{len(DISCLOSURES)} 项（{gk[0]}～{gk[-1]}），覆盖常规性、阶段性、临时性三种时限和四种公开范围，"
        f"计划公开日期在 2026年11月至12月；{APPROVAL_DAY.month}月{APPROVAL_DAY.day}日已生成审批表，审批状态均为“待审批”。"
        f"常规性的 {gk[TEXT_ITEM - 1]} 在“常规事项”列归入系列“{DISCLOSURES[TEXT_ITEM - 1][8]}”（plan disclosure 按季度为它补计划）。",
        f"- `公开内容/`：公告正文。`{gk[BODY_ITEM - 1]}.docx` 是提出部门写的 Word 正文（标题、发展对象名单表格、编号列表），"
        f"整篇并入公告；`{gk[TEXT_ITEM - 1]}.txt` 是文本正文，每行一段。其他事项用台账中的“公开内容摘要”。",
        f"- `{RETURNS}/`：党务公开意见反馈表，按交回的日期分两个文件夹（{'、'.join(BATCHES)}），共 {len(OPINIONS)} 份，"
        "由本系统生成的意见反馈表填写而成（见下表）。演示在当天把它们移入 inbox/ 再运行 ingest。",
        "- `outbox/督查督办通知单/`：已下发的通知单（主办单位一份，每个协办单位各一份）。",
        "- `outbox/党务公开审批表/`：已送审批的党务公开审批表（每个事项一份，由提出部门报送）。",
        f"- `inbox/`：交回的 {len(CASES) + len(APPROVALS)} 个文件：各单位的督查督办反馈 {len(CASES)} 个、"
        f"党务公开审批表 {len(APPROVALS)} 个；其中 {pdfs} 个是由表单导出的 PDF。包括正常填写的和各种应退回的情况（见下表）。",
        f"- `{SHEETS_BACK}/`：联系服务群众的记录表，按交回的日期分两个文件夹（{'、'.join(LIAISON_BATCHES)}），共 {len(SHEETS_RETURNED)} 份，"
        "由本系统生成的谈心谈话记录表、走访调研记录表和慰问登记表填写而成（见下表）。演示在当天把它们移入 inbox/ 再运行 ingest。",
        "- `processed/`：已登记的反馈表（目前只有已办结事项的一份）；`rejected/`、`archive/`：空文件夹。"
        "ingest 处理后的文件移到 processed/ 或 rejected/，归档文件生成在 archive/。",
        "",
        "## 试用",
        "",
        "`make demo` 会把本目录复制为 `demo-workspace/`，然后依次运行：check（检查台账和模板）→ "
        "generate notice --pdf --merge（为新立项的事项生成通知单、PDF 和合并打印文件；再运行一次不会重复生成）→ "
        "ingest（读取 inbox/ 中交回的表单）→ status（红黄绿预警）→ generate reminder（为逾期事项生成催办通知单）→ "
        "review（审核通过一批待审核事项，退回一项重办并生成重办通知）→ report --year 2026 --pdf（年度工作情况报告及其 PDF）→ "
        "generate approval（党务公开审批表：已审批和已送审批的事项不再生成；为审批表被退回的两项用 --id 重新生成）→ "
        f"decide {gk[PAPER_ITEM - 1]} --approve（登记党委纸面审批的决定）→ status --register 党务公开（党务公开事项的阶段和红黄绿预警）→ "
        "archive --year 2026（年终立卷归档）→ verify（校验归档文件）。"
        "接着用 DANGWU_TODAY 模拟党务公开在2026年12月的办理："
        f"12月7日 generate announcement --pdf --merge（{gk[TEXT_ITEM - 1]}、{gk[PAPER_ITEM - 1]} 向全体党员公示；"
        f"{gk[BODY_ITEM - 1]} 的公开范围是全体教职工，先在党内公示，同日再运行不会生成对外公告）→ "
        f"generate feedback-form（意见反馈表）→ 12月9日 ingest（交回一份意见）→ 12月10日 respond（登记处理情况）→ generate reply（答复单）→ "
        f"12月14日 generate announcement（{gk[BODY_ITEM - 1]} 向全体教职工公示）→ 12月16日 ingest（交回三份，未署名的一份退回）→ "
        f"12月17日 respond、generate reply → 12月21日 respond {gk[PAPER_ITEM - 1]} --no-redisclosure（意见属个人咨询，不再公开）→ "
        f"generate redisclosure --pdf（{gk[BODY_ITEM - 1]} 的再公开公告）→ 12月28日 plan disclosure --quarter 2027Q1（为常规事项补下一季度的计划）→ "
        "12月31日 status --register 党务公开 → report --register 党务公开 --year 2026 --pdf（统计表和党务公开目录）→ "
        "archive --register 党务公开 --year 2026（已完成的 3 个事项各立一件）→ verify。"
        f"最后是同一个12月里联系服务群众的办理（日期从12月7日重新开始）：{PLAN_DAY.month}月{PLAN_DAY.day}日 plan talks --year 2026"
        f"（按制度安排全年谈心谈话 {talks} 次：党政正职与每位班子成员、班子成员之间、与分管单位负责人）→ "
        f"generate talk-sheet --member {CHIEF}（党委书记作为谈话人的 {chief_talks} 份记录表）→ "
        f"{VISIT_DAY.month}月{VISIT_DAY.day}日 ingest（交回三份谈心谈话记录表：面对面、电话各一份，两种谈话方式都勾选的一份退回）→ "
        f"generate talk-sheet --new（{CHIEF}与{UNPLANNED[0]}的计划外谈话）→ plan visits --occasion 元旦 --year 2027 和 --occasion 日常 --year 2026"
        "（按慰问对象名单安排慰问，慰问人为联系该单位的班子成员）→ generate visit-sheet --type 慰问（慰问登记表）和 "
        f"--type 走访联系点 --new（{CHIEF}走访联系点{CONTACT_UNIT}）→ {LIAISON_BATCHES['12月22日交回'].month}月"
        f"{LIAISON_BATCHES['12月22日交回'].day}日 ingest（交回走访调研记录表和慰问登记表）→ {YEAR_END.month}月{YEAR_END.day}日 "
        "status --register 联系服务群众（谈心谈话覆盖矩阵和各班子成员的完成情况，同时写入“谈心谈话覆盖”表）→ "
        f"report --register 联系服务群众 --year 2026 --member {CHIEF} --pdf（{CHIEF}的年度联系服务群众情况，供述职述廉）→ "
        "archive --register 联系服务群众 --year 2026（已记录的两次谈话、一次走访和一次慰问各立一件）→ verify。"
        "请不要直接对本目录运行 `dangwu ingest`（它会把 inbox/ 中的文件移走并修改台账）。",
        "",
        "## inbox/ 中的文件及预期结果",
        "",
        "按文件名排序处理（两类表单混在一起，按识别码分别记入督查督办台账或党务公开台账）。“已更新”表示事项已按表单更新；“已登记”表示协办单位的反馈已记入“办理进展”，事项状态不变；"
        "“退回”和“重复”的文件移到 rejected/，旁附“.原因.txt”，台账不作改动。",
        "",
        "| 文件 | 情况 | 事项 | 预期结果 |",
        "|---|---|---|---|",
    ]
    for case in sorted(CASES, key=lambda c: c.file):
        item = numbers[case.item - 1] if case.item else "—"
        outcome = f"{case.expect}：{case.reason or updated(case)}"
        lines.append(f"| `{case.file}` | {case.what} | {item} | {outcome} |")
    lines += [
        "",
        "### 党务公开审批表",
        "",
        "“已更新”表示审批结果已记入党务公开台账（审批状态、审批意见、审批人、审批日期；保密审查意见和分管领导意见并入审批意见）；"
        "“退回”的文件移到 rejected/，旁附“.原因.txt”，事项仍为“待审批”。",
        "",
        "| 文件 | 情况 | 事项 | 预期结果 |",
        "|---|---|---|---|",
    ]
    for case in sorted(APPROVALS, key=lambda c: c.file):
        when = parse_date(case.answers["审批日期"]).isoformat()
        decided = f"审批状态改为“{case.state}”（审批人 {case.answers['审批人']}，审批日期 {when}）"
        outcome = f"{case.expect}：" + (case.reason if case.expect == "退回" else decided)
        lines.append(f"| `{case.file}` | {case.what} | {gk[case.item - 1]} {DISCLOSURES[case.item - 1][1]} | {outcome} |")
    paper = gk[PAPER_ITEM - 1]
    lines += [
        "",
        f"{paper}（{DISCLOSURES[PAPER_ITEM - 1][1]}）没有交回审批表：党委纸面审批后，演示中用 "
        f"`dangwu decide {paper} --approve --by 陈志远 --date 2026-12-03 …` 登记，审批状态改为“已批准”。",
        "",
        "审批表被退回的两项仍为“待审批”，演示中用 `dangwu generate approval --id` 为其重新生成审批表。"
        "演示最后的 `dangwu status --register 党务公开`：待审批 2，待公开 3，不予公开 1"
        f"（不予公开的事项不再列出；{gk[1]} 计划 {DISCLOSURES[1][7].month}月{DISCLOSURES[1][7].day}日公开而尚未公开，显示为红色逾期）。",
        "",
        f"### {RETURNS}/ 中的意见反馈表",
        "",
        "“已登记”表示意见记为“公开意见反馈”表的一行（反馈编号 FK-2026-001 起，收到日期为交回当天，反馈意见数随之更新）；"
        "“退回”的文件移到 rejected/，旁附“.原因.txt”。",
        "",
        "| 文件 | 情况 | 事项 | 交回（演示中 ingest 的日期） | 预期结果 |",
        "|---|---|---|---|---|",
    ]
    for case in OPINIONS:
        outcome = f"{case.expect}：" + (case.reason if case.expect == "退回" else f"反馈人 {case.answers['反馈人']}，公示期内收到")
        day = BATCHES[case.batch]
        lines.append(
            f"| `{case.batch}/{case.file}` | {case.what} | {gk[case.item - 1]} {DISCLOSURES[case.item - 1][1]} | {day.month}月{day.day}日 | {outcome} |"
        )
    lines += [
        "",
        f"演示结束时：{gk[TEXT_ITEM - 1]} 公示期内没有收到意见，公示期满即完成；{gk[PAPER_ITEM - 1]} 的意见已答复、说明不再公开；"
        f"{gk[BODY_ITEM - 1]} 的两条意见处理后再公开。三项均为“已完成”并归档；审批表被退回的两项仍“待审批”，"
        "plan disclosure 添加的 2027年第一季度党费收缴管理情况也待审批。",
        "",
        f"### {SHEETS_BACK}/ 中的谈心谈话记录表、走访调研记录表和慰问登记表",
        "",
        "“已更新”表示台账中对应的谈话或走访慰问记录改为“已记录”，写入谈话日期（走访、慰问日期）、方式和填写的各栏；"
        "“退回”的文件移到 rejected/，旁附“.原因.txt”，谈话仍为“已安排”。消息和 status、report 的输出只写谁与谁、何时、以何种方式，不写谈话内容和慰问对象的困难情况。",
        "",
        "| 文件 | 情况 | 交回（演示中 ingest 的日期） | 预期结果 |",
        "|---|---|---|---|",
    ]
    for case in SHEETS_RETURNED:
        day = LIAISON_BATCHES[case.batch]
        if case.expect == "退回":
            outcome = f"退回：{case.reason}"
        elif case.way:
            outcome = f"已更新：{CHIEF}与{case.other}的谈话记为已记录，谈话方式“{case.way}”" + (
                "（status 中计为非面对面）" if case.way != "面对面" else ""
            )
        else:
            when = parse_date(re.match(r"\d+年\d+月\d+日", case.answers.get("时间") or case.answers["慰问时间"])[0])
            what = f"{CHIEF}走访{case.other}" if "时间" in case.answers else f"对{case.other}的慰问"
            outcome = f"已更新：{what}记为已记录，日期 {when.isoformat()}"
        lines.append(f"| `{case.batch}/{case.file}` | {case.what} | {day.month}月{day.day}日 | {outcome} |")
    lines += [
        "",
        f"演示结束时：{talks} 次制度要求的谈话中已谈 2 次（其中电话 1 次），其余已安排未谈，年底显示为红色；"
        f"计划外的谈话和退回的那次谈话仍“已安排”；{CHIEF}走访联系点 1 次、日常慰问 1 人次；2027年元旦的慰问已安排。"
        "归档的 4 件是已记录的谈话、走访和慰问（各以交回的记录表为正本），已安排的列为待跟进。",
    ]
    (root / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def verify_approvals(ws: Workspace, outcomes: dict) -> bool:
    """Compare the returned 审批表's outcomes (popped from ``outcomes``) and the 党务公开台账 with APPROVALS."""
    ok = True
    sheet = openpyxl.load_workbook(ws.ledger_path)[S.DISCLOSURE.name]
    headers = [c.value for c in sheet[1]]
    rows = [{h: c.value for h, c in zip(headers, r)} for r in sheet.iter_rows(min_row=2) if r[0].value]
    for case in sorted(APPROVALS, key=lambda c: c.file):
        o = outcomes.pop(case.file, None)
        row = rows[case.item - 1]
        problems = []
        if o is None:
            problems.append("not ingested")
        elif o.result != case.expect or case.reason not in o.message or o.number != row["公开编号"]:
            problems.append(f"expected {case.expect} ({case.reason}) for {row['公开编号']}")
        if row.get("审批状态") != case.state:
            problems.append(f"审批状态 {row.get('审批状态')} != {case.state}")
        if case.expect == "已更新" and row.get("审批人") != case.answers["审批人"]:
            problems.append(f"审批人 {row.get('审批人')!r} != {case.answers['审批人']!r}")
        print(
            f"{'OK  ' if not problems else 'FAIL'} [{o.result if o else '-'}] {case.file}  {o.number if o else ''} {o.unit if o else ''}："
            f"{o.message.replace(chr(10), ' ') if o else ''}" + (f"  <-- {'; '.join(problems)}" if problems else "")
        )
        ok &= not problems
    paper = rows[PAPER_ITEM - 1]
    if paper.get("审批状态") != "待审批" or any(c.item == PAPER_ITEM for c in APPROVALS):
        print(f"FAIL {paper['公开编号']}: the item decided on paper must wait (审批状态 {paper.get('审批状态')})")
        ok = False
    return ok


def verify_opinions(root: Path) -> bool:
    """On the ingested copy, the demo's December: the paper decision, the announcements and each batch of 意见反馈表 on its day."""
    ws = Workspace(root)
    gk = [r[0].value for r in openpyxl.load_workbook(ws.ledger_path)[S.DISCLOSURE.name].iter_rows(min_row=2) if r[0].value]
    dangwu(root, DEMO_DAY, "decide", gk[PAPER_ITEM - 1], *PAPER_DECISION)
    outcomes = {}
    days = sorted({INNER_DAY, OUTER_DAY, *BATCHES.values()})
    for day in days:
        if day in (INNER_DAY, OUTER_DAY):
            dangwu(root, day, "generate", "announcement")
        for batch in (b for b, d in BATCHES.items() if d == day):
            for path in (root / RETURNS / batch).iterdir():
                shutil.move(path, ws.inbox / path.name)
            os.environ["DANGWU_TODAY"] = day.isoformat()
            try:
                outcomes.update({o.file: o for o in toolkit.ingest(ws)})
            finally:
                del os.environ["DANGWU_TODAY"]
    sheet = openpyxl.load_workbook(ws.ledger_path)[FEEDBACK.name]
    headers = [c.value for c in sheet[1]]
    registered = {r["反馈人"]: r for r in ({h: c.value for h, c in zip(headers, row)} for row in sheet.iter_rows(min_row=2))}
    ok = True
    for case in OPINIONS:
        o = outcomes.pop(case.file, None)
        problems = []
        if o is None:
            problems.append("not ingested")
        elif o.result != case.expect or case.reason not in o.message or o.number != gk[case.item - 1]:
            problems.append(f"expected {case.expect} ({case.reason}) for {gk[case.item - 1]}")
        row = registered.get(case.answers["反馈人"])
        if case.expect == "已登记" and (row is None or row["收到日期"].date() != BATCHES[case.batch] or row.get("逾期")):
            problems.append(f"公开意见反馈 row {row} is not received on {BATCHES[case.batch]} in time")
        print(
            f"{'OK  ' if not problems else 'FAIL'} [{o.result if o else '-'}] {case.batch}/{case.file}  {o.number if o else ''} {o.unit if o else ''}："
            f"{o.message.replace(chr(10), ' ') if o else ''}" + (f"  <-- {'; '.join(problems)}" if problems else "")
        )
        ok &= not problems
    for name in outcomes:
        print(f"FAIL [?] {name}: no case describes this file")
        ok = False
    return ok


PRIVATE_ANSWERS = ("谈话主要内容", "对方意见建议", "需协调解决的问题", "后续跟进", "困难情况", "对象诉求", "了解的情况")


def verify_liaison(root: Path) -> bool:
    """On the copy after December's 党务公开: the demo's 联系服务群众 days, each batch of sheets ingested on its day."""
    ws = Workspace(root)
    outcomes = {}
    for day in sorted({*LIAISON_STEPS, *LIAISON_BATCHES.values()}):
        for batch in (b for b, d in LIAISON_BATCHES.items() if d == day):
            for path in (root / SHEETS_BACK / batch).iterdir():
                shutil.move(path, ws.inbox / path.name)
            os.environ["DANGWU_TODAY"] = day.isoformat()
            try:
                outcomes.update({o.file: o for o in toolkit.ingest(ws)})
            finally:
                del os.environ["DANGWU_TODAY"]
        liaison_day(root, day)
    wb = openpyxl.load_workbook(ws.ledger_path)
    rows = {}
    for name, key in (("谈心谈话记录", "谈话对象"), ("走访慰问调研", "对象或单位")):
        headers = [c.value for c in wb[name][1]]
        for r in wb[name].iter_rows(min_row=2, values_only=True):
            rec = dict(zip(headers, r))
            if rec.get(key) and rec.get("谈话人", CHIEF) == CHIEF and rec.get("类型") != "慰问" or rec.get("班子成员") == CHIEF:
                rows.setdefault(rec[key], rec)
    ok = True
    for case in SHEETS_RETURNED:
        o = outcomes.pop(case.file, None)
        row = rows.get(case.other, {})
        problems = []
        if o is None:
            problems.append("not ingested")
        elif o.result != case.expect or case.reason not in o.message:
            problems.append(f"expected {case.expect} ({case.reason})")
        state = "已记录" if case.expect == "已更新" else "已安排"
        if row.get("状态") != state or (case.way and row.get("谈话方式") != case.way):
            problems.append(f"row {row.get('谈话编号') or row.get('记录编号')}: 状态 {row.get('状态')}, 谈话方式 {row.get('谈话方式')}")
        if o is not None and any(case.answers.get(k) and case.answers[k] in o.message for k in PRIVATE_ANSWERS):
            problems.append("the message quotes what was written")
        print(
            f"{'OK  ' if not problems else 'FAIL'} [{o.result if o else '-'}] {case.batch}/{case.file}  {o.number if o else ''}："
            f"{o.message.replace(chr(10), ' ') if o else ''}" + (f"  <-- {'; '.join(problems)}" if problems else "")
        )
        ok &= not problems
    for name in outcomes:
        print(f"FAIL [?] {name}: no case describes this file")
        ok = False
    shown = dangwu(root, YEAR_END, "status", "--register", "联系服务群众") + dangwu(
        root, YEAR_END, "report", "--register", "联系服务群众", "--year", "2026", "--member", CHIEF
    )
    leaked = [a for c in SHEETS_RETURNED for k, a in c.answers.items() if k in PRIVATE_ANSWERS and a and a in shown]
    if leaked:
        print(f"FAIL status or report shows what the sheets say: {leaked}")
    return ok and not leaked


def verify(samples: Path) -> bool:
    """Ingest a copy of samples/ and compare every outcome and the ledger with the cases."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "ws"
        shutil.copytree(samples, copy)
        ws = Workspace(copy)
        outcomes = {o.file: o for o in toolkit.ingest(ws)}
        sheet = openpyxl.load_workbook(ws.ledger_path)[S.SUPERVISION.name]
        headers = [c.value for c in sheet[1]]
        rows = {r[0].value: {h: c for h, c in zip(headers, r)} for r in sheet.iter_rows(min_row=2) if r[0].value}
        numbers = list(rows)
        applied = {c.item: c for c in CASES if c.expect == "已更新" and not c.unit}  # the form that sets each item's row
        for case in sorted(CASES, key=lambda c: c.file):
            o = outcomes.pop(case.file, None)
            problems = []
            if o is None:
                problems.append("not ingested")
            else:
                if o.result != case.expect or case.reason not in o.message:
                    problems.append(f"expected {case.expect} ({case.reason})")
            row = rows.get(numbers[case.item - 1]) if case.item else None
            state = case.state or (applied[case.item].state if case.item in applied else "已办结" if case.item == CLOSED else "已通知")
            if row and row["状态"].value != state:
                problems.append(f"状态 {row['状态'].value} != {state}")
            if row and case.done and (row["完成日期"].value is None or row["完成日期"].value.date() != case.done):
                problems.append(f"完成日期 {row['完成日期'].value} != {case.done}")
            text = case.answers.get("办理情况", "")
            if row and case in applied.values() and text and (row["办理情况"].value or "") != text:
                problems.append(f"办理情况 {row['办理情况'].value!r} is not the text typed")
            if row and "承办人" in case.answers and (row["承办人"].value, row["承办人"].data_type) != (case.answers["承办人"], "s"):
                problems.append(f"承办人 {row['承办人'].value!r} ({row['承办人'].data_type}) is not the text typed")
            print(
                f"{'OK  ' if not problems else 'FAIL'} [{o.result if o else '-'}] {case.file}  {o.number if o else ''} {o.unit if o else ''}："
                f"{o.message.replace(chr(10), ' ') if o else ''}" + (f"  <-- {'; '.join(problems)}" if problems else "")
            )
            ok &= not problems
        ok &= verify_approvals(ws, outcomes)
        for name in outcomes:
            print(f"FAIL [?] {name}: no case describes this file")
            ok = False
        ok &= verify_opinions(copy)
        ok &= verify_liaison(copy)
    with tempfile.TemporaryDirectory() as tmp:  # status writes 预警: shown on a copy, samples/ stays as built
        copy = Path(tmp) / "samples"
        shutil.copytree(samples, copy)
        for command in ("check", "status"):
            print(f"\n$ dangwu {command} -w samples")
            rc = subprocess.run([str(DANGWU), command, "-w", str(copy)]).returncode
            ok &= rc == 0
    return ok


def main() -> int:
    """Rebuild samples/ from scratch; with --verify, also ingest a copy and check every outcome."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verify", action="store_true", help="ingest a copy of samples/ and compare with the expected outcomes")
    parser.add_argument("--out", type=Path, default=SAMPLES, help="folder to (re)build (default: samples/)")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()) and not (args.out / "dangwu.toml").exists():
        sys.exit(f"{args.out} is not empty and not a workspace: refusing to delete it")
    os.environ.setdefault("DANGWU_USER", "督查小组")
    shutil.rmtree(args.out, ignore_errors=True)
    ws, numbers, notices, approvals = build_ledger(args.out)
    write_bodies(args.out, list(approvals))
    with tempfile.TemporaryDirectory() as tmp:
        build_inbox(ws, numbers, notices, approvals, Path(tmp))
        build_opinions(args.out, list(approvals), Path(tmp))
        build_sheets_back(args.out, Path(tmp))
    write_readme(args.out, numbers, list(approvals))
    problems = [p for p in toolkit.check(ws) if p.level == "error"]
    for p in problems:
        print(p)
    notices_written = len(list((ws.outbox / "督查督办通知单").glob("*.docx")))
    (args.out / LOCK_NAME).unlink(missing_ok=True)  # the commands' workspace lock: not part of the sample
    if (args.out / ".dangwu").is_dir() and not any((args.out / ".dangwu").iterdir()):
        (args.out / ".dangwu").rmdir()  # ingest's (empty) folder for its run's intent
    print(
        f"samples written to {args.out}: {len(ITEMS) + len(NEW_ITEMS)} items, {notices_written} notices, "
        f"{len(DISCLOSURES)} disclosure items, {len(approvals)} approval forms, {len(CASES) + len(APPROVALS)} inbox files, {len(OPINIONS)} opinion forms to hand in"
    )
    if problems:
        return 1
    if args.verify:
        ok = verify(args.out)
        print("\nverify: all outcomes as expected" if ok else "\nverify: MISMATCHES above")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
