"""The snapshot store at review time: the newest snapshot per video, and views at an age answered fast."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from young_production.youtube.snapshots import AgeLookup, SnapshotStore, views_at_age
from young_production.youtube.stats import VideoStats

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_age_lookup_answers_as_views_at_age_does() -> None:
    rng = random.Random(7)
    histories = {}
    for n in range(300):
        count = rng.choice((1, 1, 1, 2, 4))
        times = sorted(T0 + timedelta(hours=rng.randint(0, 24 * 400)) for _ in range(count))
        histories[f"v{n:010d}"] = [(t, float(rng.randint(1, 10**6))) for t in times]
    lookup = AgeLookup(histories)
    for _ in range(5000):
        video = f"v{rng.randrange(310):010d}"  # some unknown
        published = T0 - timedelta(hours=rng.randint(0, 24 * 60))
        age = timedelta(hours=rng.randint(1, 24 * 500))
        assert lookup(video, published, age) == views_at_age(histories.get(video, []), published, age)


def test_latest_reads_one_row_per_video_whatever_was_imported_before(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "s.db")
    for day in range(5):
        store.record([VideoStats(f"v{n:010d}", T0 + timedelta(days=day), views=100.0 * day + n, source="studio",
                                 published_at=T0 - timedelta(days=30)) for n in range(50)], "chan")
    latest = {v.video_id: v for v in store.latest(["chan"])}
    assert len(latest) == 50 and latest["v0000000007"].views == 407 and latest["v0000000007"].taken_at == T0 + timedelta(days=4)
    assert store.latest(["other"]) == []
