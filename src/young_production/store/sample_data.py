"""A small, realistic set of records for trying things out (`yp db sample`).

Two Empires with writing-style page bodies (headings, nested bullets, a toggle, a quote),
six Viral DNA references of different source types (three already encoded, one failed,
two waiting for WF1) and four Productions linked to both. Every record has a fixed `key`,
so loading twice creates nothing new. Only the Store interface is used, so the same set
loads into Notion.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..records import (
    Block,
    DNAStatus,
    Empire,
    Production,
    ProductionStatus,
    Record,
    SourceType,
    TranscriptSource,
    VideoFormat,
    ViralDNA,
    bullet,
    heading,
    paragraph,
)
from .base import Store


def _toggle(text: str, children: list[Block]) -> Block:
    return Block(type="toggle", text=text, children=children)


def _money_lab_style() -> list[Block]:
    return [
        heading("Writing style", 1),
        paragraph("Plain talk about money for people in their twenties. One idea per video."),
        heading("Voice"),
        bullet(
            "Second person, present tense",
            [
                bullet("Say 'you', never 'one' or 'people'"),
                bullet("Short sentences; no jargon without a translation"),
            ],
        ),
        bullet("Numbers over adjectives", [bullet("'$312 a year', not 'a lot of money'")]),
        heading("Structure"),
        Block(type="numbered_list_item", text="Hook with the result first"),
        Block(type="numbered_list_item", text="Open a loop the viewer needs closed"),
        Block(type="numbered_list_item", text="Three steps, then the payoff"),
        _toggle(
            "Words we avoid",
            [
                paragraph("hack, guru, passive income, financial freedom"),
                bullet("Say 'habit' instead of 'hack'"),
            ],
        ),
        Block(type="quote", text="If a fifteen-year-old can't follow it, rewrite it."),
    ]


def _deep_build_style() -> list[Block]:
    return [
        heading("Writing style", 1),
        paragraph(
            "Engineering explainers: how everyday things are built, told as a detective story."
        ),
        heading("Voice"),
        bullet(
            "Curious, never smug",
            [bullet("Admit what surprised us"), bullet("Credit the engineers by name when we can")],
        ),
        bullet("Concrete before abstract", [bullet("Show the part, then explain the principle")]),
        _toggle(
            "Checklist before recording",
            [
                bullet("One diagram per minute at most"),
                bullet("Every claim has a source in the notes"),
            ],
        ),
        Block(type="divider"),
        paragraph(
            "Long videos run 12-18 minutes; Shorts cut one surprising fact from a long video."
        ),
    ]


def _empires() -> list[tuple[Empire, list[Block]]]:
    return [
        (
            Empire(
                key="sample:empire:money-lab",
                name="Money Lab",
                channel_url="https://www.youtube.com/@moneylab-sample",
                youtube_channel_id="UCsampleMoneyLab000001",
                niche_tags=["personal finance", "budgeting"],
                status="Active",
                notes="Sample Empire: Shorts and 8-minute explainers.",
            ),
            _money_lab_style(),
        ),
        (
            Empire(
                key="sample:empire:deep-build",
                name="Deep Build",
                channel_url="https://www.youtube.com/@deepbuild-sample",
                youtube_channel_id="UCsampleDeepBuild00002",
                niche_tags=["engineering", "explainers"],
                status="Active",
                notes="Sample Empire: long-form engineering stories.",
            ),
            _deep_build_style(),
        ),
    ]


def _encoded(**fields: object) -> dict[str, object]:
    return {
        "status": DNAStatus.ENCODED,
        "processed_at": datetime(2025, 11, 3, 9, 30, tzinfo=timezone.utc),
        **fields,
    }


def _viral_dna(money_lab: str, deep_build: str) -> list[ViralDNA]:
    return [
        ViralDNA(
            key="sample:dna:latte-factor",
            title="I tracked every coffee for a year",
            url="https://www.youtube.com/watch?v=sampleLatte1",
            source_type=SourceType.YOUTUBE_VIDEO,
            niche_tags=["personal finance", "habits"],
            views=1_840_000,
            empire_ids=[money_lab],
            **_encoded(
                transcript="I spent $1,412 on coffee last year. Here is what I did next.",
                transcript_source=TranscriptSource.CAPTIONS,
                perspective="Small daily spending only matters once you can see the yearly total.",
                hook="I spent $1,412 on coffee last year.",
                hook_pattern="result_first",
                open_loop="By the end you'll see the one line in my sheet that changed everything.",
            ),
        ),
        ViralDNA(
            key="sample:dna:50-30-20",
            title="The 50/30/20 rule is broken",
            url="https://www.youtube.com/shorts/sample50302",
            source_type=SourceType.YOUTUBE_SHORT,
            niche_tags=["budgeting"],
            views=3_200_000,
            empire_ids=[money_lab],
            **_encoded(
                transcript="Why does everyone use the 50/30/20 rule? Rent eats half now.",
                transcript_source=TranscriptSource.WHISPER,
                perspective="Budget rules from the 2000s fail because housing costs doubled.",
                hook="Why does everyone still use the 50/30/20 rule?",
                hook_pattern="question",
                open_loop="What replaces it comes at the end.",
            ),
        ),
        ViralDNA(
            key="sample:dna:bridge-article",
            title="Why this bridge sways on purpose",
            url="https://example.org/engineering/why-this-bridge-sways",
            source_type=SourceType.ARTICLE,
            niche_tags=["engineering", "bridges"],
            empire_ids=[deep_build],
            **_encoded(
                transcript="Engineers designed the bridge to move up to a metre in high wind...",
                transcript_source=TranscriptSource.ARTICLE,
                perspective="Flexible structures survive forces that rigid ones cannot.",
                hook="This bridge moves a metre in the wind, and that's the point.",
                hook_pattern="bold_claim",
            ),
        ),
        ViralDNA(
            key="sample:dna:tiktok-rent",
            title="3 things landlords won't tell you",
            url="https://www.tiktok.com/@sample/video/7300000000000000001",
            source_type=SourceType.TIKTOK,
            niche_tags=["renting"],
            views=540_000,
        ),
        ViralDNA(
            key="sample:dna:infographic",
            title="Where a $5 coffee's money goes (infographic)",
            url="https://example.org/images/coffee-cost-breakdown.png",
            source_type=SourceType.IMAGE,
            niche_tags=["personal finance"],
        ),
        ViralDNA(
            key="sample:dna:x-thread",
            title="Thread: the elevator that saved a skyscraper",
            url="https://x.com/sample/status/1800000000000000001",
            source_type=SourceType.X_POST,
            niche_tags=["engineering"],
            status=DNAStatus.FAILED,
            error_reason="the post is private or was deleted",
            processed_at=datetime(2025, 11, 3, 9, 31, tzinfo=timezone.utc),
        ),
    ]


def _productions(money_lab: str, deep_build: str, dna: dict[str, str]) -> list[Production]:
    return [
        Production(
            key="sample:production:coffee-year",
            title="What a year of coffee really costs you",
            status=ProductionStatus.PUBLISHED,
            format=VideoFormat.VIDEO,
            empire_ids=[money_lab],
            dna_ids=[dna["sample:dna:latte-factor"]],
            youtube_url="https://www.youtube.com/watch?v=sampleProd01",
            published_at=datetime(2025, 10, 14, 16, 0, tzinfo=timezone.utc),
            views=86_000,
            outlier_score=2.4,
        ),
        Production(
            key="sample:production:new-budget-rule",
            title="The budget rule that replaces 50/30/20",
            status=ProductionStatus.SCRIPTING,
            format=VideoFormat.SHORT,
            empire_ids=[money_lab],
            dna_ids=[dna["sample:dna:50-30-20"], dna["sample:dna:tiktok-rent"]],
        ),
        Production(
            key="sample:production:swaying-bridge",
            title="The bridge that is supposed to move",
            status=ProductionStatus.DNA_MATCHING,
            format=VideoFormat.VIDEO,
            empire_ids=[deep_build],
            dna_ids=[dna["sample:dna:bridge-article"]],
        ),
        Production(
            key="sample:production:elevator-idea",
            title="How elevators made skyscrapers possible",
            status=ProductionStatus.IDEA,
            format=VideoFormat.VIDEO,
            empire_ids=[deep_build],
        ),
    ]


def load_sample_data(store: Store) -> dict[str, int]:
    """Create the sample records that are missing; returns how many were created per collection.

    A second call returns zeros and changes nothing.
    """
    created = {Empire.collection: 0, ViralDNA.collection: 0, Production.collection: 0}

    def ensure(record: Record, body: list[Block] | None = None) -> str:
        existing = store.find_by_key(type(record), str(record.key))
        if existing is not None:
            return str(existing.id)
        created[record.collection] += 1
        return str(store.create(record, body or ()).id)

    money_lab, deep_build = (ensure(empire, body) for empire, body in _empires())
    dna = {str(entry.key): ensure(entry) for entry in _viral_dna(money_lab, deep_build)}
    for production in _productions(money_lab, deep_build, dna):
        ensure(production)
    return created
