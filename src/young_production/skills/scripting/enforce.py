"""Style rules applied to text, the same way whoever wrote it (the rules or a language model).

`apply_style` removes or swaps avoided words, cuts sentences longer than the maximum at
their most natural break (a comma, a dash, "and/but/so") and, for a style that asks for
long sentences, joins short neighbours toward the target length. Phrases the style
requires verbatim (opener, sign-off, required phrases) are added by the script skill
after this, so they are never cut or edited. `find_avoided` and `long_sentences` are the
checks that prove the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from ...text.sentences import split_sentences, words
from ...transcript import Segment
from .style import StyleRules

JOIN_SLACK = 1.25  # joined sentences may run this far past the target length
MIN_PIECE_WORDS = 3
_SUFFIXES = r"(?:s|es|ed|ing|er|ers)?"
_KEEP_SUFFIX = ("s", "es")
_CONJUNCTIONS = frozenset("and but so then yet or because".split())
_BREAK_BEFORE = frozenset("and but so then yet".split())
# Second choice: before a word that opens a clause ("... first | because rent ...").
_PHRASE_OPENERS = frozenset(
    "because before after when while if which who where although though unless until since instead".split()
)
_TERMINAL = ".!?…"
def sentences_of(text: str) -> list[str]:
    """The sentences of a passage (abbreviations and initials kept whole)."""
    return [s.text for s in split_sentences([Segment(text)])] if text.strip() else []


def word_count(text: str) -> int:
    return len(words(text))


def apply_style(text: str, rules: StyleRules) -> str:
    """The text with avoided words gone and sentence lengths within the style."""
    kept: list[str] = []
    for sentence in sentences_of(text):
        cleaned = remove_avoided(sentence, rules)
        if word_count(cleaned) == 0:
            continue
        kept.extend(_fit(_end(cleaned), rules.max_sentence_words))
    if rules.target_sentence_words:
        kept = _join_toward(kept, rules.target_sentence_words, rules.max_sentence_words)
    return " ".join(kept)


# --- avoided words --------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _pattern(phrase: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.compile(rf"(?<![\w'’-])({body}){_SUFFIXES}(?![\w'’-])", re.IGNORECASE)


def find_avoided(text: str, rules: StyleRules) -> list[str]:
    """The avoided words (or their -s/-ed/-ing forms) that occur in the text."""
    return [word for word in rules.avoid if _pattern(word).search(text)]


# Neutral swaps for words styles often ban, used when the style names no replacement (and the
# swap is not banned too); any other avoided word is dropped and the sentence tidied.
COMMON_SWAPS = {
    "hack": "trick", "guru": "expert", "hustle": "work", "grind": "work", "insane": "remarkable",
    "crazy": "surprising", "amazing": "great", "awesome": "great", "epic": "great", "mind-blowing": "surprising",
    "game-changer": "big change", "game changer": "big change", "utilize": "use", "leverage": "use",
}


def replacement_for(word: str, rules: StyleRules) -> str:
    """What an avoided word becomes: the style's own swap, else a neutral one, else nothing."""
    key = word.lower()
    instead = rules.replacements.get(key) or COMMON_SWAPS.get(key, "")
    return "" if instead and find_avoided(instead, rules) else instead


def remove_avoided(sentence: str, rules: StyleRules) -> str:
    """The text with each avoided word swapped (see `replacement_for`) or dropped, then tidied."""
    if not rules.avoid:
        return sentence
    starts_upper = sentence[:1].isupper()
    out = sentence
    for word in sorted(rules.avoid, key=len, reverse=True):  # "passive income" before "income"
        instead = replacement_for(word, rules)
        out = _pattern(word).sub(lambda m, instead=instead: _swap(m, instead), out)
    out = _tidy(out)
    if starts_upper and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out


def _swap(match: re.Match[str], instead: str) -> str:
    if not instead:
        return ""
    suffix = match.group(0)[len(match.group(1)):]
    word = instead + (suffix if suffix in _KEEP_SUFFIX else "")
    return word[0].upper() + word[1:] if match.group(0)[:1].isupper() else word


