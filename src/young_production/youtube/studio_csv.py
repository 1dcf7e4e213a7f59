"""YouTube Studio "Table data" exports (Advanced mode -> Content -> export as CSV), read robustly.

Real exports differ by what the user selected, so columns are found by name and
any we do not know are kept as text in `extra`. What they have in common:

- the first column is `Content` (the video id), then `Video title` and `Video publish time`;
- the second row is `Total` (the channel's sums), which is not a video;
- an id that starts with `-` is written with a leading space (` -HHGH-TTqYM`);
- publish dates read "Sep 27, 2024" and are empty for unlisted or private videos;
- counts can be negative (Subscribers lost) and, after a spreadsheet re-save, carry
  thousands separators in quotes ("12,500"); average view duration is H:MM:SS.

A file that is not such an export (another CSV, another Studio report, an empty
file, a non-UTF-8 file) raises `StudioExportError` with one line naming what is
missing, before anything is imported. A row with an unreadable id is skipped and
reported, never silently dropped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import YPError

VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
ID_COLUMN = "Content"
TITLE_COLUMN = "Video title"
PUBLISHED_COLUMNS = ("Video publish time", "Video publish date")
# Studio column name -> our field. Prefix matches cover the currency in "Estimated revenue (USD)".
NUMBER_COLUMNS = {
    "Duration": "duration_seconds",
    "Views": "views",
    "Watch time (hours)": "watch_hours",
    "Subscribers": "subscribers",
    "Impressions": "impressions",
    "Thumbnail impressions": "impressions",
    "Impressions click-through rate (%)": "ctr_percent",
    "Thumbnail click-through rate (%)": "ctr_percent",
    "Average percentage viewed (%)": "average_percent_viewed",
    "Likes": "likes",
    "Comments added": "comments",
    "Shares": "shares",
    "Estimated revenue": "revenue",
}
CLOCK_COLUMNS = {"Average view duration": "average_view_seconds"}
METRIC_NAMES = "Views, Watch time (hours), Impressions or Subscribers"
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?$")
_DATE_FORMATS = ("%b %d, %Y", "%b %d %Y", "%Y-%m-%d", "%d %b %Y", "%B %d, %Y")


class StudioExportError(YPError):
    """The file is not a YouTube Studio per-video table export; nothing was imported."""


@dataclass
class StudioRow:
    """One video's row; None where the export has no such column or the cell is empty."""

    line: int
    video_id: str
    title: str | None
    published_at: datetime | None
    duration_seconds: float | None = None
    views: float | None = None
    watch_hours: float | None = None
    subscribers: float | None = None
    impressions: float | None = None
    ctr_percent: float | None = None
    average_view_seconds: float | None = None
    average_percent_viewed: float | None = None
    likes: float | None = None
    comments: float | None = None
    shares: float | None = None
    revenue: float | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class StudioExport:
    name: str
    columns: list[str]
    rows: list[StudioRow]
    total: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "line 7: ..." for each row left out


def read_studio_export(source: Path | str | bytes, name: str | None = None) -> StudioExport:
    """Parse a Studio export from a path or its bytes; `StudioExportError` when it is not one."""
    if isinstance(source, bytes):
        data, shown = source, name or "the export"
    else:
        path = Path(source)
        shown = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StudioExportError(f"cannot read {shown}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StudioExportError(
            f"{shown} is not UTF-8 text (YouTube Studio exports are UTF-8): export it again from Studio"
        ) from None
    if not text.strip():
        raise StudioExportError(f"{shown} is empty: expected YouTube Studio's 'Table data.csv' export")
    try:
        lines = [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise StudioExportError(f"{shown} is not a readable CSV file: {exc}") from None
    header_at = next((i for i, row in enumerate(lines) if any(cell.strip() for cell in row)), None)
    assert header_at is not None  # the text was not blank
    columns = [c.strip() for c in lines[header_at]]
    _check_columns(columns, shown)
    index = {name: i for i, name in reversed(list(enumerate(columns)))}
    export = StudioExport(name=shown, columns=columns, rows=[])
    for number, cells in enumerate(lines[header_at + 1:], start=header_at + 2):
        if not any(cell.strip() for cell in cells):
            continue
        first = cells[index[ID_COLUMN]].strip() if len(cells) > index[ID_COLUMN] else ""
        if first == "Total":
            export.total = {c: cells[i].strip() for c, i in index.items() if i < len(cells)}
            continue
        row = _row(number, cells, index, export.skipped)
        if row is not None:
            export.rows.append(row)
    if not export.rows:
        why = f" ({len(export.skipped)} unreadable: {export.skipped[0]})" if export.skipped else ""
        raise StudioExportError(f"{shown} has no video rows{why}")
    return export


def _check_columns(columns: list[str], shown: str) -> None:
    missing = [c for c in (ID_COLUMN, TITLE_COLUMN) if c not in columns]
    if missing:
        seen = ", ".join(c for c in columns[:6] if c) or "none"
        raise StudioExportError(
            f"{shown} is not a YouTube Studio 'Table data' export by video: no "
            f"{' or '.join(repr(m) for m in missing)} column (found: {seen})"
        )
    if not any(_field_for(c) for c in columns):
        raise StudioExportError(f"{shown} has no metric column: expected one of {METRIC_NAMES}")


def _field_for(column: str) -> str | None:
    if column in NUMBER_COLUMNS:
        return NUMBER_COLUMNS[column]
    if column in CLOCK_COLUMNS:
        return CLOCK_COLUMNS[column]
    if column.startswith("Estimated revenue"):
        return "revenue"
    return None


def _row(number: int, cells: list[str], index: dict[str, int], skipped: list[str]) -> StudioRow | None:
    def cell(name: str) -> str:
        i = index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    video_id = cell(ID_COLUMN)
    if not VIDEO_ID.match(video_id):
        skipped.append(f"line {number}: {video_id[:40]!r} is not a YouTube video id")
        return None
    published = None
    for column in PUBLISHED_COLUMNS:
        published = parse_studio_date(cell(column))
        if published is not None:
            break
    row = StudioRow(line=number, video_id=video_id, title=cell(TITLE_COLUMN) or None, published_at=published)
    for column, i in index.items():
        if column in (ID_COLUMN, TITLE_COLUMN) or column in PUBLISHED_COLUMNS or not column:
            continue
        raw = cells[i].strip() if i < len(cells) else ""
        name = _field_for(column)
        if name is None:
            if raw:
                row.extra[column] = raw
            continue
        value = parse_clock(raw) if column in CLOCK_COLUMNS else parse_number(raw)
        if value is None and raw:
            skipped.append(f"line {number}: {column} {raw[:20]!r} is not a number (left empty)")
        setattr(row, name, value)
    return row


def parse_number(text: str) -> float | None:
    """`1234`, `-3`, `"12,500"`, `4.5`; None for empty or unreadable cells."""
    text = text.strip()
    if not text:
        return None
    if _THOUSANDS.match(text):
        text = re.sub(r"[,\u00a0\u202f ]", "", text)
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_clock(text: str) -> float | None:
    """Seconds in Studio's `H:MM:SS` (or `M:SS`); None when empty or unreadable."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        return None
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return float(seconds)


def parse_studio_date(text: str) -> datetime | None:
    """"Sep 27, 2024" (and a few spreadsheet re-save forms) as midnight UTC; None when empty or unreadable."""
    text = " ".join(text.split())
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None
