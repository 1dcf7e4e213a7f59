"""The free tier's outline: a beat sheet for this production, written by rules, no language model.

Rules cannot write in a channel's voice, and pasting the references' own lines makes a
script that is theirs, not ours. So without a model WF3 gives what a writer can work
from: one beat per move, each built from the production's title, its notes and the
Empire's niche, naming the pattern to use and the reference it was learned from, with
the move described in our own words ("R2 opens on a person and a moment, then withholds
the outcome").

- Every sentence is ours (templates filled with the team's title and notes); a
  reference appears only as a label, its title, and at most one quotation of at most 12
  words: a whole sentence, marked as a quotation with its source, never in the first
  person (a reference's "I became a millionaire at 33" is its creator's life, not ours).
- Beats are timed to the format: a Short to the style's range (30-60 s by default), a
  long video to its minutes (8-12 by default) in chapters, one per point in the notes.
- Without linked references the outline comes from the notes alone and says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...records import Production, VideoFormat
from ...text.hooks import classify
from ...text.sentences import content_stems, split_sentences, words
from ...transcript import Segment, format_timestamp
from .enforce import find_avoided, remove_avoided, sentences_of, word_count
from .references import Reference
from .script import WORDS_PER_SECOND, Beat, Script, default_style_note
from .style import StyleRules

MAX_QUOTE_WORDS = 12
MAX_POINTS = {"short": 3, "video": 6}
FIRST_PERSON = frozenset("i i'm i've i'd i'll me my mine myself we we're we've we'd we'll us our ours ourselves".split())
# Share of a Short's time per part; the body's share is split between its beats.
SHORT_SHARES = {"hook": 0.12, "loop": 0.10, "body": 0.56, "payoff": 0.14, "cta": 0.08}
VIDEO_SHARES = {"hook": 0.03, "loop": 0.03, "body": 0.84, "payoff": 0.06, "cta": 0.04}
LONG_BEATS = ("set_up", "show", "use")  # the beats of each chapter of a long video

# How a reference's hook works, in our words ({ref} is "R2").
MOVES = {
    "question": "{ref} opens on a question the viewer cannot answer yet, and makes them wait for the answer",
    "story": "{ref} opens on a person and a moment, then withholds the outcome",
    "number_list": "{ref} promises a set number of points up front, so the viewer counts along",
    "bold_claim": "{ref} opens with one flat, confident claim and defends it afterwards",
    "result_first": "{ref} shows the result first and the way there after",
    "how_to": "{ref} promises a skill the viewer will have by the end",
    "contrarian": "{ref} starts by disagreeing with what the viewer probably believes",
    "statistic": "{ref} opens on a single number and then says why it matters",
    "direct_address": "{ref} speaks straight to the viewer's own situation in its first line",
    "statement": "{ref} opens by stating its subject plainly",
}
# What our hook does with that pattern ({title} is the working title, quoted).
HOOKS = {
    "question": "Open by asking the question behind {title}, the way the viewer would ask it, and hold back the answer.",
    "story": "Open on one person at one moment where {title} shows, and hold back how it ends.",
    "number_list": "Open by promising {count} points about {title}, and name the first.",
    "bold_claim": "Open with one confident sentence that answers {title} outright, then back it up.",
    "result_first": "Open on the result the viewer wants from {title}, then show the way there.",
    "how_to": "Open by saying what the viewer will be able to do by the end of {title}.",
    "contrarian": "Open by naming what most people believe about {title}, and say why it falls short.",
    "statistic": "Open on one number about {title}, from a source you can cite, and say why it matters.",
    "direct_address": "Open by speaking straight to the viewer who has this problem: {title}.",
    "statement": "Open by saying plainly what {title} is about and why it matters to the viewer today.",
}
PATTERN_NAMES = {
    "question": "question hook", "story": "story hook", "number_list": "list", "bold_claim": "bold claim",
    "result_first": "result first", "how_to": "how-to promise", "contrarian": "contrarian hook",
    "statistic": "statistic hook", "direct_address": "direct address", "statement": "plain statement",
    "open_loop": "withheld answer", "example": "point with an example", "payoff": "pay-off",
    "call_to_action": "call to action", "perspective": "central point",
}


def build_outline(
    production: Production, references: Sequence[Reference], style: StyleRules, niche: Sequence[str] = ()
) -> Script:
    """The beat sheet for a production: every beat ours, timed to the format."""
    fmt = VideoFormat(production.format).value
    title = " ".join(production.title.split())
    points = note_points(production.notes or "")[: MAX_POINTS[fmt]]
    warnings = default_style_note(style)
    if not references:
        warnings.append("no Viral DNA is linked: this outline comes from the title and notes alone "
                        "(link references with `yp run wf2` to learn their patterns)")
    if not points:
        warnings.append("the production has no notes: add the points the video makes (one per line or "
                        "comma-separated) and run WF3 again for a beat per point")
    builder = _Outline(title, fmt, points, list(references), style, [t for t in niche if t.strip()])
    builder.angle = note_angle(production.notes or "")
    beats = builder.beats()
    _allot(beats, fmt, style)
    script = Script(production.title, fmt, beats, style, list(references), kind="outline",
                    notes=production.notes or "", niche=list(niche), warnings=warnings)
    return script


def note_points(notes: str) -> list[str]:
    """The points a production's notes name, as the team wrote them: one per line or bullet, or the
    items of a list ("Break a bad habit: curiosity, delayed gratification and the marshmallow test"
    gives curiosity / delayed gratification / the marshmallow test). A line without a list is one point."""
    points: list[str] = []
    for line in re.split(r"[\n;]+", notes):
        _, items = _split_line(line)
        for item in items:
            if item.lower() not in (p.lower() for p in points):
                points.append(item)
    return points


def note_angle(notes: str) -> str | None:
    """The lead-in of the notes' first line when a list follows it ("The monkey at the wheel: ...")."""
    first = next((line for line in re.split(r"[\n;]+", notes) if line.strip(" \t-*•·")), "")
    angle, _ = _split_line(first)
    return angle


