"""How the rule provider answers S15: an honest draft assembled from the references.

No language model writes here, so nothing is invented: the hook is the strongest
reference's real hook line, the open loops are the references' own, the beats are
their perspectives (and, for long videos or thin Shorts, their most central
sentences), the payoff is where a loop resolves. Only the stock lines (a loop or a call
to action when no reference has one) are ours, and they name no reference. The
script skill then applies the style to these lines like to any model's, and the
originality guard marks the runs still copied word for word, so the team sees what to
rewrite.
"""

from __future__ import annotations

from typing import Any

from ...ai.base import AIRequest
from ...text.keyphrases import niche_tags
from ...text.perspective import score_sentences
from ...text.sentences import content_stems, split_sentences, words
from ...transcript import Segment
from .references import Reference

WORDS_PER_SECOND = 2.5  # ~150 words per minute of narration
SUPPORT_PER_REFERENCE = 2
NEAR_DUPLICATE = 0.8  # share of content words two lines must share to count as the same line  # central sentences a long video takes from each reference
STOCK_LOOP = "Stay with me until the end, because the last point is the one that changes how you see this."
STOCK_CTA = {
    "short": "Follow for more like this.",
    "video": "If this was useful, subscribe so you don't miss the next one.",
}
HOOK_PATTERNS = frozenset(
    "question bold_claim number_list story result_first how_to contrarian statistic direct_address statement".split()
)


def answer_by_rules(request: AIRequest) -> dict[str, Any]:
    """A `ScriptAnswer`-shaped dict for the request's references and format."""
    fmt = request.inputs["format"]
    references = [Reference.from_input(r) for r in request.inputs["references"]]
    seconds = request.inputs.get("shorts_seconds") or (30, 60)
    return _Draft(references, fmt, (seconds[0] * WORDS_PER_SECOND, seconds[1] * WORDS_PER_SECOND)).answer()


def _beat(text: str, ref: Reference | None, pattern: str, chapter: str | None = None) -> dict[str, Any]:
    return {"text": text, "reference": ref.label if ref else "none", "pattern": pattern, "chapter": chapter}


class _Draft:
    def __init__(self, references: list[Reference], fmt: str, word_range: tuple[float, float]):
        self.refs = references
        self.fmt = fmt
        self.min_words, self.max_words = word_range
        self.used: list[str] = []  # word strings of the lines taken so far

    def answer(self) -> dict[str, Any]:
        lead = next((r for r in self.refs if r.hook_pattern != "statement"), self.refs[0])
        hook = _beat(lead.hook, lead, lead.hook_pattern if lead.hook_pattern in HOOK_PATTERNS else "statement")
        self._use(lead.hook)
        loops = [r for r in [lead, *self.refs] if r.loop and not self._taken(r.loop)]
        loops = list({r.label: r for r in loops}.values())[: 1 if self.fmt == "short" else 3]
        open_loops = [_beat(r.loop or "", r, "open_loop") for r in loops] or [_beat(STOCK_LOOP, None, "open_loop")]
        for b in open_loops:
            self._use(b["text"])
        payoff_ref = next((r for r in loops if r.payoff), None)
        if payoff_ref is not None:
            payoff = _beat(payoff_ref.payoff or "", payoff_ref, "payoff")
        else:  # no loop resolves in the references: the lead's central claim pays the draft off
            payoff = _beat(lead.perspective, lead, "payoff")
        self._use(payoff["text"])
        cta = _beat(STOCK_CTA.get(self.fmt, STOCK_CTA["video"]), None, "call_to_action")
        frame = [hook, *open_loops, payoff, cta]
        beats = self._beats(frame)
        return {"hook": hook, "open_loops": open_loops, "beats": beats, "payoff": payoff, "call_to_action": cta}

    def _use(self, text: str) -> None:
        self.used.append(_key(text))

    def _taken(self, text: str) -> bool:
        """Whether the line, or most of it, is already in the draft (a refrain, a loop's own sentence)."""
        key, stems = _key(text), set(content_stems(words(text)))
        for used in self.used:
            if key in used or used in key:
                return True
            other = set(content_stems(used.split()))
            if stems and len(stems & other) >= NEAR_DUPLICATE * len(stems | other):
                return True
        return False

    def _beats(self, frame: list[dict[str, Any]]) -> list[dict[str, Any]]:
        beats: list[dict[str, Any]] = []
        budget = self.max_words if self.fmt == "short" else float("inf")
        spent = sum(_words(b["text"]) for b in frame)
        for ref in self.refs:
            chapter = _chapter(ref) if self.fmt == "video" else None
            candidates = [(ref.perspective, "perspective")]
            if self.fmt == "video":
                candidates += [(s, "example") for s in _central(ref, SUPPORT_PER_REFERENCE + 2)]
            taken = 0
            for text, pattern in candidates:
                if self._taken(text) or (pattern == "example" and taken >= SUPPORT_PER_REFERENCE):
                    continue
                if spent + _words(text) > budget:
                    continue
                beats.append(_beat(text, ref, pattern, chapter if not any(b["chapter"] == chapter for b in beats)
                                   else None))
                self._use(text)
                spent += _words(text)
                taken += pattern == "example"
        if self.fmt == "short":  # a thin Short borrows central sentences until it reaches its minimum
            for ref in self.refs:
                for text in _central(ref, 6):
                    if spent >= self.min_words:
                        break
                    if self._taken(text) or spent + _words(text) > budget:
                        continue
                    beats.append(_beat(text, ref, "example"))
                    self._use(text)
                    spent += _words(text)
        if not beats:  # the frame already fills the Short: keep one beat, the lead's claim
            ref = self.refs[0]
            beats.append(_beat(ref.perspective, ref, "perspective"))
        return beats


def _central(ref: Reference, count: int) -> list[str]:
    """The reference transcript's most central sentences, in transcript order."""
    sentences = split_sentences([Segment(ref.transcript)]) if ref.transcript.strip() else ()
    if not sentences:
        return []
    scores = score_sentences(sentences)
    best = sorted((i for i in range(len(sentences)) if scores[i] > 0), key=lambda i: (-scores[i], i))[:count]
    return [sentences[i].text for i in sorted(best)]


def _chapter(ref: Reference) -> str:
    """A short chapter title: the perspective's key phrase, else the reference's first tag or title."""
    tags = niche_tags(split_sentences([Segment(ref.perspective)]), ref.title) if ref.perspective else []
    name = (tags or list(ref.niche_tags) or [ref.title])[0]
    return name[:1].upper() + name[1:]


def _key(text: str) -> str:
    return " ".join(words(text))


def _words(text: str) -> int:
    return len(words(text))
