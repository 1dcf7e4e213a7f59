"""The originality guard: runs of words a script shares with its source transcripts.

Two measures, as plagiarism checkers use them:

- winnowing (Schleimer, Wilkerson, Aiken 2003): hash every k-word run, keep the
  smallest hash in each window of `w` consecutive hashes. Any run of at least
  w + k - 1 words that two texts share puts the same window in both, hence the same
  fingerprint: with k + w - 1 = max_run_words + 1, no run longer than the limit is
  missed. Fingerprints also give the share of the script found in a source.
- the longest common word run: each shared fingerprint is extended word by word, left
  and right, to the whole run both texts share.

Words are compared normalised (lower case, curly apostrophes straightened, Unicode
compatibility forms folded, punctuation ignored), so a copied line cut into two
sentences or re-capitalised is still found. A run longer than `max_run_words` is a
`Flag` naming the reference and quoting the run as the script has it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_MAX_RUN_WORDS = 12
DEFAULT_K = 5
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Flag:
    """A run of more than the allowed words copied from one reference."""

    dna_id: str
    title: str
    run_words: int
    excerpt: str

    def to_dict(self) -> dict[str, object]:
        return {"dna_id": self.dna_id, "title": self.title, "run_words": self.run_words, "excerpt": self.excerpt}


@dataclass(frozen=True)
class Tokens:
    """Normalised words and, for excerpts, where each sits in the original text."""

    text: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str) -> Tokens:
        matches = list(_TOKEN.finditer(text))
        norm = tuple(_normalise(m.group(0)) for m in matches)
        return cls(text, norm, tuple(m.span() for m in matches))

    def excerpt(self, start: int, length: int) -> str:
        return self.text[self.spans[start][0]: self.spans[start + length - 1][1]]


def _normalise(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold().replace("’", "'")


def _hash(gram: Sequence[str]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(gram).encode(), digest_size=8).digest(), "big")


def fingerprints(words: Sequence[str], k: int, window: int) -> dict[int, list[int]]:
    """Winnowed fingerprints: hash -> positions of the k-grams selected (robust winnowing).

    In each window of `window` consecutive k-gram hashes the smallest is selected (the
    rightmost on a tie); a selection is recorded once, however many windows pick it.
    A text shorter than k words has one fingerprint, of all its words.
    """
    if not words:
        return {}
    if len(words) < k:
        return {_hash(words): [0]}
    hashes = [_hash(words[i:i + k]) for i in range(len(words) - k + 1)]
    window = min(window, len(hashes))
    selected: dict[int, list[int]] = {}
    last = -1
    for start in range(len(hashes) - window + 1):
        span = hashes[start:start + window]
        low = min(span)
        pick = start + max(i for i, h in enumerate(span) if h == low)
        if pick != last:
            selected.setdefault(hashes[pick], []).append(pick)
            last = pick
    return selected


def winnow_parameters(max_run_words: int, k: int = DEFAULT_K) -> tuple[int, int]:
    """(k, window) such that every shared run of max_run_words + 1 words is found."""
    k = max(1, min(k, max_run_words + 1))
    return k, max(1, max_run_words + 2 - k)


def shared_runs(script: Tokens, source: Tokens, min_words: int, k: int = DEFAULT_K) -> list[tuple[int, int]]:
    """Maximal runs of at least `min_words` words both texts share: (script start, length), in order."""
    if min_words < 1 or len(script.words) < min_words or len(source.words) < min_words:
        return []
    k, window = winnow_parameters(min_words - 1, k)
    theirs = fingerprints(source.words, k, window)
    runs: dict[int, int] = {}
    for digest, positions in fingerprints(script.words, k, window).items():
        for j in theirs.get(digest, ()):
            for i in positions:
                start, length = _extend(script.words, source.words, i, j, k)
                if length >= min_words and runs.get(start, 0) < length:
                    runs[start] = length
    return _outermost(runs)


def _extend(a: Sequence[str], b: Sequence[str], i: int, j: int, k: int) -> tuple[int, int]:
    """The whole run around a k-gram both texts hold at a[i:], b[j:] (length 0 if the hashes collided)."""
    if tuple(a[i:i + k]) != tuple(b[j:j + k]):
        return i, 0
    left = 0
    while i - left > 0 and j - left > 0 and a[i - left - 1] == b[j - left - 1]:
        left += 1
    right = k
    while i + right < len(a) and j + right < len(b) and a[i + right] == b[j + right]:
        right += 1
    return i - left, left + right


def _outermost(runs: dict[int, int]) -> list[tuple[int, int]]:
    """Runs in script order without those lying inside another."""
    kept: list[tuple[int, int]] = []
    for start, length in sorted(runs.items(), key=lambda item: (item[0], -item[1])):
        if kept and start + length <= kept[-1][0] + kept[-1][1]:
            continue
        kept.append((start, length))
    return kept


def longest_common_run(a: str, b: str) -> int:
    """The most words in a row (normalised) two texts share."""
    x, y = Tokens.of(a).words, Tokens.of(b).words
    if not x or not y:
        return 0
    low, high = 0, min(len(x), len(y))
    while low < high:  # the longest length with a shared run: binary search over run lengths
        mid = (low + high + 1) // 2
        grams = {x[i:i + mid] for i in range(len(x) - mid + 1)}
        if any(y[j:j + mid] in grams for j in range(len(y) - mid + 1)):
            low = mid
        else:
            high = mid - 1
    return low


def similarity(script_text: str, source_text: str, k: int = DEFAULT_K, window: int = 4) -> float:
    """Share of the script's fingerprints found in the source (0 to 1)."""
    mine = fingerprints(Tokens.of(script_text).words, k, window)
    theirs = fingerprints(Tokens.of(source_text).words, k, window)
    return len(mine.keys() & theirs.keys()) / len(mine) if mine else 0.0


def check_originality(
    script_text: str,
    sources: Sequence[tuple[str, str, str]],
    max_run_words: int = DEFAULT_MAX_RUN_WORDS,
) -> list[Flag]:
    """Every run of more than `max_run_words` words the script shares with a source.

    `sources` are (dna_id, title, transcript). A stretch of the script that several
    sources share is flagged once, with the first source given. Longest runs first,
    then in script order.
    """
    if max_run_words < 1:
        raise ValueError("max_run_words must be at least 1")
    script = Tokens.of(script_text)
    found: dict[tuple[int, int], Flag] = {}
    for dna_id, title, transcript in sources:
        source = Tokens.of(transcript or "")
        for start, length in shared_runs(script, source, max_run_words + 1):
            found.setdefault((start, length), Flag(dna_id, title, length, script.excerpt(start, length)))
    return [found[span] for span in sorted(found, key=lambda span: (-span[1], span[0]))]
