"""Reading one created_time minute that holds more pages than a Notion query returns.

created_time has minute precision, so a window of one minute cannot be narrowed by it,
and Notion's own CSV import makes thousands of pages in one minute. Such a minute is
read in parts, each a filter Notion answers whole; a part that Notion still cuts off is
split again, by the first key that can split it:

1. last_edited_time (also to the minute): the part is split at the median edit minute E
   of the pages it returned, into edited before E, during E and after E, read in that
   order. The last part is open-ended, so a page edited while the minute is read moves
   ahead of the reading, never behind it (and the ids kept in the cursor drop a page
   that comes twice).
2. Within one edit minute, the `YP Key`. Notion's text filters have `starts_with` but
   no "does not start with", so prefixes cannot be made into parts that together cover
   every page; `contains` / `does_not_contain` one character, and `equals` /
   `does_not_equal` one whole key, are exact complements. The character chosen is the
   one found in closest to half of the keys the part returned. Pages without a key (a
   CSV import without that column) are a part of their own.

What cannot be split (more pages than one query returns that share their creation
minute, their edit minute and their key, or have no key) is a StoreError naming them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any

from ...errors import StoreError

Json = dict[str, Any]
MAX_CLAUSES = 40  # a part's filter conditions; far more than any real split needs
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Part:
    """Some of a minute's pages: conditions on last_edited_time and on the YP Key."""

    edited_from: str | None = None  # last_edited_time on or after this minute
    edited_before: str | None = None  # last_edited_time before this minute
    keyless: bool | None = None  # True: no YP Key; False: a YP Key; None: either
    key_has: tuple[str, ...] = ()  # characters the key contains
    key_lacks: tuple[str, ...] = ()  # characters it does not contain
    key_is: str | None = None
    key_is_not: tuple[str, ...] = ()

    def clauses(self, key_property: str) -> list[Json]:
        """Notion filter conditions selecting this part (ANDed with the query's own)."""
        out: list[Json] = []
        if self.edited_from:
            out.append({"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": self.edited_from}})
        if self.edited_before:
            out.append({"timestamp": "last_edited_time", "last_edited_time": {"before": self.edited_before}})

        def text(operator: str, operand: Any) -> Json:
            return {"property": key_property, "rich_text": {operator: operand}}

        if self.keyless is not None:
            out.append(text("is_empty" if self.keyless else "is_not_empty", True))
        out += [text("contains", c) for c in self.key_has]
        out += [text("does_not_contain", c) for c in self.key_lacks]
        if self.key_is is not None:
            out.append(text("equals", self.key_is))
        out += [text("does_not_equal", k) for k in self.key_is_not]
        return out

    def one_edit_minute(self) -> bool:
        return bool(self.edited_from and self.edited_before
                    and minute(self.edited_before) - minute(self.edited_from) <= _MINUTE)

    @classmethod
    def from_json(cls, data: Json) -> Part:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def split(part: Part, pages: list[Json], *, key_property: str, created: str, what: str) -> list[Part]:
    """Parts that together hold exactly the pages of `part`, from the pages one cut-off answer returned."""
    if not pages:
        raise StoreError(f"Notion cut off the {what} query for pages created at {created} without returning any")
    if not part.one_edit_minute():
        children = _by_edit_minute(part, pages)
    else:
        children = _by_key(part, pages, key_property, created, what)
    if any(len(child.clauses(key_property)) > MAX_CLAUSES for child in children):
        raise StoreError(_stuck(part, created, what, "they cannot be split any further"))
    return children


def _by_edit_minute(part: Part, pages: list[Json]) -> list[Part]:
    edits = sorted(minute(page.get("last_edited_time") or page["created_time"]) for page in pages)
    middle = edits[len(edits) // 2]
    low = minute(part.edited_from) if part.edited_from else None
    high = minute(part.edited_before) if part.edited_before else None
    children = []
    if low is None or low < middle:
        children.append(replace(part, edited_before=stamp(middle)))
    children.append(replace(part, edited_from=stamp(middle), edited_before=stamp(middle + _MINUTE)))
    if high is None or middle + _MINUTE < high:
        children.append(replace(part, edited_from=stamp(middle + _MINUTE)))
    return children


def _by_key(part: Part, pages: list[Json], key_property: str, created: str, what: str) -> list[Part]:
    if part.keyless:
        raise StoreError(_stuck(part, created, what, "they have no YP Key to tell them apart"))
    if part.key_is is not None:
        raise StoreError(_stuck(part, created, what, f"they all have the YP Key {part.key_is!r}"))
    keys = [k for k in (_key_text(page, key_property) for page in pages) if k]
    keyless = [replace(part, keyless=True)] if part.keyless is None else []
    keyed = replace(part, keyless=False)
    if not keys:  # the answer held keyless pages only: set them apart, then look at the keyed ones
        if not keyless:
            raise StoreError(_stuck(part, created, what, "they have no YP Key to tell them apart"))
        return [*keyless, keyed]
    used = set(part.key_has) | set(part.key_lacks)
    folded = [k.casefold() for k in keys]
    counts = {c: sum(c in k for k in folded) for c in set("".join(folded)) - used}
    splitting = sorted((abs(2 * n - len(keys)), c) for c, n in counts.items() if 0 < n < len(keys))
    if splitting:
        c = splitting[0][1]
        return [*keyless, replace(keyed, key_has=(*part.key_has, c)), replace(keyed, key_lacks=(*part.key_lacks, c))]
    common = max(sorted(set(keys)), key=keys.count)
    return [*keyless, replace(keyed, key_is=common), replace(keyed, key_is_not=(*part.key_is_not, common))]


def _key_text(page: Json, key_property: str) -> str:
    value = (page.get("properties") or {}).get(key_property) or {}
    return "".join(str(item.get("plain_text") or "") for item in value.get("rich_text") or [])


def _stuck(part: Part, created: str, what: str, why: str) -> str:
    edited = f", last edited at {part.edited_from}" if part.one_edit_minute() else ""
    return (f"Notion returns at most a fixed number of pages per query, and more {what} pages than that were "
            f"created at {created}{edited}: {why}, so the rest cannot be read; give them distinct YP Keys "
            "(or trash the copies) in Notion")


def minute(text: str) -> datetime:
    """A Notion timestamp, to the minute, in UTC."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(second=0, microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def next_minute(text: str) -> str:
    """The minute after a Notion timestamp's minute: the end of a one-minute range."""
    return stamp(minute(text) + _MINUTE)
