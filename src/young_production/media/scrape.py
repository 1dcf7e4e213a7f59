"""S18 core: turn a target (URL or local file) into content ready to transcribe.

Routes, cheapest first:
- video platforms and direct media URLs: yt-dlp (captions when there are any,
  otherwise the audio);
- images: downloaded with httpx (size-capped, guarded);
- other web pages: fetched with httpx and read with trafilatura. A page that
  embeds a <video> or <audio> goes to yt-dlp (its captions or media) unless its
  article is long enough to be the page's subject (a news story with a sidebar
  clip), and falls back to its article text when the video cannot be fetched. If
  the server answers with an image or media file instead of HTML, that file is used.
- local files: only inside the workspace's media/files folder (`local_files`), read
  by extension.

The route is decided by the target itself (`sources.route_type`): a type declared
on the entry can refine a generic web URL, never turn a path into something else.
Every connection, whichever library makes it, is judged by the address guard.

Files land in `work_dir` (one folder per entry, given by the caller) under fixed
names; yt-dlp's names carry a hash of the URL.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import PipelineConfig
from ..errors import MediaError, SourceError, TransientError
from ..records import SourceType, TranscriptSource
from ..transcript import Transcript
from . import video, web, ytdlp
from .guard import AddressGuard
from .local_files import resolve_reference
from .sources import IMAGE_EXTENSIONS, classify_source, is_url, route_type

# An article at least this long is what a page is about, even if it embeds a video.
ARTICLE_WINS_WORDS = 300

YTDLP_TYPES = frozenset(
    {
        SourceType.YOUTUBE_VIDEO,
        SourceType.YOUTUBE_SHORT,
        SourceType.TIKTOK,
        SourceType.INSTAGRAM,
        SourceType.X_POST,
        SourceType.MEDIA,
    }
)


@dataclass
class ScrapedContent:
    """Everything S04 needs to produce a transcript, plus what we learned about the source.

    `source_type` may refine the classification (a web page that embeds a video
    becomes MEDIA). `audio_path` and `video_path` are the same file when a video
    with sound was downloaded.
    """

    target: str
    source_type: SourceType
    title: str | None = None
    description: str | None = None
    duration: float | None = None
    captions: Transcript | None = None
    audio_path: Path | None = None
    video_path: Path | None = None
    image_path: Path | None = None
    article_text: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def scrape(
    target: str,
    source_type: SourceType,
    *,
    work_dir: Path,
    config: PipelineConfig,
    guard: AddressGuard,
    workspace_root: Path | None = None,
) -> ScrapedContent:
    """Scrape an http(s) URL, or a file inside `workspace_root`'s media/files, into `work_dir`.

    Raises `SourceError` for sources that cannot be used (refused address or path, 404,
    unsupported page, too long), `TransientError` for failures worth retrying (timeouts,
    5xx, refused connections), `MediaError` for unreadable media.
    """
    target = target.strip()
    if not is_url(target):
        return _scrape_local(target, workspace_root)
    source_type = route_type(target, source_type)
    # Both fetchers judge every connection with the guard, and create `work_dir` only
    # once there is something to write.
    if source_type in YTDLP_TYPES:
        return _scrape_with_ytdlp(target, source_type, work_dir, config, guard)
    response = web.fetch(
        target,
        guard=guard,
        timeout=config.sources.request_timeout_sec,
        max_bytes=config.sources.max_download_mb * 1024 * 1024,
        user_agent=config.sources.user_agent,
    )
    return _scrape_response(target, source_type, response, work_dir, config, guard)


def _scrape_response(
    target: str,
    source_type: SourceType,
    response: web.WebResponse,
    work_dir: Path,
    config: PipelineConfig,
    guard: AddressGuard,
) -> ScrapedContent:
    kind = response.content_type
    if kind.startswith("image/") or (source_type is SourceType.IMAGE and not response.is_html):
        path = _save(response, work_dir, "image", ".img")
        return ScrapedContent(target, SourceType.IMAGE, image_path=path, metadata={"final_url": response.url})
    if kind.startswith(("audio/", "video/")):
        return _local_media(target, _save(response, work_dir, "media", ".bin"), {"final_url": response.url})
    if kind == "text/plain":
        return ScrapedContent(target, SourceType.ARTICLE, article_text=response.text().strip() or None,
                              metadata={"final_url": response.url})
    if not response.is_html:
        raise SourceError(f"{target} is not a web page, image or media file (content type {kind or 'unknown'})")

    html = response.text()
    article = _try_article(html, response.url)
    if response.embeds_media() and (article is None or _words(article.text) < ARTICLE_WINS_WORDS):
        try:
            scraped = _scrape_with_ytdlp(response.url, SourceType.MEDIA, work_dir, config, guard)
        except (SourceError, TransientError) as exc:
            if article is None:
                raise type(exc)(f"the video embedded in {response.url} could not be used: {exc}") from None
            content = _article_content(target, article, response.url)
            content.metadata["embedded_media_error"] = str(exc)
            return content
        scraped.target = target
        scraped.title = (article.title if article else None) or scraped.title
        scraped.description = scraped.description or (article.description if article else None)
        scraped.metadata["final_url"] = response.url
        return scraped
    if article is None:
        raise SourceError(f"no article text found on {response.url}")
    return _article_content(target, article, response.url)


def _article_content(target: str, article: web.Article, url: str) -> ScrapedContent:
    return ScrapedContent(
        target,
        SourceType.ARTICLE,
        title=article.title,
        description=article.description,
        article_text=article.text,
        metadata={
            k: v
            for k, v in {"final_url": url, "author": article.author, "date": article.date,
                         "sitename": article.sitename}.items()
            if v
        },
    )


def _words(text: str) -> int:
    return len(text.split())


def _try_article(html: str, url: str) -> web.Article | None:
    try:
        return web.extract_article(html, url)
    except SourceError:
        return None


def _scrape_with_ytdlp(
    url: str, source_type: SourceType, work_dir: Path, config: PipelineConfig, guard: AddressGuard
) -> ScrapedContent:
    fetched = ytdlp.fetch_media(
        url,
        work_dir=work_dir,
        guard=guard,
        timeout=config.sources.request_timeout_sec,
        max_bytes=config.sources.max_download_mb * 1024 * 1024,
        language=config.transcription.language,
        max_seconds=config.transcription.max_media_minutes * 60,
    )
    metadata = {**fetched.metadata, "extractor": fetched.extractor, "webpage_url": fetched.webpage_url}
    content = ScrapedContent(
        url,
        source_type,
        title=fetched.title,
        description=fetched.description,
        duration=fetched.duration,
        metadata=metadata,
    )
    if fetched.caption_segments:
        content.captions = Transcript(
            TranscriptSource.CAPTIONS, fetched.caption_segments, language=fetched.caption_language
        )
        metadata["caption_language"] = fetched.caption_language
    if fetched.media_path is not None:
        local = _local_media(url, fetched.media_path, metadata)
        content.audio_path, content.video_path = local.audio_path, local.video_path
        content.duration = content.duration or local.duration
    return content


def _scrape_local(target: str, workspace_root: Path | None) -> ScrapedContent:
    """A file inside the workspace's media/files folder, read by its own extension."""
    path = resolve_reference(target, workspace_root)
    kind = classify_source(path.name)
    if kind is SourceType.IMAGE:
        return ScrapedContent(target, SourceType.IMAGE, image_path=path)
    if kind is SourceType.MEDIA:
        return _local_media(target, path, {})
    if kind is SourceType.ARTICLE:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise SourceError(f"could not read {target}: {exc.strerror or exc}") from None
        if path.suffix.lower() in (".html", ".htm"):
            article = web.extract_article(text, None)
            return ScrapedContent(target, SourceType.ARTICLE, title=article.title,
                                  description=article.description, article_text=article.text)
        return ScrapedContent(target, SourceType.ARTICLE, title=path.stem, article_text=text.strip() or None)
    raise SourceError(f"unsupported file type '{path.suffix or path.name}': expected media, an image or a text page")


