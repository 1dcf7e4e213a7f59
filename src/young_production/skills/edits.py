"""S03 for people: change, link, retry and remove records, on any store.

Every function here is idempotent: it writes only the fields whose value differs and
says which ones changed (none means the record already was as asked). A record that
another process removed between finding it and changing it is one clear error, and
nothing is written. Two shells setting one record at once: each update is one write of
the fields it names, so the last one wins and neither is corrupted.

Removing never leaves a link to nothing behind: a removed reference is unlinked from
the productions that used it, a removed Empire from the references tagged with it. On
Notion a removed record's page goes to the trash (archived, restorable), never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic

from ..errors import NotFound, SourceError, YPError
from ..media.guard import AddressGuard
from ..media.sources import classify_source, is_url
from ..records import DNAStatus, Empire, Production, ProductionStatus, VideoFormat, ViralDNA
from ..store.base import Filter, R, Store, iter_records
from ..store.resolve import noun, short_id
from ..youtube.channels import parse_channel_url, video_id_from_url
from .crud import dna_key, normalise_target
from .empires import empire_key
from .performance.sync import empire_productions
from .productions import production_key

DECODED_FIELDS = ("transcript", "transcript_source", "perspective", "hook", "hook_pattern", "open_loop",
                  "error_reason", "processed_at", "views", "duration_seconds")


@dataclass
class Edit(Generic[R]):
    """A record after an edit, and the fields the edit changed (empty: it already was so)."""

    record: R
    changed: list[str] = field(default_factory=list)


def _clean(text: str | None, what: str) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise YPError(f"{what} cannot be empty")
    return value


def apply(store: Store, kind: type[R], record: R, changes: Mapping[str, Any]) -> Edit[R]:
    """Write the changes whose value differs from the record's; the others are left alone."""
    differing = {name: value for name, value in changes.items() if getattr(record, name) != value}
    if not differing:
        return Edit(record)
    try:
        updated = store.update(kind, record.id or "", differing)
    except NotFound:
        raise YPError(f"{noun(kind)} {short_id(record.id)} was removed meanwhile: nothing changed") from None
    return Edit(updated, sorted(differing))


def _free_key(store: Store, kind: type[R], record: R, key: str, what: str) -> None:
    other = store.find_by_key(kind, key)
    if other is not None and other.id != record.id:
        raise YPError(f"{what} already exists: {short_id(other.id)}; nothing changed")


# ---- productions ---------------------------------------------------------------------------


def set_production(
    store: Store,
    production: Production,
    *,
    title: str | None = None,
    status: ProductionStatus | None = None,
    format: VideoFormat | None = None,
    notes: str | None = None,
    youtube_url: str | None = None,
    video_id: str | None = None,
) -> Edit[Production]:
    """Change the fields given (an empty `notes` or `youtube_url` clears it)."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _clean(title, "a production's title")
        key = production_key((production.empire_ids or [""])[0], changes["title"])
        if key != production.key:
            _free_key(store, Production, production, key, f"a production titled {changes['title']!r} in this Empire")
            changes["key"] = key
    if status is not None:
        changes["status"] = status
    if format is not None:
        changes["format"] = format
    if notes is not None:
        changes["notes"] = notes.strip() or None
    if youtube_url is not None and video_id is not None:
        raise YPError("give either a YouTube URL or a video id, not both")
    if youtube_url is not None:
        found = video_id_from_url(youtube_url) if youtube_url.strip() else None
        if youtube_url.strip() and found is None:
            raise YPError(f"not a YouTube video URL: {youtube_url!r}")
        changes["youtube_url"], changes["video_id"] = (youtube_url.strip() or None), found
    if video_id is not None:
        found = video_id_from_url(video_id)
        if found is None or found != video_id.strip():
            raise YPError(f"not a YouTube video id (11 characters): {video_id!r}")
        changes["video_id"], changes["youtube_url"] = found, f"https://www.youtube.com/watch?v={found}"
    return apply(store, Production, production, changes)


def link_dna(store: Store, production: Production, entries: Sequence[ViralDNA]) -> Edit[Production]:
    """Link references to the production (links it has are kept, none duplicated)."""
    new = [e.id or "" for e in entries if e.id not in production.dna_ids]
    if not new:
        return Edit(production)
    try:
        updated = store.add_relations(Production, production.id or "", "dna_ids", new)
    except NotFound:
        raise YPError(f"production {short_id(production.id)} was removed meanwhile: nothing changed") from None
    return Edit(updated, ["dna_ids"])


def unlink_dna(store: Store, production: Production, dna_ids: Iterable[str]) -> Edit[Production]:
    """Unlink references from the production; ones it does not link are ignored."""
    dropped = set(dna_ids)
    return apply(store, Production, production, {"dna_ids": [i for i in production.dna_ids if i not in dropped]})


# ---- Viral DNA -----------------------------------------------------------------------------


def set_dna(
    store: Store,
    entry: ViralDNA,
    *,
    title: str | None = None,
    url: str | None = None,
    tags: Iterable[str] = (),
    clear_tags: bool = False,
    guard: AddressGuard | None = None,
) -> Edit[ViralDNA]:
    """Change a reference. Tags are added (`clear_tags` first drops the old ones). A URL naming
    another reference makes the entry new again: its decoded fields are cleared for WF1."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = _clean(title, "a reference's title")
    added = {t.strip().lower() for t in tags if t and t.strip()}
    if clear_tags or added:
        changes["niche_tags"] = sorted(added | (set() if clear_tags else set(entry.niche_tags)))
    if url is not None:
        target = url.strip()
        if target and not is_url(target):
            raise SourceError(f"not a URL: {target!r} (a local file is added with `yp dna add FILE`)")
        key = dna_key(normalise_target(target))
        if guard is not None:
            guard.check_offline(target)
        changes["url"] = target
        if key != entry.key:
            _free_key(store, ViralDNA, entry, key, f"a reference with the URL {target!r}")
            changes.update({name: None for name in DECODED_FIELDS})
            changes.update(key=key, source_type=classify_source(target), status=DNAStatus.NEW,
                           confidence={}, unsure=[], needs_review=False)  # they were about the old source
    return apply(store, ViralDNA, entry, changes)


