"""Page bodies: our `Block` trees to Notion blocks and back, within Notion's limits.

Limits handled here (ARCHITECTURE.md §6): a text object holds at most 2000 UTF-16
code units, a rich text array at most 100 objects, one append at most 100 blocks,
2 levels of nesting and 1000 block elements. Text is split between grapheme
clusters, so no character, surrogate pair, emoji sequence or accent is broken.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...records import Block

Json = dict[str, Any]

TEXT_LIMIT = 2000
RICH_TEXT_ITEMS = 100
BLOCKS_PER_APPEND = 100
MAX_NESTING = 2
ELEMENTS_PER_REQUEST = 1000

HEADINGS = ("heading_1", "heading_2", "heading_3")
_NO_CHILDREN = ("divider", "code", "image")
FILE_UPLOAD = "file_upload:"  # an image block's text naming a Notion file upload
_INLINE_CONTAINERS = ("column_list", "column", "synced_block", "table")
_ZWJ = "\u200d"


# ---- text ------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length as Notion (JavaScript) counts it: astral characters count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _extends_cluster(ch: str) -> bool:
    code = ord(ch)
    return (
        ch == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF
        or unicodedata.category(ch) in ("Mn", "Me", "Mc")
    )


def _regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def is_boundary(text: str, i: int) -> bool:
    """Whether a split between text[i-1] and text[i] keeps every character whole.

    Close enough to UAX #29 for safe splitting: combining marks, ZWJ sequences,
    variation selectors, skin tones, flags (regional indicator pairs) and CRLF stay
    together.
    """
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    if _extends_cluster(after) or before == _ZWJ or (before == "\r" and after == "\n"):
        return False
    if _regional_indicator(before) and _regional_indicator(after):
        run = 0
        while i - 1 - run >= 0 and _regional_indicator(text[i - 1 - run]):
            run += 1
        return run % 2 == 0
    return True


def grapheme_clusters(text: str) -> Iterator[str]:
    """The text cut at every boundary `is_boundary` allows."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or is_boundary(text, i):
            yield text[start:i]
            start = i


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units whose concatenation is `text`.

    Each cut is the last character boundary that fits; a single "character" longer
    than the limit (pathological stacks of combining marks) is cut between code points.
    """
    chunks: list[str] = []
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + limit)
        units = utf16_len(text[start:end])
        while units > limit:
            end -= max(1, (units - limit) // 2)
            units = utf16_len(text[start:end])
        cut = end
        while cut > start and cut < n and not is_boundary(text, cut):
            cut -= 1
        if cut == start:
            cut = max(end, start + 1)
        chunks.append(text[start:cut])
        start = cut
    return chunks


def rich_text(text: str) -> list[Json]:
    """Text as rich text objects (callers keep it within RICH_TEXT_ITEMS objects)."""
    return [{"type": "text", "text": {"content": chunk}} for chunk in split_text(text)]


def plain_text(items: Sequence[Json] | None) -> str:
    return "".join(item.get("plain_text", item.get("text", {}).get("content", "")) for item in items or ())


# ---- our blocks -> Notion ----------------------------------------------------------------


@dataclass
class NotionNode:
    """A block ready to send: its JSON without children, and its children."""

    payload: Json
    children: list[NotionNode] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.payload["type"]

    @property
    def text(self) -> str:
        return plain_text(self.payload[self.type].get("rich_text"))


def to_nodes(blocks: Sequence[Block]) -> list[NotionNode]:
    """Our blocks as Notion nodes.

    Text beyond one block's 100 rich text objects continues in further blocks of the
    same type. Headings with children become toggle headings; dividers and code
    blocks cannot hold children, so theirs follow them as siblings.
    """
    nodes: list[NotionNode] = []
    for block in blocks:
        children = to_nodes(block.children)
        if block.type == "image":
            nodes.append(image_node(block.text))
            nodes.extend(children)
            continue
        if block.type == "divider":
            nodes.append(NotionNode({"object": "block", "type": "divider", "divider": {}}))
            nodes.extend(children)
            continue
        pieces = split_text(block.text) or [""]
        groups = [pieces[i:i + RICH_TEXT_ITEMS] for i in range(0, len(pieces), RICH_TEXT_ITEMS)]
        for index, group in enumerate(groups):
            data: Json = {"rich_text": [{"type": "text", "text": {"content": p}} for p in group if p]}
            if block.type == "code":
                data["language"] = "plain text"
            last = index == len(groups) - 1
            if block.type in HEADINGS:
                data["is_toggleable"] = bool(children) and last
            node = NotionNode({"object": "block", "type": block.type, block.type: data})
            if last and block.type not in _NO_CHILDREN:
                node.children = children
            nodes.append(node)
        if block.type in _NO_CHILDREN:
            nodes.extend(children)
    return nodes


def image_node(location: str) -> NotionNode:
    """An image block from a file upload id or an https URL; a local path (which Notion
    cannot show) becomes a paragraph naming it."""
    if location.startswith(FILE_UPLOAD):
        data: Json = {"type": "file_upload", "file_upload": {"id": location[len(FILE_UPLOAD):]}}
    elif location.startswith("https://"):
        data = {"type": "external", "external": {"url": location}}
    else:
        return to_nodes([Block(type="paragraph", text=location)])[0]
    return NotionNode({"object": "block", "type": "image", "image": data})


def sent_children(node: NotionNode, depth: int, nested: bool) -> list[NotionNode]:
    """The children that travel in the same request as `node` (at `depth` in it)."""
    return node.children[:BLOCKS_PER_APPEND] if nested and depth < MAX_NESTING else []


def render(node: NotionNode, depth: int = 0, nested: bool = True) -> Json:
    """A node as request JSON, children included as deep as one request allows."""
    body = dict(node.payload)
    sent = sent_children(node, depth, nested)
    if sent:
        body[node.type] = {**body[node.type], "children": [render(c, depth + 1) for c in sent]}
    return body


def element_count(node: NotionNode, depth: int = 0, nested: bool = True) -> int:
    return 1 + sum(element_count(c, depth + 1) for c in sent_children(node, depth, nested))


def needs_follow_up(node: NotionNode, depth: int, nested: bool = True) -> bool:
    """Whether some of the node's descendants must be appended in later requests."""
    sent = sent_children(node, depth, nested)
    return len(node.children) > len(sent) or any(needs_follow_up(c, depth + 1) for c in sent)


