"""S08: what kind of source a Viral DNA entry points at.

Rules only (see `media.sources` for the table): they are free, instant and
decide every http(s) URL and every local file with a known extension. The target
decides how it is read: a type the team set on the entry only refines a generic
web URL (say, marks a page as media), never a local path or a platform URL.
"""

from __future__ import annotations

from ...media.sources import route_type
from ...records import SourceType


def classify_info_type(target: str, declared: SourceType | None = None) -> SourceType:
    """The route for `target`: the rules' type, refined by `declared` only for a generic web URL."""
    return route_type(target, declared)
