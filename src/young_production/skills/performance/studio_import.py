"""`yp analytics import FILE.csv`: a Studio export's rows onto the Productions they belong to.

A row matches a Production by video id (its video_id field or the id in its
youtube_url), else by title (case and spacing ignored) when exactly one Production
without another id has that title and no other row of the file has it too; a title
two Productions or two rows share is reported as ambiguous, never guessed. The whole
file is read and checked before anything is written: a file that is not an export
imports nothing, nor does one with lines skipped (each with its line number and
reason) unless `allow_skips`. Then each matched Production gets one update, and every
row becomes a dated snapshot.

Studio's numbers cover the date range chosen when exporting: import "Lifetime"
exports for counts comparable with the API's.

Snapshots are filed under the Empire the export belongs to (`empire`, else the one
Empire every matched Production shares), so WF4 scores the whole channel from them;
an export whose videos are another Empire's is refused. Each row's format comes from
its duration, a `#shorts` tag or Studio's Shorts-only figures (`export_format`);
without a Duration column, a duration the Data API or yt-dlp recorded is used. The
format is never written onto a Production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from ...records import Empire, Production
from ...store.base import Store, iter_records
from ...youtube.snapshots import ImportRecord, SnapshotStore
from ...youtube.stats import VideoStats
from ...youtube.studio_csv import StudioExport, StudioExportError, StudioRow, read_studio_export
from .fetch import channel_key, channel_keys
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
    empire: Empire | None = None  # whose channel the snapshots were filed under
    export: StudioExport | None = None  # the file as read: its accounting of every line
    refused: str | None = None  # why nothing was written (lines skipped without `allow_skips`)

    @property
    def skipped_lines(self) -> list[str]:
        return [str(s) for s in self.export.skipped] if self.export else []

    def formats(self) -> dict[str, int]:
        """How each row's format was decided: {"short by duration": 12, "format unknown (...)": 2, ...}."""
        counts: dict[str, int] = {}
        for row in self.export.rows if self.export else []:
            label = f"{row.format.value} by {row.format_basis}" if row.format else f"format unknown ({row.format_basis})"
            counts[label] = counts.get(label, 0) + 1
        return counts

    def to_json(self, dry_run: bool = False) -> dict[str, object]:
        return {
            "file": self.file, "rows": self.rows, "matched": len(self.matched), "updated": self.updated,
            "unmatched": len(self.unmatched), "snapshots": self.snapshots, "dry_run": dry_run,
            "ambiguous": [{"line": r.line, "video_id": r.video_id, "title": r.title, "candidates": ids}
                          for r, ids in self.ambiguous],
            "empire": self.empire.name if self.empire else None, "refused": self.refused,
            "formats": self.formats(), **(self.export.accounting() if self.export else {}),
        }


def _title_key(title: str | None) -> str:
    return " ".join((title or "").casefold().split())


def match_rows(
    rows: list[StudioRow], productions: list[Production]
) -> tuple[list[tuple[StudioRow, Production]], list[StudioRow], list[tuple[StudioRow, list[str]]]]:
    """(matched, unmatched, ambiguous) rows; by id first, then by a title one Production and one row have.

    `ambiguous` names, for each row, the Production ids (two Productions share its
    title) or the lines of the other rows (two rows share it) it could be.
    """
    by_id = {vid: p for p in productions if (vid := production_video_id(p))}
    by_title: dict[str, list[Production]] = {}
    for production in productions:
        if production_video_id(production) is None:
            by_title.setdefault(_title_key(production.title), []).append(production)
    row_lines: dict[str, list[int]] = {}
    if by_title:
        for row in rows:
            if row.title and row.video_id not in by_id:
                row_lines.setdefault(_title_key(row.title), []).append(row.line)
    matched, unmatched, ambiguous = [], [], []
    for row in rows:
        if row.video_id in by_id:
            matched.append((row, by_id[row.video_id]))
            continue
        candidates = by_title.get(_title_key(row.title), []) if row.title else []
        twins = [n for n in row_lines.get(_title_key(row.title), []) if n != row.line] if candidates else []
        if twins:
            ambiguous.append((row, [f"line {n}" for n in twins]))
        elif len(candidates) == 1:
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
    """The row as a snapshot, with the format the export decided (`StudioRow.format`, None when unknown)."""
    return replace(row_stats(row, taken_at), format=row.format, format_basis=row.format_basis)


