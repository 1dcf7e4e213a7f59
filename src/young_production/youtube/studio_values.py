"""Cells of a Studio export as numbers and dates, by the conventions the whole file shows.

A cell alone is often ambiguous: `12.500` is twelve and a half or twelve thousand
five hundred, `05/01/2025` is the 5th of January or the 1st of May. So the file (for
numbers) and each date column (for dates) is read first, and its evident convention
decides; a cell nothing decides is refused with its reason, never guessed.

- Numbers: `DOT_DECIMAL` (Studio's own: `1321.6783`, `"12,500"`) or `COMMA_DECIMAL`
  (`1321,6783`, `12.500`), decided by cells only one convention can read (a comma or
  dot followed by other than three digits, two group separators, or both marks).
- Dates: ISO (`2020-07-16`, with or without a time), Studio's `Jan 5, 2021` and its
  spreadsheet variants, and numeric `A-B-YYYY` / `A/B/YYYY` / `A.B.YYYY`, whose
  order is decided per column: a first field over 12 means day first, a second over
  12 month first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from enum import Enum


class NumberConvention(str, Enum):
    DOT_DECIMAL = "dot decimal (1,234.5)"
    COMMA_DECIMAL = "comma decimal (1.234,5)"
    UNKNOWN = "unknown"


class DateOrder(str, Enum):
    MONTH_FIRST = "month first"
    DAY_FIRST = "day first"
    UNDECIDED = "undecided"


class CellError(ValueError):
    """A cell that cannot be read; its message is the reason given for the row."""


_SPACE_GROUPS = re.compile(r"^[-+]?\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?:[.,]\d+)?$")
_DOT_EVIDENCE = (
    re.compile(r"\d\.\d{1,2}$|\d\.\d{4,}$"),  # a dot followed by other than three digits: a decimal dot
    re.compile(r"^\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$"),  # two comma groups
    re.compile(r"\d,\d{3}\.\d"),  # both marks, dot last
)
_COMMA_EVIDENCE = (
    re.compile(r"\d,\d{1,2}$|\d,\d{4,}$"),
    re.compile(r"^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$"),
    re.compile(r"\d\.\d{3},\d"),
)
_PLAIN = re.compile(r"^[-+]?\d+$")


def number_convention(cells: Iterable[str], limit: int = 50_000) -> tuple[NumberConvention, str | None]:
    """The file's number convention from (the first `limit` of) its numeric cells, and a note when they disagree."""
    dot = comma = 0
    for seen, text in enumerate(cells):
        if seen >= limit:
            break
        text = text.strip()
        if not text or _PLAIN.match(text):
            continue
        dot += any(p.search(text) for p in _DOT_EVIDENCE)
        comma += any(p.search(text) for p in _COMMA_EVIDENCE)
        if dot and comma:
            return NumberConvention.UNKNOWN, (
                "numbers are written both as 1,234.5 and as 1.234,5: cells only one form can read are read, "
                "the others (such as 12.500) are refused"
            )
    if comma:
        return NumberConvention.COMMA_DECIMAL, None
    if dot:
        return NumberConvention.DOT_DECIMAL, None
    return NumberConvention.UNKNOWN, None


_SIMPLE_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def parse_number(text: str, convention: NumberConvention = NumberConvention.DOT_DECIMAL) -> float | None:
    """A cell as a number under the file's convention; None when empty; `CellError` when unreadable."""
    raw = text.strip()
    if not raw:
        return None
    if raw.isdigit() or (convention is NumberConvention.DOT_DECIMAL and _SIMPLE_DECIMAL.match(raw)):
        return float(raw)  # the common cells, read without the checks below
    value = raw
    if _SPACE_GROUPS.match(value):
        value = re.sub(r"[\u00a0\u202f ]", "", value)
    if "," in value and "." in value:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        value = _with_decimal(value, decimal, raw)
    elif "," in value:
        value = _one_mark(value, ",", convention is NumberConvention.COMMA_DECIMAL, convention, raw)
    elif "." in value:
        value = _one_mark(value, ".", convention is not NumberConvention.COMMA_DECIMAL, convention, raw)
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"{raw[:20]!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"{raw[:20]!r} is not a finite number")
    return number


def _with_decimal(value: str, decimal: str, raw: str) -> str:
    group = "." if decimal == "," else ","
    whole, _, fraction = value.rpartition(decimal)
    if not re.fullmatch(r"[-+]?\d{1,3}(?:" + re.escape(group) + r"\d{3})*", whole) or not fraction.isdigit():
        raise CellError(f"{raw[:20]!r} is not a number")
    return whole.replace(group, "") + "." + fraction


def _one_mark(value: str, mark: str, mark_is_decimal: bool, convention: NumberConvention, raw: str) -> str:
    """A number with only commas or only dots: a decimal mark or group separators, by convention."""
    grouped = re.fullmatch(r"[-+]?\d{1,3}(?:" + re.escape(mark) + r"\d{3})+", value)
    if value.count(mark) > 1:
        if not grouped:
            raise CellError(f"{raw[:20]!r} is not a number")
        return value.replace(mark, "")
    if not grouped:  # one mark not followed by exactly three digits: only a decimal mark reads it
        if mark_is_decimal or convention is NumberConvention.UNKNOWN:
            return value.replace(mark, ".")
        raise CellError(f"{raw[:20]!r} does not fit the file's numbers ({convention.value})")
    if convention is NumberConvention.UNKNOWN:
        raise CellError(f"{raw[:20]!r} is ambiguous: nothing else in the file shows whether {mark!r} groups thousands")
    return value.replace(mark, ".") if mark_is_decimal else value.replace(mark, "")


def parse_clock(text: str) -> float | None:
    """Seconds in Studio's `H:MM:SS` (or `M:SS`); None when empty; `CellError` when unreadable."""
    raw = text.strip()
    if not raw:
        return None
    parts = raw.split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise CellError(f"{raw[:20]!r} is not a duration (H:MM:SS)")
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return float(seconds)


_NAMED_FORMATS = ("%b %d, %Y", "%b %d %Y", "%d %b %Y", "%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b. %d, %Y")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def date_order(cells: Iterable[str]) -> DateOrder:
    """A column's day/month order from its numeric dates: a field over 12 decides."""
    day_first = month_first = False
    for text in cells:
        match = _NUMERIC.match(" ".join(text.split()))
        if match:
            first, second = int(match.group(1)), int(match.group(3))
            day_first |= first > 12
            month_first |= second > 12
    if day_first and not month_first:
        return DateOrder.DAY_FIRST
    if month_first and not day_first:
        return DateOrder.MONTH_FIRST
    return DateOrder.UNDECIDED


def parse_date(text: str, order: DateOrder = DateOrder.UNDECIDED) -> datetime | None:
    """A publish date as midnight UTC; None when empty; `CellError` (with why) when it cannot be read."""
    value = " ".join(text.split())
    if not value:
        return None
    iso = _ISO.match(value)
    if iso:
        return _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), value)
    numeric = _NUMERIC.match(value)
    if numeric:
        first, second, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
        if first <= 12 and second <= 12 and first != second and order is DateOrder.UNDECIDED:
            raise CellError(f"{value!r} is ambiguous: no date in its column shows whether the day or the month "
                            "comes first")
        if order is DateOrder.DAY_FIRST or (order is DateOrder.UNDECIDED and first > 12):
            first, second = second, first
        return _date(year, first, second, value)
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise CellError(f"{value[:30]!r} is not a date")


def _date(year: int, month: int, day: int, shown: str) -> datetime:
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        raise CellError(f"{shown[:30]!r} is not a date") from None
