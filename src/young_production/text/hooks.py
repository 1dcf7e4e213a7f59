"""S06 by rules: the hook is the opening, classified by the cues it contains.

Opening: with timestamps, the sentences that start in the first 15 s of speech,
stopping once 8 s are covered (at most 45 words); without timestamps, the first line
(plus the second when the first is short), skipping a repeated title, bylines
and one- or two-word fragments.

Classification: every pattern has cues (regular expressions on the lower-cased
sentence) with a strength. A pattern's score is the sum over the opening's
sentences of its strongest cue in that sentence, weighted by position (the first
sentence counts most). The highest score wins; ties go to the more specific
pattern (the order of `PRIORITY`). Below `MIN_SCORE` the hook is a plain
`statement`. The tables are documented for users in docs/rules.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .sentences import Sentence, words

HOOK_MIN_SECONDS = 8.0
HOOK_MAX_SECONDS = 15.0
HOOK_MAX_WORDS = 45
POSITION_WEIGHTS = (1.0, 0.7, 0.5, 0.4)
MIN_SCORE = 1.5
FALLBACK = "statement"

_NUM = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|fifty|a hundred)"
_LIST_NOUNS = (
    r"(?:ways|tips|things|reasons|mistakes|steps|habits|rules|secrets|lessons|tools|signs|hacks|ideas|"
    r"books|apps|questions|strategies|tricks|myths|truths|facts|places|foods|exercises|skills|products|"
    r"stocks|methods|principles|laws|websites|games|movies|countries|jobs|side hustles)"
)
_METRIC = (
    r"(?:[$£€]\s?\d[\d,.]*\s?(?:k|m|million|thousand|billion)?|\d[\d,.]*\s?(?:k\b|%|percent|pounds|kilos|"
    r"kg|lbs|followers|subscribers|customers|clients|users|views|dollars|downloads|sales|students))"
)


def _cues(*pairs: tuple[float, str]) -> tuple[tuple[float, re.Pattern[str]], ...]:
    return tuple((strength, re.compile(rx)) for strength, rx in pairs)


# pattern -> (strength, regex) cues; strengths: 3 = decisive, 2-2.5 = typical, 1.5 = weak
CUES: dict[str, tuple[tuple[float, re.Pattern[str]], ...]] = {
    "number_list": _cues(
        (3, rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}{_LIST_NOUNS}\b"),
        (2.5, rf"\b(?:number (?:one|1)|top {_NUM}|here (?:are|is) (?:my |the )?(?:top )?{_NUM})\b"),
    ),
    "statistic": _cues(
        (3, r"\d+(?:\.\d+)?\s?%|\b(?:\d+(?:\.\d+)?|[a-z]+ty(?:[- ][a-z]+)?|ten|five|fifteen|half) percent\b"),
        (3, rf"\b(?:\d+|one|two|three|four|five|nine) (?:out of|in) {_NUM}\b(?! (?:days|weeks|months|years|minutes))"),
        (2, r"\b(?:studies|research|data|statistics|a survey|a study|scientists) (?:show|shows|found|suggests?|say)\b"),
        (2, r"\baccording to\b|\b\d[\d,.]* (?:million|billion|trillion)\b"),
    ),
    "how_to": _cues(
        (3, r"\bhow to\b|\bhere(?:'s| is) how\b|\bstep[- ]by[- ]step\b|\b(?:tutorial|walkthrough|beginner'?s guide)\b"),
        (3, r"\b(?:show|teach) you (?:exactly )?how\b"),
        (3, r"\bthe (?:best|easiest|fastest|simplest|cheapest|right|only) way to\b"),
    ),
    "result_first": _cues(
        (3, rf"\b(?:i|we) (?:just )?(?:made|make|earned|earn|lost|gained|grew|built|saved|paid off|doubled|"
            rf"tripled|sold|raised|hit|reached)\b.*{_METRIC}"),
        (3, r"\bwent from\b.+\bto\b|\bfrom (?:zero|nothing|broke|\$?\d[\w,.]*) to\b"),
        (2.5, r"\b(?:this is|here(?:'s| is)) (?:what|how much) (?:happened|i made|i earned|i lost)\b"),
        (2.5, r"\b(?:this|that|one) (?:simple |little )?\w+ (?:made|saved|earned|got) me\b"),
        (2, r"\b(?:after|in) (?:\d+|one|two|three|thirty|ninety|a hundred) (?:days|weeks|months|years)\b"),
    ),
    "contrarian": _cues(
        (3, r"\b(?:everything|what) you(?:'ve| have)?(?: been| were)? (?:told|taught|know|think|believe|learned)"
            r" about\b.*\b(?:wrong|a lie|a myth|backwards|outdated)\b"),
        (3, r"\b(?:is|are) (?:a myth|a lie|a scam|overrated|dead|wrong|useless|a waste of (?:time|money))\b"),
        (3, r"\b(?:unpopular opinion|hot take|contrary to popular belief|the opposite is true)\b"),
        (3, r"\b(?:you'?ve been doing it wrong|you'?re doing it wrong|(?:nobody|no one) (?:tells|talks about))\b"),
        (3, r"\b(?:most|many) people (?:think|believe|assume)\b.*\b(?:but|wrong|actually)\b"),
        (2.5, r"\bstop \w+ing\b"),
        (2.5, r"\bforget (?:everything|what) you\b"),
        (2, r"\b(?:myths?|misconceptions?)\b"),
    ),
    "story": _cues(
        (3, r"\b(?:when i was|(?:years|months) ago|once upon a time|i remember (?:when|the day)|so there i was)\b"),
        (3, r"\b(?:let me tell you (?:a story|about the time)|this is the story of)\b"),
        (3, r"\bback in (?:\d{4}|high school|college)\b"),
        (2.5, r"\b(?:last|one) (?:year|summer|winter|night|morning|day|week|month|spring|fall|evening),? "
              r"(?:i|my|we)\b"),
        (2.5, r"^i (?:was|had|spent|slept|lost|left|quit|grew up|used to|\w*[^e\W]ed)\b"),  # past tense, not "need"
        (2, r"\bmy (?:dad|mom|father|mother|friend|boss|wife|husband|brother|sister|grandfather|grandmother|"
            r"teacher|coach)\b"),
        (2, r"\bi was (?:sitting|standing|walking|working|driving|lying|\d+)\b"),
        (2, r"\bit was (?:a|the) (?:cold|hot|rainy|\w+day)\b"),
    ),
    "question": _cues(
        (2.5, r"\?\s*$"),
        (2.5, r"^(?:have you ever|did you know|ever wonder(?:ed)?|what if|why (?:do|does|did|is|are)|what would|"
              r"would you|do you|are you|is it true|can you)\b"),
    ),
    "bold_claim": _cues(
        (3, r"\b(?:this|it|that)(?: \w+){0,3} (?:will|is going to|can) (?:change|transform|save|blow)\b"),
        (3, r"\b(?:the )?(?:single )?(?:best|worst|most important|biggest|greatest|only)\b.{0,40}"
            r"\b(?:ever|in the world|of all time|in history|you'?ll ever|you can)\b"),
        (2.5, r"\bthe (?:truth|secret) (?:is|to)\b|\b(?:is|are) the (?:future|key|secret|answer)\b"),
        (2.5, r"\bchanged my life\b"),
        (2.5, r"\b(?:guaranteed|without a doubt|hands down|no question)\b"),
        (1.5, r"\b(?:best|worst|biggest|never|always|everything|nothing|everyone|nobody)\b"),
    ),
    "direct_address": _cues(
        (2.5, r"^(?:if you|you|your)\b"),
        (2, r"\bif you(?:'re| are| have| want| feel| struggle| ever)\b|\bthis (?:video )?is for you\b"),
    ),
}

# Ties go to the more specific pattern.
PRIORITY = (
    "number_list", "statistic", "how_to", "result_first", "contrarian",
    "story", "question", "bold_claim", "direct_address",
)

_BOILERPLATE = re.compile(
    r"^(?:by [a-z]|published|updated|posted|last updated|share|advertisement|subscribe|\d+ min(?:ute)? read)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hook:
    text: str
    pattern: str
    confidence: float
    start: float | None
    end: float | None


def find_hook(sentences: Sequence[Sentence], title: str = "") -> Hook | None:
    """The opening of a transcript and its pattern; None when there is no text."""
    window = opening(sentences, title)
    if not window:
        return None
    pattern, confidence = classify(window)
    return Hook(
        text=" ".join(s.text for s in window),
        pattern=pattern,
        confidence=confidence,
        start=window[0].start,
        end=window[-1].end,
    )


def opening(sentences: Sequence[Sentence], title: str = "") -> list[Sentence]:
    """The sentences that make up the hook (see the module notes)."""
    if not sentences:
        return []
    speech_starts = sentences[0].start
    if speech_starts is not None:
        chosen: list[Sentence] = []
        for sentence in sentences:
            if chosen and (
                sentence.start is None
                or sentence.start - speech_starts >= HOOK_MAX_SECONDS
                or (chosen[-1].end or speech_starts) - speech_starts >= HOOK_MIN_SECONDS
                or sum(len(s.tokens) for s in chosen) + len(sentence.tokens) > HOOK_MAX_WORDS
            ):
                break
            chosen.append(sentence)
        return chosen
    title_tokens = tuple(words(title))
    lines = [
        s
        for s in sentences[:12]
        if len(s.tokens) >= 3 and not _BOILERPLATE.match(s.text) and s.tokens != title_tokens
    ] or list(sentences[:1])
    if len(lines) > 1 and len(lines[0].tokens) < 15 and len(lines[0].tokens) + len(lines[1].tokens) <= HOOK_MAX_WORDS:
        return lines[:2]
    return lines[:1]


def classify(window: Sequence[Sentence]) -> tuple[str, float]:
    """(pattern, confidence) for the opening sentences."""
    scores = dict.fromkeys(PRIORITY, 0.0)
    for position, sentence in enumerate(window):
        weight = POSITION_WEIGHTS[min(position, len(POSITION_WEIGHTS) - 1)]
        text = sentence.lower.strip()
        for pattern, cues in CUES.items():
            strongest = max((strength for strength, rx in cues if rx.search(text)), default=0.0)
            scores[pattern] += weight * strongest
    ranked = sorted(PRIORITY, key=lambda p: (-scores[p], PRIORITY.index(p)))
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    if best < MIN_SCORE:
        return FALLBACK, 0.3
    confidence = 0.35 + 0.4 * min(best, 4.0) / 4.0 + 0.2 * (best - runner_up) / best
    return ranked[0], round(min(confidence, 0.95), 2)
