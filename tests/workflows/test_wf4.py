"""WF4 Empire review end to end on the engine: Data API emulator, yt-dlp on loopback and a real
Studio export, on SQLite and on the Notion emulator; reruns, dry runs and a bad key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.workflows.review_rig import STRONG_HOOK, api_with_channel, opened, seed_empire, store_workspace
from young_production.records import Empire, Production, Report
from young_production.store.base import iter_records
from young_production.workflows.args import EmpireArgs
from young_production.workflows.engine.base import RunOptions
from young_production.workflows import plan_workflow
from young_production.runtime import Runtime

from .running import run

PERIOD = "2025-06-01"


def review(workspace):  # noqa: ANN001
    return run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))


@pytest.mark.parametrize("kind", ["sqlite", "notion"])
def test_review_from_the_data_api_scores_writes_reports_and_reruns_nothing(tmp_path: Path, kind: str) -> None:
    with api_with_channel() as (api, channel), store_workspace(
        kind, tmp_path / kind, {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, notion):
        store = opened(workspace)
        seeded = seed_empire(store, channel)
        result = review(workspace)
        assert result.ok and result.successful == 1, result.summary()
        detail = result.entries[0].detail
        assert detail["route"] == "api" and detail["videos_read"] == len(channel.videos)
        assert detail["quota_units"] == len(api.calls) == 2 + 2 + 3  # 70 Shorts and 60 long: 2 pages each; 130 ids in 3 calls
        assert detail["productions_updated"] == len(seeded.productions)

        best = store.get(Production, next(p.id for v, p in seeded.productions.items() if int(v[1:10]) % 7 == 6))
        assert best.views == 5606 and best.outlier_score and best.outlier_score > 1
        assert best.outlier_basis.startswith("median_ratio:") and "long videos" in best.outlier_basis

        reports = list(iter_records(store, Report))
        assert len(reports) == 1 and reports[0].period == PERIOD and reports[0].empire_ids == [seeded.empire.id]
        assert STRONG_HOOK in json.dumps(detail) or STRONG_HOOK in reports[0].summary
        folder = workspace.root / Path(detail["report"]).parent
        assert {p.name for p in (folder / "charts").iterdir()} == {
            "views_over_time.png", "outlier_scores.png", "pattern_lift.png"}
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert html.count("data:image/png;base64,") == 3 and "http://" not in html.replace("http://www.w3", "")
        body = store.read_body(reports[0].id)
        images = [b.text for b in body if b.type == "image"]
        assert len(images) == 3
        empire_body = [b.text for b in store.read_body(seeded.empire.id)]
        assert any(reports[0].id in line for line in empire_body)
        if notion is not None:  # charts uploaded through the File Upload API and shown as hosted files
            uploads = notion.state.uploads.uploads
            assert len(uploads) == 3 and all(u["status"] == "uploaded" and u["expiry_time"] is None
                                             for u in uploads.values())
            assert all(i.startswith("https://") and "/emulator/" in i for i in images)
        else:
            assert all((workspace.root / i).is_file() for i in images)

        calls = len(api.calls)
        again = review(workspace)
        assert again.successful == 1 and len(api.calls) == calls  # the same period: the first result
        assert len(list(iter_records(store, Report))) == 1
        store.close()


def test_a_bad_key_stops_the_run_with_the_api_reason_and_writes_nothing(tmp_path: Path) -> None:
    with api_with_channel() as (api, channel), store_workspace(
        "sqlite", tmp_path / "ws", {"api_key": "revoked", "base_url": api.base_url}
    ) as (workspace, _):
        store = opened(workspace)
        seeded = seed_empire(store, channel)
        seed_empire(store, channel, name="Second Empire")
        result = review(workspace)
        assert result.stopped_reason and "API key not valid" in result.stopped_reason
        assert result.successful == 0 and len(api.calls) == 1  # the second Empire is not tried
        assert list(iter_records(store, Report)) == []
        assert all(store.get(Production, p.id).views is None for p in seeded.productions.values())
        store.close()


def test_over_quota_stops_the_run(tmp_path: Path) -> None:
    with api_with_channel() as (api, channel), store_workspace(
        "sqlite", tmp_path / "ws", {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, _):
        api.quota_left = 1
        store = opened(workspace)
        seed_empire(store, channel)
        result = review(workspace)
        assert result.stopped_reason and "quota" in result.stopped_reason.lower()
        assert list(iter_records(store, Report)) == []
        api.quota_left = None  # the next day: the stopped review resumes and finishes
        again = review(workspace)
        assert again.successful == 1 and len(list(iter_records(store, Report))) == 1
        store.close()


def test_dry_run_plans_the_route_and_writes_nothing(tmp_path: Path) -> None:
    with api_with_channel() as (api, channel), store_workspace(
        "sqlite", tmp_path / "ws", {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, _):
        store = opened(workspace)
        seed_empire(store, channel)
        store.create(Empire(name="No channel yet"))
        with Runtime(workspace) as runtime:
            result = plan_workflow(runtime, "wf4", RunOptions(dry_run=True, args=EmpireArgs(period=PERIOD)))
        routes = {e.title: e.detail["route"] for e in result.entries}
        assert routes == {"Habit Lab": "api", "No channel yet": "snapshots"}
        assert api.calls == [] and list(iter_records(store, Report)) == []
        assert not (workspace.root / "reports").exists()
        assert not (workspace.state_dir / "state.db").exists()
        store.close()


def test_titles_with_dollar_signs_and_emoji_review_like_any_other(tmp_path: Path) -> None:
    """Titles are never markup: two '$' made matplotlib's mathtext raise and failed the whole Empire."""
    with api_with_channel() as (api, channel), store_workspace(
        "sqlite", tmp_path / "s", {"api_key": "test-key", "base_url": api.base_url}
    ) as (workspace, _):
        hostile = ["I spent $100 on ^_^ and $5", "$x^2$ \\frac{1}{0} $$", "Best Makeup Transition 🤣 हिन्दी"]
        longs = [v for v in channel.videos if v.kind == "video"]
        for video, title in zip(longs[-3:], hostile):
            video.title = title
        seed_empire(opened(workspace), channel)
        result = review(workspace)
        assert result.ok and result.successful == 1, result.summary()
        folder = workspace.root / Path(result.entries[0].detail["report"]).parent
        text = (folder / "report.md").read_text(encoding="utf-8")
        assert text.splitlines()[2].startswith("**Source: the YouTube Data API, read ")  # the first line: source
        assert "$" not in text.replace("\\$", "")  # every dollar escaped for Markdown renderers with math
