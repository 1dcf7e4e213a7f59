"""Whisper: model loading, streamed decoding in chunks, limits and stopping.

Speech recognition differs between machines, so what Whisper heard is scored against
the script the sample was spoken from (word error rate) plus a few robust words.
"""

import pickle
import threading
from pathlib import Path

import pytest

from tests.speech import word_error_rate
from young_production.errors import AccountError, MediaError
from young_production.media.whisper import (
    SAMPLE_RATE,
    TranscriptionStopped,
    WhisperEngine,
    resolve_model,
    stream_audio,
)
from young_production.skills.dna.transcribe import Transcriber
from young_production.tools.sample_server import samples_dir

CORRUPT = b"\x00\x13 not audio at all \xff" * 4000
STORY = samples_dir() / "speech" / "story.mp4"
SCRIPT = (samples_dir() / "speech" / "story.txt").read_text(encoding="utf-8")
ROBUST_WORDS = ("channel", "subscribers", "surprising", "question", "million")
MAX_WER = 0.10  # tiny.en hears this clip at ~1.4% here; one odd word per line must not fail a test


def assert_heard_the_story(text: str) -> None:
    assert word_error_rate(SCRIPT, text) <= MAX_WER, text
    for word in ROBUST_WORDS:
        assert word in text.lower(), word


def test_bundled_model_resolves_to_a_folder() -> None:
    assert Path(resolve_model("bundled:tiny.en")).is_dir()
    assert resolve_model("small.en") == "small.en"  # a hub name, left to faster-whisper


def test_a_model_that_cannot_load_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(AccountError, match="no bundled Whisper model 'large'"):
        WhisperEngine("bundled:large").load()
    empty = tmp_path / "model"
    empty.mkdir()
    with pytest.raises(AccountError, match=r"Whisper model '.*model' could not be loaded"):
        WhisperEngine(str(empty)).load()
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "model.bin").write_bytes(b"not a model")
    (corrupt / "config.json").write_text("{")
    with pytest.raises(AccountError, match="could not be loaded"):
        WhisperEngine(str(corrupt)).load()


def test_corrupt_file_cannot_be_decoded(tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(CORRUPT)
    with pytest.raises(MediaError, match=r"could not decode audio: .*\(clip\.mp4\)"):
        list(stream_audio(bad, chunk_seconds=600))


def test_audio_streams_in_chunks_cut_at_quiet_moments() -> None:
    whole = list(stream_audio(STORY, chunk_seconds=600))
    assert len(whole) == 1 and whole[0][0] == 0.0
    total = len(whole[0][1])
    assert total / SAMPLE_RATE == pytest.approx(36.0, abs=0.5)
    chunks = list(stream_audio(STORY, chunk_seconds=10))
    assert len(chunks) >= 3
    assert sum(len(samples) for _, samples in chunks) == total  # nothing lost or doubled at the cuts
    for (offset, samples), (next_offset, _) in zip(chunks, chunks[1:]):
        assert offset + len(samples) / SAMPLE_RATE == pytest.approx(next_offset)
        assert 5.0 <= len(samples) / SAMPLE_RATE <= 10.0  # cut within the chunk's last 5 s
        tail = samples[-800:]
        assert float((tail * tail).mean()) <= float((samples * samples).mean())  # at a quiet moment


def test_media_over_the_limit_fails_while_decoding() -> None:
    with pytest.raises(MediaError, match="longer than the 0.333-minute limit.*max_media_minutes"):
        list(stream_audio(STORY, chunk_seconds=600, max_seconds=20))


def test_stopped_is_a_media_error_that_pickles() -> None:
    error = pickle.loads(pickle.dumps(TranscriptionStopped("transcription stopped on request")))
    assert isinstance(error, MediaError) and str(error) == "transcription stopped on request"


@pytest.mark.slow
def test_speech_clip_is_transcribed_with_timestamps(transcriber: Transcriber) -> None:
    segments, language = transcriber.whisper.transcribe(STORY)
    assert language == "en"
    assert_heard_the_story(" ".join(s.text for s in segments))
    assert segments[0].start == pytest.approx(0.0, abs=1.0)
    assert all(s.start < s.end <= 36.5 for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)


@pytest.mark.slow
def test_chunked_transcription_keeps_words_and_shifts_timestamps(transcriber: Transcriber) -> None:
    chunked = WhisperEngine(chunk_seconds=12)
    chunked._model = transcriber.whisper.load()  # share the session's loaded model
    segments, language = chunked.transcribe(STORY)
    assert language == "en"
    assert_heard_the_story(" ".join(s.text for s in segments))
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert segments[-1].end > 24.0  # the third chunk's speech, at its place in the clip
    assert all(s.end <= 36.5 for s in segments)


@pytest.mark.slow
def test_should_stop_interrupts_between_segments(transcriber: Transcriber) -> None:
    engine = WhisperEngine(chunk_seconds=12)
    engine._model = transcriber.whisper.load()
    polls: list[int] = []

    def stop_after_a_few() -> bool:
        polls.append(1)
        return len(polls) > 2

    with pytest.raises(TranscriptionStopped):
        engine.transcribe(STORY, should_stop=stop_after_a_few)
    assert len(polls) == 3  # stopped at the first True, before the rest of the clip


@pytest.mark.slow
def test_should_stop_is_answered_while_waiting_for_the_model(transcriber: Transcriber) -> None:
    engine = WhisperEngine()
    engine._model = transcriber.whisper.load()
    stop = threading.Event()
    engine._run_lock.acquire()  # another worker holds the model
    try:
        timer = threading.Timer(0.3, stop.set)
        timer.start()
        with pytest.raises(TranscriptionStopped):
            engine.transcribe(STORY, should_stop=stop.is_set)
    finally:
        engine._run_lock.release()
    assert engine._run_lock.acquire(blocking=False)  # and it did not keep the lock
    engine._run_lock.release()
