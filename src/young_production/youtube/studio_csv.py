"""YouTube Studio "Table data" exports (Advanced mode -> Content -> export as CSV), every line accounted for.

Real exports differ by year and by what the user selected, so columns are found by
name through a table of synonyms (`studio_columns`), numbers and dates by the
conventions the file shows (`studio_values`), and any column we do not know is kept
as text in `extra`. What they have in common:

- the id column (`Content`, once `Video`), then the title and the publish time;
- a `Total` row (the channel's sums), which is not a video;
- an id that starts with `-` is written with a leading space (` -HHGH-TTqYM`);
- publish dates are empty for unlisted or private videos.

Every line after the header is either a video row or accounted for: blank lines and
the Total row are counted, and every other line left out is in `skipped` with its
line number and reason (an unreadable id, a malformed quote, a negative or
implausible count, an unreadable date, a duplicate id). A malformed quote costs its
own line only. A cell we cannot read outside the counts is left empty and noted in
`warnings`. Undecodable bytes are replaced (and counted), never a crash.

A file that is not such an export (another CSV, another Studio report, an empty or
binary file) raises `StudioExportError` with one line naming what is missing, before
anything is imported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import YPError
from ..records import VideoFormat
from .formats import export_format
from .studio_columns import COUNT_FIELDS, ESSENTIAL_FIELDS, MAX_COUNT, Columns, find_columns, normalise
from .studio_values import (
    CellError,
    DateOrder,
    NumberConvention,
    date_order,
    number_convention,
    parse_clock,
    parse_date,
    parse_number,
)

VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
UNCLOSED = "malformed quote: a quoted cell is not closed properly on this line"
_SAMPLE = 500  # rows read to choose among several publish-date columns


class StudioExportError(YPError):
    """The file is not a YouTube Studio per-video table export; nothing was imported."""


@dataclass(slots=True)
class StudioRow:
    """One video's row; None where the export has no such column or the cell is empty."""

    line: int
    video_id: str
    title: str | None
    published_at: datetime | None
    description: str | None = None
    duration_seconds: float | None = None
    views: float | None = None
    engaged_views: float | None = None
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
    shorts_feed: bool = False
    format: VideoFormat | None = None
    format_basis: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def decide_format(self, duration: float | None = None, basis: str = "duration") -> None:
        """Set `format` from the row (or a duration known elsewhere, named by `basis`)."""
        known = self.duration_seconds if self.duration_seconds is not None else duration
        self.format, self.format_basis = export_format(
            known, self.published_at, texts=(self.title, self.description), shorts_feed=self.shorts_feed,
            average_view_seconds=self.average_view_seconds, average_percent_viewed=self.average_percent_viewed,
            duration_basis="duration" if self.duration_seconds is not None else basis,
        )


