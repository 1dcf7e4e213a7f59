"""Page bodies on Notion: read them whole, append to them, and keep marked sections.

A section is a heading_2 whose text is the section name plus `SECTION_MARKER`,
followed by its blocks and closed by an end-marker paragraph (invisible text).
Rewriting a section replaces exactly the blocks between the two, so a rerun never
duplicates and blocks added after the section stay. If the end marker is gone
(edited away, or a write cut short), the section runs to the next heading of the
same or a higher level, and the rewrite puts the end marker back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...records import Block
from .blocks import (
    HEADINGS,
    Batch,
    NotionNode,
    batches,
    iter_children,
    needs_follow_up,
    plain_text,
    read_tree,
    sent_children,
    to_nodes,
)
from .client import NotionClient

Json = dict[str, Any]

SECTION_MARKER = " · yp"
SECTION_END = "\u2063\u2060\u2063"  # invisible separator, word joiner, invisible separator


class PageBodies:
    """Body reads and writes for pages (and nested blocks) through a NotionClient."""

    def __init__(self, client: NotionClient):
        self.client = client

    def children(self, block_id: str) -> list[Json]:
        return list(iter_children(self.client.list_children, block_id))

    def read(self, page_id: str) -> list[Block]:
        """The body with nested children; section markers are not shown."""
        return _without_markers(read_tree(self.client.list_children, page_id))

    def append(self, page_id: str, blocks: Sequence[Block]) -> None:
        self.append_nodes(page_id, to_nodes(blocks))

    def write_section(self, page_id: str, section: str, blocks: Sequence[Block]) -> None:
        title = section + SECTION_MARKER
        top = self.children(page_id)
        start = next((i for i, b in enumerate(top) if _heading_text(b) == title), None)
        nodes = to_nodes(blocks)
        if start is None:
            heading = to_nodes([Block(type="heading_2", text=title)])
            self.append_nodes(page_id, heading + nodes + [_end_marker()])
            return
        end, has_end = _section_end(top, start)
        old = top[start + 1:end]
        if has_end and _same_blocks(old, nodes):
            return
        for block in old:
            self.client.delete_block(block["id"])
        closing = [] if has_end else [_end_marker()]
        if nodes or closing:
            self.append_nodes(page_id, nodes + closing, after=top[start]["id"])

    def append_nodes(self, parent_id: str, nodes: Sequence[NotionNode], after: str | None = None) -> list[str]:
        """Append in as few requests as the limits allow; returns the new top-level ids.

        With `after`, the blocks go right after that child, in order.
        """
        created: list[str] = []
        for batch in batches(nodes):
            body: Json = {"children": batch.payload(), **({"after": after} if after else {})}
            response = self.client.append_children(
                parent_id, body,
                landed=lambda batch=batch, after=after: self._landed(parent_id, batch.nodes, after),
            )
            ids = [block["id"] for block in response["results"]]
            self.complete(batch, ids)
            created.extend(ids)
            if after:
                after = ids[-1]
        return created

    def complete(self, batch: Batch, ids: Sequence[str]) -> None:
        """Append what did not fit in the request that created `batch` as blocks `ids`."""
        for node, nested, block_id in zip(batch.nodes, batch.nested, ids):
            if needs_follow_up(node, 0, nested):
                self._follow_up(block_id, node, 0, nested)

    def _follow_up(self, block_id: str, node: NotionNode, depth: int, nested: bool) -> None:
        """Append what did not fit in the request that created `block_id`."""
        sent = sent_children(node, depth, nested)
        if any(needs_follow_up(child, depth + 1) for child in sent):
            child_ids = [b["id"] for b in self.children(block_id)][: len(sent)]
            for child, child_id in zip(sent, child_ids):
                if needs_follow_up(child, depth + 1):
                    self._follow_up(child_id, child, depth + 1, True)
        rest = node.children[len(sent):]
        if rest:
            self.append_nodes(block_id, rest)

    def _landed(self, parent_id: str, nodes: list[NotionNode], after: str | None) -> Json | None:
        """After a lost answer: are the blocks we sent already there (where we put them)?"""
        children = self.children(parent_id)
        if after:
            ids = [c["id"] for c in children]
            at = ids.index(after) + 1 if after in ids else len(children)
            candidates = children[at:at + len(nodes)]
        else:
            candidates = children[-len(nodes):]
        sent = [(n.type, n.text) for n in nodes]
        found = [(c.get("type"), plain_text((c.get(c.get("type", "")) or {}).get("rich_text"))) for c in candidates]
        return {"results": candidates} if found == sent else None


def _end_marker() -> NotionNode:
    return to_nodes([Block(type="paragraph", text=SECTION_END)])[0]


def _heading_text(block: Json) -> str | None:
    kind = block.get("type")
    return plain_text(block[kind].get("rich_text")) if kind in HEADINGS else None


def _is_end_marker(block: Json) -> bool:
    return block.get("type") == "paragraph" and plain_text(block["paragraph"].get("rich_text")) == SECTION_END


def _section_end(top: list[Json], start: int) -> tuple[int, bool]:
    """(index just past the section's content, whether an end marker closes it)."""
    for j in range(start + 1, len(top)):
        if _is_end_marker(top[j]):
            return j, True
        text = _heading_text(top[j])
        if text is not None and text.endswith(SECTION_MARKER):
            break
    level = HEADINGS.index(top[start]["type"])
    for j in range(start + 1, len(top)):
        kind = top[j].get("type")
        if kind in HEADINGS and HEADINGS.index(kind) <= level:
            return j, False
    return len(top), False


def _same_blocks(old: list[Json], nodes: list[NotionNode]) -> bool:
    """Flat sections that already hold exactly this content need no rewrite."""
    if len(old) != len(nodes) or any(n.children for n in nodes):
        return False
    return all(
        not b.get("has_children") and b.get("type") == n.type and plain_text(b[n.type].get("rich_text")) == n.text
        for b, n in zip(old, nodes)
    )


def _without_markers(blocks: list[Block]) -> list[Block]:
    cleaned = []
    for block in blocks:
        if block.type == "paragraph" and block.text == SECTION_END and not block.children:
            continue
        text = block.text
        if block.type in HEADINGS and text.endswith(SECTION_MARKER):
            text = text[: -len(SECTION_MARKER)]
        cleaned.append(Block(type=block.type, text=text, children=_without_markers(block.children)))
    return cleaned
