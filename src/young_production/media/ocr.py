"""Text in images and video frames with rapidocr (its ONNX models ship inside the wheel)."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import AccountError, MediaError

MIN_SCORE = 0.5


class OcrEngine:
    """A lazily loaded rapidocr engine, safe to share between threads (one image at a time).

    An engine that cannot load (models missing, onnxruntime broken) raises `AccountError`:
    a machine problem stops the run instead of failing every entry.
    """

    def __init__(self, min_score: float = MIN_SCORE, *, params: Mapping[str, Any] | None = None):
        """`params` are extra rapidocr settings, e.g. `{"Det.model_path": ...}` for other models."""
        self.min_score = min_score
        self.params = dict(params or {})
        self._engine: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._engine is None:
                os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
                try:
                    import numpy as np
                    from rapidocr import RapidOCR

                    engine = RapidOCR(params={"Global.log_level": "error", **self.params})
                    engine(np.zeros((32, 32, 3), dtype=np.uint8))  # rapidocr loads its models on first use
                except Exception as exc:  # missing models or onnxruntime problems: the machine's, not the entry's
                    raise AccountError(f"the OCR engine (rapidocr) could not be loaded: {exc}") from None
                self._engine = engine
            return self._engine

    def read_image(self, path: Path) -> list[str]:
        """Lines of text in an image file, in reading order."""
        return self.read_pixels(load_image(path))

    def read_pixels(self, bgr: Any) -> list[str]:
        """Lines of text in a BGR pixel array (a decoded video frame or image)."""
        engine = self.load()
        with self._lock:
            try:
                result = engine(bgr)
            except (FileNotFoundError, FileExistsError) as exc:  # a model file loaded late is missing
                raise AccountError(f"the OCR engine (rapidocr) could not load a model: {exc}") from None
        texts, boxes, scores = result.txts or (), result.boxes, result.scores or ()
        if boxes is None:
            return []
        words = [
            (box, text.strip())
            for box, text, score in zip(boxes, texts, scores, strict=False)
            if text.strip() and score >= self.min_score
        ]
        return reading_order(words)


def load_image(path: Path) -> Any:
    """Decode an image file to a BGR array, with a clear error for anything unreadable."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            rgb = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(f"could not read image {path.name}: {exc}") from None
    return np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def reading_order(words: list[tuple[Any, str]]) -> list[str]:
    """Group detected text boxes into lines (overlapping vertical centres), left to right.

    Each box is four (x, y) corners as rapidocr returns them.
    """
    placed = []
    for box, text in words:
        ys = [float(p[1]) for p in box]
        xs = [float(p[0]) for p in box]
        placed.append((min(ys), max(ys), min(xs), text))
    placed.sort(key=lambda w: (w[0], w[2]))
    lines: list[list[tuple[float, float, float, str]]] = []
    for word in placed:
        centre = (word[0] + word[1]) / 2
        line = lines[-1] if lines else None
        if line is not None and min(w[0] for w in line) <= centre <= max(w[1] for w in line):
            line.append(word)
        else:
            lines.append([word])
    return [" ".join(w[3] for w in sorted(line, key=lambda w: w[2])) for line in lines]
