"""Click helpers shared by the command line and the commands registers add to it (Register.commands)."""

from __future__ import annotations

import functools
import json
import re
import sys
import traceback

import click

from .clitext import ChineseCommand
from .errors import LedgerInvalid, ToolkitError, write_failed


def command(*args, **kwargs):
    """``click.command`` for a register's own command: Chinese help and messages like the shared ones."""
    return click.command(*args, cls=ChineseCommand, **kwargs)


def workspace_option(f):
    """-w/--workspace DIR, default the current directory."""
    return click.option("-w", "--workspace", "wsdir", default=".", type=click.Path(file_okay=False), help="工作区目录（默认当前目录）。")(f)


def json_option(f):
    """--json: machine-readable output."""
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 输出，供脚本使用。")(f)


def handle_errors(f):
    """Turn ToolkitError into a Chinese message and its exit code (the one handler)."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except OSError as exc:  # a disk or permission failure no step foresaw: told in Chinese, not a traceback
            try:
                raise write_failed(exc, exc.filename or "（未知文件）", "或读取文件", changed="") from exc
            except ToolkitError as told:
                _fail(told)
        except ToolkitError as exc:
            _fail(exc)

    return wrapper


def _fail(exc: ToolkitError) -> None:
    """Print a ToolkitError (its traceback with --verbose) and exit with its code."""
    if click.get_current_context().find_root().params.get("verbose"):
        traceback.print_exc()
    click.secho(f"错误：{exc.message}", fg="red", err=True)
    if isinstance(exc, LedgerInvalid):
        for p in exc.problems[:10]:
            click.echo(f"  {p}", err=True)
        if len(exc.problems) > 10:
            click.echo(f"  ……另有 {len(exc.problems) - 10} 处", err=True)
    if exc.hint:
        click.echo(exc.hint, err=True)
    sys.exit(exc.exit_code)


def _one_line(text: str) -> str:
    """A message and its hint on one line: joined after a Chinese full stop, else by a space."""
    return re.sub(r"(?<=[。；！？])\n", "", text).replace("\n", " ")


def _print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
