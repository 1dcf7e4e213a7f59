"""S05 by rules: the central claim, by extractive ranking, from the text alone.

Every sentence gets a score:

    centrality  TextRank over the sentences, linked by the content words they
                share, each weighted by its inverse sentence frequency and the
                link divided by log(length) of both sentences; scaled so the
                most central sentence scores 1, or n/15 in a text of n < 15
                sentences (a few repeated words make a meaningless graph)
  + claim cues  the strongest one: 1.5 for claim framing ("the truth is",
                "what matters is", "the point is", "the real reason", "most
                people think", "it's not about X, it's Y", "X don't A; they
                B", "the problem with X is", "conclusion:"); 1.0 for findings
                ("the study found", "it is clear that"), antitheses ("not X
                but Y", "can A, but cannot B"), "more important than" and a
                closing "ultimately" / "in the end"; 0.6 for comparisons and
                generalisations ("X beats Y", "the more ..., the more", "the
                ones who") and a step's "thus"; 0.4 for stance ("I believe",
                "that's why", "should", "have a right to"); 0.15 for
                superlatives
  + position    0.1 in the first fifth or the last sixth (thesis and conclusion)
  - penalties   calls to action and signposting ("in this video", "what I
                want to do is show you": -1), greetings (-0.8), questions
                (-0.5), fragments under 6 words (-0.5), attributions and
                quotations (-0.4 each: someone else's words), first-person
                narration ("I was", "I stopped": -0.3)

The title is never read: the claim is what the text itself keeps returning to.
The best sentence is the perspective. When it leans on the sentence before
("But ...", "That's why ...") that one is prepended; when it is short, the next
one is appended: at most two sentences.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .sentences import Sentence, SentenceIndex

@dataclass(frozen=True)
class Cue:
    """A phrase pattern with its weight; `hints` are substrings the pattern cannot match without
    (a cheap pre-check: most sentences hold none, and each full search costs a pass over the text)."""

    weight: float
    hints: tuple[str, ...]
    pattern: re.Pattern[str]
    reports: bool = False  # a finding or the piece's conclusion ("the study found", "in the end"), not a framing

    def where(self, index: SentenceIndex) -> set[int] | None:
        """The sentences that may hold the cue (None: any sentence may)."""
        return index.holding(self.hints) if self.hints else None


def _cues(*table: tuple[float, str, str] | tuple[float, str, str, str]) -> tuple[Cue, ...]:
    """Cues from (weight, "hint|hint", regex[, "reports"]) rows, strongest first; an empty hint list means
    always search."""
    cues = (Cue(row[0], tuple(h for h in row[1].split("|") if h), re.compile(row[2]), row[3:] == ("reports",))
            for row in table)
    return tuple(sorted(cues, key=lambda cue: -cue.weight))


CLAIM_CUES = _cues(
    # claim framing: the speaker says "this is my point"
    (1.5, "truth|reality|fact|the thing",
     r"\bthe (?:truth|reality|fact) (?:is|of the matter)\b|\bhere(?:'s| is) the (?:thing|truth)\b"),
    (1.5, "the real ", r"\bthe real (?:reason|problem|secret|key|question|issue|lesson|cost)\b"),
    (1.5, "people |experts|economists|scientists|researchers|analysts|doctors|historians",
     r"\b(?:most|many) (?:\w+ )?(?:people|experts|economists|scientists|researchers|analysts|doctors|historians),?"
     r"(?: \w+,)? (?:think|believe|assume|argue|agree|say)\b"),
    (1.5, "key |secret |trick |answer |matters |upshot|gist|crux|big idea|core idea|central idea",
     r"\bthe (?:key|secret|trick|answer) (?:is|to)\b|\bwhat (?:really |actually )?matters (?:most )?is\b|"
     r"\bthe (?:upshot|gist|crux|(?:big|core|central) idea|key (?:idea|insight|message|mantra|principle|lesson|point))\b"),
    (1.5, "not |n't ",
     r"\b(?:isn'?t|is not|aren'?t|are not|it'?s not|not) (?:about|because|that|whether)\b.*\b(?:it's|it is|but)\b"),
    (1.5, "contention|argument|thesis|my claim|my case|proposal|conviction|argue|arguing|m suggesting|m saying|"
          "m proposing|am suggesting|am saying|am proposing",  # the speaker names the thesis: "my contention is"
     r"\bmy (?:contention|argument|thesis|claim|case|proposal|conviction) is\b|\bi(?:'d| would| will) argue\b|"
     r"\bwhat i(?:'m| am) (?:saying|arguing|suggesting|proposing) is\b|\bi(?:'m| am) (?:arguing|suggesting) that\b"),
    (1.5, "bottom line|lesson|point|takeaway|moral",
     r"\bthe (?:(?:whole|main|ultimate|real) )?(?:bottom line|lesson|point|takeaway|moral)(?: \w+)? "
     r"(?:is|here|that)\b"),
    (1.5, "biggest |most important |number one ",
     r"\bthe (?:biggest|most important|number one) (?:mistake|lesson|thing|reason|factor|problem)\b"),
    (1.5, "conclu|follows that|sure of|certain of|convinced of",
     r"(?:^|[,;:] )(?:so,? |and )?(?:in conclusion|to conclude)\b|\bit follows that\b|\bconclusion(?: is\b|:)|"
     r"\bwhat i(?:'m| am) (?:sure|certain|convinced) of\b"),
    (1.5, "consequence|problem|danger|trouble|lesson|moral|is this:",
     r"\bthe (?:consequence|problem|danger|trouble|lesson|moral) (?:of|with) [^,;]{2,40} is\b|\bis this:"),
    (1.5, ";|:",  # antithesis: "people don't buy what you do; they buy why you do it"
     r"\b(?:don'?t|doesn'?t|do not|does not|isn'?t|aren'?t|can(?:no|')t) [^;:.]{2,40}[;:] (?:they|it|we|you|she|he)\b"),
    # findings, antitheses, a closing conclusion
    (1.0, "study|research|analysis|report|team |scientists",
     r"\b(?:(?:the|this|our|their|a new) |an? (?:\w+ )?)(?:study|research|analysis|report|team|researchers|scientists) "
     r"(?:of (?:\w+ ){1,2})?(?:\w+ )?(?:found|finds|shows?|showed|concluded|suggests?|revealed|discovered|"
     r"(?:has|have) (?:created|built|developed|discovered|identified|shown|found))\b", "reports"),
    (1.0, "clear that",
     r"\bit (?:is|'s) (?:becoming |now |increasingly |gradually becoming |abundantly )?clear that\b", "reports"),
    (1.0, "not ",
     r"\bnot (?:\w+ ){1,12}?but(?: rather)? (?:\w+ )?(?:because|about|what|that|to|the|by|a|an|in)\b"),
    (1.0, "more important than|matters more than|what counts is",
     r"\b(?:more important than|matters more than|what counts is)\b", "reports"),
    (1.0, ", but ", r"\b(?:can|could|will|may)\b[^,;.]{2,60}, but (?:\w+ )?(?:cannot|can'?t|won'?t|will not|never)\b"),
    (1.0, "", r"^(?:ultimately|in the end|in short|in sum|so in the end|above all)\b", "reports"),  # the conclusion
    # comparisons and generalisations, a step's conclusion
    (0.6, "beat|outperform|win|better than|worse than",
     r"\b(?:beats?|outperforms?)\b|\bwins? (?:by|over|because|when|every)\b|\b(?:better|worse) than\b"),
    (0.6, "who|the more",
     r"\bthe (?:ones|people|creators|companies) who\b|\bthe more \w[^,;]*,? the (?:more|less|better)\b"),
    (0.6, "", r"^(?:therefore|thus|hence)\b"),
    # stance and consequence
    (0.4, "i believe|i am |i think that|in my ",
     r"\b(?:i (?:believe|am convinced|am sure|think that)|in my (?:opinion|experience))\b"),
    (0.4, "why|means|other words|problem is|reason is",
     r"\b(?:that'?s why|which means|in other words|the problem is|the reason is)\b"),
    (0.4, "should|must|need to|have to|right to", r"\b(?:should|must|need to|have to|have (?:a|the) right to)\b"),
    (0.15, "best|worst|most|least|only|biggest|never|always",
     r"\b(?:best|worst|most|least|only|biggest|never|always)\b"),
)
PENALTIES = _cues(
    (-1.0, "subscribe|hit the|link|sponsor|patreon|smash that",
     r"\b(?:subscribe|hit the (?:like|bell)|link (?:is )?in the description|sponsor(?:ed)?|patreon|smash that)\b"),
    (-1.0, "let me know|tell me|comment",
     r"\b(?:let me know|tell me|leave a comment|drop a comment|comment) (?:down )?(?:below|in the comments)\b"),
    # signposting: announcing what the piece will do is not what it claims
    (-1.0, "what i want to do|i want to |show you|in this |in today|in the next |by the end of this",
     r"\b(?:what i want to do|i want to (?:show|talk|explain|walk)|i'?(?:ll| will) show you|let me show you|"
     r"in (?:this|today'?s|the next) (?:video|article|talk|lesson|episode|post)|by the end of this)\b"),
    # boilerplate under an article: a disclaimer or an editor's note is the publisher's, not the piece's claim
    (-1.0, "disclaimer|note|own|reflect",
     r"^(?:disclaimer|editor'?s note|note to readers|correction)\b|\b(?:views|opinions) [^.]{0,80}\bare (?:their|his|her|"
     r"the author'?s|the writer'?s) own\b|\bdo not (?:necessarily )?reflect (?:the|those)\b"),
    (-0.8, "", r"^(?:hey|hi|hello|what'?s up|welcome back|good morning)\b"),
    (-0.5, "?", r"\?\s*$"),
    (-0.4, "said|says|told|according to|report|wrote|writes",
     r"\b(?:said|says|told|according to|reports?|reported|wrote|writes)\b"),
    # a quotation: someone else's words, not the piece's claim
    (-0.4, "\"|“|”|'|‘", r"^[\"“”'‘]|[\"“”]\s*$"),
    (-0.3, "", r"^(?:and |so |but )?i (?:was|had|made|got|went|did|lost|quit|kept|spent|\w*[^e\W]ed)\b"),
)
_LEANS_BACK = re.compile(r"^(?:but|and|so|that'?s why|which|because|this is why|that is why)\b")
MAX_WORDS = 60
FULL_CENTRALITY_SENTENCES = 15
TEXTRANK_ROUNDS = 10
DAMPING = 0.85


def score_sentences(sentences: Sequence[Sentence]) -> list[float]:
    """One score per sentence (see the module notes); same order as `sentences`.

    Memoised: condensing and the perspective both rank the same transcript.
    """
    return list(_scores(tuple(sentences)))


@lru_cache(maxsize=8)
def _scores(sentences: tuple[Sentence, ...]) -> tuple[float, ...]:
    n = len(sentences)
    centralities = _centrality([s.stems for s in sentences])
    head, tail = n / 5, n * 5 / 6
    index = SentenceIndex(sentences)  # each cue is searched only in the sentences that hold one of its hints
    claims = [(cue, cue.where(index)) for cue in CLAIM_CUES]
    penalties = [(penalty, penalty.where(index)) for penalty in PENALTIES]
    scores: list[float] = []
    for sentence, centrality in zip(sentences, centralities, strict=True):
        text, at = sentence.lower, sentence.index
        score = centrality
        score += next(  # the strongest cue
            (cue.weight for cue, where in claims if (where is None or at in where) and cue.pattern.search(text)), 0.0
        )
        score += sum(p.weight for p, where in penalties if (where is None or at in where) and p.pattern.search(text))
        if len(sentence.tokens) < 6:
            score -= 0.5
        if sentence.index < head or sentence.index >= tail:
            score += 0.1
        scores.append(score)
    return tuple(scores)


def _centrality(bags: Sequence[frozenset[str]]) -> list[float]:
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
    top = (float(rank.max()) or 1.0) / min(1.0, size / FULL_CENTRALITY_SENTENCES)
    return [float(r) / top for r in rank]


def claim_cue(sentence: Sentence) -> Cue | None:
    """The strongest claim cue the sentence holds (None when none): what framing chose it."""
    return next((cue for cue in CLAIM_CUES if cue.pattern.search(sentence.lower)), None)


def score_margin(sentences: Sequence[Sentence]) -> float:
    """How far the best sentence's score is ahead of the runner-up's (0 for one sentence or none)."""
    scores = sorted(score_sentences(sentences), reverse=True)
    return scores[0] - scores[1] if len(scores) > 1 else 0.0


def best_sentence(sentences: Sequence[Sentence]) -> Sentence | None:
    """The sentence the perspective is built around (the best score; the earliest on a tie)."""
    if not sentences:
        return None
    scores = score_sentences(sentences)
    return sentences[max(range(len(sentences)), key=lambda i: (scores[i], -i))]


def find_perspective(sentences: Sequence[Sentence]) -> str | None:
    """The central claim in one or two sentences; None when there is no text."""
    if not sentences:
        return None
    scores = score_sentences(sentences)
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

