"""Sentences with times: the unit every rule works on.

Transcripts arrive as segments: caption cues or Whisper segments (timed, often
cut mid-sentence, sometimes without any punctuation) or paragraphs and text
boxes (untimed: articles, OCR). `split_sentences` turns them into sentences:

- the text is a stream of words, each with a time interpolated from its
  character position inside its segment;
- a sentence ends after `.`, `!`, `?` or `…` unless the dot belongs to an
  abbreviation or an initial, or the next word starts in lower case;
- in untimed text a blank line always ends a sentence, and a single line break
  (or a segment boundary) ends one when the next line is a list item ("1.",
  "-", "•") or starts with a capital while the text so far is not all capitals
  (headings end, OCR lines of one all-caps slogan stay together);
- a segment that is only a web address and a few words (a caption credit such
  as "English (AU) github.com/...", a link line) is not speech and is skipped;
- runs longer than `MAX_WORDS` in unpunctuated text (auto-captions) are cut
  into pieces before words that usually start a spoken sentence ("so",
  "but", "now", ...) or where a caption segment ends; punctuated text keeps
  its long sentences whole up to `MAX_PUNCTUATED_WORDS` (a speech's or a
  lecture's 50-word opening sentence is one sentence).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..transcript import Segment

MAX_WORDS = 40
MAX_PUNCTUATED_WORDS = 90
PUNCTUATED_WORDS_PER_STOP = 30  # text with a sentence end at least every 30 words is punctuated
MIN_CHUNK_WORDS = 8
PREFERRED_CHUNK_WORDS = 16
SENTENCE_STARTERS = frozenset("so but now okay alright anyway".split())

_NON_SPEECH = re.compile(
    r"\[[^\]\n]{0,40}\]|\((?:music|applause|laughter|laughs|inaudible|silence)\.?\)|[♪♫]+|>>",
    re.IGNORECASE,
)
_LINK = re.compile(r"https?://\S+|www\.\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|tv|ly|co)(?:/\S*)?", re.IGNORECASE)
LINK_LINE_WORDS = 6
_LIST_MARKER = re.compile(r"^(?:\d{1,2}[.)]|[-•*–])$")
_TERMINAL_CHARS = frozenset(".!?…\"'”’)]")
_TERMINAL = re.compile(r"[.!?…]+[\"'”’)\]]*$")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e inc ltd co approx fig no u.s u.k a.m p.m "
    "gov sen rep gen col lt sgt capt cmdr adm rev hon pres supt gov't mt ft".split()  # titles before a name
)
_NOT_PLURAL = ("ss", "us", "is", "'s", "ous", "ics")
_SINGULAR_S = frozenset("news series species lens bias gas yes this has was does goes always perhaps states".split())
_WORD = re.compile(r"[a-z0-9$£€#%]+(?:'[a-z]+)*(?:[.,][0-9]+)*%?")

STOP_WORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another any
    anybody anyone anything anyway anyways are aren't around as at away back be became because become
    becomes been before being below between both but by came can can't cannot could couldn't did didn't
    do does doesn't doing don't done down during each either else enough even ever every everybody
    everyone everything few for from further get gets getting give given gives go goes going gone gonna
    got gotta had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
    him himself his how how's however i i'd i'll i'm i've if in into is isn't it it'd it'll it's its
    itself just keep kind least less let let's like likely made make makes making many may maybe me
    might mine more most much must my myself need needs never next no nobody none nor not nothing now of
    off often oh ok okay on once one ones only onto or other others otherwise our ours ourselves out over
    own per perhaps put quite rather really right said same say saying says see seem seems seen several
    shall she she'd she'll she's should shouldn't since so some somebody someone something sometimes
    somewhere still such sure take taken takes than that that'd that'll that's the their theirs them
    themselves then there there's these they they'd they'll they're they've thing things think this
    those though through thus till to today together too toward towards try trying uh um under unless
    until up upon us use used using very via wanna want wants was wasn't way ways we we'd we'll we're
    we've well went were weren't what what's whatever when whenever where where's whether which while
    who who's whoever whole whom whose why will with within without won't would wouldn't yeah yes yet
    you you'd you'll you're you've your yours yourself yourselves
    actually basically literally probably definitely totally honestly seriously simply pretty lot lots
    stuff guys hey hi hello welcome video videos channel subscribe subscribed comment comments
    know knew tell told look looking looks find found mean means come comes coming call called show
    showed shown start started ask asked talk talking feel felt puts thank thanks
    first second third last new good great big little bit able already ago
    two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty seventy
    eighty ninety hundred according
    percent percentage dollars bucks cents
    """.split()
)


