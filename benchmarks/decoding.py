"""How well the rule provider decodes real references (WF1: hook, open loop, perspective, tags).

Scores WF1's analysis, as the rule provider answers it (`dna_request` -> `RuleProvider`), against
the labelled development set in `benchmarks/data/decoding/` (real captions, speeches, TED talks
and articles; see its SOURCES.md for what the labels mean) and against the bundled samples.

    .venv/bin/python benchmarks/decoding.py [--split dev|heldout|heldout_c|samples] [--verbose] [--only ID ...]
    .venv/bin/python benchmarks/decoding.py --workspace DIR [--provider anthropic|openai] ...

With `--workspace`, the same items are decoded by the provider that workspace's
config/ai_config.yaml routes S05 to (Claude, or an OpenAI-compatible server such as Ollama),
on the transcript condensed as WF1 condenses it; every call is priced, recorded and held to the
workspace's spending limits, and the run prints its cost instead of the rule provider's timing.
An account or budget failure stops the run with one line; an entry whose answer fails is scored
as a miss on every field.

Per split it prints the figures below. `dev` (84 items) is everything the rules were tuned on or
whose output was read; `heldout` (set B, 14 items, labelled blind) and `heldout_c` (set C, labelled blind
from channels and sites the dev set does not hold) are scored with the rules frozen and never tuned on
(see SOURCES.md for the history of each):

- hook span found: the produced hook holds >= 60 % of the labelled hook's words and starts at
  the hook (at most 5 words before it: a greeting or a channel intro in front is a miss);
- hook pattern right: the produced pattern is the labelled one or a labelled alternative
  (strict: the labelled one only);
- open loop presence: precision, recall and F1 of "this piece has an open loop";
- pay-off located: of the pieces where both the labels and the rules have a loop, the share
  where the reported loop is a labelled one and its reported resolution is one of that loop's
  labelled pay-offs (or both say "not resolved");
- perspective holds the claim: the perspective holds two thirds of the key words of one of the
  labelled claim-word sets;
- junk tags: tags matching none of the labelled tags (`tags` and the later-widened `tags_also`;
  plural and singular fold), and repeats.

Beside these all-answer figures (every field answered, sure or not, as the rules did before they
said "unsure"), it prints per field the accuracy of the answers the rules assert (confidence at
or above the field's threshold, `text/confidence.py`), the coverage (share of items where the
field is asserted), the junk-tag rate of the tags kept and the share of items with two tags or
more. `--calibrate` prints, per field and evidence band, how many dev answers fall in it and how
many are right: the confidences in `text/confidence.py` are these shares. It also splits each band, and
the asserted answers, by source group (the item id's prefix: 3b1b, crashcourse, wizardtim, ted, speech,
article): held-out items come from channels the dev set does not hold, so a band must hold on each
group where it fires, not only on the sum (`GROUP_MIN` answers or more, at least the field's target).

Then the CPU time the rule provider takes per entry on a 20-minute transcript (the first 20
minutes of each longer video, best of ten runs: this machine is a shared VM whose speed varies
from run to run by up to 1.5x, and the best run is the one least disturbed).
Last line (machine-readable): field=value pairs for the held-out set and the timing.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from young_production.ai.base import AIProvider
from young_production.ai.router import PROVIDERS, ProviderPlan
from young_production.ai.rules import RuleProvider
from young_production.config import AIConfig, Workspace
from young_production.errors import AccountError, AIError, BudgetExceeded, ConfigError, TransientError, WorkspaceError
from young_production.runtime import open_provider
from young_production.media.web import extract_article
from young_production.records import SourceType, TranscriptSource
from young_production.tools.sample_server import samples_dir
from young_production.text import answers, loops, perspective, sentences
from young_production.text.confidence import NEVER_ASSERTED
from young_production.skills.dna import rules as dna_rules
from young_production.skills.dna.decode import DNAAnalysisAnswer, dna_request
from young_production.transcript import Segment, Transcript

DATA = Path(__file__).parent / "data" / "decoding"
TARGETS = {"hook_span": 0.95, "hook_pattern": 0.85, "loop_f1": 0.85, "payoff": 0.80, "perspective": 0.80}
JUNK_TARGET = 0.05
SPLITS = {"dev": "Development set (tuned on)", "heldout": "Held-out set B (labelled blind, never tuned on)",
          "heldout_c": "Held-out set C (labelled blind, new channels, never tuned on)"}
BLIND = "heldout"
MS_TARGET = 50.0
LONG_SECONDS = 20 * 60
TIMED_RUNS = 10
HOOK_SLACK_WORDS = 5


@dataclass
class Item:
    id: str
    split: str
    kind: str
    title: str
    transcript: Transcript
    labels: dict
    duration: float | None = None


@dataclass
class Scores:
    hook_span: list[bool] = field(default_factory=list)
    hook_pattern: list[bool] = field(default_factory=list)
    hook_pattern_strict: list[bool] = field(default_factory=list)
    loop_pairs: list[tuple[bool, bool]] = field(default_factory=list)  # (labelled, produced)
    payoff: list[bool] = field(default_factory=list)
    perspective: list[bool] = field(default_factory=list)
    tags: int = 0
    junk: int = 0
    # (asserted, right) per field for the rule provider's confidence; tags the rules keep
    asserted: dict[str, list[tuple[bool, bool]]] = field(default_factory=dict)
    kept_tags: int = 0
    kept_junk: int = 0
    two_tags: list[bool] = field(default_factory=list)
    bands: dict[tuple[str, str], list[tuple[str, bool]]] = field(default_factory=dict)  # (group, right)
    asserted_by_group: dict[tuple[str, str], list[tuple[bool, bool]]] = field(default_factory=dict)
    unsure_fields: list[int] = field(default_factory=list)  # per item, how many fields the rules left unsure


# --- loading -------------------------------------------------------------------------------


def load_items(folder: Path = DATA) -> list[Item]:
    items = []
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if "segments" in raw:
            segments = [Segment(text, start, end) for start, end, text in raw["segments"]]
            transcript = Transcript(TranscriptSource.CAPTIONS, segments)
            duration = segments[-1].end if segments else None
        else:
            transcript = _article(raw["text"])
            duration = None
        items.append(Item(raw["id"], raw["split"], raw["kind"], raw["title"], transcript, raw["labels"], duration))
    return items


def _article(text: str) -> Transcript:
    """Text as WF1 reads an article: one segment per non-empty line."""
    return Transcript(TranscriptSource.ARTICLE, [Segment(line.strip()) for line in text.splitlines() if line.strip()])


def load_samples() -> list[Item]:
    """The bundled samples, read the way WF1 reads them (the speech and the card from their scripts)."""
    labels = json.loads((DATA / "samples" / "labels.json").read_text(encoding="utf-8"))
    root = samples_dir()
    items = []
    for sample_id, spec in labels.items():
        if spec["source"] == "vtt":
            transcript = Transcript(TranscriptSource.CAPTIONS, _vtt((root / spec["path"]).read_text(encoding="utf-8")))
        elif spec["source"] == "html":
            article = extract_article((root / spec["path"]).read_text(encoding="utf-8"), "http://127.0.0.1/")
            transcript = _article(article.text)
        else:
            transcript = _article(spec["text"])
        items.append(Item(sample_id, "samples", spec["source"], spec["title"], transcript, spec["labels"]))
    return items


def _vtt(text: str) -> list[Segment]:
    segments = []
    for block in re.split(r"\n\s*\n", text):
        match = re.search(r"(\d+):(\d+):(\d+\.\d+) --> (\d+):(\d+):(\d+\.\d+)\n(.+)", block, re.S)
        if match:
            h1, m1, s1, h2, m2, s2, cue = match.groups()
            segments.append(Segment(" ".join(cue.split()), int(h1) * 3600 + int(m1) * 60 + float(s1),
                                    int(h2) * 3600 + int(m2) * 60 + float(s2)))
    return segments


# --- decoding ------------------------------------------------------------------------------


DEFAULT_TOKEN_BUDGET = AIConfig().condense_token_budget


def request_for(item: Item, token_budget: int = DEFAULT_TOKEN_BUDGET):  # noqa: ANN201
    source = SourceType.ARTICLE if item.kind == "article" else SourceType.YOUTUBE_VIDEO
    return dna_request(item.transcript, title=item.title, source_type=source, token_budget=token_budget,
                       workflow="benchmark", entry_id=item.id)


def decode(item: Item, provider: AIProvider, token_budget: int = DEFAULT_TOKEN_BUDGET
           ) -> tuple[DNAAnalysisAnswer, float, float]:
    """WF1's combined analysis by `provider`, the CPU seconds it took and what it cost in USD (0 for the rules).

    CPU time, not wall time: the figure should not depend on what else the machine is doing.
    """
    started = time.process_time()
    answer = provider.complete(request_for(item, token_budget), DNAAnalysisAnswer)
    return answer.value, time.process_time() - started, answer.usage.cost_usd


@dataclass
class RulesView:
    """The rules' answer to every field (sure or not), today's tags, and each field's evidence band."""

    everything: DNAAnalysisAnswer
    tags_today: list[str]
    bands: dict[str, str]


