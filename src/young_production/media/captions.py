"""Subtitle files (WebVTT, SRT) to timed transcript segments.

YouTube's automatic captions repeat each line while the next one "rolls in"
(the same text appears in two or three consecutive cues, with inline word
timings). We strip inline tags and drop lines already shown by the previous cue,
so the transcript reads like the speech, once.
"""

from __future__ import annotations

import html
import re

from ..transcript import Segment

_TIMING = re.compile(
    r"(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def parse_timestamp(text: str) -> float:
    """`01:02.5`, `00:01:02.500` or `00:01:02,500` -> seconds."""
    parts = text.replace(",", ".").split(":")
    seconds = float(parts[-1])
    for i, part in enumerate(reversed(parts[:-1]), 1):
        seconds += int(part) * 60**i
    return seconds


def _clean(line: str) -> str:
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", line))).strip()


def parse_subtitles(text: str) -> list[Segment]:
    """Parse WebVTT or SRT text into segments; notes, styles and cue settings are ignored."""
    segments: list[Segment] = []
    previous_lines: list[str] = []
    for block in re.split(r"\r?\n\s*\r?\n", text.replace("\ufeff", "")):
        lines = block.strip().splitlines()
        timing_at = next((i for i, line in enumerate(lines) if _TIMING.search(line)), None)
        if timing_at is None:
            continue  # header, NOTE, STYLE, REGION blocks
        match = _TIMING.search(lines[timing_at])
        assert match is not None
        cue_lines = [c for c in (_clean(line) for line in lines[timing_at + 1 :]) if c]
        new_lines = [c for c in cue_lines if c not in previous_lines]
        if cue_lines:
            previous_lines = cue_lines
        if not new_lines:
            continue
        segments.append(
            Segment(
                text=" ".join(new_lines),
                start=parse_timestamp(match.group("start")),
                end=parse_timestamp(match.group("end")),
            )
        )
    return segments
