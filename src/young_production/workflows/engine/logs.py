"""Structured run logs: one JSON line per step, under the workspace's `logs/` folder.

Each line carries the run, workflow, entry, step, duration and outcome, so a person
(or `jq`) can follow what a run did across processes and workers. Keys and tokens
never reach the file: every string is passed through `redact` first. `yp -v` adds a
handler that echoes the same records to the terminal.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

LOGGER_NAME = "young_production.steps"

_SECRET_PATTERNS = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"sk-[A-Za-z0-9_\-]{16,}"),
    re.compile(r"\b(?:ntn|secret)_[A-Za-z0-9]{16,}"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)((?:api[_-]?key|token|password|secret)[\"']?\s*[:=]\s*[\"']?)[^\s\"',;&]{6,}"),
]


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`text` with known secret values and anything shaped like a key or token masked."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "[redacted]")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


def secret_values(env: dict[str, str] | None = None) -> tuple[str, ...]:
    """Values of environment variables whose names say they are secrets."""
    env = dict(os.environ) if env is None else env
    return tuple(v for k, v in env.items() if re.search(r"KEY|TOKEN|SECRET|PASSWORD", k) and len(v) >= 6)


@dataclass(frozen=True)
class StepScope:
    """Which run and entry the steps on this thread belong to."""

    run_id: str
    workflow: str
    entry_id: str


current_scope: ContextVar[StepScope | None] = ContextVar("yp_step_scope", default=None)


class JsonLinesHandler(logging.Handler):
    """Appends one JSON object per record to `logs/<date>.jsonl` (a file per UTC day).

    The day's file stays open while the handler lives (opening it per record cost more than the
    record itself), and each line goes out in one unbuffered append, as soon as it is logged: a
    line is never held back from a process killed after it, nor interleaved with another
    process's lines in the same file.
    """

    def __init__(self, folder: Path, secrets: tuple[str, ...] = ()):
        super().__init__()
        self.folder = folder
        self.secrets = secrets
        self._write_lock = threading.Lock()
        self._day = ""
        self._fd: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = json.dumps(as_json(record, self.secrets), default=str, ensure_ascii=False) + "\n"
            day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
            with self._write_lock:
                if self._fd is None or day != self._day:
                    self._open(day)
                assert self._fd is not None
                os.write(self._fd, line.encode("utf-8"))
        except OSError:
            self.handleError(record)

    def _open(self, day: str) -> None:
        self._close_file()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.folder / f"{day}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._day = day

    def _close_file(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def close(self) -> None:
        with self._write_lock:
            self._close_file()
        super().close()


def as_json(record: logging.LogRecord, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "event": redact(record.getMessage(), secrets),
    }
    for key, value in getattr(record, "fields", {}).items():
        data[key] = redact(value, secrets) if isinstance(value, str) else value
    return data


def step_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def log_step(step: str, seconds: float, outcome: str, error: str | None = None) -> None:
    scope = current_scope.get()
    fields: dict[str, Any] = {"step": step, "seconds": round(seconds, 3), "outcome": outcome}
    if scope is not None:
        fields.update(run=scope.run_id, workflow=scope.workflow, entry=scope.entry_id)
    if error:
        fields["error"] = error
    step_logger().info("step", extra={"fields": fields})


def log_event(event: str, **fields: Any) -> None:
    step_logger().info(event, extra={"fields": fields})


def attach(folder: Path, *, verbose: bool = False) -> list[logging.Handler]:
    """Send step records to `folder` (and to stderr when verbose); returns the handlers to detach."""
    logger = step_logger()
    logger.setLevel(logging.INFO)
    logger.propagate = False
    secrets = secret_values()
    handlers: list[logging.Handler] = [JsonLinesHandler(folder, secrets)]
    if verbose:
        echo = logging.StreamHandler()
        echo.setFormatter(_EchoFormatter(secrets))
        handlers.append(echo)
    for handler in handlers:
        logger.addHandler(handler)
    return handlers


def detach(handlers: list[logging.Handler]) -> None:
    logger = step_logger()
    for handler in handlers:
        logger.removeHandler(handler)
        handler.close()


class _EchoFormatter(logging.Formatter):
    def __init__(self, secrets: tuple[str, ...]):
        super().__init__()
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(as_json(record, self.secrets), default=str, ensure_ascii=False)
