"""Lexical relevance for S16: Okapi BM25 over a Viral DNA's decoded fields and transcript.

A small own implementation (an inverted index of term frequencies) because the
corpus is one team's DNA list: a few thousand documents at most, indexed in
well under a second and queried in about a millisecond, with no dependency.
Beyond the score it reports which query terms a document matched and how much
each contributed, which is what the suggestion's reason quotes.

Fields count with weights (a simple BM25F): the title, perspective, hook and
tags say what a reference is about, so their words count more than one more
mention deep in a transcript. Transcripts are cut at `TRANSCRIPT_TOKENS` so one
long video cannot drown the length normalisation.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from ...text.sentences import STOP_WORDS, clean_text, words

K1 = 1.2
B = 0.75
TRANSCRIPT_TOKENS = 1500
FIELD_WEIGHTS: Mapping[str, int] = {
    "title": 3,
    "tags": 2,
    "perspective": 2,
    "hook": 1,
    "open_loop": 1,
    "transcript": 1,
}
_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps its word in instance state


@lru_cache(maxsize=65536)
def term(word: str) -> str:
    """The Snowball (Porter2) stem, so "sleeping", "sleeps" and "sleep" meet ("happiness" and "happy" too)."""
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


def terms(text: str) -> list[str]:
    """Index terms of a text: content words, suffix-folded, caption markup dropped."""
    return [term(w) for w in words(clean_text(text)) if w not in STOP_WORDS and not w.isdigit() and len(w) > 1]


def surface_forms(text: str) -> dict[str, str]:
    """Each term of a text mapped to the first word that produced it (for reasons a person reads)."""
    forms: dict[str, str] = {}
    for w in words(clean_text(text)):
        if w not in STOP_WORDS and not w.isdigit() and len(w) > 1:
            forms.setdefault(term(w), w)
    return forms


@dataclass(frozen=True)
class LexicalHit:
    """One document's BM25 score and the query terms behind it, largest contribution first."""

    score: float
    matched: tuple[tuple[str, float], ...]


class BM25Index:
    """BM25 over documents given as {field: text}; documents are addressed by their id."""

    def __init__(self, documents: Mapping[str, Mapping[str, str | Iterable[str] | None]]):
        self.ids: list[str] = list(documents)
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        for number, doc_id in enumerate(self.ids):
            counts = _field_counts(documents[doc_id])
            self._lengths.append(sum(counts.values()))
            for t, count in counts.items():
                self._postings[t].append((number, count))
        n = len(self.ids)
        self._average = (sum(self._lengths) / n) if n else 0.0
        self._idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()}

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: str) -> dict[str, LexicalHit]:
        """Every document matching at least one query term, with its score and matched terms."""
        weights = Counter(terms(query))
        scores: dict[int, float] = defaultdict(float)
        parts: dict[int, list[tuple[str, float]]] = defaultdict(list)
        for t, query_count in weights.items():
            idf = self._idf.get(t)
            if idf is None:
                continue
            for number, tf in self._postings[t]:
                norm = 1 - B + B * self._lengths[number] / self._average if self._average else 1.0
                gain = query_count * idf * tf * (K1 + 1) / (tf + K1 * norm)
                scores[number] += gain
                parts[number].append((t, gain))
        return {
            self.ids[number]: LexicalHit(score, tuple(sorted(parts[number], key=lambda p: -p[1])))
            for number, score in scores.items()
        }

    def ideal_score(self, query: str) -> float:
        """The score of a document of average length that holds every query term once per field weight
        of the title: a fixed yardstick, so a weak best match is not shown as a perfect one."""
        total = 0.0
        tf = FIELD_WEIGHTS["title"]
        for t, query_count in Counter(terms(query)).items():
            idf = self._idf.get(t)
            if idf is not None:
                total += query_count * idf * tf * (K1 + 1) / (tf + K1)
        return total


def _field_counts(fields: Mapping[str, str | Iterable[str] | None]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for name, weight in FIELD_WEIGHTS.items():
        value = fields.get(name)
        if not value:
            continue
        text = value if isinstance(value, str) else " ".join(value)
        tokens: Sequence[str] = terms(text)
        if name == "transcript":
            tokens = tokens[:TRANSCRIPT_TOKENS]
        for t in tokens:
            counts[t] += weight
    return counts
