"""S18 (media.scrape) over the four sample routes on 127.0.0.1, and the bad inputs WF1 must survive."""

from pathlib import Path

import pytest

from young_production.config import PipelineConfig, SourcesConfig
from young_production.errors import AddressRefused, SourceError, TransientError
from young_production.media import scrape as s18
from young_production.media.guard import AddressGuard
from young_production.records import SourceType, TranscriptSource
from young_production.skills.dna.classify import classify_info_type

from ..media.guards import exact_guard

CONFIG = PipelineConfig()


def scrape(target: str, work_dir: Path, source_type: SourceType = SourceType.ARTICLE,
           guard: AddressGuard | None = None):
    guard = guard or (exact_guard(target) if target.startswith("http") else AddressGuard())
    return s18.scrape(target, source_type, work_dir=work_dir, config=CONFIG, guard=guard)


def test_captioned_page_uses_its_captions(sample_server: str, tmp_path: Path) -> None:
    content = scrape(sample_server + "captioned/", tmp_path)
    assert content.source_type is SourceType.MEDIA  # a page that embeds a video is scraped as media
    assert content.title == "3 habits that beat talent"
    assert content.description.startswith("Three small daily habits")
    assert content.captions.source is TranscriptSource.CAPTIONS
    assert "Stay until the end" in content.captions.text
    assert content.captions.timed
    assert content.audio_path is None and content.video_path is None  # no media downloaded


def test_speech_clip_is_downloaded_for_whisper(sample_server: str, tmp_path: Path) -> None:
    content = scrape(sample_server + "speech/story.mp4", tmp_path, SourceType.MEDIA)
    assert content.captions is None
    assert content.audio_path is not None and content.audio_path.parent == tmp_path
    assert content.video_path == content.audio_path
    assert content.duration == pytest.approx(36.0, abs=0.5)  # probed: generic pages give none


def test_article_page_gives_clean_text(sample_server: str, tmp_path: Path) -> None:
    content = scrape(sample_server + "article/", tmp_path)
    assert content.source_type is SourceType.ARTICLE
    assert content.title.startswith("Why some videos get 10x")
    assert "outlier score" in content.article_text and "Newsletter" not in content.article_text
    assert content.metadata["author"] == "Creator Notes team"


def test_image_is_downloaded(sample_server: str, tmp_path: Path) -> None:
    content = scrape(sample_server + "images/quote-card.png", tmp_path, SourceType.IMAGE)
    assert content.image_path == tmp_path / "image.png"
    assert content.image_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_page_is_404(sample_server: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"not found \(HTTP 404\)"):
        scrape(sample_server + "no/such/page", tmp_path)
    with pytest.raises(SourceError, match=r"not found \(HTTP 404\)"):
        scrape(sample_server + "no/such/clip.mp4", tmp_path, SourceType.MEDIA)


def test_refused_connection_is_transient(closed_port_url: str, tmp_path: Path) -> None:
    with pytest.raises(TransientError, match="connection refused"):
        scrape(closed_port_url, tmp_path, SourceType.MEDIA)
    with pytest.raises(TransientError, match="connection refused"):
        scrape(closed_port_url.replace("video.mp4", "post"), tmp_path)


def test_non_media_url_given_as_media_is_refused(sample_server: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no video or audio found at this URL"):
        scrape(sample_server + "article/", tmp_path, SourceType.MEDIA)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://10.0.0.1/clip.mp4", "http://192.168.1.1/",
                                 "http://169.254.169.254/latest/meta-data/"])
def test_file_urls_and_private_addresses_are_refused(url: str, tmp_path: Path) -> None:
    guard = AddressGuard.from_config(CONFIG.sources)  # the default config: private addresses not allowed
    for source_type in (SourceType.ARTICLE, SourceType.MEDIA, SourceType.IMAGE):
        with pytest.raises(AddressRefused):
            scrape(url, tmp_path / "entry", source_type, guard=guard)
    assert list(tmp_path.iterdir()) == []  # refused before anything, even the entry's folder, was made


def test_loopback_needs_the_config_switch(sample_http, tmp_path: Path) -> None:
    url = sample_http.url("article/")
    with pytest.raises(AddressRefused, match="allow_private_addresses"):
        scrape(url, tmp_path, guard=AddressGuard.from_config(CONFIG.sources))
    other_port = PipelineConfig(sources=SourcesConfig(allow_private_addresses=["127.0.0.1:1"]))
    with pytest.raises(AddressRefused, match="allow_private_addresses"):
        scrape(url, tmp_path, guard=AddressGuard.from_config(other_port.sources))
    exact = PipelineConfig(sources=SourcesConfig(allow_private_addresses=[sample_http.allow_entry]))
    assert scrape(url, tmp_path, guard=AddressGuard.from_config(exact.sources)).article_text


@pytest.mark.parametrize("stored", ["/etc/passwd", "../../x", "/etc/hostname"])
@pytest.mark.parametrize("declared", [SourceType.ARTICLE, SourceType.MEDIA, SourceType.YOUTUBE_VIDEO])
def test_a_stored_type_never_turns_a_path_into_something_readable(stored: str, declared: SourceType,
                                                                  tmp_path: Path) -> None:
    """Notion mode: URL `/etc/passwd`, Source Type `article`: the target decides, and is refused."""
    route = classify_info_type(stored, declared)
    assert route is not declared or declared is SourceType.ARTICLE and route is SourceType.UNKNOWN
    with pytest.raises(SourceError, match="refused local path"):
        s18.scrape(stored, route, work_dir=tmp_path / "w", config=CONFIG, guard=AddressGuard(),
                   workspace_root=tmp_path)


def test_missing_local_file(tmp_path: Path) -> None:
    (tmp_path / "media" / "files").mkdir(parents=True)
    with pytest.raises(SourceError, match="file not found"):
        s18.scrape("media/files/clip.mp4", SourceType.MEDIA, work_dir=tmp_path / "w", config=CONFIG,
                   guard=AddressGuard(), workspace_root=tmp_path)