_QUALIFIERS = frozenset("from by with for in of like at".split())
_QUESTION_WORDS = frozenset("why how what when who which where".split())


def _split_line(line: str) -> tuple[str | None, list[str]]:
    """(the framing around a list, the items of the line): "The monkey at the wheel: why we wait,
    and when putting things off helps" and "Blue zones, lifestyle and genes: what centenarians do
    differently" both give a framing and a list."""
    line = line.strip(" \t-*•·")
    angle = None
    head, colon, rest = line.partition(": ")
    if colon and rest.strip() and 1 <= word_count(head) <= 10:
        if "," in head and "," not in rest:  # the list is before the colon
            angle, line = _clean(rest) or None, head
        else:
            angle, line = head.strip(), rest
    if "," not in line:
        return angle, [item] if (item := _clean(line)) else []
    items: list[str] = []
    for part in line.split(","):
        part = _clean(part)
        if not part:
            continue
        if items and part.split()[0].lower() in _QUALIFIERS:  # ", from founders who ..." qualifies the item before
            items[-1] = f"{items[-1]}, {part}"
        else:
            items.append(part)
    last, _, after = items[-1].partition(" and ")  # "..., delayed gratification and the marshmallow test"
    if len(items) >= 2 and after and word_count(last) <= 3 and last.split()[0].lower() not in _QUESTION_WORDS:
        items[-1:] = [last, _clean(after)]
    return angle, [item for item in items if item]
def _clean(part: str) -> str:
    part = re.sub(r"^(?:and|or|plus)\s+", "", part.strip(" .!?\"'"), flags=re.I).strip()
    return part if words(part) else ""


