"""A fontconfig file mapping the Windows font names templates use to installed fonts.

Office machines have 仿宋_GB2312, 方正小标宋, 黑体, 楷体 …; a Linux LibreOffice does not. Without a
mapping it falls back to whatever it finds (often DejaVu, or Noto Sans CJK JP), so the PDF looks
wrong or shows boxes. We pass this file to LibreOffice through FONTCONFIG_FILE.

Latin text (digits, codes, the identity line) is set in Times New Roman in the templates and printed
in Liberation Serif, its metric-compatible substitute, so lines break where Word breaks them.
LibreOffice substitutes Liberation Serif for Times New Roman by itself whenever it is installed
(its own table, before fontconfig is asked); the map names the same font, so both routes agree and
the set-up installs it (fonts-liberation2). Without it the map falls back to Noto Serif CJK SC.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

SERIF, SANS, KAI = "Noto Serif CJK SC", "Noto Sans CJK SC", "LXGW WenKai"
LATIN_SERIF, LATIN_SANS = "Liberation Serif", "Liberation Sans"  # fonts-liberation2

# Windows / Founder font name → preferred installed families, best first
ALIASES: dict[str, tuple[str, ...]] = {
    **{name: (SERIF,) for name in ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "华文仿宋", "STFangsong")},
    **{name: (SERIF,) for name in ("宋体", "SimSun", "新宋体", "NSimSun", "华文中宋", "STZhongsong", "方正书宋_GBK")},
    **{name: (SERIF,) for name in ("方正小标宋简体", "方正小标宋_GBK", "方正小标宋", "FZXiaoBiaoSong-B05S")},
    **{name: (SANS,) for name in ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "方正黑体_GBK", "方正黑体简体", "等线", "DengXian")},
    **{
        name: (KAI, SERIF)
        for name in ("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312", "华文楷体", "STKaiti", "方正楷体_GBK", "方正楷体简体")
    },
    **{name: (LATIN_SERIF, SERIF) for name in ("Times New Roman", "Times")},
    **{name: (LATIN_SANS, SANS) for name in ("Arial", "Helvetica")},
    **{name: (SERIF,) for name in ("Calibri", "Cambria")},
}

_MATCH = (
    '  <match target="pattern"><test qual="any" name="family"><string>{src}</string></test>'
    '<edit name="family" mode="prepend" binding="strong">{dst}</edit></match>\n'
)


def fontconfig_xml() -> str:
    """The fonts.conf text: the system configuration, our strong aliases, and the aliased names hidden.

    LibreOffice takes an installed font of the exact name before it asks fontconfig, so a machine
    with Times New Roman or 仿宋_GB2312 installed would print in those. Hiding them (rejectfont)
    makes every machine print the same fonts; the .docx keeps the names for Word.
    """
    rules = "".join(
        _MATCH.format(src=escape(src), dst="".join(f"<string>{escape(d)}</string>" for d in dst)) for src, dst in ALIASES.items()
    )
    hidden = "".join(f'<pattern><patelt name="family"><string>{escape(src)}</string></patelt></pattern>' for src in ALIASES)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <selectfont><rejectfont>{hidden}</rejectfont></selectfont>\n"
        f"{rules}"
        '  <match target="pattern"><test name="lang" compare="contains"><string>zh</string></test>'
        f'<edit name="family" mode="append"><string>{SERIF}</string></edit></match>\n'
        "</fontconfig>\n"
    )


def fontconfig_file(folder: Path) -> Path:
    """Write (if changed) and return the fonts.conf inside ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fonts.conf"
    text = fontconfig_xml()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path
