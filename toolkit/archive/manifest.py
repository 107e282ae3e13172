"""manifest.json (every file with its SHA-256 and size), a reproducible zip, and ``dangwu verify``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ToolkitError

MANIFEST = "manifest.json"
# Zip members: made by Unix (3) so Info-ZIP unzip takes the names as they are, the UTF-8 flag for
# 7-Zip and bsdtar, and the Info-ZIP Unicode Path extra field (0x7075) for Windows Explorer and
# readers that ignore the flag. Fixed 2026-01-01 00:00 timestamps keep the bytes reproducible.
_MADE_BY = 3 << 8 | 30
_UTF8_FLAG = 0x800
_DOS_DATE, _DOS_TIME = (2026 - 1980) << 9 | 1 << 5 | 1, 0
_UNIX_FILE = 0o100644 << 16


class VerifyError(ToolkitError):
    """A binder does not match its manifest (or cannot be read)."""

    exit_code = 8


def file_entries(folder: Path) -> list[dict]:
    """Every file under ``folder`` (but the manifest; hidden ones too) with its relative path, SHA-256 and size."""
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST:
            with open(p, "rb") as fh:
                digest, size = _hash_stream(fh)
            out.append({"path": p.relative_to(folder).as_posix(), "sha256": digest, "size": size})
    return out


def _hash_stream(fh) -> tuple[str, int]:
    """SHA-256 and size of a binary stream, read in 1 MB pieces (a binder can be hundreds of MB)."""
    h, size = hashlib.sha256(), 0
    while chunk := fh.read(1 << 20):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def write_manifest(folder: Path, info: dict) -> Path:
    """Write manifest.json for ``folder``: ``info`` plus the file list."""
    data = {**info, "files": file_entries(folder)}
    path = folder / MANIFEST
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def write_zip_of(folder: Path, target: Path, prefix: str) -> None:
    """Zip ``folder`` (manifest included) with fixed timestamps and sorted names: same files, same bytes.

    Written to a temp file beside ``target`` and renamed into place.
    """
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "wb") as fh:
        central, offset = [], 0
        for p in sorted(folder.rglob("*")):
            if not p.is_file():
                continue
            name = f"{prefix}/{p.relative_to(folder).as_posix()}".encode()
            stored = p.suffix.lower() in (".pdf", ".xlsx", ".zip")  # already compressed: stored, streamed
            if stored:
                crc, size = 0, 0
                with open(p, "rb") as src:  # first pass: the CRC the local header needs
                    while chunk := src.read(1 << 20):
                        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
                method, packed = 0, size
            else:
                raw = p.read_bytes()
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                data = c.compress(raw) + c.flush()
                crc, size, method, packed = zlib.crc32(raw), len(raw), 8, len(data)
            upath = struct.pack("<B", 1) + struct.pack("<I", zlib.crc32(name)) + name
            extra = struct.pack("<HH", 0x7075, len(upath)) + upath
            head = (_UTF8_FLAG, method, _DOS_TIME, _DOS_DATE, crc, packed, size, len(name), len(extra))
            local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *head)
            fh.write(local + name + extra)
            if stored:
                with open(p, "rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
            else:
                fh.write(data)
            central.append(struct.pack("<IHH", 0x02014B50, _MADE_BY, 20) + struct.pack("<HHHHIIIHH", *head))
            central[-1] += struct.pack("<HHHII", 0, 0, 0, _UNIX_FILE, offset) + name + extra
            offset += len(local) + len(name) + len(extra) + packed
        cd = b"".join(central)
        fh.write(cd)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), offset, 0))
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(target)


@dataclass
class VerifyReport:
    """Differences between a binder and its manifest."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    repair: str = "dangwu archive --year 年度 --repair"  # the command that rebuilds this binder

    @property
    def ok(self) -> bool:
        """True when nothing differs."""
        return not (self.missing or self.extra or self.altered or self.unsafe)

    def lines(self) -> list[str]:
        """Every difference as a Chinese line (多出 / 缺少 / 被改动 / 路径不安全: name)."""
        groups = (("多出", self.extra), ("缺少", self.missing), ("被改动", self.altered), ("路径不安全", self.unsafe))
        return [f"{title}：{name}" for title, names in groups for name in names]

    def summary(self) -> str:
        """One line counting the differences."""
        return f"缺少 {len(self.missing)}，多出 {len(self.extra)}，被改动 {len(self.altered)}"


