"""A returned form as read from any format: its identity sources and its label/value fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormRejected
from ..forms.identity import Identity, normalise

_LABEL_STRIP = str.maketrans("", "", ":：*＊")


def label_key(text: str) -> str:
    """The compare-form of a label cell: no spaces, no colon."""
    return normalise(text).translate(_LABEL_STRIP)


@dataclass
class ReturnedForm:
    """What a reader extracted from one returned file."""

    path: Path
    fmt: str
    fields: dict[str, str] = field(default_factory=dict)
    identities: dict[str, Identity] = field(default_factory=dict)

    def add_identity_source(self, source: str, text: str) -> None:
        """Record the identity found in one place (property, keywords, visible text)."""
        found = Identity.find_all(text)
        if len(found) > 1:
            raise FormRejected(f"{source}中含有多个不同的识别码，无法判断是哪一张表。", hint="请每个文件只提交一张表单。")
        if found:
            self.identities[source] = found[0]

    def identity(self) -> Identity:
        """The one identity all sources agree on; FormRejected when none or when they disagree."""
        if not self.identities:
            raise FormRejected(
                "文件中找不到识别码，不是本系统下发的表单。",
                hint="请在下发的通知单原文件上填写（页脚有“识别码”），不要另建文档。",
            )
        distinct = set(self.identities.values())
        if len(distinct) > 1:
            detail = "；".join(f"{src}为 {ident}" for src, ident in self.identities.items())
            raise FormRejected(
                f"文件中的识别码前后不一致（{detail}）。", hint="可能复制了别的单位或别的事项的表单，请使用发给本单位的原表填写。"
            )
        return next(iter(distinct))
