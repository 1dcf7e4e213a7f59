"""Questions a text asks, and the later sentence that answers them (for S07's question loops).

A question is answered by the later sentence that best combines:

- the question's words, weighted by how rare they are in the text (the words
  "Bitcoin" or "librarian" say more than "time"; a number such as a year, "what
  happened in 2009?", as much as the rarest word), as a share of the question's
  own weight, doubled;
- an answer cue: "the answer is", "it turns out", "that's why", "the
  difference was", "what it is, is" (+1.5, and enough without a shared word);
  "because", "you get", "the reason" (+0.5);
- an echo of the question's opening words ("What keeps you here?" ...
  "what keeps you in Berlin is love": +1.5);
- plus 0.5 for the sentence right after the question, minus 0.05 per
  sentence of distance: answers come soon, and a nearer one wins a tie.

It must reach `MIN_ANSWER_SCORE` and share a word, echo the question or carry
a strong cue soon after it ("The answer is simple." within three sentences: further
on, a cue sharing no word with the question answers something else).
A short "But why?" is about the sentence before it, whose words it borrows.
Tag questions ("right?"), rhetorical ones ("what better way ...", "what if"
past the opening), calls to action ("Need help? Visit ..."), questions answered
by a bare "Maybe not." are not loops, and further questions are never answers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .sentences import Sentence

MIN_ANSWER_SCORE = 1.0
REACH = 40  # sentences after the question in which the answer may come
DISTANCE_PENALTY = 0.05
NEXT_SENTENCE_BONUS = 0.5
UNSHARED_ANSWER_REACH = 3  # "it turns out ..." sharing no word with the question answers it only this soon
_FILLER = frozenset(
    "think know mean possible way thing really kind sort something anything one question happen happened".split()
)
STRONG_ANSWER = re.compile(
    r"\b(?:the (?:short |simple |real )?answer (?:is|was|here)|it turns out|turns out|the reason (?:is|was)|"
    r"that'?s (?:why|what|how)|here'?s (?:why|what|how)|the difference (?:is|was)|what it is,? is|"
    r"the solution (?:is|was)|the truth is|the surprise is|we choose|i(?:'m| am) (?:talking|speaking) (?:about|of)|"
    r"what i mean (?:is|by)|this is (?:why|how)|in search of (?:an )?answers?|to answer (?:this|that|these|the) questions?)\b"
)
WEAK_ANSWER = re.compile(r"\b(?:because|you get|is that|the result is|i'?d say|the reason)\b")
_TAG_QUESTION = re.compile(
    r"(?:^|\b)(?:right|ok|okay|you know|don'?t you think|isn'?t it|wasn'?t it|hasn'?t it|doesn'?t it|"
    r"wouldn'?t you|aren'?t they|don'?t they|do you|see|remember)\W*\?$"
)
_RHETORICAL_START = re.compile(
    r"^(?:(?:and|but|so|now),? )?(?:what if|what better|who (?:would|could) have|isn'?t (?:it|that)|how (?:cool|great|amazing|"
    r"wonderful|crazy)|need|want|looking for|ready|interested in|curious|is there (?:something|anything) you)\b"
)
_CALL_TO_ACTION = re.compile(r"^(?:email|contact|subscribe|click|visit|call|sign up|follow|check out|join|tap|try)\b")
_BARE_REPLY = re.compile(r"^(?:maybe|perhaps|yes|no|nope|yeah|sure|of course|not really|exactly|right)\b[^.!?]{0,20}[.!]?$")
_SHORT_WH = re.compile(r"^(?:but |so |and )?(?:why|how|what happened|how come)\b")
_WH_START = re.compile(r"^(?:(?:and|but|so|now|then),? )?((?:why|what|how|who|which|where|when|is|are|can|do|does)(?: \w+){1,2})")


@dataclass(frozen=True)
class Answer:
    sentence: Sentence
    position: int  # where the answer cue starts in the sentence (0 when there is none)


def rarity(sentences: Sequence[Sentence]) -> dict[str, float]:
    """Inverse sentence frequency of every content word: rare words weigh more."""
    df = Counter(word for s in sentences for word in s.stems)
    total = max(len(sentences), 1)
    return {word: math.log(1 + total / n) for word, n in df.items()}


def is_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip("\"'”’) ").endswith("?")


def is_rhetorical(sentences: Sequence[Sentence], index: int) -> bool:
    """A tag question, a short question that is not a why/how ("Right?"), one answered by a bare "Maybe not."."""
    sentence = sentences[index]
    text = sentence.lower.strip()
    if _TAG_QUESTION.search(text) or (len(sentence.tokens) <= 3 and not _SHORT_WH.match(text)):
        return True
    if _RHETORICAL_START.match(text) and index > max(2, len(sentences) // 10):  # "what if" opening a piece is a hook
        return True
    following = sentences[index + 1].lower.strip() if index + 1 < len(sentences) else ""
    return bool(_BARE_REPLY.match(following) or _CALL_TO_ACTION.match(following))


@lru_cache(maxsize=4096)
def _answer_cues(text: str) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """The strong and weak answer cues of a sentence (memoised: every question of a text asks about
    the same sentences after it)."""
    strong = STRONG_ANSWER.search(text)
    return strong, None if strong else WEAK_ANSWER.search(text)


def find_answer(sentences: Sequence[Sentence], index: int, weights: dict[str, float], last: int | None = None
                ) -> Answer | None:
    """The later sentence that answers the question at `index` (or the run of questions up to `last`)."""
    question = sentences[index]
    last = index if last is None else last
    asked = {w for s in sentences[index : last + 1] for w in s.stems if w not in _FILLER and len(w) > 2}
    if len(asked) < 2 and index:  # "But why?": the question is about the sentence before it
        asked |= {w for w in sentences[index - 1].stems if len(w) > 2}
    # a number the question names ("what happened in 2009?") weighs like its rarest word
    numbers = {t for s in sentences[index : last + 1] for t in s.tokens if t.isdigit() and len(t) >= 3}
    number_weight = max(weights.values(), default=1.0)
    asked_weight = (sum(weights.get(w, 0.0) for w in asked) + number_weight * len(numbers)) or 1.0
    echo = _WH_START.match(question.lower.strip())
    echo_phrase = echo.group(1) if echo and len(echo.group(1).split()) >= 3 else None
    best: tuple[float, Answer] | None = None
    for sentence in sentences[last + 1 : last + 1 + REACH]:
        if is_question(sentence) or len(sentence.tokens) < 3:
            continue
        shared = asked & sentence.stems
        named = numbers.intersection(sentence.tokens)
        strong, weak = _answer_cues(sentence.lower)
        cue = strong or weak
        echoed = bool(echo_phrase) and echo_phrase in sentence.lower
        following = sentence.index == last + 1
        if not shared and not named and not echoed and (not strong or sentence.index - last > UNSHARED_ANSWER_REACH):
            continue
        score = 2 * (sum(weights.get(w, 0.0) for w in shared) + number_weight * len(named)) / asked_weight
        score += (1.5 if strong else 0.5 if cue else 0.0) + (1.5 if echoed else 0.0)
        score += NEXT_SENTENCE_BONUS if following else 0.0
        score -= DISTANCE_PENALTY * (sentence.index - last)
        if score >= MIN_ANSWER_SCORE and (best is None or score > best[0]):
            best = (score, Answer(sentence, cue.start() if cue else 0))
    return best[1] if best else None
