"""`yp analytics import FILE.csv`: a Studio export's rows onto the Productions they belong to.

A row matches a Production by video id (its video_id field or the id in its
youtube_url), else by title (case and spacing ignored) when exactly one Production
without another id has that title; a title two Productions share is reported as
ambiguous, never guessed. The whole file is read and checked before anything is
written (a file that is not an export imports nothing); then each matched
Production gets one update, and every row with views becomes a dated snapshot.

Studio's numbers cover the date range chosen when exporting: import "Lifetime"
exports for counts comparable with the API's.

Snapshots are filed under the Empire the export belongs to (`empire`, else the one
Empire every matched Production shares), so WF4 scores the whole channel from them;
their format comes from the duration (Studio has no Shorts flag), and is never
written onto a Production.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from ...records import Empire, Production
from ...store.base import Store, iter_records
from ...youtube.formats import classify_format
from ...youtube.snapshots import SnapshotStore
from ...youtube.stats import VideoStats
from ...youtube.studio_csv import StudioRow, read_studio_export
from .fetch import channel_key
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
    empire: Empire | None = None  # whose channel the snapshots were filed under


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


def snapshot_stats(row: StudioRow, taken_at: datetime) -> VideoStats:
    """The row as a snapshot: with the format its duration says (by duration alone, as Studio has no aspect)."""
    fmt, basis = classify_format(row.duration_seconds, None, None, row.published_at)
    return replace(row_stats(row, taken_at), format=fmt, format_basis=f"studio {basis}")


def owning_empire(store: Store, matched: list[tuple[StudioRow, Production]]) -> Empire | None:
    """The one Empire every matched Production links to; None when they name none or several."""
    empire_ids = {tuple(p.empire_ids) for _, p in matched}
    if len(empire_ids) != 1:
        return None
    (ids,) = empire_ids
    return store.get(Empire, ids[0]) if len(ids) == 1 else None


def import_studio_export(
    store: Store,
    path: Path,
    *,
    snapshots: SnapshotStore | None = None,
    taken_at: datetime | None = None,
    dry_run: bool = False,
    empire: Empire | None = None,
) -> StudioImport:
    """Read, match and (unless `dry_run`) write; `StudioExportError` before any write for a bad file."""
    export = read_studio_export(path)
    taken_at = taken_at or datetime.now(timezone.utc)
    productions = list(iter_records(store, Production))
    matched, unmatched, ambiguous = match_rows(export.rows, productions)
    result = StudioImport(file=export.name, rows=len(export.rows), matched=matched, unmatched=unmatched,
                          ambiguous=ambiguous, skipped_lines=export.skipped,
                          empire=empire or owning_empire(store, matched))
    if dry_run:
        return result
    for row, production in matched:
        changes = performance_changes(production, row_stats(row, taken_at), None)
        if changes:
            assert production.id is not None
            store.update(Production, production.id, changes)
            result.updated += 1
    if snapshots is not None:
        channel = channel_key(result.empire) if result.empire is not None else None
        result.snapshots = snapshots.record((snapshot_stats(row, taken_at) for row in export.rows), channel)
    return result
