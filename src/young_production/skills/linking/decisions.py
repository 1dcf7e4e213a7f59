"""What a person decided for one production's link suggestions, and the `--yes` rule.

Decisions are data: the workflow waits for one, applies it, and keeps it with what
was shown (scores and their parts), so later ranking can learn from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ...errors import YPError
from .rank import LinkSuggestion

Action = Literal["approve", "modify", "skip", "quit"]


class SelectionError(YPError):
    """A modify answer that does not name suggestions on the list."""


@dataclass
class LinkDecision:
    """What the person decided for one production, with what they were shown (for the decision record)."""

    action: Action
    selected_ids: list[str] = field(default_factory=list)
    shown: list[LinkSuggestion] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """JSON-ready: the action, the chosen ids and every shown suggestion with its score and parts."""
        chosen = set(self.selected_ids)
        return {
            "action": self.action,
            "selected_ids": list(self.selected_ids),
            "shown": [
                {"dna_id": s.dna_id, "dna_title": s.dna_title, "relevance_score": s.relevance_score,
                 "parts": dict(s.parts), "selected": s.dna_id in chosen}
                for s in self.shown
            ],
        }


def parse_selection(text: str, count: int) -> list[int]:
    """1-based positions from "1 3 5", "1,3" or "2-4" (mixed freely), in the order given, without repeats."""
    tokens = [t for t in re.split(r"[\s,;]+", re.sub(r"\s*[-–]\s*", "-", text.strip())) if t]
    if not tokens:
        raise SelectionError("pick at least one number")
    picked: list[int] = []
    for token in tokens:
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", token)
        if match is None:
            raise SelectionError(f"{token!r} is not a number or a range such as 2-4")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first > last:
            raise SelectionError(f"{token!r} runs backwards: write {last}-{first}")
        for number in (first, last):
            if not 1 <= number <= count:
                raise SelectionError(f"{number} is not on the list: pick 1 to {count}")
        picked.extend(n for n in range(first, last + 1) if n not in picked)
    return picked


def non_interactive_decision(suggestions: Sequence[LinkSuggestion], min_score: float, top_k: int) -> LinkDecision:
    """`--yes --min-score X --top K`: approve the best K at or above X, or skip when none qualifies."""
    if not 0.0 <= min_score <= 1.0:
        raise SelectionError(f"--min-score must be between 0 and 1, not {min_score}")
    if top_k < 1:
        raise SelectionError(f"--top must be at least 1, not {top_k}")
    shown = list(suggestions)
    chosen = [s.dna_id for s in sorted(shown, key=lambda s: -s.relevance_score) if s.relevance_score >= min_score]
    chosen = chosen[:top_k]
    return LinkDecision("approve" if chosen else "skip", chosen, shown)


def decision_from_record(record: dict[str, Any], suggestions: Sequence[LinkSuggestion]) -> LinkDecision:
    """A decision sent as a record (through the engine) back as a `LinkDecision`."""
    shown_ids = {s.dna_id for s in suggestions}
    selected = [i for i in record.get("selected_ids", []) if i in shown_ids]
    action = record.get("action")
    if action not in ("approve", "modify", "skip", "quit"):
        raise SelectionError(f"unknown decision {action!r}")
    return LinkDecision(action, selected, list(suggestions))
