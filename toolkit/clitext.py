"""Chinese for click's own texts: help layout, metavars and every message click writes.

click writes its texts through ``gettext`` (``from gettext import gettext as _`` in each of its
modules) and ships no translations. ``install()`` points those module-level ``_``/``ngettext`` names
at :data:`CATALOG`, so a message click formats (bad value, unknown option, missing argument…) is
Chinese whatever the machine's locale; nothing else in the process is affected. The catalog is
keyed by click's message ids; ``tests/test_cli_text.py`` reads every id out of the installed
click's source and fails when one is missing, so a click upgrade cannot bring English back.

What gettext does not cover is done by the classes below: the usage line and section headings
(:class:`ChineseFormatter`), metavars (TEXT, INTEGER, NUMBERS… → 文本, 整数…) and the quoting of
option names in the three errors that name a parameter (:func:`localise_error`).
"""

from __future__ import annotations

import importlib
import re

import click

from .textwidth import text_width

# click's message ids (the English text passed to _() / ngettext()) and their Chinese.
# Templates keep click's {placeholders}; "!r" conversions are dropped for Chinese quotes.
CATALOG: dict[str, str] = {
    # help layout
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（动态）",
    "required": "必填",
    "deprecated": "已停用",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "注意：命令“{name}”已停用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": "注意：“{name}”已停用。{extra_message}",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接执行。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "请再输入一次以确认",
    # errors
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "请运行“{command} {option}”查看帮助。",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "No such option {name!r}.": "没有“{name}”这个选项。",
    "Did you mean {possibility}?": "是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多出了参数：{args}。",
    "Got unexpected extra arguments ({args})": "多出了参数：{args}。",
    "Invalid value for {param_hint}: {message}": "{param_hint}的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Option {name!r} requires an argument.": "选项“{name}”后面要写一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面要写 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项“{name}”后面不写值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”要写 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "要写 {nargs} 个值，只写了 1 个。",
    "Takes {nargs} values but {len} were given.": "要写 {nargs} 个值，写了 {len} 个。",
    "Value must be an iterable.": "值须是一组值。",
    "{len_type} values are required, but {len_value} was given.": "要写 {len_type} 个值，写了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "要写 {len_type} 个值，写了 {len_value} 个。",
    "Invalid start character for option ({option})": "选项开头的字符不对（{option}）",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "Error: The two entered values do not match.": "错误：两次输入的不一致。",
    "Error: invalid input": "错误：输入不对",
    # values (types.py)
    "{value!r} is not a valid {number_type}.": "“{value}”不是数字。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 内。",
    "{value!r} is not {choice}.": "“{value}”不可用，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不可用，只能是其中之一：{choices}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Choice({choices})": "可选（{choices}）",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合以下任一格式：{formats}。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是“是”或“否”。可写：{states}",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "“{filename}”不存在，请检查路径。",
    "{name} {filename!r} is a file.": "“{filename}”是文件，这里要一个目录。",
    "{name} {filename!r} is a directory.": "“{filename}”是目录，这里要一个文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”没有读取权限。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”没有写入权限。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    # terminal helpers and programming errors (shown only to developers, translated for completeness)
    "d": "天",
    "{editor}: Editing failed": "{editor}：编辑失败",
    "{editor}: Editing failed: {e}": "{editor}：编辑失败：{e}",
    "Windows error: {error}": "Windows 错误：{error}",
    "Unknown color {colour!r}": "未知颜色“{colour}”",
    "Unknown standard stream '{name}'": "未知的标准流“{name}”",
    "Couldn't detect Bash version, shell completion is not supported.": "无法识别 Bash 版本，不支持命令补全。",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以前的版本不支持命令补全。",
    "Could not determine name for option with declarations {decls!r}": "无法确定选项 {decls} 的名称",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?": "未定义选项却给了名称（{name}）。",
    "Name '{name}' defined twice": "名称“{name}”定义了两次",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.": "参数只能有一个声明，实有 {length} 个：{decls}。",
    "Boolean option {decl!r} cannot use the same flag for true/false.": "开关选项“{decl}”的开、关不能用同一个写法。",
}

# click.ParamType.name → the metavar shown in help (click would print name.upper(): TEXT, INTEGER…)
TYPE_METAVARS = {
    "text": "文本",
    "integer": "整数",
    "integer range": "整数",
    "float": "数值",
    "float range": "数值",
    "boolean": "是或否",
    "uuid": "UUID",
    "filename": "文件名",
}

_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)


