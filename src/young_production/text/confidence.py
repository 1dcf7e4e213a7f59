"""How sure the rules are of each decoded field, from their own evidence, calibrated on the dev split.

Every field's evidence falls in a *band* (which cue fired, how many agreed, the margin over
the runner-up); a band's confidence is the share of the development split's answers in that
band that were right (`benchmarks/decoding.py --calibrate` measures it; the tables below are its
output, and docs/rules.md publishes them). Below its field's threshold, a field is *unsure*:
the rule provider leaves it empty and says so, and a model can fill it (cascade mode).

Thresholds were fixed on the dev split. Since the seventh round a band is asserted only when it
is at least 85 % right on its own, and on each source group of the dev split (3b1b, crashcourse,
wizardtim, ted, speech, article) where it has 3 answers or more: held-out material comes from
channels the dev split does not hold, so a band right on the sum but wrong on one group is unsure. Tags: the lowest support score keeping the dev
split's kept tags under 5 % junk with two tags on 80 % of items. Fallbacks are never answers: a "statement" hook because no pattern fired, and a
tag said in one sentence only, sit below every threshold whatever the data says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .hooks import PatternEvidence
from .keyphrases import TagSupport
from .loops import Loop
from .perspective import Cue

# band -> share of dev answers in that band that were right (benchmarks/decoding.py --calibrate)
CALIBRATION: dict[str, dict[str, float]] = {
    "hook": {"opening": 0.97, "after a greeting": 0.92, "after a host's introduction": 0.3},
    # "no pattern fired" is not measured but fixed: a "statement" because nothing fired is no answer
    "hook_pattern": {"no pattern fired": 0.3, "tie": 0.67, "narration shape only": 0.82,
                     "one cue": 0.94, "strong cue or agreement": 0.97},
    "open_loop": {"none found in a short text": 0.97, "none found": 0.55, "question": 0.43, "explicit promise": 0.56,
                  "named device": 0.97, "intention to explore": 0.6},
    # an exploration with no reported result has no dev answer: it keeps its loop band's share
    "payoff": {"no loop": 0.55, "no loop, short text": 0.97, "question answered": 0.53, "question unanswered": 0.22,
               "promise paid off": 0.6, "promise not paid off": 0.5, "device paid off": 0.97,
               "exploration reported": 0.6, "exploration not reported": 0.6},
    "perspective": {"central, others agree": 0.93, "central, stands out": 0.58, "claim cue": 0.5,
                    "finding or conclusion cue": 0.97},
}
"""Band -> share of the dev split's answers in it that were right (capped at 0.97: a band of 20 is no proof)."""
NEVER_ASSERTED = {("hook_pattern", "no pattern fired")}
"""Fallbacks: below every threshold whatever the data says (their CALIBRATION value is fixed, not measured)."""
THRESHOLDS: dict[str, float] = {
    "hook": 0.85, "hook_pattern": 0.85, "open_loop": 0.85, "payoff": 0.85, "perspective": 0.85, "tag": 0.7,
}
TAG_CAP = 5
# On the dev split, the share of entries with at least one unsure field, and how many they have:
# what a cascade run can expect to send to a model before any transcript is read.
DEV_SHARE_UNSURE, DEV_FIELDS_UNSURE = 0.96, 2.7
_DEVICES = {"list", "catch", "ordinal", "end", "first", "next", "wait"}
_PROMISES = {"promise", "later", "withheld"}


@dataclass(frozen=True)
class Judged:
    """A field's band and the confidence it gives."""

    band: str
    confidence: float


def judge(field: str, band: str) -> Judged:
    return Judged(band, CALIBRATION[field][band])


def hook_band(intro_skipped: int, host_skipped: int = 0) -> str:
    """Where the hook starts: the opening, after greetings or salutations, or after a host's introduction
    (where the speaker's own opening remarks are easily taken for the hook)."""
    if intro_skipped == 0:
        return "opening"
    return "after a host's introduction" if host_skipped else "after a greeting"


def pattern_band(evidence: PatternEvidence) -> str:
    if evidence.fallback:
        return "no pattern fired"
    if evidence.best == evidence.runner_up:
        return "tie"
    if evidence.pattern == "story" and evidence.by_shape and evidence.best < 2.5:
        return "narration shape only"
    if evidence.best >= 3.0 or evidence.agreeing >= 2:
        return "strong cue or agreement"
    return "one cue"


SHORT_TEXT = 30  # sentences: a text this short has few places for a loop the cues would miss


def loop_band(loop: Loop | None, sentences: int) -> str:
    if loop is None:
        return "none found in a short text" if sentences < SHORT_TEXT else "none found"
    if loop.kind == "question":
        return "question"
    if loop.kind == "explore":  # "let's take a look inside": what is found may be no answer to a loop
        return "intention to explore"
    return "named device" if loop.kind in _DEVICES else "explicit promise"


def payoff_band(loop: Loop | None, sentences: int) -> str:
    if loop is None:
        return "no loop, short text" if sentences < SHORT_TEXT else "no loop"
    paid = loop.payoff is not None
    if loop.kind == "question":
        return "question answered" if paid else "question unanswered"
    if loop.kind == "explore":
        return "exploration reported" if paid else "exploration not reported"
    if loop.kind in _DEVICES:
        return "device paid off"  # an unrevealed device is no loop at all (see loops)
    return "promise paid off" if paid else "promise not paid off"


AGREEING_MARGIN = 0.1


def perspective_band(cue: Cue | None, margin: float) -> str:
    """A claim cue finds *a* claim, not *the* claim: on the dev split the central sentence with no
    cue was right more often, and most often when the runner-up scored almost as high (the text
    keeps saying the same thing: several sentences agree) rather than one sentence standing out.
    The exception is a sentence that reports the piece's finding or its conclusion ("the study
    found", "it is becoming clear that", "in the end", "more important than"): framings ("the key
    is", "the point is") and antitheses ("not X but Y") also frame local points, a report does not."""
    if cue is not None and cue.reports:
        return "finding or conclusion cue"
    if cue is not None and cue.weight >= 1.0:
        return "claim cue"
    return "central, others agree" if margin < AGREEING_MARGIN else "central, stands out"


def tag_confidence(support: TagSupport) -> float:
    """Support for a tag: said in more sentences, said by the title too, ranked higher.

    Fitted on the dev split (share of tags that were not junk); a tag said in one sentence
    and not in the title scores at most 0.34, below the threshold: one mention is no support.
    """
    confidence = 0.3 + 0.08 * min(support.sentences, 6) + (0.3 if support.in_title else 0.0) - 0.04 * support.rank
    if support.sentences < 2 and not support.in_title:
        confidence = min(confidence, 0.34)
    return round(max(0.0, min(confidence, 0.95)), 2)


def confident_tags(supports: Sequence[TagSupport]) -> list[tuple[str, float]]:
    """The tags that clear the threshold, best first, at most TAG_CAP."""
    kept = [(s.tag, tag_confidence(s)) for s in supports]
    return [(tag, c) for tag, c in kept if c >= THRESHOLDS["tag"]][:TAG_CAP]
