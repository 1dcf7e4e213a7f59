"""The HTML report a WF4 run saves, opened in headless Chromium: the charts are drawn on the page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from tests.skills.performance.test_report_chromium import BLUE, ORANGE, chromium, share
from tests.workflows.review_rig import api_with_channel, opened, seed_empire, store_workspace
from young_production.workflows.base import RunOptions

from .running import run

pytestmark = pytest.mark.slow


def test_a_wf4_report_shows_its_charts_in_chromium(tmp_path: Path) -> None:
    from PIL import Image

    browser = chromium()
    with api_with_channel() as (api, channel), store_workspace(
        "sqlite", tmp_path / "ws", {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, _):
        store = opened(workspace)
        seed_empire(store, channel)
        store.close()
        result = run(workspace, "wf4", RunOptions(extra={"period": "2025-06-01"}))
        assert result.ok, result.summary()
        page = workspace.root / result.entries[0].detail["report"]
    shot, profile = tmp_path / "shot.png", tmp_path / "profile"
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps",
         "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}",
         "--window-size=1000,3200", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    assert shot.exists(), f"no screenshot (exit {done.returncode}): {done.stderr[-500:]}"
    image = Image.open(io.BytesIO(shot.read_bytes())).convert("RGB")
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50, "the screenshot is nearly blank"
    assert share(image, BLUE) > 0.005, "no long-video points or bars drawn"
    assert share(image, ORANGE) > 0.002, "no Shorts drawn"
