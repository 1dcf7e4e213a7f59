"""`yp analytics import FILE.csv`: a Studio export's rows onto the Productions they belong to.

A row matches a Production by video id (its video_id field or the id in its
youtube_url), else by title (case and spacing ignored) when exactly one Production
without another id has that title; a title two Productions share is reported as
ambiguous, never guessed. The whole file is read and checked before anything is
written (a file that is not an export imports nothing); then each matched
Production gets one update, and every row with views becomes a dated snapshot.

Studio's numbers cover the date range chosen when exporting: import "Lifetime"
exports for counts comparable with the API's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ...records import Production
from ...store.base import Store, iter_records
from ...youtube.snapshots import SnapshotStore
from ...youtube.stats import VideoStats
from ...youtube.studio_csv import StudioRow, read_studio_export
from .sync import performance_changes, production_video_id


@dataclass
class StudioImport:
    file: str
    rows: int
    matched: list[tuple[StudioRow, Production]] = field(default_factory=list)
    unmatched: list[StudioRow] = field(default_factory=list)
    ambiguous: list[tuple[StudioRow, list[str]]] = field(default_factory=list)
    updated: int = 0
    snapshots: int = 0
    skipped_lines: list[str] = field(default_factory=list)


def _title_key(title: str | None) -> str:
    return " ".join((title or "").casefold().split())


def match_rows(
    rows: list[StudioRow], productions: list[Production]
) -> tuple[list[tuple[StudioRow, Production]], list[StudioRow], list[tuple[StudioRow, list[str]]]]:
    """(matched, unmatched, ambiguous) rows; by id first, then by a unique title."""
    by_id = {vid: p for p in productions if (vid := production_video_id(p))}
    by_title: dict[str, list[Production]] = {}
    for production in productions:
        if production_video_id(production) is None:
            by_title.setdefault(_title_key(production.title), []).append(production)
    matched, unmatched, ambiguous = [], [], []
    for row in rows:
        if row.video_id in by_id:
            matched.append((row, by_id[row.video_id]))
            continue
        candidates = by_title.get(_title_key(row.title), []) if row.title else []
        if len(candidates) == 1:
            matched.append((row, candidates[0]))
        elif len(candidates) > 1:
            ambiguous.append((row, [p.id or "?" for p in candidates]))
        else:
            unmatched.append(row)
    return matched, unmatched, ambiguous


def row_stats(row: StudioRow, taken_at: datetime) -> VideoStats:
    return VideoStats(
        video_id=row.video_id, taken_at=taken_at, title=row.title, published_at=row.published_at,
        duration_seconds=row.duration_seconds, views=row.views, likes=row.likes, comments=row.comments,
        source="studio",
    )


def import_studio_export(
    store: Store,
    path: Path,
    *,
    snapshots: SnapshotStore | None = None,
    taken_at: datetime | None = None,
    dry_run: bool = False,
) -> StudioImport:
    """Read, match and (unless `dry_run`) write; `StudioExportError` before any write for a bad file."""
    export = read_studio_export(path)
    taken_at = taken_at or datetime.now(timezone.utc)
    productions = list(iter_records(store, Production))
    matched, unmatched, ambiguous = match_rows(export.rows, productions)
    result = StudioImport(file=export.name, rows=len(export.rows), matched=matched, unmatched=unmatched,
                          ambiguous=ambiguous, skipped_lines=export.skipped)
    if dry_run:
        return result
    for row, production in matched:
        changes = performance_changes(production, row_stats(row, taken_at), None)
        if changes:
            assert production.id is not None
            store.update(Production, production.id, changes)
            result.updated += 1
    if snapshots is not None:
        result.snapshots = snapshots.record(row_stats(row, taken_at) for row in export.rows)
    return result
