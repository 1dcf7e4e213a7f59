"""Real references for the WF3 tests: labelled captions and articles from benchmarks/data/decoding/
(sources and licences in its SOURCES.md), decoded by WF1's rule provider into Viral DNA records."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from young_production.ai.rules import RuleProvider
from young_production.records import DNAStatus, SourceType, TranscriptSource, ViralDNA
from young_production.skills.dna.decode import analyse_dna
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
        confidence=analysis.confidence, unsure=analysis.unsure, needs_review=bool(analysis.unsure),
    )


def sample_dna() -> list[ViralDNA]:
    """The demo's bundled references (captioned video, spoken story, article), read and decoded as WF1
    reads them without Whisper: the captions file, the speech's script, the article's extracted text."""
    import re

    from young_production.media.web import extract_article
    from young_production.tools.sample_server import samples_dir

    specs = json.loads((DATA / "samples" / "labels.json").read_text(encoding="utf-8"))
    root = samples_dir()
    found = []
    for sample_id in ("article", "speech", "captioned"):
        spec = specs[sample_id]
        if spec["source"] == "vtt":
            cues = re.findall(r"(\d+):(\d+):(\d+\.\d+) --> (\d+):(\d+):(\d+\.\d+)\n(.+?)(?:\n\n|\Z)",
                              (root / spec["path"]).read_text(encoding="utf-8"), re.S)
            segments = [Segment(" ".join(c[6].split()), int(c[0]) * 3600 + int(c[1]) * 60 + float(c[2]),
                                int(c[3]) * 3600 + int(c[4]) * 60 + float(c[5])) for c in cues]
            transcript, source = Transcript(TranscriptSource.CAPTIONS, segments), SourceType.YOUTUBE_SHORT
        else:
            text = spec.get("text") or extract_article((root / spec["path"]).read_text(encoding="utf-8"),
                                                        "http://127.0.0.1/").text
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            transcript, source = Transcript(TranscriptSource.ARTICLE, [Segment(line) for line in lines]), SourceType.ARTICLE
        analysis = analyse_dna(RuleProvider(), transcript, title=spec["title"], source_type=source)
        found.append(ViralDNA(
            id=f"dna-sample-{sample_id}", title=spec["title"], url=f"http://127.0.0.1/{sample_id}", source_type=source,
            status=DNAStatus.ENCODED, transcript=transcript.text, perspective=analysis.perspective, hook=analysis.hook,
            hook_pattern=analysis.hook_pattern, open_loop=analysis.open_loop, niche_tags=analysis.niche_tags,
        ))
    return found