class _Outline:
    def __init__(self, title: str, fmt: str, points: list[str], references: list[Reference], style: StyleRules,
                 niche: list[str]):
        self.title, self.fmt, self.points, self.refs, self.style, self.niche = title, fmt, points, references, style, niche
        self.angle: str | None = None  # the lead-in of the notes ("The monkey at the wheel")
        self.quoted: set[str] = set()  # references already quoted once
        self._stems: dict[str, dict[str, int]] = {}  # content-word counts of each reference's transcript

    def beats(self) -> list[Beat]:
        lead = self._lead()
        beats = [self._hook(lead), self._loop(lead)]
        for index, point in enumerate(self.points or [None]):
            beats += self._body(point, index)
        beats += [self._payoff(lead), self._cta()]
        for beat in beats:  # the team's own title and notes may hold a word the style avoids
            beat.text = remove_avoided(beat.text, self.style)
            beat.move = remove_avoided(beat.move, self.style) if beat.move else None
            beat.chapter = remove_avoided(beat.chapter, self.style) or None if beat.chapter else None
            beat.subject = remove_avoided(beat.subject, self.style) or None if beat.subject else None
        return beats

    # --- the parts -----------------------------------------------------------------------------

    def _lead(self) -> Reference | None:
        """The reference whose hook the outline learns from: a real pattern, closest to the topic."""
        if not self.refs:
            return None
        patterned = [r for r in self.refs if r.hook_pattern in MOVES and r.hook_pattern != "statement"]
        return max(patterned or self.refs, key=lambda r: (self._relevance(r, self.topic_text()), -self.refs.index(r)))

    def _hook(self, lead: Reference | None) -> Beat:
        pattern = lead.hook_pattern if lead and lead.hook_pattern in HOOKS else title_pattern(self.title)
        count = len(self.points) if len(self.points) >= 2 else "a few"
        text = HOOKS[pattern].format(title=f"\u201c{self.title}\u201d", count=count)
        if self.angle:
            text += f" The notes' angle: \u201c{self.angle}\u201d."
        if self.style.opener:
            text = f"Start with the channel's opener, word for word: \u201c{self.style.opener}\u201d. {text}"
        move = MOVES[pattern].format(ref=lead.label) + "." if lead and lead.hook_pattern == pattern else None
        on_screen = next((t for t in (self.title, self.angle, *self.points) if t and word_count(t) <= 7), self.title)
        return Beat("hook", text, pattern, lead, move=move, example=self._quote(lead, lead.hook if lead else ""),
                    subject=on_screen)

    def _loop(self, lead: Reference | None) -> Beat:
        looped = [r for r in self.refs if r.loop]
        ref = next((r for r in looped if r.payoff), None) or (looped[0] if looped else None)
        covered = f", once you have covered {_join(self.points)}" if self.points else ""
        text = f"Say that the answer comes at the end{covered}; give the viewer a reason to stay for it."
        subject = f"Coming up: {self.points[0]}" if self.points else "The answer is coming"
        if ref is None:
            return Beat("loop", text, "open_loop", None, subject=subject,
                        move="None of the linked references opens a loop, so this one is yours." if self.refs else None)
        opened = f" at {format_timestamp(ref.loop_at)}" if ref.loop_at is not None else ""
        if ref.payoff:
            closed = f" at {format_timestamp(ref.payoff_at)}" if ref.payoff_at is not None else " later on"
            move = f"{ref.label} promises something{opened} and only pays it off{closed}."
        else:
            move = f"{ref.label} promises more to come{opened} but never pays it off in the piece: make sure yours does."
        return Beat("loop", text, "open_loop", ref, move=move, example=self._quote(ref, ref.loop or ""), subject=subject)

    def _body(self, point: str | None, index: int) -> list[Beat]:
        ref = self._closest(point or self.title)
        listed = any(r.hook_pattern == "number_list" for r in self.refs) and len(self.points) >= 2
        pattern = "number_list" if listed else "example"
        subject = point or "the video's main point"
        chapter = _capital(point) if point else "The main point"
        move = self._covers(ref, point or self.title)
        example = self._quote(ref, ref.transcript, about=point) if ref and point else None
        if self.fmt == "short":
            lead_in = f"Point {index + 1}, " if listed else ""
            text = (f"{lead_in}{subject}: say in one or two sentences how it bears on the title, with one concrete case."
                    if point else "Make the video's main point: say in one or two sentences what answers the title, "
                                  "with one concrete case.")
            return [Beat("beat", _capital(text), pattern, ref, move=move, subject=chapter, example=example)]
        steps = {
            "set_up": f"Set up {subject}: what it means, and why it matters for the question in the title.",
            "show": f"Show {subject} with one concrete case: a study you can cite, a demonstration, "
                    "or a moment the viewer knows.",
            "use": f"Say what the viewer can do about {subject}: one step they can try today.",
        }
        return [Beat("beat", steps[step], pattern if step == "set_up" else "example", ref,
                     chapter if step == "set_up" else None, move=move if step == "set_up" else None, subject=chapter,
                     example=example if step == "set_up" else None)
                for step in LONG_BEATS]

    def _payoff(self, lead: Reference | None) -> Beat:
        paid = next((r for r in self.refs if r.loop and r.payoff), None)
        text = (f"Pay off the opening: answer \u201c{self.title}\u201d plainly in one or two sentences, "
                "and tie it back to the first line.")
        if paid is None:
            move = "None of the linked references pays off a loop it opened: this pay-off is yours." if self.refs else None
            return Beat("payoff", text, "payoff", None, move=move, subject=self.title)
        at = f" at {format_timestamp(paid.payoff_at)}" if paid.payoff_at is not None else ""
        move = f"{paid.label} keeps its promise{at}, in plain words, close to the end."
        return Beat("payoff", text, "payoff", paid, move=move, example=self._quote(paid, paid.payoff or ""),
                    subject=self.title)

    def _cta(self) -> Beat:
        more = f" for more on {_join(self.niche[:2])}" if self.niche else ""
        text = f"Tell the viewer what to do next: follow the channel{more}, or watch the next video."
        for phrase in self.style.required_phrases:
            text += f" Mention, word for word: \u201c{phrase}\u201d."
        if self.style.sign_off:
            text += f" End with the sign-off, word for word: \u201c{self.style.sign_off}\u201d"
        return Beat("cta", text, "call_to_action", None, subject="Follow for the next one")

    # --- references ---------------------------------------------------------------------------

    def topic_text(self) -> str:
        return " ".join([self.title, *self.points])

    def _relevance(self, ref: Reference, text: str) -> float:
        """Share of the text's content words the reference is about: its title, claim and tags count
        fully, words its transcript says at least twice count half."""
        mine = set(content_stems(words(text)))
        if not mine:
            return 0.0
        theirs = set(content_stems(words(" ".join([ref.title, ref.perspective, *ref.niche_tags]))))
        spoken = self._spoken(ref)
        return sum(1.0 if s in theirs else 0.5 if spoken.get(s, 0) >= 2 else 0.0 for s in mine) / len(mine)

    def _spoken(self, ref: Reference) -> dict[str, int]:
        if ref.label not in self._stems:
            counts: dict[str, int] = {}
            for s in content_stems(words(ref.transcript)):
                counts[s] = counts.get(s, 0) + 1
            self._stems[ref.label] = counts
        return self._stems[ref.label]

    def _closest(self, text: str) -> Reference | None:
        """The reference most about the text, if one speaks of every content word of it."""
        scored = [(self._relevance(r, text), -i, r) for i, r in enumerate(self.refs) if self._speaks_of(r, text)]
        best = max(scored, key=lambda s: s[:2], default=None)
        return best[2] if best else None

    def _speaks_of(self, ref: Reference, text: str) -> bool:
        """Whether the reference speaks to the text: says each of its content words twice, or is about
        one of them (its title, claim or tags) and says at least half of them."""
        theirs = set(content_stems(words(" ".join([ref.title, ref.perspective, *ref.niche_tags]))))
        spoken = self._spoken(ref)
        mine = set(content_stems(words(text)))
        if not mine:
            return False
        central = mine & theirs  # a word the reference is about: its other words count once said, half will do
        found = sum(s in theirs or spoken.get(s, 0) >= (1 if central else 2) for s in mine)
        return found == len(mine) or (bool(central) and 2 * found >= len(mine))

    def _covers(self, ref: Reference | None, text: str) -> str | None:
        if ref is None:
            return "No linked reference covers this point: this beat is yours." if self.refs else None
        mine = set(content_stems(words(text)))
        shared = [t for t in ref.niche_tags if set(content_stems(words(t))) & mine][:2]
        if shared:
            return f"{ref.label} covers this ground ({', '.join(shared)}): read how it explains it, then say it your way."
        return f"{ref.label} speaks to this point: read how it explains it, then say it your way."

    def _quote(self, ref: Reference | None, passage: str, about: str | None = None) -> str | None:
        """One whole sentence of at most 12 words, not in the first person, once per reference
        (with `about`: one that says a content word of it)."""
        if ref is None or ref.label in self.quoted:
            return None
        wanted = set(content_stems(words(about))) if about else set()
        for sentence in sentences_of(passage):
            sentence = sentence.strip()
            tokens = [w.lower() for w in words(sentence)]
            if not (3 <= len(tokens) <= MAX_QUOTE_WORDS) or FIRST_PERSON & set(tokens):
                continue
            if wanted and not wanted & set(content_stems(tokens)):
                continue
            if find_avoided(sentence, self.style) or not sentence[-1:] in ".!?":
                continue
            self.quoted.add(ref.label)
            return f"\u201c{sentence}\u201d ({ref.label}, \u2018{ref.title}\u2019)"
        return None


