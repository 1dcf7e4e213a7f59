"""What the Claude and OpenAI-compatible providers share: model and output limit per skill, from config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ..config import ProviderConfig
from ..errors import ConfigError
from .base import AIRequest
from .pricing import Pricing
from .thinking import NO_THINKING, ThinkingPlan, thinking_plan

if TYPE_CHECKING:  # the router imports this module and must not load an SDK's HTTP stack
    import httpx2

OPENAI_HOST = "api.openai.com"


def is_official_openai(base_url: str | None) -> bool:
    """Whether an OpenAI-compatible base URL is OpenAI itself (which needs a key; local servers do not)."""
    return not base_url or OPENAI_HOST in base_url


class ConfiguredProvider:
    """A provider whose model, output token limit and thinking come from config, per skill.

    `max_tokens_for` is the whole output limit of a call: the answer's budget plus what
    the call may spend thinking (thinking counts toward the limit; see thinking.py).
    """

    name: str
    thinks = False  # whether the provider takes a thinking setting (Claude does)

    def __init__(
        self,
        settings: ProviderConfig,
        pricing: Pricing,
        skill_models: Mapping[str, str] | None = None,
        skill_max_tokens: Mapping[str, int] | None = None,
        skill_thinking: Mapping[str, ThinkingPlan] | None = None,
    ):
        self.settings = settings
        self.pricing = pricing
        self.skill_models = dict(skill_models or {})
        self.skill_max_tokens = dict(skill_max_tokens or {})
        self.skill_thinking = dict(skill_thinking or {})
        self.default_thinking = thinking_plan(None, settings) if self.thinks else NO_THINKING

    def model_for(self, request: AIRequest) -> str:
        model = self.skill_models.get(request.skill) or self.settings.default_model
        if not model:
            raise ConfigError(f"ai_config.yaml: {self.name}.default_model is empty")
        return model

    def answer_tokens_for(self, request: AIRequest) -> int:
        """The answer's own budget (without thinking)."""
        return self.skill_max_tokens.get(request.skill) or request.max_output_tokens

    def thinking_for(self, request: AIRequest) -> ThinkingPlan:
        return self.skill_thinking.get(request.skill) or self.default_thinking

    def max_tokens_for(self, request: AIRequest) -> int:
        return self.thinking_for(request).max_tokens(self.answer_tokens_for(request))

    def cut_off_hint(self, request: AIRequest) -> str:
        """What to change when an answer stops at the output limit."""
        plan = self.thinking_for(request)
        knobs = f"skills.{request.skill}.max_output_tokens"
        if plan.mode != "off":
            knobs += f" or {'thinking' if plan.mode == 'budget' else 'thinking_tokens'} (or set thinking: off)"
        return (f"{self.name} answer for {request.skill} stopped at the output limit of {self.max_tokens_for(request)} "
                f"tokens ({plan.describe()}): raise {knobs} in ai_config.yaml")


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
