"""LibreOffice behind one small wrapper: found once, private profiles, font aliases, time limits."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConversionError
from .fonts import fontconfig_file

MAX_FILES = 200  # soffice's launcher drops command-line arguments beyond about 254

INSTALL_HINT = "请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-liberation2），或在 dangwu.toml 的 [pdf] soffice_path 中填写 soffice 程序的路径。"


def cache_dir() -> Path:
    """Per-user cache for LibreOffice profiles and the fonts file."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dangwu"


def find_soffice(configured: str = "") -> str:
    """The soffice program: the configured path, else PATH; ConversionError when there is none."""
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise ConversionError(f"设置中的 LibreOffice 路径不存在或不可执行：{configured}", hint=INSTALL_HINT)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConversionError("未找到 LibreOffice（soffice），无法生成 PDF。", hint=INSTALL_HINT)


@contextmanager
def _profile(slot: int):
    """A private LibreOffice profile; a persistent one per slot when free, else a throw-away one."""
    root = cache_dir() / f"lo-profile-{slot}"
    root.mkdir(parents=True, exist_ok=True)
    lock = open(root.with_suffix(".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        with tempfile.TemporaryDirectory(prefix="dangwu-lo-") as tmp:
            yield Path(tmp)
        return
    try:
        yield root
    finally:
        lock.close()


class Soffice:
    """Converts documents with a real LibreOffice, one headless process per call."""

    def __init__(self, program: str = "", timeout: int = 120):
        self.program = find_soffice(program)
        self.timeout = timeout
        self.fonts = fontconfig_file(cache_dir())

    def convert(self, files: list[Path], outdir: Path, target: str = "pdf", slot: int = 0) -> list[Path]:
        """Convert ``files`` into ``outdir``, one process per MAX_FILES; returns the output paths (checked to exist)."""
        out: list[Path] = []
        for i in range(0, len(files), MAX_FILES):
            out += self._convert(files[i : i + MAX_FILES], outdir, target, slot)
        return out

    def _convert(self, files: list[Path], outdir: Path, target: str, slot: int) -> list[Path]:
        """One LibreOffice process for ``files``."""
        outdir.mkdir(parents=True, exist_ok=True)
        with _profile(slot) as profile:
            cmd = [
                self.program, "--headless", "--invisible", "--norestore", "--nolockcheck",
                f"-env:UserInstallation={profile.as_uri()}", "--convert-to", target, "--outdir", str(outdir),
                *map(str, files),
            ]  # fmt: skip
            env = {**os.environ, "FONTCONFIG_FILE": str(self.fonts), "SAL_USE_VCLPLUGIN": "svp", "HOME": os.environ.get("HOME", "/tmp")}
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
            try:
                out, err = proc.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise ConversionError(
                    f"LibreOffice 转换超时（超过 {self.timeout} 秒），已终止。",
                    hint="可在 dangwu.toml 的 [pdf] timeout 中调大时限；若反复超时，请检查 LibreOffice 是否能正常运行。",
                ) from None
        ext = target.split(":")[0]
        results = [outdir / f"{Path(f).stem}.{ext}" for f in files]
        missing = [p.name for p in results if not p.exists()]
        if proc.returncode != 0 or missing:
            # LibreOffice's own output is English: kept for --verbose (the exception's cause), not the message
            detail = (err or out or b"").decode("utf-8", "replace").strip()
            error = ConversionError(
                f"LibreOffice 转换失败（退出码 {proc.returncode}），未生成：{'、'.join(missing) or '无'}。",
                hint="请确认文件能在 Word/LibreOffice 中正常打开；" + INSTALL_HINT,
            )
            raise error from (RuntimeError(detail) if detail else None)
        return results

    def convert_groups(self, groups: list[list[Path]], outdir: Path, target: str = "pdf") -> list[list[Path]]:
        """Convert several groups at once, one LibreOffice process (and profile) per group."""
        if len(groups) == 1:
            return [self.convert(groups[0], outdir, target)]
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            futures = [pool.submit(self.convert, g, outdir, target, i) for i, g in enumerate(groups)]
            return [f.result() for f in futures]