def retry_dna(store: Store, entry: ViralDNA) -> Edit[ViralDNA]:
    """Put a Failed reference back in WF1's queue (status New, reason cleared); others are left alone."""
    if entry.status is not DNAStatus.FAILED:
        return Edit(entry)
    return apply(store, ViralDNA, entry, {"status": DNAStatus.NEW, "error_reason": None})


# ---- Empires -------------------------------------------------------------------------------


def set_empire(
    store: Store,
    empire: Empire,
    *,
    name: str | None = None,
    channel: str | None = None,
    niche_tags: Sequence[str] | None = None,
) -> Edit[Empire]:
    """Rename an Empire, change or clear (`channel=""`) its channel, or replace its niche tags."""
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean(name, "an Empire's name")
        key = empire_key(changes["name"])
        if key != empire.key:
            _free_key(store, Empire, empire, key, f"an Empire named {changes['name']!r}")
            changes["key"] = key
    if channel is not None:
        ref = parse_channel_url(channel) if channel.strip() else None
        changes["channel_url"] = ref.url if ref else None
        if (ref.url if ref else None) != empire.channel_url:  # the saved channel id was the old channel's
            changes["youtube_channel_id"] = ref.channel_id if ref else None
    if niche_tags is not None:
        changes["niche_tags"] = sorted({t.strip().lower() for t in niche_tags if t and t.strip()})
    return apply(store, Empire, empire, changes)


# ---- removing ------------------------------------------------------------------------------


def _trash(store: Store, kind: type[R], record: R) -> bool:
    """Remove one record; False when it was already gone."""
    try:
        store.trash(kind, record.id or "")
    except NotFound:
        return False
    return True


def _unlink_everywhere(store: Store, kind: type[R], field_name: str, target_id: str) -> None:
    for holder in list(iter_records(store, kind, [Filter.contains(field_name, target_id)])):
        links = [i for i in getattr(holder, field_name) if i != target_id]
        try:
            store.update(kind, holder.id or "", {field_name: links})
        except NotFound:
            pass  # removed meanwhile: nothing links from it any more


def remove_dna(store: Store, entries: Sequence[ViralDNA]) -> list[str]:
    """Remove references (unlinked from every production first); the ids removed now."""
    removed = []
    for entry in entries:
        _unlink_everywhere(store, Production, "dna_ids", entry.id or "")
        if _trash(store, ViralDNA, entry):
            removed.append(entry.id or "")
    return removed


def remove_productions(store: Store, productions: Sequence[Production]) -> list[str]:
    """Remove productions; the ids removed now."""
    return [p.id or "" for p in productions if _trash(store, Production, p)]


def productions_to_remove_with(store: Store, empire: Empire, *, cascade: bool) -> list[Production]:
    """The productions removing this Empire would remove; refused (a YPError) unless `cascade` when any."""
    productions = empire_productions(store, empire.id or "")
    if productions and not cascade:
        raise YPError(f"Empire {empire.name!r} still has {len(productions)} production(s): remove them first, "
                      "or pass --cascade to remove them with it")
    return productions


def remove_empire(store: Store, empire: Empire, *, cascade: bool = False) -> list[str]:
    """Remove an Empire; one that still has productions only with `cascade` (which removes them too).

    Returns the ids removed now: its productions', then its own.
    """
    removed = remove_productions(store, productions_to_remove_with(store, empire, cascade=cascade))
    _unlink_everywhere(store, ViralDNA, "empire_ids", empire.id or "")
    if _trash(store, Empire, empire):
        removed.append(empire.id or "")
    return removed
