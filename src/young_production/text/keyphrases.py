"""S09 by rules: niche tags from key phrases (RAKE-style candidates, nested-phrase scoring).

1. Candidates: the text is cut at punctuation, stop words, numbers and
   one-letter words; every 1- to 3-word run inside the pieces is a candidate.
   Plurals fold ("habits" -> "habit"); a tag is shown in its most frequent form.
2. Frequency: occurrences in the title and the transcript, plus `TITLE_BONUS`
   for a phrase of the title that the transcript says too. A phrase nested in
   a longer candidate loses the occurrences the longer one explains (as in
   C-value term extraction), so "morning routine" beats "morning" when the two
   travel together.
3. Score: adjusted frequency x (1 + 0.6 per extra word). Words from
   `GENERIC_WORDS` ("people", "time", "tips", "city", "plan", "risk") never make
   a tag on their own, nor do phrases made of them only, phrases opened by an
   `EVALUATIVE` adjective ("surprising part", "specific string", "beautiful
   country"), a word repeated ("woo woo woo") or ending on a past form
   ("balloon rose"), nor phrases ending on a word said half the time or more
   right after a subject or a verb marker or before a particle ("I quit", "to
   cut", "blow up": without a part-of-speech tagger that is how verbs are told
   from nouns), nor words said more than half the time right after themselves
   (an interjection: "woo woo").
4. Pick: best first, skipping a phrase that contains one already picked
   unless said three times or more ("deep sleep" next to "sleep"), or is
   contained in one and said fewer than twice on its own ("gym" stays next to
   "gym buddy" when it also stands alone).
5. Short texts: when fewer than `MIN_TAGS` phrases repeat, phrases said once
   fill up to `MIN_TAGS` (two-word ones first, then single words, then three),
   each sharing no word with a tag already picked and holding no verb-like word
   (one said after a subject or verb marker, or a past tense in "-ed").
6. Details, people, derived words: a defined abbreviation ("pneumonitis, or
   HP") counts as what it stands for; a phrase said in one sentence only, or in
   a long text only within `MIN_SPREAD` of it, is an anecdote's detail; a
   person named in passing (`names.people_in_passing`), a name and its relation ("Fide's
   family": a possessive before a generic noun ends the piece), the speaker's own ("my roommate"), a
   term of a sum ("Hitler plus Italy") and an adjective alone ("previous", "happy") are
   no tags; "Americans" count for "America".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .grammar import COMMON_ADJECTIVES, IRREGULAR_PAST, is_adverb, is_verb
from .names import people_in_passing, speakers, spell_out
from .sentences import STOP_WORDS, Sentence, stem

MIN_TAGS, MAX_TAGS = 3, 6
MAX_TAG_CHARS = 30
TITLE_BONUS = 2
FEW_SENTENCES, MIN_SENTENCES, LONG_TEXT, MIN_SPREAD = 5, 2, 25, 0.15
FILL_ORDER = {2: 0, 1: 1, 3: 2}
GENERIC_WORDS = frozenset(
    """
    people person time times day days week weeks month months year years minute minutes hour hours part
    parts point points reason reasons idea ideas example examples question questions answer answers
    problem problems tip tips step steps mistake mistakes rule rules end story number numbers percent
    thousand million billion life world work job lot way thing place today tomorrow yesterday morning
    night everyone guy man men woman women kid kids friend friends family hand head side top bottom level
    kind type sort
    version result results bunch couple handful dozen plenty
    subject future plan team course act description approach possibility risk moment city nation human
    solution body doctor minus plus fact decade style
    country state region history progress power character form process impact source content context
    company official group field list line total
    small huge short long high low full quick fast slow free personal far inside early
    red green blue yellow black white
    """.split()
)
# evaluative adjectives: they say what the speaker thinks of a thing, not what it is, so a phrase
# they open is no tag ("specific string", "beautiful country", "true solution")
EVALUATIVE = frozenset(
    """
    crazy single real true simple easy hard different important special entire actual exact amazing
    awesome incredible insane perfect bad better worse specific surprising interesting main whole piece
    summary study good equal possible beautiful certain particular wonderful terrible great
    """.split()
)
# not content: web addresses, file names, handles; a line that is a credit, a byline or a footer
_NOT_CONTENT = re.compile(
    r"https?://\S+|www\.\S+|\b[\w.-]+\.(?:com|org|net|gov|edu|io|co|uk|de|fr|tv|ly)(?:/\S*)?|"
    r"\b[\w-]+\.(?:png|jpe?g|gif|webp|svg|mp4|mov|webm|mkv|pdf|html?|srt|vtt|txt|docx?)\b|\S+@\S+|[@#][\w.]*\w",
    re.IGNORECASE,
)
_MAYBE_NOT_CONTENT = re.compile(r"\w\.\w|[@#]|://")  # a cheap test before the costly one
_CREDIT_LINE = re.compile(
    r"^(?:by |photo(?:graph)?s?\b|image\b|credit|picture\b|source:|copyright|©|\(c\)|illustration\b|"
    r"more information:|provided by|originally published|visit \w+|read more|related:|follow us|"
    r"(?:getty|ap|afp|reuters|shutterstock)\b)|\b(?:getty images|shutterstock|ap photo|afp photo|photo credit)\b",
    re.IGNORECASE,
)
OPERATORS = frozenset("minus plus versus vs".split())  # "italy minus germany" is a sum, not a topic
VERB_MARKERS = frozenset(
    "i you we they he she to will would can could should must don't didn't never i'll you'll we'll "
    "i've you've we've i'd you'd just always who which".split()
)
PARTICLES = frozenset("up out off down".split())
_ADJECTIVE_ENDINGS = ("ous", "ful", "less")  # "previous", "useful", "endless": never a tag on their own
_LETTER = re.compile(r"[a-z]")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'’\-]*|[^\sa-z0-9]", re.IGNORECASE)


@dataclass
class _Phrases:
    """Counts of every candidate phrase, keyed by its stems."""

    counts: Counter[tuple[str, ...]] = field(default_factory=Counter)  # occurrences + title bonus
    occurrences: Counter[tuple[str, ...]] = field(default_factory=Counter)
    said: Counter[str] = field(default_factory=Counter)  # single words, wherever they stand
    verb_like: Counter[str] = field(default_factory=Counter)  # ... right after a subject or verb marker
    doubled: Counter[str] = field(default_factory=Counter)  # ... right after itself ("woo woo", "no no")
    mine: Counter[str] = field(default_factory=Counter)  # ... after "my" ("my roommate", "my American roommate")
    in_sums: Counter[str] = field(default_factory=Counter)  # ... beside "plus", "minus" ("Hitler plus Italy")
    first_seen: dict[tuple[str, ...], int] = field(default_factory=dict)
    sentences: dict[tuple[str, ...], int] = field(default_factory=dict)  # how many sentences say it
    first_sentence: dict[tuple[str, ...], int] = field(default_factory=dict)
    last_sentence: dict[tuple[str, ...], int] = field(default_factory=dict)
    total_sentences: int = 0


@dataclass(frozen=True)
class TagSupport:
    """What a tag rests on: in how many sentences it is said, whether the title says it too, its rank."""

    tag: str
    sentences: int
    in_title: bool
    rank: int


def niche_tags(sentences: Sequence[Sentence], title: str = "") -> list[str]:
    """3-6 short lower-case tags, best first (fewer only when the text is too short).

    Tags come from the content only: the title just weighs phrases the text says
    too, and a title that is a file name or a web address counts for nothing.
    """
    return [support.tag for support in tag_support(sentences, title)]


def tag_support(sentences: Sequence[Sentence], title: str = "") -> list[TagSupport]:
    """The tags `niche_tags` picks, each with the evidence for it."""
    texts = spell_out([_content(s.text) for s in sentences if not _CREDIT_LINE.search(s.text)])
    title = _content(title)
    phrases = _count(texts, title)
    picked = _pick(phrases, speakers(texts), people_in_passing(texts, title))
    return [
        TagSupport(" ".join(key), phrases.sentences.get(key, 0), phrases.counts[key] > phrases.occurrences[key], rank)
        for rank, key in enumerate(picked)
    ]


def _content(text: str) -> str:
    """The text without web addresses, file names, handles and e-mail addresses."""
    return _NOT_CONTENT.sub(" ", text) if _MAYBE_NOT_CONTENT.search(text) else text


def _count(texts: Sequence[str], title: str) -> _Phrases:
    phrases = _Phrases()
    stems: dict[str, str] = {}
    counts: dict[tuple[str, ...], int] = {}  # a plain dict: this loop is the hot spot of the tag rules
    first_seen, in_sentences = phrases.first_seen, phrases.sentences
    first_sentence, last_sentence = phrases.first_sentence, phrases.last_sentence
    said: list[str] = []
    verb_like: list[str] = []
    doubled: list[str] = []
    mine: list[str] = []
    in_sums: list[str] = []
    for index, text in enumerate(texts):
        for run, owned in _runs(text):
            run_stems = [stems.get(w) or stems.setdefault(w, stem(w)) for w, _ in run]
            said += run_stems
            doubled += [b for a, b in zip(run_stems, run_stems[1:]) if a == b]
            verb_like += [st for st, (_, after_subject) in zip(run_stems, run, strict=True) if after_subject]
            if owned:
                mine += run_stems
            if len(run_stems) > 2 and not OPERATORS.isdisjoint(run_stems):
                in_sums += [w for i, w in enumerate(run_stems) if OPERATORS.intersection(run_stems[max(i - 1, 0) : i + 2])]
            for i, j in _spans(len(run)):
                key = tuple(run_stems[i:j])
                seen_in = last_sentence.get(key)
                if seen_in is None:
                    counts[key] = in_sentences[key] = 1
                    first_seen[key] = len(first_seen)
                    first_sentence[key] = last_sentence[key] = index
                else:
                    counts[key] += 1
                    if seen_in != index:
                        last_sentence[key] = index
                        in_sentences[key] += 1
    phrases.total_sentences = len(texts)
    phrases.said, phrases.verb_like, phrases.doubled = Counter(said), Counter(verb_like), Counter(doubled)
    phrases.mine, phrases.in_sums = Counter(mine), Counter(in_sums)
    phrases.counts = Counter(counts)
    phrases.occurrences = phrases.counts.copy()
    for run, _ in _runs(title):
        run_stems = [stems.get(w) or stem(w) for w, _ in run]
        for key in {tuple(run_stems[i:j]) for i, j in _spans(len(run))}:
            if phrases.counts[key] > 1:  # said in the body as well as in the title
                phrases.counts[key] += TITLE_BONUS
    return phrases


def _pick(
    phrases: _Phrases, speakers: frozenset[str] = frozenset(), people: frozenset[str] = frozenset()
) -> list[tuple[str, ...]]:
    counts, adjusted = phrases.counts, _subtract_nested(phrases.counts)
    demonyms = _demonyms(counts)
    for demonym, place in demonyms.items():  # "Americans" speak of America: one topic
        counts[place] += counts[demonym]
        adjusted[place] += adjusted[demonym]

    def candidate(k: tuple[str, ...]) -> bool:
        return _eligible(k) and not all(w in people for w in k) and _spread(k, phrases) and k not in demonyms and not (
            any(2 * phrases.in_sums[w] >= phrases.said[w] for w in k)  # a term of a sum ("Hitler plus Italy")
            or 2 * phrases.verb_like[k[-1]] >= phrases.said[k[-1]]  # ends on a verb: "values blow (up)"
            or len(k) == 1 and (k[0] in speakers
                                or 2 * phrases.doubled[k[0]] > phrases.said[k[0]]  # an interjection
                                or 5 * phrases.mine[k[0]] >= 4 * phrases.said[k[0]] >= 12)  # the speaker's own
        )

    chosen: list[tuple[str, ...]] = []
    repeated = sorted(
        (k for k, n in counts.items() if n >= 2 and adjusted[k] > 0 and candidate(k)),
        key=lambda k: (-adjusted[k] * (1 + 0.6 * (len(k) - 1)), phrases.first_seen[k]),
    )
    for key in repeated:
        if len(chosen) == MAX_TAGS:
            break
        if not any(
            (_nested(other, key) and counts[key] < 3) or (_nested(key, other) and adjusted[key] < 2)
            for other in chosen
        ):
            chosen.append(key)
    # Short texts: fill up with phrases said once, two-word ones first (they name things best),
    # leaving out phrases with a verb in them ("stopped chasing"): one occurrence is weak evidence.
    if len(chosen) >= MIN_TAGS:
        return chosen
    once = sorted(
        (k for k, n in counts.items() if n < 2 and candidate(k) and not any(_verb_like(w, phrases) for w in k)),
        key=lambda k: (FILL_ORDER[len(k)], phrases.first_seen[k]),
    )
    for key in once:
        if len(chosen) >= MIN_TAGS:
            break
        if not any(set(other) & set(key) for other in chosen):
            chosen.append(key)
    return chosen


def _spread(key: tuple[str, ...], phrases: _Phrases) -> bool:
    """Said in two sentences or more, and in a long text not all in one passage: a phrase said only
    within one stretch of a long text is a detail of an anecdote ("business card", "petrol bomb")."""
    total = phrases.total_sentences
    if phrases.counts[key] < 2 or total < FEW_SENTENCES:  # a handful of long sentences: count words
        return True
    if phrases.sentences[key] < MIN_SENTENCES:
        return False
    return total < LONG_TEXT or phrases.last_sentence[key] - phrases.first_sentence[key] >= MIN_SPREAD * total


def _demonyms(counts: Counter[tuple[str, ...]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Words for the people of a place the text names too: "american" -> "america", "african" ->
    "africa", "european" -> "europe", "canadian" -> "canada", "mexican" -> "mexico"."""
    found = {}
    for (word, *rest), n in counts.items():
        if not rest and n >= 2 and word.endswith("an") and len(word) > 5:
            for place in (word[:-1], word[:-2] + "e", word[:-3] + "a", word[:-2] + "o"):
                if counts.get((place,), 0) >= 2:
                    found[(word,)] = (place,)
                    break
    return found


