"""S01 read entries, S02 create entry, S03 update entry, S17 fetch unprocessed DNA.

Thin, store-agnostic skills: they speak only the Store interface, so they work on
SQLite and Notion alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import SourceError
from ..media.sources import AddressGuard, classify_source
from ..records import DNAStatus, Record, ViralDNA
from ..store.base import Filter, R, Sort, Store, iter_records


def fetch_entries(
    store: Store,
    kind: type[R],
    filters: Sequence[Filter] = (),
    sorts: Sequence[Sort] = (),
    limit: int | None = None,
) -> list[R]:
    """S01: matching records, following pagination, at most `limit`."""
    return list(islice(iter_records(store, kind, filters, sorts), limit))


def update_entry(store: Store, kind: type[R], record_id: str, changes: Mapping[str, Any]) -> R:
    """S03: set the named fields of one record."""
    return store.update(kind, record_id, changes)


def fetch_unprocessed_dna(
    store: Store, *, include_failed: bool = False, limit: int | None = None
) -> list[ViralDNA]:
    """S17: DNA whose perspective is empty; failed entries only when asked to retry them."""
    filters = [Filter.empty("perspective")]
    if not include_failed:
        filters.append(Filter("status", "ne", DNAStatus.FAILED))
    return fetch_entries(store, ViralDNA, filters, limit=limit)


def normalise_target(target: str) -> str:
    """A canonical form of a URL or local path, used for the idempotency key."""
    target = target.strip()
    if not target:
        raise SourceError("empty URL or path")
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        host = (parts.hostname or "").lower()
        if not host:
            raise SourceError(f"not a valid URL: {target!r}")
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    if parts.scheme and len(parts.scheme) > 1:  # a scheme, not a Windows drive letter
        raise SourceError(
            f"unsupported address {target!r}: only http(s) URLs and local file paths are accepted"
        )
    path = Path(target).expanduser()
    if not path.is_file():
        raise SourceError(f"no such file: {target}")
    return str(path.resolve())


def dna_key(normalised_target: str) -> str:
    return "dna:" + hashlib.sha256(normalised_target.encode()).hexdigest()[:20]


def default_title(target: str) -> str:
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return f"{parts.hostname}/{tail}" if tail else str(parts.hostname)
    return Path(target).name


def add_dna(
    store: Store,
    target: str,
    *,
    title: str | None = None,
    tags: Iterable[str] = (),
    guard: AddressGuard | None = None,
) -> tuple[ViralDNA, bool]:
    """S02: add a reference as a Viral DNA entry; adding the same one twice returns the first.

    Returns the entry and whether it was created now.
    """
    normalised = normalise_target(target)
    if guard is not None and normalised.startswith(("http://", "https://")):
        guard.check(normalised)
    key = dna_key(normalised)
    existing = store.find_by_key(ViralDNA, key)
    if existing is not None:
        return existing, False
    record = ViralDNA(
        key=key,
        title=title or default_title(normalised),
        url=normalised,
        source_type=classify_source(normalised),
        niche_tags=sorted({t.strip().lower() for t in tags if t.strip()}),
    )
    return store.create(record), True


def record_summary(record: Record) -> dict[str, Any]:
    """A record's stored fields as plain values (enums to strings), for display and JSON."""
    return record.model_dump(mode="json", exclude={"key"})
