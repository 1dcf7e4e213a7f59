"""The linked Viral DNA as references a script can cite: R1, R2, ... with their patterns.

WF1 stores display strings: a hook may start with its time span ("[0:00-0:06] What
if ..."), an open loop reads "[0:12] stay until the end ... -> resolved [1:40] the
third one ..." (or "... -> not resolved in the transcript"). `Reference` holds the
plain parts. A DNA entry that WF1 has not decoded yet (no perspective or hook) cannot
be a reference: `references_from_dna` refuses it with one clear line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ...errors import YPError
from ...records import DNAStatus, ViralDNA

MAX_REFERENCES = 12  # labels R1..R12 (the script schema lists them); more would not fit one prompt well
_STAMP = re.compile(r"^\s*\[\d{1,2}(?::\d{2}){1,2}(?:-\d{1,2}(?::\d{2}){1,2})?\]\s*")
_RESOLVED = " -> resolved "
_UNRESOLVED = " -> not resolved in the transcript"


class DNANotReady(YPError):
    """A linked DNA entry has not been decoded by WF1 yet."""

    def __init__(self, dna_id: str, title: str):
        super().__init__(f"Viral DNA '{title}' ({dna_id}) is not decoded yet: run `yp run wf1` first, "
                         "then generate the script")
        self.dna_id = dna_id
        self.title = title

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.dna_id, self.title))


@dataclass(frozen=True)
class Reference:
    label: str  # "R1"
    dna_id: str
    title: str
    hook: str
    hook_pattern: str
    perspective: str
    loop: str | None  # where the open loop opens
    payoff: str | None  # where it is paid off, when the transcript resolves it
    transcript: str
    niche_tags: tuple[str, ...] = ()
    loop_at: float | None = None  # seconds into the reference where the loop opens, when timed
    payoff_at: float | None = None  # ... and where it is paid off

    def as_input(self) -> dict[str, Any]:
        """A JSON-able dict, for `AIRequest.inputs`."""
        data = asdict(self)
        data["niche_tags"] = list(self.niche_tags)
        return data

    @classmethod
    def from_input(cls, data: dict[str, Any]) -> Reference:
        return cls(**{**data, "niche_tags": tuple(data.get("niche_tags") or ())})


def references_from_dna(dnas: Sequence[ViralDNA]) -> tuple[list[Reference], list[str]]:
    """(references labelled R1.., warnings); `DNANotReady` for an entry WF1 has not decoded.

    Past `MAX_REFERENCES`, the rest are left out with a warning.
    """
    references: list[Reference] = []
    warnings: list[str] = []
    for dna in dnas:  # a field the decoder left empty as unsure is simply not used
        if dna.status != DNAStatus.ENCODED or not ((dna.perspective or "").strip() or (dna.hook or "").strip()
                                                   or dna.unsure):
            raise DNANotReady(str(dna.id), dna.title)
    for dna in dnas[:MAX_REFERENCES]:
        # a loop whose pay-off the decoder was unsure of is not named as a move (it would be half a guess)
        shown_loop = None if "payoff" in dna.unsure else dna.open_loop
        loop, payoff = split_open_loop(shown_loop)
        loop_at, payoff_at = loop_times(shown_loop)
        references.append(Reference(
            label=f"R{len(references) + 1}",
            dna_id=str(dna.id),
            title=" ".join(dna.title.split()),
            hook=strip_stamp(dna.hook or ""),
            hook_pattern=_asserted_pattern(dna),
            perspective=" ".join((dna.perspective or "").split()),
            loop=loop,
            payoff=payoff,
            transcript=dna.transcript or "",
            niche_tags=tuple(dna.niche_tags),
            loop_at=loop_at,
            payoff_at=payoff_at,
        ))
    if len(dnas) > MAX_REFERENCES:
        left = ", ".join(d.title for d in dnas[MAX_REFERENCES:])
        warnings.append(f"only the first {MAX_REFERENCES} linked references were used; left out: {left}")
    return references, warnings


def _asserted_pattern(dna: ViralDNA) -> str:
    """The hook pattern to name as the reference's move: the one the decoder asserted (also when it
    was unsure of the hook's span), else empty; never a fallback "statement" in its place."""
    if "hook_pattern" in dna.unsure:
        return ""
    return (dna.hook_pattern or "").strip()


def strip_stamp(text: str) -> str:
    """'[0:00-0:06] What if ...' -> 'What if ...'."""
    return " ".join(_STAMP.sub("", text).split())


def split_open_loop(text: str | None) -> tuple[str | None, str | None]:
    """(opening, payoff) of WF1's open-loop display string."""
    if not text or not text.strip():
        return None, None
    if text.endswith(_UNRESOLVED):
        return strip_stamp(text[: -len(_UNRESOLVED)]) or None, None
    if _RESOLVED in text:
        opened, resolved = text.split(_RESOLVED, 1)
        return strip_stamp(opened) or None, strip_stamp(resolved) or None
    return strip_stamp(text) or None, None


def loop_times(text: str | None) -> tuple[float | None, float | None]:
    """(opened, resolved) seconds of WF1's open-loop display string, None where it is untimed."""
    if not text or not text.strip():
        return None, None
    opened, _, resolved = text.partition(_RESOLVED)
    return _stamp_seconds(opened), _stamp_seconds(resolved) if resolved else None


def _stamp_seconds(text: str) -> float | None:
    match = _STAMP.match(text)
    if not match:
        return None
    seconds = 0.0
    for part in match.group(0).strip(" []").split("-")[0].split(":"):
        seconds = seconds * 60 + int(part)
    return seconds
