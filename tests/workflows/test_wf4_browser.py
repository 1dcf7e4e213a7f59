"""The HTML report a WF4 run saves, opened in headless Chromium: the charts are drawn on the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.skills.performance.test_report_chromium import BLUE, ORANGE, chromium, screenshot, share
from tests.workflows.review_rig import api_with_channel, opened, seed_empire, store_workspace
from young_production.workflows.args import EmpireArgs
from young_production.workflows.engine.base import RunOptions

from .running import run

pytestmark = pytest.mark.slow


def test_a_wf4_report_shows_its_charts_in_chromium(tmp_path: Path) -> None:
    browser = chromium()
    with api_with_channel() as (api, channel), store_workspace(
        "sqlite", tmp_path / "ws", {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, _):
        store = opened(workspace)
        seed_empire(store, channel)
        store.close()
        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period="2025-06-01")))
        assert result.ok, result.summary()
        page = workspace.root / result.entries[0].detail["report"]
    image = screenshot(browser, page, tmp_path)
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 50, "the screenshot is nearly blank"
    assert share(image, BLUE) > 0.005, "no long-video points or bars drawn"
    assert share(image, ORANGE) > 0.002, "no Shorts drawn"
