"""Reading past Notion's per-query result limit with created_time windows.

A data source query stops at 10,000 results: the last page says `has_more: false`
and carries `request_status: {"type": "incomplete"}`, and following cursors never
reaches the rest. The limit is per query, so when a query in creation order is cut
off we start a new one from the created_time of the last page we saw (`on_or_after`
that minute, or `before` the minute after it when reading newest first). created_time
is reported to the minute, so the new window repeats the pages of that minute: the ids
already returned are kept in the cursor and skipped. Every bound is a whole minute, so
the windows hold whether Notion's filters compare the reported minute or the exact
moment of creation (its documentation does not say).

A window whose pages all share one minute cannot move on by created_time: that minute
is then read in parts (minute_parts.py: by last_edited_time, then by the YP Key), and
the windows go on strictly after (before) it.

A query sorted by anything else than creation time cannot be windowed this way; when
Notion cuts one off, the caller gets a StoreError instead of a silently short list.

`Position` is what our cursors carry. A plain Notion cursor is accepted too. While a
crowded minute is read, the cursor keeps every id of that minute already returned
(zlib-compressed: about 20 bytes a page).
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ...errors import StoreError
from .minute_parts import Part, next_minute, split

Json = dict[str, Any]

CURSOR_PREFIX = "ypw."
_INVALID = "invalid cursor: pass back the next_cursor of the same query unchanged"


@dataclass(frozen=True)
class Position:
    """Where a query left off: Notion's cursor inside the current window, and the window."""

    notion_cursor: str | None = None
    since: str | None = None  # created_time the window starts at; None: the first window
    past: bool = False  # the window leaves out the minute `since` (that minute was read in parts)
    seen: tuple[str, ...] = ()  # ids at `since` (or in `minute`) that were returned already
    capped: bool = False  # Notion said this window's results are incomplete
    first_time: str | None = None  # created_time of the first page this window returned
    last_time: str | None = None  # created_time of the last page this window returned
    last_ids: tuple[str, ...] = field(default=())  # ids this window returned at `last_time`
    minute: str | None = None  # a created_time minute read in parts
    parts: tuple[Part, ...] = ()  # the parts of `minute` still to read; the first is being read

    def encode(self) -> str:
        raw = zlib.compress(json.dumps(asdict(self), separators=(",", ":")).encode())
        return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str | None) -> Position:
        if not cursor:
            return cls()
        if not cursor.startswith(CURSOR_PREFIX):
            return cls(notion_cursor=cursor)
        body = cursor[len(CURSOR_PREFIX):]
        try:
            data = json.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
            parts = tuple(Part.from_json(part) for part in data.pop("parts"))
            return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}, parts=parts)
        except (binascii.Error, zlib.error, ValueError, TypeError, KeyError, AttributeError):
            raise StoreError(_INVALID) from None


def window_filter(condition: Json | None, position: Position, newest_first: bool, key_property: str) -> Json | None:
    """The query's filter, limited to the current window (or part of a crowded minute)."""
    if position.minute is not None:
        start = position.minute
        bounds = [_created("on_or_after", start), _created("before", next_minute(start)),
                  *position.parts[0].clauses(key_property)]
    elif position.since is not None:
        # Bounds at whole minutes hold whether Notion compares the minute it reports or the exact moment.
        if newest_first:
            bounds = [_created("before", position.since if position.past else next_minute(position.since))]
        else:
            bounds = [_created("on_or_after", next_minute(position.since) if position.past else position.since)]
    else:
        return condition
    own = [] if condition is None else condition["and"] if set(condition) == {"and"} else [condition]
    combined = [*own, *bounds]
    return combined[0] if len(combined) == 1 else {"and": combined}


def _created(operator: str, moment: str) -> Json:
    return {"timestamp": "created_time", "created_time": {operator: moment}}


@dataclass
class Step:
    """One answer of a windowed query: the new pages, and where to go on from."""

    pages: list[Json]
    next_position: Position | None
    notice: str | None = None


def step(position: Position, answer: Json, *, windowable: bool, what: str, key_property: str) -> Step:
    """Advance `position` by one Notion answer (`what` names the query in messages)."""
    if position.minute is not None:
        return _step_in_minute(position, answer, what=what, key_property=key_property)
    results = answer.get("results") or []
    if position.past and any(page.get("created_time") == position.since for page in results):
        raise StoreError(f"Notion returned {what} pages created at {position.since} to a query that leaves that "
                         "minute out; the read stops rather than go round in circles")
    earlier = set(position.seen)
    fresh = [page for page in results if page["id"] not in earlier]
    first_time = position.first_time or (results[0].get("created_time") if results else None)
    last_time, last_ids = position.last_time, list(position.last_ids)
    for page in results:
        created = page.get("created_time")
        if created != last_time:
            last_time, last_ids = created, []
        last_ids.append(page["id"])
    capped = position.capped or _incomplete(answer)
    if answer.get("has_more") and answer.get("next_cursor"):
        following = replace(position, notion_cursor=answer["next_cursor"], capped=capped, first_time=first_time,
                            last_time=last_time, last_ids=tuple(last_ids))
        return Step(fresh, following)
    if not capped:
        return Step(fresh, None)
    if not windowable:
        raise StoreError(
            f"Notion stopped the {what} query at its result limit and it is sorted by a field, so the rest "
            "cannot be read in order: narrow it with a filter, or read it in creation order"
        )
    if last_time is None:
        raise StoreError(f"Notion stopped the {what} query at its result limit without returning any page")
    returned = (*position.seen, *last_ids) if last_time == position.since and not position.past else last_ids
    seen = tuple(dict.fromkeys(returned))
    if first_time == last_time:  # the whole window is one minute: read that minute in parts
        notice = (f"Notion stopped the {what} query at its result limit: more pages were created at "
                  f"{last_time} than one query returns; reading that minute in parts")
        return Step(fresh, Position(minute=last_time, parts=(Part(),), seen=seen), notice)
    notice = (f"Notion stopped the {what} query at its result limit; reading on from pages created "
              f"at {last_time}")
    return Step(fresh, Position(since=last_time, seen=seen), notice)


def _step_in_minute(position: Position, answer: Json, *, what: str, key_property: str) -> Step:
    """One answer for a part of a crowded minute: go on in the part, split it, or go to the next."""
    assert position.minute is not None
    results = answer.get("results") or []
    earlier = set(position.seen)
    fresh = [page for page in results if page["id"] not in earlier]
    seen = (*position.seen, *(page["id"] for page in fresh))
    part, rest = position.parts[0], position.parts[1:]
    if _incomplete(answer):  # this part is too big as well: read its parts instead, from their start
        children = split(part, results, key_property=key_property, created=position.minute, what=what)
        return Step(fresh, Position(minute=position.minute, parts=(*children, *rest), seen=seen))
    if answer.get("has_more") and answer.get("next_cursor"):
        return Step(fresh, replace(position, notion_cursor=answer["next_cursor"], seen=seen))
    if rest:
        return Step(fresh, Position(minute=position.minute, parts=rest, seen=seen))
    return Step(fresh, Position(since=position.minute, past=True))


def _incomplete(answer: Json) -> bool:
    return (answer.get("request_status") or {}).get("type") == "incomplete"
