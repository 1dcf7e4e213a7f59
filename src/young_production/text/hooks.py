"""S06 by rules: the hook is the opening after any greeting, classified by its cues and its structure.

Opening: greetings, thanks, salutations ("Mr. Speaker, ... fellow citizens:"),
a host's introduction (everything up to "please join me in welcoming ...") and
"this video is a footnote to ..." are not the hook: the hook starts at the first
sentence after them. With timestamps, it is the sentences that start in the
first 15 s from there, stopping once 8 s are covered (at most 45 words); without
timestamps, the first line (plus the second when the first is short), skipping
a repeated title, bylines and one- or two-word fragments.

Classification: every pattern has cues (regular expressions on the lower-cased
sentence) with a strength, and some patterns are also recognised by the shape
of the sentence, whatever its words:

- story: a sentence about a person told in the past tense ("A UK man's decision
  caused him ...", "When the immunologist looked ..."), first or third person;
- direct_address: a second-person scenario or an imperative that puts the
  viewer in the scene ("Suppose you ...", "Picture this", "Try creating ...");
- result_first: a statement followed by a short "But why?" / "How?";
- question: a question anywhere in the opening (the first counts most).

A pattern's score is the sum over the opening's sentences of its strongest cue
or shape in that sentence, weighted by position (the first sentence counts
most). The highest score wins; ties go to the more specific pattern (the order
of `PRIORITY`). Below `MIN_SCORE` the hook is a plain `statement`, so a single
weak cue ("never", "everyone") is not enough. A sentence that points back to the
creator's earlier video ("In my last video we ...") is context, not narration:
its past tense is no story shape. The tables are documented for users in
docs/rules.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .grammar import names_person, past_tense_verbs
from .sentences import Sentence, lowered, words

HOOK_MIN_SECONDS = 8.0
HOOK_MAX_SECONDS = 15.0
HOOK_MAX_WORDS = 45
POSITION_WEIGHTS = (1.0, 0.7, 0.5, 0.4)
MIN_SCORE = 2.0
MAX_INTRO_SENTENCES = 12
HOST_INTRO_SECONDS = 120.0
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
        (3, r"^(?:so,? |and |today,? )?i want to (?:explain|show you|tell you|teach you|talk (?:to you )?(?:\w+ ){0,12}about)\b"),
        (3, r"\b(?:the goal (?:here |of this \w+ )?is (?:for you )?to|you'?ll (?:learn|understand|see) (?:how|why|what))\b"),
        (3, r"\bcome away (?:from this \w+ )?(?:understanding|knowing|with)\b"),
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
        (3, r"\b(?:seems?|feels?|looks?|sounds?) (?:\w+ ){0,2}(?:impossible|obvious|simple|easy|wrong|crazy)\b.{0,40}\bbut\b"),
        (3, r"\b(?:is|are) secretly\b|\bmixed feelings\b|\bon the one hand\b|\band yet\b"),
        (3, r"\b(?:i )?(?:don'?t|do not) think (?:this|that|it) is (?:very )?good advice\b|\bnot (?:very )?good advice\b"),
        (2.5, r"\bnot (?:a|an|the|just|only|merely) [^,.;:?!]{1,40}\bbut (?:a|an|the)\b"),
        (3, r"\b(?:everything|what) you(?:'ve| have)?(?: been| were)? (?:told|taught|know|think|believe|learned)"
            r" about\b.*\b(?:wrong|a lie|a myth|backwards|outdated)\b"),
        (3, r"\b(?:is|are) (?:a myth|a lie|a scam|overrated|dead|wrong|useless|a waste of (?:time|money))\b"),
        (3, r"\b(?:unpopular opinion|hot take|contrary to popular belief|the opposite is true)\b"),
        (3, r"\b(?:you'?ve been doing it wrong|you'?re doing it wrong|(?:nobody|no one) (?:tells|talks about))\b"),
        (3, r"\b(?:most|many) people (?:think|believe|assume)\b.*\b(?:but|wrong|actually)\b"),
        (2.5, r"\bstop \w+ing\b"),
        (2.5, r"\bforget (?:everything|what) you\b"),
        (3, r"\b(?:probably |actually )?not what you (?:think|expect|imagine)\b"),
        (2, r"\b(?:myths?|misconceptions?)\b"),
    ),
    "story": _cues(
        (3, r"\btell you (?:a|the|some|a few|my|one) (?:\w+ ){0,2}stor(?:y|ies)\b|\bi'?m a storyteller\b"),
        (3, r"\b(?:when i was|(?:years|months) ago|once upon a time|i remember (?:when|the day)|so there i was)\b"),
        (3, r"\b(?:let me tell you (?:a story|about the time)|this is the story of)\b"),
        (3, r"\bback in (?:\d{4}|high school|college)\b"),
        (2.5, r"^(?:it'?s|it is|it was|the year is) (?:the year )?1[5-9]\d\d\b|^in 1[5-9]\d\d,"),  # "It's 1961."
        (2.5, r"\b(?:last|one) (?:year|summer|winter|night|morning|day|week|month|spring|fall|evening),? "
              r"(?:i|my|we)\b"),
        (2.5, r"^i (?:was|had|spent|slept|lost|left|quit|grew up|used to|\w*[^e\W]ed)\b"),  # past tense, not "need"
        (2, r"\bmy (?:dad|mom|father|mother|friend|boss|wife|husband|brother|sister|grandfather|grandmother|"
            r"teacher|coach)\b"),
        (2, r"\bi was (?:sitting|standing|walking|working|driving|lying|\d+)\b"),
        (2, r"\bit was (?:a|the) (?:cold|hot|rainy|\w+day)\b"),
    ),
    "question": _cues(
        (2.5, r"^(?:here'?s|this is) (?:a|an|one) (?:really |very |fun |nice |little |classic |tricky |hard )*"
              r"(?:puzzle|riddle|brain ?teaser)\b"),
        (3, r"\b(?:asks?|poses?) (?:this|the|a|an) (?:\w+ ){0,2}question\b"),
        (2.5, r"\?\s*$"),
        (2.5, r"^(?:have you ever|did you know|ever wonder(?:ed)?|what if|why (?:do|does|did|is|are)|what would|"
              r"would you|do you|are you|is it true|can you|how (?:would|do|did|can) you)\b"),  # also without "?"
    ),
    "bold_claim": _cues(
        (3, r"\b(?:this|it|that)(?: \w+){0,3} (?:will|is going to|can) (?:change|transform|save|blow)\b"),
        (3, r"\b(?:the )?(?:single )?(?:best|worst|most \w+|biggest|greatest|only)\b.{0,40}"
            r"\b(?:ever|in the world|of all time|in history|you'?ll ever|you can|in all of|"
            r"in the (?:united states|country|us|uk|universe))\b"),
        (3, r"\btoo good to be true\b|\b(?:seems?|feels?|sounds?) (?:completely |totally |absolutely )?"
            r"(?:wild|insane|crazy|unbelievable|impossible)\b|\bblew my mind\b"),
        (2.5, r"\bthe (?:truth|secret) (?:is|to)\b|\b(?:is|are) the (?:future|key|secret|answer)\b"),
        (2.5, r"\bchanged my life\b"),
        (2.5, r"\b(?:guaranteed|without a doubt|hands down|no question)\b"),
        (1.5, r"\b(?:best|worst|biggest|never|always|everything|nothing|everyone|nobody)\b"),
    ),
    "direct_address": _cues(
        (2.5, r"^(?:suppose|imagine|picture (?:this|yourself)|say you|let'?s say you|try (?:to )?\w+ing)\b"),
        (2.5, r"^(?:if (?:you|your)|you|your)\b"),
        (2.5, r"^if (?:someone|somebody|a stranger|your \w+) [^.?!]{0,80}\byou\b"),  # a scenario: "If someone ... told you"
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
    sentences = sentences[intro_length(sentences):]
    sentences = [_without_salutation(sentences[0]), *sentences[1:]]
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


_INTRO = re.compile(
    r"^(?:(?:oh |well |so |and )?(?:hey|hi|hello|howdy|greetings|good (?:morning|afternoon|evening))\b"
    r"|(?:and )?(?:thank you|thanks|many thanks)\b"
    r"|welcome (?:back|to|everyone|everybody|all)\b|how are you\b|it'?s been great\b"
    r"|(?:it'?s|it is) (?:\w+ )?(?:an|a great|a real) (?:honou?r|pleasure|privilege)\b"
    r"|i(?:'m| am) (?:so |very |particularly |really )?(?:delighted|glad|happy|honou?red|thrilled|excited|pleased)"
    r" to be (?:here|with you)\b"
    r"|i (?:appreciate|want to thank)\b|(?:and )?(?:more than anything )?congratulations\b"
    r"|giving (?:all )?(?:praise|thanks)\b|ladies and gentlemen\W*$"
    r"|this (?:video )?is (?:a|the) (?:footnote|follow-up|sequel|continuation|supplement)\b"
    r"|[a-z .]{2,30}:\s*$)"
)
_SALUTATION_HINT = re.compile(r"ladies and gentlemen|fellow (?:citizens|americans)|distinguished guests|members of")
_GLUED_SALUTATION = re.compile(r"^([^:.!?]{3,200}):\s+(?=[A-Z0-9\"“])")  # "..., ladies and gentlemen: Twenty-four"

_HOST_HANDOVER = re.compile(
    r"\b(?:please (?:join me in )?welcom(?:e|ing)|give it up for|put your hands together for|without further ado)\b"
)


def _without_salutation(sentence: Sentence) -> Sentence:
    """The sentence without a salutation glued to its start ("Chancellor Kohl, Governing Mayor
    Diepgen, ladies and gentlemen: Twenty-four years ago, ..." -> "Twenty-four years ago, ...")."""
    found = _GLUED_SALUTATION.match(sentence.text)
    if not found or not _SALUTATION_HINT.search(found.group(1).lower()):
        return sentence
    rest = sentence.text[found.end() :]
    return replace(sentence, text=rest, tokens=tuple(words(rest)), lower=lowered(rest))


def intro_length(sentences: Sequence[Sentence]) -> int:
    """How many opening sentences are greetings, thanks, salutations or a host's introduction.

    A host's introduction is everything up to "please join me in welcoming ..."
    within the first two minutes (or twelve sentences); greetings are skipped one
    by one. The hook never disappears: when everything looks like an intro, it is
    the first sentence after all.
    """
    limit = min(len(sentences) - 1, MAX_INTRO_SENTENCES)
    skipped = host_introduction(sentences)
    while skipped < limit and is_intro(sentences[skipped]):
        skipped += 1
    return skipped


def host_introduction(sentences: Sequence[Sentence]) -> int:
    """How many opening sentences a host's introduction takes (up to "please join me in welcoming ..."); 0: none."""
    limit = min(len(sentences) - 1, MAX_INTRO_SENTENCES)
    skipped = 0
    for position, sentence in enumerate(sentences[:limit]):
        timed_out = sentence.start is not None and sentence.start - (sentences[0].start or 0) > HOST_INTRO_SECONDS
        if not timed_out and _HOST_HANDOVER.search(sentence.lower):
            skipped = position + 1
    return skipped


def is_intro(sentence: Sentence) -> bool:
    """A greeting, thanks, a salutation list ("President X, Mr. Y, ..., fellow citizens:") or a speaker label."""
    label = _SPEAKER_LABEL.match(sentence.text)  # "THE PRESIDENT: Giving all praise ..."
    text = sentence.lower[label.end() if label else 0 :].strip().strip("\"'“”‘’")
    if _INTRO.match(text):
        return True
    raw = sentence.text.strip()
    capitals = sum(1 for w in raw.split() if w[:1].isupper())
    listing = raw.count(",") >= 2 and capitals >= 0.5 * len(raw.split())
    return (raw.endswith(":") and (listing or bool(_SALUTATION_HINT.search(text)))) or (listing and len(raw.split()) < 30
                                                                                       and not _VERBISH.search(text))


_SPEAKER_LABEL = re.compile(r"^[A-Z][A-Z .'-]{1,30}:\s+(?=\S)")
_VERBISH = re.compile(r"\b(?:is|are|was|were|have|has|had|will|would|can|do|does|did|i|we|you)\b")
_SHORT_WHY = re.compile(r"^(?:but |so |and )?(?:why|how|how come|what happened)\W*\?$")


@dataclass(frozen=True)
class PatternEvidence:
    """What a hook's pattern rests on: the winning score, the runner-up's, the strongest cue or shape
    of the winner in one sentence, and in how many opening sentences the winner was seen."""

    pattern: str
    best: float
    runner_up: float
    strongest: float
    agreeing: int
    by_shape: bool  # no cue phrase of the winner fired: only a sentence's shape told it

    @property
    def fallback(self) -> bool:
        """Nothing reached MIN_SCORE: "statement" because no pattern fired, not because one did."""
        return self.pattern == FALLBACK


def classify(window: Sequence[Sentence]) -> tuple[str, float]:
    """(pattern, confidence) for the opening sentences, from their cues and their shape."""
    evidence = pattern_evidence(window)
    if evidence.fallback:
        return FALLBACK, 0.3
    best, runner_up = evidence.best, evidence.runner_up
    confidence = 0.35 + 0.4 * min(best, 4.0) / 4.0 + 0.2 * (best - runner_up) / best
    return evidence.pattern, round(min(confidence, 0.95), 2)


def pattern_evidence(window: Sequence[Sentence]) -> PatternEvidence:
    """The pattern of the opening sentences and the evidence for it (see the module notes)."""
    scores = dict.fromkeys(PRIORITY, 0.0)
    strongest = dict.fromkeys(PRIORITY, 0.0)
    seen_in = dict.fromkeys(PRIORITY, 0)
    cued: set[str] = set()
    for position, sentence in enumerate(window):
        weight = POSITION_WEIGHTS[min(position, len(POSITION_WEIGHTS) - 1)]
        text = sentence.lower.strip()
        found = {pattern: max((strength for strength, rx in cues if rx.search(text)), default=0.0)
                 for pattern, cues in CUES.items()}
        cued.update(pattern for pattern, strength in found.items() if strength)
        if not any(found.values()):  # a cue phrase says more than the sentence's shape
            for pattern, strength in _shapes(window, position).items():
                found[pattern] = strength
        for pattern, strength in found.items():
            scores[pattern] += weight * strength
            strongest[pattern] = max(strongest[pattern], strength)
            seen_in[pattern] += strength > 0
    ranked = sorted(PRIORITY, key=lambda p: (-scores[p], PRIORITY.index(p)))
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    pattern = ranked[0] if best >= MIN_SCORE else FALLBACK
    return PatternEvidence(pattern, best, runner_up, strongest[ranked[0]], seen_in[ranked[0]], ranked[0] not in cued)


_BACK_REFERENCE = re.compile(  # "in my last video", "in the main video on ...": context, not a story
    r"\b(?:in|on|from) (?:my|the|our|a) (?:(?:last|previous|main|earlier|other|first) )?(?:video|episode|lesson)\b")


def _shapes(window: Sequence[Sentence], position: int) -> dict[str, float]:
    """Patterns told by the sentence's structure rather than its words."""
    sentence = window[position]
    text = sentence.lower.strip()
    shapes: dict[str, float] = {}
    question = text.endswith("?")
    if (not question and past_tense_verbs(sentence.tokens) and names_person(sentence.tokens, sentence.text)
            and not _BACK_REFERENCE.search(text)):
        shapes["story"] = 2.0  # a person, in the past tense: narration (a cue phrase outweighs it)
    following = window[position + 1].lower.strip() if position + 1 < len(window) else ""
    if not question and _SHORT_WHY.match(following):
        shapes["result_first"] = 3.0  # the outcome first, then "But why?"
    if question and not _SHORT_WHY.match(text):
        shapes["question"] = 2.5
    return shapes
