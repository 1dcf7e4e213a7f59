"""Names and abbreviations in a text, for the tag rules: who is a source or a passer-by, not a topic.

- `spell_out`: abbreviations the text defines ("hypersensitivity pneumonitis, or
  HP") are replaced by what they stand for, so the two count as one phrase;
- `speakers`: names mostly seen attributing a quote ("Dempsey said");
- `people_in_passing`: the words of people named in passing, by how news and
  talks name a person (full name first, then the surname alone).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .sentences import STOP_WORDS, stem

_ATTRIBUTION = re.compile(
    r"\b([A-Z][a-z’']+)\s+(?:said|says|told|wrote|writes|explained|added|noted|recalled)\b|"
    r"\b(?:said|says|told|according to)\s+(?:[A-Z][a-z’']+\s+)?([A-Z][a-z’']+)\b"
)
# a capitalised name of two or more words ("Michael Howitt", "Samuel Pierpont Langley")
_NAME_RUN = re.compile(r"\b[A-Z][\w'\-]*(?:[^\S\n]+[A-Z][\w'\-]*)+")
_DEFINED_AT = re.compile(r"(?:\(|\bor\s+)[A-Z]{2,6}\b")  # a quick test before the costly one
# up to eight words, then "(ABC)" or ", or ABC"
_DEFINITION = re.compile(r"((?:[\w’'-]+\s+){0,7}[\w’'-]+)\s*(?:\(|,?\s+or\s+)([A-Z]{2,6})\b\)?")


def spell_out(texts: list[str]) -> list[str]:
    """Abbreviations the text defines ("hypersensitivity pneumonitis, or HP", "binge eating disorder
    (BED)") replaced by what they stand for, so the two count as one phrase and "hp" is no tag.

    A definition is an abbreviation in brackets or after "or", right after words whose initials
    spell it (stop words may sit between them).
    """
    if not _DEFINED_AT.search("\n".join(texts)):
        return texts
    expansions: dict[str, str] = {}
    for text in texts:
        if _DEFINED_AT.search(text):
            for match in _DEFINITION.finditer(text):
                words, abbreviation = match.group(1).split(), match.group(2)
                for start in range(len(words) - 1, -1, -1):
                    initials = "".join(w[0] for w in words[start:] if w.lower() not in STOP_WORDS)
                    if initials.upper() == abbreviation and words[start].lower() not in STOP_WORDS:
                        expansions.setdefault(abbreviation, " ".join(words[start:]))
                        break
    if not expansions:
        return texts
    defined = re.compile(r"\s*(?:\(|,?\s+or\s+)(" + "|".join(expansions) + r")\b\)?")
    used = re.compile(r"\b(" + "|".join(expansions) + r")s?\b")
    return [used.sub(lambda m: expansions[m.group(1)], defined.sub("", text)) for text in texts]


def speakers(texts: Sequence[str]) -> frozenset[str]:
    """Names mostly seen attributing a quote ("Dempsey said"): the source of the story, not its topic."""
    attributed = Counter(
        (m.group(1) or m.group(2)).lower().replace("’", "'") for text in texts for m in _ATTRIBUTION.finditer(text)
    )
    if not attributed:
        return frozenset()
    seen = Counter(w for text in texts for w in re.findall(r"\b[A-Z][a-z’']+\b", text) if w.lower() in attributed)
    return frozenset(name for name, n in attributed.items() if 2 * n >= seen[name.capitalize()])


def people_in_passing(texts: Sequence[str], title: str) -> frozenset[str]:
    """Words of people named in passing, by how news and talks name a person: the full name first
    ("Michael Howitt"), then the surname alone ("Howitt found"), never "the Howitt", the given names
    said only in a name, and no word of it ever in lower case. The title names the person a piece
    is about, who stays a tag.

    Other names pass: "Sub-Saharan Africa" (after "Africa" alone), "the University", "Louisiana
    Democrats" ("Louisiana" is said alone too), "Inner Mongolia" ("Mongolia" never alone), "Tax
    Preparation Service" (never alone), acronyms ("HP").
    """
    joined = "\n".join(texts).replace("’", "'")
    runs = [
        tuple(run) for match in _NAME_RUN.findall(joined)
        if len(run := [w.removesuffix("'s") for w in match.split() if w.lower() not in STOP_WORDS and not w.isupper()]) > 1
    ]
    given = Counter(w for run in runs for w in run[:-1])
    titled = {w.lower() for w in re.findall(r"[\w’'\-]+", title)}
    people: set[str] = set()
    for run in dict.fromkeys(runs):
        if (
            run[-1].lower() not in titled
            and not any(_said(w.lower(), joined) for w in run)  # never in lower case
            and all(_said(w, joined) == given[w] for w in run[:-1])  # given names: said only before a surname
            and _named_like_a_person(run[-1], joined)
        ):
            people.update(_fold(w) for w in run)
    return frozenset(people)


def _said(word: str, text: str) -> int:
    """How many times a word is said (case-sensitive), possessive included."""
    return len(_places(word, text))


def _places(word: str, text: str) -> list[int]:
    """Where a word starts in the text, as a whole word (a literal search first: this runs per name)."""
    if word not in text:
        return []
    return [
        m.start() for m in re.finditer(rf"{re.escape(word)}(?![\w-])", text)
        if not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in "'-_")
    ]


def _named_like_a_person(surname: str, text: str) -> bool:
    """First said after a capitalised word (a given name), later said alone, and never after "the"."""
    before = [_word_before(text, at) for at in _places(surname, text)]
    in_name = [b[:1].isupper() and b[-1:].isalnum() for b in before]
    return bool(in_name) and in_name[0] and not all(in_name) and not any(b.lower() == "the" for b in before)


def _word_before(text: str, at: int) -> str:
    """The word right before position `at` on the same line, with any punctuation stuck to it."""
    head = text[max(at - 40, 0) : at]
    stripped = head.rstrip(" \t")
    if stripped == head or not stripped or stripped[-1] == "\n":
        return ""
    return stripped.split()[-1]


def _fold(word: str) -> str:
    word = word.lower().replace("’", "'").strip("'-")
    return stem(word[:-2] if word.endswith("'s") else word)
