"""Routing inside scraping: local files, and what a server's content type turns a page into."""

import shutil
from pathlib import Path

import av
import pytest

from young_production.config import PipelineConfig
from young_production.errors import SourceError
from young_production.media.scrape import scrape
from young_production.media.sources import AddressGuard
from young_production.records import SourceType
from young_production.tools.sample_server import SampleServer, samples_dir

LOOPBACK = AddressGuard(allow_private=True)


def run(target: str, source_type: SourceType, work_dir: Path):
    return scrape(target, source_type, work_dir=work_dir, config=PipelineConfig(), guard=LOOPBACK)


def test_local_media_is_used_in_place(tmp_path: Path) -> None:
    clip = samples_dir() / "speech" / "story.mp4"
    content = run(str(clip), SourceType.MEDIA, tmp_path)
    assert content.audio_path == clip.resolve() and content.video_path == clip.resolve()
    assert content.duration == pytest.approx(36.0, abs=0.5)
    assert list(tmp_path.iterdir()) == []


def test_local_image_and_html(tmp_path: Path) -> None:
    card = samples_dir() / "images" / "quote-card.png"
    assert run(str(card), SourceType.IMAGE, tmp_path).image_path == card.resolve()
    page = run(str(samples_dir() / "article" / "index.html"), SourceType.ARTICLE, tmp_path)
    assert page.title == "Why some videos get 10x the views of the rest of the channel"
    assert "outlier score" in (page.article_text or "")


def test_local_text_file(tmp_path: Path) -> None:
    notes = tmp_path / "hook-ideas.md"
    notes.write_text("Nobody tells you this about editing.\nThe first cut is always too long.\n")
    content = run(str(notes), SourceType.ARTICLE, tmp_path)
    assert content.title == "hook-ideas" and content.article_text.startswith("Nobody tells you this")


def audio_only_copy(source: Path, target: Path) -> Path:
    """Remux just the audio stream of `source` (no re-encoding)."""
    with av.open(str(source)) as src, av.open(str(target), "w", format="mp4") as dst:
        audio_in = src.streams.audio[0]
        audio_out = dst.add_stream_from_template(audio_in)
        for packet in src.demux(audio_in):
            if packet.dts is not None:
                packet.stream = audio_out
                dst.mux(packet)
    return target


def test_audio_only_file_has_no_video_path(tmp_path: Path) -> None:
    voice = audio_only_copy(samples_dir() / "captioned" / "habits.mp4", tmp_path / "voice.m4a")
    content = run(str(voice), SourceType.MEDIA, tmp_path)
    assert content.audio_path == voice and content.video_path is None
    assert content.duration == pytest.approx(39.6, abs=0.5)


def test_bad_local_targets(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="file not found"):
        run(str(tmp_path / "nope.mp4"), SourceType.MEDIA, tmp_path)
    with pytest.raises(SourceError, match="not a regular file"):
        run(str(tmp_path), SourceType.MEDIA, tmp_path)
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x03\x04")
    with pytest.raises(SourceError, match="unsupported file type '.zip'"):
        run(str(archive), SourceType.UNKNOWN, tmp_path)


def test_unreadable_local_text_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = tmp_path / "locked.md"
    notes.write_text("secret")

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)  # chmod would not stop root
    with pytest.raises(SourceError, match="could not read .*locked.md: Permission denied"):
        run(str(notes), SourceType.ARTICLE, tmp_path)


def test_server_content_type_decides_the_route(sample_http: SampleServer, tmp_path: Path) -> None:
    png = (samples_dir() / "images" / "quote-card.png").read_bytes()
    sample_http.add_route("/cards/latest", png, content_type="image/png")
    image = run(sample_http.url("cards/latest"), SourceType.ARTICLE, tmp_path / "a")
    assert image.source_type is SourceType.IMAGE
    assert image.image_path == tmp_path / "a" / "image.png" and image.image_path.read_bytes() == png

    sample_http.add_route("/notes", b"Three hooks that always work.\n", content_type="text/plain; charset=utf-8")
    text = run(sample_http.url("notes"), SourceType.ARTICLE, tmp_path / "b")
    assert text.article_text == "Three hooks that always work."

    sample_http.add_route("/download", b"PK\x03\x04zip", content_type="application/zip")
    with pytest.raises(SourceError, match=r"not a web page, image or media file \(content type application/zip\)"):
        run(sample_http.url("download"), SourceType.ARTICLE, tmp_path / "c")


def test_media_served_without_extension_is_saved_as_media(sample_http: SampleServer, tmp_path: Path) -> None:
    clip = (samples_dir() / "speech" / "story.mp4").read_bytes()
    sample_http.add_route("/watch/123", clip, content_type="video/mp4")
    content = run(sample_http.url("watch/123"), SourceType.ARTICLE, tmp_path)
    assert content.source_type is SourceType.MEDIA
    assert content.audio_path == tmp_path / "media.mp4" and content.video_path == content.audio_path


def test_embed_that_is_not_playable_falls_back_to_the_article(sample_http: SampleServer, tmp_path: Path) -> None:
    page = (samples_dir() / "article" / "index.html").read_text().replace(
        "<article>", '<article><video src="/missing/clip.mp4"></video>'
    )
    sample_http.add_route("/broken-embed/", page.encode(), content_type="text/html")
    content = run(sample_http.url("broken-embed/"), SourceType.ARTICLE, tmp_path)
    assert content.source_type is SourceType.ARTICLE and "outlier score" in content.article_text


def test_folder_served_copy_of_samples(tmp_path: Path) -> None:
    """Any folder can be served: the same routes work on a copy of the samples."""
    shutil.copytree(samples_dir(), tmp_path / "site")
    with SampleServer(tmp_path / "site") as server:
        content = run(server.url("captioned/"), SourceType.ARTICLE, tmp_path / "w")
    assert content.captions is not None and content.title == "3 habits that beat talent"
