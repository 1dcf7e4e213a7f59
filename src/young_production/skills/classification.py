"""S08: what kind of source a Viral DNA entry points at.

Rules only (see `media.sources` for the table): they are free, instant and
decide every http(s) URL and every local file with a known extension. A type
the user already set on the entry wins over the rules.
"""

from __future__ import annotations

from ..media.sources import classify_source
from ..records import SourceType


def classify_info_type(target: str, declared: SourceType | None = None) -> SourceType:
    """The entry's declared type if it has a real one, else the rule-based type of `target`."""
    if declared is not None and declared is not SourceType.UNKNOWN:
        return declared
    return classify_source(target)
