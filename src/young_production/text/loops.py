"""S07 by rules: open loops (promises and curiosity gaps) and where they pay off.

An opener is a sentence with promise or curiosity phrasing ("stay until the end",
"I'll show you", "the third one will surprise you", "but first", "here's the
catch", "later in this video", "what happened next", ...). Each kind of opener
has its own resolvers, searched in the sentences after it:

- `ordinal`: "the third one will surprise you" resolves where the third item is
  named ("the third", "number three", "habit three", "third,"; "finally" for
  the last one);
  any other opener that names an item ("stay until the end: the third
  mistake ...") resolves there too when it is found;
- `end`: "stay until the end" resolves on a pay-off phrase ("I promised",
  "finally", "the answer is", "here's the secret"), preferably in the last 40 %;
- `promise` / `later` / `withheld`: resolve on the first later sentence that
  says the promised words again, weighted by how rare they are, helped by a
  pay-off or callback cue ("here's how", "as I mentioned", "the image I showed
  you at the start") or by the reveal a "what X is" promise announced ("the
  network is just a function"); see `_topic_payoff`;
- `first`: "but first" resolves where the speaker returns ("now, back to");
- `catch` ("here's the catch", "but that's not the surprising part"): resolves
  on "the catch is" or "here's the surprising part", else on the next sentence;
- `next`: resolves on "that's when", "it turned out", "here's what happened",
  else on the next sentence;
- `later` also covers "I'll explain that in due time", "we'll talk a little
  later about ...", "you'll see why in a minute", "don't worry about that for
  now": they resolve where the topic comes back with a callback or pay-off cue;
- `withheld`: "I don't want to say anything more", "I will make you wait
  until the next video", "in part 2": the answer is kept for later, so the loop
  is reported open ("not resolved") unless a pay-off cue follows;
  (also "... next time", "in an upcoming episode", "there might be a part two");
- `explore`: an intention to find something out ("so I thought I'd take a look
  inside", "we're going to put it to the test", "I'm interested to see what's
  underneath"): resolves like a promise, on its words said again with a result
  cue ("so that's what's inside", "surprise", "it works", "proves");
- `wait`: "wait for it" resolves on the next sentence;
- `list`: "there are two problems" resolves where the first one is named
  ("One, ...", "First, ...", "the first problem is"); a count never followed
  by its items is a remark, not a loop, as is a teaser ("seems too good to be
  true") never revealed;
- `question`: any question (not a tag question like "right?"), or the puzzle
  after "... asks this question.", resolves on the later sentence that answers
  it (see `answers.find_answer`); an unanswered question counts only among the
  first three sentences (a withheld answer).

The reported loop is the strongest opener (a resolution found, then an opener
in the first fifth of the transcript, weigh in); ties go to the earliest. No
opener means no loop: nothing is invented. A cue may run over into the next
sentence (unpunctuated captions are cut at arbitrary places).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .answers import find_answer, is_question, is_rhetorical, rarity
from .sentences import Sentence, SentenceIndex, content_stems, lowered, words

_ORDINALS = {
    "second": ("2", "two"), "third": ("3", "three"), "fourth": ("4", "four"), "fifth": ("5", "five"),
    "sixth": ("6", "six"), "seventh": ("7", "seven"), "eighth": ("8", "eight"), "ninth": ("9", "nine"),
    "tenth": ("10", "ten"), "last": ("", ""), "final": ("", ""),
}
_BY_NUMBER = {v: k for k, pair in _ORDINALS.items() for v in pair if v}
_ITEM_NOUNS = "tip|reason|thing|mistake|step|habit|item|secret|rule|lesson|trick|hack|idea"
_ITEM = rf"(?: one| (?:{_ITEM_NOUNS}))?"
_NAMED_ORDINAL = re.compile(rf"\bthe ({'|'.join(k for k in _ORDINALS if k not in ('last', 'final'))}){_ITEM}\b")
NAMED_ITEM_REACH = 80  # characters after a cue in which a named item ("the third mistake") belongs to it
PROMISE_REACH = 120  # characters after "I'll show you" that say what is promised
EXCERPT_WORDS = 30
LIST_REACH = 8  # sentences after "there are two problems" in which the first one is named
LIST_FAR_REACH = 40  # ... when it is named outright ("my first piece of advice")
TOPIC_RETURN_GAP = 3  # sentences: a topic said again right away is not its pay-off
OUTRIGHT_REACH = 10  # sentences: "the answer is" naming none of the promised words must come soon
MIN_TOPIC_PAYOFF = 0.7
QUESTION_STRENGTH = 1.5
OPENING_QUESTION_INDEX = 2  # an unanswered question is a loop only in the opening three sentences  # below every explicit promise: a question is the weaker loop


@dataclass(frozen=True)
class Opener:
    kind: str
    strength: int
    pattern: re.Pattern[str]
    hints: tuple[str, ...]  # the pattern can only match text holding one of these (a cheap pre-check)


OPENERS: tuple[Opener, ...] = tuple(
    Opener(kind, strength, re.compile(rx), tuple(hints.split("|")))
    for kind, strength, hints, rx in (
        ("ordinal", 3, "surprise|shock|blow|change|amaze",
         rf"\b(?:the|number) ({'|'.join(_ORDINALS)}|\d+|{'|'.join(_BY_NUMBER)}){_ITEM}\b.{{0,30}}"
         r"\b(?:will|is going to|might|gonna) (?:surprise|shock|blow|change|amaze)"),
        ("end", 3, " end",
         r"\b(?:stay|stick around|watch|hang on|keep watching|read)\b.{0,25}"
         r"\b(?:until|till|til|to) the (?:very )?end\b"),
        ("end", 3, " end",
         r"\bby the end of (?:this|the) (?:video|episode|article|post)\b|\bat the end,? i(?:'ll| will)\b"),
        ("promise", 3, "show you|tell you|reveal you|share you|explain you|teach you|give you|want to|like to",
         r"\bi(?:'ll| will|'m going to|'m gonna| am going to) (?:show|tell|reveal|share|explain|teach|give) you\b|"
         r"\b(?:what )?i(?: want|'d like| would like) to (?:explain|show you|tell you|teach you|share with you|"
         r"talk (?:to you )?about|do here is show you)\b"),
        ("later", 3, "later| to th| to it",
         r"\blater (?:in|on in) (?:this|the) (?:video|episode|article)\b|\bmore on (?:that|this) later\b|"
         r"\bwe'?ll (?:get|come back) to (?:that|this|it)\b|\bi'?ll come back to (?:that|this)\b"),
        ("first", 2, "first|before", r"\bbut first\b|\bbefore (?:we|i) (?:get|dive|jump) (?:into|to)\b"),
        ("catch", 2, "catch|twist|problem|not all|whole story| part|wild|crazy|insane|impossible|too good",
         r"\bhere(?:'s| is) the (?:catch|twist|problem)\b|\bthere(?:'s| is) (?:a|one) (?:catch|twist)\b|"
         r"\b(?:seems?|feels?|sounds?) (?:completely |totally |absolutely )?(?:wild|crazy|insane|impossible|"
         r"too good to be true)\b|"
         r"\bbut that'?s not (?:all|the whole story|the (?:\w+ )?part)\b"),
        ("next", 2, "next|believe|you see|guess|and then",
         r"\bwhat happened next\b|\byou won'?t believe (?:what|how|who)\b|\bwait (?:until|till) you see\b|"
         r"\bguess what happened\b|\band then (?:something|everything) (?:changed|happened)\b"),
        ("later", 3, "later|in due|minute|moment|a bit|a second|by the end|for now|see why|promise",
         r"\b(?:i|we)(?:'ll| will|'re going to|'m going to| are going to| am going to|'re gonna|'m gonna) "
         r"(?:\w+ ){0,3}(?:get to|come back to|return (?:back )?to|talk|explain|show|cover|look at)\b.{0,70}"
         r"\b(?:later|in due (?:course|time)|in (?:just )?a (?:few )?(?:minutes?|moment|bit|second)|in a minute|"
         r"by the end)\b|\b(?:don'?t worry about (?:that|this|it|all)\b.{0,60}\b(?:for now|later|in due time)|"
         r"you'?ll see why\b|more on (?:all of )?(?:that|this) later|i promise (?:i'?ll|i will|to) explain)"),
        ("withheld", 3, "won|don|will not|make you wait|gratification|in the next|join me in part",
         r"\bi (?:won'?t|don'?t want to|will not) (?:say|tell you|spoil|reveal|give away) (?:anything |any )?"
         r"(?:more|yet|the answer)\b|\b(?:i will|i'?ll) make you wait\b|\bdelaying gratification\b|"
         r"\bthat'?s what i'?ll show (?:you )?in the next\b|\bcome join me in part\b"),
        ("withheld", 3, "next time|upcoming|future|next episode|next lesson|part two|part 2",
         r"\b(?:talk(?:ing)? about|look(?:ing)? at|cover|explore|get into|delve|delving)\b[^.!?]{0,60}"
         r"\b(?:next time|in an? (?:upcoming|future|later) (?:video|episode|lesson)|in the next (?:episode|lesson))\b|"
         r"\bnext time,? (?:we'?ll|i'?ll|we are going to|we'?re going to)\b|\bthere (?:might|may|will) be a part (?:two|2)\b"),
        # an intention: the creator sets out to find something out ("so I thought I'd take a look inside",
        # "we're going to put it to the test", "I'm interested to see what's underneath"): repair, teardown and
        # experiment videos open their loops this way
        ("explore", 2, "thought i|thought we|re going to|m going to|re gonna|m gonna|let's see|lets see|let's find|"
                       "let's go through|let's take|let's have|interested to|curious to|wondering|to the test",
         r"\bi thought (?:i'?d|we'?d) (?:\w+ ){0,2}(?:take a look|have a look|look|make|try|put|test|see|find out|open)\b|"
         r"\b(?:we'?re|i'?m) (?:going to|gonna) (?:\w+ ){0,3}(?:take a look|have a look|test|see|find out|open it|tear)"
         r"\b|\blet'?s (?:see|find out|go through|take a look|have a look) (?:if|whether|what|how|why|inside)\b|"
         r"\bi'?m (?:quite |very |really |pretty |actually )?(?:quite |very )?(?:interested|curious) to (?:see|know|find out)"
         r"\b|\byou'?re (?:probably )?wondering (?:how|why|what|whether)\b|\bput (?:it|this|that|them) to the test\b"),
        ("wait", 2, "wait for", r"\bwait for it\b"),
        ("list", 2, "there are |there were |there have been |there's ",
         r"\bthere(?: are|'re| were| have been) (?:two|three|four|five|\d|a few|several|a couple of) (?:\w+ )?"
         r"(?:problems|reasons|ways|things|questions|issues|lessons|steps|mistakes|options|kinds|types|parts|concerns|"
         r"points|ideas|themes|rules|tips|principles)\b"),
    )
)

_PAYOFF_RX = (
    r"\bas (?:i )?promised\b|\bi promised\b|\bthe (?:real )?(?:answer|secret|trick|key|reason) (?:is|was)\b|"
    r"\bhere(?:'s| is) (?:the (?:real )?(?:secret|answer|trick|reason|truth)|what (?:happened|i found))\b"
)
RESOLVERS: dict[str, re.Pattern[str]] = {
    kind: re.compile(rx)
    for kind, rx in {
        "end": rf"{_PAYOFF_RX}|\bfinally\b|\bthe (?:last|final) (?:one|tip|thing|step)\b",
        "promise": rf"{_PAYOFF_RX}|\bhere(?:'s| is) (?:how|what|the|my)\b|\blet me show you\b|"
                   r"\b(?:this|that) is (?:how|what|the|my)\b|\bthat'?s (?:how|what)\b|"
                   r"\b(?:so|now|okay|alright),? (?:here(?:'s| is)|this is|let'?s)\b",
        "later": rf"{_PAYOFF_RX}|\b(?:as )?i (?:mentioned|said)\b|\bremember (?:when|what|the|how)\b|\bearlier\b|"
                 r"\b(?:now|okay|so|alright),? (?:back to|let'?s (?:get|come) back to|let'?s talk about)\b|"
                 r"\bcoming back to\b",
        "first": r"\b(?:now|okay|ok|alright|so|anyway),? (?:back to|let'?s (?:get|go) (?:back )?to|on to|"
                 r"let'?s (?:dive|jump|get) in)|\banyway\b|\bwith that (?:out of the way|said)\b",
        "catch": r"\bthe (?:catch|twist|problem|surprise|punchline|trick) is\b|\bhere(?:'s| is) the (?:\w+ )?part\b|"
                 r"\b(?:it )?turns out\b|\bthere are actually\b",
        "next": r"\b(?:that'?s when|it turned out|turns out|what happened (?:was|is)|here(?:'s| is) what happened|"
                r"the next (?:day|morning|week))\b",
        "withheld": _PAYOFF_RX,
        "explore": rf"{_PAYOFF_RX}|\b(?:so )?that'?s (?:what|how|why)\b|\bsurprise\b|"
                   r"\bas (?:you can see|expected|suspected)\b|\b(?:it|that) works\b|\blooks? (?:like )?a treat\b|"
                   r"\bproves?\b|\bturns? out\b|\bdefinitely\b",
        "list": r"^(?:the )?(?:one|first|firstly|number one)\b,?|\bthe first (?:one|problem|reason|way|thing|issue|"
                r"lesson|step|mistake|option|kind|type|part|concern|point|idea|theme|rule|tip|principle) is\b",
    }.items()
}
_PAYOFF = re.compile(_PAYOFF_RX)
# the first item named outright: it may come after a story ("My first piece of advice ...")
_FIRST_NAMED = re.compile(r"\b(?:my|our) first (?:piece of advice|point|concern|lesson|rule|tip|idea|theme|principle)\b")
_DEFINED = re.compile(r"\s*what (?:a |an |the )?(?:\w+ ){0,2}?(\w{3,}) (?:actually |really |exactly )?is\b")
_REVEALED = r"(?:just|really|simply|basically|actually|only|nothing (?:more |else )?(?:than|but))\b"
_CALLBACK = re.compile(
    r"\b(?:i|we) (?:showed|told|promised) you\b|\bat the (?:start|beginning)\b|\bas (?:i )?(?:mentioned|promised)\b|"
    r"\bremember (?:when|what|the|how)\b|\bearlier\b|\b(?:back|coming back|returning) to\b"
)
# the verdict of a repair or a test: an `explore` loop's outright pay-off
_VERDICT = re.compile(
    r"(?<!how )\b(?:it|that|this|everything)(?:'s| is)? (?:now )?(?:works|working)(?: (?:perfectly|fine|again|great))?\b|"
    r"\bworks perfectly\b|\b(?:proves?|proved) (?:the point|that|it)\b|\bsurprise,? surprise\b|\blooks a treat\b|"
    r"\b(?:it'?s fixed|fixed it|problem solved|solves? the mystery|mystery solved)\b"
)
_POSES = re.compile(r"\basks? (?:this|the following) (?:\w+ ){0,2}question[.:]?$")
# a question stated, not asked: "the crucial question is when", "how galaxies formed remains one of the most
# difficult questions in cosmology", "nobody knows why"
_INDIRECT_QUESTION = re.compile(
    r"\bthe (?:big|biggest|crucial|key|real|open|central|important|remaining|obvious|natural|million-dollar) "
    r"question (?:is|remains|was|here is)\b|\bremains? (?:one of )?(?:the |an? )?(?:\w+ )?(?:great |greatest |biggest |"
    r"most \w+ )?(?:unanswered |open |unsolved )?(?:questions?|myster(?:y|ies)|puzzles?)\b|"
    r"\b(?:nobody|no one) (?:really |yet )?knows (?:why|how|what|whether|when)\b"
)


def _may_state_a_question(text: str) -> bool:
    """A cheap test before `_INDIRECT_QUESTION`: it runs on every sentence that holds no other cue."""
    return "question" in text or "remain" in text or "knows" in text


_TEASER = re.compile(r"\b(?:wild|crazy|insane|impossible|too good to be true)\b")
_NEEDS_SHARED_WORD = {"promise", "later", "withheld", "explore"}
_LOOP_WORDS = frozenset("show tell reveal share explain teach give video end later secret answer".split())


@dataclass(frozen=True)
class Payoff:
    sentence: Sentence
    position: int  # where the resolving cue starts in the sentence


@dataclass(frozen=True)
class Loop:
    kind: str
    strength: int
    opener: Sentence
    opened_at: float | None
    text: str
    payoff: Payoff | None

    @property
    def resolution(self) -> Sentence | None:
        return self.payoff.sentence if self.payoff else None

    @property
    def resolution_text(self) -> str | None:
        return _excerpt(self.payoff.sentence.text, self.payoff.position) if self.payoff else None

    @property
    def resolved_at(self) -> float | None:
        return _time_at(self.payoff.sentence, self.payoff.position) if self.payoff else None


def find_loops(sentences: Sequence[Sentence]) -> list[Loop]:
    """Every opener in the transcript with its pay-off (None when none is found), in order.

    Memoised: condensing and the open-loop answer both read the loops of the same transcript.
    """
    return list(_find_loops(tuple(sentences)))


@lru_cache(maxsize=8)
def _find_loops(sentences: tuple[Sentence, ...]) -> tuple[Loop, ...]:
    scan = _Scan(sentences)
    loops: list[Loop] = []
    for sentence in sentences:
        if not scan.cues[sentence.index]:
            index = sentence.index
            posed = index and _POSES.search(sentences[index - 1].lower)  # "... asks this question. Find ..."
            asks = is_question(sentence) or (
                _may_state_a_question(sentence.lower) and bool(_INDIRECT_QUESTION.search(sentence.lower))
            )
            if (posed or asks) and not is_rhetorical(sentences, index) and not (
                index and is_question(sentences[index - 1])  # a run of questions is one loop, opened by the first
            ):
                loop = _question_loop(sentences, sentence, scan.rarity)
                if loop is not None:
                    loops.append(loop)
            continue
        for kind, strength, match in scan.cues[sentence.index]:
            payoff = _resolve(scan, kind, match, sentence)
            if payoff is None and (kind == "list" or (kind == "catch" and _TEASER.search(match.group()))):
                continue  # a teaser never revealed was a claim, a count never followed by its items a remark
            own = match.end() <= len(sentence.lower)
            shown = sentence.text if own else f"{sentence.text} {scan.following(sentence)}"
            opens = min(m.start() for _, _, m in scan.cues[sentence.index])  # the earliest cue of the sentence
            loops.append(Loop(kind, strength, sentence, _time_at(sentence, opens), _excerpt(shown, opens), payoff))
            break
    return tuple(loops)


def _question_loop(sentences: Sequence[Sentence], question: Sentence, weights: dict[str, float]) -> Loop | None:
    """A question and the sentence that answers it; an unanswered one only in the opening sentences."""
    last = question.index
    while last + 1 < len(sentences) and is_question(sentences[last + 1]) and last - question.index < 3:
        last += 1
    answer = find_answer(sentences, question.index, weights, last)
    if answer is None and question.index > OPENING_QUESTION_INDEX:
        return None
    payoff = Payoff(answer.sentence, answer.position) if answer else None
    return Loop("question", QUESTION_STRENGTH, question, question.start, _excerpt(question.text, 0), payoff)


def best_loop(loops: Sequence[Loop], total_sentences: int) -> Loop | None:
    """The loop to report: strongest, resolved, early; ties go to the earliest."""
    ranked = rank_loops(loops, total_sentences)
    return ranked[0] if ranked else None


def rank_loops(loops: Sequence[Loop], total_sentences: int) -> list[Loop]:
    """Loops best first: strength, +0.75 when resolved, +1 when opened in the first tenth (+0.5 in the
    first fifth); then the earliest."""
    early, earliest = max(3, total_sentences // 5), max(2, total_sentences // 10)

    def rank(loop: Loop) -> tuple[float, int]:
        index = loop.opener.index
        score = loop.strength + (0.75 if loop.payoff else 0.0)
        score += 1.0 if index <= earliest else 0.5 if index <= early else 0.0
        return (-score, index)

    return sorted(loops, key=rank)


class _Scan:
    """One pass over the transcript: the opener cues of each sentence, and cached resolver hits.

    A cue is searched in the sentence followed by the next one (in unpunctuated
    captions a cue can straddle a cut) and belongs to the sentence it starts in.
    """

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = sentences
        self.cues: list[list[tuple[str, int, re.Match[str]]]] = []
        self.kinds: list[set[str]] = []
        index = SentenceIndex(sentences)  # an opener is searched only where one of its hints occurs
        openers = [(o, index.holding(o.hints)) for o in OPENERS]
        for sentence in sentences:
            at = sentence.index
            joined = f"{sentence.lower} {lowered(self.following(sentence))}".rstrip()
            found = [(o.kind, o.strength, m) for o, where in openers
                     if (at in where or at + 1 in where) and (m := o.pattern.search(joined))]
            found = [(kind, strength, m) for kind, strength, m in found if m.start() < len(sentence.lower)]
            self.cues.append(found)
            self.kinds.append({kind for kind, _, m in found if m.end() <= len(sentence.lower)})
        self._hits: dict[tuple[str, int], Payoff | None] = {}

    @cached_property
    def rarity(self) -> dict[str, float]:
        return rarity(self.sentences)

    def answers_question(self, sentence: Sentence) -> bool:
        """Whether a sentence comes right after a question (its "The answer is simple." is that question's)."""
        return any(is_question(s) for s in self.sentences[max(0, sentence.index - 2) : sentence.index])

    def following(self, sentence: Sentence) -> str:
        after = sentence.index + 1
        return self.sentences[after].text if after < len(self.sentences) else ""

    def later(self, kind: str, after: int) -> list[Sentence]:
        """The sentences after index `after` that are not themselves openers of this kind."""
        return [s for s in self.sentences[after + 1 :] if kind not in self.kinds[s.index]]

    def hit(self, resolver: re.Pattern[str], sentence: Sentence) -> Payoff | None:
        key = (resolver.pattern, sentence.index)
        if key not in self._hits:
            found = resolver.search(sentence.lower)
            self._hits[key] = Payoff(sentence, found.start()) if found else None
        return self._hits[key]

    def first(self, resolver: re.Pattern[str], sentences: Sequence[Sentence]) -> Payoff | None:
        return next((p for p in (self.hit(resolver, s) for s in sentences) if p), None)


def _resolve(scan: _Scan, kind: str, match: re.Match[str], opener: Sentence) -> Payoff | None:
    """Where the loop pays off (`match` is the opener cue, found in the opener plus the next sentence)."""
    text = match.string
    named, named_end = (match.group(1), match.end()) if kind == "ordinal" else _named_ordinal(text, match)
    # a cue or a named item that runs into the next sentence makes that sentence part of the opener
    spill = max(match.end(), named_end) > len(opener.text) + 1
    later = scan.later(kind, opener.index + spill)
    if named:
        found = scan.first(_ordinal_resolver(named), later)
        if found or kind == "ordinal":
            return found
    if kind == "catch":
        nearby = later[:8]
        found = scan.first(RESOLVERS["catch"], nearby) or _reveal_after_repeat(scan, opener.index + spill)
        if found or _TEASER.search(text):  # "seems completely wild" waits for its reveal
            return found
        return Payoff(nearby[0], 0) if nearby else None
    if kind == "next":
        return scan.first(RESOLVERS["next"], later) or (Payoff(later[0], 0) if later else None)
    if kind == "wait":
        return Payoff(later[0], 0) if later else None
    if kind == "list":  # "there are two problems": the first one named, soon, or much later when named outright
        return scan.first(RESOLVERS["list"], later[:LIST_REACH]) or scan.first(_FIRST_NAMED, later[:LIST_FAR_REACH])
    if kind == "promise":  # what follows "I'll show you", in the opener (unless the cue ran into the next sentence)
        own = len(opener.lower) if match.end() <= len(opener.lower) else len(text)
        topic = _topic_words(text[match.end() : min(match.end() + PROMISE_REACH, own)])
    else:
        topic = _topic_words(text[: max(len(opener.lower), match.end())])
    if kind in _NEEDS_SHARED_WORD:
        defined = _DEFINED.match(text, match.end()) if kind == "promise" else None
        reveal = re.compile(rf"\b{re.escape(defined.group(1))}s? (?:is|are) {_REVEALED}") if defined else None
        return _topic_payoff(scan, kind, topic, later, opener.index, reveal)
    candidates = [p for p in (scan.hit(RESOLVERS[kind], s) for s in later) if p]
    if kind == "end" and candidates:
        tail_from = int(len(scan.sentences) * 0.6)
        candidates = [p for p in candidates if p.sentence.index >= tail_from] or candidates
    if not candidates:
        return None
    if kind == "end":
        return max(candidates, key=lambda p: (len(topic & _topic_words(p.sentence.text)), -p.sentence.index))
    return candidates[0]


def _reveal_after_repeat(scan: _Scan, after: int) -> Payoff | None:
    """A teaser said again with its reveal: "This might feel impossible, ... but there are actually
    infinitely many solutions." (a plain repeat of the teaser is no pay-off, the reveal after it is)"""
    for sentence in scan.sentences[after + 1 : after + 9]:
        teaser = "catch" in scan.kinds[sentence.index] and _TEASER.search(sentence.lower)
        reveal = teaser and RESOLVERS["catch"].search(sentence.lower, teaser.end())
        if reveal:
            return Payoff(sentence, reveal.start())
    return None


def _topic_payoff(scan: _Scan, kind: str, topic: set[str], later: Sequence[Sentence], opened: int,
                  reveal: re.Pattern[str] | None = None) -> Payoff | None:
    """Where a promised topic is delivered: the first later sentence that says the promise's words again.

    Score: the share of the promise's words it says, each weighted by how rare it is in
    the text (x2); +0.5 for a pay-off or callback cue of the kind ("here's how", "as I
    mentioned", "the image I showed you at the start"); +1 for an outright pay-off
    ("as promised", "the answer is", or the reveal a "what X is" promise announced:
    "show you what a network actually is" ... "the network is just a function").
    The first outright pay-off reaching `MIN_TOPIC_PAYOFF` wins, else the first
    sentence reaching it. A sentence must say a promised word, or hold an outright
    pay-off within `OUTRIGHT_REACH` sentences that is not the answer to a question
    just asked; one without any cue must come a few sentences on (a topic said again
    at once is still the promise) and hold two promised words, or half their weight,
    and never pays off a withheld answer ("I'll make you wait until the next video").
    A question pays off nothing, unless it calls back ("Remember the study I mentioned?").
    """
    weights = scan.rarity
    total = sum(weights.get(w, 0.0) for w in topic) or 1.0
    first: Payoff | None = None
    for sentence in later:
        if is_question(sentence) and not scan.hit(_CALLBACK, sentence):
            continue
        shared = topic & sentence.stems  # the topic holds no loop word nor short word
        verdict = scan.hit(_VERDICT, sentence) if kind == "explore" else None  # "it works perfectly": says what
        if not shared and not verdict and sentence.index - opened > OUTRIGHT_REACH:   # the test found, at any distance
            continue
        cue = scan.hit(RESOLVERS[kind], sentence) or scan.hit(_CALLBACK, sentence)
        outright = verdict or scan.hit(_PAYOFF, sentence) or (scan.hit(reveal, sentence) if reveal else None)
        if outright and not verdict and not shared and (
            sentence.index - opened > OUTRIGHT_REACH or scan.answers_question(sentence)
        ):
            outright = None
        if not shared and not outright:
            continue
        said = sum(weights.get(w, 0.0) for w in shared) / total
        if not cue and not outright and (kind == "withheld" or sentence.index - opened < TOPIC_RETURN_GAP
                                         or (len(shared) < 2 and said < 0.5)):
            continue
        score = 2 * said
        score += 1.0 if outright else 0.5 if cue else 0.0
        if score >= MIN_TOPIC_PAYOFF:
            if outright:
                return outright
            first = first or cue or Payoff(sentence, 0)
    return first


def _named_ordinal(text: str, cue: re.Match[str]) -> tuple[str | None, int]:
    """('third', where it ends) when a promise names an item ("stay until the end: the third mistake ...")."""
    found = _NAMED_ORDINAL.search(text, cue.start(), cue.end() + NAMED_ITEM_REACH)
    return (found.group(1), found.end()) if found else (None, 0)


def _ordinal_resolver(token: str) -> re.Pattern[str]:
    ordinal = _BY_NUMBER.get(token, token)
    if ordinal in ("last", "final"):
        return re.compile(r"\b(?:finally|last but not least|and lastly|the (?:last|final) (?:one|\w+))\b")
    digit, word = _ORDINALS.get(ordinal, (token, token))
    return re.compile(rf"\b(?:the {ordinal}{_ITEM}|(?:number|{_ITEM_NOUNS}) (?:{digit}|{word})\b|{ordinal}(?:ly)?,)")


def _topic_words(text: str) -> set[str]:
    return {w for w in content_stems(words(text)) if w not in _LOOP_WORDS and len(w) > 2}


def _time_at(sentence: Sentence, position: int) -> float | None:
    """The time a character of the sentence was spoken, interpolated over the sentence."""
    if sentence.start is None or sentence.end is None:
        return sentence.start
    share = position / max(len(sentence.text), 1)
    return round(sentence.start + (sentence.end - sentence.start) * share, 2)


def _excerpt(text: str, position: int) -> str:
    """The sentence, or about EXCERPT_WORDS words around the cue when it is long."""
    tokens = text.split()
    if len(tokens) <= EXCERPT_WORDS:
        return text
    at = len(text[:position].split())
    first = max(0, min(at - 8, len(tokens) - EXCERPT_WORDS))
    piece = " ".join(tokens[first : first + EXCERPT_WORDS])
    return ("… " if first else "") + piece + (" …" if first + EXCERPT_WORDS < len(tokens) else "")
