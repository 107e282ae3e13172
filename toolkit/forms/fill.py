"""Fill a form's label cells programmatically, as a unit would in Word (for samples, tests, scripts)."""

from __future__ import annotations

from pathlib import Path

import docx

from ..intake.returned import label_key


def fill_form(src: Path, dst: Path, answers: dict[str, str]) -> Path:
    """Write each answer into the cell right of its label (newlines become paragraphs) and save to ``dst``."""
    document = docx.Document(str(src))
    left = dict(answers)
    for table in document.tables:
        for row in table.rows:
            cells = row.cells
            for i in range(len(cells) - 1):
                key = label_key(cells[i].text)
                if key in left and cells[i + 1]._tc is not cells[i]._tc:
                    _set_cell(cells[i + 1], left.pop(key))
    if left:
        raise KeyError(f"labels not found in {src.name}: {', '.join(left)}")
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    document.save(str(dst))
    return Path(dst)


def _set_cell(cell, text: str) -> None:
    """Replace a cell's text, one paragraph per line, keeping the first paragraph's style."""
    paragraphs = cell.paragraphs
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    first = paragraphs[0]
    for run in first.runs[1:]:
        run._r.getparent().remove(run._r)
    lines = str(text).split("\n")
    if first.runs:
        first.runs[0].text = lines[0]
    else:
        first.add_run(lines[0])
    for line in lines[1:]:
        cell.add_paragraph(line)
