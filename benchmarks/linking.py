"""How well S16 ranks Viral DNA for a production: recall@5 and nDCG@5 on labelled real material.

    .venv/bin/python benchmarks/linking.py [--search] [--no-timing]

Data (`benchmarks/data/linking/`, see its SOURCES.md): 182 real TED talks (title,
tags, duration and the opening of the official transcript) and 37 production ideas
for eight channels, each labelled with the talks a person would link. The DNA
fields WF1 fills (perspective, hook, open loop) come from running the rule
analysis (`analyse_dna` with `RuleProvider`) on each excerpt, as WF1 would
without an AI key; niche tags are TED's own topic tags.

Rankings compared: lexical (BM25 alone), semantic (embeddings alone), RRF
(reciprocal rank fusion of those two, k=60) and fused (the shipped weighted sum
of lexical, semantic, niche tags and format). recall@5 is the share of an idea's
relevant talks found in its top five (out of at most five); nDCG@5 uses binary
relevance. Both are printed for the tuning split (28 ideas), the held-out split (9)
and all. `--search` grid-searches the fusion weights on the tuning split only.
Timing: ranking one production against 1,000 DNA (the pool repeated), vectors cached.

The last line is machine-readable:
`fused_ndcg5=X fused_recall5=Y heldout_ndcg5=Z lexical_ndcg5=.. semantic_ndcg5=.. ms_per_production=..`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from young_production.ai.rules import RuleProvider
from young_production.records import Production, SourceType, TranscriptSource, ViralDNA, VideoFormat
from young_production.skills.dna.decode import analyse_dna
from young_production.skills.linking.rank import (
    DEFAULT_WEIGHTS,
    LinkRanker,
    LinkSuggestion,
    LinkWeights,
    embedding_texts,
    fuse,
)
from young_production.skills.linking.semantic import Embedder, EmbeddingCache, text_digest
from young_production.transcript import Segment, Transcript

DATA = Path(__file__).parent / "data" / "linking"
K = 5
RRF_K = 60
TIMING_POOL = 1000

Ranking = Callable[[dict], list[str]]  # a labelled item -> DNA ids, best first


def load_dna() -> list[ViralDNA]:
    provider = RuleProvider()
    entries = []
    for line in (DATA / "references.jsonl").read_text(encoding="utf-8").splitlines():
        ref = json.loads(line)
        transcript = Transcript(TranscriptSource.CAPTIONS, [Segment(ref["excerpt"])])
        source = SourceType(ref["source_type"])
        analysis = analyse_dna(provider, transcript, title=ref["title"], source_type=source)
        entries.append(ViralDNA(
            id=ref["id"], title=ref["title"], url=ref["url"], source_type=source, niche_tags=ref["tags"],
            transcript=ref["excerpt"], perspective=analysis.perspective, hook=analysis.hook,
            hook_pattern=analysis.hook_pattern, open_loop=analysis.open_loop,
            duration_seconds=ref["duration_seconds"],
        ))
    return entries


def load_productions() -> list[dict]:
    return json.loads((DATA / "productions.json").read_text(encoding="utf-8"))


def as_production(item: dict) -> Production:
    return Production(id=item["id"], title=item["title"], notes=item["notes"], format=VideoFormat(item["format"]))


def recall_at(ranked: Sequence[str], relevant: set[str]) -> float:
    return len(set(ranked[:K]) & relevant) / min(len(relevant), K)


def ndcg_at(ranked: Sequence[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, dna_id in enumerate(ranked[:K]) if dna_id in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return dcg / ideal


def evaluate(rank: Ranking, items: list[dict]) -> tuple[float, float]:
    recalls, ndcgs = [], []
    for item in items:
        ranked = rank(item)
        relevant = set(item["relevant"])
        recalls.append(recall_at(ranked, relevant))
        ndcgs.append(ndcg_at(ranked, relevant))
    return sum(recalls) / len(recalls), sum(ndcgs) / len(ndcgs)


def score_parts(ranker: LinkRanker, items: list[dict]) -> dict[str, list[LinkSuggestion]]:
    """Every DNA's score parts for every idea: computed once, then fused under any weights."""
    return {item["id"]: ranker.rank(as_production(item), empire_tags=item["empire_niche"], top_k=None)
            for item in items}


def weighted(table: dict[str, list[LinkSuggestion]], weights: LinkWeights) -> Ranking:
    """The library's ordering (`LinkRanker.rank`) under other weights."""
    def rank(item: dict) -> list[str]:
        scored = [(round(fuse(s.parts, weights), 4), s.dna_title.lower(), s.dna_id) for s in table[item["id"]]]
        return [dna_id for _, _, dna_id in sorted(scored, key=lambda t: (-t[0], t[1], t[2]))]
    return rank


def rrf(table: dict[str, list[LinkSuggestion]]) -> Ranking:
    lexical, semantic = weighted(table, LinkWeights(1, 0, 0, 0)), weighted(table, LinkWeights(0, 1, 0, 0))

    def rank(item: dict) -> list[str]:
        scores: dict[str, float] = {}
        for ranking in (lexical(item), semantic(item)):
            for position, dna_id in enumerate(ranking):
                scores[dna_id] = scores.get(dna_id, 0.0) + 1 / (RRF_K + position + 1)
        return sorted(scores, key=lambda d: -scores[d])
    return rank


