"""S01-S03 for Empires: add one (idempotent), find one by name or id, read and write its writing style.

An Empire's writing style lives in its page body. What `yp empire add --style-file`
and `yp empire style --edit` write goes under a marked "Writing style" section, which
S14 reads (and a rewrite replaces, never duplicates); a style a person typed into the
page by hand is read as it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from ..errors import YPError
from ..records import Block, Empire, body_text
from ..store.base import Store, iter_records
from ..store.resolve import AmbiguousId, resolve

STYLE_SECTION = "Writing style"


def empire_key(name: str) -> str:
    """One key per Empire name, whatever its case, accents or spacing."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "empire:" + (re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or name.strip().lower())


def find_empire(store: Store, name_or_id: str) -> Empire:
    """The Empire with this name (case and spacing ignored), id or unique id prefix; one clear error otherwise."""
    wanted = (name_or_id or "").strip()
    by_key = store.find_by_key(Empire, empire_key(wanted)) if wanted else None
    if by_key is not None:
        return by_key
    try:
        return resolve(store, Empire, wanted)
    except AmbiguousId:
        raise
    except YPError as exc:
        known = ", ".join(sorted(e.name for e in iter_records(store, Empire))[:10]) or "none yet"
        raise YPError(f"{exc} (known: {known}); add one with `yp empire add`") from None


def add_empire(
    store: Store,
    name: str,
    *,
    channel_url: str | None = None,
    channel_id: str | None = None,
    niche_tags: Iterable[str] = (),
    style: Sequence[Block] | None = None,
) -> tuple[Empire, bool]:
    """S02: add an Empire; (Empire, created). An Empire of that name (any case or spacing) is
    returned as it is, unchanged: changing one is `skills.edits.set_empire` (`yp empire set`)."""
    name = " ".join((name or "").split())
    if not name:
        raise YPError("an Empire needs a name")
    tags = sorted({t.strip().lower() for t in niche_tags if t and t.strip()})
    record = Empire(
        key=empire_key(name), name=name, channel_url=channel_url, youtube_channel_id=channel_id, niche_tags=tags
    )
    existing = store.find_by_key(Empire, record.key or "")
    if existing is not None:
        return existing, False
    empire = store.create(record)
    if style is not None:
        write_style(store, empire, style)
    return empire, True


def read_style_text(store: Store, empire: Empire) -> str:
    """The Empire's page body as text: what S14 reads its writing style from."""
    return body_text(store.read_body(empire.id or "")).strip()


def write_style(store: Store, empire: Empire, blocks: Sequence[Block]) -> None:
    """Put `blocks` under the Empire's marked writing-style section (a rewrite replaces it)."""
    blocks = list(blocks)
    if blocks and blocks[0].type.startswith("heading") and blocks[0].text.strip().lower() == STYLE_SECTION.lower():
        blocks = blocks[1:]  # the section's own heading says it already
    if not blocks:
        raise YPError("the writing style is empty: nothing written")
    store.write_section(empire.id or "", STYLE_SECTION, blocks)
