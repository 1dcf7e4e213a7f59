"""S18: fetch what a Viral DNA entry points at (metadata, captions, audio, image, article text)."""

from __future__ import annotations

from pathlib import Path

from ..config import PipelineConfig
from ..media.scrape import ScrapedContent, scrape
from ..media.sources import AddressGuard
from ..records import SourceType

__all__ = ["ScrapedContent", "address_guard", "scrape_url_content"]


def address_guard(config: PipelineConfig) -> AddressGuard:
    """The guard for user URLs, as `sources.allow_private_addresses` in pipeline.yaml says."""
    return AddressGuard(allow_private=config.sources.allow_private_addresses)


def scrape_url_content(
    target: str,
    source_type: SourceType,
    *,
    work_dir: Path,
    config: PipelineConfig,
    guard: AddressGuard,
) -> ScrapedContent:
    """Scrape an http(s) URL or a local file into `work_dir` (a folder per entry).

    Raises `SourceError` for sources that cannot be used (refused address, 404,
    unsupported page), `TransientError` for failures worth retrying (timeouts,
    5xx, refused connections), `MediaError` for unreadable media.
    """
    return scrape(target, source_type, work_dir=work_dir, config=config, guard=guard)