@dataclass(frozen=True)
class SkippedLine:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class StudioExport:
    name: str
    columns: list[str]
    rows: list[StudioRow]
    total: dict[str, str] = field(default_factory=dict)
    skipped: list[SkippedLine] = field(default_factory=list)  # lines left out, each with its reason
    warnings: list[SkippedLine] = field(default_factory=list)  # rows kept with a cell left empty
    lines_read: int = 0  # lines after the header
    blank_lines: int = 0
    total_lines: int = 0
    notes: list[str] = field(default_factory=list)  # how the file was read (conventions, replaced bytes)

    @property
    def has_engaged_views(self) -> bool:
        return any(normalise(c) == "engaged views" for c in self.columns)

    def accounting(self) -> dict[str, Any]:
        """Every line after the header: imported, blank, Total, or skipped with its reason (JSON)."""
        return {
            "lines": self.lines_read, "rows": len(self.rows), "blank": self.blank_lines, "total_rows": self.total_lines,
            "skipped": [{"line": s.line, "reason": s.reason} for s in self.skipped],
            "warnings": [{"line": w.line, "reason": w.reason} for w in self.warnings], "notes": self.notes,
        }


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
    text, notes = _decode(data, shown)
    del data
    lines = text.split("\n")
    del text
    if lines[-1] == "":  # the newline that ends the last line
        lines.pop()
    records = _records(lines, 0, 0)
    header_line, header = next(((n, cells) for n, cells, _ in records if cells and any(c.strip() for c in cells)),
                               (0, None))
    if header is None:
        raise StudioExportError(f"{shown} is empty: expected YouTube Studio's 'Table data.csv' export")
    columns, missing = find_columns(header)
    if columns is None:
        seen = ", ".join(c.strip() for c in header[:6] if c.strip()) or "none"
        raise StudioExportError(f"{shown} is not a YouTube Studio 'Table data' export by video: {missing} "
                                f"(found: {seen[:200]})")
    export = StudioExport(name=shown, columns=[c.replace("\ufeff", "").strip() for c in header], rows=[], notes=notes)
    reader = _Reader(columns, export)
    reader.survey(_records(lines, header_line, len(header)))
    by_id: dict[str, StudioRow] = {}
    for number, cells, problem in _records(lines, header_line, len(header)):
        export.lines_read += 1
        if problem is not None:
            export.skipped.append(SkippedLine(number, problem))
            continue
        assert cells is not None
        row = reader.row(number, cells)
        if row is None:
            continue
        earlier = by_id.get(row.video_id)
        if earlier is None:
            by_id[row.video_id] = row
            continue
        kept, dropped = (earlier, row) if _counts(earlier) >= _counts(row) else (row, earlier)
        by_id[row.video_id] = kept
        export.skipped.append(SkippedLine(dropped.line, f"video {row.video_id} is also on line {kept.line}: "
                                                        f"kept line {kept.line} (higher counts)"))
    export.rows = sorted(by_id.values(), key=lambda r: r.line)
    export.skipped.sort(key=lambda s: s.line)
    if not export.rows:
        why = f" ({len(export.skipped)} unreadable: {export.skipped[0]})" if export.skipped else ""
        raise StudioExportError(f"{shown} has no video rows{why}")
    return export