def rules_view(item: Item) -> RulesView:
    material = dna_rules.Material.from_request(request_for(item))
    everything = DNAAnalysisAnswer.model_validate(dna_rules.decode_everything(material))
    return RulesView(everything, material.tags, {name: j.band for name, j in material.judged.items()})


def twenty_minutes_ms(item: Item, provider: AIProvider) -> float:
    """CPU milliseconds for the first 20 minutes of a long transcript (best of TIMED_RUNS, each from cold)."""
    cut = [s for s in item.transcript.segments if s.start is not None and s.start < LONG_SECONDS]
    first = Item(item.id, item.split, item.kind, item.title, Transcript(item.transcript.source, cut), item.labels)
    runs = []
    for _ in range(TIMED_RUNS):
        forget_transcripts()
        runs.append(decode(first, provider)[1])
    return min(runs) * 1000


def forget_transcripts() -> None:
    """Empty the per-transcript memos (sentences, loops, sentence scores), so a timed run starts cold.

    Within one entry they are shared on purpose (condensing and the answers read the same
    transcript); across runs of the same transcript they would time a cache lookup.
    """
    for memo in (sentences._split, perspective._scores, loops._find_loops, answers._answer_cues):
        memo.cache_clear()


# --- scoring -------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower().replace("’", "'").replace("‘", "'"))