def owning_empire(store: Store, matched: list[tuple[StudioRow, Production]]) -> Empire | None:
    """The one Empire every matched Production links to; None when they name none or several."""
    empire_ids = {tuple(p.empire_ids) for _, p in matched}
    if len(empire_ids) != 1:
        return None
    (ids,) = empire_ids
    return store.get(Empire, ids[0]) if len(ids) == 1 else None


def check_channel(empire: Empire, matched: list[tuple[StudioRow, Production]], snapshots: SnapshotStore | None,
                  rows: list[StudioRow]) -> None:
    """`StudioExportError` when the export's videos are evidently another Empire's, not `empire`'s."""
    theirs = [p for _, p in matched if p.empire_ids and empire.id not in p.empire_ids]
    if matched and len(theirs) * 2 > len(matched):
        raise StudioExportError(
            f"this export's videos are not Empire {empire.name!r}'s: {len(theirs)} of the {len(matched)} Productions "
            "they match belong to another Empire (check --empire)")
    if snapshots is None:
        return
    filed = snapshots.channels_of(r.video_id for r in rows)
    mine = set(channel_keys(empire))
    elsewhere = sum(1 for channel in filed.values() if channel not in mine)
    if filed and elsewhere * 2 > len(filed):
        raise StudioExportError(
            f"this export's videos are not Empire {empire.name!r}'s: {elsewhere} of them were read before as "
            "another channel's (check --empire)")


def import_studio_export(
    store: Store,
    path: Path,
    *,
    snapshots: SnapshotStore | None = None,
    taken_at: datetime | None = None,
    dry_run: bool = False,
    empire: Empire | None = None,
    allow_skips: bool = False,
    progress: Callable[[str], None] = lambda text: None,
) -> StudioImport:
    """Read, match and (unless `dry_run`, or lines were skipped without `allow_skips`) write.

    `StudioExportError` before any write for a file that is not an export or is another Empire's.
    """
    progress(f"reading {Path(path).name}")
    export = read_studio_export(path)
    progress(f"read {len(export.rows)} videos; matching them with Productions")
    taken_at = taken_at or datetime.now(timezone.utc)
    if snapshots is not None:
        known = snapshots.known_durations(r.video_id for r in export.rows if r.duration_seconds is None)
        for row in export.rows:
            if row.video_id in known and row.format is None:
                seconds, route = known[row.video_id]
                row.decide_format(seconds, f"duration from {'the Data API' if route == 'api' else 'yt-dlp'}")
    productions = list(iter_records(store, Production))
    matched, unmatched, ambiguous = match_rows(export.rows, productions)
    if empire is not None:
        check_channel(empire, matched, snapshots, export.rows)
    result = StudioImport(file=export.name, rows=len(export.rows), matched=matched, unmatched=unmatched,
                          ambiguous=ambiguous, export=export, empire=empire or owning_empire(store, matched))
    if export.skipped and not allow_skips:
        result.refused = (f"{len(export.skipped)} line{'s' if len(export.skipped) != 1 else ''} skipped: "
                          "nothing imported (fix them, or pass --allow-skips to import the other rows)")
    if dry_run or result.refused:
        return result
    for row, production in matched:
        changes = performance_changes(production, row_stats(row, taken_at), None)
        if changes:
            assert production.id is not None
            store.update(Production, production.id, changes)
            result.updated += 1
    if snapshots is not None:
        channel = channel_key(result.empire) if result.empire is not None else None
        total = len(export.rows)
        result.snapshots = snapshots.record((snapshot_stats(row, taken_at) for row in export.rows), channel,
                                            progress=lambda done: progress(f"recorded {done} of {total} snapshots"))
        snapshots.record_import(ImportRecord(taken_at, channel, export.name, len(export.rows), import_notes(export)))
    return result


def import_notes(export: StudioExport) -> tuple[str, ...]:
    """What a review from this export should say of it: which count Shorts are scored on."""
    if not export.has_engaged_views:
        return ()
    return ("Shorts are scored on Views; this export also has Engaged views (Views counts every start of a Short "
            "since 31 March 2025, Engaged views only those watched on), which the review does not use",)
