"""The WF2 approval prompt driven through a real pseudo-terminal: keys in, decisions out.

`approval_pty_script.py` runs the prompt with the built-in `input` on the pty's
slave side (its controlling terminal), so line editing, echo and Ctrl-C are the
terminal's own: ^C reaches the script as SIGINT, exactly as from a keyboard.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time
from pathlib import Path

import young_production

SCRIPT = Path(__file__).with_name("approval_pty_script.py")
SRC = Path(young_production.__file__).resolve().parent.parent
MAIN_PROMPT = "uit ›"
PICK_PROMPT = "Numbers to link"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


class Terminal:
    """The parent side of a pty running the script."""

    def __init__(self) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # child: a wide terminal, our sources first on the path
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
            env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=os.pathsep.join(
                [str(SRC), os.environ.get("PYTHONPATH", "")]))
            env.pop("COLUMNS", None)
            os.execve(sys.executable, [sys.executable, str(SCRIPT)], env)
        self.pid, self.fd, self.raw = pid, fd, ""

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw).replace("\r", "")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        self.raw += chunk.decode("utf-8", "replace")
        return True

    def wait_for(self, marker: str, count: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while self.text.count(marker) < count:
            assert time.monotonic() < deadline, f"no {marker!r} #{count} on the terminal:\n{self.text[-2000:]}"
            assert self._read(0.2), f"the script ended before {marker!r} #{count}:\n{self.text[-2000:]}"

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def finish(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_approve_modify_with_a_bad_number_skip_then_ctrl_c_keeps_the_decisions_made() -> None:
    term = Terminal()
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
