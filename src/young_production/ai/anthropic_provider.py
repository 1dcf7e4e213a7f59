"""Claude through the `anthropic` SDK: structured outputs, prompt caching, priced usage.

* The model comes from config per skill (`skill_models`), else `default_model`.
* Answers use structured outputs: `output_config={"format": {"type": "json_schema",
  "schema": ...}}` with the schema in the form the SDK's own `transform_schema` makes.
  No assistant prefill, no forced tool choice, no sampling parameters: the newest
  models reject all three.
* The stable system prefix carries `cache_control`, so entries after the first read
  it from the cache (when it is long enough for the model's cache minimum).
* The SDK retries 408/409/429/5xx/529 (`max_retries` from config, honouring
  Retry-After). The organisation spend-limit answer (429 `enforced_spend_limit_reached`,
  or 400 "reached your specified API usage limits") is never retried: it raises
  `BudgetExceeded`, which stops the run without marking the entry failed.
* Answers that no entry could get stop the run with `AccountError`: an empty credit
  balance (400 "Your credit balance is too low..."), 402 `billing_error`, 401/403 (a
  revoked key, missing permission), 404 on the model (a model id that does not exist).
  So does an address where Claude cannot be reached or does not answer within
  `connect_timeout_sec` / `read_timeout_sec` once the SDK's retries are spent
  (`ProviderUnreachable`, naming the address tried).
* Thinking is set per skill (thinking.py), and `max_tokens` leaves room for it; an
  answer that still stops at `max_tokens` is an `AnswerCutOff`, never half parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import anthropic

from ..config import ProviderConfig
from ..errors import AccountError, AIError, BudgetExceeded, ConfigError, TransientError
from .base import AIAnswer, AIRequest, T, Usage
from .configured import ConfiguredProvider, never_retry_when, unreachable
from .pricing import Pricing
from .thinking import ThinkingPlan
from .prompting import ATTEMPTS, Prompt, RawAnswer, answer_with_retry, build_prompt

DEFAULT_BASE_URL = "https://api.anthropic.com"
UNREACHABLE_FIX = ("check anthropic.base_url (ANTHROPIC_BASE_URL) and the network, or raise "
                   "anthropic.read_timeout_sec in ai_config.yaml if answers take longer")
SPEND_LIMIT_MARKERS = ("enforced_spend_limit_reached", "reached your specified api usage limits",
                       "reached your specified workspace api usage limits")


def is_spend_limit(status: int, body_text: str) -> bool:
    text = body_text.lower()
    return status in (400, 429) and any(marker in text for marker in SPEND_LIMIT_MARKERS)



class AnthropicProvider(ConfiguredProvider):
    name = "anthropic"
    thinks = True

    def __init__(
        self,
        settings: ProviderConfig,
        pricing: Pricing,
        skill_models: Mapping[str, str] | None = None,
        skill_max_tokens: Mapping[str, int] | None = None,
        skill_thinking: Mapping[str, ThinkingPlan] | None = None,
    ):
        if not settings.api_key:
            raise ConfigError("the anthropic provider needs an API key: set ANTHROPIC_API_KEY")
        super().__init__(settings, pricing, skill_models, skill_max_tokens, skill_thinking)
        self.client = anthropic.Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url or DEFAULT_BASE_URL,
            max_retries=settings.max_retries,
            timeout=anthropic.Timeout(settings.read_timeout_sec, connect=settings.connect_timeout_sec),
            http_client=anthropic.DefaultHttpxClient(event_hooks={"response": [never_retry_when(is_spend_limit)]}),
        )

    # --- planning ---------------------------------------------------------------------

    def message_params(self, request: AIRequest, schema: type[T]) -> dict[str, Any]:
        """The Messages API parameters for a request (also what a batch item carries)."""
        prompt = build_prompt(request, schema)
        thinking = self.thinking_for(request).params()
        output_config = {**thinking.pop("output_config", {}),
                         "format": {"type": "json_schema", "schema": anthropic.transform_schema(schema)}}
        return {
            "model": self.model_for(request),
            "max_tokens": self.max_tokens_for(request),
            "system": [{"type": "text", "text": prompt.system, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": prompt.user}],
            **thinking,
            "output_config": output_config,
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

        value, usage = answer_with_retry(attempt, schema, provider=self.name, model=model,
                                         cut_off_hint=self.cut_off_hint(request))
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
        except anthropic.APIConnectionError as exc:  # APITimeoutError is one too
            raise unreachable("Claude", str(self.client.base_url), exc, self.settings, UNREACHABLE_FIX) from None


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
    account = _account_problem(status, _error_type(exc), message)
    if account:
        return AccountError(f"{account} ({message}); the run stops and the remaining entries stay unprocessed")
    if status in (408, 409, 429) or status >= 500:
        return TransientError(f"Claude is busy or failing (HTTP {status}): {message}")
    return AIError(f"Claude rejected the request (HTTP {status}): {message}")


def _account_problem(status: int, error_type: str, message: str) -> str | None:
    """What is wrong with the account or setup, when no entry could be answered."""
    lowered = message.lower()
    if status == 402 or error_type == "billing_error":
        return "Anthropic reports a billing problem: check Plans & Billing in the Claude Console"
    if status == 400 and "credit balance" in lowered:
        return "the Anthropic credit balance is too low: buy credits in the Claude Console (Plans & Billing)"
    if status == 401:
        return "Anthropic refused the API key (401): check ANTHROPIC_API_KEY; the key may be revoked"
    if status == 403:
        return "the Anthropic API key may not do this (403 permission_error): check its workspace and permissions"
    if status == 404 and error_type == "not_found_error" and "model" in lowered:
        return "Anthropic has no model by that name for this key: check the model ids in ai_config.yaml"
    return None


def _error_type(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return str(error.get("type") or "")


def _error_message(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    return str(error.get("message") or exc.message)[:200]
