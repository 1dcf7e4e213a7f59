"""Reading past Notion's per-query result limit with created_time windows.

A data source query stops at 10,000 results: the last page says `has_more: false`
and carries `request_status: {"type": "incomplete"}`, and following cursors never
reaches the rest. The limit is per query, so when a query in creation order is cut
off we start a new one from the created_time of the last page we saw (`on_or_after`,
or `on_or_before` when reading newest first). created_time has minute precision, so
the new window repeats the pages of that minute: the ids already returned are kept in
the cursor and skipped.

A query sorted by anything else than creation time cannot be windowed this way; when
Notion cuts one off, the caller gets a StoreError instead of a silently short list.

`Position` is what our cursors carry. A plain Notion cursor is accepted too.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ...errors import StoreError

Json = dict[str, Any]

CURSOR_PREFIX = "ypw."
_INVALID = "invalid cursor: pass back the next_cursor of the same query unchanged"


@dataclass(frozen=True)
class Position:
    """Where a query left off: Notion's cursor inside the current window, and the window."""

    notion_cursor: str | None = None
    since: str | None = None  # created_time the window starts at (inclusive); None: the first window
    seen: tuple[str, ...] = ()  # ids at `since` that an earlier window returned
    capped: bool = False  # Notion said this window's results are incomplete
    last_time: str | None = None  # created_time of the last page this window returned
    last_ids: tuple[str, ...] = field(default=())  # ids this window returned at `last_time`

    def encode(self) -> str:
        payload = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return CURSOR_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str | None) -> Position:
        if not cursor:
            return cls()
        if not cursor.startswith(CURSOR_PREFIX):
            return cls(notion_cursor=cursor)
        body = cursor[len(CURSOR_PREFIX):]
        try:
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            data["seen"] = tuple(data["seen"])
            data["last_ids"] = tuple(data["last_ids"])
            return cls(**data)
        except (binascii.Error, ValueError, TypeError, KeyError):
            raise StoreError(_INVALID) from None


def window_filter(condition: Json | None, since: str | None, newest_first: bool) -> Json | None:
    """The query's filter, limited to pages created at or after (before) `since`."""
    if since is None:
        return condition
    bound = {"timestamp": "created_time",
             "created_time": {"on_or_before" if newest_first else "on_or_after": since}}
    if condition is None:
        return bound
    parts = condition["and"] if set(condition) == {"and"} else [condition]
    return {"and": [*parts, bound]}


@dataclass
class Step:
    """One answer of a windowed query: the new pages, and where to go on from."""

    pages: list[Json]
    next_position: Position | None
    notice: str | None = None


def step(position: Position, answer: Json, *, windowable: bool, what: str) -> Step:
    """Advance `position` by one Notion answer (`what` names the query in messages)."""
    results = answer.get("results") or []
    fresh = [page for page in results if page["id"] not in position.seen]
    last_time, last_ids = position.last_time, list(position.last_ids)
    for page in results:
        created = page.get("created_time")
        if created != last_time:
            last_time, last_ids = created, []
        last_ids.append(page["id"])
    capped = position.capped or (answer.get("request_status") or {}).get("type") == "incomplete"
    if answer.get("has_more") and answer.get("next_cursor"):
        following = replace(position, notion_cursor=answer["next_cursor"], capped=capped,
                            last_time=last_time, last_ids=tuple(last_ids))
        return Step(fresh, following)
    if not capped:
        return Step(fresh, None)
    if not windowable:
        raise StoreError(
            f"Notion stopped the {what} query at its result limit and it is sorted by a field, so the rest "
            "cannot be read in order: narrow it with a filter, or read it in creation order"
        )
    seen = tuple(dict.fromkeys([*position.seen, *last_ids])) if last_time == position.since else tuple(last_ids)
    following = Position(since=last_time, seen=seen)
    if last_time is None or (following.since, set(following.seen)) == (position.since, set(position.seen)):
        raise StoreError(
            f"Notion stopped the {what} query at its result limit inside one minute of created_time "
            f"({last_time}): more pages share that minute than one query returns; narrow it with a filter"
        )
    notice = (f"Notion stopped the {what} query at its result limit; reading on from pages created "
              f"at {last_time}")
    return Step(fresh, following, notice)
