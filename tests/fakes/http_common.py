"""What both loopback emulators share: the threaded server, fault knobs, token counts, answers.

The emulators speak the real HTTP protocols so the real SDKs run in tests. Answers
are synthesised from the JSON schema the request carries, deterministically from
the request text: the same request always gets the same answer, and two entries
with different text get different answers.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHARS_PER_TOKEN = 4


def count_tokens(text: str) -> int:
    """A deterministic token count: about four characters per token."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


@dataclass
class Fault:
    """One scripted failure answer."""

    status: int
    body: dict[str, Any]
    retry_after: float | None = None

    def reply(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(status, body, headers) as an emulator's `handle` returns them."""
        headers = {"retry-after": str(self.retry_after)} if self.retry_after is not None else {}
        return self.status, self.body, headers


class FaultQueue:
    """Failures to answer the next requests with, in order (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Fault] = deque()

    def push(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._queue.extend([fault] * times)

    def pop(self) -> Fault | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


class Counter:
    """A thread-safe countdown: `take()` is true while there are units left."""

    def __init__(self, value: int = 0):
        self._lock = threading.Lock()
        self.value = value

    def set(self, value: int) -> None:
        with self._lock:
            self.value = value

    def take(self) -> bool:
        with self._lock:
            if self.value > 0:
                self.value -= 1
                return True
            return False


class JSONHandler(BaseHTTPRequestHandler):
    """Routes JSON requests to `server.emulator.handle(method, path, headers, body)`."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            self._send(400, {"error": {"type": "invalid_request_error", "message": "body is not JSON"}})
            return
        emulator = self.server.emulator  # type: ignore[attr-defined]
        if emulator.latency_sec:
            time.sleep(emulator.latency_sec)
        status, payload, headers = emulator.handle(method, self.path, self.headers, body)
        self._send(status, payload, headers)

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        if isinstance(payload, bytes):
            data, ctype = payload, "application/binary"
        else:
            data, ctype = json.dumps(payload).encode(), "application/json"
        try:
            self.send_response(status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped waiting (its read timeout): as a real server, move on

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 at a free port; use it as a context manager."""

    def __init__(self) -> None:
        self.latency_sec = 0.0  # knob: answer every request this much later
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("emulator is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LoopbackServer:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), JSONHandler)
        httpd.daemon_threads = True
        httpd.emulator = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle(self, method: str, path: str, headers: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError


def bearer_or_key(headers: Any) -> str | None:
    """The credential a client sent: `x-api-key`, else `Authorization: Bearer ...`."""
    key = headers.get("x-api-key")
    if key:
        return key
    auth = headers.get("authorization") or ""
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


# --- answers synthesised from a JSON schema ------------------------------------------

_SENTENCE = re.compile(r"[^.!?\n]{12,}[.!?]?")
_DATA_FENCE = re.compile(r"<data\b([^>]*)>\n(.*?)\n</data>", re.S)


def source_sentences(prompt_text: str) -> list[str]:
    """Sentences of the fenced data (preferring `name="content"` fences), else of the whole prompt."""
    fences = _DATA_FENCE.findall(prompt_text)
    content = [body for attrs, body in fences if 'name="content"' in attrs] or [body for _, body in fences]
    text = "\n".join(content) if content else prompt_text
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()] or ["(no content)"]


class AnswerSynth:
    """Builds a JSON value that fits a schema, derived from a seed text."""

    def __init__(self, schema: dict[str, Any], seed_text: str, source_text: str | None = None):
        self.root = schema
        self.sentences = source_sentences(seed_text if source_text is None else source_text)
        self.digest = hashlib.sha256(seed_text.encode()).digest()
        self._n = 0

    def _pick(self, modulo: int) -> int:
        byte = self.digest[self._n % len(self.digest)]
        self._n += 1
        return (byte + self._n) % max(modulo, 1)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            node: Any = self.root
            for part in ref[2:].split("/"):
                node = node[part]
            return node
        return schema

    def value(self, schema: dict[str, Any] | None = None, name: str = "") -> Any:
        schema = self._resolve(self.root if schema is None else schema)
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][self._pick(len(schema["enum"]))]
        variants = schema.get("anyOf") or schema.get("oneOf")
        if variants:
            concrete = [v for v in variants if self._resolve(v).get("type") != "null"]
            return self.value((concrete or variants)[0], name)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object":
            props = schema.get("properties", {})
            return {key: self.value(sub, key) for key, sub in props.items()}
        if kind == "array":
            low = int(schema.get("minItems", 1))
            high = int(schema.get("maxItems", max(low, 3)))
            count = low + self._pick(high - low + 1)
            return [self.value(schema.get("items", {"type": "string"}), name) for _ in range(count)]
        if kind in ("number", "integer"):
            fraction = any(word in name.lower() for word in ("confidence", "score", "ratio"))
            low = float(schema.get("minimum", 0))
            high = float(schema.get("maximum", low + (1 if fraction else 60)))
            number = low + (high - low) * self._pick(101) / 100
            return int(number) if kind == "integer" else round(number, 2)
        if kind == "boolean":
            return bool(self._pick(2))
        if kind == "null":
            return None
        return self._string(schema, name)

    def _string(self, schema: dict[str, Any], name: str) -> str:
        text = self.sentences[self._pick(len(self.sentences))]
        if "tag" in name.lower():
            words = [w.strip(".,!?\"'").lower() for w in text.split() if len(w) > 4]
            text = words[self._pick(len(words))] if words else "general"
        limit = int(schema.get("maxLength", 200))
        text = text[:limit]
        minimum = int(schema.get("minLength", 0))
        return text.ljust(minimum, ".")


def schema_violation(schema: dict[str, Any]) -> dict[str, Any]:
    """An object whose every property has the wrong type (fails any pydantic validation)."""
    wrong = {"string": 12345, "array": "not a list", "object": "not an object", "boolean": "maybe"}
    props = schema.get("properties", {})
    answer: dict[str, Any] = {}
    for key, sub in props.items():
        kind = sub.get("type")
        # a nested list fits no scalar, string list or object (anyOf / $ref properties)
        answer[key] = wrong.get(kind, "not a number") if isinstance(kind, str) else [["wrong"]]
    return answer or {"unexpected": True}