def _tidy(text: str) -> str:
    """Spacing and punctuation left behind by a removed word."""
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?…])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[,;:]\s*", "", text)
    text = re.sub(r"[,;:]\s*([.!?…])", r"\1", text)
    text = re.sub(r"\b(a|an|the)\s+([.,;:!?])", r"\2", text, flags=re.IGNORECASE)
    return text.strip()


# --- sentence length ------------------------------------------------------------------------


def long_sentences(text: str, max_words: int | None) -> list[str]:
    """Sentences over the maximum length."""
    if not max_words:
        return []
    return [s for s in sentences_of(text) if word_count(s) > max_words]


def _fit(sentence: str, max_words: int | None) -> list[str]:
    """The sentence cut into pieces of at most `max_words` words at clause breaks (a comma or dash,
    before and/but/so, before because/when/if ...); one without a clean break is left whole, never
    cut mid-clause, and `long_sentences` reports it."""
    if not max_words or word_count(sentence) <= max_words:
        return [sentence]
    tokens = sentence.split()
    cut = _best_break(tokens, _natural) or _best_break(tokens, _phrase_start)
    if cut is None:
        return [sentence]
    head, tail = " ".join(tokens[:cut]), " ".join(tokens[cut:])
    return _fit(_end(head), max_words) + _fit(_start(tail), max_words)


def _natural(before: str, after: str) -> bool:
    """After ',;:' or a dash, or before 'and/but/so/then/yet'."""
    return before[-1:] in ",;:—–" or after in ("—", "–") or after.lower() in _BREAK_BEFORE


def _phrase_start(before: str, after: str) -> bool:
    return after.lower() in _PHRASE_OPENERS


def _best_break(tokens: list[str], allowed: Callable[[str, str], bool]) -> int | None:
    """The allowed break nearest the middle that leaves at least three words on each side."""
    middle = len(tokens) / 2
    candidates = [
        i for i in range(1, len(tokens))
        if allowed(tokens[i - 1], tokens[i])
        and _counted(tokens[:i]) >= MIN_PIECE_WORDS and _counted(tokens[i:]) >= MIN_PIECE_WORDS
    ]
    return min(candidates, key=lambda i: abs(i - middle)) if candidates else None


def _counted(tokens: list[str]) -> int:
    return sum(1 for t in tokens if words(t))


def _end(text: str) -> str:
    """The text ending like a sentence (a closing quote or bracket after the stop is kept)."""
    text = text.rstrip(" ,;:—–-")
    return text if text.rstrip("\"'”’)]")[-1:] in _TERMINAL else text + "."


def _start(text: str) -> str:
    text = text.lstrip(" ,;:—–-")
    return text[:1].upper() + text[1:]


def _join_toward(sentences: list[str], target: int, max_words: int | None) -> list[str]:
    """Neighbouring statements joined into sentences of about `target` words."""
    limit = int(target * JOIN_SLACK)
    if max_words:
        limit = min(limit, max_words)
    joined: list[str] = []
    for sentence in sentences:
        if joined and _joinable(joined[-1], sentence, limit):
            joined[-1] = _join(joined[-1], sentence)
        else:
            joined.append(sentence)
    return joined


def _joinable(first: str, second: str, limit: int) -> bool:
    return (
        first.endswith(".") and not first.endswith("..")
        and word_count(first) + word_count(second) + 1 <= limit
    )


def _join(first: str, second: str) -> str:
    head = second.split(maxsplit=1)[0]
    lead = head.lower().strip(",")
    if _keeps_capital(head):
        rest = second
    else:
        rest = second[0].lower() + second[1:]
    glue = ", " if lead in _CONJUNCTIONS else ", and "
    return first[:-1] + glue + rest


def _keeps_capital(word: str) -> bool:
    """'I', "I'm", acronyms and names with inner capitals keep their case inside a sentence."""
    core = word.strip("\"'“‘(,")
    return core in ("I",) or core.startswith(("I'", "I’")) or any(c.isupper() for c in core[1:])
