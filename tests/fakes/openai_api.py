"""A loopback emulator of an OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM).

    with OpenAIEmulator() as emu:
        client = openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url + "/v1")

POST /v1/chat/completions with `response_format={"type": "json_schema", ...}` answers
with a value synthesised from the schema. Usage counts ~4 characters per token;
like OpenAI's automatic prompt caching, a system message of at least
`min_cache_tokens` is reported as `cached_tokens` when seen again. The SDK
authenticates with `Authorization: Bearer`; `api_key=None` accepts anything (as
local servers do).

Knobs: `fail_next(status, times, retry_after=...)`, `quota_exhausted = True` (429
`insufficient_quota`), `invalid_answers.set(n)`, and `models = {...}`: any other model
is answered 404 as Ollama does ('model "x" not found, try pulling it first').
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from typing import Any

from .http_common import AnswerSynth, Counter, Fault, FaultQueue, LoopbackServer, bearer_or_key, count_tokens, schema_violation


def error_body(message: str, error_type: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}


class OpenAIEmulator(LoopbackServer):
    def __init__(self, api_key: str | None = "test-key", min_cache_tokens: int = 1024):
        super().__init__()
        self.api_key = api_key
        self.min_cache_tokens = min_cache_tokens
        self.faults = FaultQueue()
        self.invalid_answers = Counter()
        self.quota_exhausted = False
        self.models: set[str] | None = None
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._seen_prefixes: set[str] = set()
        self._ids = itertools.count(1)

    def fail_next(self, status: int, times: int = 1, *, retry_after: float | None = None) -> None:
        kind = "rate_limit_exceeded" if status == 429 else "server_error"
        self.faults.push(Fault(status, error_body(f"emulated error {status}", kind), retry_after), times)

    def completion_requests(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["path"] == "/v1/chat/completions"]

    def handle(self, method: str, path: str, headers: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        path = path.split("?", 1)[0]
        self.requests.append({"method": method, "path": path, "body": body})
        if self.api_key is not None and bearer_or_key(headers) != self.api_key:
            return 401, error_body("Incorrect API key provided", "invalid_request_error", "invalid_api_key"), {}
        fault = self.faults.pop()
        if fault is not None:
            return fault.reply()
        if self.quota_exhausted:
            message = "You exceeded your current quota, please check your plan and billing details."
            return 429, error_body(message, "insufficient_quota", "insufficient_quota"), {}
        if method == "POST" and path == "/v1/chat/completions":
            return self._complete(body)
        if method == "GET" and path == "/v1/models":
            return 200, {"object": "list", "data": [{"id": "emulated", "object": "model", "owned_by": "emu"}]}, {}
        return 404, error_body(f"no route {method} {path}", "invalid_request_error"), {}

    def _complete(self, body: Any) -> tuple[int, Any, dict[str, str]]:
        if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
            return 400, error_body("model and messages are required", "invalid_request_error"), {}
        if self.models is not None and body["model"] not in self.models:
            message = f'model "{body["model"]}" not found, try pulling it first'
            return 404, error_body(message, "api_error"), {}
        texts = [_content_text(m.get("content")) for m in body["messages"]]
        prompt_tokens = sum(count_tokens(t) for t in texts)
        response_format = body.get("response_format") or {}
        schema = (response_format.get("json_schema") or {}).get("schema")
        if schema is not None:
            prompt_tokens += count_tokens(json.dumps(schema, sort_keys=True))
        cached = self._cached_tokens(body["model"], body["messages"][0], texts[0])
        prompt_text = "\n".join(texts)
        if schema is None:
            content = "Emulated answer: " + prompt_text[-200:]
        elif self.invalid_answers.take():
            content = json.dumps(schema_violation(schema))
        else:
            user_text = "\n".join(t for m, t in zip(body["messages"], texts) if m.get("role") == "user")
            content = json.dumps(AnswerSynth(schema, prompt_text, user_text).value())
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        finish = "stop"
        if limit is not None and count_tokens(content) > limit:
            content, finish = content[: limit * 4], "length"
        completion_tokens = count_tokens(content)
        return 200, {
            "id": f"chatcmpl-emu{next(self._ids):06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "finish_reason": finish,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "prompt_tokens_details": {"cached_tokens": cached},
            },
        }, {}

    def _cached_tokens(self, model: str, first: dict[str, Any], text: str) -> int:
        """Automatic prefix caching of a long enough system message."""
        tokens = count_tokens(text)
        if first.get("role") not in ("system", "developer") or tokens < self.min_cache_tokens:
            return 0
        key = hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()
        with self._lock:
            seen = key in self._seen_prefixes
            self._seen_prefixes.add(key)
        return tokens if seen else 0


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [] if isinstance(part, dict))
