"""A workspace folder: its paths, its settings file (dangwu.toml) and creating a new one."""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SettingsError, WorkspaceError

SETTINGS_FILE = "dangwu.toml"
LEDGER_FILE = "ledger.xlsx"
FOLDERS = ("inbox", "outbox", "processed", "rejected", "archive")

DEFAULT_SETTINGS = """\
# dangwu 工作区设置。修改后保存即可生效。

[organisation]
name = "中共××职业学院委员会"           # 发文机关全称
office = "中共××职业学院委员会办公室"      # 落款单位
supervision_contact = "督查小组 张老师 0571-12345678"  # 印在通知单上的督查联系方式
fonds_code = "Z109"                       # 全宗号
fonds_name = "××职业学院"                 # 全宗名称

[numbering]
supervision = "DB"     # 督查督办 立项编号前缀：DB-2026-001
disclosure = "GK"      # 党务公开 公开编号前缀
talks = "TH"           # 谈心谈话 编号前缀
visits = "ZF"          # 走访慰问调研 编号前缀
notice_code = "党办督"  # 通知单文号 机关代字：党办督〔2026〕3号
reminder_code = "党办催"

[ledger]
backups = 20           # .backup/ 中保留的历史版本数

[workdays]
warn_days = 3          # 剩余不超过几个工作日时显示黄色预警
extra_holidays = []    # 本单位额外放假日，如 ["2026-05-06"]
extra_workdays = []    # 本单位额外上班日

[archive]
category = "WS"        # 门类代码（文书）
filer = ""             # 备考表“整理人”；留空则用操作人（环境变量 DANGWU_USER）
checker = ""           # 备考表“检查人”；留空则由检查人手写

[archive.retention]    # 各台账的保管期限：Y 永久，D30 定期30年，D10 定期10年
"督查督办" = "D30"

[archive.org_code]     # 机构（问题）代码
"督查督办" = "DCB"

[archive.org_name]     # 机构（问题）名称
"督查督办" = "督查督办"

[intake]
max_part_mb = 3        # 交回表单中单个正文部分（或 PDF 内容流）解压后的上限（MB），超过即退回；图片不受此限

[pdf]
soffice_path = ""      # LibreOffice 程序路径；留空则自动查找
timeout = 120          # 单次转换超时（秒）
"""