def gettext(message: str) -> str:
    """The Chinese of one of click's messages (the message itself when the catalog lacks it)."""
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Chinese has no plural: the singular's or the plural's Chinese, whichever the catalog has."""
    return CATALOG.get(singular if n == 1 else plural) or CATALOG.get(plural) or CATALOG.get(singular) or (singular if n == 1 else plural)


def install() -> None:
    """Point click's module-level ``_``/``ngettext`` at the catalog (idempotent)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def _path_name(kind: click.Path) -> str:
    """文件, 目录 or 路径 for a click.Path."""
    if kind.file_okay and not kind.dir_okay:
        return "文件"
    if kind.dir_okay and not kind.file_okay:
        return "目录"
    return "路径"


def default_metavar(param: click.Parameter) -> str | None:
    """The Chinese metavar of a parameter declared without one; None where click's own is right."""
    kind = param.type
    if isinstance(kind, (click.Choice, click.DateTime)):
        return None  # click lists the values themselves
    base = _path_name(kind) if isinstance(kind, click.Path) else TYPE_METAVARS.get(kind.name, "值")
    if isinstance(param, click.Argument):
        if not isinstance(kind, click.Path) and kind.name == "text":
            base = "参数"
        if not param.required:
            base = f"[{base}]"
    if param.nargs != 1:
        base += "…"
    return base


def param_name(param: click.Parameter, ctx: click.Context | None) -> str:
    """How an error names a parameter: its longest option name, or an argument's metavar."""
    if isinstance(param, click.Argument):
        metavar = param.make_metavar(ctx) if ctx is not None else (param.metavar or param.name or "")
        return metavar.strip("[]….")  # [文件]… → 文件
    return max(param.opts, key=len) if param.opts else (param.name or "")


def localise_error(exc: click.UsageError) -> click.UsageError:
    """The same usage error worded in Chinese with Chinese quotes around the parameter it names."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        kind = "参数" if isinstance(exc.param, click.Argument) else "选项"
        message = f"缺少{kind}“{param_name(exc.param, exc.ctx)}”。"
        if exc.message:
            message += exc.message
    elif isinstance(exc, click.BadParameter) and exc.param is not None:
        message = f"“{param_name(exc.param, exc.ctx)}”的值不对：{exc.message}"
    elif isinstance(exc, (click.NoSuchOption, click.exceptions.NoSuchCommand)):
        message = exc.message
        if exc.possibilities:
            message += "是不是要用：" + "、".join(f"“{p}”" for p in sorted(exc.possibilities)) + "？"
    else:
        return exc
    return click.UsageError(message, exc.ctx)


_NO_LINE_START = set("，。、；：！？）》」』”’…")
_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)  # an ASCII word stays whole


def wrap_cjk(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken between Chinese characters or at spaces.

    ASCII words (option names, codes) are never split and closing punctuation never starts a line.
    """
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for token in _TOKEN.findall(para):
            if line and text_width(line) + text_width(token) > width and not token.isspace() and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line = ""
            if line or not token.isspace():
                line += token
        lines.append(line.rstrip())
    return lines


class ChineseFormatter(click.HelpFormatter):
    """Help text laid out with Chinese headings (用法：… 选项：… 命令：…), aligned in display columns."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """The usage line, prefixed 用法：."""
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        """A section heading followed by a full-width colon."""
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        """A paragraph wrapped at the help width, Chinese lines broken between characters."""
        indent = " " * self.current_indent
        for line in wrap_cjk(text, max(self.width - self.current_indent, 11)):
            self.write(f"{indent}{line}\n" if line else "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """Options or commands and their help, the help column aligned for Chinese widths."""
        rows = list(rows)
        first_col = min(max((text_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if text_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - text_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_cjk(second, max(self.width - first_col - self.current_indent, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class ChineseContext(click.Context):
    """A context whose help is formatted by :class:`ChineseFormatter`."""

    formatter_class = ChineseFormatter


class ChineseCommand(click.Command):
    """A command whose help, metavars and usage errors are Chinese."""

    context_class = ChineseContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is None and not getattr(param, "is_flag", False) and not getattr(param, "count", False):
                param.metavar = default_metavar(param)

    def make_context(self, info_name, args, parent=None, **extra):
        """Parse the arguments; usage errors come out in Chinese."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise localise_error(exc) from None


class ChineseGroup(ChineseCommand, click.Group):
    """A command group whose sub-commands and sub-groups are Chinese too."""

    command_class = ChineseCommand
    group_class = type  # sub-groups are ChineseGroups

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]…")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        """Run the sub-command; its usage errors come out in Chinese."""
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise localise_error(exc) from None
