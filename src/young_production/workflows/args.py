"""Each workflow's own run arguments (`RunOptions.args`): what its command's options ask of one run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class DecodeArgs:
    """WF1's own arguments."""

    unsure: bool = False  # `--unsure`: ask the model about the fields the rules left unsure
    batch: bool = False  # `--batch`: prepare entries and send their analysis as one Message Batch


@dataclass
class LinkArgs:
    """WF2's own arguments."""

    production: str | None = None  # `--production`: only this one (id, prefix or title)
    status: str | None = None  # productions in this status (default: linking.from_status)
    again: bool = False  # `--again`: ask again about productions already decided
    auto: bool = False  # `--yes`: decide by rule, without asking
    min_score: float = 0.5  # with `auto`: link suggestions scoring at least this
    top: int = 3  # with `auto`: at most this many
    show: int | None = None  # suggestions shown per production (default: linking.suggestions)


@dataclass
class ScriptArgs:
    """WF3's own arguments."""

    production: str | None = None
    status: str | None = None  # productions in this status (default: scripting.from_status)
    next_status: str | None = None  # where a scripted production moves (default: scripting.next_status)


@dataclass
class EmpireArgs:
    """WF4's and WF5's own arguments."""

    empire: str | None = None  # `--empire`: only this one (name or id)
    period: str | None = None  # `--period` (default: today's date)
    source: str | None = None  # WF4 `--source`: api, export or ytdlp
