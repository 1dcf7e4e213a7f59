"""What each running entry is doing right now, for the progress display.

A process-wide board: an entry workflow puts its entry on it when it starts and takes it
off when it ends; each step writes its name, and a long transcription its progress
("transcribing 2:13 of 3:41"). `yp run` reads the board as it redraws its progress bar.
Only this process's entries are on it (a separate `yp worker` shows its own in its log).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass



@dataclass
class Doing:
    title: str
    step: str = "starting"


_lock = threading.Lock()
_board: dict[str, Doing] = {}


STEP_WORDS = {
    "read": "reading the source", "transcribe": "transcribing", "analyse": "analysing",
    "analyse and write": "analysing", "write": "writing", "record failure": "recording the failure",
    "suggest": "ranking references", "keep decision": "saving the decision", "link": "linking", "draft": "drafting",
    "fetch": "fetching the channel", "score": "scoring", "patterns": "finding patterns", "review": "reviewing",
    "publish": "publishing the report",
}


def step_words(step_name: str) -> str:
    """A step's name ("wf1.read") as what a person sees ("reading the source")."""
    short = step_name.split(".", 1)[-1].replace("_", " ")
    return STEP_WORDS.get(short, short)


def start(entry_id: str, title: str) -> None:
    with _lock:
        _board[entry_id] = Doing(title)


def step(entry_id: str, what: str) -> None:
    """Say what the entry is doing now (ignored for an entry that is not on the board)."""
    with _lock:
        if entry_id in _board:
            _board[entry_id].step = what


def end(entry_id: str) -> None:
    with _lock:
        _board.pop(entry_id, None)


def now() -> list[tuple[str, str]]:
    """(title, what it is doing) of every running entry, oldest first."""
    with _lock:
        return [(doing.title, doing.step) for doing in _board.values()]


def clock(seconds: float) -> str:
    """2:13, or 1:02:13 past an hour."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def transcribing(done: float, total: float | None) -> str:
    return f"transcribing {clock(done)} of {clock(total)}" if total else f"transcribing {clock(done)}"
