"""Lists that fit the terminal: one line per record at any width from 80 columns up.

A list is a short id, then the title taking the room that is left (cut at the end
with "…"), then a few narrow columns. When the terminal is too narrow for all of
them, the least important narrow column goes first, until the title has room to be
read. `--wide` shows every column, the full id and whole values, wrapping as needed.

The width is the console's: the terminal's, also when the output is piped (Rich asks
stdin and stderr too), else $COLUMNS, else 80.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Literal

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..store.resolve import short_id
from .output import console
from .sanitise import SafeConsole, visible

SHORT_ID = 8
GAP = 2  # between columns
MIN_TITLE = 36  # narrow columns are dropped until the title has at least this much room
WIDE_MIN = 20  # with --wide, the least a wrapping column gets


@dataclass(frozen=True)
class Column:
    """A narrow column: at most `width` characters; as the terminal narrows, the highest `drop` goes first."""

    header: str
    width: int
    drop: int = 0  # 0: always shown
    justify: Literal["left", "right"] = "left"


@dataclass
class Listing:
    """What a list command prints: a heading, the title column's name, the narrow columns and the rows."""

    heading: str
    title_header: str | None  # None: no title column (a list of runs)
    columns: Sequence[Column]
    rows: list[tuple[str, str, list[object]]] = field(default_factory=list)  # (full id, title, narrow values)

    def add(self, record_id: str | None, title: object, *values: object) -> None:
        self.rows.append((record_id or "", one_line(title), [one_line(v) for v in values]))


def one_line(value: object) -> str:
    """A value as one line of visible text ("-" when empty)."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return " ".join(visible(value).split()) or "-"


def shown_columns(listing: Listing, width: int) -> list[int]:
    """Indexes of the narrow columns that fit `width` with room for the title."""
    natural = [_natural(listing, i) for i in range(len(listing.columns))]
    kept = list(range(len(listing.columns)))
    widest_title = max((cell_len(t) for _, t, _ in listing.rows), default=0)
    wanted_title = 0 if listing.title_header is None else min(MIN_TITLE, max(widest_title, len(listing.title_header)))

    def room() -> int:
        return width - SHORT_ID - sum(natural[i] + GAP for i in kept) - (GAP if listing.title_header else 0)

    while room() < wanted_title:
        droppable = [i for i in kept if listing.columns[i].drop > 0]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda i: listing.columns[i].drop))
    return kept


def render_listing(listing: Listing, *, wide: bool = False) -> set[str]:
    """Print `listing`, fitted to the console's width or every column whole with `wide`; the headers shown."""
    console.print(Text(listing.heading, style="bold"), highlight=False)
    if not listing.rows:
        return set()
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, padding=(0, GAP // 2),
                  expand=wide)
    kept, width = _wide_columns(table, listing) if wide else _fitted_columns(table, listing, console.width)
    for record_id, title, values in listing.rows:
        cells = [Text(record_id if wide else short_id(record_id, SHORT_ID))]
        if listing.title_header:
            cells.append(Text(title))
        cells.extend(Text(values[i]) for i in kept)
        table.add_row(*cells)
    _console_of_width(width).print(table)
    return {listing.columns[i].header for i in kept}


def _fitted_columns(table: Table, listing: Listing, width: int) -> tuple[list[int], int]:
    """Columns cut to fit `width`: the narrow ones that fit, the title in the room left, spare room to the rest."""
    kept = shown_columns(listing, width)
    natural = {i: _natural(listing, i) for i in kept}
    table.add_column("ID", width=SHORT_ID, no_wrap=True)
    room = width - SHORT_ID - sum(natural[i] + GAP for i in kept)
    if listing.title_header:
        room -= GAP
        widest = max([len(listing.title_header), *(cell_len(t) for _, t, _ in listing.rows)])
        title_width = max(1, min(room, widest))
        table.add_column(listing.title_header, width=title_width, no_wrap=True, overflow="ellipsis")
        room -= title_width
    for i in sorted(kept, key=lambda i: listing.columns[i].drop):  # room the title does not need
        grown = min(_natural(listing, i, cut=False), natural[i] + max(room, 0))
        room -= grown - natural[i]
        natural[i] = grown
    for i in kept:
        column = listing.columns[i]
        table.add_column(column.header, width=natural[i], no_wrap=True, overflow="ellipsis", justify=column.justify)
    return kept, width


def _wide_columns(table: Table, listing: Listing) -> tuple[list[int], int]:
    """Every column, whole: long values wrap in their column; the line is as wide as the columns need."""
    kept = list(range(len(listing.columns)))
    full_id = max(cell_len(r) for r, _, _ in listing.rows)
    table.add_column("ID", no_wrap=True, min_width=full_id)
    width = full_id
    if listing.title_header:
        table.add_column(listing.title_header, ratio=3, min_width=WIDE_MIN, overflow="fold")
        width += GAP + WIDE_MIN
    for i in kept:
        column, natural = listing.columns[i], _natural(listing, i, cut=False)
        if natural <= column.width:
            table.add_column(column.header, justify=column.justify, no_wrap=True, min_width=natural)
            width += GAP + natural
        else:
            table.add_column(column.header, justify=column.justify, ratio=2, min_width=WIDE_MIN, overflow="fold")
            width += GAP + WIDE_MIN
    return kept, max(width, console.width)


def _console_of_width(width: int) -> Console:
    """The console, or for a `--wide` list wider than it a copy as wide as the list (the terminal wraps it)."""
    if width <= console.width:
        return console
    return SafeConsole(file=console.file, width=width, force_terminal=console.is_terminal,
                       color_system=console.color_system, no_color=console.no_color)  # type: ignore[arg-type]


def _natural(listing: Listing, index: int, *, cut: bool = True) -> int:
    """The width column `index` needs for its header and values (at most its `width` when `cut`)."""
    column = listing.columns[index]
    widest = max([len(column.header), *(cell_len(values[index]) for _, _, values in listing.rows)])
    return min(column.width, widest) if cut else widest


DEFAULT_LIMIT = 100
Limit = Annotated[int, typer.Option("--limit", min=1, metavar="N", help="Show at most N.")]
ShowAll = Annotated[bool, typer.Option("--all", help="Show every one, however many.")]
Wide = Annotated[bool, typer.Option("--wide", help="Every column, full ids and whole values (lines may wrap).")]


def limited(records: list, limit: int, show_all: bool) -> tuple[list, bool]:
    """The records to show, and whether more exist (callers fetch `limit + 1` to know)."""
    if show_all:
        return records, False
    return records[:limit], len(records) > limit


def print_cut_note(shown: int, more: bool, command: str) -> None:
    """Under a list cut at `--limit`: say so, and how to see the rest."""
    if more:
        console.print(f"showing the first {shown}; more exist: `{command} --all` or `--limit N`",
                      highlight=False, markup=False)
