"""WF4's source of numbers: real Studio exports in four layouts reviewed with no network, the source and
date stated, a failing network route falling back to the snapshots, `--source`, and a review that scores
nothing refusing to publish."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.workflows.review_rig import store_workspace
from young_production.errors import YPError
from young_production.records import Empire, Production, ProductionStatus, Report
from young_production.youtube.storage import snapshot_store
from young_production.skills.performance.studio_import import import_studio_export
from young_production.store.base import iter_records
from young_production.workflows.args import EmpireArgs
from young_production.workflows.engine.base import RunOptions
from young_production.youtube.snapshots import SnapshotStore
from young_production.youtube.studio_csv import read_studio_export

from .running import run

STUDIO = Path(__file__).resolve().parents[1] / "data" / "studio"
PERIOD = "2026-06-01"


@pytest.mark.parametrize(
    "export, top, formats",
    [
        # 2022 layout: `Video`, `Video views`, month-first dates, BOM, no Duration; the 1.25M-view video
        ("full/kenjee.csv", "4OZip0cgOho", "11 Shorts by #shorts tag"),
        # the default columns: one 58,005-view video on a channel of a few hundred views each
        ("buildwithadi_content.csv", "oEDe6JMwL7Q", "24 long videos by duration"),
        # a Shorts channel with Engaged views beside Views: its most viewed Short
        ("full/areikher.csv", "F3HVs95pagk", "format unknown (61-180 s with no #shorts tag and no aspect ratio)"),
        # edited in a spreadsheet, no Duration, Shorts known by their Shorts-feed figures
        ("full/oisinqueva.csv", "M1fTBQ96BRM", "100 Shorts by Shorts feed figures"),
    ],
)
def test_a_real_export_reviews_without_network_and_names_its_source(tmp_path: Path, export: str, top: str,
                                                                     formats: str) -> None:
    rows = read_studio_export(STUDIO / export).rows
    with store_workspace("sqlite", tmp_path) as (workspace, _):
        from young_production.runtime import open_store

        store = open_store(workspace)
        # a channel URL as the README shows it: without the export, WF4 would go to YouTube through yt-dlp
        empire = store.create(Empire(name="Real channel", channel_url="https://www.youtube.com/@not-reachable"))
        for row in rows:  # the channel's videos are the Empire's Productions
            store.create(Production(title=row.title or row.video_id, status=ProductionStatus.PUBLISHED,
                                    empire_ids=[empire.id], video_id=row.video_id))
        imported = import_studio_export(store, STUDIO / export, empire=empire,
                                        snapshots=snapshot_store(workspace))
        assert imported.refused is None and imported.snapshots == len(rows)

        plan = run(workspace, "wf4", RunOptions(dry_run=True, args=EmpireArgs(period=PERIOD)))
        assert plan.entries[0].detail["route"] == "export"
        assert "imported export" in plan.entries[0].detail["why"] and "within 7 days" in plan.entries[0].detail["why"]

        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))
        assert result.ok, result.summary()
        detail = result.entries[0].detail
        assert detail["route"] == "export" and detail["videos_scored"] > 0
        today = datetime.now(timezone.utc).date().isoformat()
        assert detail["source"] == f"Source: YouTube Studio export {Path(export).name}, imported {today}"
        (report,) = iter_records(store, Report)
        markdown = (workspace.root / detail["report"]).with_name("report.md").read_text(encoding="utf-8").replace("\\", "")  # markdown escapes
        assert detail["source"] in markdown and formats in markdown
        assert ("Engaged views" in markdown) == ("Engaged views" in (STUDIO / export).read_text(encoding="utf-8"))
        scored = [p for p in iter_records(store, Production) if p.outlier_score is not None]
        best = max(scored, key=lambda p: p.outlier_score)
        assert best.video_id == top and best.outlier_score > 3  # the video a person would name from the file
        assert report.period == PERIOD and " ".join(best.title.split()) in " ".join(markdown.split())
        store.close()


def test_a_failing_network_route_falls_back_to_the_snapshots_and_says_so(tmp_path: Path, sample_http) -> None:  # noqa: ANN001
    with store_workspace("sqlite", tmp_path, youtube={"snapshot_max_age_days": 1}) as (workspace, _):
        from young_production.runtime import open_store

        store = open_store(workspace)
        empire = store.create(Empire(name="Suuz", channel_url=f"{sample_http.base_url}nothing-here/feed.xml"))
        old = datetime.now(timezone.utc) - timedelta(days=3)
        import_studio_export(store, STUDIO / "buildwithadi_content.csv", empire=empire, taken_at=old,
                             snapshots=snapshot_store(workspace))
        plan = run(workspace, "wf4", RunOptions(dry_run=True, args=EmpireArgs(period=PERIOD)))
        assert plan.entries[0].detail["route"] == "ytdlp"  # the export is older than a day
        assert "the last export is older than 1 days" in plan.entries[0].detail["why"]

        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))
        assert result.ok, result.summary()
        detail = result.entries[0].detail
        assert detail["route"] == "snapshots" and detail["videos_scored"] == 24
        assert detail["source"].startswith(f"Source: the newest recorded snapshots (Studio exports), as of "
                                           f"{old.date().isoformat()}; ytdlp failed (")

        forced = run(workspace, "wf4", RunOptions(dry_run=True, args=EmpireArgs(period=PERIOD, source="export")))
        assert forced.entries[0].detail["route"] == "export" and "forced" in forced.entries[0].detail["why"]
        store.close()


def test_a_forced_source_that_cannot_work_is_refused_with_its_reason(tmp_path: Path) -> None:
    with store_workspace("sqlite", tmp_path) as (workspace, _):
        from young_production.runtime import open_store

        store = open_store(workspace)
        store.create(Empire(name="No data"))
        store.close()
        for source, message in [("api", "needs youtube.api_key"), ("export", "no Studio export imported"),
                                ("ytdlp", "has no channel URL"), ("csv", "use one of api, export, ytdlp")]:
            with pytest.raises(YPError, match=message):
                run(workspace, "wf4", RunOptions(dry_run=True, args=EmpireArgs(period=PERIOD, source=source)))
        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD, source="api")))
        assert result.entries[0].status == "failed" and "needs youtube.api_key" in result.entries[0].error


def test_a_review_that_scores_nothing_says_why_and_writes_no_report(tmp_path: Path) -> None:
    since = datetime(2025, 3, 1, tzinfo=timezone.utc)
    lines = ["Content,Video title,Video publish time,Duration,Views"] + [
        f"vid{i:08d},Clip {i},\"{(since + timedelta(days=3 * i)):%b %d, %Y}\",{90 + i},{1000 + 10 * i}"
        for i in range(12)
    ]
    export = tmp_path / "Table data.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store_workspace("sqlite", tmp_path / "ws") as (workspace, _):
        from young_production.runtime import open_store

        store = open_store(workspace)
        empire = store.create(Empire(name="Clips"))
        import_studio_export(store, export, empire=empire, snapshots=snapshot_store(workspace))
        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))
        (entry,) = result.entries
        assert entry.status == "failed" and not result.ok
        assert entry.error == ("0 of 12 videos scored: 12 format unknown "
                               "(61-180 s with no #shorts tag and no aspect ratio)")
        assert list(iter_records(store, Report)) == [] and not (workspace.root / "reports").exists()
        store.close()
