"""S01 read entries, S02 create entry, S03 update entry, S17 fetch unprocessed DNA.

Thin, store-agnostic skills: they speak only the Store interface, so they work on
SQLite and Notion alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import SourceError, YPError
from ..media.canonical import canonical_target
from ..media.guard import AddressGuard
from ..media.local_files import import_file
from ..media.sources import classify_source, is_url
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
    """S17: DNA whose perspective is empty; failed entries only when asked to retry them.

    An encoded entry whose perspective the rules were unsure of (`needs_review`) is not
    unprocessed: `fetch_unsure_dna` is how a model gets to it. Filtered here rather than in the
    query, so a Notion database made before the Needs review property still answers.
    """
    filters = [Filter.empty("perspective")]
    if not include_failed:
        filters.append(Filter("status", "ne", DNAStatus.FAILED))
    waiting = (e for e in iter_records(store, ViralDNA, filters)
               if not (e.needs_review and e.status == DNAStatus.ENCODED))
    return list(islice(waiting, limit))


def fetch_unsure_dna(store: Store, *, limit: int | None = None) -> list[ViralDNA]:
    """Encoded DNA with fields the rules were unsure of, for a model to fill (`yp run wf1 --unsure`)."""
    found = (e for e in iter_records(store, ViralDNA, [Filter("status", "eq", DNAStatus.ENCODED)])
             if e.needs_review and e.unsure)
    return list(islice(found, limit))


def dna_filters(
    status: str | None = None,
    created_after: str | datetime | None = None,
    created_before: str | datetime | None = None,
) -> list[Filter]:
    """What `yp dna list` narrows by: a status as people type it, and when entries were created.

    `created_after` is inclusive and `created_before` exclusive, so back-to-back windows
    (after A before B, after B before C) list every entry once. Text is a date or a
    date-time (`2026-11-02`, `2026-11-02T09:30`, `2026-11-02 09:30+02:00`); without an
    offset it is UTC. Notion stamps pages to the minute, so finer bounds match the minute.
    """
    filters = []
    if status:
        try:
            filters.append(Filter.eq("status", DNAStatus(status.strip().capitalize())))
        except ValueError:
            raise YPError(f"unknown status {status!r}: use New, Encoded or Failed") from None
    after = _moment(created_after, "--created-after") if created_after is not None else None
    before = _moment(created_before, "--created-before") if created_before is not None else None
    if after is not None and before is not None and after >= before:
        raise YPError(f"--created-after ({after.isoformat()}) must be earlier than --created-before "
                      f"({before.isoformat()}): no entry can be both")
    if after is not None:
        filters.append(Filter("created_at", "gte", after))
    if before is not None:
        filters.append(Filter("created_at", "lt", before))
    return filters


def _moment(value: str | datetime, option: str) -> datetime:
    """A date or date-time as people type it, in UTC when it names no offset."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise YPError(f"{option} {value!r} is not a date like 2026-11-02 or a time like 2026-11-02T09:30") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def normalise_target(target: str) -> str:
    """The canonical spelling of an http(s) URL, for the entry's key (no network).

    Seven spellings of one YouTube video give one string; see `media.canonical`.
    Local files are not targets here: `add_dna` copies them into the workspace.
    """
    target = target.strip()
    if not target:
        raise SourceError("empty URL or path")
    if not is_url(target):
        raise SourceError(f"not a URL: {target!r}")
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise SourceError(
            f"unsupported address {target!r}: only http(s) URLs and local file paths are accepted"
        )
    return canonical_target(target)


def dna_key(canonical: str) -> str:
    return "dna:" + hashlib.sha256(canonical.encode()).hexdigest()[:20]


def legacy_url_key(target: str) -> str:
    """The key source entries got before keys were canonical (releases before issue 7): the URL with
    its host lower-cased and its fragment dropped. Looking it up too means re-adding an old entry's URL,
    spelt as it was then, finds that entry instead of making a second one."""
    parts = urlsplit(target.strip())
    host = (parts.hostname or "").lower()
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


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
    workspace_root: Path | None = None,
    title: str | None = None,
    tags: Iterable[str] = (),
    guard: AddressGuard | None = None,
) -> tuple[ViralDNA, bool]:
    """S02: add a reference as a Viral DNA entry; adding the same one twice returns the first.

    A URL is checked offline (syntax, scheme, port; with `guard`, IP-literal hosts
    too): adding works without a network, the address is judged when fetched. Its
    key is canonical, so `youtu.be/ID` and `youtube.com/watch?v=ID&t=3` are one
    entry, while `url` keeps what the user wrote. A local file is copied into
    `workspace_root`'s media/files folder and the entry refers to that copy
    (keyed by content). Returns the entry and whether it was created now.
    """
    target = target.strip()
    if not target:
        raise SourceError("empty URL or path")
    if is_url(target):
        key_source = normalise_target(target)
        if guard is not None:
            guard.check_offline(target)
        url = target
    else:
        if workspace_root is None:
            raise SourceError(f"adding a local file needs a workspace to copy it into: {target}")
        imported = import_file(target, workspace_root)
        key_source, url = f"file:sha256:{imported.sha256}", imported.reference
        title = title or Path(target).name  # the name the user knows, not the copy's safe name
    key = dna_key(key_source)
    existing = store.find_by_key(ViralDNA, key)
    if existing is None and is_url(target):  # an entry added before keys were canonical
        legacy = dna_key(legacy_url_key(target))
        existing = store.find_by_key(ViralDNA, legacy) if legacy != key else None
    if existing is not None:
        return existing, False
    record = ViralDNA(
        key=key,
        title=title or default_title(url),
        url=url,
        source_type=classify_source(url),
        niche_tags=sorted({t.strip().lower() for t in tags if t.strip()}),
    )
    return store.create(record), True


def record_summary(record: Record) -> dict[str, Any]:
    """A record's stored fields as plain values (enums to strings), for display and JSON."""
    return record.model_dump(mode="json", exclude={"key"})
