"""Timed transcript segments for analysis tests, shaped like Whisper's output."""

from __future__ import annotations

from young_production.transcript import Segment

WORDS_PER_SECOND = 2.5  # 150 words a minute


def timed(text: str, words_per_segment: int) -> list[Segment]:
    """`text` as segments of a few words each, timed as if spoken at WORDS_PER_SECOND."""
    spoken = text.split()
    return [
        Segment(
            " ".join(spoken[i : i + words_per_segment]),
            round(i / WORDS_PER_SECOND, 2),
            round(min(i + words_per_segment, len(spoken)) / WORDS_PER_SECOND, 2),
        )
        for i in range(0, len(spoken), words_per_segment)
    ]
