"""When is a new idea a near-duplicate of a video the Empire already has? Token-set Jaccard.

A title's *topic words* are its content words, lower-cased and folded to the
singular (`text.sentences.content_stems`: stop words and bare numbers dropped), so
"5 Habits That Actually Stick" and "Five habits that stick" share {habit, stick}.
Two titles are too similar when the Jaccard index of their topic words,
|A ∩ B| / |A ∪ B|, is at least `TOO_SIMILAR` (0.6), and they share at least two
words (or have the very same words). So {habit, stick} and {habit, stick} (1.0),
or four of five words (0.8), are one topic; two titles that add a different word
each to the same two ({a, b, c} vs {a, b, d}, 0.5) are not, nor is a title that
names the same subject with more specifics ("Five habits that stick" vs "The
2-minute rule for habits that stick": {habit, stick} vs {habit, minute, rule,
stick}, 0.5), nor titles that share one topic word only ("Why you never finish
what you start" vs "How to finish a marathon": {finish} vs {finish, marathon}).
The same test keeps an idea from repeating an existing Production or a
reference's title.

Why Jaccard rather than BM25 or embeddings: titles are a handful of words, no
embedding model ships offline in the dependency set (ARCHITECTURE.md §10), and a
set overlap is easy to explain in a report ("shares habit, stick with ...").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from ...text.sentences import content_stems, words

TOO_SIMILAR = 0.6


def topic_words(text: str) -> frozenset[str]:
    """The content words of a title, singular, lower-case."""
    return frozenset(w for w in content_stems(words(text or "")) if len(w) > 1)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Match:
    record_id: str
    title: str
    similarity: float
    shared: tuple[str, ...]


def closest(words_: frozenset[str], existing: Iterable[tuple[str, str]]) -> Match | None:
    """The most similar of `existing` (record id, title) pairs; None when nothing shares a word."""
    best: Match | None = None
    for record_id, title in existing:
        other = topic_words(title)
        score = jaccard(words_, other)
        if score > 0 and (best is None or score > best.similarity):
            best = Match(record_id, title, score, tuple(sorted(words_ & other)))
    return best


def is_near_duplicate(match: Match | None) -> bool:
    return match is not None and match.similarity >= TOO_SIMILAR and (len(match.shared) >= 2 or match.similarity == 1)


def topic_key(scope: str, words_: frozenset[str]) -> str:
    """An idempotency key for one topic in one scope (an Empire): the same words, the same key."""
    digest = hashlib.sha256(" ".join(sorted(words_)).encode("utf-8")).hexdigest()[:20]
    return f"idea:{scope}:{digest}"
