"""S10/S11 write-back: a Production's counts and outlier score, one update per Production.

Fields written: views, likes, comments, duration_seconds, published_at and format
(from the video's stats; never blanked by a route that does not know them), and
outlier_score / outlier_basis (from S11; a "too early" video gets no score and a
basis that says so). A Production whose fields already hold these values is not
touched, so a rerun writes nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import NotFound
from ...records import Production, ViralDNA
from ...store.base import Filter, Store, iter_records
from ...youtube.channels import video_id_from_url
from ...youtube.stats import VideoStats
from .outliers import OutlierScore


def production_video_id(production: Production) -> str | None:
    """The Production's YouTube id: its video_id field, else the id in its youtube_url."""
    return video_id_from_url(production.video_id) or video_id_from_url(production.youtube_url)


def empire_productions(store: Store, empire_id: str) -> list[Production]:
    """Every Production linked to the Empire."""
    return list(iter_records(store, Production, [Filter.contains("empire_ids", empire_id)]))


def dna_of_productions(store: Store, productions: Iterable[Production]) -> dict[str, list[ViralDNA]]:
    """{video id: the Viral DNA the Production links to}; a link to a deleted entry is skipped."""
    cache: dict[str, ViralDNA | None] = {}
    joined: dict[str, list[ViralDNA]] = {}
    for production in productions:
        video_id = production_video_id(production)
        if video_id is None:
            continue
        for dna_id in production.dna_ids:
            if dna_id not in cache:
                try:
                    cache[dna_id] = store.get(ViralDNA, dna_id)
                except NotFound:
                    cache[dna_id] = None
            if cache[dna_id] is not None:
                joined.setdefault(video_id, []).append(cache[dna_id])  # type: ignore[arg-type]
    return joined


def performance_changes(
    production: Production, stats: VideoStats | None, score: OutlierScore | None
) -> dict[str, Any]:
    """The fields that differ from what the Production holds (empty when nothing changed)."""
    wanted: dict[str, Any] = {}
    if stats is not None:
        for name in ("views", "likes", "comments", "duration_seconds", "published_at"):
            value = getattr(stats, name)
            if value is not None:
                wanted[name] = value
        if stats.format is not None:
            wanted["format"] = stats.format
        if not production.video_id:
            wanted["video_id"] = stats.video_id
    if score is not None:
        wanted["outlier_score"] = None if score.score is None else round(score.score, 3)
        wanted["outlier_basis"] = score.basis
    return {name: value for name, value in wanted.items() if getattr(production, name) != value}


@dataclass
class WriteResult:
    updated: list[Production] = field(default_factory=list)
    unchanged: int = 0
    not_found: list[Production] = field(default_factory=list)  # no id, or the route did not return it


def write_performance(
    store: Store,
    productions: Iterable[Production],
    stats: Mapping[str, VideoStats],
    scores: Mapping[str, OutlierScore] | None = None,
) -> WriteResult:
    """Write each Production's stats and score in one update; report those with no data."""
    result = WriteResult()
    scores = scores or {}
    for production in productions:
        video_id = production_video_id(production)
        if video_id is None or (video_id not in stats and video_id not in scores):
            result.not_found.append(production)
            continue
        changes = performance_changes(production, stats.get(video_id), scores.get(video_id))
        if not changes:
            result.unchanged += 1
            continue
        assert production.id is not None
        result.updated.append(store.update(Production, production.id, changes))
    return result