def _verb_like(word: str, phrases: _Phrases) -> bool:
    """Said after a subject or verb marker, or a past tense ("stopped", "asked"; not "speed")."""
    return phrases.verb_like[word] > 0 or _past_form(word)


def _past_form(word: str) -> bool:
    return len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


@lru_cache(maxsize=64)
def _spans(length: int) -> tuple[tuple[int, int], ...]:
    """(start, end) of every 1- to 3-word slice of a run."""
    return tuple((i, i + size) for size in (1, 2, 3) for i in range(length - size + 1))


def _runs(text: str) -> Iterable[tuple[list[tuple[str, bool]], bool]]:
    """Pieces of the text between delimiters (punctuation, stop words, numbers, 1-letter words).

    Each word comes with whether it follows a subject or a verb marker ("I", "you",
    "to", "will", ...) or comes before a particle ("up", "out"): a word mostly found
    there is a verb ("quit", "slept", "blow up"). Each
    piece comes with whether "my" opens it ("my American roommate").
    """
    run: list[tuple[str, bool]] = []
    previous = opener = ""
    owner = False
    for token in _TOKEN.findall(text.lower()):
        word = token.replace("’", "'").strip("'-")
        if owner and run and word in GENERIC_WORDS:  # "Fide's family": the owner's, not a topic
            yield run, opener == "my"
            run = []
        owner = word.endswith("'s")
        if owner:  # "hong kong's" is "hong kong"
            word = word[:-2]
        if word in STOP_WORDS or len(word) < 2 or not (word[0].isalpha() or _LETTER.search(word)):
            if run:
                if word in PARTICLES:  # "blow up", "figure out": the word before is a verb
                    run[-1] = (run[-1][0], True)
                yield run, opener == "my"
            run = []
        else:
            if not run:
                opener = previous
            run.append((word, previous in VERB_MARKERS))
        previous = word
    if run:
        yield run, opener == "my"