def _local_media(target: str, path: Path, metadata: dict[str, Any]) -> ScrapedContent:
    """A media file on disk; a corrupt file still comes back, and fails clearly when transcribed."""
    content = ScrapedContent(target, SourceType.MEDIA, audio_path=path, metadata=metadata)
    try:
        found = video.probe(path)
    except MediaError:
        return content
    content.duration = found.duration
    content.video_path = path if found.has_video else None
    content.audio_path = path if found.has_audio else None
    if not found.has_audio and not found.has_video:
        content.audio_path = path  # let the decoder say what is wrong with it
    return content


def _save(response: web.WebResponse, work_dir: Path, stem: str, fallback_suffix: str) -> Path:
    """Write a downloaded file under a fixed name, with the extension its URL or type implies."""
    work_dir.mkdir(parents=True, exist_ok=True)
    path = work_dir / (stem + _extension(response.content_type, response.url, fallback_suffix))
    path.write_bytes(response.body)
    return path


def _extension(content_type: str, url: str, fallback: str) -> str:
    suffix = Path(url.split("?", 1)[0]).suffix.lower()
    if suffix and (suffix in IMAGE_EXTENSIONS or content_type.startswith(("audio/", "video/"))):
        return suffix
    return mimetypes.guess_extension(content_type) or fallback