@dataclass(frozen=True)
class Sentence:
    """One sentence (or caption chunk) with its time span; times are None when untimed."""

    index: int
    text: str
    start: float | None
    end: float | None
    tokens: tuple[str, ...]
    lower: str  # lower-cased, curly apostrophes straightened: what the cue patterns read

    @cached_property
    def stems(self) -> frozenset[str]:
        """The sentence's content words, folded (computed once: every rule reads them)."""
        return frozenset(content_stems(self.tokens))


@dataclass(slots=True)
class _Word:
    text: str
    start: float | None
    end: float | None
    segment_ends: bool = False
    blank_line_after: bool = False
    newline_after: bool = False


class SentenceIndex:
    """The sentences' lower-case text joined by spaces, to tell in one pass which sentences hold a
    phrase: a cue table then searches its patterns only where one of its hints occurs, instead of
    testing every hint against every sentence."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.text = " ".join(s.lower for s in sentences)
        self.starts: list[int] = []
        at = 0
        for sentence in sentences:
            self.starts.append(at)
            at += len(sentence.lower) + 1

    def holding(self, needles: Iterable[str]) -> set[int]:
        """Indices of the sentences in which one of `needles` starts."""
        found: set[int] = set()
        text, starts = self.text, self.starts
        for needle in needles:
            at = text.find(needle)
            while at != -1:
                found.add(bisect_right(starts, at) - 1)
                at = text.find(needle, at + 1)
        return found


def lowered(text: str) -> str:
    """Lower-cased text with curly apostrophes straightened."""
    return text.lower().replace("’", "'")


def words(text: str) -> list[str]:
    """Lower-case word tokens (apostrophes kept, curly ones straightened)."""
    return _WORD.findall(lowered(text))


def stem(word: str) -> str:
    """The singular of a plural noun ("habits" -> "habit", "stories" -> "story", "boxes" -> "box").

    A light fold so counts, overlaps and tags agree; words that only look plural
    ("boss", "status", "analysis", "news", "physics") stay as they are.
    """
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_NOT_PLURAL) or word in _SINGULAR_S:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zzes")):
        return word[:-2]
    return word[:-1]


def content_stems(tokens: Iterable[str]) -> list[str]:
    """Stems of the tokens that are not stop words or bare numbers."""
    return [_stem(t) for t in tokens if t not in STOP_WORDS and not t.isdigit()]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return stem(word)


def _is_link_line(text: str) -> bool:
    """A segment that is a web address and a few words: a caption credit ("English (AU) (Spoken)
    github.com/..."), a link line under an article; not speech."""
    if "." not in text or not _LINK.search(text):
        return False
    return len(_LINK.sub(" ", text).split()) <= LINK_LINE_WORDS


def clean_text(text: str) -> str:
    """Drop caption markup such as `[Music]`, `(applause)`, `♪` and `>>`."""
    return _NON_SPEECH.sub(" ", text)


def split_sentences(segments: Sequence[Segment]) -> tuple[Sentence, ...]:
    """Sentences of a transcript in order (see the module notes for the rules).

    Memoised on the segments: one analysis asks for the same transcript's
    sentences several times (condensing, then each skill).
    """
    return _split(tuple(segments))


@lru_cache(maxsize=16)
def _split(segments: tuple[Segment, ...]) -> tuple[Sentence, ...]:
    timed = any(s.start is not None for s in segments)
    stream = _word_stream(segments, timed)
    stops = sum(1 for w in stream if w.text[-1] in ".!?…")
    longest = MAX_PUNCTUATED_WORDS if stops * PUNCTUATED_WORDS_PER_STOP >= len(stream) else MAX_WORDS
    sentences: list[Sentence] = []
    pending: list[_Word] = []
    last = len(stream) - 1
    for i, word in enumerate(stream):
        pending.append(word)
        if i == last or (
            (word.text[-1] in _TERMINAL_CHARS or word.newline_after or word.blank_line_after or
             (word.segment_ends and not timed))  # the cheap test first: most words end nothing
            and _ends_sentence(word, stream[i + 1], pending, timed)
        ):
            for chunk in _chunks(pending, longest):
                text = " ".join(w.text for w in chunk)
                start, end = chunk[0].start, chunk[-1].end
                sentences.append(
                    Sentence(
                        len(sentences),
                        text,
                        None if start is None else round(start, 2),
                        None if end is None else round(end, 2),
                        tuple(words(text)),
                        lowered(text),
                    )
                )
            pending = []
    return tuple(sentences)


def _word_stream(segments: Sequence[Segment], timed: bool) -> list[_Word]:
    """Every word with its interpolated time and what follows it (line break, segment end)."""
    stream: list[_Word] = []
    for position, segment in enumerate(segments):
        text = clean_text(segment.text).strip()
        if not text or _is_link_line(text):
            continue
        start, end = _segment_times(segments, position) if timed else (None, None)
        scale = (end - start) / len(text) if start is not None and end is not None else None
        offset = 0
        lines = text.split("\n")
        for number, line in enumerate(lines):
            tokens = line.split()
            for k, token in enumerate(tokens):
                at = text.find(token, offset)
                offset = at + len(token)
                if scale is None:
                    word = _Word(token, start, end)
                else:
                    word = _Word(token, start + scale * at, start + scale * offset)  # type: ignore[operator]
                if k == len(tokens) - 1:
                    word.newline_after = number < len(lines) - 1
                    word.blank_line_after = number + 1 < len(lines) and not lines[number + 1].strip()
                stream.append(word)
        if stream:
            stream[-1].segment_ends = True
            stream[-1].newline_after = stream[-1].blank_line_after = False
    return stream


def _segment_times(segments: Sequence[Segment], position: int) -> tuple[float | None, float | None]:
    segment = segments[position]
    if segment.start is None:
        return None, None
    if segment.end is not None and segment.end >= segment.start:
        return segment.start, segment.end
    later = next((s.start for s in segments[position + 1 :] if s.start is not None), None)
    spoken = len(segment.text.split()) / 2.5  # ~150 words per minute
    return segment.start, later if later is not None and later > segment.start else segment.start + spoken


def _ends_sentence(word: _Word, following: _Word, pending: list[_Word], timed: bool) -> bool:
    if word.blank_line_after:
        return True
    line_ends = word.newline_after or (word.segment_ends and not timed)
    if not line_ends and word.text[-1] not in _TERMINAL_CHARS:
        return False
    if len(pending) == 1 and _LIST_MARKER.match(word.text):
        return False  # "1." opening a list line
    if _is_terminal(word.text, following.text):
        return True
    if line_ends and not timed:
        if _LIST_MARKER.match(following.text):
            return True
        first = following.text.lstrip("\"'“‘(")[:1]
        shouting = all(w.text.upper() == w.text for w in pending)
        return (first.isupper() or first.isdigit()) and not shouting
    return False


def _is_terminal(text: str, following: str) -> bool:
    if not _TERMINAL.search(text):
        return False
    core = text.rstrip("\"'”’)]")
    if core.endswith((".", "…")) and not core.endswith(("!.", "?.")):
        bare = core.rstrip(".…").lower().lstrip("(\"'“‘")
        if core.endswith(".") and not core.endswith("..") and (
            bare in _ABBREVIATIONS or (len(bare) == 1 and bare.isalpha())
        ):
            return False
        if following[:1].islower():
            return False
    return True


def _chunks(run: list[_Word], longest: int = MAX_WORDS) -> list[list[_Word]]:
    """Cut an over-long run (unpunctuated captions) into sentence-sized pieces.

    A run of at most `longest` words stays whole. Otherwise a piece of at least
    MIN_CHUNK_WORDS ends before a word that usually starts a spoken sentence
    ("so", "but", "now", ...); from PREFERRED_CHUNK_WORDS on it also ends where a
    caption segment ends; it never exceeds MAX_WORDS.
    """
    if len(run) <= longest:
        return [run]
    pieces: list[list[_Word]] = []
    current: list[_Word] = []
    for position, word in enumerate(run):
        following = run[position + 1].text.lower() if position + 1 < len(run) else ""
        current.append(word)
        if (
            len(current) >= MAX_WORDS
            or (len(current) >= MIN_CHUNK_WORDS and following in SENTENCE_STARTERS)
            or (len(current) >= PREFERRED_CHUNK_WORDS and word.segment_ends)
        ):
            pieces.append(current)
            current = []
    if current:
        if pieces and len(current) < MIN_CHUNK_WORDS // 2:
            pieces[-1].extend(current)
        else:
            pieces.append(current)
    return pieces
