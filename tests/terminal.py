"""A real pseudo-terminal for tests that type into a program: line discipline, echo and ^C included."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import termios
import time
from pathlib import Path

import young_production

SRC = Path(young_production.__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


class Terminal:
    """The parent side of a pty running a program, as a person at a keyboard would."""

    def __init__(self, argv: list[str], columns: int = 160) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # child: a wide terminal, our sources first on the path
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
            env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=os.pathsep.join(
                [str(SRC), os.environ.get("PYTHONPATH", "")]))
            env.pop("COLUMNS", None)
            os.execve(argv[0], argv, env)
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
