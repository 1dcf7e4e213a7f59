"""Claude through the `anthropic` SDK: structured outputs, prompt caching, priced usage.

* The model comes from config per skill (`skill_models`), else `default_model`.
* Answers use structured outputs: `output_config={"format": {"type": "json_schema",
  "schema": ...}}` with the schema in the form the SDK's own `transform_schema` makes.
  No assistant prefill, no forced tool choice, no sampling parameters: the newest
  models reject all three.
* The stable system prefix carries `cache_control`, so entries after the first read
  it from the cache (when it is long enough for the model's cache minimum).
* The SDK retries 408/409/429/5xx/529 (`max_retries` from config). The organisation
  spend-limit answer (429 `enforced_spend_limit_reached`, or 400 "reached your
  specified API usage limits") is never retried: it raises `BudgetExceeded`, which
  stops the run without marking the entry failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import anthropic

from ..config import ProviderConfig
from ..errors import AIError, BudgetExceeded, ConfigError, TransientError
from .base import AIAnswer, AIRequest, T, Usage
from .configured import ConfiguredProvider, never_retry_when
from .pricing import Pricing
from .prompting import ATTEMPTS, Prompt, RawAnswer, answer_with_retry, build_prompt

DEFAULT_BASE_URL = "https://api.anthropic.com"
SPEND_LIMIT_MARKERS = ("enforced_spend_limit_reached", "reached your specified api usage limits",
                       "reached your specified workspace api usage limits")


def is_spend_limit(status: int, body_text: str) -> bool:
    text = body_text.lower()
    return status in (400, 429) and any(marker in text for marker in SPEND_LIMIT_MARKERS)



class AnthropicProvider(ConfiguredProvider):
    name = "anthropic"

    def __init__(
        self,
        settings: ProviderConfig,
        pricing: Pricing,
        skill_models: Mapping[str, str] | None = None,
        skill_max_tokens: Mapping[str, int] | None = None,
    ):
        if not settings.api_key:
            raise ConfigError("the anthropic provider needs an API key: set ANTHROPIC_API_KEY")
        super().__init__(settings, pricing, skill_models, skill_max_tokens)
        self.client = anthropic.Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url or DEFAULT_BASE_URL,
            max_retries=settings.max_retries,
            timeout=settings.timeout_sec,
            http_client=anthropic.DefaultHttpxClient(event_hooks={"response": [never_retry_when(is_spend_limit)]}),
        )

    # --- planning ---------------------------------------------------------------------

    def message_params(self, request: AIRequest, schema: type[T]) -> dict[str, Any]:
        """The Messages API parameters for a request (also what a batch item carries)."""
        prompt = build_prompt(request, schema)
        return {
            "model": self.model_for(request),
            "max_tokens": self.max_tokens_for(request),
            "system": [{"type": "text", "text": prompt.system, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": prompt.user}],
            "output_config": {"format": {"type": "json_schema", "schema": anthropic.transform_schema(schema)}},
        }

    def cost_ceiling(self, request: AIRequest, schema: type[T], *, batch: bool = False) -> float:
        """The most `complete` can spend on this request, all attempts included."""
        prompt: Prompt = build_prompt(request, schema)
        one = self.pricing.ceiling(
            self.model_for(request), prompt.estimated_input_tokens(), self.max_tokens_for(request), batch=batch
        )
        return one * (1 if batch else ATTEMPTS)

    # --- calls ------------------------------------------------------------------------

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        params = self.message_params(request, schema)
        model = params["model"]

        def attempt() -> RawAnswer:
            message = self._create(params)
            return self.raw_answer(model, message)

        value, usage = answer_with_retry(attempt, schema, provider=self.name, model=model)
        return AIAnswer(value=value, usage=usage, provider=self.name, model=model)

    def raw_answer(self, model: str, message: Any, *, batch: bool = False) -> RawAnswer:
        """Text, priced usage and stop state of an SDK Message."""
        text = "".join(block.text for block in message.content if getattr(block, "type", "") == "text")
        usage = self.pricing.priced(model, usage_of(message.usage), batch=batch)
        return RawAnswer(
            text=text,
            usage=usage,
            cut_off=message.stop_reason == "max_tokens",
            refused=message.stop_reason == "refusal",
        )

    def _create(self, params: dict[str, Any]) -> Any:
        return self._call(self.client.messages.create, **params)

    # --- Message Batches (used by batch.py) -------------------------------------------

    def create_batch(self, requests: list[dict[str, Any]]) -> str:
        return self._call(self.client.messages.batches.create, requests=requests).id

    def batch_ended(self, batch_id: str) -> bool:
        return self._call(self.client.messages.batches.retrieve, batch_id).processing_status == "ended"

    def batch_results(self, batch_id: str) -> Iterator[tuple[str, Any]]:
        """(custom_id, SDK result) for every request of an ended batch."""
        for line in self._call(self.client.messages.batches.results, batch_id):
            yield line.custom_id, line.result

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except anthropic.APIStatusError as exc:
            raise translate_error(exc) from None
        except (anthropic.APIConnectionError, anthropic.APITimeoutError) as exc:
            raise TransientError(f"Claude could not be reached: {exc}") from None


def usage_of(sdk_usage: Any) -> Usage:
    return Usage(
        input_tokens=sdk_usage.input_tokens or 0,
        output_tokens=sdk_usage.output_tokens or 0,
        cache_read_tokens=getattr(sdk_usage, "cache_read_input_tokens", None) or 0,
        cache_write_tokens=getattr(sdk_usage, "cache_creation_input_tokens", None) or 0,
    )


def translate_error(exc: anthropic.APIStatusError) -> Exception:
    """One of our errors for an SDK status error (after the SDK's own retries)."""
    status = exc.status_code
    body = exc.response.text if exc.response is not None else str(exc)
    message = _error_message(exc)
    if is_spend_limit(status, body):
        return BudgetExceeded(
            f"Anthropic reports the organisation's spend limit is reached ({message}); "
            "the run stops and the remaining entries stay unprocessed"
        )
    if status in (401, 403):
        return ConfigError(f"Anthropic refused the API key (HTTP {status}): {message}")
    if status in (408, 409, 429) or status >= 500:
        return TransientError(f"Claude is busy or failing (HTTP {status}): {message}")
    return AIError(f"Claude rejected the request (HTTP {status}): {message}")


def _error_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return str(error.get("message") or exc.message)[:200]
