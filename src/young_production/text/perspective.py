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

import numpy as np

from .grammar import past_tense_verbs
from .sentences import STOP_WORDS, Sentence, content_stems, words

CLAIM_CUES: tuple[tuple[float, str], ...] = (
        # claim framing: the speaker says "this is my point"
        (1.5, r"\bthe (?:truth|reality|fact) (?:is|of the matter)\b|\bhere(?:'s| is) the (?:thing|truth)\b"),
        (1.5, r"\bthe real (?:reason|problem|secret|key|question|issue|lesson|cost)\b"),
        (1.5, r"\b(?:most|many) people (?:think|believe|assume)\b"),
        (1.5, r"\bthe (?:key|secret|trick|answer) (?:is|to)\b|\bwhat (?:really |actually )?matters (?:most )?is\b"),
        (1.5, r"\b(?:isn'?t|is not|aren'?t|are not|it'?s not|not) (?:about|because|that|whether)\b.*\b(?:it'?s|it is|but)\b"),
        (1.5, r"\bthe (?:(?:whole|main|ultimate|real) )?(?:bottom line|lesson|point|takeaway|moral)(?: \w+)? (?:is|here|that)\b"),
        (1.5, r"\bthe (?:biggest|most important|number one) (?:mistake|lesson|thing|reason|factor|problem)\b"),
        (1.5, r"\b(?:in conclusion|to conclude|it follows that)\b|\bconclusion(?: is\b|:)|\bwhat i(?:'m| am) (?:sure|certain|convinced) of\b"),
        (1.5, r"\bthe (?:consequence|problem|danger|trouble|lesson|moral) (?:of|with) [^,;]{2,40} is\b|\bis this:"),
        (1.5, r"\b(?:don'?t|doesn'?t|do not|does not|isn'?t|aren'?t|can(?:no|')t) [^;:.]{2,40}[;:] (?:they|it|we|you|she|he)\b"),
        # findings and stance
        (1.0, r"\b(?:the|this|our|their|a new) (?:study|research|analysis|report|team|researchers|scientists) "
              r"(?:\w+ )?(?:found|finds|shows?|showed|concluded|suggests?|revealed)\b"),
        (1.0, r"\bit (?:is|'s) (?:becoming |now |increasingly |gradually becoming |abundantly )?clear that\b"),
        (1.0, r"\bnot (?:\w+ ){1,12}?(?:but|—|--)(?: rather)? (?:\w+ )?(?:because|about|what|that|to|the|by|a|an|in)\b"),
        (0.6, r"\b(?:beats?|wins?|outperforms?)\b|\b(?:better|worse|more important) than\b"),
        (0.6, r"\bthe (?:ones|people|creators|companies) who\b|\bthe more \w[^,;]*,? the (?:more|less|better)\b"),
        (0.6, r"^(?:ultimately|in the end|in short|in sum|so in the end|above all|therefore|thus|hence)\b"),
        (0.4, r"\b(?:i (?:believe|am convinced|am sure|think that)|in my (?:opinion|experience))\b"),
        (0.4, r"\b(?:that'?s why|which means|in other words|the problem is|the reason is)\b"),
        (0.4, r"\b(?:should|must|need to|have to|have (?:a|the) right to)\b"),
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
TEXTRANK_ROUNDS = 10
DAMPING = 0.85


def score_sentences(sentences: Sequence[Sentence], title: str = "") -> list[float]:
    """One score per sentence (see the module notes); same order as `sentences`.

    Memoised: condensing and the perspective both rank the same transcript.
    """
    return list(_scores(tuple(sentences), title))


KNOBS = dict(heading=0.0, stack=0.0, long=0.0, long_n=40, past=0.0, number=0.0, example=0.0, lead=0.0, lead_n=2, end=0.0, end_share=0.1, refrain=0.0, pos=0.1)


@lru_cache(maxsize=8)
def _scores(sentences: tuple[Sentence, ...], title: str) -> tuple[float, ...]:
    K = KNOBS
    bags = [s.stems for s in sentences]
    centralities = _centrality(bags, len(sentences))
    refrains = _refrains(sentences) if K["refrain"] else [0] * len(sentences)
    n = len(sentences)
    head, tail = n / 5, n * 5 / 6
    scores: list[float] = []
    for sentence, centrality, refrain in zip(sentences, centralities, refrains, strict=True):
        text = sentence.lower
        score = centrality
        found = [w for w, rx in _CUE_GROUPS if rx.search(text)]
        score += (found[0] + K["stack"] * sum(found[1:3])) if found else 0.0
        score += sum(w for w, rx in PENALTIES if rx.search(text))
        if sentence.start is None and sentence.text[-1:].isalnum():
            score -= K["heading"]
        if len(sentence.tokens) > K["long_n"]:
            score -= K["long"]
        if len(sentence.tokens) < 6:
            score -= 0.5
        if sentence.index < head or sentence.index >= tail:
            score += K["pos"]
        if sentence.index < K["lead_n"]:
            score += K["lead"]
        if sentence.index >= n * (1 - K["end_share"]):
            score += K["end"]
        if past_tense_verbs(sentence.tokens):
            score -= K["past"]
        if _NUMBER.search(text):
            score -= K["number"]
        if _EXAMPLE.search(text):
            score -= K["example"]
        score += K["refrain"] * refrain
        scores.append(score)
    return tuple(scores)


_NUMBER = re.compile(r"\d")
_EXAMPLE = re.compile(r"\b(?:for example|for instance|e\.g\.|say,)")


def _refrains(sentences):
    """1 when the sentence shares a 3-word run (not all stop words) with a sentence at least 3 away."""
    seen = {}
    grams_of = []
    for s in sentences:
        toks = s.tokens
        grams = {toks[i:i+3] for i in range(len(toks) - 2) if not all(t in STOP_WORDS for t in toks[i:i+3])}
        grams_of.append(grams)
        for g in grams:
            seen.setdefault(g, []).append(s.index)
    out = []
    for s, grams in zip(sentences, grams_of):
        hit = sum(1 for g in grams if any(abs(j - s.index) >= 3 for j in seen[g]))
        out.append(min(hit, 3) / 3)
    return out


def _centrality(bags: Sequence[frozenset[str]], n: int) -> list[float]:
    """TextRank over sentences linked by the content words they share.

    An edge weighs the shared words' inverse sentence frequency, divided by
    log(length) of both sentences (Mihalcea & Tarau's normalisation, so long
    sentences do not win by sheer size); ranks come from a few rounds of
    PageRank. Scaled so the top sentence scores 1, or n/15 in a short text.
    Element-wise numpy only: BLAS threads would cost more than they save on
    matrices this small.
    """
    size = len(bags)
    postings: dict[str, list[int]] = {}
    for row, bag in enumerate(bags):
        for word in bag:
            postings.setdefault(word, []).append(row)
    pairs, weights = [], []
    for rows in postings.values():
        if len(rows) >= 2:
            where = np.array(rows)
            pairs.append((where[:, None] * size + where[None, :]).ravel())
            weights.append(np.full(len(rows) * len(rows), math.log(size / len(rows))))
    if not pairs:
        return [0.0] * size
    edges = np.bincount(np.concatenate(pairs), np.concatenate(weights), size * size).reshape(size, size)
    np.fill_diagonal(edges, 0.0)
    norms = np.log(np.array([len(bag) for bag in bags], dtype=float) + 1.0)
    edges /= np.maximum(norms[:, None] + norms[None, :], 1e-9)
    out = edges.sum(axis=1)
    transition = np.divide(edges, out[:, None], out=np.zeros_like(edges), where=out[:, None] > 0)
    rank = np.ones(size)
    for _ in range(TEXTRANK_ROUNDS):
        rank = (1 - DAMPING) + DAMPING * (transition * rank[:, None]).sum(axis=0)
    top = (float(rank.max()) or 1.0) / min(1.0, n / FULL_CENTRALITY_SENTENCES)
    return [float(r) / top for r in rank]


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

