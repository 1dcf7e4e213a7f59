"""Across Empires: clusters of strong Viral DNA that no Empire covers, proposed as new Empires.

A reference is *strong* when its views are at least `VIEWS_RATIO` (1.5) times the
library's median for its source type (all references when fewer than `MIN_PEERS`
share it), and *uncovered* when it is linked to no
Empire and shares no niche tag with any Empire (proposed ones included, so a
proposal is made once). Uncovered strong references are grouped by niche tag; the
largest group of at least `MIN_CLUSTER` references becomes a proposal, its members
leave the pool, and so on. A proposal names the tag as its niche, lists the tags
most of its references share, and gives the references and their numbers as evidence.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ...records import Empire, ViralDNA
from .candidates import dna_tags, usable_dna

MIN_CLUSTER = 3
VIEWS_RATIO = 1.5
MIN_PEERS = 3
PROPOSED = "Proposed"


@dataclass
class Proposal:
    niche: str
    tags: list[str]
    dna_ids: list[str]
    evidence: list[str] = field(default_factory=list)
    median_views: float = 0.0

    @property
    def name(self) -> str:
        return f"{self.niche.title()} (proposed)"

    @property
    def key(self) -> str:
        return f"empire:proposed:{self.niche}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "name": self.name, "key": self.key}

    def record(self) -> Empire:
        notes = (f"Proposed by WF5: {len(self.dna_ids)} strong references no Empire covers, median "
                 f"{self.median_views:,.0f} views. " + "; ".join(self.evidence))
        return Empire(name=self.name, key=self.key, niche_tags=self.tags, status=PROPOSED, notes=notes[:1900])


def uncovered_clusters(library: Sequence[ViralDNA], empires: Sequence[Empire], min_cluster: int = MIN_CLUSTER) -> list[Proposal]:
    """Proposals for new Empires, largest cluster first."""
    library = usable_dna(library)
    covered = {t.strip().lower() for e in empires for t in e.niche_tags if t.strip()}
    baselines = views_baselines(library)
    pool: dict[str, tuple[ViralDNA, float]] = {}
    for dna in library:
        found = views_ratio(dna, *baselines)
        if dna.empire_ids or dna_tags(dna) & covered or found is None or found[0] < VIEWS_RATIO:
            continue
        pool[dna.id or ""] = (dna, found[0])
    proposals = []
    while True:
        by_tag: dict[str, list[str]] = {}
        for dna_id, (dna, _) in pool.items():
            for tag in dna_tags(dna):
                by_tag.setdefault(tag, []).append(dna_id)
        if not by_tag:
            break
        tag, members = max(by_tag.items(), key=lambda item: (len(item[1]), item[0]))
        if len(members) < min_cluster:
            break
        chosen = sorted((pool.pop(m) for m in members), key=lambda item: -(item[0].views or 0))
        shared = {t for dna, _ in chosen for t in dna_tags(dna)}
        common = sorted((t for t in shared if sum(t in dna_tags(d) for d, _ in chosen) * 2 >= len(chosen)),
                        key=lambda t: (t != tag, t))
        proposals.append(Proposal(
            niche=tag, tags=common[:8], dna_ids=[d.id or "" for d, _ in chosen],
            evidence=[f"'{d.title}' ({d.views:,.0f} views, {ratio:.1f}x)" for d, ratio in chosen[:10]],
            median_views=statistics.median(d.views or 0 for d, _ in chosen),
        ))
    return proposals


def views_baselines(library: Sequence[ViralDNA]) -> tuple[dict[str, tuple[float, int]], tuple[float, int] | None]:
    """Median views (and count) per source type, and over the whole library."""
    by_type: dict[str, list[float]] = {}
    for dna in library:
        if dna.views and dna.views > 0:
            by_type.setdefault(dna.source_type.value if dna.source_type else "unknown", []).append(dna.views)
    per_type = {k: (statistics.median(v), len(v)) for k, v in by_type.items()}
    every = [v for values in by_type.values() for v in values]
    return per_type, ((statistics.median(every), len(every)) if every else None)


def views_ratio(dna: ViralDNA, per_type: Mapping[str, tuple[float, int]],
                overall: tuple[float, int] | None) -> tuple[float, str] | None:
    """(views / baseline, what the baseline is); None without views or a baseline."""
    if not dna.views or dna.views <= 0:
        return None
    kind = dna.source_type.value if dna.source_type else "unknown"
    median, count = per_type.get(kind, (0.0, 0))
    what = f"the median of {count} {kind} references"
    if count < MIN_PEERS:
        if overall is None:
            return None
        (median, count), what = overall, f"the median of all {overall[1]} references"
    return (dna.views / median, what) if median > 0 else None
