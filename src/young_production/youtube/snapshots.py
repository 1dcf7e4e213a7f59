"""Dated counts of every video we have read, so a video can be compared with its peers at the same age.

Tables in the workspace's state database (`state/state.db`, see `state_db.py`; the path
is passed in). Each read
adds a snapshot (video, taken_at, views, likes, comments, source); the same video
read twice at the same moment replaces the first. `views_at_age` answers "how many
views did this video have N days after it was published": interpolated between the
two snapshots around that age, or the nearest one within a tolerance, else None
(never extrapolated beyond what was seen).
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..records import VideoFormat
from ..state_db import connect_state_db
from .stats import VideoStats

_SCHEMA = """
CREATE TABLE IF NOT EXISTS videos (
    video_id TEXT PRIMARY KEY, channel_id TEXT, title TEXT, published_at TEXT,
    format TEXT, duration_seconds REAL
);
CREATE TABLE IF NOT EXISTS snapshots (
    video_id TEXT NOT NULL, taken_at TEXT NOT NULL, views REAL, likes REAL, comments REAL,
    source TEXT NOT NULL, PRIMARY KEY (video_id, taken_at, source)
);
CREATE INDEX IF NOT EXISTS snapshots_by_video ON snapshots (video_id, taken_at);
CREATE INDEX IF NOT EXISTS videos_by_channel ON videos (channel_id);
CREATE TABLE IF NOT EXISTS imports (
    taken_at TEXT NOT NULL, channel_id TEXT, file TEXT NOT NULL, rows INTEGER NOT NULL, notes TEXT NOT NULL
);
"""
_ADDED_COLUMNS = {"videos": {"format_basis": "TEXT"}}  # added after the first release: ALTERed in


@dataclass(frozen=True)
class ImportRecord:
    """One `yp analytics import`: when, which file, for which channel, and what the review should say of it."""

    taken_at: datetime
    channel_id: str | None
    file: str
    rows: int
    notes: tuple[str, ...] = ()


def ensure_snapshot_tables(connection: sqlite3.Connection) -> None:
    """Create the tables, and add the columns later releases added."""
    connection.executescript(_SCHEMA)
    for table, added in _ADDED_COLUMNS.items():
        present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        for column, kind in added.items():
            if column not in present:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


class SnapshotStore:
    """Snapshots in `path` (created on first write)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        connection = connect_state_db(self.path)
        ensure_snapshot_tables(connection)
        return connection

    def record(self, stats: Iterable[VideoStats], channel_id: str | None = None,
               batch: int = 5000, progress: Callable[[int], None] | None = None) -> int:
        """Store one snapshot per video (views known), `batch` videos per statement; returns how many."""
        count = 0
        videos: list[tuple[object, ...]] = []
        snapshots: list[tuple[object, ...]] = []
        with closing(self._connect()) as db, db:
            for video in stats:
                if video.views is None:
                    continue
                videos.append((video.video_id, channel_id, video.title, _text(video.published_at),
                               video.format.value if video.format else None, video.duration_seconds,
                               video.format_basis or None))
                snapshots.append((video.video_id, _text(video.taken_at), video.views, video.likes, video.comments,
                                  video.source))
                count += 1
                if len(videos) >= batch:
                    _write(db, videos, snapshots)
                    if progress is not None:
                        progress(count)
            _write(db, videos, snapshots)
        return count

    def record_import(self, entry: ImportRecord) -> None:
        with closing(self._connect()) as db, db:
            db.execute("INSERT INTO imports (taken_at, channel_id, file, rows, notes) VALUES (?, ?, ?, ?, ?)",
                       (_text(entry.taken_at), entry.channel_id, entry.file, entry.rows, json.dumps(list(entry.notes))))

    def latest_import(self, channel_ids: Iterable[str]) -> ImportRecord | None:
        """The newest Studio import filed under any of `channel_ids`."""
        keys = list(dict.fromkeys(channel_ids))
        if not self.path.exists() or not keys:
            return None
        with closing(self._connect()) as db:
            row = db.execute(
                f"SELECT taken_at, channel_id, file, rows, notes FROM imports WHERE channel_id IN "
                f"({','.join('?' * len(keys))}) ORDER BY taken_at DESC LIMIT 1", keys,
            ).fetchone()
        if row is None:
            return None
        return ImportRecord(_time(row[0]), row[1], row[2], row[3], tuple(json.loads(row[4])))

    def channels_of(self, video_ids: Iterable[str]) -> dict[str, str]:
        """{video id: the channel it is filed under} for the videos already recorded."""
        wanted = list(dict.fromkeys(video_ids))
        found: dict[str, str] = {}
        if not self.path.exists():
            return found
        with closing(self._connect()) as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                found.update(db.execute(
                    f"SELECT video_id, channel_id FROM videos WHERE channel_id IS NOT NULL AND video_id IN "
                    f"({','.join('?' * len(chunk))})", chunk,
                ).fetchall())
        return found

    def known_durations(self, video_ids: Iterable[str]) -> dict[str, tuple[float, str]]:
        """{video id: (duration, the route that read it)} from the Data API or yt-dlp reads recorded before."""
        wanted = list(dict.fromkeys(video_ids))
        found: dict[str, tuple[float, str]] = {}
        if not self.path.exists():
            return found
        with closing(self._connect()) as db:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = db.execute(
                    "SELECT v.video_id, v.duration_seconds, MAX(s.source) FROM videos v JOIN snapshots s "
                    "ON s.video_id = v.video_id AND s.source IN ('api', 'ytdlp') WHERE v.duration_seconds > 0 "
                    f"AND v.video_id IN ({','.join('?' * len(chunk))}) GROUP BY v.video_id", chunk,
                ).fetchall()
                found.update({vid: (float(seconds), source) for vid, seconds, source in rows})
        return found

    def history(self, video_id: str) -> list[tuple[datetime, float]]:
        """(taken_at, views) of every snapshot of the video, oldest first."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT taken_at, views FROM snapshots WHERE video_id = ? AND views IS NOT NULL ORDER BY taken_at",
                (video_id,),
            ).fetchall()
        return [(_time(t), float(v)) for t, v in rows]

    def channel_histories(self, channel_ids: Iterable[str]) -> dict[str, list[tuple[datetime, float]]]:
        """`histories` of every video filed under `channel_ids`, in one query (a review reads them all)."""
        keys = list(dict.fromkeys(channel_ids))
        found: dict[str, list[tuple[datetime, float]]] = {}
        if not self.path.exists() or not keys:
            return found
        moments: dict[str, datetime] = {}
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT s.video_id, s.taken_at, s.views FROM snapshots s JOIN videos v ON v.video_id = s.video_id "
                f"WHERE v.channel_id IN ({','.join('?' * len(keys))}) AND s.views IS NOT NULL ORDER BY s.taken_at",
                keys,
            )
            for video_id, taken, views in rows:
                if taken not in moments:
                    moments[taken] = _time(taken)
                found.setdefault(video_id, []).append((moments[taken], float(views)))
        return found

    def latest(self, channel_ids: Iterable[str]) -> list[VideoStats]:
        """The newest snapshot of every video recorded under any of `channel_ids`, as `VideoStats`.

        One row per video comes out of SQLite (the snapshot with the greatest
        `taken_at`, through its index), however many imports and reviews came before.
        """
        keys = list(dict.fromkeys(channel_ids))
        if not self.path.exists() or not keys:
            return []
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT v.video_id, v.title, v.published_at, v.format, v.duration_seconds, v.format_basis, "
                "s.taken_at, s.views, s.likes, s.comments, s.source FROM videos v JOIN snapshots s "
                "ON s.video_id = v.video_id AND s.taken_at = (SELECT MAX(t.taken_at) FROM snapshots t "
                "WHERE t.video_id = v.video_id AND t.views IS NOT NULL) "
                f"WHERE v.channel_id IN ({','.join('?' * len(keys))}) AND s.views IS NOT NULL",
                keys,
            ).fetchall()
        newest: dict[str, VideoStats] = {}
        moments: dict[str, datetime] = {}  # many videos share a publish day, and one import shares its time
        formats = {f.value: f for f in VideoFormat}
        for video_id, title, published, fmt, duration, basis, taken, views, likes, comments, source in rows:
            for text in (taken, published):
                if text and text not in moments:
                    moments[text] = _time(text)
            newest[video_id] = VideoStats(  # two sources at one moment: either is the newest
                video_id=video_id, taken_at=moments[taken], title=title,
                published_at=moments[published] if published else None, duration_seconds=duration, views=views,
                likes=likes, comments=comments, format=formats[fmt] if fmt else None,
                format_basis=basis or "recorded", source=source,
            )
        return list(newest.values())

    def published_at(self, video_id: str) -> datetime | None:
        if not self.path.exists():
            return None
        with closing(self._connect()) as db:
            row = db.execute("SELECT published_at FROM videos WHERE video_id = ?", (video_id,)).fetchone()
        return _time(row[0]) if row and row[0] else None

    def views_at_age(self, video_id: str, published_at: datetime, age: timedelta) -> float | None:
        """Views `age` after publication: interpolated between snapshots, or the nearest within tolerance."""
        return views_at_age(self.history(video_id), published_at, age)


class AgeLookup:
    """`views_at_age` over many videos' histories, as S11 asks it: for every peer of every video.

    A review of a 400k-video channel asks it about ten million times, and nearly every
    video has one snapshot (one export), so that case is answered from plain numbers;
    the answer is the same as `views_at_age`'s.
    """

    def __init__(self, histories: dict[str, list[tuple[datetime, float]]]):
        self.single = {v: (h[0][0].timestamp(), h[0][1]) for v, h in histories.items() if len(h) == 1}
        self.many = {v: h for v, h in histories.items() if len(h) > 1}
        self._ages: dict[str, tuple[datetime, float]] = {}  # video -> (published_at, its snapshot's age in seconds)

    def __call__(self, video_id: str, published_at: datetime, age: timedelta) -> float | None:
        one = self.single.get(video_id)
        if one is None:
            history = self.many.get(video_id)
            return views_at_age(history, published_at, age) if history else None
        known = self._ages.get(video_id)
        if known is None or known[0] != published_at:
            known = self._ages[video_id] = (published_at, one[0] - _aware(published_at).timestamp())
        seconds = age.total_seconds()
        tolerance = seconds / 10 if seconds > 432000.0 else 43200.0  # a tenth of the age, at least 12 hours
        return one[1] if abs(known[1] - seconds) <= tolerance else None


def _write(db: sqlite3.Connection, videos: list[tuple[object, ...]], snapshots: list[tuple[object, ...]]) -> None:
    db.executemany(
        "INSERT INTO videos (video_id, channel_id, title, published_at, format, duration_seconds, format_basis) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(video_id) DO UPDATE SET "
        "channel_id = COALESCE(excluded.channel_id, channel_id), title = COALESCE(excluded.title, title), "
        "published_at = COALESCE(excluded.published_at, published_at), "
        "format = COALESCE(excluded.format, format), "
        "duration_seconds = COALESCE(excluded.duration_seconds, duration_seconds), "
        "format_basis = CASE WHEN excluded.format IS NOT NULL OR format IS NULL "
        "THEN COALESCE(excluded.format_basis, format_basis) ELSE format_basis END",
        videos,
    )
    db.executemany(
        "INSERT OR REPLACE INTO snapshots (video_id, taken_at, views, likes, comments, source) VALUES (?, ?, ?, ?, ?, ?)",
        snapshots,
    )
    videos.clear()
    snapshots.clear()


def views_at_age(
    history: list[tuple[datetime, float]], published_at: datetime, age: timedelta
) -> float | None:
    """Views at `age` from a (taken_at, views) history, oldest first; tolerance is a tenth of the age, at least 12 hours.

    Called for every peer of every video a review scores, so it bisects rather than scans.
    """
    if not history:
        return None
    target = _aware(published_at) + age
    tolerance = max(timedelta(hours=12), age / 10)
    if len(history) == 1:  # the common case: one export or one read
        taken, views = history[0]
        return views if abs(taken - target) <= tolerance else None
    after_at = bisect.bisect_left(history, target, key=lambda item: item[0])  # first snapshot at or after target
    if after_at < len(history) and history[after_at][0] == target:
        return history[after_at][1]
    if 0 < after_at < len(history):
        (t0, v0), (t1, v1) = history[after_at - 1], history[after_at]
        return v0 + (v1 - v0) * ((target - t0) / (t1 - t0))
    nearest_time, nearest_views = history[0] if after_at == 0 else history[-1]
    return nearest_views if abs(nearest_time - target) <= tolerance else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _text(moment: datetime | None) -> str | None:
    return _aware(moment).astimezone(timezone.utc).isoformat() if moment else None


def _time(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))