def overlap(part: str, whole: str | None) -> float:
    """Share of `part`'s words (as a multiset) found in `whole`."""
    want, have = Counter(tokens(part)), Counter(tokens(whole))
    return sum((want & have).values()) / max(sum(want.values()), 1)


def hook_span_found(labelled: str, produced: str) -> bool:
    if overlap(labelled, produced) < 0.6:
        return False
    head, words = tokens(labelled)[:3], tokens(produced)
    starts = [i for i in range(len(words) - len(head) + 1) if words[i : i + len(head)] == head]
    if starts:
        return starts[0] <= HOOK_SLACK_WORDS
    return overlap(produced, labelled) >= 0.5  # begins inside the hook


def passage_matches(labelled: str, produced: str | None) -> bool:
    """A produced excerpt (maybe cut to ~30 words) matches a labelled passage (maybe longer)."""
    if not produced:
        return False
    want, have = Counter(tokens(labelled)), Counter(tokens(produced))
    shared = sum((want & have).values())
    return shared / max(min(sum(want.values()), sum(have.values())), 1) >= 0.6


def payoff_located(loops: list[dict], answer: DNAAnalysisAnswer) -> bool:
    for loop in loops:
        if not passage_matches(loop["opens"], answer.open_loop):
            continue
        if loop["pays_off"] is None:
            if answer.resolution is None:
                return True
        elif any(passage_matches(p, answer.resolution) for p in loop["pays_off"]):
            return True
    return False


def holds_claim(claim_sets: list[list[str]], perspective: str) -> bool:
    text = " ".join(tokens(perspective))
    words = text.split()
    for claim in claim_sets:
        found = sum(
            (f" {' '.join(tokens(w))}" in f" {text}") if " " in w.strip() else any(t.startswith(w.lower()) for t in words)
            for w in claim
        )
        if found >= math.ceil(len(claim) * 2 / 3):
            return True
    return False


