"""Real references for the WF3 tests: labelled captions and articles from benchmarks/data/decoding/
(sources and licences in its SOURCES.md), decoded by WF1's rule provider into Viral DNA records."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from young_production.ai.rules import RuleProvider
from young_production.records import DNAStatus, SourceType, TranscriptSource, ViralDNA
from young_production.skills.ai_analysis import analyse_dna
from young_production.transcript import Segment, Transcript

DATA = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "decoding"


@lru_cache(maxsize=None)
def real_dna(item_id: str) -> ViralDNA:
    """The benchmark item `item_id` as WF1 stores it once decoded by the rules."""
    raw = json.loads((DATA / f"{item_id}.json").read_text(encoding="utf-8"))
    if "segments" in raw:
        transcript = Transcript(TranscriptSource.CAPTIONS, [Segment(t, s, e) for s, e, t in raw["segments"]])
        source = SourceType.YOUTUBE_SHORT if raw["segments"][-1][1] < 180 else SourceType.YOUTUBE_VIDEO
    else:
        lines = [line.strip() for line in raw["text"].splitlines() if line.strip()]
        transcript = Transcript(TranscriptSource.ARTICLE, [Segment(line) for line in lines])
        source = SourceType.ARTICLE
    analysis = analyse_dna(RuleProvider(), transcript, title=raw["title"], source_type=source)
    return ViralDNA(
        id=f"dna-{item_id}", title=raw["title"], url=f"https://example.com/{item_id}", source_type=source,
        status=DNAStatus.ENCODED, transcript=transcript.text, perspective=analysis.perspective, hook=analysis.hook,
        hook_pattern=analysis.hook_pattern, open_loop=analysis.open_loop, niche_tags=analysis.niche_tags,
    )
