"""S01-S03 for Productions: add one (idempotent), find and list them."""

from __future__ import annotations

import re
import unicodedata

from ..errors import YPError
from ..records import Empire, Production, ProductionStatus, VideoFormat
from ..store.base import Filter, Store, iter_records


def production_key(empire_id: str, title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or title.strip().lower()
    return f"production:{empire_id}:{slug}"[:200]


def parse_status(value: str) -> ProductionStatus:
    """A status as people type it ("researching", "DNA matching", "dna-matching")."""
    wanted = re.sub(r"[\s_-]+", " ", (value or "").strip()).lower()
    for status in ProductionStatus:
        if status.value.lower() == wanted:
            return status
    names = ", ".join(s.value for s in ProductionStatus)
    raise YPError(f"unknown status {value!r}: use one of {names}")


def parse_format(value: str) -> VideoFormat:
    wanted = (value or "").strip().lower()
    aliases = {"short": VideoFormat.SHORT, "shorts": VideoFormat.SHORT, "video": VideoFormat.VIDEO,
               "long": VideoFormat.VIDEO}
    if wanted not in aliases:
        raise YPError(f"unknown format {value!r}: use short or video")
    return aliases[wanted]


def add_production(
    store: Store,
    title: str,
    empire: Empire,
    *,
    format: VideoFormat = VideoFormat.VIDEO,
    notes: str | None = None,
    status: ProductionStatus = ProductionStatus.IDEA,
) -> tuple[Production, bool]:
    """S02: add a production to an Empire; the same title twice returns the first (Production, created)."""
    title = " ".join((title or "").split())
    if not title:
        raise YPError("a production needs a title")
    key = production_key(empire.id or "", title)
    existing = store.find_by_key(Production, key)
    if existing is not None:
        return existing, False
    record = Production(
        key=key, title=title, empire_ids=[empire.id or ""], format=format, notes=notes or None, status=status
    )
    return store.create(record), True


def list_productions(
    store: Store, *, status: ProductionStatus | None = None, empire: Empire | None = None, limit: int | None = None
) -> list[Production]:
    filters = []
    if status is not None:
        filters.append(Filter.eq("status", status))
    if empire is not None:
        filters.append(Filter.contains("empire_ids", empire.id))
    found = []
    for production in iter_records(store, Production, filters):
        found.append(production)
        if limit is not None and len(found) >= limit:
            break
    return found


def status_counts(store: Store) -> dict[ProductionStatus, int]:
    """How many productions are in each status."""
    counts: dict[ProductionStatus, int] = {}
    for production in iter_records(store, Production):
        counts[production.status] = counts.get(production.status, 0) + 1
    return counts


def counts_text(counts: dict[ProductionStatus, int]) -> str:
    """"2 are Idea, 1 is Published": the statuses in their pipeline order."""
    return ", ".join(f"{n} {'is' if n == 1 else 'are'} {status.value}"
                     for status in ProductionStatus if (n := counts.get(status, 0)))


def explain_no_productions(store: Store, status: ProductionStatus) -> str:
    """Why a workflow that starts from `status` found no production, and the next step."""
    everyone = status_counts(store)
    if not everyone:
        return ('no productions yet: add one with `yp production add "TITLE" --empire NAME '
                f'--status "{status.value}"`')
    line = f"0 productions are {status.value}"
    others = {s: n for s, n in everyone.items() if s != status}
    if others:
        line += f"; {counts_text(others)}: `yp production set ID --status \"{status.value}\"` moves one"
    return line
