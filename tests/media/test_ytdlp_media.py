from pathlib import Path

import pytest
from yt_dlp.utils import DownloadError

from young_production.errors import AddressRefused, SourceError, TransientError
from young_production.media import ytdlp
from young_production.media.guard import AddressGuard
from young_production.tools.sample_server import SampleServer, samples_dir

from .guards import exact_guard


def fetch(url: str, work_dir: Path, max_bytes: int = 50_000_000, guard: AddressGuard | None = None, **options):
    return ytdlp.fetch_media(url, work_dir=work_dir, guard=guard or exact_guard(url), timeout=5,
                             max_bytes=max_bytes, language="en", **options)


def test_captioned_page_gives_captions_and_downloads_no_media(sample_server: str, tmp_path: Path) -> None:
    result = fetch(sample_server + "captioned/", tmp_path)
    assert result.caption_language == "en"
    assert result.caption_segments[0].text == "Three habits made me more money than my degree ever did."
    assert "breakfast" in " ".join(s.text for s in result.caption_segments)
    assert result.media_path is None
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"media-{ytdlp.url_hash(sample_server + 'captioned/')}.en.vtt"]


def test_media_without_captions_is_downloaded(sample_server: str, tmp_path: Path) -> None:
    url = sample_server + "speech/story.mp4"
    result = fetch(url, tmp_path)
    assert result.caption_segments == []
    assert result.media_path == tmp_path / f"media-{ytdlp.url_hash(url)}.mp4"
    assert result.media_path.stat().st_size > 100_000


def test_size_limit_is_a_clear_error(sample_server: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="larger than the 0.002 MB download limit"):
        fetch(sample_server + "speech/story.mp4", tmp_path, max_bytes=2097)


def test_page_without_media_is_unsupported(sample_server: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no video or audio found at this URL"):
        fetch(sample_server + "article/", tmp_path)


def test_404_is_permanent(sample_server: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"not found \(HTTP 404\)"):
        fetch(sample_server + "missing/clip.mp4", tmp_path)


def test_refused_connection_is_transient(closed_port_url: str, tmp_path: Path) -> None:
    with pytest.raises(TransientError, match="connection refused"):
        fetch(closed_port_url, tmp_path)


def test_guard_runs_before_ytdlp_connects(tmp_path: Path) -> None:
    with pytest.raises(AddressRefused):
        fetch("http://10.0.0.1/clip.mp4", tmp_path, guard=AddressGuard())
    with pytest.raises(AddressRefused):
        fetch("file:///etc/passwd", tmp_path)


@pytest.mark.parametrize(
    ("message", "kind", "reason"),
    [
        ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", SourceError, "private video"),
        ("ERROR: [youtube] abc: Video unavailable. This video has been removed by the uploader", SourceError,
         "video unavailable"),
        ("ERROR: [youtube] abc: Sign in to confirm your age. This video may be inappropriate", SourceError,
         "age-restricted"),
        ("ERROR: [youtube] abc: Sign in to confirm you're not a bot", TransientError, "not a bot"),
        ("ERROR: [generic] x: Unable to download webpage: HTTP Error 502: Bad Gateway", TransientError, "HTTP 502"),
        ("ERROR: [generic] x: Unable to download webpage: HTTP Error 429: Too Many Requests", TransientError,
         "HTTP 429"),
        ("ERROR: [generic] x: Unable to download webpage: HTTP Error 410: Gone", SourceError, "HTTP 410"),
        ("ERROR: Requested format is not available. Use --list-formats", SourceError, "no downloadable audio"),
        ("ERROR: [tiktok] 123: Read timed out. (read timeout=30)", TransientError, "timed out"),
        ("ERROR: something nobody expected", SourceError, "could not fetch https://e.x/v: something nobody expected"),
    ],
)
def test_download_errors_get_readable_reasons(message: str, kind: type, reason: str) -> None:
    error = ytdlp.describe_download_error(DownloadError(message), "https://e.x/v")
    assert type(error) is kind
    assert reason in str(error) and "ERROR:" not in str(error)


def test_caption_choice_prefers_uploaded_then_spoken_language() -> None:
    tracks = [{"url": "https://e.x/c", "ext": "vtt"}]
    info = {"subtitles": {"de": tracks, "en-GB": tracks},
            "automatic_captions": {"en": tracks, "fr": tracks}}
    assert ytdlp.choose_captions(info, "en") == "en-GB"
    info = {"subtitles": {"de": tracks}, "automatic_captions": {"fr": tracks, "en-orig": tracks, "en": tracks}}
    assert ytdlp.choose_captions(info, "en") == "en-orig"
    assert ytdlp.choose_captions({"subtitles": {"live_chat": tracks}}, "en") is None
    assert ytdlp.choose_captions({"subtitles": {"de": tracks}}, None) == "de"


def test_the_thread_downloader_carries_nothing_from_one_call_to_the_next(
    sample_http: SampleServer, tmp_path: Path
) -> None:
    clip = (samples_dir() / "speech" / "story.mp4").read_bytes()
    sample_http.add_route("/cookie/clip.mp4", clip, content_type="video/mp4",
                          headers={"Set-Cookie": "session=entry-one; Path=/"})
    media = fetch(sample_http.url("cookie/clip.mp4"), tmp_path / "a")
    ydl = ytdlp._local.downloaders[5]  # this thread's instance for a 5 s timeout
    assert media.media_path is not None and [c.value for c in ydl.cookiejar] == ["entry-one"]

    captions = fetch(sample_http.url("captioned/"), tmp_path / "b")
    assert ytdlp._local.downloaders[5] is ydl  # reused, yet:
    assert list(ydl.cookiejar) == []  # the first entry's cookie was not sent along
    assert captions.media_path is None and captions.caption_segments  # the media pass's options did not stick
    assert [p.name for p in (tmp_path / "b").iterdir()] == [
        f"media-{ytdlp.url_hash(sample_http.url('captioned/'))}.en.vtt"
    ]
    again = fetch(sample_http.url("speech/story.mp4"), tmp_path / "c")
    assert again.media_path is not None and again.caption_segments == []  # nor the caption pass's
