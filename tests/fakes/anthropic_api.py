"""A loopback emulator of the Anthropic Messages API, for tests and benchmarks.

    with AnthropicEmulator() as emu:
        client = anthropic.Anthropic(api_key=emu.api_key, base_url=emu.base_url)

Endpoints: POST /v1/messages, POST /v1/messages/count_tokens, POST /v1/messages/batches,
GET /v1/messages/batches/{id}, GET /v1/messages/batches/{id}/results (JSONL).
Accepts `x-api-key` or `Authorization: Bearer` (the SDK 2.x sends the latter).

Like the newest models it rejects sampling parameters, assistant prefill and forced
tool choice. Structured outputs (`output_config.format`) are answered with a value
synthesised from the schema. Usage counts ~4 characters per token; the prefix up to
the last `cache_control` block is written to the cache on first sight and read from
it afterwards, when it is at least `min_cache_tokens` long (as the real API does).

Thinking, as current models do it: without a `thinking` parameter the model thinks
adaptively; `{"type": "adaptive"}` thinks `thinking_tokens` scaled by `output_config.effort`
(low 1/4, medium 1/2, high and unset 1, xhigh and max 3/2); `{"type": "enabled",
"budget_tokens": n}` at most n (n must be >= 1024 and below max_tokens); `{"type":
"disabled"}` not at all. Thinking comes back as a `thinking` block, counts in
`output_tokens` and toward `max_tokens`: what it leaves is the answer's room, and an
answer that does not fit stops with `stop_reason: max_tokens`.

Knobs: `fail_next(status, times, retry_after=...)` for 429/5xx/529 (529 `overloaded_error`
with Retry-After when given), `spend_limit_reached = True` for the organisation
spend-limit 429, `credit_exhausted = True` for the 400 "credit balance is too low",
`billing_problem = True` for 402 `billing_error`, `forbidden = True` for 403
`permission_error`, `models = {...}` to answer 404 `not_found_error` for any other model,
`thinking_tokens` for how much adaptive thinking uses, `invalid_answers.set(n)` for n
answers that break the schema, and `batch_polls_until_ended` for how many retrieves a
batch stays in progress.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from .http_common import (
    AnswerSynth,
    Counter,
    Fault,
    FaultQueue,
    LoopbackServer,
    bearer_or_key,
    count_tokens,
    schema_violation,
)

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    503: "api_error",
    529: "overloaded_error",
}
_SAMPLING = ("temperature", "top_p", "top_k")
_EFFORT_SHARE = {"low": 0.25, "medium": 0.5, "high": 1.0, "xhigh": 1.5, "max": 1.5}
THINKING_MIN_BUDGET = 1024
CREDIT_MESSAGE = (
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade "
    "or purchase credits."
)


class RequestRejected(Exception):
    """A request the real API would refuse with this status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_body(status: int, message: str, error_type: str | None = None, **details: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"type": error_type or _ERROR_TYPES.get(status, "api_error"), "message": message}
    if details:
        error["details"] = details
    return {"type": "error", "error": error, "request_id": "req_emulated"}


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class AnthropicEmulator(LoopbackServer):
    def __init__(self, api_key: str = "test-key", min_cache_tokens: int = 1024, cache_ttl_sec: float = 300.0):
        super().__init__()
        self.api_key = api_key
        self.min_cache_tokens = min_cache_tokens
        self.cache_ttl_sec = cache_ttl_sec
        self.faults = FaultQueue()
        self.invalid_answers = Counter()
        self.spend_limit_reached = False
        self.credit_exhausted = False
        self.billing_problem = False
        self.forbidden = False
        self.models: set[str] | None = None
        self.thinking_tokens = 600
        self.batch_polls_until_ended = 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._cache: dict[str, float] = {}
        self._batches: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    # --- knobs ------------------------------------------------------------------------

    def fail_next(self, status: int, times: int = 1, *, retry_after: float | None = None) -> None:
        """Answer the next `times` requests with this error status (429, 500, 529, ...)."""
        message = "Overloaded" if status == 529 else f"emulated error {status}"
        self.faults.push(Fault(status, error_body(status, message), retry_after), times)

    def message_requests(self) -> list[dict[str, Any]]:
        """Bodies of the POST /v1/messages requests received so far."""
        return [r["body"] for r in self.requests if r["path"] == "/v1/messages"]

    # --- HTTP -------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        path = path.split("?", 1)[0]
        self.requests.append({"method": method, "path": path, "body": body, "auth": _auth_kind(headers)})
        if bearer_or_key(headers) != self.api_key:
            return 401, error_body(401, "invalid x-api-key"), {}
        if not headers.get("anthropic-version"):
            return 400, error_body(400, "anthropic-version header is required"), {}
        fault = self.faults.pop()
        if fault is not None:
            return fault.reply()
        if self.credit_exhausted:
            return 400, error_body(400, CREDIT_MESSAGE), {}
        if self.billing_problem:
            return 402, error_body(402, "There is an issue with your account's billing. Please check Plans & Billing."), {}
        if self.forbidden:
            return 403, error_body(403, "Your API key does not have permission to use the specified resource."), {}
        if self.spend_limit_reached:
            body_ = error_body(
                429,
                "Your organization has reached its monthly usage limit.",
                error_code="enforced_spend_limit_reached",
            )
            return 429, body_, {}
        try:
            return self._route(method, path, body)
        except RequestRejected as exc:
            return exc.status, error_body(exc.status, exc.message), {}

    def _route(self, method: str, path: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        if method == "POST" and path == "/v1/messages":
            return 200, self.answer(body), {}
        if method == "POST" and path == "/v1/messages/count_tokens":
            self._check(body, count_only=True)
            return 200, {"input_tokens": sum(count_tokens(text) for text, _ in _segments(body))}, {}
        if method == "POST" and path == "/v1/messages/batches":
            return 200, self._create_batch(body), {}
        parts = path.strip("/").split("/")
        if method == "GET" and parts[:3] == ["v1", "messages", "batches"] and len(parts) in (4, 5):
            batch = self._batches.get(parts[3])
            if batch is None:
                raise RequestRejected(404, f"no batch {parts[3]}")
            if len(parts) == 4:
                return 200, self._poll(batch), {}
            if parts[4] == "results":
                return 200, self._results(batch), {}
        raise RequestRejected(404, f"no route {method} {path}")

    # --- messages ---------------------------------------------------------------------

    def _check(self, body: Any, count_only: bool = False) -> None:
        if not isinstance(body, dict) or not body.get("model") or not body.get("messages"):
            raise RequestRejected(400, "model and messages are required")
        if not count_only and not isinstance(body.get("max_tokens"), int):
            raise RequestRejected(400, "max_tokens: Field required")
        for name in _SAMPLING:
            if name in body:
                raise RequestRejected(400, f"{name} is not supported for this model")
        if body["messages"][-1].get("role") == "assistant":
            raise RequestRejected(400, "assistant message prefill is not supported for this model")
        choice = body.get("tool_choice") or {}
        if choice.get("type") in ("tool", "any"):
            raise RequestRejected(400, "forced tool use is not supported for this model")
        if self.models is not None and body["model"] not in self.models:
            raise RequestRejected(404, f"model: {body['model']}")
        if not count_only:
            self._thinking_budget(body)

    def _thinking_budget(self, body: dict[str, Any]) -> int:
        """How many tokens this request thinks (validating `thinking` as the API does)."""
        thinking = body.get("thinking") or {"type": "adaptive"}  # current models think by default
        kind = thinking.get("type")
        effort = (body.get("output_config") or {}).get("effort")
        if effort is not None and effort not in _EFFORT_SHARE:
            raise RequestRejected(400, f"output_config.effort: Input should be one of {', '.join(_EFFORT_SHARE)}")
        if kind == "disabled":
            return 0
        if kind == "adaptive":
            return int(self.thinking_tokens * _EFFORT_SHARE.get(effort or "high", 1.0))
        if kind == "enabled":
            budget = thinking.get("budget_tokens")
            if not isinstance(budget, int) or budget < THINKING_MIN_BUDGET:
                raise RequestRejected(400, f"thinking.budget_tokens: Input should be greater than or equal to {THINKING_MIN_BUDGET}")
            if budget >= body["max_tokens"]:
                raise RequestRejected(400, "`max_tokens` must be greater than `thinking.budget_tokens`")
            return min(budget, self.thinking_tokens)
        raise RequestRejected(400, "thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'")

    def answer(self, body: Any) -> dict[str, Any]:
        """The Message the API would return for this request body (also used for batches)."""
        self._check(body)
        segments = _segments(body)
        total = sum(count_tokens(text) for text, _ in segments)
        cache_read, cache_write = self._cache_usage(body["model"], segments)
        prompt_text = "\n".join(text for text, _ in segments)
        schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
        if schema is None:
            text = "Emulated answer: " + prompt_text[-200:]
        elif self.invalid_answers.take():
            text = json.dumps(schema_violation(schema))
        else:
            text = json.dumps(AnswerSynth(schema, prompt_text, _user_text(body)).value())
        stop_reason = "end_turn"
        thought = min(self._thinking_budget(body), body["max_tokens"])
        content: list[dict[str, Any]] = []
        if thought:
            reasoning = ("Let me look at what the material says and what the schema asks for. " * (thought // 16 + 1))
            content.append({"type": "thinking", "thinking": reasoning[: thought * 4],
                            "signature": hashlib.sha256(reasoning.encode()).hexdigest()})
        room = body["max_tokens"] - thought
        if count_tokens(text) > room:
            text, stop_reason = text[: room * 4], "max_tokens"
        if text:
            content.append({"type": "text", "text": text})
        return {
            "id": f"msg_emu_{next(self._ids):06d}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": total - cache_read - cache_write,
                "output_tokens": thought + count_tokens(text),
                "cache_creation_input_tokens": cache_write,
                "cache_read_input_tokens": cache_read,
            },
        }

    def _cache_usage(self, model: str, segments: list[tuple[str, bool]]) -> tuple[int, int]:
        """(read, write) tokens for the prefix up to the last cache_control block."""
        marked = [i for i, (_, cached) in enumerate(segments) if cached]
        if not marked:
            return 0, 0
        prefix = segments[: marked[-1] + 1]
        tokens = sum(count_tokens(text) for text, _ in prefix)
        if tokens < self.min_cache_tokens:
            return 0, 0
        key = hashlib.sha256((model + "\x00" + "\x00".join(t for t, _ in prefix)).encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key, -1.0) > now
            self._cache[key] = now + self.cache_ttl_sec
        return (tokens, 0) if hit else (0, tokens)

    # --- batches ----------------------------------------------------------------------

    def _create_batch(self, body: Any) -> dict[str, Any]:
        requests = (body or {}).get("requests") or []
        ids = [r.get("custom_id") for r in requests]
        if not requests or len(set(ids)) != len(ids) or not all(ids):
            raise RequestRejected(400, "requests must be non-empty with unique custom_id values")
        created = datetime.now(timezone.utc)
        batch_id = f"msgbatch_emu_{next(self._ids):06d}"
        results = []
        for item in requests:
            try:
                result = {"type": "succeeded", "message": self.answer(item.get("params"))}
            except RequestRejected as exc:
                result = {"type": "errored", "error": error_body(exc.status, exc.message)}
            results.append({"custom_id": item["custom_id"], "result": result})
        batch = {"id": batch_id, "created": created, "polls": 0, "results": results}
        with self._lock:
            self._batches[batch_id] = batch
        return self._batch_view(batch, ended=False)

    def _poll(self, batch: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            batch["polls"] += 1
            ended = batch["polls"] > self.batch_polls_until_ended
        return self._batch_view(batch, ended)

    def _batch_view(self, batch: dict[str, Any], ended: bool) -> dict[str, Any]:
        results = batch["results"]
        succeeded = sum(1 for r in results if r["result"]["type"] == "succeeded")
        counts = {"processing": 0, "succeeded": succeeded, "errored": len(results) - succeeded}
        if not ended:
            counts = {"processing": len(results), "succeeded": 0, "errored": 0}
        batch["ended"] = ended
        created = batch["created"]
        return {
            "id": batch["id"],
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {**counts, "canceled": 0, "expired": 0},
            "created_at": _iso(created),
            "expires_at": _iso(created + timedelta(hours=24)),
            "ended_at": _iso(datetime.now(timezone.utc)) if ended else None,
            "cancel_initiated_at": None,
            "archived_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch['id']}/results" if ended else None,
        }

    def _results(self, batch: dict[str, Any]) -> bytes:
        if not batch.get("ended"):
            raise RequestRejected(400, "batch is still in progress")
        return "".join(json.dumps(r) + "\n" for r in batch["results"]).encode()


def _segments(body: dict[str, Any]) -> list[tuple[str, bool]]:
    """The prompt in cache order (format, tools, system, messages) as (text, cache_control)."""
    segments: list[tuple[str, bool]] = []
    output_format = (body.get("output_config") or {}).get("format")
    if output_format:
        segments.append((json.dumps(output_format, sort_keys=True), False))
    for tool in body.get("tools") or []:
        segments.append((json.dumps(tool, sort_keys=True), bool(tool.get("cache_control"))))
    system = body.get("system")
    blocks: list[Any] = [system] if isinstance(system, str) else list(system or [])
    for message in body.get("messages") or []:
        content = message.get("content")
        blocks.extend([content] if isinstance(content, str) else content or [])
    for block in blocks:
        if isinstance(block, str):
            segments.append((block, False))
        else:
            segments.append((str(block.get("text", "")), bool(block.get("cache_control"))))
    if body.get("cache_control") and segments:
        segments[-1] = (segments[-1][0], True)
    return segments


def _user_text(body: dict[str, Any]) -> str:
    texts = []
    for message in body.get("messages") or []:
        content = message.get("content")
        if message.get("role") == "user":
            blocks = [content] if isinstance(content, str) else content or []
            texts.extend(b if isinstance(b, str) else str(b.get("text", "")) for b in blocks)
    return "\n".join(texts)


def _auth_kind(headers: Any) -> str:
    if headers.get("x-api-key"):
        return "x-api-key"
    return "bearer" if (headers.get("authorization") or "").lower().startswith("bearer ") else "none"