def _subtract_nested(counts: Counter[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    """Each phrase's count minus that of its most frequent one-word-longer extension."""
    longest_extension: dict[tuple[str, ...], int] = defaultdict(int)
    for key, n in counts.items():
        if len(key) > 1 and n >= 2:
            for part in (key[:-1], key[1:]):
                longest_extension[part] = max(longest_extension[part], n)
    return {key: n - longest_extension[key] for key, n in counts.items()}


def _eligible(key: tuple[str, ...]) -> bool:
    """Not made of generic words only, not opened by an evaluative adjective ("surprising part"), not
    one word repeated, not a verb or adverb ("reduce", "randomly", "chasing trends"), not an adjective
    alone ("previous", "useful"), not a short non-word, not too long."""
    if all(word in GENERIC_WORDS or word in EVALUATIVE for word in key) or key[0] in EVALUATIVE:
        return False
    if len(key) > 1 and (len(set(key)) == 1 or OPERATORS.intersection(key)):  # "woo woo", "italy minus germany"
        return False
    if is_verb(key[0]) or any(is_adverb(w) for w in key) or (
        len(key) == 1 and (_past_form(key[0]) or key[0].endswith(_ADJECTIVE_ENDINGS) or key[0] in COMMON_ADJECTIVES)
    ):
        return False
    if len(key) > 1 and key[-1] in IRREGULAR_PAST:  # "balloon rose": a subject and its verb
        return False
    if len(key) == 1 and len(key[0]) < 3 and not key[0].isalpha():
        return False
    return sum(map(len, key)) + len(key) - 1 <= MAX_TAG_CHARS


def _nested(inner: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    return len(inner) <= len(outer) and any(
        outer[i : i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1)
    )
