"""WF4 without an API key: from a real YouTube Studio export (imported first), and from public pages
read by the real yt-dlp on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.workflows.review_rig import store_workspace
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
PERIOD = "2025-06-01"


@pytest.mark.parametrize("kind", ["sqlite", "notion"])
def test_review_from_a_real_studio_export(tmp_path: Path, kind: str) -> None:
    export = read_studio_export(STUDIO / "buildwithadi_content.csv")
    with store_workspace(kind, tmp_path / kind) as (workspace, _):
        from young_production.runtime import open_store

        store = open_store(workspace)
        empire = store.create(Empire(name="Suuz Study"))  # no key, no channel URL: the export is all there is
        own = export.rows[:8]
        for row in own:
            store.create(Production(title=row.title or row.video_id, status=ProductionStatus.PUBLISHED,
                                    empire_ids=[empire.id], video_id=row.video_id))
        imported = import_studio_export(store, STUDIO / "buildwithadi_content.csv",
                                        snapshots=snapshot_store(workspace))
        assert imported.empire is not None and imported.empire.id == empire.id  # the Productions' one Empire
        assert imported.snapshots == len(export.rows) and len(imported.matched) == 8

        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))
        assert result.ok, result.summary()
        detail = result.entries[0].detail
        assert detail["route"] == "export" and detail["quota_units"] == 0  # imported today: the export serves
        assert detail["videos_scored"] >= 15  # every dated row, long videos against long videos
        scored = [store.get(Production, p.id) for p in iter_records(store, Production)]
        best_row = max((r for r in own if r.published_at), key=lambda r: r.views or 0)
        best = next(p for p in scored if p.video_id == best_row.video_id)
        assert best.outlier_score and best.outlier_score > 1 and "long videos" in best.outlier_basis
        assert [r.period for r in iter_records(store, Report)] == [PERIOD]
        store.close()


def page(base: str, name: str, title: str, views: int, day: int) -> bytes:
    ld = {"@context": "https://schema.org", "@type": "VideoObject", "name": title,
          "uploadDate": f"2025-03-{day:02d}T10:00:00Z", "duration": "PT6M30S",
          "contentUrl": f"{base}captioned/habits.mp4", "thumbnailUrl": f"{base}images/quote-card.png",
          "interactionStatistic": [{"@type": "InteractionCounter", "interactionType": {"@type": "WatchAction"},
                                    "userInteractionCount": views}]}
    return (f"<!DOCTYPE html><html><head><title>{title}</title>"
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
            f"<body><h1>{title}</h1></body></html>").encode()


def test_review_from_public_pages_through_yt_dlp(tmp_path: Path, sample_http) -> None:  # noqa: ANN001
    base = sample_http.base_url
    names = [f"wfrvid{i:05d}" for i in range(7)]  # 11 characters: read as video ids
    for i, name in enumerate(names):
        sample_http.add_route(f"/wf4/{name}.html", page(base, name, f"Loopback video {i}", 1000 + 500 * (i == 6), 1 + i),
                              content_type="text/html; charset=utf-8")
    items = "".join(f"<item><title>{n}</title><link>{base}wf4/{n}.html</link><guid>{n}</guid></item>" for n in names)
    feed = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Loopback channel</title>'
            f"<link>{base}wf4/</link><description>test</description>{items}</channel></rss>").encode()
    sample_http.add_route("/wf4/feed.xml", feed, content_type="application/rss+xml")
    with store_workspace("sqlite", tmp_path / "ws") as (workspace, _):
        from young_production.runtime import open_store

        store = open_store(workspace)
        empire = store.create(Empire(name="Loopback", channel_url=f"{base}wf4/feed.xml"))
        mine = store.create(Production(title="Loopback video 6", empire_ids=[empire.id], video_id=names[6],
                                       youtube_url=f"{base}wf4/{names[6]}.html"))
        result = run(workspace, "wf4", RunOptions(args=EmpireArgs(period=PERIOD)))
        assert result.ok, result.summary()
        detail = result.entries[0].detail
        assert detail["route"] == "ytdlp" and detail["videos_read"] == 7 and detail["quota_units"] == 0
        updated = store.get(Production, mine.id)
        assert updated.views == 1500 and updated.outlier_score == 1.5  # 1,500 views vs a median of 1,000
        store.close()