def lemma(word: str) -> str:
    """A plural fold for comparing tags: "stories" -> "story", "cells" -> "cell", "glasses" -> "glass"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tag_key(tag: str) -> tuple[str, ...]:
    return tuple(lemma(w.removesuffix("'s")) for w in tokens(tag))


def junk_tags(labelled: list[str], produced: list[str]) -> list[str]:
    """Produced tags that match no labelled tag, plus repeats of one already produced."""
    good = [tag_key(t) for t in labelled]
    seen: set[tuple[str, ...]] = set()
    junk = []
    for tag in produced:
        key = tag_key(tag)
        matches = any(key == g or (key and set(key) <= set(g)) or (g and set(g) <= set(key) and len(key) <= 3)
                      for g in good)
        if not matches or key in seen:
            junk.append(tag)
        seen.add(key)
    return junk


def score(item: Item, answer: DNAAnalysisAnswer, scores: Scores, verbose: bool, view: RulesView | None = None
          ) -> None:
    """Score the all-answer figures on `answer`; with the rules' `view`, the answer is the rules' full one
    and the asserted-answer figures are scored too."""
    lab = item.labels
    kept = answer.niche_tags
    if view is not None:
        answer = view.everything.model_copy(update={"niche_tags": view.tags_today})
    span = hook_span_found(lab["hook"], answer.hook)
    patterns = {lab["hook_pattern"], *lab["hook_pattern_also"]}
    pattern_ok = answer.hook_pattern.value in patterns
    scores.hook_span.append(span)
    scores.hook_pattern.append(pattern_ok)
    scores.hook_pattern_strict.append(answer.hook_pattern.value == lab["hook_pattern"])
    labelled_loop, produced_loop = bool(lab["loops"]), answer.open_loop is not None
    scores.loop_pairs.append((labelled_loop, produced_loop))
    located = None
    if labelled_loop and produced_loop:
        located = payoff_located(lab["loops"], answer)
        scores.payoff.append(located)
    claim = holds_claim(lab["claim_words"], answer.perspective)
    scores.perspective.append(claim)
    junk = junk_tags([*lab["tags"], *lab.get("tags_also", [])], answer.niche_tags)
    scores.tags += len(answer.niche_tags)
    scores.junk += len(junk)
    unsure = set(view.everything.unsure if view else answer.unsure)
    loop_right = labelled_loop == produced_loop and located is not False
    for name, asserted, right in (
        ("hook", "hook" not in unsure, span),
        ("hook_pattern", "hook_pattern" not in unsure, pattern_ok),
        ("loop", not unsure & {"open_loop", "payoff"}, loop_right),
        ("perspective", "perspective" not in unsure, claim),
    ):
        scores.asserted.setdefault(name, []).append((asserted, right))
        scores.asserted_by_group.setdefault((name, group(item.id)), []).append((asserted, right))
    if view is not None:
        scores.unsure_fields.append(len(view.everything.unsure))
        for name, band in view.bands.items():
            right = {"hook": span, "hook_pattern": pattern_ok, "open_loop": loop_right, "payoff": loop_right,
                     "perspective": claim}[name]
            scores.bands.setdefault((name, band), []).append((group(item.id), right))
    kept_junk = junk_tags([*lab["tags"], *lab.get("tags_also", [])], kept)
    scores.kept_tags += len(kept)
    scores.kept_junk += len(kept_junk)
    scores.two_tags.append(len(kept) >= 2)
    if verbose:
        mark = lambda ok: "ok " if ok else "MISS"  # noqa: E731
        print(f"\n== {item.id} [{item.split}]")
        print(f"  hook {mark(span)} {answer.hook!r}")
        print(f"  pattern {mark(pattern_ok)} {answer.hook_pattern.value} (labelled {lab['hook_pattern']})")
        loop_ok = labelled_loop == produced_loop and located is not False
        print(f"  loop {mark(loop_ok)} {answer.open_loop!r} -> {answer.resolution!r}"
              f" (labelled: {'yes' if labelled_loop else 'none'})")
        print(f"  perspective {mark(claim)} {answer.perspective!r}")
        print(f"  tags {answer.niche_tags} junk={junk}; kept {kept} junk={kept_junk}")
        print(f"  unsure {sorted(unsure)}")


def score_failure(item: Item, scores: Scores) -> None:
    """An entry the provider could not answer: a miss on every field (a produced loop is assumed absent)."""
    scores.hook_span.append(False)
    scores.hook_pattern.append(False)
    scores.hook_pattern_strict.append(False)
    scores.loop_pairs.append((bool(item.labels["loops"]), False))
    scores.perspective.append(False)


def share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


def loop_f1(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float]:
    tp = sum(1 for lab, prod in pairs if lab and prod)
    fp = sum(1 for lab, prod in pairs if prod and not lab)
    fn = sum(1 for lab, prod in pairs if lab and not prod)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def figures(scores: Scores) -> dict[str, float]:
    precision, recall, f1 = loop_f1(scores.loop_pairs)
    return {
        "hook_span": share(scores.hook_span),
        "hook_pattern": share(scores.hook_pattern),
        "hook_pattern_strict": share(scores.hook_pattern_strict),
        "loop_precision": precision,
        "loop_recall": recall,
        "loop_f1": f1,
        "payoff": share(scores.payoff),
        "perspective": share(scores.perspective),
        "junk_tags": scores.junk / scores.tags if scores.tags else 0.0,
        "tags_per_item": scores.tags / max(len(scores.hook_span), 1),
    }


def report(name: str, scores: Scores) -> dict[str, float]:
    f = figures(scores)
    n = len(scores.hook_span)

    def line(label: str, key: str, detail: str = "") -> None:
        target = TARGETS.get(key)
        verdict = "" if target is None else ("  met" if f[key] >= target else f"  below target {target:.0%}")
        print(f"  {label:<28}{f[key]:>7.0%}{detail}{verdict}")

    print(f"\n{name}: {n} items")
    line("hook span found", "hook_span")
    line("hook pattern right", "hook_pattern", f"   (strict {f['hook_pattern_strict']:.0%})")
    line("open loop presence F1", "loop_f1", f"   (precision {f['loop_precision']:.0%}, recall {f['loop_recall']:.0%})")
    line("pay-off located", "payoff", f"   (of {len(scores.payoff)} loops found)")
    line("perspective holds claim", "perspective")
    verdict = "  met" if f["junk_tags"] <= JUNK_TARGET else f"  above target {JUNK_TARGET:.0%}"
    print(f"  {'junk tags':<28}{f['junk_tags']:>7.0%}   ({scores.junk} of {scores.tags},"
          f" {f['tags_per_item']:.1f} per item){verdict}")
    if scores.asserted:
        report_asserted(scores, f)
    return f


ASSERTED_TARGETS = {"hook_pattern": (0.85, 0.50), "loop": (0.85, 0.60), "perspective": (0.85, 0.50)}
ASSERTED_LABELS = {"hook": "hook span", "hook_pattern": "hook pattern", "loop": "open loop and pay-off",
                   "perspective": "perspective"}
TWO_TAGS_TARGET = 0.80


def report_asserted(scores: Scores, f: dict[str, float]) -> None:
    """Per field: accuracy of what is asserted, coverage, and the all-answer accuracy beside them."""
    print(f"  {'asserted only':<28}{'right':>7}  {'coverage':>8}  {'all-answer':>10}")
    for name, label in ASSERTED_LABELS.items():
        pairs = scores.asserted.get(name, [])
        said = [right for asserted, right in pairs if asserted]
        right, coverage, everything = share(said), len(said) / max(len(pairs), 1), share([r for _, r in pairs])
        target = ASSERTED_TARGETS.get(name)
        verdict = "" if target is None else (
            "  met" if (said and right >= target[0] and coverage >= target[1])
            else f"  below target {target[0]:.0%} right on {target[1]:.0%}")
        shown = f"{right:>7.0%}" if said else f"{'-':>7}"
        print(f"  {label:<28}{shown}  {coverage:>8.0%}  {everything:>10.0%}   ({sum(said)} of {len(said)}){verdict}")
        f[f"asserted_{name}"], f[f"coverage_{name}"] = right, coverage
    junk = scores.kept_junk / scores.kept_tags if scores.kept_tags else 0.0
    two = share(scores.two_tags)
    ok = junk <= JUNK_TARGET and two >= TWO_TAGS_TARGET
    print(f"  {'junk tags kept':<28}{junk:>7.0%}   ({scores.kept_junk} of {scores.kept_tags}; two tags or more on"
          f" {two:.0%} of items){'  met' if ok else '  below target'}")
    f["kept_junk_tags"], f["two_tags"] = junk, two


def group(item_id: str) -> str:
    """An item's source group: its id's prefix ("3b1b", "crashcourse", "wizardtim", "ted", "speech", "article")."""
    return item_id.split("-", 1)[0]


GROUP_MIN = 3  # answers in a group before its share is held against the band


def by_group(pairs: list[tuple[str, bool]]) -> str:
    """"3b1b 11/12, article 8/8"; a group where the share is under 85 % on GROUP_MIN answers or more is starred."""
    groups: dict[str, list[bool]] = {}
    for name, right in pairs:
        groups.setdefault(name, []).append(right)
    return ", ".join(f"{name} {sum(r)}/{len(r)}{'*' if len(r) >= GROUP_MIN and share(r) < 0.85 else ''}"
                     for name, r in sorted(groups.items()))


def report_bands(scores: Scores) -> None:
    """Calibration: per field and evidence band, how many answers fall in it, the share right, and per group."""
    counts = scores.unsure_fields
    print(f"\nEntries with an unsure field (what a cascade sends to a model): {sum(1 for u in counts if u)} of"
          f" {len(counts)}, {sum(counts)} fields")
    print("\nCalibration (dev): field, evidence band, answers, right, per group (* under 85 % on 3 or more)")
    for (name, band), pairs in sorted(scores.bands.items()):
        print(f"  {name:<14}{band:<34}{len(pairs):>4}  {share([r for _, r in pairs]):>5.0%}   {by_group(pairs)}")
    print("\nAsserted answers per group: right of asserted, of items")
    for name, label in ASSERTED_LABELS.items():
        cells = []
        for (field_name, source), pairs in sorted(scores.asserted_by_group.items()):
            if field_name == name:
                said = [right for asserted, right in pairs if asserted]
                low = len(said) >= GROUP_MIN and share(said) < 0.85
                cells.append(f"{source} {sum(said)}/{len(said)} of {len(pairs)}{'*' if low else ''}")
        print(f"  {label:<24}{', '.join(cells)}")
    leave_one_group_out(scores)


LOGO_FIELDS = {"hook_pattern": "hook pattern", "open_loop": "open loop and pay-off", "perspective": "perspective"}


def holds(pairs: list[tuple[str, bool]]) -> bool:
    """A band that may be asserted: 85 % right on the sum, and on each group with GROUP_MIN answers or more."""
    groups: dict[str, list[bool]] = {}
    for name, right in pairs:
        groups.setdefault(name, []).append(right)
    return share([r for _, r in pairs]) >= 0.85 and all(len(r) < GROUP_MIN or share(r) >= 0.85
                                                        for r in groups.values())


def leave_one_group_out(scores: Scores) -> None:
    """Each group scored with the bands chosen on the other groups alone: how the bands fare on a new channel."""
    print("\nLeave one group out: bands chosen on the other groups, scored on the group left out")
    for name, label in LOGO_FIELDS.items():
        bands = {band: pairs for (field_name, band), pairs in scores.bands.items()
                 if field_name == name and (field_name, band) not in NEVER_ASSERTED}
        items = [g for pairs in (p for (f, _), p in scores.bands.items() if f == name) for g, _ in pairs]
        said: dict[str, list[bool]] = {}
        for left_out in sorted(set(items)):
            kept = [band for band, pairs in bands.items() if holds([p for p in pairs if p[0] != left_out])]
            said[left_out] = [r for band in kept for g, r in bands[band] if g == left_out]
        everything = [r for rights in said.values() for r in rights]
        cells = ", ".join(f"{g} {sum(r)}/{len(r)} of {items.count(g)}" for g, r in said.items())
        right = f"{share(everything):>5.0%}" if everything else f"{'-':>5}"
        print(f"  {label:<24}{right} right on {len(everything) / max(len(items), 1):.0%}   ({cells})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every item's answer and misses")
    parser.add_argument("--only", nargs="*", help="item ids to score")
    parser.add_argument("--split", choices=[*SPLITS, "samples"],
                        help="report (and with --verbose print the answers of) one split only")
    parser.add_argument("--workspace", type=Path,
                        help="decode with the provider this workspace's ai_config.yaml selects, not the rules")
    parser.add_argument("--provider", choices=PROVIDERS, help="with --workspace: this provider for every skill")
    parser.add_argument("--calibrate", action="store_true",
                        help="print the dev split's accuracy per evidence band (implies --split dev)")
    args = parser.parse_args()
    if args.calibrate:
        args.split = "dev"
    if args.provider and not args.workspace:
        parser.error("--provider needs --workspace (its ai_config.yaml holds the keys, models, prices and limits)")
    try:
        decoder = chosen_decoder(args.workspace, args.provider)
    except (ConfigError, WorkspaceError, AccountError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    provider = decoder.provider
    timed = decoder.name == "rules"  # the 50 ms budget is the rule provider's
    items = load_items()
    samples = load_samples()
    by_split: dict[str, Scores] = {name: Scores() for name in [*SPLITS, "samples"]}
    long_ms: list[float] = []
    failed: list[str] = []
    cost_usd = 0.0
    started = time.monotonic()
    wanted = [item for item in [*items, *samples] if (not args.only or item.id in args.only)
              and args.split in (None, item.split)]  # what is not reported is not decoded (held-out stays unread)
    for done, item in enumerate(wanted):
        try:
            answer, _, cost = decode(item, provider, decoder.token_budget)  # the first call warms imports
        except (AccountError, BudgetExceeded) as exc:  # the account or the limit: stop, not a miss per entry
            print(f"error: {exc} (stopped after {done} of {len(wanted)} items)", file=sys.stderr)
            return 2
        except (AIError, TransientError) as exc:
            failed.append(item.id)
            print(f"{item.id}: no answer, scored as a miss: {exc}", file=sys.stderr)
            score_failure(item, by_split[item.split])
            continue
        cost_usd += cost
        if timed and item.duration and item.duration >= LONG_SECONDS:
            long_ms.append(twenty_minutes_ms(item, provider))
        verbose = args.verbose and (args.split is None or args.split == item.split)
        score(item, answer, by_split[item.split], verbose, rules_view(item) if timed else None)
    shown = [(n, t) for n, t in [*SPLITS.items(), ("samples", "Bundled samples")] if args.split in (None, n)]
    results = {name: report(title, by_split[name]) for name, title in shown}  # --split dev: tune without peeking
    if args.calibrate:
        report_bands(by_split["dev"])
    everything = Scores()
    for part in SPLITS:
        s = by_split[part]
        everything.hook_span += s.hook_span
        everything.hook_pattern += s.hook_pattern
        everything.hook_pattern_strict += s.hook_pattern_strict
        everything.loop_pairs += s.loop_pairs
        everything.payoff += s.payoff
        everything.perspective += s.perspective
        everything.tags += s.tags
        everything.junk += s.junk
        for name, pairs in s.asserted.items():
            everything.asserted.setdefault(name, []).extend(pairs)
        everything.kept_tags += s.kept_tags
        everything.kept_junk += s.kept_junk
        everything.two_tags += s.two_tags
    if args.split is None:
        report(f"All {len(everything.hook_span)} labelled items", everything)
    if failed:
        print(f"\n{len(failed)} of {len(wanted)} items got no answer (scored as misses): {' '.join(failed)}")
    held = results[args.split or BLIND]
    fields = " ".join(f"{k}={held[k]:.3f}" for k in ("hook_span", "hook_pattern", "loop_f1", "payoff", "perspective",
                                                     "junk_tags"))
    if not timed:
        seconds = (time.monotonic() - started) / max(len(wanted), 1)
        print(f"\nProvider {decoder.name}: {len(wanted)} items, ${cost_usd:.4f}"
              f" (${cost_usd / max(len(wanted), 1):.5f} per item), {seconds:.1f} s per item (wall)")
        print(f"{fields} usd={cost_usd:.4f}")
        return 0
    ms = statistics.median(long_ms) if long_ms else float("nan")
    if long_ms:
        verdict = "met" if ms <= MS_TARGET else f"above target {MS_TARGET:.0f} ms"
        print(f"\nSpeed: {ms:.1f} ms CPU per entry (median; worst {max(long_ms):.1f} ms) on {len(long_ms)}"
              f" 20-minute transcripts, {verdict}")
    else:
        print("\nSpeed: not measured (no transcript of 20 minutes or more among the items scored)")
    print(f"{fields} ms_per_20min_entry={ms:.1f}")
    return 0


@dataclass
class Decoder:
    """Who decodes: the rule provider, or the provider a workspace routes S05 to."""

    provider: AIProvider
    name: str  # "rules", or the provider and its model: "anthropic (claude-haiku-4-5)"
    token_budget: int  # WF1's condensing budget for the transcript sent


def chosen_decoder(root: Path | None, override: str | None) -> Decoder:
    if root is None:
        return Decoder(RuleProvider(), "rules", DEFAULT_TOKEN_BUDGET)
    workspace = Workspace(root).require()
    ai = workspace.ai_config()
    route = ProviderPlan(ai, override).route("S05")
    name = route.provider + (f" ({route.model})" if route.model else "")
    return Decoder(open_provider(workspace, override), name, ai.condense_token_budget)


if __name__ == "__main__":
    sys.exit(main())
