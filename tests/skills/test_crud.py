"""S02 add_dna: canonical keys, offline adding, and local files copied into the workspace."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from young_production.errors import AddressRefused, SourceError
from young_production.media.guard import AddressGuard
from young_production.records import SourceType, ViralDNA
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.store.sqlite import SQLiteStore
from young_production.tools.sample_server import samples_dir


@pytest.fixture
def store() -> Iterator[SQLiteStore]:
    db = SQLiteStore(":memory:")
    yield db
    db.close()


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No DNS at all, as on a plane."""

    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)


SPELLINGS = [
    "https://youtu.be/dQw4w9WgXcQ",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=abc123",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    "https://www.youtube.com/embed/dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
]


def test_seven_spellings_of_one_video_are_one_entry(store: SQLiteStore, offline: None) -> None:
    first, created = add_dna(store, SPELLINGS[0], guard=AddressGuard())
    assert created and first.url == SPELLINGS[0]  # the user's URL, readable
    for spelling in SPELLINGS[1:]:
        entry, created = add_dna(store, spelling, guard=AddressGuard())
        assert not created and entry.id == first.id, spelling
    assert len(list(iter_records(store, ViralDNA))) == 1


def test_adding_needs_no_network(store: SQLiteStore, offline: None) -> None:
    entry, created = add_dna(store, "https://www.youtube.com/watch?v=abcdefghijk", guard=AddressGuard())
    assert created and entry.source_type is SourceType.YOUTUBE_VIDEO
    entry, created = add_dna(store, "https://blog.example.com/post?utm_source=x", guard=AddressGuard())
    assert created and entry.source_type is SourceType.ARTICLE


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("https://example.com:99999/x", "port must be a number from 1 to 65535"),
        ("ftp://example.com/a.mp4", "only http(s) URLs and local file paths"),
        ("file:///etc/passwd", "only http(s) URLs and local file paths"),
        ("http:///nothing", "no host"),
        ("", "empty"),
    ],
)
def test_bad_urls_fail_with_a_clear_message(store: SQLiteStore, target: str, words: str) -> None:
    with pytest.raises(SourceError) as caught:
        add_dna(store, target, guard=AddressGuard())
    assert words in str(caught.value)
    assert list(iter_records(store, ViralDNA)) == []


def test_ipv6_urls_are_accepted(store: SQLiteStore) -> None:
    entry, created = add_dna(store, "http://[2606:4700::1111]/x", guard=AddressGuard())
    assert created and entry.url == "http://[2606:4700::1111]/x"
    assert not add_dna(store, "http://[2606:4700:0::1111]:80/x#top")[1]  # same target, other spelling


def test_private_address_literals_are_refused_without_dns(store: SQLiteStore, offline: None) -> None:
    with pytest.raises(AddressRefused, match="10.0.0.1"):
        add_dna(store, "http://10.0.0.1/clip.mp4", guard=AddressGuard())
    entry, _ = add_dna(store, "http://10.0.0.1/clip.mp4", guard=AddressGuard(["10.0.0.0/8"]))
    assert entry.source_type is SourceType.MEDIA


def test_a_local_file_is_copied_into_the_workspace(store: SQLiteStore, tmp_path: Path) -> None:
    source = tmp_path / "my clips" / "Reel #1 (final).mp4"
    source.parent.mkdir()
    source.write_bytes((samples_dir() / "speech" / "story.mp4").read_bytes())
    root = tmp_path / "ws"
    entry, created = add_dna(store, str(source), workspace_root=root)
    assert created and entry.source_type is SourceType.MEDIA
    assert entry.url.startswith("media/files/") and entry.url.endswith("/Reel_1_final.mp4")
    copy = root / entry.url
    assert copy.read_bytes() == source.read_bytes()
    assert entry.title == "Reel #1 (final).mp4"
    # the same bytes again, under another name: the same entry, no second copy
    again = tmp_path / "again.mp4"
    again.write_bytes(source.read_bytes())
    assert add_dna(store, str(again), workspace_root=root) == (entry, False)
    assert [p.name for p in (root / "media" / "files").rglob("*") if p.is_file()] == ["Reel_1_final.mp4"]


def test_local_file_problems_are_clear(store: SQLiteStore, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="is a directory"):
        add_dna(store, str(tmp_path), workspace_root=tmp_path / "ws")
    with pytest.raises(SourceError, match="no such file"):
        add_dna(store, str(tmp_path / "nope.mp4"), workspace_root=tmp_path / "ws")
    notes = tmp_path / "notes.md"
    notes.write_text("x")
    with pytest.raises(SourceError, match="needs a workspace"):
        add_dna(store, str(notes))
    assert list(iter_records(store, ViralDNA)) == []


def test_an_entry_keyed_before_canonical_keys_is_found_again(store: SQLiteStore, offline: None) -> None:
    """Workspaces made before keys were canonical keep their old keys: re-adding the URL finds the entry."""
    from young_production.skills.crud import dna_key, legacy_url_key

    url = "https://www.YouTube.com/watch?v=dQw4w9WgXcQ&t=42"
    old = store.create(ViralDNA(key=dna_key(legacy_url_key(url)), title="old entry", url=url,
                                source_type=SourceType.YOUTUBE_VIDEO))

    again, created = add_dna(store, url)

    assert not created and again.id == old.id
    assert [r.id for r in iter_records(store, ViralDNA)] == [old.id]
