"""The saved HTML report opened in headless Chromium: the screenshot shows the charts drawn.

Chromium comes from `scripts/ensure_chromium.sh` (Debian's `chromium`); the test skips,
saying why, only when no Chromium can be found or installed. Chromium runs with every
background service off and loads the page from a file (the page itself makes no requests).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.skills.performance.report_data import NOW, report_inputs
from young_production.ai.rules.provider import RuleProvider
from young_production.skills.performance.report import build_report, save_report_files

ENSURE = Path(__file__).resolve().parents[3] / "scripts" / "ensure_chromium.sh"
BLUE, ORANGE = (0x1A, 0x73, 0xE8), (0xE8, 0x71, 0x0A)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    try:
        done = subprocess.run(["sh", str(ENSURE)], capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"Chromium is not installed and ensure_chromium.sh could not run: {exc}")
    if done.returncode != 0:
        pytest.skip(f"Chromium is not installed and could not be installed: {done.stderr.strip()[-300:]}")
    return done.stdout.strip().splitlines()[-1]


def share(image, rgb: tuple[int, int, int], tolerance: int = 40) -> float:
    pixels = list(image.getdata())
    return sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p[:3], rgb))) / len(pixels)


def screenshot(browser: str, page, folder):  # noqa: ANN001, ANN201
    """The page as headless Chromium draws it (RGB), with no network and a fresh profile."""
    from PIL import Image

    shot = folder / "shot.png"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps",
         "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
         f"--user-data-dir={folder / 'profile'}", "--window-size=1000,3200", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert shot.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-500:]}"
    return Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")


@pytest.mark.slow  # a headless browser
def test_headless_chromium_draws_the_report_charts(tmp_path):
    browser = chromium()
    empire, points, scores, lifts = report_inputs()
    report = build_report(empire, points, scores, lifts, provider=RuleProvider(), period="2025-05", generated_at=NOW)
    page = save_report_files(report, tmp_path / "report")["html"]
    image = screenshot(browser, page, tmp_path)
    assert image.size[0] >= 900
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "the screenshot is nearly blank"
    assert share(image, BLUE) > 0.003, "no long-video bars or pattern markers drawn"  # bars rise from 1x
    assert share(image, ORANGE) > 0.002, "no Shorts drawn"
