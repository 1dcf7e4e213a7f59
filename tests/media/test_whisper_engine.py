from pathlib import Path

import pytest

from young_production.errors import MediaError
from young_production.media.whisper import WhisperEngine, decode_audio, resolve_model
from young_production.tools.sample_server import samples_dir
from young_production.skills.transcription import Transcriber

CORRUPT = b"\x00\x13 not audio at all \xff" * 4000


def test_bundled_model_resolves_to_a_folder() -> None:
    assert Path(resolve_model("bundled:tiny.en")).is_dir()
    assert resolve_model("small.en") == "small.en"  # a hub name, left to faster-whisper


def test_unknown_bundled_model_is_a_clear_error() -> None:
    with pytest.raises(MediaError, match="no bundled Whisper model 'large'"):
        WhisperEngine("bundled:large").load()


def test_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "model"
    empty.mkdir()
    with pytest.raises(MediaError, match=r"Whisper model '.*model' could not be loaded"):
        WhisperEngine(str(empty)).load()


def test_corrupt_file_cannot_be_decoded(tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(CORRUPT)
    with pytest.raises(MediaError, match=r"could not decode audio: .*\(clip\.mp4\)"):
        decode_audio(bad)


@pytest.mark.slow
def test_speech_clip_is_transcribed_with_timestamps(transcriber: Transcriber) -> None:
    segments, language = transcriber.whisper.transcribe(samples_dir() / "speech" / "story.mp4")
    text = " ".join(s.text for s in segments).lower()
    assert language == "en"
    for words in ("almost quit my channel", "subscribers", "surprising part", "one question",
                  "million views", "one specific problem"):
        assert words in text, words
    assert segments[0].start == pytest.approx(0.0, abs=1.0)
    assert all(s.start < s.end <= 36.5 for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