def verify(path: Path) -> VerifyReport:
    """Check a binder folder or zip against its manifest (a zip is read in memory, never extracted)."""
    path = Path(path)
    if path.is_dir():
        report = _compare(_read_manifest(path / MANIFEST, path), {e["path"]: e for e in file_entries(path)})
        report.repair = _repair_command(json.loads((path / MANIFEST).read_text(encoding="utf-8")))
        return report
    if zipfile.is_zipfile(path):
        return _verify_zip(path)
    raise VerifyError(
        f"{path} 既不是归档文件夹，也不是 zip 文件。", hint="请指定 archive/年度/台账/保管期限 文件夹，或归档生成的 .zip 文件。"
    )


def _repair_command(data: dict) -> str:
    """The archive command that rebuilds the binder a manifest describes."""
    year, register = data.get("year"), data.get("register")
    if not isinstance(year, int) or not isinstance(register, str):
        return "dangwu archive --year 年度 --repair"
    return f"dangwu archive --year {year} --register {register} --repair"


def _read_manifest(manifest: Path, where: Path) -> dict:
    """The manifest's file entries by path; VerifyError when there is none or it is damaged."""
    if not manifest.exists():
        raise VerifyError(f"{where} 中没有 {MANIFEST}，无法校验。", hint="请指定 dangwu archive 生成的文件夹或 zip。")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return {e["path"]: e for e in data["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise VerifyError(f"{manifest} 已损坏，无法读取（{exc}）。") from exc


def _verify_zip(path: Path) -> VerifyReport:
    """Compare the members of a zip with the manifest inside it."""
    report = VerifyReport()
    with zipfile.ZipFile(path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        for n in names:
            pure = PurePosixPath(n)
            if pure.is_absolute() or ".." in pure.parts or "\\" in n:
                report.unsafe.append(n)  # would escape the folder it is extracted into
        manifests = [n for n in names if PurePosixPath(n).name == MANIFEST]
        if len(manifests) != 1:
            raise VerifyError(f"{path.name} 中{'没有' if not manifests else '有多个'} {MANIFEST}，无法校验。")
        prefix = manifests[0][: -len(MANIFEST)]
        try:
            data = json.loads(zf.read(manifests[0]).decode("utf-8"))
            expected = {e["path"]: e for e in data["files"]}
            repair = _repair_command(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise VerifyError(f"{path.name} 中的 {MANIFEST} 已损坏（{exc}）。") from exc
        actual = {}
        for n in names:
            if n == manifests[0] or n in report.unsafe:
                continue
            rel = n[len(prefix) :] if n.startswith(prefix) else n
            try:
                with zf.open(n) as fh:
                    digest, size = _hash_stream(fh)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):  # bytes changed inside the zip
                digest, size = "unreadable", -1
            actual[rel] = {"path": rel, "sha256": digest, "size": size}
    result = _compare(expected, actual)
    result.unsafe, result.repair = report.unsafe, repair
    return result


def _compare(expected: dict, actual: dict) -> VerifyReport:
    """Missing, extra and altered files between two path → entry maps."""
    report = VerifyReport(checked=len(expected))
    report.missing = sorted(set(expected) - set(actual))
    report.extra = sorted(set(actual) - set(expected))
    report.altered = sorted(
        p for p in set(expected) & set(actual) if expected[p]["sha256"] != actual[p]["sha256"] or expected[p]["size"] != actual[p]["size"]
    )
    return report
