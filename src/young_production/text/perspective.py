"""S05 by rules: the central claim, by extractive ranking.

Every sentence gets a score:

    centrality  cosine between the sentence's content words and the transcript's
                centroid (content words said at least twice, weighted 1 + ln(count)
                so a repeated refrain does not drown everything else),
                scaled so the most central sentence scores 1, or n/15 in a
                text of n < 15 sentences (MEAD-style centroid ranking: linear
                time, unlike a full TextRank graph)
  + title       up to 0.3 for sharing content words with the title
  + claim cues  1.5 for claim framing ("the truth is", "the real reason",
                "most people think ... but", "the key is", "it's not about X,
                it's about Y"), 0.4 for stance or consequence ("I believe",
                "that's why", "should", "must"), 0.6 for comparisons and
                generalisations ("X beats Y", "wins", "better than", "the
                ones who"), 0.15 for superlatives
  + position    0.1 in the first fifth or the last sixth (thesis and conclusion)
  - penalties   calls to action (-1), greetings (-0.8), questions (-0.5),
                fragments under 6 words (-0.5), first-person narration
                ("I was", "I stopped": -0.3)

The best sentence is the perspective. When it leans on the sentence before
("But ...", "That's why ...") that one is prepended; when it is short, the next
one is appended: at most two sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from .sentences import Sentence, content_stems, words

CLAIM_CUES: tuple[tuple[float, str], ...] = (
        (1.5, r"\bthe (?:truth|reality) is\b|\bhere(?:'s| is) the (?:thing|truth)\b"),
        (1.5, r"\bthe real (?:reason|problem|secret|key|question|issue|lesson|cost)\b"),
        (1.5, r"\b(?:most|many) people (?:think|believe|assume)\b"),
        (1.5, r"\bthe (?:key|secret|trick|answer) (?:is|to)\b|\bwhat (?:really|actually) matters\b"),
        (1.5, r"\b(?:isn'?t|is not|aren'?t|are not|it'?s not) (?:about|because)\b.*\b(?:it'?s|it is|but)\b"),
        (1.5, r"\bthe (?:bottom line|lesson|point|takeaway) (?:is|here)\b"),
        (1.5, r"\bthe (?:biggest|most important|number one) (?:mistake|lesson|thing|reason|factor|problem)\b"),
        (0.6, r"\b(?:beats?|wins?|outperforms?|trumps?)\b|\b(?:better|worse|more|less) than\b"),
        (0.6, r"\bthe (?:ones|people|creators|companies) who\b"),
        (0.4, r"\b(?:i (?:believe|am convinced)|in my (?:opinion|experience))\b"),
        (0.4, r"\b(?:that'?s why|which means|in other words|the problem is|the reason is)\b"),
        (0.4, r"\b(?:should|must|need to|have to)\b"),
        (0.15, r"\b(?:best|worst|most|least|only|biggest|never|always)\b"),
)
# One alternation per weight, strongest first: a sentence scores its strongest cue.
_CUE_GROUPS = tuple(
    (weight, re.compile("|".join(f"(?:{rx})" for w, rx in CLAIM_CUES if w == weight)))
    for weight in sorted({w for w, _ in CLAIM_CUES}, reverse=True)
)
PENALTIES: tuple[tuple[float, re.Pattern[str]], ...] = tuple(
    (weight, re.compile(rx))
    for weight, rx in (
        (-1.0, r"\b(?:subscribe|hit the (?:like|bell)|link (?:is )?in the description|sponsor(?:ed)?|patreon|"
               r"smash that)\b"),
        (-1.0, r"\b(?:let me know|tell me|leave a comment|drop a comment|comment) (?:down )?"
               r"(?:below|in the comments)\b"),
        (-0.3, r"^(?:and |so |but )?i (?:was|had|made|got|went|did|lost|quit|kept|spent|\w*[^e\W]ed)\b"),
        (-0.8, r"^(?:hey|hi|hello|what'?s up|welcome back|good morning)\b"),
        (-0.5, r"\?\s*$"),
        (-0.4, r"\b(?:said|says|told|according to|reports?|reported|wrote|writes)\b"),
        (-0.4, r"^[\"“”'‘]|[\"“”]\s*$"),  # a quotation: someone else's words, not the piece's claim
    )
)
_LEANS_BACK = re.compile(r"^(?:but|and|so|that'?s why|which|because|this is why|that is why)\b")
MAX_WORDS = 60
FULL_CENTRALITY_SENTENCES = 15


def score_sentences(sentences: Sequence[Sentence], title: str = "") -> list[float]:
    """One score per sentence (see the module notes); same order as `sentences`.

    Memoised: condensing and the perspective both rank the same transcript.
    """
    return list(_scores(tuple(sentences), title))


@lru_cache(maxsize=8)
def _scores(sentences: tuple[Sentence, ...], title: str) -> tuple[float, ...]:
    bags = [s.stems for s in sentences]
    counts = Counter(word for bag in bags for word in bag)
    centroid = {word: 1.0 + math.log(n) for word, n in counts.items() if n >= 2}
    norm = math.sqrt(sum(n * n for n in centroid.values())) or 1.0
    raw = [sum(centroid.get(w, 0) for w in bag) / (math.sqrt(len(bag)) * norm) if bag else 0.0 for bag in bags]
    # in a short text a few repeated words make a meaningless centroid: it counts for less
    top = (max(raw, default=0.0) or 1.0) / min(1.0, len(sentences) / FULL_CENTRALITY_SENTENCES)
    title_words = set(content_stems(words(title)))
    head, tail = len(sentences) / 5, len(sentences) * 5 / 6
    scores: list[float] = []
    for sentence, bag, centrality in zip(sentences, bags, raw, strict=True):
        text = sentence.lower
        score = centrality / top
        if title_words:
            score += 0.3 * len(bag & title_words) / len(title_words)
        score += next((w for w, rx in _CUE_GROUPS if rx.search(text)), 0.0)
        score += sum(w for w, rx in PENALTIES if rx.search(text))
        if len(sentence.tokens) < 6:
            score -= 0.5
        if sentence.index < head or sentence.index >= tail:
            score += 0.1
        scores.append(score)
    return tuple(scores)


def find_perspective(sentences: Sequence[Sentence], title: str = "") -> str | None:
    """The central claim in one or two sentences; None when there is no text."""
    if not sentences:
        return None
    scores = score_sentences(sentences, title)
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = [sentences[best]]
    text = sentences[best].text.lower().lstrip("\"'“‘ ")
    if best > 0 and _LEANS_BACK.match(text) and scores[best - 1] > -0.5:
        chosen.insert(0, sentences[best - 1])
    elif len(sentences[best].tokens) < 10 and best + 1 < len(sentences) and scores[best + 1] > -0.5:
        chosen.append(sentences[best + 1])
    if len(chosen) == 2 and sum(len(s.text.split()) for s in chosen) > MAX_WORDS:
        chosen = [sentences[best]]
    return " ".join(s.text for s in chosen)

