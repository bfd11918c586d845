"""HTML → PDF with headless Chromium (the statement's 《费用明细表》, later other documents).

The page is written to a private temporary directory and printed from there with a throw-away
profile, so parallel calls never share state. Page size and margins come from the page's own
``@page`` rule; Chinese text needs a CJK font installed (Debian ``fonts-noto-cjk``: use
``font-family: "Noto Sans CJK SC", sans-serif``). The page must be self-contained: it is
opened from a file and should load nothing from the network.

The Chromium binary is ``settings.CHROMIUM_PATH`` if set, else ``/usr/bin/chromium``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from hragency.core.errors import ServiceError

log = logging.getLogger(__name__)

DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_TIMEOUT = 120
_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pdf-header-footer",
    "--print-to-pdf-no-header",
    "--run-all-compositor-stages-before-draw",
]


class PdfUnavailable(ServiceError):
    """No PDF could be made (Chromium missing, failed or too slow); the message says which."""


def chromium_path() -> str | None:
    configured = getattr(settings, "CHROMIUM_PATH", "") or DEFAULT_CHROMIUM
    path = Path(configured)
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    return shutil.which(configured)


def render_pdf(html: str, *, timeout: int = DEFAULT_TIMEOUT) -> bytes:
    """Print ``html`` (a whole document) to PDF and return its bytes."""
    binary = chromium_path()
    if binary is None:
        raise PdfUnavailable("服务器未安装 Chromium，暂时无法生成 PDF，请改为导出 Excel")
    with tempfile.TemporaryDirectory(prefix="hragency-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "page.html"
        target = folder / "out.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            binary,
            *_ARGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        env = {**os.environ, "HOME": str(folder)}
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Chromium's helpers die with it on a timeout
        )
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise PdfUnavailable(
                f"生成 PDF 超时（超过 {timeout} 秒），请稍后重试或导出 Excel"
            ) from None
        if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            tail = (err or b"").decode("utf-8", "replace")[-2000:]
            log.error("chromium print-to-pdf failed (exit %s): %s", process.returncode, tail)
            raise PdfUnavailable("生成 PDF 失败，请稍后重试或导出 Excel")
        return target.read_bytes()


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
