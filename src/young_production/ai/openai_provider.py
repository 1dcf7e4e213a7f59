"""Any OpenAI-compatible chat-completions server through the `openai` SDK.

OpenAI itself, or a local server (Ollama `http://127.0.0.1:11434/v1`, vLLM, LM Studio)
through `openai.base_url`. Same contract as the Claude provider: a strict JSON schema
in `response_format`, one retry when an answer does not fit, usage priced from config
(price a local model at 0). The SDK sends the key as `Authorization: Bearer`; local
servers ignore it, so a key is only required for api.openai.com.

A quota / spend-limit answer (429 `insufficient_quota`, `*_spend_limit_exceeded`,
`credit_balance_exhausted`) is not retried and raises `BudgetExceeded`. A refused key
(401/403), a model the server does not have (404), and a server that refuses the
connection (Ollama not running) or does not answer within `connect_timeout_sec` /
`read_timeout_sec` once the SDK's retries are spent raise `AccountError`: no entry
could be answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import openai

from ..config import ProviderConfig
from ..errors import AccountError, AIError, BudgetExceeded, ConfigError, TransientError
from .base import AIAnswer, AIRequest, T, Usage
from .configured import ConfiguredProvider, is_official_openai, never_retry_when, unreachable
from .pricing import Pricing
from .prompting import (
    ATTEMPTS,
    RawAnswer,
    answer_with_retry,
    build_prompt,
    strict_json_schema,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
LOCAL_PLACEHOLDER_KEY = "not-needed"
QUOTA_CODES = (
    "insufficient_quota",
    "organization_spend_limit_exceeded",
    "project_spend_limit_exceeded",
    "organization_usage_limit_exceeded",
    "credit_balance_exhausted",
)


def is_quota_error(status: int, body_text: str) -> bool:
    return status == 429 and any(code in body_text for code in QUOTA_CODES)



class OpenAICompatibleProvider(ConfiguredProvider):
    name = "openai"

    def __init__(
        self,
        settings: ProviderConfig,
        pricing: Pricing,
        skill_models: Mapping[str, str] | None = None,
        skill_max_tokens: Mapping[str, int] | None = None,
    ):
        if is_official_openai(settings.base_url) and not settings.api_key:
            raise ConfigError("the openai provider needs an API key for api.openai.com: set OPENAI_API_KEY")
        super().__init__(settings, pricing, skill_models, skill_max_tokens)
        self.client = openai.OpenAI(
            api_key=settings.api_key or LOCAL_PLACEHOLDER_KEY,
            base_url=settings.base_url or OPENAI_BASE_URL,
            max_retries=settings.max_retries,
            timeout=openai.Timeout(settings.read_timeout_sec, connect=settings.connect_timeout_sec),
            http_client=openai.DefaultHttpxClient(event_hooks={"response": [never_retry_when(is_quota_error)]}),
        )

    def completion_params(self, request: AIRequest, schema: type[T]) -> dict[str, Any]:
        prompt = build_prompt(request, schema)
        # api.openai.com wants max_completion_tokens; local servers know max_tokens.
        limit_key = "max_completion_tokens" if is_official_openai(self.settings.base_url) else "max_tokens"
        return {
            "model": self.model_for(request),
            limit_key: self.max_tokens_for(request),
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": prompt.schema_name[:64], "schema": strict_json_schema(schema), "strict": True},
            },
        }

    def cost_ceiling(self, request: AIRequest, schema: type[T]) -> float:
        prompt = build_prompt(request, schema)
        one = self.pricing.ceiling(self.model_for(request), prompt.estimated_input_tokens(), self.max_tokens_for(request))
        return one * ATTEMPTS

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        params = self.completion_params(request, schema)
        model = params["model"]

        def attempt() -> RawAnswer:
            completion = self._create(params)
            choice = completion.choices[0] if completion.choices else None
            text = (choice.message.content or "") if choice else ""
            refused = bool(choice and getattr(choice.message, "refusal", None))
            usage = self.pricing.priced(model, usage_of(completion.usage))
            return RawAnswer(text, usage, cut_off=bool(choice and choice.finish_reason == "length"), refused=refused)

        value, usage = answer_with_retry(attempt, schema, provider=self.name, model=model,
                                         cut_off_hint=self.cut_off_hint(request))
        return AIAnswer(value=value, usage=usage, provider=self.name, model=model)

    def _create(self, params: dict[str, Any]) -> Any:
        try:
            return self.client.chat.completions.create(**params)
        except openai.APIStatusError as exc:
            raise translate_error(exc) from None
        except openai.APIConnectionError as exc:  # APITimeoutError is one too
            where = str(self.client.base_url)
            raise unreachable("the OpenAI-compatible server", where, exc, self.settings,
                              "start it (for Ollama: `ollama serve`) or fix openai.base_url in ai_config.yaml, or "
                              "raise openai.read_timeout_sec if a local model answers slowly") from None


def usage_of(sdk_usage: Any) -> Usage:
    if sdk_usage is None:
        return Usage()
    details = getattr(sdk_usage, "prompt_tokens_details", None)
    cached = (getattr(details, "cached_tokens", None) or 0) if details else 0
    return Usage(
        input_tokens=max((sdk_usage.prompt_tokens or 0) - cached, 0),
        output_tokens=sdk_usage.completion_tokens or 0,
        cache_read_tokens=cached,
    )


def translate_error(exc: openai.APIStatusError) -> Exception:
    status = exc.status_code
    body = exc.response.text if exc.response is not None else str(exc)
    message = str(exc.message)[:200]
    if is_quota_error(status, body):
        return BudgetExceeded(
            f"the OpenAI-compatible server reports the quota or spend limit is reached ({message}); "
            "the run stops and the remaining entries stay unprocessed"
        )
    if status in (401, 403):
        return AccountError(
            f"the OpenAI-compatible server refused the API key (HTTP {status}): {message}; check OPENAI_API_KEY"
        )
    if status == 404 and _names_a_missing_model(body):
        return AccountError(
            f"the OpenAI-compatible server has no such model ({message}): pull it (Ollama: `ollama pull MODEL`) "
            "or fix the model in ai_config.yaml"
        )
    if status in (408, 409, 429) or status >= 500:
        return TransientError(f"the OpenAI-compatible server is busy or failing (HTTP {status}): {message}")
    return AIError(f"the OpenAI-compatible server rejected the request (HTTP {status}): {message}")


def _names_a_missing_model(body_text: str) -> bool:
    """OpenAI says `model_not_found`; Ollama says 'model "x" not found, try pulling it first'."""
    text = body_text.lower()
    return "model_not_found" in text or ("model" in text and ("not found" in text or "does not exist" in text))
