"""WF3's page write on the Notion emulator: Notion requests per production against the minimum.

A long video (by default 8 linked references and six points in its notes: an outline of
22 beats in 7 chapters, scene cards, packaging and metadata) is drafted by the rule provider and written to its production's page as the
marked "Script" section, then written again (a rerun replaces the section). Counted
per production: the reads that gather the inputs (Empire style, linked DNA) and the
requests of each write, against the least the Notion limits allow for the same text:
one children list (to find the section) plus the appends that 100 blocks and 1000
elements per request force; a rerun must also delete the old top-level blocks (a
Notion delete takes one block per request). For comparison it prints the same
content laid out flat (one top-level block per line, no nesting).

    .venv/bin/python benchmarks/wf3_notion.py [--references 8] [--productions 3]

Last line (machine-readable):
    write_requests=X write_minimum=Y rerun_requests=Z rerun_minimum=W flat_rerun_requests=V read_requests=R
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from collections.abc import Callable
from importlib import resources

import yaml

from young_production.ai.rules import RuleProvider
from young_production.config import StoreConfig, substitute_env
from young_production.records import Block, DNAStatus, Empire, Production, ViralDNA, bullet, heading, paragraph
from young_production.skills.scripting.draft import draft_production, load_inputs
from young_production.skills.scripting.render import SECTION, draft_blocks, write_draft
from young_production.store.notion.blocks import BLOCKS_PER_APPEND, ELEMENTS_PER_REQUEST
from young_production.store.notion.client import NotionClient, Pacer
from young_production.tools.notion_emulator import NotionEmulator
from young_production.store.notion.setup import init_databases
from young_production.store.notion.store import NotionStore

FAST = 1000.0
TOPICS = ["saving money", "morning routines", "learning to code", "running", "cooking at home", "public speaking",
          "starting a podcast", "sleeping better", "reading more", "growing tomatoes", "negotiating", "focus"]
STYLE = [
    heading("Writing style", 1),
    bullet("Voice: warm, direct, second person"),
    bullet("Keep sentences under 16 words"),
    bullet("Never say: basically, literally, hack"),
    bullet("Always end with: \"See you in the next one.\""),
    heading("Long videos"),
    paragraph("Chapters every two or three minutes; one story per chapter."),
]


def transcript(topic: str, n: int) -> str:
    return " ".join([
        f"Did you know that {n % 9 + 2} out of 10 people give up on {topic} in the first week?",
        f"Stay until the end, because the last tip about {topic} is the one nobody tells you.",
        f"Most people think {topic} is about motivation, but the truth is that it is about systems.",
        f"The first tip is to start with {n % 5 + 1} minutes a day, because small starts survive bad days.",
        f"The second tip is to do {topic} at the same time every day, so the habit does not need a decision.",
        "The third tip is to write down what you did, because a written streak is harder to break.",
        f"I tried this for {n + 3} weeks and the difference was not talent, it was the calendar.",
        f"And the last tip, the one nobody tells you: tell one friend about {topic} today.",
    ])


def notion_store(emulator: NotionEmulator) -> NotionStore:
    text = (resources.files("young_production") / "config_templates" / "databases.yaml").read_text("utf-8")
    raw = substitute_env(yaml.safe_load(text), {})
    raw["notion"].update(api_key=emulator.api_key, base_url=emulator.base_url, rate_limit_per_sec=FAST)
    config = StoreConfig.model_validate(raw).notion
    client = NotionClient.from_config(config, pacer=Pacer(FAST))
    try:
        for setup in init_databases(client, emulator.root_page_id, config):
            config.databases[setup.collection].id = setup.database_id
    finally:
        client.close()
    return NotionStore.from_config(config, pacer=Pacer(FAST))


def seed(store: NotionStore, references: int, productions: int) -> list[Production]:
    empire = store.create(Empire(name="Habit Lab"), STYLE)
    dna_ids = []
    for i in range(references):
        topic = TOPICS[i % len(TOPICS)]
        text = transcript(topic, i)
        dna = store.create(ViralDNA(
            title=f"Why {topic} fails (and the fix)", transcript=text, status=DNAStatus.ENCODED,
            perspective=f"Most people think {topic} is about motivation, but it is about systems.",
            hook=f"[0:00-0:05] Did you know that {i % 9 + 2} out of 10 people give up on {topic} in the first week?",
            hook_pattern=["statistic", "question", "contrarian", "number_list"][i % 4],
            open_loop=f"[0:05] Stay until the end, because the last tip about {topic} is the one nobody tells you. "
                      f"-> resolved [0:45] And the last tip, the one nobody tells you: tell one friend about {topic} today.",
            niche_tags=[topic, "habits"],
        ))
        dna_ids.append(str(dna.id))
    notes = "morning routine, habit stacking, tracking, streaks, missing a day, rewards"  # a chapter each
    return [store.create(Production(title=f"Habits that stick, part {p + 1}", format="video", notes=notes,
                                    empire_ids=[str(empire.id)], dna_ids=dna_ids)) for p in range(productions)]


def counted(emulator: NotionEmulator, action: Callable[[], object]) -> Counter[str]:
    emulator.reset_counts()
    action()
    return Counter(emulator.requests)


def minimum_appends(blocks: list[Block]) -> int:
    """Appends the limits force for these blocks under a section heading and end marker."""
    top = len(blocks) + 2
    elements = top + sum(_descendants(b) for b in blocks)
    return max(math.ceil(top / BLOCKS_PER_APPEND), math.ceil(elements / ELEMENTS_PER_REQUEST))


def _descendants(block: Block) -> int:
    return sum(1 + _descendants(c) for c in block.children)


def flat(blocks: list[Block]) -> list[Block]:
    """The same text with every line a top-level block (what a naive writer sends)."""
    out: list[Block] = []
    for block in blocks:
        for line in block.text.split("\n"):
            out.append(Block(type=block.type, text=line))
        out.extend(flat(block.children))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--references", type=int, default=8)
    parser.add_argument("--productions", type=int, default=3)
    args = parser.parse_args()

    with NotionEmulator() as emulator:
        store = notion_store(emulator)
        try:
            productions = seed(store, args.references, args.productions)
            reads, writes, reruns, flat_reruns = [], [], [], []
            for prod in productions:
                pid = str(prod.id)
                inputs_box: list = []
                reads.append(counted(emulator, lambda: inputs_box.append(load_inputs(store, prod))))
                draft = draft_production(RuleProvider(), prod, inputs_box[0])
                blocks = draft_blocks(draft)
                writes.append(counted(emulator, lambda: write_draft(store, pid, draft)))
                reruns.append(counted(emulator, lambda: write_draft(store, pid, draft_production(
                    RuleProvider(), prod, inputs_box[0]))))
                flat_blocks = flat(blocks)
                store.write_section(pid, SECTION + " flat", flat_blocks)
                flat_reruns.append(counted(emulator, lambda: store.write_section(pid, SECTION + " flat",
                                                                                  list(reversed(flat_blocks)))))
            script = draft.script
            print(f"long video: {len(script.beats)} beats, {len(draft.scenes.scenes)} scenes, "
                  f"{len(draft.packaging.titles)} titles, {len(draft.metadata.chapters)} chapters, "
                  f"{len(script.text)} characters of script; {len(blocks)} top-level blocks, "
                  f"{sum(_descendants(b) for b in blocks)} nested; flat layout: {len(flat_blocks)} blocks")
            write_min = 1 + minimum_appends(blocks)
            rerun_min = 1 + len(blocks) + minimum_appends(blocks)
            flat_min = 1 + len(flat_blocks) + minimum_appends(flat_blocks)
            n = len(productions)

            def per(counts: list[Counter[str]]) -> float:
                return sum(sum(c.values()) for c in counts) / n

            def ops(counts: list[Counter[str]]) -> str:
                total: Counter[str] = sum(counts, Counter())
                return ", ".join(f"{k} {v / n:g}" for k, v in sorted(total.items()))

            print(f"reading inputs: {per(reads):.1f} requests per production ({ops(reads)})")
            print(f"first write: {per(writes):.1f} requests per production ({ops(writes)}); minimum {write_min}")
            print(f"rerun write: {per(reruns):.1f} requests per production ({ops(reruns)}); minimum {rerun_min} "
                  f"(1 list + {len(blocks)} deletes + appends)")
            print(f"flat layout rerun: {per(flat_reruns):.1f} requests per production; minimum {flat_min}")
        finally:
            store.close()
    print(f"write_requests={per(writes):.1f} write_minimum={write_min} rerun_requests={per(reruns):.1f} "
          f"rerun_minimum={rerun_min} flat_rerun_requests={per(flat_reruns):.1f} read_requests={per(reads):.1f}")


if __name__ == "__main__":
    main()