def _decode(data: bytes, shown: str) -> tuple[str, list[str]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    else:
        if b"\x00" in data[:4096]:
            raise StudioExportError(f"{shown} is not a text (CSV) file: expected YouTube Studio's 'Table data.csv'")
        text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise StudioExportError(f"{shown} is empty: expected YouTube Studio's 'Table data.csv' export")
    replaced = text.count("\ufffd")
    notes = [f"{replaced} undecodable byte sequences replaced by '\ufffd'"] if replaced else []
    return text.replace("\x00", ""), notes


def _records(lines: list[str], start: int, width: int) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(line number, cells, None) per CSV record from line index `start`, or (line, None, problem).

    A quote left open makes the csv module read on to the end of the file; here a
    record that spans lines without the header's number of cells is reported at its
    first line, and reading starts again on the next one.
    """
    position = start
    while position < len(lines):
        reader = csv.reader((line + "\n" for line in _from(lines, position)), strict=True)
        first = position
        try:
            for cells in reader:
                span = position + reader.line_num - first
                if width and span > 1 and len(cells) != width:
                    yield first + 1, None, UNCLOSED
                    position = first + 1
                    break
                yield first + 1, cells, None
                first = position + reader.line_num
            else:
                return
        except csv.Error as exc:
            yield first + 1, None, UNCLOSED if "data" in str(exc) or "expected" in str(exc) else f"not CSV ({exc})"
            position = first + 1


def _from(lines: list[str], position: int) -> Iterator[str]:
    for index in range(position, len(lines)):
        yield lines[index]


def _counts(row: StudioRow) -> tuple[float, ...]:
    return tuple(v if v is not None else -1.0 for v in (row.views, row.engaged_views, row.likes, row.comments))


class _Reader:
    """Rows of one export, once `survey` has read its conventions."""

    def __init__(self, columns: Columns, export: StudioExport):
        self.columns = columns
        self.export = export
        self.convention = NumberConvention.DOT_DECIMAL
        self.published: int | None = None
        self.order = DateOrder.UNDECIDED
        self._dates: dict[str, datetime | CellError | None] = {}  # a channel publishes many videos a day
        self.numbers = [(name, i, name in COUNT_FIELDS) for name, i in columns.numbers.items()]

    def survey(self, records: Iterator[tuple[int, list[str] | None, str | None]]) -> None:
        """The file's number convention, the publish-date column to use and its day/month order."""
        numbers: list[str] = []
        dates: dict[int, set[str]] = {i: set() for i in self.columns.published}
        positions = list(self.columns.numbers.values())
        for _, cells, _ in records:
            if not cells:
                continue
            if len(numbers) < 50_000:
                numbers.extend(cells[i] for i in positions if i < len(cells) and ("," in cells[i] or "." in cells[i]))
            for i, found in dates.items():
                if i < len(cells) and cells[i].strip():
                    found.add(cells[i])
        self.convention, note = number_convention(numbers)
        if note:
            self.export.notes.append(note)
        if self.convention is NumberConvention.COMMA_DECIMAL:
            self.export.notes.append(f"numbers read as {self.convention.value}")
        self.published, self.order = self._date_column(dates)

    def _date_column(self, dates: dict[int, set[str]]) -> tuple[int | None, DateOrder]:
        best: tuple[int, int, DateOrder] | None = None
        for i, cells in dates.items():
            order = date_order(cells)
            readable = 0
            for text in sorted(cells)[:_SAMPLE]:
                try:
                    readable += parse_date(text, order) is not None
                except CellError:
                    pass
            if best is None or readable > best[1]:
                best = (i, readable, order)
        if best is None:
            return None, DateOrder.UNDECIDED
        if best[2] is not DateOrder.UNDECIDED:
            self.export.notes.append(f"publish dates read {best[2].value} (decided by the dates over 12)")
        return best[0], best[2]

    def row(self, number: int, cells: list[str]) -> StudioRow | None:
        """The video on this line, or None (counted as blank, Total, or skipped with its reason)."""
        export, columns = self.export, self.columns
        if not "".join(cells).strip():
            export.blank_lines += 1
            return None
        video_id = _cell(cells, columns.id)
        if video_id.casefold() in ("total", "totals"):
            export.total_lines += 1
            export.total = {name: cells[i].strip() for i, name in enumerate(export.columns) if i < len(cells) and name}
            return None
        if not VIDEO_ID.match(video_id):
            export.skipped.append(SkippedLine(number, f"{video_id[:40]!r} is not a YouTube video id"))
            return None
        published = self._date(_cell(cells, self.published))
        if isinstance(published, CellError):
            export.skipped.append(SkippedLine(number, f"publish date {published}"))
            return None
        row = StudioRow(line=number, video_id=video_id, title=_cell(cells, columns.title) or None,
                        published_at=published, description=_cell(cells, columns.description) or None)
        width = len(cells)
        for name, i, is_count in self.numbers:
            try:
                value = parse_number(cells[i] if i < width else "", self.convention)
                if is_count and value is not None:
                    _check_count(name, value)
            except CellError as exc:
                label = export.columns[i]
                if name in ESSENTIAL_FIELDS:
                    export.skipped.append(SkippedLine(number, f"{label}: {exc}"))
                    return None
                export.warnings.append(SkippedLine(number, f"{label}: {exc} (left empty)"))
                continue
            setattr(row, name, value)
        if row.views is None:
            export.skipped.append(SkippedLine(number, f"{export.columns[columns.numbers['views']]} is blank"))
            return None
        for name, i in columns.clocks.items():
            try:
                setattr(row, name, parse_clock(_cell(cells, i)))
            except CellError as exc:
                export.warnings.append(SkippedLine(number, f"{export.columns[i]}: {exc} (left empty)"))
        if columns.shorts_feed:
            row.shorts_feed = any(_cell(cells, i) not in ("", "0") for i in columns.shorts_feed)
        for label, i in columns.extra.items():
            if (value := _cell(cells, i)):
                row.extra[label] = value
        row.decide_format()
        return row


    def _date(self, text: str) -> datetime | CellError | None:
        if text not in self._dates:
            try:
                self._dates[text] = parse_date(text, self.order)
            except CellError as exc:
                self._dates[text] = exc
        return self._dates[text]


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _check_count(name: str, value: float) -> None:
    if value < 0:
        raise CellError(f"{value:g} is negative (a count cannot be)")
    if value > MAX_COUNT:
        raise CellError(f"{value:g} is implausible (more than 10^11)")
    if name in ("views", "engaged_views", "likes", "comments") and value != int(value):
        raise CellError(f"{value:g} is not a whole number")