def _allot(beats: list[Beat], fmt: str, style: StyleRules) -> None:
    """Seconds per beat, summing to the middle of the format's range; starts in order."""
    if fmt == "short":
        low, high = style.shorts_seconds
        total, shares = (low + high) / 2, SHORT_SHARES
    else:
        low_m, high_m = style.video_minutes
        total, shares = (low_m + high_m) * 30.0, VIDEO_SHARES
    body = [b for b in beats if b.role == "beat"]
    for beat in beats:
        share = shares["body"] / len(body) if beat.role == "beat" else shares[beat.role]
        beat.seconds = float(round(total * share))
    beats[-1].seconds += total - sum(b.seconds for b in beats)  # rounding lands on the last beat
    start = 0.0
    for beat in beats:
        beat.start = start
        start += beat.seconds


def words_for(seconds: float) -> int:
    """How many words of narration fit in `seconds` (~150 a minute)."""
    return int(round(seconds * WORDS_PER_SECOND / 5.0)) * 5


def title_pattern(title: str) -> str:
    """The hook pattern a working title uses: a question ("Why ...", "... ?"), else as hooks are classified."""
    first = (words(title) or [""])[0].lower()
    if title.rstrip().endswith("?") or first in _QUESTION_WORDS:
        return "question"
    pattern = classify(split_sentences([Segment(title)]))[0] if title.strip() else "statement"
    return pattern if pattern in HOOKS else "statement"


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
