"""Speech helpers for tests: timed segments shaped like Whisper's output, and word error rate.

Speech recognition differs between machines (the same model on a CPU with other vector
instructions heard "newer" where another heard "viewer"), so tests score what Whisper
heard against the script a sample was spoken from, with a word-error-rate bound and a
few robust words, never one exact word.
"""

from __future__ import annotations

import re

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


_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spelled(number: int) -> str:
    """12 -> "twelve", 47 -> "forty seven", 1000000 -> "one million" (what a speaker says)."""
    for size, name in ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand"), (100, "hundred")):
        if number >= size:
            head, rest = divmod(number, size)
            return f"{_spelled(head)} {name}" + (f" {_spelled(rest)}" if rest else "")
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")


def spoken_words(text: str) -> list[str]:
    """Lower-case words without punctuation, digits spelled out ("47" -> "forty seven", "1,000" too)."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    text = re.sub(r"\d+", lambda m: f" {_spelled(int(m.group()))} ", text)
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.replace("-", " "))


def word_error_rate(reference: str, heard: str) -> float:
    """(substitutions + deletions + insertions) / words in `reference`, after `spoken_words`."""
    ref, hyp = spoken_words(reference), spoken_words(heard)
    previous = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, 1):
        current = [i]
        for j, other in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = current
    return previous[-1] / max(len(ref), 1)
