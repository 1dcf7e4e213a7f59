"""The columns of each list command, most important first (see `fitted` for how they fit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..records import Empire, Production, ViralDNA
from .fitted import Column, Listing


def dna_listing(entries: Sequence[ViralDNA], heading: str) -> Listing:
    listing = Listing(heading, "Title", [
        Column("Status", 7),
        Column("Type", 13, drop=2),
        Column("Hook", 12, drop=3),
        Column("Views", 9, drop=5, justify="right"),
        Column("Tags", 24, drop=4),
        Column("Perspective", 48, drop=6),
    ])
    for e in entries:
        listing.add(
            e.id,
            e.title or e.url,
            e.status.value,
            e.source_type.value if e.source_type else None,
            e.hook_pattern,
            _count(e.views),
            e.niche_tags,
            e.perspective or (f"failed: {e.error_reason}" if e.error_reason else None),
        )
    return listing


def production_listing(productions: Sequence[Production], heading: str, empires: Mapping[str, str]) -> Listing:
    listing = Listing(heading, "Title", [
        Column("Status", 12),
        Column("Format", 6, drop=1),
        Column("Refs", 4, drop=2, justify="right"),
        Column("Views", 9, drop=3, justify="right"),
        Column("Outlier", 7, drop=4, justify="right"),
        Column("Empire", 20, drop=5),
    ])
    for p in productions:
        listing.add(
            p.id,
            p.title,
            p.status.value,
            p.format.value,
            len(p.dna_ids),
            _count(p.views),
            f"{p.outlier_score:.2f}x" if p.outlier_score is not None else None,
            [empires.get(i, i[:8]) for i in p.empire_ids],
        )
    return listing


def empire_listing(empires: Sequence[Empire], heading: str) -> Listing:
    listing = Listing(heading, "Name", [
        Column("Status", 10),
        Column("Niche", 24, drop=2),
        Column("Channel", 44, drop=3),
    ])
    for e in empires:
        listing.add(e.id, e.name, e.status, e.niche_tags, e.channel_url or e.youtube_channel_id)
    return listing


def run_listing(runs: Sequence[Mapping[str, Any]], heading: str) -> Listing:
    listing = Listing(heading, None, [
        Column("Workflow", 8),
        Column("Status", 11),
        Column("Started", 16),
        Column("Entries", 7, justify="right"),
        Column("Done", 4, justify="right"),
        Column("Failed", 6, justify="right"),
        Column("Cost", 9, drop=1, justify="right"),
    ])
    for run in runs:
        s = run.get("summary") or {}
        listing.add(
            run["run_id"],
            "",
            run["workflow"],
            run["status"],
            str(run.get("started_at") or "").replace("T", " ")[:16],
            s.get("total_processed", run.get("entry_count")),
            s.get("successful"),
            s.get("failed"),
            f"${s.get('total_cost_usd', 0):.4f}" if s else None,
        )
    return listing


def run_entry_listing(entries: Sequence[Mapping[str, Any]], heading: str) -> Listing:
    listing = Listing(heading, "Title", [
        Column("State", 11),
        Column("Outcome", 8, drop=2),
        Column("Cost", 9, drop=3, justify="right"),
        Column("Detail", 60, drop=4),
    ])
    for entry in entries:
        cost = entry.get("cost_usd")
        listing.add(entry["entry_id"], entry.get("title"), entry.get("state"), entry.get("outcome"),
                    f"${cost:.4f}" if cost is not None else None, entry.get("error"))
    return listing


def _count(value: float | int | None) -> str | None:
    return None if value is None else f"{value:,.0f}"