def search_weights(table: dict[str, list[LinkSuggestion]], tune: list[dict]) -> LinkWeights:
    best, best_score = DEFAULT_WEIGHTS, -1.0
    grid = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    for lexical, semantic, tags, fmt in itertools.product(grid, grid, [0.0, 0.02, 0.05, 0.1], [0.0, 0.02, 0.05, 0.1]):
        if lexical + semantic == 0:
            continue
        weights = LinkWeights(lexical, semantic, tags, fmt)
        recall, ndcg = evaluate(weighted(table, weights), tune)
        if ndcg + recall > best_score + 1e-9:
            best, best_score = weights, ndcg + recall
            print(f"  search: {weights} -> tuning nDCG@5 {ndcg:.3f} recall@5 {recall:.3f}")
    return best


def timing(dna: list[ViralDNA], embedder: Embedder, items: list[dict]) -> tuple[float, float]:
    """(seconds to index 1,000 DNA whose vectors are cached, milliseconds to rank one production against them)."""
    copies = [dna[i % len(dna)].model_copy(update={"id": f"{dna[i % len(dna)].id}#{i}"}) for i in range(TIMING_POOL)]
    texts = {f"{d.id}|{kind}": text for d in dna for kind, text in embedding_texts(d).items()}
    vectors = dict(zip(texts, embedder.embed(list(texts.values())), strict=True))
    with tempfile.TemporaryDirectory() as folder:
        EmbeddingCache(Path(folder)).put(embedder.model_id, {
            f"{c.id}|{kind}": (text_digest(text), vectors[f"{c.id.split('#')[0]}|{kind}"])
            for c in copies for kind, text in embedding_texts(c).items()
        })
        started = time.perf_counter()
        ranker = LinkRanker(copies, embedder=embedder, cache_dir=Path(folder))
        index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for item in items:
            ranker.rank(as_production(item), empire_tags=item["empire_niche"])
        per_production = (time.perf_counter() - started) / len(items) * 1000
    return index_seconds, per_production


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", action="store_true", help="grid-search fusion weights on the tuning split")
    parser.add_argument("--no-timing", action="store_true", help="skip the 1,000-DNA timing")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    dna = load_dna()
    analysed = time.perf_counter() - started
    items = load_productions()
    splits = {"tune": [i for i in items if i["split"] == "tune"], "heldout": [i for i in items if i["split"] == "heldout"]}
    splits["all"] = items
    shorts = sum(d.source_type is SourceType.YOUTUBE_SHORT for d in dna)
    print(f"{len(dna)} DNA (rule analysis {analysed:.1f} s; {shorts} talks of <= 6 min stand in for Shorts), "
          f"{len(items)} production ideas ({len(splits['tune'])} tuning, {len(splits['heldout'])} held out)")

    embedder = Embedder()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ranker = LinkRanker(dna, embedder=embedder, cache_dir=Path(folder))
        embed_seconds = time.perf_counter() - started
        started = time.perf_counter()
        LinkRanker(dna, embedder=embedder, cache_dir=Path(folder))
        cached_seconds = time.perf_counter() - started
    print(f"indexing {len(dna)} DNA: {embed_seconds:.1f} s with embedding ({embed_seconds / len(dna) * 1000:.0f} ms "
          f"a DNA), {cached_seconds:.2f} s from the embedding cache")

    table = score_parts(ranker, items)
    weights = search_weights(table, splits["tune"]) if args.search else DEFAULT_WEIGHTS
    rankings: dict[str, Ranking] = {
        "lexical": weighted(table, LinkWeights(1, 0, 0, 0)),
        "semantic": weighted(table, LinkWeights(0, 1, 0, 0)),
        "rrf": rrf(table),
        "fused": weighted(table, weights),
    }
    print(f"fused weights: {weights}")
    print(f"{'ranking':10} " + " ".join(f"{name + ' R@5':>13} {name + ' nDCG@5':>15}" for name in splits))
    results: dict[tuple[str, str], tuple[float, float]] = {}
    for name, rank in rankings.items():
        cells = []
        for split, split_items in splits.items():
            recall, ndcg = evaluate(rank, split_items)
            results[(name, split)] = (recall, ndcg)
            cells.append(f"{recall:13.3f} {ndcg:15.3f}")
        print(f"{name:10} " + " ".join(cells))

    ms = float("nan")
    if not args.no_timing:
        index_seconds, ms = timing(dna, embedder, items)
        print(f"{TIMING_POOL} DNA (vectors cached): index {index_seconds:.2f} s, rank {ms:.1f} ms per production")

    fused_recall, fused_ndcg = results[("fused", "all")]
    print(f"fused_ndcg5={fused_ndcg:.3f} fused_recall5={fused_recall:.3f} "
          f"heldout_ndcg5={results[('fused', 'heldout')][1]:.3f} lexical_ndcg5={results[('lexical', 'all')][1]:.3f} "
          f"semantic_ndcg5={results[('semantic', 'all')][1]:.3f} ms_per_production={ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
