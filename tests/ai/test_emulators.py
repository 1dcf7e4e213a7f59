"""The emulators speak the real protocols: raw HTTP checks of what the SDK-level tests rely on."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator

SCHEMA = {
    "type": "object",
    "properties": {
        "perspective": {"type": "string"},
        "pattern": {"type": "string", "enum": ["question", "story", "statement"]},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "opened_at": {"anyOf": [{"type": "number"}, {"type": "null"}]},
    },
    "required": ["perspective", "pattern", "tags", "opened_at"],
    "additionalProperties": False,
}
HEADERS = {"x-api-key": "test-key", "anthropic-version": "2023-06-01"}


def message(text: str, *, system: str = "Analyse the content.", cache: bool = True, **extra: Any) -> dict:
    block: dict[str, Any] = {"type": "text", "text": system}
    if cache:
        block["cache_control"] = {"type": "ephemeral"}
    return {
        "model": "claude-haiku-5-5",
        "max_tokens": 400,
        "system": [block],
        "messages": [{"role": "user", "content": f'<data name="content" trust="untrusted">\n{text}\n</data>'}],
        "output_config": {"format": {"type": "json_schema", "schema": SCHEMA}},
        "thinking": {"type": "disabled"},
        **extra,
    }


def text_of(reply: dict) -> str:
    return "".join(block["text"] for block in reply["content"] if block["type"] == "text")


def post(emu: AnthropicEmulator, path: str, body: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.post(emu.base_url + path, json=body, headers=HEADERS if headers is None else headers)


def test_anthropic_accepts_api_key_or_bearer_and_refuses_others(anthropic_emu: AnthropicEmulator) -> None:
    body = message("Money is a tool. Most people never learn it.")
    assert post(anthropic_emu, "/v1/messages", body).status_code == 200
    bearer = {"authorization": "Bearer test-key", "anthropic-version": "2023-06-01"}
    assert post(anthropic_emu, "/v1/messages", body, bearer).status_code == 200
    wrong = post(anthropic_emu, "/v1/messages", body, {"x-api-key": "nope", "anthropic-version": "2023-06-01"})
    assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "authentication_error"
    assert post(anthropic_emu, "/v1/messages", body, {"x-api-key": "test-key"}).status_code == 400


@pytest.mark.parametrize(
    "extra",
    [
        {"temperature": 0.2},
        {"top_p": 0.9},
        {"tool_choice": {"type": "tool", "name": "answer"}},
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "{"}]},
    ],
    ids=["temperature", "top_p", "forced-tool", "prefill"],
)
def test_anthropic_rejects_what_the_newest_models_reject(anthropic_emu: AnthropicEmulator, extra: dict) -> None:
    reply = post(anthropic_emu, "/v1/messages", message("Some text here.", **extra))
    assert reply.status_code == 400 and reply.json()["error"]["type"] == "invalid_request_error"


def test_anthropic_answers_fit_the_schema_and_follow_the_content(anthropic_emu: AnthropicEmulator) -> None:
    first = post(anthropic_emu, "/v1/messages", message("Money is a tool. Most people never learn it.")).json()
    again = post(anthropic_emu, "/v1/messages", message("Money is a tool. Most people never learn it.")).json()
    other = post(anthropic_emu, "/v1/messages", message("Sleep is the best training tool of all.")).json()

    answer = json.loads(text_of(first))
    assert set(answer) == set(SCHEMA["properties"])
    assert answer["pattern"] in SCHEMA["properties"]["pattern"]["enum"]
    assert answer["perspective"] in ("Money is a tool.", "Most people never learn it.")
    assert 1 <= len(answer["tags"]) <= 3 and isinstance(answer["opened_at"], float)
    assert first["content"] == again["content"] and other["content"] != first["content"]
    assert first["stop_reason"] == "end_turn" and first["type"] == "message"


def test_anthropic_cache_write_then_read_above_the_minimum(anthropic_emu: AnthropicEmulator) -> None:
    long_system = "Stable instructions for every entry. " * 150  # ~1400 tokens
    first = post(anthropic_emu, "/v1/messages", message("Entry one text.", system=long_system)).json()["usage"]
    second = post(anthropic_emu, "/v1/messages", message("Entry two text!", system=long_system)).json()["usage"]
    short = post(anthropic_emu, "/v1/messages", message("Entry three.", system="Short.")).json()["usage"]
    uncached = post(anthropic_emu, "/v1/messages", message("Entry 4.", system=long_system, cache=False)).json()

    assert first["cache_creation_input_tokens"] > 1024 and first["cache_read_input_tokens"] == 0
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["input_tokens"] == first["input_tokens"]  # same-length tails
    assert short["cache_creation_input_tokens"] == 0 == short["cache_read_input_tokens"]
    assert uncached["usage"]["cache_read_input_tokens"] == 0


def test_anthropic_fault_knobs(anthropic_emu: AnthropicEmulator) -> None:
    anthropic_emu.fail_next(429, retry_after=2)
    anthropic_emu.fail_next(529)
    limited = post(anthropic_emu, "/v1/messages", message("x y z text."))
    overloaded = post(anthropic_emu, "/v1/messages", message("x y z text."))
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert overloaded.status_code == 529 and overloaded.json()["error"]["type"] == "overloaded_error"

    anthropic_emu.invalid_answers.set(1)
    broken = json.loads(text_of(post(anthropic_emu, "/v1/messages", message("Text.")).json()))
    assert broken["perspective"] == 12345 and broken["tags"] == "not a list"

    anthropic_emu.spend_limit_reached = True
    spent = post(anthropic_emu, "/v1/messages", message("Text."))
    assert spent.status_code == 429 and "retry-after" not in spent.headers
    assert spent.json()["error"]["details"]["error_code"] == "enforced_spend_limit_reached"


def test_anthropic_account_knobs(anthropic_emu: AnthropicEmulator) -> None:
    anthropic_emu.credit_exhausted = True
    broke = post(anthropic_emu, "/v1/messages", message("Text."))
    assert broke.status_code == 400 and broke.json()["error"]["type"] == "invalid_request_error"
    assert broke.json()["error"]["message"].startswith("Your credit balance is too low")
    anthropic_emu.credit_exhausted = False
    anthropic_emu.billing_problem = True
    billing = post(anthropic_emu, "/v1/messages", message("Text."))
    assert billing.status_code == 402 and billing.json()["error"]["type"] == "billing_error"
    anthropic_emu.billing_problem = False
    anthropic_emu.forbidden = True
    assert post(anthropic_emu, "/v1/messages", message("Text.")).json()["error"]["type"] == "permission_error"
    anthropic_emu.forbidden = False
    anthropic_emu.models = {"claude-sonnet-5-5"}
    missing = post(anthropic_emu, "/v1/messages", message("Text."))
    assert missing.status_code == 404 and missing.json()["error"] == {
        "type": "not_found_error", "message": "model: claude-haiku-5-5"}
    anthropic_emu.fail_next(529, retry_after=3)
    overloaded = post(anthropic_emu, "/v1/messages", message("Text."))
    assert overloaded.status_code == 529 and overloaded.headers["retry-after"] == "3"


@pytest.mark.parametrize(
    ("thinking", "effort", "thought"),
    [
        (None, None, 2000),  # current models think adaptively when the request says nothing
        ({"type": "adaptive"}, "medium", 1000),
        ({"type": "adaptive"}, "low", 500),
        ({"type": "enabled", "budget_tokens": 1024}, None, 1024),
        ({"type": "disabled"}, None, 0),
    ],
)
def test_anthropic_thinking_blocks_count_toward_max_tokens(
    anthropic_emu: AnthropicEmulator, thinking: dict | None, effort: str | None, thought: int
) -> None:
    anthropic_emu.thinking_tokens = 2000
    body = message("Money is a tool. Most people never learn it.", max_tokens=4000)
    body.pop("thinking")
    if thinking is not None:
        body["thinking"] = thinking
    if effort is not None:
        body["output_config"] = {**body["output_config"], "effort": effort}
    reply = post(anthropic_emu, "/v1/messages", body).json()
    blocks = [block["type"] for block in reply["content"]]
    assert blocks == (["thinking", "text"] if thought else ["text"])
    answer_tokens = -(-len(text_of(reply)) // 4)
    assert reply["usage"]["output_tokens"] == thought + answer_tokens
    assert reply["stop_reason"] == "end_turn"

    small = post(anthropic_emu, "/v1/messages", {**body, "max_tokens": thought + 5}).json()
    assert small["stop_reason"] == "max_tokens" and small["usage"]["output_tokens"] <= thought + 5


@pytest.mark.parametrize(
    "thinking",
    [{"type": "enabled", "budget_tokens": 500}, {"type": "enabled", "budget_tokens": 5000}, {"type": "sometimes"}],
)
def test_anthropic_refuses_thinking_settings_the_api_refuses(anthropic_emu: AnthropicEmulator, thinking: dict) -> None:
    reply = post(anthropic_emu, "/v1/messages", message("Text.", max_tokens=4000, thinking=thinking))
    assert reply.status_code == 400 and reply.json()["error"]["type"] == "invalid_request_error"


def test_anthropic_count_tokens_and_max_tokens_cut(anthropic_emu: AnthropicEmulator) -> None:
    body = message("Money is a tool. " * 10)
    counted = post(anthropic_emu, "/v1/messages/count_tokens", body).json()["input_tokens"]
    usage = post(anthropic_emu, "/v1/messages", body | {"system": "Analyse."}).json()["usage"]
    assert counted > 40 and usage["input_tokens"] > 40
    cut = post(anthropic_emu, "/v1/messages", message("Money is a tool. Most people never learn it.", max_tokens=3))
    assert cut.json()["stop_reason"] == "max_tokens" and cut.json()["usage"]["output_tokens"] <= 3


def test_anthropic_batch_lifecycle(anthropic_emu: AnthropicEmulator) -> None:
    anthropic_emu.batch_polls_until_ended = 1
    requests = [
        {"custom_id": "a", "params": message("Money is a tool. Most people never learn it.")},
        {"custom_id": "b", "params": message("Bad request.", temperature=1.0)},
    ]
    created = post(anthropic_emu, "/v1/messages/batches", {"requests": requests}).json()
    url = f"{anthropic_emu.base_url}/v1/messages/batches/{created['id']}"
    assert created["processing_status"] == "in_progress" and created["results_url"] is None

    first = httpx.get(url, headers=HEADERS).json()
    assert first["processing_status"] == "in_progress"
    assert httpx.get(url + "/results", headers=HEADERS).status_code == 400
    ended = httpx.get(url, headers=HEADERS).json()
    assert ended["processing_status"] == "ended" and ended["request_counts"]["errored"] == 1

    lines = [json.loads(line) for line in httpx.get(ended["results_url"], headers=HEADERS).text.splitlines()]
    by_id = {line["custom_id"]: line["result"] for line in lines}
    assert by_id["a"]["type"] == "succeeded" and by_id["a"]["message"]["usage"]["output_tokens"] > 0
    assert by_id["b"]["type"] == "errored"
    assert by_id["b"]["error"]["error"]["type"] == "invalid_request_error"
    duplicate = post(anthropic_emu, "/v1/messages/batches", {"requests": [requests[0], requests[0]]})
    assert duplicate.status_code == 400


def chat(text: str, system: str = "Analyse.", **extra: Any) -> dict:
    return {
        "model": "llama3.2",
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "A", "schema": SCHEMA, "strict": True}},
        **extra,
    }


def test_openai_chat_completions(openai_emu: OpenAIEmulator) -> None:
    url = openai_emu.base_url + "/v1/chat/completions"
    bearer = {"authorization": "Bearer test-key"}
    reply = httpx.post(url, json=chat("Money is a tool. Most people never learn it."), headers=bearer).json()
    answer = json.loads(reply["choices"][0]["message"]["content"])
    assert set(answer) == set(SCHEMA["properties"]) and reply["choices"][0]["finish_reason"] == "stop"
    assert reply["usage"]["total_tokens"] == reply["usage"]["prompt_tokens"] + reply["usage"]["completion_tokens"]
    assert httpx.post(url, json=chat("x"), headers={"authorization": "Bearer nope"}).status_code == 401

    long_system = "Stable instructions. " * 300
    httpx.post(url, json=chat("one.", long_system), headers=bearer)
    cached = httpx.post(url, json=chat("two.", long_system), headers=bearer).json()["usage"]
    assert cached["prompt_tokens_details"]["cached_tokens"] > 1024

    cut = httpx.post(url, json=chat("Money is a tool. Most people never learn it.", max_tokens=2), headers=bearer)
    assert cut.json()["choices"][0]["finish_reason"] == "length"

    openai_emu.fail_next(503)
    assert httpx.post(url, json=chat("x"), headers=bearer).status_code == 503
    openai_emu.quota_exhausted = True
    quota = httpx.post(url, json=chat("x"), headers=bearer)
    assert quota.status_code == 429 and quota.json()["error"]["code"] == "insufficient_quota"
