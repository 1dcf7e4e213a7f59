"""Rich text splitting and block batching within Notion's limits, unit and on the emulator."""

from __future__ import annotations

from itertools import accumulate

import pytest

from young_production.records import Block, Empire, bullet, paragraph
from young_production.store.notion.blocks import (
    BLOCKS_PER_APPEND,
    ELEMENTS_PER_REQUEST,
    MAX_NESTING,
    batches,
    element_count,
    grapheme_clusters,
    split_text,
    to_nodes,
    utf16_len,
)

from .factory import NotionRig

FAMILY = "👨\u200d👩\u200d👧\u200d👦"  # one emoji made of 7 code points, 11 UTF-16 units
FLAG = "🇫🇷"
ACCENTED = "e\u0301"  # e + combining acute


def assert_valid_split(text: str, limit: int = 2000) -> list[str]:
    chunks = split_text(text, limit)
    assert "".join(chunks) == text
    assert all(0 < utf16_len(c) <= limit for c in chunks)
    boundaries = set(accumulate((len(c) for c in grapheme_clusters(text)), initial=0))
    offset = 0
    for chunk in chunks[:-1]:
        offset += len(chunk)
        assert offset in boundaries, f"split inside a character at {offset}"
    return chunks


def test_ascii_splits_at_exactly_2000() -> None:
    chunks = assert_valid_split("a" * 4500)
    assert [len(c) for c in chunks] == [2000, 2000, 500]


def test_emoji_at_the_boundary_is_not_cut_in_half() -> None:
    text = "a" * 1999 + "😀" + "b" * 10  # the emoji needs 2 units; only 1 is left
    chunks = assert_valid_split(text)
    assert chunks[0] == "a" * 1999
    assert chunks[1].startswith("😀")


def test_cjk_counts_one_unit_per_character() -> None:
    text = "漢" * 2500
    chunks = assert_valid_split(text)
    assert [len(c) for c in chunks] == [2000, 500]


def test_astral_cjk_and_emoji_count_two_units() -> None:
    text = "𠀋" * 1500  # outside the BMP: a surrogate pair each
    chunks = assert_valid_split(text)
    assert [len(c) for c in chunks] == [1000, 500]


@pytest.mark.parametrize("cluster", [FAMILY, FLAG, ACCENTED, "👍🏽", "\r\n"])
def test_multi_code_point_characters_stay_whole(cluster: str) -> None:
    for filler in range(1990, 2001):
        chunks = assert_valid_split("x" * filler + cluster * 3)
        assert all(cluster in c or not c.endswith(cluster[0]) for c in chunks)


def test_small_limits_split_long_mixed_text() -> None:
    text = ("Hello wörld 漢字 " + FAMILY + FLAG + ACCENTED + "😀") * 50
    assert_valid_split(text, limit=13)


def test_a_block_longer_than_100_text_objects_continues_in_the_next_block() -> None:
    nodes = to_nodes([paragraph("z" * (2000 * 100 + 10))])
    assert [n.type for n in nodes] == ["paragraph", "paragraph"]
    assert len(nodes[0].payload["paragraph"]["rich_text"]) == 100
    assert nodes[1].text == "z" * 10


def test_batches_respect_100_blocks_and_1000_elements() -> None:
    flat = to_nodes([paragraph(f"p{i}") for i in range(250)])
    assert [len(b.nodes) for b in batches(flat)] == [100, 100, 50]

    heavy = to_nodes([bullet(f"b{i}", [bullet(f"c{i}.{j}") for j in range(30)]) for i in range(40)])
    sizes = [sum(element_count(n, 0, f) for n, f in zip(b.nodes, b.nested)) for b in batches(heavy)]
    assert all(size <= ELEMENTS_PER_REQUEST for size in sizes)
    assert sum(sizes) == 40 * 31


def test_nesting_beyond_two_levels_is_left_for_follow_up_requests() -> None:
    deep = bullet("1", [bullet("2", [bullet("3", [bullet("4")])])])
    (batch,) = batches(to_nodes([deep]))
    payload = batch.payload()[0]
    level = payload
    for _ in range(MAX_NESTING):
        level = level[level["type"]]["children"][0]
    assert "children" not in level[level["type"]]
    assert batch.needs_follow_up()


def test_headings_with_children_become_toggle_headings_and_dividers_shed_theirs() -> None:
    nodes = to_nodes([
        Block(type="heading_2", text="H", children=[paragraph("inside")]),
        Block(type="divider", children=[paragraph("after")]),
    ])
    assert nodes[0].payload["heading_2"]["is_toggleable"] is True
    assert [n.type for n in nodes] == ["heading_2", "divider", "paragraph"]


def deep_tree(depth: int, breadth: int, label: str = "n") -> list[Block]:
    if depth == 0:
        return []
    return [bullet(f"{label}.{i}", deep_tree(depth - 1, breadth, f"{label}.{i}")) for i in range(breadth)]


def test_large_deep_bodies_round_trip_through_the_emulator(rig: NotionRig) -> None:
    body = (
        [paragraph("long " + "é" * 4100 + FAMILY * 300)]
        + [paragraph(f"line {i}") for i in range(230)]
        + deep_tree(5, 2)
        + [bullet("wide", [bullet(f"child {i}") for i in range(130)])]
    )
    empire = rig.store.create(Empire(name="Deep"), body)
    assert rig.store.read_body(empire.id) == body
    rig.store.append_body(empire.id, [paragraph("tail")])
    assert rig.store.read_body(empire.id)[-1] == paragraph("tail")


def test_appending_more_than_100_blocks_uses_several_requests(rig: NotionRig) -> None:
    empire = rig.store.create(Empire(name="E"))
    rig.emulator.reset_counts()
    rig.store.append_body(empire.id, [paragraph(str(i)) for i in range(BLOCKS_PER_APPEND * 2 + 1)])
    assert rig.emulator.requests["blocks.children.append"] == 3
    assert [b.text for b in rig.store.read_body(empire.id)] == [str(i) for i in range(201)]
