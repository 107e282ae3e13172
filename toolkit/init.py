"""Create a new workspace: settings, folders and an empty ledger with every sheet."""

from __future__ import annotations

from pathlib import Path

from .errors import WorkspaceError
from .ledger.create import create_ledger
from .workspace import DEFAULT_SETTINGS, FOLDERS, LEDGER_FILE, SETTINGS_FILE, Workspace


def default_settings() -> str:
    """The new workspace's dangwu.toml: the shared settings, then each register's own section."""
    from .registers import all_registers

    text = DEFAULT_SETTINGS
    for reg in all_registers():  # each filing register's 保管期限, 机构(问题) code and name in the [archive.*] tables
        for table, value in zip(("retention", "org_code", "org_name"), reg.archive_defaults):
            header = f"[archive.{table}]"
            line = f'"{reg.name}" = "{value}"'
            if header in text and f'"{reg.name}" =' not in text.split(header, 1)[1].split("\n[", 1)[0]:
                head, _, tail = text.partition(header)
                first, nl, rest = tail.partition("\n")
                text = f"{head}{header}{first}{nl}{line}\n{rest}"
    own = [reg.settings_toml.strip() for reg in all_registers() if reg.settings_toml.strip()]
    return "\n\n".join([text.rstrip(), *own]) + "\n"


def init_workspace(root: Path | str, units=None, members=None) -> Workspace:
    """Make ``root`` a workspace; refuses to overwrite an existing ledger or settings file."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for name in (LEDGER_FILE, SETTINGS_FILE):
        if (root / name).exists():
            raise WorkspaceError(f"{root / name} 已存在，未做任何修改。", hint="init 只用于新建工作区；已有工作区请直接使用。")
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    (root / SETTINGS_FILE).write_text(default_settings(), encoding="utf-8")
    create_ledger(root / LEDGER_FILE, units, members)
    return Workspace(root)
