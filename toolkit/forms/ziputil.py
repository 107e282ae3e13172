"""A minimal zip writer that copies pre-compressed members as they are (the .docx speed floor)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1  # fixed 2026-01-01 00:00 for reproducible files
_DOS_TIME = 0
_UTF8 = 0x800


@dataclass(frozen=True)
class Member:
    """One zip member, already deflated (or stored)."""

    name: bytes
    data: bytes  # compressed payload
    crc: int
    size: int
    method: int  # 8 = deflate, 0 = stored

    @classmethod
    def deflate(cls, name: str, raw: bytes, level: int = 6) -> Member:
        """Compress ``raw`` once; the result can be written into any number of zips."""
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = c.compress(raw) + c.flush()
        return cls(name.encode("utf-8"), data, zlib.crc32(raw), len(raw), 8)

    @classmethod
    def stored(cls, name: str, raw: bytes) -> Member:
        """An uncompressed member (cheaper for tiny parts)."""
        return cls(name.encode("utf-8"), raw, zlib.crc32(raw), len(raw), 0)


def write_zip(fh, members: list[Member]) -> None:
    """Write a complete zip archive of ``members`` to the binary file ``fh``."""
    central = []
    offset = 0
    for m in members:
        local = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, _UTF8, m.method, _DOS_TIME, _DOS_DATE, m.crc, len(m.data), m.size, len(m.name), 0
        )
        fh.write(local)
        fh.write(m.name)
        fh.write(m.data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                _UTF8,
                m.method,
                _DOS_TIME,
                _DOS_DATE,
                m.crc,
                len(m.data),
                m.size,
                len(m.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + m.name
        )
        offset += len(local) + len(m.name) + len(m.data)
    cd = b"".join(central)
    fh.write(cd)
    fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd), offset, 0))
