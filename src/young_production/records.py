"""Typed records for the four lists a team keeps, and the blocks of a page body.

Every record field declares a *kind* (title, text, url, select, multi_select,
date, number, relation, checkbox). Stores use the kind to decide how a field is
kept and filtered: SQLite maps it to a column, Notion to a property type named in
`config/databases.yaml`. Callers only ever see these models.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

FieldKind = Literal[
    "title", "text", "url", "select", "multi_select", "date", "number", "relation", "checkbox"
]


def kind(field_kind: FieldKind, **kwargs: Any) -> Any:
    """A pydantic Field that records its store kind."""
    return Field(json_schema_extra={"kind": field_kind}, **kwargs)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _confidences(value: Any) -> Any:
    """A confidence map from its stored text (JSON, `{"hook_pattern": 0.82, ...}`); empty text is none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError("not a confidence map (JSON like {\"hook\": 0.9})") from None
    return value


Confidences = Annotated[dict[str, Annotated[float, Field(ge=0, le=1)]], BeforeValidator(_confidences)]
"""Decoded field -> how sure the decoder is (0..1); kept as JSON text by both stores."""

# The decoded fields of a Viral DNA entry that can be unsure, in display order.
DECODED_FIELDS = ("perspective", "hook", "hook_pattern", "open_loop", "payoff", "niche_tags")


class SourceType(str, Enum):
    YOUTUBE_VIDEO = "youtube_video"
    YOUTUBE_SHORT = "youtube_short"
    TIKTOK = "tiktok"
    INSTAGRAM = "instagram"
    X_POST = "x_post"
    ARTICLE = "article"
    MEDIA = "media"  # a direct audio/video file or URL
    IMAGE = "image"
    UNKNOWN = "unknown"


class TranscriptSource(str, Enum):
    CAPTIONS = "captions"
    WHISPER = "whisper"
    OCR = "ocr"
    ARTICLE = "article"
    DESCRIPTION = "description"  # only the post text/description was available


class DNAStatus(str, Enum):
    NEW = "New"
    ENCODED = "Encoded"
    FAILED = "Failed"


class ProductionStatus(str, Enum):
    IDEA = "Idea"
    RESEARCHING = "Researching"
    DNA_MATCHING = "DNA matching"
    SCRIPTING = "Scripting"
    SCRIPTED = "Scripted"
    PUBLISHED = "Published"


class VideoFormat(str, Enum):
    SHORT = "short"
    VIDEO = "video"


class Record(BaseModel):
    """Base of every stored record. `key` is our own idempotency key for creates."""

    model_config = ConfigDict(use_enum_values=False, validate_assignment=True)
    collection: ClassVar[str]

    id: str | None = None
    key: str | None = kind("text", default=None)
    created_at: datetime | None = None

    @classmethod
    def field_kinds(cls) -> dict[str, FieldKind]:
        """The stored fields of this record and their kinds (id excluded)."""
        kinds: dict[str, FieldKind] = {}
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra
            if isinstance(extra, dict) and "kind" in extra:
                kinds[name] = extra["kind"]  # type: ignore[assignment]
        return kinds


class Empire(Record):
    """A channel or brand the team runs. Its page body holds the writing style."""

    collection: ClassVar[str] = "empires"

    name: str = kind("title")
    channel_url: str | None = kind("url", default=None)
    youtube_channel_id: str | None = kind("text", default=None)
    niche_tags: list[str] = kind("multi_select", default_factory=list)
    status: str | None = kind("select", default=None)
    notes: str | None = kind("text", default=None)


