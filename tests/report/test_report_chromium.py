"""The HTML report renders in headless Chromium without console messages.

Chromium logs every console message (errors, CSP violations, failed loads) to stderr as
``INFO:CONSOLE`` with ``--enable-logging=stderr``; a control page proves the capture works.
The setup installs Debian's ``chromium`` when it is missing (CI runs as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from piguard.demo import run
from tests.conftest import require_service

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "install", "-y", "chromium"], ["apt-get", "update"],
                    ["apt-get", "install", "-y", "chromium"]):
            subprocess.run(cmd, capture_output=True, timeout=900, check=False, env=env)
            if cmd[1] == "install" and shutil.which("chromium"):
                break
        exe = shutil.which("chromium")
    require_service(exe is not None, "Debian chromium (apt-get install -y chromium)")
    return exe


def render(chromium: str, page: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """The page's DOM after load, and the console lines Chromium logged."""
    profile = tmp_path / f"profile-{page.stem}"
    proc = subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                           page.resolve().as_uri()], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return proc.stdout, console


def test_console_capture_works(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
                    '<script>console.error("control-error")</script></body></html>')
    _, console = render(chromium, page, tmp_path)
    assert any("control-error" in line for line in console)


def test_demo_report_renders_without_console_errors(chromium: str, tmp_path: Path) -> None:
    result = run(tmp_path / "demo", users=300)
    dom, console = render(chromium, result.report_html, tmp_path)
    assert console == []
    assert "PI inventory report" in dom
    assert "<svg" in dom and "Riskiest tables" in dom and "Not scanned" in dom
