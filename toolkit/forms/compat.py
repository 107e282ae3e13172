"""Import docxtpl and docxcompose without breaking python-docx.

docxcompose (imported by docxtpl) rebinds python-docx's global ``cp`` namespace prefix to the
custom-properties namespace, after which python-docx reads core properties (keywords, title) as
empty in the whole process. We restore python-docx's mapping right after the import; docxcompose
itself passes its own namespace table to its XPath calls.
"""

from __future__ import annotations

from docx.oxml import ns as _ns

_CP = _ns.nsmap["cp"]

from docxcompose.composer import Composer  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

_ns.nsmap["cp"] = _CP

__all__ = ["Composer", "DocxTemplate"]
