"""Sentences from plain lines, as the rules read a transcript without timings (shared by the text tests)."""

from __future__ import annotations

from young_production.text.sentences import Sentence, split_sentences
from young_production.transcript import Segment


def untimed(*lines: str) -> list[Sentence]:
    return split_sentences([Segment(line) for line in lines])
