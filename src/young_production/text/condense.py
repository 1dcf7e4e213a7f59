"""Condensing a transcript for a model's prompt: what makes the model route cheap.

A long transcript is cut to a token budget, keeping what decoding needs: the opening
(the hook), where the best open loops open and pay off, and the most central sentences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from ..transcript import Transcript, format_timestamp
from .hooks import opening
from .loops import find_loops, rank_loops
from .perspective import score_sentences
from .sentences import Sentence, split_sentences

MARKER_EVERY_SECONDS = 20.0
CONDENSE_LOOPS = 3
NEAR_DUPLICATE = 0.8  # share of content words two sentences must share to count as the same
GAP = "[…]"
_MARKER_CHARS = len("[1:00:00] ")


def estimate_tokens(text: str) -> int:
    """Rough token count for English text: about four characters a token."""
    return math.ceil(len(text) / 4)


def condense_transcript(transcript: Transcript, token_budget: int) -> str:
    """The transcript within ~token_budget tokens (about 4 characters a token), as lines for a prompt.

    Short transcripts come back whole. Long ones keep, in this order of
    priority: the opening (the hook window), the sentences where the best open
    loops open and resolve, then the most central sentences (the perspective
    ranking; calls to action and greetings score below zero and are never
    added, nor is a near-repeat of a sentence already kept), all in their
    original order. Timed passages start with "[m:ss]",
    as do loop sentences, and a marker recurs every 20 s; "[…]" marks what was
    left out.
    """
    sentences = split_sentences(transcript.segments)
    if not sentences:
        return ""
    loops = rank_loops(find_loops(sentences), len(sentences))[:CONDENSE_LOOPS]
    stamped = {s.index for loop in loops for s in (loop.opener, loop.resolution) if s is not None}
    whole = _render(sentences, set(range(len(sentences))), stamped)
    if estimate_tokens(whole) <= token_budget:
        return whole
    budget_chars = max(token_budget, 1) * 4
    scores = score_sentences(sentences)
    wanted = [s.index for s in opening(sentences)]
    wanted += [s.index for loop in loops for s in (loop.opener, loop.resolution) if s is not None]
    wanted += sorted((i for i in range(len(sentences)) if scores[i] > 0), key=lambda i: (-scores[i], i))
    kept: set[int] = set()
    bags: list[set[str]] = []
    used = 0
    for index in wanted:
        cost = len(sentences[index].text) + 1 + _MARKER_CHARS + len(GAP) + 1  # at most: gap, marker, text
        bag = set(sentences[index].stems)
        if index in kept or used + cost > budget_chars or _repeats(bag, bags):
            continue
        kept.add(index)
        bags.append(bag)
        used += cost
    if not kept:  # not even the first sentence fits: cut it
        first = sentences[0]
        marker = f"[{format_timestamp(first.start)}] " if first.start is not None else ""
        return _render([replace(first, text=first.text[: max(budget_chars - len(marker), 0)])], {0}, set())
    return _render(sentences, kept, stamped)


def _repeats(bag: set[str], kept: list[set[str]]) -> bool:
    """Whether a sentence says what a kept one already says (a refrain, a repeated line)."""
    return bool(bag) and any(len(bag & other) >= NEAR_DUPLICATE * len(bag | other) for other in kept)


def _render(sentences: Sequence[Sentence], kept: set[int], stamped: set[int]) -> str:
    lines: list[str] = []
    line: list[str] = []
    last_marker: float | None = None
    previous = -1
    for sentence in sentences:
        if sentence.index not in kept:
            continue
        if sentence.index != previous + 1:
            if line:
                lines.append(" ".join(line))
                line = []
            lines.append(GAP)
        if sentence.start is not None and (
            not line
            or last_marker is None
            or sentence.index in stamped
            or sentence.start - last_marker >= MARKER_EVERY_SECONDS
        ):
            if line:
                lines.append(" ".join(line))
            line = [f"[{format_timestamp(sentence.start)}]"]
            last_marker = sentence.start
        line.append(sentence.text)
        previous = sentence.index
    if line:
        lines.append(" ".join(line))
    if previous < len(sentences) - 1:
        lines.append(GAP)
    return "\n".join(lines)
