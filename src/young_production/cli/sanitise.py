"""What may reach a terminal: untrusted text with its control characters made visible.

A title typed by a Notion collaborator, a page's `<title>` or a file name can carry
terminal control sequences: `\\x1b]0;...\\x07` retitles the window, `\\x1b[2J` clears
the screen, and cursor moves can draw a fake approval table over the real one.
`visible()` is the one function that turns every C0 and C1 control character (and
the Unicode direction overrides that reorder what a line appears to say) into
visible text such as `\\x1b`, keeping only newline and tab.

Every printer goes through it: `output.safe()`, `output.cell()` and `output.short()`
call it on the text they are given, and `SafeConsole`, the console every command
prints with, calls it on any text segment that reaches it by another path, so a
string printed without those helpers still cannot move the cursor. Rich's own
styling and progress display are not text segments and stay untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

# C0 except tab and newline, DEL, C1, and the bidirectional marks, embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What `json.dumps(ensure_ascii=False)` leaves raw although a terminal may act on it.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """`text` as a string whose control characters are shown (`\\x1b`), never acted on."""
    return _UNSAFE.sub(_shown, str(text))


def json_text(data: Any) -> str:
    """`data` as indented JSON in which no character a terminal acts on is left raw.

    JSON already escapes C0; DEL, C1 and direction marks are escaped as `\\uXXXX`,
    which decodes to the same string.
    """
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeConsole(Console):
    """A Rich console whose text segments pass through `visible()` before they are written."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not _UNSAFE.search(segment.text):
                yield segment
            else:
                yield Segment(visible(segment.text), segment.style)
