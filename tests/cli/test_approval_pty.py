"""The WF2 approval prompt driven through a real pseudo-terminal: keys in, decisions out.

`approval_pty_script.py` runs the prompt with the built-in `input` on the pty's
slave side (its controlling terminal), so line editing, echo and Ctrl-C are the
terminal's own: ^C reaches the script as SIGINT, exactly as from a keyboard.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.terminal import Terminal

SCRIPT = Path(__file__).with_name("approval_pty_script.py")
MAIN_PROMPT = "uit ›"
PICK_PROMPT = "Numbers to link"


def test_approve_modify_with_a_bad_number_skip_then_ctrl_c_keeps_the_decisions_made() -> None:
    term = Terminal([sys.executable, str(SCRIPT)])
    term.wait_for(MAIN_PROMPT, 1)
    term.send("a\r")                         # production 1: approve all
    term.wait_for(MAIN_PROMPT, 2)
    term.send("m\r")                         # production 2: modify ...
    term.wait_for(PICK_PROMPT, 1)
    term.send("9\r")                         # ... a number that is not on the list
    term.wait_for("9 is not on the list: pick 1 to 3", 1)
    term.wait_for(PICK_PROMPT, 2)            # asked again
    term.send("1 3\r")
    term.wait_for(MAIN_PROMPT, 3)
    term.send("s\r")                         # production 3: skip
    term.wait_for(MAIN_PROMPT, 4)
    term.send("\x03")                        # production 4: Ctrl-C
    code = term.finish()

    out = term.text
    decisions = [json.loads(line.split(" ", 1)[1]) for line in out.splitlines() if line.startswith("DECISION ")]
    interrupted = [json.loads(line.split(" ", 1)[1]) for line in out.splitlines() if line.startswith("INTERRUPTED ")]
    expected = [
        {"production": "Why we sleep", "action": "approve", "selected_ids": ["p0-dna1", "p0-dna2", "p0-dna3"]},
        {"production": "[bold]Markup[/bold] in a title", "action": "modify", "selected_ids": ["p1-dna1", "p1-dna3"]},
        {"production": "Grit beats talent", "action": "skip", "selected_ids": []},
    ]
    assert decisions == expected, out[-3000:]
    assert interrupted == [expected], out[-3000:]
    assert code == 130
    # Untrusted titles are shown as typed, never interpreted as Rich markup.
    assert "[bold]Markup[/bold] in a title" in out
    # The terminal echoed what was typed: the answers went through its line discipline.
    assert "1 3" in out
