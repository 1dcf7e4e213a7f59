"""S14: read an Empire's writing style from its page body into explicit rules.

People write style pages the way they talk: headings, bullets, toggles, a line such
as "Keep sentences under 12 words", "Never say: basically", "Always end with: 'Stay
curious.'" or "Shorts: 45 seconds max". `parse_style` reads what it can into
`StyleRules` and keeps every line it does not understand in `notes` (language models
still read those; nothing the team wrote is dropped silently).

What a line means depends on where it stands: a bullet under a heading or toggle named
"Words we avoid" is a list of avoided words, one under "Shorts" a rule for Shorts. A
body with a heading that names the style ("Writing style", "Style guide") is read from
that heading to the next heading of the same level; otherwise the whole body is read.

An empty style is a `StyleError`. An Empire whose page has no text at all gets
`DEFAULT_STYLE` from `style_for_empire`, marked `source="default"` so the draft says
so, instead of failing: a team that has not written its style yet still gets a draft.
A style *file* given on purpose (`style_from_file`) must exist and hold text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ...errors import YPError
from ...records import Block, Empire, body_text
from ...store.base import Store

SHORT_SENTENCE_WORDS = 12  # "short sentences" without a number
LONG_SENTENCE_WORDS = 24  # "long sentences" without a number: the target length
SHORTS_SECONDS = (30, 60)
VIDEO_MINUTES = (8, 12)  # a long video's length when the style gives none
MAX_ITEMS = 60  # per list: avoided words, phrases, notes, examples
MAX_PHRASE_CHARS = 160
MAX_STYLE_CHARS = 20_000
MAX_WORDS_IN_ITEM = 5  # longer list items are sentences, kept as notes
# Kinds of language a style rules out ("No swearing", "Avoid jargon and clickbait"): rules about
# the language, passed to models and shown on the page, never words to delete from a script.
LANGUAGE_KINDS = frozenset({
    "swearing", "profanity", "cursing", "curse words", "swear words", "bad language", "foul language", "jargon",
    "clickbait", "click bait", "click-bait", "slang", "buzzwords", "filler", "filler words", "emojis", "hype",
    "hyperbole", "exaggeration", "sarcasm", "insults", "technical terms", "acronyms", "politics", "innuendo",
})
_LANGUAGE_RULE = re.compile(r"^(?:no|avoid|never use|don'?t use|do not use|without|zero)\s+(?P<kind>.+?)[.!]?$", re.I)
# Words too common to strip from a script automatically ("Say 'you', never 'one'"):
# the rule stays in the notes for language models, the rules leave these alone.
TOO_COMMON = frozenset("a an the and or but of to in on at it is are be i you we they he she one this that".split())


class StyleError(YPError):
    """A writing style that cannot be used (missing, empty, unreadable)."""


class StyleRules(BaseModel):
    """The explicit rules a script follows; `notes` holds the lines no rule matched."""

    voice: str | None = None
    max_sentence_words: int | None = None
    target_sentence_words: int | None = None
    avoid: list[str] = Field(default_factory=list)
    replacements: dict[str, str] = Field(default_factory=dict)  # avoided word -> word to say instead
    opener: str | None = None
    sign_off: str | None = None
    required_phrases: list[str] = Field(default_factory=list)
    format_rules: dict[str, list[str]] = Field(default_factory=lambda: {"short": [], "video": []})
    shorts_seconds: tuple[int, int] = SHORTS_SECONDS
    video_minutes: tuple[int, int] = VIDEO_MINUTES
    language: list[str] = Field(default_factory=list)  # "No swearing", "No jargon": kinds of language ruled out
    warnings: list[str] = Field(default_factory=list)  # what could not be read (a page too long)
    examples: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    source: Literal["page", "file", "default"] = "page"
    empire: str | None = None

    def explicit(self) -> list[str]:
        """The rules as short lines, for the page, a prompt and `--json`."""
        lines = []
        if self.voice:
            lines.append(f"Voice: {self.voice}")
        if self.max_sentence_words:
            lines.append(f"Sentences: at most {self.max_sentence_words} words")
        if self.target_sentence_words:
            lines.append(f"Sentences: about {self.target_sentence_words} words")
        if self.avoid:
            lines.append("Never say: " + ", ".join(self.avoid))
        lines.extend(f"Language: {rule}" for rule in self.language)
        for word, instead in self.replacements.items():
            lines.append(f"Say '{instead}' instead of '{word}'")
        if self.opener:
            lines.append(f"Always start with: {self.opener}")
        for phrase in self.required_phrases:
            lines.append(f"Always include: {phrase}")
        if self.sign_off:
            lines.append(f"Always end with: {self.sign_off}")
        lengths = {"short": "{}-{} seconds".format(*self.shorts_seconds),
                   "video": "{}-{} minutes".format(*self.video_minutes)}
        for fmt, label in (("short", "Shorts"), ("video", "Long videos")):
            rules = self.format_rules.get(fmt, [])
            if not any(rule.startswith(lengths[fmt]) for rule in rules):  # the length, unless a rule says it
                lines.append(f"{label}: {lengths[fmt]}")
            lines.extend(f"{label}: {rule}" for rule in rules)
        return lines


DEFAULT_STYLE = StyleRules(
    voice="clear, friendly, second person",
    max_sentence_words=20,
    source="default",
)


# --- reading ------------------------------------------------------------------------------


def style_for_empire(store: Store, empire: Empire | None) -> StyleRules:
    """S14: the Empire's style from its page body; `DEFAULT_STYLE` when it has none.

    A production without an Empire, or an Empire whose page holds no text, gets the
    default style (marked `source="default"`), so the draft can say so.
    """
    if empire is None or empire.id is None:
        return DEFAULT_STYLE.model_copy()
    blocks = store.read_body(empire.id)
    if not body_text(blocks).strip(" \n-"):
        return DEFAULT_STYLE.model_copy(update={"empire": empire.name})
    return parse_style(blocks, empire=empire.name)


def style_from_file(path: str | Path) -> list[Block]:
    """A style file (Markdown or plain text) as page blocks, for `yp empire add --style-file`.

    Raises `StyleError` when the file is missing, unreadable, not text, or empty, and
    checks that it parses, so a bad file is refused before anything is written.
    """
    file = Path(path)
    try:
        text = file.read_text("utf-8")
    except FileNotFoundError:
        raise StyleError(f"style file not found: {file}") from None
    except IsADirectoryError:
        raise StyleError(f"style file is a folder, not a file: {file}") from None
    except UnicodeDecodeError:
        raise StyleError(f"style file is not UTF-8 text: {file}") from None
    except OSError as exc:
        raise StyleError(f"style file cannot be read: {file} ({exc.strerror or exc})") from None
    if len(text) > MAX_STYLE_CHARS:
        raise StyleError(f"style file is too long: {file} ({len(text)} characters, at most {MAX_STYLE_CHARS})")
    blocks = blocks_from_markdown(text)
    if not blocks:
        raise StyleError(f"style file is empty: {file}")
    parse_style(blocks, empire=file.stem)
    return blocks


def blocks_from_markdown(text: str) -> list[Block]:
    """Markdown-ish text as blocks: `#` headings, `-`/`*`/`1.` list items (indent nests), `>` quotes."""
    blocks: list[Block] = []
    stack: list[tuple[int, Block]] = []  # (indent, list item) of open list items
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        item = re.match(r"^(?:[-*+•]|\d{1,2}[.)])\s+(.*)$", stripped)
        if heading:
            level = min(len(heading.group(1)), 3)
            blocks.append(Block(type=f"heading_{level}", text=heading.group(2).strip()))  # type: ignore[arg-type]
            stack.clear()
        elif item:
            kind = "numbered_list_item" if stripped[0].isdigit() else "bulleted_list_item"
            block = Block(type=kind, text=item.group(1).strip())  # type: ignore[arg-type]
            while stack and stack[-1][0] >= indent:
                stack.pop()
            (stack[-1][1].children if stack else blocks).append(block)
            stack.append((indent, block))
        elif stripped.startswith(">"):
            blocks.append(Block(type="quote", text=stripped.lstrip("> ").strip()))
            stack.clear()
        else:
            blocks.append(Block(type="paragraph", text=stripped))
            stack.clear()
    return blocks


# --- parsing ------------------------------------------------------------------------------

Category = Literal["avoid", "sign_off", "opener", "required", "voice", "short", "video", "examples"]

# What a heading, toggle or "Label:" names. Order matters: the first match wins.
_CATEGORIES: tuple[tuple[Category, re.Pattern[str]], ...] = (
    ("avoid", re.compile(
        r"\b(avoid|never (say|use|write)|banned|don'?t (say|use|write)|do not (say|use|write)|forbidden|"
        r"blacklist|no-go|off[- ]limits|words we (avoid|don'?t use|never use))\b")),
    ("sign_off", re.compile(
        r"sign[- ]?off|outro|always (end|close|finish)|(end|close|finish) (every|each|all|with)|closing line")),
    ("opener", re.compile(r"always (start|open|begin)|(start|open|begin) (every|each) |opening line|intro line")),
    ("required", re.compile(
        r"always (say|include|mention|use)|must (say|include|mention)|required phrases?|catch ?phrases?")),
    ("short", re.compile(r"\bshorts\b|short[- ]form|short videos?|vertical videos?|\breels?\b|\btiktoks?\b")),
    ("video", re.compile(r"long[- ]?form|long videos?|full[- ]length|long[- ]format|main videos?")),
    ("examples", re.compile(r"^(examples?|sample lines?|lines we love|phrases we love|good lines)\b")),
    ("voice", re.compile(r"^(voice|tone|persona|brand voice|voice (and|&) tone|tone of voice|personality)\b")),
)
_LABEL = re.compile(r"^\s*([^:]{2,40}?)\s*[:\-–—]\s+(.+)$")
_QUOTED = re.compile(r"[\"“”]([^\"“”]{1,160})[\"“”]|(?<![A-Za-z])['‘’]([^'‘’]{1,160}?)['‘’](?![A-Za-z])")
_INSTEAD = re.compile(
    r"(?:say|use|write)\s+(?P<q1>['\"‘“])(?P<good>[^'\"’”]{1,60})['\"’”]\s*,?\s*"
    r"(?:instead of|not|never|rather than)\s+(?P<bad>.+)$", re.I)
_PAIR = re.compile(r"['\"‘“]([^'\"’”]{1,60})['\"’”]\s*,?\s*(?:instead of|rather than)\s+['\"‘“]([^'\"’”]{1,60})['\"’”]",
                   re.I)
_USE_INSTEAD = re.compile(r"^(?P<bad>[^(]{1,60}?)\s*\((?:use|say|write|try)\s+['\"‘“](?P<good>[^'\"’”]{1,60})['\"’”]", re.I)
_ARROW = re.compile(r"^(?P<bad>[\w' -]{1,40}?)\s*(?:->|→|=>)\s*(?P<good>[\w' -]{1,40})$")
_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*words?")
_UNDER = re.compile(r"(?:under|below|fewer than|less than|shorter than)\s+(\d{1,3})\s*words?")
_AT_MOST = re.compile(
    r"(?:max(?:imum)?(?: of)?|at most|no more than|not more than|up to|no longer than|<=?)\s*(\d{1,3})\s*words?")
_AT_MOST_AFTER = re.compile(r"(\d{1,3})\s*words?\s*(?:max(?:imum)?|or (?:less|fewer)|at most|tops)")
_ABOUT = re.compile(r"(?:about|around|roughly|approximately|~|averag\w*)\s*(\d{1,3})\s*words?")
_SHORT_WORDS = re.compile(r"\b(short|punchy|crisp|tight|brief|snappy)\b")
_LONG_WORDS = re.compile(r"\b(long|flowing|reflective|lyrical|winding|unhurried)\b")
_SECONDS_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*(?:s|secs?|seconds)\b")
_MINUTES_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*(?:min|mins|minutes)\b")
_SECONDS_MAX = re.compile(
    r"(?:under|below|at most|max(?:imum)?|no (?:more|longer) than|up to)\s*(\d{1,3})\s*(?:s|secs?|seconds)\b"
    r"|(\d{1,3})\s*(?:s|secs?|seconds)\s*(?:max(?:imum)?|or (?:less|shorter)|tops)")


@dataclass
class _Line:
    text: str
    category: Category | None  # from the nearest heading, toggle or parent item that names one
    label: str | None = None  # the nearest heading that names no category ("Structure"), for notes


def parse_style(blocks: Sequence[Block], *, empire: str | None = None, source: str = "page") -> StyleRules:
    """The explicit rules of a style page; `StyleError` when it holds no text."""
    lines = list(_lines(_style_part(blocks)))
    warnings = []
    if sum(len(line.text) for line in lines) > MAX_STYLE_CHARS:
        kept, size = [], 0
        for line in lines:
            size += len(line.text)
            if size > MAX_STYLE_CHARS:
                break
            kept.append(line)
        warnings.append(f"the writing style is long: only its first {MAX_STYLE_CHARS} characters "
                        f"({len(kept)} of {len(lines)} lines) were read")
        lines = kept
    if not lines:
        raise StyleError(f"the writing style{f' of {empire}' if empire else ''} is empty: "
                         "write the voice, sentence length, words to avoid and sign-off on its page")
    rules = StyleRules(source=source, empire=empire, warnings=warnings)  # type: ignore[arg-type]
    voice: list[str] = []
    for line in lines:
        _read_line(line, rules, voice)
    rules.voice = "; ".join(voice)[:MAX_PHRASE_CHARS * 2] or None
    if rules.target_sentence_words and rules.max_sentence_words:
        rules.target_sentence_words = min(rules.target_sentence_words, rules.max_sentence_words)
    rules.avoid = _unique(rules.avoid)[:MAX_ITEMS]
    rules.required_phrases = _unique(rules.required_phrases)[:MAX_ITEMS]
    rules.language = _unique(rules.language)[:MAX_ITEMS]
    rules.examples = rules.examples[:MAX_ITEMS]
    rules.format_rules = {fmt: found[:MAX_ITEMS] for fmt, found in rules.format_rules.items()}
    rules.notes = rules.notes[:MAX_ITEMS]
    return rules


def _style_part(blocks: Sequence[Block]) -> Sequence[Block]:
    """The blocks under a heading that names the style, if there is one; else all of them."""
    for i, block in enumerate(blocks):
        if block.type.startswith("heading") and re.search(r"\b(writing )?style\b|style guide", block.text, re.I):
            # to the next heading of its level that is not part of the style ("Shorts" and "Sign-off"
            # are, however the page's levels came out; "Reports" is not)
            end = next((j for j in range(i + 1, len(blocks))
                        if blocks[j].type.startswith("heading") and blocks[j].type <= block.type
                        and _category(blocks[j].text) is None), len(blocks))
            if body_text([*block.children, *blocks[i + 1:end]]).strip():
                return [*block.children, *blocks[i + 1:end]]
    return blocks


def _lines(blocks: Sequence[Block], category: Category | None = None, label: str | None = None) -> Iterator[_Line]:
    """Every text line with the category (or plain label) its context gives it."""
    section, section_label = category, label
    for block in blocks:
        text = " ".join(block.text.split())[:MAX_PHRASE_CHARS * 4]
        if block.type.startswith("heading"):
            named = _category(text)
            section, section_label = (named, None) if named else (category, text or label)
            yield from _lines(block.children, section, section_label)
            continue
        if block.type == "divider":  # a rule across the page ends the heading's context
            section, section_label = category, label
            continue
        own = _category(text) if block.children or block.type == "toggle" else None
        # A bare label ("Words we avoid") only gives its children their context; a full rule
        # ("Never say: basically") also names a category but is read as a rule itself.
        bare_label = own is not None and len(text.split()) <= 6 and not _LABEL.match(text)
        titled_container = block.type == "toggle" and own is None and bool(block.children)
        if text and not bare_label and not titled_container:
            yield _Line(text, section, section_label)
        if own is not None:
            yield from _lines(block.children, own, None)
        elif block.type == "toggle":  # a titled container of its own ("Checklist before recording")
            yield from _lines(block.children, None, text or section_label)
        else:  # sub-bullets elaborate their parent
            yield from _lines(block.children, section, section_label)


def _category(text: str) -> Category | None:
    low = text.lower().strip(" :")
    return next((name for name, pattern in _CATEGORIES if pattern.search(low)), None)


def _read_line(line: _Line, rules: StyleRules, voice: list[str]) -> None:
    if line.category == "examples":  # an example line is kept whole
        rules.examples.append(line.text[:MAX_PHRASE_CHARS])
        return
    label = _LABEL.match(line.text)
    named = _category(label.group(1)) if label else None
    whole = named in _PHRASE_CATEGORIES or (named is None and line.category in _PHRASE_CATEGORIES)
    # A sign-off, opener or required phrase is kept whole, however many sentences it has.
    for clause in [line.text] if whole else _clauses(line.text):
        if not _read_clause(clause, line.category, rules, voice):
            rules.notes.append(f"{line.label}: {clause}" if line.label else clause)


_PHRASE_CATEGORIES = ("sign_off", "opener", "required")


def _clauses(text: str) -> list[str]:
    """A line cut into its sentences and ';' clauses (keeping quoted text whole)."""
    parts, depth, start, quoted = [], 0, 0, False
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")" and depth > 0)
        if ch == '"' or ch in "“”":
            quoted = ch != "”" and not (quoted and ch == '"')
        following = text[i + 1:i + 3]
        stop = ch in ".!?" or (ch in '"”' and text[i - 1:i] in (".", "!", "?") and not quoted)
        ends = ch == ";" or (stop and following[:1] == " " and following[1:2].isupper())
        if depth == 0 and not quoted and ends:
            parts.append(text[start:i + 1])
            start = i + 1
    parts.append(text[start:])
    return [p.strip(" ;") for p in parts if p.strip(" .;")]


def _read_clause(clause: str, context: Category | None, rules: StyleRules, voice: list[str]) -> bool:
    """Apply one clause to the rules; False when nothing in it was understood."""
    understood = _sentence_length(clause, rules)
    label = _LABEL.match(clause)
    category, value = context, clause
    if label and _category(label.group(1)):
        category, value = _category(label.group(1)), label.group(2).strip()
    elif context is None or context == "voice":
        named = _category(clause)
        if named in ("avoid", "sign_off", "opener", "required"):
            category = named
        elif context is None and _category(" ".join(clause.split()[:3])) in ("short", "video"):
            category = _category(" ".join(clause.split()[:3]))  # "Long videos run 12-18 minutes"
    if _replacement(value, rules):
        return True
    if category in (None, "avoid", "voice") and _language(value, rules):
        return True
    if category == "avoid":
        return _avoid(value, rules) or understood
    if category in ("sign_off", "opener", "required"):
        phrase = _phrase(value, clause)
        if not phrase:
            return understood
        if category == "sign_off":
            rules.sign_off = phrase
        elif category == "opener":
            rules.opener = phrase
        else:
            rules.required_phrases.append(phrase)
        return True
    if category in ("short", "video"):
        if category == "short":
            _shorts_seconds(value, rules)
        elif m := _MINUTES_RANGE.search(value.lower()):
            low_m, high_m = sorted((int(m.group(1)), int(m.group(2))))
            if 1 <= low_m < high_m <= 180:
                rules.video_minutes = (low_m, high_m)
        rules.format_rules[category].append(value[:MAX_PHRASE_CHARS])
        return True
    if category == "examples":  # "Example: ..." on a line of its own
        rules.examples.append(value[:MAX_PHRASE_CHARS])
        return True
    if category == "voice":
        voice.append(value[:MAX_PHRASE_CHARS])
        return True
    return understood


def _sentence_length(clause: str, rules: StyleRules) -> bool:
    low = clause.lower()
    if "sentence" not in low and "line" not in low:
        return False
    if m := _RANGE.search(low):
        low_n, high_n = sorted((int(m.group(1)), int(m.group(2))))
        rules.max_sentence_words, rules.target_sentence_words = high_n, (low_n + high_n) // 2
        return True
    if m := _UNDER.search(low):
        rules.max_sentence_words = max(int(m.group(1)) - 1, 3)
        return True
    if m := (_AT_MOST.search(low) or _AT_MOST_AFTER.search(low)):
        rules.max_sentence_words = max(int(m.group(1)), 3)
        return True
    if m := _ABOUT.search(low):
        rules.target_sentence_words = max(int(m.group(1)), 3)
        return True
    if "sentence" in low and _SHORT_WORDS.search(low) and not rules.max_sentence_words:
        rules.max_sentence_words = SHORT_SENTENCE_WORDS
        return True
    if "sentence" in low and _LONG_WORDS.search(low) and not rules.target_sentence_words:
        rules.target_sentence_words = LONG_SENTENCE_WORDS
        return True
    return False


def _shorts_seconds(value: str, rules: StyleRules) -> None:
    low = value.lower()
    if m := _SECONDS_RANGE.search(low):
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        if 5 <= a < b <= 180:
            rules.shorts_seconds = (a, b)
    elif m := _SECONDS_MAX.search(low):
        b = int(m.group(1) or m.group(2))
        if 10 <= b <= 180:
            rules.shorts_seconds = (min(rules.shorts_seconds[0], b * 2 // 3), b)


def _replacement(value: str, rules: StyleRules) -> bool:
    """"Say 'habit' instead of 'hack'", "use 'most' rather than 'the majority'", "hack -> habit".

    A swap that involves a very common word ("Say 'you', never 'one'") is a note for the
    writer, not an automatic replacement: it would turn "the third one" into "the third you".
    """
    pairs = _PAIR.findall(value)
    if pairs:  # "Use 'buy' instead of 'purchase', 'help' instead of 'assist'"
        for good, bad in pairs:
            _swap_rule(value, good.strip(), [bad.strip()], rules)
        return True
    if m := _INSTEAD.search(value):
        good, bad = m.group("good").strip(), _items(m.group("bad"))
    elif m := (_ARROW.match(value.strip()) or _USE_INSTEAD.match(value.strip())):  # "collaborate (use 'working with')"
        good, bad = m.group("good").strip(), _items(m.group("bad"))
    else:
        return False
    _swap_rule(value, good, bad, rules)
    return True


def _swap_rule(value: str, good: str, bad: list[str], rules: StyleRules) -> None:
    if good.lower() in TOO_COMMON or any(word.lower() in TOO_COMMON for word in bad):
        rules.notes.append(f"{value} (left to the writer: too common a word to swap automatically)")
        return
    for word in bad:
        rules.avoid.append(word)
        rules.replacements[word.lower()] = good


def _language(value: str, rules: StyleRules) -> bool:
    """"No swearing.", "No jargon, no clickbait": rules about the kind of language, not words to delete."""
    parts = [p.strip() for p in re.split(r"[,;]|\.\s+|\band\b|\bor\b", value.strip()) if p.strip(" .")]
    kinds = []
    for part in parts:
        m = _LANGUAGE_RULE.match(part)
        kind = (m.group("kind") if m else part).strip(" .!\"'").lower()
        if kind not in LANGUAGE_KINDS:
            return False
        kinds.append(kind)
    for kind in kinds:
        rules.language.append(f"no {kind}")
    return bool(kinds) and bool(_LANGUAGE_RULE.match(parts[0]))


def _avoid(value: str, rules: StyleRules) -> bool:
    found = False
    for word in _items(value):
        if len(word.split()) > MAX_WORDS_IN_ITEM:
            continue
        if word.lower() in LANGUAGE_KINDS:
            rules.language.append(f"no {word.lower()}")
            found = True
            continue
        if word.lower() in TOO_COMMON:
            rules.notes.append(f"Avoid '{word}' (left to the writer: too common to remove automatically)")
            found = True
            continue
        rules.avoid.append(word)
        found = True
    return found


def _items(value: str) -> list[str]:
    """The words or phrases a list names: its quoted parts, else its comma/'or'-separated parts."""
    quoted = [a or b for a, b in _QUOTED.findall(value)]
    if quoted:
        return [q.strip(" .,!?") for q in quoted if q.strip(" .,!?")]
    value = re.sub(r"^(?:never (?:say|use|write)|avoid|don'?t (?:say|use)|do not (?:say|use)|no)\s+", "",
                   value.strip(), flags=re.I)
    value = re.sub(r"\s*\(.*?\)", "", value)
    parts = re.split(r",|;|/|\bor\b|\band\b|\bnor\b", value)
    return [p.strip(" .!?\"'") for p in parts if p.strip(" .!?\"'")]


def _phrase(value: str, clause: str) -> str | None:
    """The phrase a sign-off / opener / required rule names: quoted text, else the value."""
    quoted = [(a or b).strip() for a, b in _QUOTED.findall(clause)]
    if quoted:  # 'Always end with: "Study smarter." "See you next time."' is one sign-off of two sentences
        return " ".join(q for q in quoted if q)[:MAX_PHRASE_CHARS]
    value = re.sub(r"^(?:always\s+)?(?:end|close|finish|start|open|begin|say|include|mention)\s+"
                   r"(?:every|each)?\s*(?:video|script|short)?\s*(?:with|by saying|on)?\s*:?\s*", "",
                   value.strip(), flags=re.I)
    return value.strip()[:MAX_PHRASE_CHARS] or None


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())
