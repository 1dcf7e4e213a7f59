"""Routing inside scraping: local files, and what a server's content type turns a page into."""

import shutil
from pathlib import Path

import av
import pytest

from young_production.config import PipelineConfig
from young_production.errors import SourceError, TransientError
from young_production.media.local_files import import_file
from young_production.media.scrape import scrape
from young_production.records import SourceType
from young_production.tools.sample_server import SampleServer, samples_dir

from .guards import exact_guard


def run(target: str, source_type: SourceType, work_dir: Path, workspace_root: Path | None = None):
    guard = exact_guard(target) if "://" in target else exact_guard()
    return scrape(target, source_type, work_dir=work_dir, config=PipelineConfig(), guard=guard,
                  workspace_root=workspace_root)


def imported(source: Path, root: Path) -> str:
    return import_file(source, root).reference


def test_local_media_is_read_from_the_workspace_copy(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    reference = imported(samples_dir() / "speech" / "story.mp4", root)
    content = run(reference, SourceType.MEDIA, tmp_path / "w", root)
    copy = (root / reference).resolve()
    assert copy.parent.parent == (root / "media" / "files").resolve()
    assert content.audio_path == copy and content.video_path == copy
    assert content.duration == pytest.approx(36.0, abs=0.5)
    assert not (tmp_path / "w").exists()


def test_local_image_and_html(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    card = imported(samples_dir() / "images" / "quote-card.png", root)
    assert run(card, SourceType.IMAGE, tmp_path, root).image_path == (root / card).resolve()
    page = run(imported(samples_dir() / "article" / "index.html", root), SourceType.ARTICLE, tmp_path, root)
    assert page.title == "Why some videos get 10x the views of the rest of the channel"
    assert "outlier score" in (page.article_text or "")


def test_local_text_file(tmp_path: Path) -> None:
    notes = tmp_path / "hook-ideas.md"
    notes.write_text("Nobody tells you this about editing.\nThe first cut is always too long.\n")
    content = run(imported(notes, tmp_path / "ws"), SourceType.ARTICLE, tmp_path, tmp_path / "ws")
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
    reference = imported(voice, tmp_path / "ws")
    content = run(reference, SourceType.MEDIA, tmp_path, tmp_path / "ws")
    assert content.audio_path == (tmp_path / "ws" / reference).resolve() and content.video_path is None
    assert content.duration == pytest.approx(39.6, abs=0.5)


def test_bad_local_targets(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    files = root / "media" / "files"
    (files / "abc").mkdir(parents=True)
    with pytest.raises(SourceError, match="file not found"):
        run("media/files/abc/nope.mp4", SourceType.MEDIA, tmp_path, root)
    with pytest.raises(SourceError, match="not a regular file"):
        run("media/files/abc", SourceType.MEDIA, tmp_path, root)
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x03\x04")
    with pytest.raises(SourceError, match="unsupported file type '.zip'"):
        run(imported(archive, root), SourceType.UNKNOWN, tmp_path, root)


SECRET = "operator-secret-4711"


@pytest.fixture
def workspace_with_secrets(tmp_path: Path) -> Path:
    """A workspace whose neighbours hold secrets: its own .env, and a file outside it."""
    root = tmp_path / "ws"
    (root / "media" / "files" / "0123").mkdir(parents=True)
    (root / "config").mkdir()
    (root / ".env").write_text(f"NOTION_API_KEY={SECRET}\n")
    (root / "config" / "notes.txt").write_text(SECRET)
    (tmp_path / "outside.txt").write_text(SECRET)
    (root / "media" / "files" / "0123" / "link.txt").symlink_to(tmp_path / "outside.txt")
    return root


@pytest.mark.parametrize(
    "stored",
    [
        "/etc/passwd",
        "/etc/hostname.txt",
        "../../outside.txt",
        "../outside.txt",
        "media/files/../../outside.txt",
        "media/files/0123/../../../config/notes.txt",
        "config/notes.txt",
        ".env",
        "~/.ssh/id_rsa.txt",
        "media/files/0123/link.txt",  # a symlink inside, pointing outside
        "//etc/passwd",
        "media\\files\\..\\..\\config\\notes.txt",
    ],
)
@pytest.mark.parametrize("declared", [SourceType.ARTICLE, SourceType.MEDIA, SourceType.IMAGE, SourceType.UNKNOWN])
def test_stored_paths_outside_the_workspace_files_are_refused(
    workspace_with_secrets: Path, tmp_path: Path, stored: str, declared: SourceType
) -> None:
    """Notion mode: a collaborator types a path and any Source Type; nothing outside media/files is read."""
    with pytest.raises(SourceError, match="^refused local path") as caught:
        run(stored, declared, tmp_path / "w", workspace_with_secrets)
    assert SECRET not in str(caught.value)


def test_absolute_path_outside_reads_the_same_whether_or_not_it_exists(workspace_with_secrets: Path,
                                                                       tmp_path: Path) -> None:
    messages = []
    for name in ("outside.txt", "no-such-file.txt"):
        with pytest.raises(SourceError) as caught:
            run(str(tmp_path / name), SourceType.ARTICLE, tmp_path / "w", workspace_with_secrets)
        messages.append(str(caught.value).replace(name, "X"))
    assert messages[0] == messages[1]  # an entry cannot probe the operator's disk


def test_without_a_workspace_no_local_path_is_read(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    with pytest.raises(SourceError, match="refused local path"):
        run(str(notes), SourceType.ARTICLE, tmp_path / "w")


def test_unreadable_local_text_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notes = tmp_path / "locked.md"
    notes.write_text("secret")
    reference = imported(notes, tmp_path / "ws")

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", denied)  # chmod would not stop root
    with pytest.raises(SourceError, match="could not read .*locked.md: Permission denied"):
        run(reference, SourceType.ARTICLE, tmp_path, tmp_path / "ws")


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


ARTICLE = (samples_dir() / "article" / "index.html").read_text()


def with_video(src: str, article: str = ARTICLE) -> bytes:
    return article.replace("<article>", f'<article><video src="{src}"></video>').encode()


def short_article(words: int) -> str:
    text = " ".join(["Creators"] + ["keep"] * (words - 1))
    return f"<html><head><title>News</title></head><body><article><p>{text}.</p></article></body></html>"


def test_long_article_with_a_sidebar_clip_is_read_as_an_article(sample_http: SampleServer,
                                                                  closed_port_url: str, tmp_path: Path) -> None:
    """384 words of article: the page's subject; the clip (on an unreachable host) is never fetched."""
    sample_http.add_route("/news/long", with_video(closed_port_url), content_type="text/html")
    guard = exact_guard(sample_http.base_url, closed_port_url)
    content = scrape(sample_http.url("news/long"), SourceType.ARTICLE, work_dir=tmp_path / "w",
                     config=PipelineConfig(), guard=guard)
    assert content.source_type is SourceType.ARTICLE and "outlier score" in content.article_text
    assert "embedded_media_error" not in content.metadata and not (tmp_path / "w").exists()


def test_short_article_falls_back_to_its_text_when_the_video_cannot_be_fetched(
    sample_http: SampleServer, closed_port_url: str, tmp_path: Path
) -> None:
    sample_http.add_route("/news/short", with_video(closed_port_url, short_article(60)), content_type="text/html")
    guard = exact_guard(sample_http.base_url, closed_port_url)
    content = scrape(sample_http.url("news/short"), SourceType.ARTICLE, work_dir=tmp_path,
                     config=PipelineConfig(), guard=guard)
    assert content.source_type is SourceType.ARTICLE and content.article_text.startswith("Creators keep")
    port = closed_port_url.split(":")[2].split("/")[0]
    assert port in content.metadata["embedded_media_error"]


def test_unreachable_video_without_article_names_the_video_host(
    sample_http: SampleServer, closed_port_url: str, tmp_path: Path
) -> None:
    sample_http.add_route("/clip-page", b"<html><body><video src='%s'></video></body></html>" % closed_port_url.encode(),
                          content_type="text/html")
    guard = exact_guard(sample_http.base_url, closed_port_url)
    with pytest.raises(TransientError, match="connection refused") as caught:
        scrape(sample_http.url("clip-page"), SourceType.ARTICLE, work_dir=tmp_path, config=PipelineConfig(),
               guard=guard)
    assert closed_port_url in str(caught.value)


def test_embed_that_is_not_playable_falls_back_to_the_article(sample_http: SampleServer, tmp_path: Path) -> None:
    sample_http.add_route("/broken-embed/", with_video("/missing/clip.mp4", short_article(80)),
                          content_type="text/html")
    content = run(sample_http.url("broken-embed/"), SourceType.ARTICLE, tmp_path)
    assert content.source_type is SourceType.ARTICLE and content.article_text.startswith("Creators keep")
    assert "404" in content.metadata["embedded_media_error"]


def test_folder_served_copy_of_samples(tmp_path: Path) -> None:
    """Any folder can be served: the same routes work on a copy of the samples."""
    shutil.copytree(samples_dir(), tmp_path / "site")
    with SampleServer(tmp_path / "site") as server:
        content = run(server.url("captioned/"), SourceType.ARTICLE, tmp_path / "w")
    assert content.captions is not None and content.title == "3 habits that beat talent"
