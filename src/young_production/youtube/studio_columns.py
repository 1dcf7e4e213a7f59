"""Which column of a Studio export is which: header names matched through a table of synonyms.

Headers are compared without regard to case, spacing or a byte-order mark, so
`Content`, ` content ` and `\\ufeffCONTENT` are one name. Studio renamed columns over
the years (`Video` became `Content`, `Video views` became `Views`, `Impressions`
became `Thumbnail impressions`); every name any export we have seen uses is listed.
A file without a video id column, or without a views column, is refused with the
names we accept, so the user can rename a column rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# our field -> accepted headers (normalised: casefolded, single spaces)
ID_NAMES = ("content", "video", "video id", "video_id", "videoid", "id")
TITLE_NAMES = ("video title", "title", "video name")
PUBLISHED_NAMES = ("video publish time", "video publish date", "publish time", "publish date", "published",
                   "published at", "publishedat", "upload date", "date published")
DESCRIPTION_NAMES = ("video description", "description")
NUMBER_NAMES: dict[str, tuple[str, ...]] = {
    "duration_seconds": ("duration", "duration (seconds)", "video duration", "length (seconds)"),
    "views": ("views", "video views", "view count", "viewcount"),
    "engaged_views": ("engaged views",),
    "watch_hours": ("watch time (hours)", "watch time hours"),
    "subscribers": ("subscribers", "net subscribers"),
    "impressions": ("impressions", "thumbnail impressions"),
    "ctr_percent": ("impressions click-through rate (%)", "thumbnail click-through rate (%)",
                    "impressions ctr (%)", "click-through rate (%)"),
    "average_percent_viewed": ("average percentage viewed (%)", "average % viewed", "average percent viewed (%)"),
    "likes": ("likes", "like count"),
    "comments": ("comments added", "comments", "comment count"),
    "shares": ("shares",),
    "revenue": ("estimated revenue", "your estimated revenue"),  # and any "... (USD)"-style currency
}
CLOCK_NAMES = {"average_view_seconds": ("average view duration",)}
SHORTS_FEED_NAMES = ("shown in feed", "viewed (vs. swiped away) (%)")  # exist only for Shorts
# Counts that are never negative and never beyond 10^11 (YouTube's most-viewed video has under 2 * 10^10).
COUNT_FIELDS = ("views", "engaged_views", "likes", "comments", "shares", "impressions")
# A bad cell in one of these leaves the row out (its numbers would mislead); elsewhere the cell is left empty.
ESSENTIAL_FIELDS = ("views", "engaged_views", "likes", "comments", "duration_seconds")
MAX_COUNT = 1e11


def normalise(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").casefold().split())


@dataclass
class Columns:
    """Positions of the columns we read; every other named column is kept as text in `extra`."""

    id: int
    title: int | None
    published: list[int] = field(default_factory=list)  # in the file's order; the best-filled one is used
    description: int | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    clocks: dict[str, int] = field(default_factory=dict)
    shorts_feed: list[int] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)


def _field_of(name: str) -> str | None:
    for field_name, names in NUMBER_NAMES.items():
        if name in names:
            return field_name
    if name.startswith(("estimated revenue", "your estimated revenue")):
        return "revenue"
    return None


def find_columns(headers: list[str]) -> tuple[Columns | None, str | None]:
    """(columns, None), or (None, what is missing and which names we accept)."""
    names = [normalise(h) for h in headers]
    id_at = next((i for i, n in enumerate(names) if n in ID_NAMES), None)
    views_at = next((i for i, n in enumerate(names) if n in NUMBER_NAMES["views"]), None)
    missing = []
    if id_at is None:
        missing.append(f"no video id column (accepted: {_shown(ID_NAMES)})")
    if views_at is None:
        missing.append(f"no views column (accepted: {_shown(NUMBER_NAMES['views'])})")
    if missing:
        return None, "; ".join(missing)
    assert id_at is not None
    columns = Columns(id=id_at, title=next((i for i, n in enumerate(names) if n in TITLE_NAMES), None))
    for i, name in enumerate(names):
        if i in (id_at, columns.title) or not name:
            continue
        if name in PUBLISHED_NAMES:
            columns.published.append(i)
        elif name in DESCRIPTION_NAMES and columns.description is None:
            columns.description = i
        elif (field_name := _field_of(name)) is not None:
            columns.numbers.setdefault(field_name, i)
        elif name in CLOCK_NAMES["average_view_seconds"]:
            columns.clocks.setdefault("average_view_seconds", i)
        else:
            if name in SHORTS_FEED_NAMES:
                columns.shorts_feed.append(i)
            columns.extra.setdefault(headers[i].replace("\ufeff", "").strip(), i)
    return columns, None


def _shown(names: tuple[str, ...]) -> str:
    return ", ".join(repr(" ".join(w.capitalize() if k == 0 else w for k, w in enumerate(n.split()))) for n in names)
