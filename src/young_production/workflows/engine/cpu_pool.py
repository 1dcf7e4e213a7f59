"""Whisper and OCR in worker processes, so two entries transcribe at once on two cores.

Steps run in threads, and Whisper/OCR hold the GIL long enough that two threads of one
process barely overlap. On this kind of machine one Whisper inference also runs faster
on one thread than on two, so the pool is N single-thread processes (N = cores by
default, `engine.cpu_processes` in pipeline.yaml), each loading its own Transcriber once.

- created on first use: a run whose sources all have captions or article text never
  starts a process;
- `spawn` children (no copy of the parent's threads and locks), one thread each;
- children ignore SIGINT (Ctrl-C is the parent's to handle) and exit on their own when
  the parent is gone, even after `kill -9`; `close` kills them at once.

Only the CPU-heavy part goes to the pool: captions and article text are read in the
calling thread, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ...config import TranscriptionConfig
from ...errors import MediaError

CHILD_EXIT_WAIT_SEC = 5.0
_ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "CT2_INTER_THREADS": "1"}


class EngineStopping(BaseException):
    """The engine stopped while this step waited for its transcription.

    A `BaseException`, so DBOS does not record it as the step's outcome: the step stays
    unfinished and runs again when the entry resumes (here or in another worker).
    """


def needs_cpu(content: Any) -> bool:
    """True when transcribing `content` means Whisper or OCR (no captions, no article text)."""
    if content.captions:
        return False
    if content.article_text and content.article_text.strip():
        return False
    return bool(content.audio_path or content.video_path or content.image_path)


class CpuPool:
    """A lazily started pool of single-thread transcription processes."""

    def __init__(self, config: TranscriptionConfig, size: int | None = None):
        self.config = config
        self.size = max(1, size or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._busy = 0
        self._progress: Any = None  # children -> parent: (key, seconds done, total seconds)
        self._listeners: dict[str, Callable[[float, float | None], None]] = {}

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise EngineStopping("the transcription processes are shutting down")
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                if self._progress is None:
                    self._progress = context.SimpleQueue()
                    threading.Thread(target=self._relay, args=(self._progress,), name="yp-cpu-progress",
                                     daemon=True).start()
                self._pool = ProcessPoolExecutor(
                    max_workers=self.size,
                    mp_context=context,
                    initializer=_start_child,
                    initargs=(self.config.model_dump(), os.getpid(), self._progress),
                )
            return self._pool

    def _relay(self, progress: Any) -> None:
        """Hand the children's progress reports to whoever is waiting for that transcription."""
        while True:
            try:
                report = progress.get()
            except (EOFError, OSError):
                return
            if report is None:  # the pool closed
                return
            key, done, total = report
            listener = self._listeners.get(key)
            if listener is not None:
                listener(done, total)

    @property
    def started(self) -> bool:
        return self._pool is not None

    def transcribe(self, content: Any, on_progress: Callable[[float, float | None], None] | None = None) -> Any:
        """The content's transcript, made in one of the pool's processes (`on_progress` as in
        `Transcriber.transcribe`, called in a thread of this process)."""
        key = uuid.uuid4().hex
        if on_progress is not None:
            self._listeners[key] = on_progress
        future = self._executor().submit(_transcribe_in_child, content, key if on_progress else None)
        with self._lock:
            self._busy += 1
        try:
            return future.result()
        except (BrokenProcessPool, CancelledError):
            if self._closed:
                raise EngineStopping("stopped during transcription") from None
            with self._lock:
                self._pool = None  # a child died (killed, out of memory): the next call starts afresh
            raise MediaError("the transcription process stopped unexpectedly; run again to retry") from None
        finally:
            self._listeners.pop(key, None)
            with self._lock:
                self._busy -= 1

    def close(self, *, kill: bool = True) -> None:
        """Stop: queued work is dropped and busy children are killed; idle ones (the end of a run)
        are asked to exit unless `kill`, which lets them release what they hold."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            busy = self._busy > 0
            progress, self._progress = self._progress, None
        if progress is not None:
            progress.put(None)  # ends the relay thread
        if pool is None:
            return
        if not (kill or busy):
            pool.shutdown(wait=True, cancel_futures=True)
            return
        processes = list(getattr(pool, "_processes", {}).values())  # the executor keeps no public handle
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.kill()
        # The executor's own thread may reap a child first, and a join racing it returns before the exit
        # code is set: wait (briefly) until every child's exit is known, so none is left behind.
        deadline = time.monotonic() + CHILD_EXIT_WAIT_SEC
        for process in processes:
            while process.exitcode is None and time.monotonic() < deadline:
                process.join(timeout=0.1)


# ---- in the child ----------------------------------------------------------------------------

_transcriber: Any = None  # this child process's own Transcriber, loaded once
_progress: Any = None  # where this child reports how far a transcription has got
PROGRESS_EVERY_SEC = 1.0


def _start_child(config: dict[str, Any], parent_pid: int, progress: Any = None) -> None:
    global _transcriber, _progress
    _progress = progress
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name, value in _ONE_THREAD.items():
        os.environ[name] = value
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), name="yp-parent-watch", daemon=True).start()
    from ...skills.dna.transcribe import Transcriber

    _transcriber = Transcriber(TranscriptionConfig.model_validate(config))


def _exit_with_parent(parent_pid: int) -> None:
    """A child whose parent is gone (even after kill -9) exits instead of finishing for no one."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


def _transcribe_in_child(content: Any, key: str | None = None) -> Any:
    if key is None or _progress is None:
        return _transcriber.transcribe(content)
    last = 0.0

    def report(done: float, total: float | None) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY_SEC:
            last = time.monotonic()
            _progress.put((key, done, total))

    return _transcriber.transcribe(content, on_progress=report)