@dataclass
class Batch:
    """One append request: top-level nodes, each with whether its children ride along."""

    nodes: list[NotionNode]
    nested: list[bool]

    def payload(self) -> list[Json]:
        return [render(node, 0, flag) for node, flag in zip(self.nodes, self.nested)]

    def needs_follow_up(self) -> bool:
        return any(needs_follow_up(node, 0, flag) for node, flag in zip(self.nodes, self.nested))


def batches(nodes: Sequence[NotionNode]) -> Iterator[Batch]:
    """Split nodes into append requests within the block and element limits.

    A node whose subtree alone exceeds the element limit travels without children;
    they follow in their own requests.
    """
    batch = Batch([], [])
    elements = 0
    for node in nodes:
        nested = element_count(node) <= ELEMENTS_PER_REQUEST
        count = element_count(node, 0, nested)
        if batch.nodes and (len(batch.nodes) == BLOCKS_PER_APPEND or elements + count > ELEMENTS_PER_REQUEST):
            yield batch
            batch, elements = Batch([], []), 0
        batch.nodes.append(node)
        batch.nested.append(nested)
        elements += count
    if batch.nodes:
        yield batch


# ---- Notion -> our blocks ----------------------------------------------------------------


def from_notion(block: Json, children: list[Block]) -> list[Block]:
    """One Notion block (with its already-read children) as our blocks.

    Types we have no equivalent for are mapped to the nearest (to-do -> bullet,
    callout -> quote, heading_4 -> heading_3); containers (columns, synced blocks,
    tables) give their content; images keep where they are (a URL, which for uploaded
    files Notion signs and expires); other media and child pages are skipped.
    """
    kind = block.get("type", "")
    data = block.get(kind) or {}
    text = plain_text(data.get("rich_text"))
    if kind in ("paragraph", *HEADINGS, "bulleted_list_item", "numbered_list_item", "quote", "toggle", "code"):
        return [Block(type=kind, text=text, children=children)]
    if kind == "heading_4":
        return [Block(type="heading_3", text=text, children=children)]
    if kind == "divider":
        return [Block(type="divider")]
    if kind == "to_do":
        box = "[x] " if data.get("checked") else "[ ] "
        return [Block(type="bulleted_list_item", text=box + text, children=children)]
    if kind == "callout":
        return [Block(type="quote", text=text, children=children)]
    if kind == "table_row":
        return [Block(type="paragraph", text=" | ".join(plain_text(cell) for cell in data.get("cells", [])))]
    if kind in ("bookmark", "embed", "link_preview") and data.get("url"):
        return [Block(type="paragraph", text=data["url"])]
    if kind in _INLINE_CONTAINERS:
        return children
    if kind == "image":
        source = data.get(str(data.get("type")))
        source = source if isinstance(source, dict) else {}
        if source.get("url"):
            return [Block(type="image", text=source["url"])]
        if source.get("id"):
            return [Block(type="image", text=FILE_UPLOAD + source["id"])]
    return []


def wants_children(block: Json) -> bool:
    """Whether to read this block's children (child pages and databases are not body)."""
    return bool(block.get("has_children")) and block.get("type") not in ("child_page", "child_database")


def read_tree(list_page: Callable[[str, str | None], Json], block_id: str) -> list[Block]:
    """Every block under `block_id`, nested children included, following cursors."""
    blocks: list[Block] = []
    for block in iter_children(list_page, block_id):
        children = read_tree(list_page, block["id"]) if wants_children(block) else []
        blocks.extend(from_notion(block, children))
    return blocks


def iter_children(list_page: Callable[[str, str | None], Json], block_id: str) -> Iterator[Json]:
    return paginate(lambda cursor: list_page(block_id, cursor))


def paginate(fetch: Callable[[str | None], Json]) -> Iterator[Json]:
    """The results of a paginated Notion list, following `next_cursor` while `has_more`."""
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from page.get("results", [])
        cursor = page.get("next_cursor") if page.get("has_more") else None
        if not cursor:
            return
