"""What WF1's analysis costs: the seed's design against ours, on the Anthropic emulator.

    .venv/bin/python benchmarks/ai_tokens.py [--entries 22] [--min-cache-tokens 4096]

A fixed corpus of transcripts (shorts of 30 s to videos of 20 min, generated
deterministically: same corpus every run) is analysed three ways, through the real
`anthropic` SDK and our providers, against the loopback emulator (~4 characters a
token, so token counts are estimates of the same kind for every design):

* seed: the seed's design, three calls per entry, S05 perspective on Sonnet, S06
  hook and S07 open loop on Haiku (the seed's tiers, today's ids), each with the
  full transcript;
* ours: the shipped `config_templates/ai_config.yaml`: one structured call per
  entry (`analysis_mode: combined`), the transcript condensed to
  `condense_token_budget`, the stable prefix marked for caching;
* ours, batch: the same requests as one Message Batch (half price);
* ours, cascade (`analysis: cascade`): the free rules decode every entry first and only
  an entry with unsure fields goes to the model, asked for those fields only.

Prices are the configured ones (the shipped template). Caching only counts when
the prefix reaches the model's cache minimum; Anthropic does not publish it for
Haiku 5.5, so by default the emulator assumes 4096 tokens (Haiku 4.5's), under which
our ~1.1K-token prefix is never cached: the ratios below do not lean on caching.

A same-model line shows the design alone (seed's three calls on our model). The
last line is machine-readable: `cost_ratio=X batch_cost_ratio=Y entries=N`.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the emulator is a test double in tests/fakes
from tests.fakes import AnthropicEmulator  # noqa: E402
from young_production.ai.base import AIRequest
from young_production.ai.batch import collect_batch, submit_batch
from young_production.ai.ledger import CostLedger
from young_production.ai.router import build_provider
from young_production.ai.rules import RuleProvider
from young_production.config import AIConfig, Workspace
from young_production.records import SourceType, TranscriptSource
from young_production.skills.dna.decode import (
    DNAAnalysisAnswer,
    analyse_dna,
    dna_request,
    extract_perspective,
    generate_hook,
    generate_open_loop,
)
from young_production.skills.dna.cascade import cascade
from young_production.transcript import Segment, Transcript

SEED_TIERS = {"S05": "claude-sonnet-5-5", "S06": "claude-haiku-5-5", "S07": "claude-haiku-5-5"}
MINUTES = [0.5, 0.5, 0.75, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15, 16, 18, 20, 20]
WORDS_PER_SECOND = 2.5

TOPICS = {
    "money": ["savings", "index funds", "salary", "budget", "debt", "compound interest", "side income"],
    "fitness": ["sleep", "protein", "recovery", "strength", "cardio", "mobility", "habits"],
    "cooking": ["rice", "knife skills", "seasoning", "meal prep", "cast iron", "stock", "timing"],
    "productivity": ["focus", "calendar", "deep work", "email", "routines", "energy", "planning"],
    "tech": ["laptops", "battery life", "privacy", "backups", "passwords", "updates", "cameras"],
}
HOOKS = [
    "Why does nobody talk about {a}?",
    "I tried {a} for thirty days and it changed everything.",
    "Here are five {a} mistakes you are making right now.",
    "Everything you know about {a} is wrong.",
    "If you are struggling with {a}, watch this.",
]
LOOPS = ["Stay until the end, because the last tip about {a} surprised me.",
         "I will show you the one thing about {b} that actually works.",
         "But first, you need to understand {b}."]
BODY = [
    "The truth is that {a} matters far more than {b} for most people.",
    "Most people think {b} is the answer, but {a} does the heavy lifting.",
    "When I started with {a}, I made every mistake you can imagine.",
    "Here is the part about {b} that nobody explains properly.",
    "You do not need expensive tools to get {a} right.",
    "A small change in {b} compounds into a big result over a year.",
    "Let me give you a concrete example from last week.",
    "My friend tried this approach with {a} and doubled the result.",
    "The research on {b} is surprisingly clear about this.",
    "So write this down: {a} first, {b} second, everything else later.",
    "This is where most tutorials about {a} stop, and that is a shame.",
    "Now, the second point is about {b} and how often you review it.",
]
PAYOFF = "And that last tip about {a} is simply doing it every single day."


def corpus(count: int) -> list[tuple[str, Transcript]]:
    """`count` transcripts, deterministic, lengths cycling through MINUTES."""
    rng = random.Random(20261123)
    entries = []
    for index in range(count):
        minutes = MINUTES[index % len(MINUTES)]
        topic = list(TOPICS)[index % len(TOPICS)]
        words = TOPICS[topic]
        pick = lambda: {"a": rng.choice(words), "b": rng.choice(words)}  # noqa: E731
        sentences = [rng.choice(HOOKS).format(**pick()), rng.choice(LOOPS).format(**pick())]
        target_words = minutes * 60 * WORDS_PER_SECOND
        while sum(len(s.split()) for s in sentences) < target_words:
            sentences.append(rng.choice(BODY).format(**pick()))
        sentences.append(PAYOFF.format(**pick()))
        segments, clock = [], 0.0
        for sentence in sentences:
            duration = len(sentence.split()) / WORDS_PER_SECOND
            segments.append(Segment(sentence, round(clock, 2), round(clock + duration, 2)))
            clock += duration
        entries.append((f"{topic} {index + 1} ({minutes:g} min)", Transcript(TranscriptSource.CAPTIONS, segments)))
    return entries


def shipped_config(emu: AnthropicEmulator, root: Path) -> AIConfig:
    """The shipped ai_config.yaml, pointed at the emulator, limits off."""
    workspace = Workspace(root, env={"ANTHROPIC_API_KEY": emu.api_key, "ANTHROPIC_BASE_URL": emu.base_url})
    workspace.init()
    config = workspace.ai_config()
    config.provider = "anthropic"
    config.limits = config.limits.model_copy(update={"per_run_usd": None, "daily_usd": None, "monthly_usd": None})
    return config


def with_models(config: AIConfig, models: dict[str, str]) -> AIConfig:
    skills = {**config.skills}
    for skill, model in models.items():
        skills[skill] = skills[skill].model_copy(update={"model": model, "provider": None})
    return config.model_copy(update={"skills": skills})


@dataclass
class Tally:
    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    cost: float = 0.0
    calls: int = 0

    @property
    def prompt(self) -> int:
        return self.input + self.cache_read + self.cache_write

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def per_entry(ledger: CostLedger) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    for row in ledger.calls():
        tallies[row["entry_id"]].add(Tally(row["input_tokens"], row["output_tokens"], row["cache_read_tokens"],
                                           row["cache_write_tokens"], row["cost_usd"], 1))
    return tallies


def run_seed(config: AIConfig, entries: list[tuple[str, Transcript]], state: Path) -> dict[str, Tally]:
    ledger = CostLedger(state)
    provider = build_provider(config, ledger=ledger, run_id="seed")
    for index, (title, transcript) in enumerate(entries):
        common: dict[str, Any] = dict(title=title, source_type=SourceType.YOUTUBE_VIDEO, entry_id=f"e{index}")
        extract_perspective(provider, transcript, **common)
        generate_hook(provider, transcript, **common)
        generate_open_loop(provider, transcript, **common)
    return per_entry(ledger)


def run_ours(config: AIConfig, entries: list[tuple[str, Transcript]], state: Path) -> dict[str, Tally]:
    ledger = CostLedger(state)
    provider = build_provider(config, ledger=ledger, run_id="ours")
    for index, (title, transcript) in enumerate(entries):
        analyse_dna(provider, transcript, title=title, source_type=SourceType.YOUTUBE_VIDEO, mode="combined",
                    token_budget=config.condense_token_budget, entry_id=f"e{index}")
    return per_entry(ledger)


CASCADE_FIELDS: list[int] = []  # unsure fields per entry in the last cascade run


def run_cascade(config: AIConfig, entries: list[tuple[str, Transcript]], state: Path) -> dict[str, Tally]:
    ledger = CostLedger(state)
    provider = build_provider(config, ledger=ledger, run_id="cascade")
    CASCADE_FIELDS.clear()
    for index, (title, transcript) in enumerate(entries):
        common: dict[str, Any] = dict(title=title, source_type=SourceType.YOUTUBE_VIDEO,
                                      token_budget=config.condense_token_budget, entry_id=f"e{index}")
        rules = analyse_dna(RuleProvider(), transcript, mode="combined", **common)
        CASCADE_FIELDS.append(len(rules.unsure))
        cascade(rules, provider, transcript, **common)
    return per_entry(ledger)


def run_ours_batch(config: AIConfig, entries: list[tuple[str, Transcript]], state: Path) -> dict[str, Tally]:
    items: list[tuple[str, AIRequest, type[BaseModel]]] = []
    for index, (title, transcript) in enumerate(entries):
        request = dna_request(transcript, title=title, source_type=SourceType.YOUTUBE_VIDEO,
                              token_budget=config.condense_token_budget, entry_id=f"e{index}")
        items.append((f"e{index}", request, DNAAnalysisAnswer))
    ledger = CostLedger(state)
    submit_batch(items, ai_config=config, ledger=ledger, run_id="batch", workflow="WF1")
    failures: list[str] = []
    collect_batch(lambda r: r.ok or failures.append(r.error or ""), ai_config=config, ledger=ledger)
    if failures:
        raise SystemExit(f"batch results failed: {failures[:3]}")
    return per_entry(ledger)


def total(tallies: dict[str, Tally]) -> Tally:
    out = Tally()
    for t in tallies.values():
        out.add(t)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=len(MINUTES))
    parser.add_argument("--min-cache-tokens", type=int, default=4096,
                        help="the emulator's cache minimum (Haiku 4.5: 4096; Sonnet: 1024)")
    args = parser.parse_args(argv)
    if args.entries < 20:
        parser.error("the corpus has at least 20 entries")
    entries = corpus(args.entries)

    def measure(run: Any, models: dict[str, str] | None, name: str) -> tuple[AIConfig, dict[str, Tally]]:
        """One design on a fresh emulator (a fresh prompt cache) and a fresh ledger."""
        with tempfile.TemporaryDirectory() as tmp, AnthropicEmulator(min_cache_tokens=args.min_cache_tokens) as emu:
            config = shipped_config(emu, Path(tmp) / "workspace")
            config = with_models(config, models) if models else config
            return config, run(config, entries, Path(tmp) / name)

    ours_config, ours = measure(run_ours, None, "ours")
    our_model = ours_config.skills["S05"].model or ours_config.anthropic.default_model
    _, seed = measure(run_seed, SEED_TIERS, "seed")
    _, same = measure(run_seed, {skill: our_model for skill in SEED_TIERS}, "same")
    _, batch = measure(run_ours_batch, None, "batch")
    _, cascaded = measure(run_cascade, None, "cascade")

    n = len(entries)
    print(f"WF1 analysis, {n} entries; seed = 3 calls/entry, full transcript ({', '.join(f'{k} {v}' for k, v in SEED_TIERS.items())}); "
          f"ours = 1 call/entry on {our_model}, condensed to {ours_config.condense_token_budget} tokens")
    print(f"{'entry (tokens per entry)':<26}{'transcript':>11}{'seed in':>9}{'seed out':>9}{'ours in':>9}{'ours out':>9}")
    for index, (title, transcript) in enumerate(entries):
        key = f"e{index}"
        tokens = len(transcript.text) // 4
        print(f"{title:<26}{tokens:>11}{seed[key].prompt:>9}{seed[key].output:>9}{ours[key].prompt:>9}{ours[key].output:>9}")

    s, m, o, b, c = total(seed), total(same), total(ours), total(batch), total(cascaded)
    per100 = 100 / n
    print()
    print(f"{'design':<40}{'calls':>6}{'in/entry':>10}{'out/entry':>10}{'cache r/w':>14}{'$ per 100':>11}")
    for label, t in (("seed design (seed's model tiers)", s), (f"seed design, all on {our_model}", m),
                     ("ours (combined, condensed)", o), ("ours as a Message Batch", b),
                     ("ours, cascade (rules first)", c)):
        print(f"{label:<40}{t.calls:>6}{t.prompt // n:>10}{t.output // n:>10}"
              f"{f'{t.cache_read}/{t.cache_write}':>14}{t.cost * per100:>11.4f}")
    cost_ratio = o.cost / s.cost
    batch_ratio = b.cost / s.cost
    print()
    print(f"design alone (same model): ours / seed = {o.cost / m.cost:.3f}")
    asked = sum(1 for f in CASCADE_FIELDS if f)
    print(f"cascade: {asked} of {n} entries went to the model, {sum(CASCADE_FIELDS)} unsure fields in all; "
          f"cascade / all-model = {c.cost / o.cost:.3f} (${c.cost * per100:.4f} against ${o.cost * per100:.4f} per 100)")
    print(f"target: cost_ratio <= 0.35, batch_cost_ratio <= 0.20 -> "
          f"{'met' if cost_ratio <= 0.35 and batch_ratio <= 0.20 else 'NOT met'}")
    print(f"cost_ratio={cost_ratio:.3f} batch_cost_ratio={batch_ratio:.3f} cascade_ratio={c.cost / o.cost:.3f} entries={n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
