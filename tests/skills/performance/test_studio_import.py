"""Studio export rows onto Productions, on both stores; a bad file imports nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.store.conftest import STORE_FACTORIES
from young_production.records import Production, ProductionStatus, VideoFormat
from young_production.skills.performance.studio_import import import_studio_export
from young_production.skills.performance.sync import write_performance
from young_production.store.base import Store, iter_records
from young_production.youtube.snapshots import SnapshotStore
from young_production.youtube.stats import VideoStats
from young_production.youtube.studio_csv import StudioExportError

STUDIO = Path(__file__).resolve().parents[2] / "data" / "studio"
TAKEN = datetime(2025, 9, 1, tzinfo=timezone.utc)


@pytest.fixture(params=sorted(STORE_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with STORE_FACTORIES[request.param](tmp_path) as opened:
        yield opened


def seed(store: Store) -> dict[str, Production]:
    made = [
        Production(title="Is PHP the new JavaScript?", video_id="6xFxE92I6Nk", status=ProductionStatus.PUBLISHED),
        Production(title="Imposter syndrome is a   REAL thing", status=ProductionStatus.PUBLISHED),  # by title
        Production(title="x", youtube_url="https://youtu.be/-HHGH-TTqYM"),  # the leading-space id, by URL
        Production(title="Change is a Good Thing"),
        Production(title="Change is a good thing"),  # two Productions share this title: ambiguous
        Production(title="Not in the export", video_id="AAAAAAAAAAA"),
    ]
    return {p.title: store.create(p) for p in made}


def test_rows_match_by_id_url_and_unique_title(store, tmp_path):
    made = seed(store)
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    result = import_studio_export(store, STUDIO / "joshcirre_content.csv", snapshots=snapshots, taken_at=TAKEN)
    assert result.rows == 22 and result.updated == 3 and result.snapshots == 22
    assert {p.title for _, p in result.matched} == {
        "Is PHP the new JavaScript?", "Imposter syndrome is a   REAL thing", "x",
    }
    assert [row.video_id for row, _ in result.ambiguous] == ["S4CACnFQUxs"]
    php = store.get(Production, made["Is PHP the new JavaScript?"].id)
    assert (php.views, php.duration_seconds) == (27102, 978)
    assert php.published_at.date().isoformat() == "2024-09-27"
    by_title = store.get(Production, made["Imposter syndrome is a   REAL thing"].id)
    assert by_title.video_id == "-PtBwSiKP6w" and by_title.views == 666
    assert store.get(Production, made["x"].id).views == 82
    assert store.get(Production, made["Not in the export"].id).views is None
    assert snapshots.history("6xFxE92I6Nk") == [(TAKEN, 27102.0)]
    again = import_studio_export(store, STUDIO / "joshcirre_content.csv", snapshots=snapshots, taken_at=TAKEN)
    assert again.updated == 0  # a rerun changes nothing


def test_a_file_that_is_not_an_export_imports_nothing(store, tmp_path):
    seed(store)
    before = [p.model_dump() for p in iter_records(store, Production)]
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    with pytest.raises(StudioExportError, match=r"no video id column \(accepted: 'Content', 'Video', "):
        import_studio_export(store, STUDIO / "not_content_subscription_status.csv", snapshots=snapshots)
    assert [p.model_dump() for p in iter_records(store, Production)] == before
    assert not snapshots.path.exists()


def test_write_performance_updates_once_and_reports_missing(store):
    made = seed(store)
    stats = {
        "6xFxE92I6Nk": VideoStats("6xFxE92I6Nk", TAKEN, views=30000.0, likes=900.0, comments=None,
                                  format=VideoFormat.VIDEO),
    }
    productions = list(iter_records(store, Production))
    result = write_performance(store, productions, stats)
    assert [p.title for p in result.updated] == ["Is PHP the new JavaScript?"]
    updated = store.get(Production, made["Is PHP the new JavaScript?"].id)
    assert (updated.views, updated.likes, updated.comments) == (30000, 900, None)
    assert len(result.not_found) == len(productions) - 1
    assert write_performance(store, list(iter_records(store, Production)), stats).unchanged == 1


def write_export(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "Table data.csv"
    path.write_text("Content,Video title,Video publish time,Views\n" + body, encoding="utf-8")
    return path


def test_duplicates_and_title_ties_are_reported_and_nothing_is_written_unless_allowed(store, tmp_path):
    made = {p.title: store.create(p) for p in [Production(title="Same title"), Production(title="Unique")]}
    export = write_export(tmp_path, (
        "aaaaaaaaaaa,Same title,2025-01-05,100\n"
        "bbbbbbbbbbb,Same title,2025-01-06,200\n"  # two rows, one title: matches nothing
        "ccccccccccc,Unique,2025-01-07,300\n"
        "ccccccccccc,Unique,2025-01-07,250\n"  # the same id again with lower counts
    ))
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    refused = import_studio_export(store, export, snapshots=snapshots, taken_at=TAKEN)
    assert refused.refused and refused.snapshots == 0 and not snapshots.path.exists()
    assert refused.skipped_lines == ["line 5: video ccccccccccc is also on line 4: kept line 4 (higher counts)"]
    assert store.get(Production, made["Unique"].id).views is None
    result = import_studio_export(store, export, snapshots=snapshots, taken_at=TAKEN, allow_skips=True)
    assert result.snapshots == 3 and snapshots.history("ccccccccccc") == [(TAKEN, 300.0)]
    assert [(r.line, candidates) for r, candidates in result.ambiguous] == [(2, ["line 3"]), (3, ["line 2"])]
    assert store.get(Production, made["Same title"].id).video_id is None
    assert store.get(Production, made["Unique"].id).views == 300
    assert result.to_json()["skipped"] == [{"line": 5, "reason": "video ccccccccccc is also on line 4: "
                                                                   "kept line 4 (higher counts)"}]


def test_an_export_of_another_empires_channel_is_refused(store, tmp_path):
    from young_production.records import Empire

    mine, theirs = store.create(Empire(name="Mine")), store.create(Empire(name="Theirs"))
    store.create(Production(title="Theirs 1", video_id="aaaaaaaaaaa", empire_ids=[theirs.id]))
    store.create(Production(title="Theirs 2", video_id="bbbbbbbbbbb", empire_ids=[theirs.id]))
    export = write_export(tmp_path, "aaaaaaaaaaa,Theirs 1,2025-01-05,100\nbbbbbbbbbbb,Theirs 2,2025-01-06,200\n")
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    with pytest.raises(StudioExportError, match="not Empire 'Mine''s: 2 of the 2 Productions"):
        import_studio_export(store, export, snapshots=snapshots, empire=mine)
    assert not snapshots.path.exists()
    assert import_studio_export(store, export, snapshots=snapshots, empire=theirs).snapshots == 2


def test_without_a_duration_column_a_duration_the_api_read_decides_the_format(store, tmp_path):
    snapshots = SnapshotStore(tmp_path / "snapshots.db")
    snapshots.record([VideoStats("aaaaaaaaaaa", TAKEN, duration_seconds=42.0, views=10.0, source="api",
                                 format=VideoFormat.SHORT, format_basis="shorts playlist")], "UC" + "A" * 22)
    export = write_export(tmp_path, "aaaaaaaaaaa,Clip,2025-01-05,100\nbbbbbbbbbbb,Other,2025-01-06,200\n")
    result = import_studio_export(store, export, snapshots=snapshots, taken_at=TAKEN)
    assert result.formats() == {"short by duration from the Data API": 1,
                                "format unknown (no duration and no #shorts tag)": 1}