@dataclass
class Settings:
    """The parsed dangwu.toml, with defaults for anything left out."""

    org_name: str = "中共××职业学院委员会"
    office: str = "中共××职业学院委员会办公室"
    supervision_contact: str = ""
    fonds_code: str = "Z109"
    fonds_name: str = ""
    prefixes: dict = field(default_factory=lambda: {"supervision": "DB", "disclosure": "GK", "talks": "TH", "visits": "ZF"})
    notice_code: str = "党办督"
    reminder_code: str = "党办催"
    backups: int = 20
    warn_days: int = 3
    extra_holidays: list = field(default_factory=list)
    extra_workdays: list = field(default_factory=list)
    soffice_path: str = ""
    pdf_timeout: int = 120
    max_part_mb: int = 3
    archive_category: str = "WS"
    archive_filer: str = ""
    archive_checker: str = ""
    retention: dict = field(default_factory=lambda: {"督查督办": "D30"})
    org_codes: dict = field(default_factory=lambda: {"督查督办": "DCB"})
    org_names: dict = field(default_factory=lambda: {"督查督办": "督查督办"})
    data: dict = field(default_factory=dict)  # the whole parsed file: registers read their own sections

    def section(self, name: str) -> dict:
        """A register's own section of dangwu.toml ({} when absent), e.g. [disclosure]."""
        value = self.data.get(name, {})
        return value if isinstance(value, dict) else {}

    @classmethod
    def from_toml(cls, path: Path) -> Settings:
        """Read settings; SettingsError naming the file and the problem when malformed."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"设置文件 {path} 格式错误：{exc}", hint="请按 TOML 格式改正（字符串要加英文引号）。") from exc
        except UnicodeDecodeError as exc:
            raise SettingsError(f"设置文件 {path} 不是 UTF-8 编码。", hint="请用记事本另存为 UTF-8 编码。") from exc
        s = cls()
        s.data = data
        org = data.get("organisation", {})
        num = data.get("numbering", {})
        s.org_name = str(org.get("name", s.org_name))
        s.office = str(org.get("office", s.office))
        s.supervision_contact = str(org.get("supervision_contact", s.supervision_contact))
        s.fonds_code = str(org.get("fonds_code", s.fonds_code))
        s.fonds_name = str(org.get("fonds_name", s.fonds_name))
        for key in s.prefixes:
            if key in num:
                s.prefixes[key] = str(num[key])
        s.notice_code = str(num.get("notice_code", s.notice_code))
        s.reminder_code = str(num.get("reminder_code", s.reminder_code))
        s.backups = _int(data, "ledger", "backups", s.backups, path)
        s.warn_days = _int(data, "workdays", "warn_days", s.warn_days, path)
        wd = data.get("workdays", {})
        s.extra_holidays = list(wd.get("extra_holidays", []))
        s.extra_workdays = list(wd.get("extra_workdays", []))
        s.max_part_mb = _int(data, "intake", "max_part_mb", s.max_part_mb, path)
        if s.max_part_mb < 1:
            raise SettingsError(f"设置文件 {path} 中 [intake] max_part_mb 应为正整数（MB），现为“{s.max_part_mb}”。")
        pdf = data.get("pdf", {})
        s.soffice_path = str(pdf.get("soffice_path", ""))
        s.pdf_timeout = _int(data, "pdf", "timeout", s.pdf_timeout, path)
        arc = data.get("archive", {})
        s.archive_category = str(arc.get("category", s.archive_category))
        s.archive_filer = str(arc.get("filer", s.archive_filer)).strip()
        s.archive_checker = str(arc.get("checker", s.archive_checker)).strip()
        s.retention.update({str(k): str(v) for k, v in arc.get("retention", {}).items()})
        s.org_codes.update({str(k): str(v) for k, v in arc.get("org_code", {}).items()})
        s.org_names.update({str(k): str(v) for k, v in arc.get("org_name", {}).items()})
        for register, code in s.retention.items():
            if code not in ("Y", "D30", "D10"):
                raise SettingsError(f"设置文件 {path} 中 [archive.retention] {register} 应为 Y、D30 或 D10，现为“{code}”。")
        for register, code in s.org_codes.items():
            if not code or not code.replace("_", "").isalnum():
                raise SettingsError(f"设置文件 {path} 中 [archive.org_code] {register} 只能用字母和数字，现为“{code}”。")
        if not s.fonds_code.replace("_", "").isalnum():
            raise SettingsError(f"设置文件 {path} 中 [organisation] fonds_code 只能用字母和数字，现为“{s.fonds_code}”。")
        return s


def _int(data, section, key, default, path) -> int:
    """An integer setting, or SettingsError naming section.key."""
    value = data.get(section, {}).get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"设置文件 {path} 中 [{section}] {key} 应为整数，现为“{value}”。")
    return value


def default_templates_dir() -> Path:
    """The templates shipped with the toolkit (repo checkout or installed data files)."""
    here = Path(__file__).resolve().parent.parent / "templates"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "dangwu" / "templates"


class Workspace:
    """A workspace folder and everything found in it."""

    def __init__(self, root: Path | str = "."):
        self.root = Path(root).resolve()
        settings_path = self.root / SETTINGS_FILE
        if not settings_path.exists():
            raise WorkspaceError(
                f"{self.root} 不是 dangwu 工作区（缺少 {SETTINGS_FILE}）。",
                hint="请用 -w 指定工作区目录，或先运行 `dangwu init DIR` 创建工作区。",
            )
        self.settings = Settings.from_toml(settings_path)
        for name in FOLDERS:
            (self.root / name).mkdir(exist_ok=True)

    ledger_path = property(lambda self: self.root / LEDGER_FILE)
    inbox = property(lambda self: self.root / "inbox")
    outbox = property(lambda self: self.root / "outbox")
    processed = property(lambda self: self.root / "processed")
    rejected = property(lambda self: self.root / "rejected")
    archive = property(lambda self: self.root / "archive")

    def template_path(self, relative: str) -> Path:
        """A template: the workspace's own templates/ override the shipped defaults."""
        own = self.root / "templates" / relative
        return own if own.exists() else default_templates_dir() / relative
