"""Ids as people type them: a unique prefix of 4+ characters (as git takes), or an exact name.

Stores give every record a 36-character id; nobody types that. `resolve` takes, in
this order:

1. the full id (with or without dashes): one `get`, no scan;
2. for Empires and Productions, the exact name or title (case and spacing ignored);
3. any prefix of 4 or more characters of the id (dashes ignored).

Anything else is one clear `YPError`: nothing matched, an empty string, a prefix too
short, or a prefix (or name) that matches several records, whose candidates are listed.
Steps 2 and 3 read the collection through the Store interface, so they work the same
on SQLite and Notion (where a page id cannot be searched by prefix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..errors import NotFound, YPError
from ..records import Empire, Production, Record, Report, ViralDNA
from .base import R, Store, iter_records

MIN_PREFIX = 4
SHOWN_CANDIDATES = 10
_HEX = re.compile(r"^[0-9a-f]+$")

NOUNS: dict[str, str] = {
    Empire.collection: "Empire",
    ViralDNA.collection: "Viral DNA entry",
    Production.collection: "production",
    Report.collection: "report",
}
NAME_FIELDS: dict[str, str] = {Empire.collection: "name", Production.collection: "title"}


class AmbiguousId(YPError):
    """A prefix or name that matches more than one record; `candidates` are (id, label) pairs."""

    def __init__(self, message: str, candidates: Sequence[tuple[str, str]] = ()):
        super().__init__(message)
        self.candidates = list(candidates)


def noun(kind: type[Record]) -> str:
    return NOUNS.get(kind.collection, f"{kind.collection} record")


def compact_id(value: str) -> str:
    """An id or prefix without dashes, lower case: how ids and prefixes are compared."""
    return value.strip().replace("-", "").lower()


def short_id(record_id: str | None, length: int = 8) -> str:
    """The first characters of an id, as lists show it."""
    return (record_id or "")[:length]


def _folded(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _label(record: Record) -> str:
    for name in ("name", "title"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return " ".join(value.split())
    return ""


def _candidates_text(candidates: Sequence[tuple[str, str]]) -> str:
    shown = [f"{short_id(cid)} {label[:60]!r}" for cid, label in candidates[:SHOWN_CANDIDATES]]
    more = len(candidates) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def pick_id(ref: str, candidates: Iterable[tuple[str, str]], what: str, *, names: bool = False) -> str:
    """The one id among `candidates` ((id, label) pairs) that `ref` names; a YPError otherwise.

    `ref` matches a candidate by its full id, by a prefix of 4+ characters of its id, or (with
    `names`) by its label exactly, ignoring case and spacing. Used for store records and for run ids.
    """
    wanted = (ref or "").strip()
    if not wanted:
        raise YPError(f"no {what} given: pass its id (4 or more characters)"
                      + (" or its exact name" if names else ""))
    pool = list(candidates)
    compact = compact_id(wanted)
    exact = [c for c in pool if compact_id(c[0]) == compact]
    if exact:
        return exact[0][0]
    if names:
        named = [c for c in pool if _folded(c[1]) == _folded(wanted)]
        if len(named) == 1:
            return named[0][0]
        if len(named) > 1:
            raise AmbiguousId(f"{len(named)} {what}s are named {wanted!r}: use the id of one of "
                              f"{_candidates_text(named)}", named)
    if len(compact) < MIN_PREFIX:
        raise YPError(f"no {what} {'named' if names else 'with id'} {wanted!r}: give at least "
                      f"{MIN_PREFIX} characters of an id" + (" or the exact name" if names else ""))
    prefixed = [c for c in pool if compact_id(c[0]).startswith(compact)]
    if len(prefixed) == 1:
        return prefixed[0][0]
    if len(prefixed) > 1:
        raise AmbiguousId(f"{wanted!r} is the start of {len(prefixed)} {what} ids: give more characters; "
                          f"{_candidates_text(prefixed)}", prefixed)
    by = "id or name" if names else "id"
    raise YPError(f"no {what} with {by} {wanted!r}")


def resolve(store: Store, kind: type[R], ref: str) -> R:
    """The record of `kind` that `ref` names (full id, unique id prefix, or for Empires and
    Productions the exact name or title); a one-line YPError when none or several match."""
    wanted = (ref or "").strip()
    what = noun(kind)
    named = kind.collection in NAME_FIELDS
    compact = compact_id(wanted)
    if len(compact) == 32 and _HEX.match(compact):
        dashed = f"{compact[:8]}-{compact[8:12]}-{compact[12:16]}-{compact[16:20]}-{compact[20:]}"
        try:
            return store.get(kind, dashed)
        except NotFound as exc:
            gone = "was removed (it is in the Notion trash)" if "trash" in str(exc) else "does not exist"
            raise YPError(f"{what} {wanted} {gone}") from None
    if not wanted:
        pick_id(wanted, (), what, names=named)  # raises the "no ... given" line
    records = {record.id or "": record for record in iter_records(store, kind)}
    chosen = pick_id(wanted, ((rid, _label(r)) for rid, r in records.items()), what, names=named)
    return records[chosen]


def resolve_all(store: Store, kind: type[R], refs: Sequence[str]) -> list[R]:
    """Each of `refs` resolved (one scan of the collection at most), in order, without repeats.

    Every ref is checked before anything is returned, so a command given one bad id does nothing.
    """
    if not refs:
        raise YPError(f"no {noun(kind)} given: pass at least one id")
    if len(refs) == 1:
        return [resolve(store, kind, refs[0])]
    what = noun(kind)
    named = kind.collection in NAME_FIELDS
    records = {record.id or "": record for record in iter_records(store, kind)}
    found: dict[str, R] = {}
    for ref in refs:
        chosen = pick_id(ref, ((rid, _label(r)) for rid, r in records.items()), what, names=named)
        found.setdefault(chosen, records[chosen])
    return list(found.values())
