"""What the Claude and OpenAI-compatible providers share: model and output limit per skill, from config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..config import ProviderConfig
from ..errors import ConfigError
from .base import AIRequest
from .pricing import Pricing

if TYPE_CHECKING:  # the router imports this module and must not load an SDK's HTTP stack
    import httpx2

OPENAI_HOST = "api.openai.com"


def is_official_openai(base_url: str | None) -> bool:
    """Whether an OpenAI-compatible base URL is OpenAI itself (which needs a key; local servers do not)."""
    return not base_url or OPENAI_HOST in base_url


class ConfiguredProvider:
    """A provider whose model and output token limit come from config, per skill."""

    name: str

    def __init__(
        self,
        settings: ProviderConfig,
        pricing: Pricing,
        skill_models: Mapping[str, str] | None = None,
        skill_max_tokens: Mapping[str, int] | None = None,
    ):
        self.settings = settings
        self.pricing = pricing
        self.skill_models = dict(skill_models or {})
        self.skill_max_tokens = dict(skill_max_tokens or {})

    def model_for(self, request: AIRequest) -> str:
        model = self.skill_models.get(request.skill) or self.settings.default_model
        if not model:
            raise ConfigError(f"ai_config.yaml: {self.name}.default_model is empty")
        return model

    def max_tokens_for(self, request: AIRequest) -> int:
        return self.skill_max_tokens.get(request.skill) or request.max_output_tokens


def never_retry_when(is_final: Callable[[int, str], bool]) -> Callable[[httpx2.Response], None]:
    """An httpx response hook telling the SDK's retry loop not to retry the answers `is_final` picks.

    Spend-limit and quota answers come back as 400/429, which the SDKs would retry.
    """

    def hook(response: httpx2.Response) -> None:
        if response.status_code in (400, 429):
            response.read()
            if is_final(response.status_code, response.text):
                response.headers["x-should-retry"] = "false"

    return hook