class ViralDNA(Record):
    """A viral reference and what WF1 decoded from it."""

    collection: ClassVar[str] = "viral_dna"

    title: str = kind("title")
    url: str | None = kind("url", default=None, description="URL or local file path")
    source_type: SourceType | None = kind("select", default=None)
    niche_tags: list[str] = kind("multi_select", default_factory=list)
    transcript: str | None = kind("text", default=None)
    transcript_source: TranscriptSource | None = kind("select", default=None)
    perspective: str | None = kind("text", default=None)
    hook: str | None = kind("text", default=None)
    hook_pattern: str | None = kind("select", default=None)
    open_loop: str | None = kind("text", default=None)
    # How sure the decoder was of each decoded field, and the fields it left empty as unsure
    # (a model can fill them: `yp run wf1 --unsure`); needs_review is set while any is unsure.
    confidence: Confidences = kind("text", default_factory=dict)
    unsure: list[str] = kind("multi_select", default_factory=list)
    needs_review: bool = kind("checkbox", default=False)
    status: DNAStatus = kind("select", default=DNAStatus.NEW)
    error_reason: str | None = kind("text", default=None)
    processed_at: datetime | None = kind("date", default=None)
    views: float | None = kind("number", default=None)
    duration_seconds: float | None = kind("number", default=None)
    empire_ids: list[str] = kind("relation", default_factory=list)


class Production(Record):
    """One of the team's own videos, from idea to published."""

    collection: ClassVar[str] = "productions"

    title: str = kind("title")
    status: ProductionStatus = kind("select", default=ProductionStatus.IDEA)
    format: VideoFormat = kind("select", default=VideoFormat.VIDEO)
    empire_ids: list[str] = kind("relation", default_factory=list)
    dna_ids: list[str] = kind("relation", default_factory=list)
    notes: str | None = kind("text", default=None)
    youtube_url: str | None = kind("url", default=None)
    video_id: str | None = kind("text", default=None)
    published_at: datetime | None = kind("date", default=None)
    duration_seconds: float | None = kind("number", default=None)
    views: float | None = kind("number", default=None)
    likes: float | None = kind("number", default=None)
    comments: float | None = kind("number", default=None)
    outlier_score: float | None = kind("number", default=None)
    outlier_basis: str | None = kind("text", default=None)  # sample size, interval, or "too early"


class Report(Record):
    """An Empire review or prospecting report; the findings live in the page body."""

    collection: ClassVar[str] = "reports"

    title: str = kind("title")
    empire_ids: list[str] = kind("relation", default_factory=list)
    workflow: str | None = kind("select", default=None)
    period: str | None = kind("text", default=None)
    summary: str | None = kind("text", default=None)


RECORD_TYPES: dict[str, type[Record]] = {
    cls.collection: cls for cls in (Empire, ViralDNA, Production, Report)
}


BlockType = Literal[
    "heading_1",
    "heading_2",
    "heading_3",
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "quote",
    "toggle",
    "divider",
    "code",
    "image",
]


class Block(BaseModel):
    """One block of a page body, shaped like Notion's (type, plain text, children).

    An image block's `text` says where the image is: an https URL, `file_upload:<id>`
    (a file uploaded to Notion), or a path relative to the workspace (see `image`).
    """

    type: BlockType
    text: str = ""
    children: list[Block] = Field(default_factory=list)

    def plain_text(self, depth: int = 0) -> str:
        """The block and its children as indented plain text (for prompts and display)."""
        prefix = {"bulleted_list_item": "- ", "numbered_list_item": "1. ", "quote": "> ", "image": "image: "}.get(
            self.type, ""
        )
        lines = [("  " * depth) + prefix + self.text] if self.type != "divider" else ["---"]
        for child in self.children:
            lines.append(child.plain_text(depth + 1))
        return "\n".join(lines)


def body_text(blocks: list[Block]) -> str:
    return "\n".join(b.plain_text() for b in blocks)


def heading(text: str, level: int = 2) -> Block:
    return Block(type=f"heading_{level}", text=text)  # type: ignore[arg-type]


def paragraph(text: str) -> Block:
    return Block(type="paragraph", text=text)


def bullet(text: str, children: list[Block] | None = None) -> Block:
    return Block(type="bulleted_list_item", text=text, children=children or [])


def image(location: str) -> Block:
    """An image: an https URL, `file_upload:<id>` on Notion, or a workspace-relative path."""
    return Block(type="image", text=location)
