"""What the Claude and OpenAI-compatible providers share: model and output limit per skill, from config."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from ..config import ProviderConfig
from ..errors import AccountError, ConfigError
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


class ProviderUnreachable(AccountError):
    """A provider that refused the connection or did not answer in time, after the SDK's retries.

    Every entry would wait the same timeouts and fail the same way, so the run stops at the
    first one and leaves the rest unprocessed (a hung server would otherwise cost each entry
    `(max_retries + 1) x read_timeout_sec`).
    """


def unreachable(who: str, where: str, exc: BaseException, settings: ProviderConfig, fix: str) -> ProviderUnreachable:
    """The stop for a connection or timeout error from an SDK (`who`: "Claude", ...; `where`: the address tried)."""
    where = shown_address(where)
    attempts = settings.max_retries + 1
    tried = f"{attempts} attempt{'s' if attempts > 1 else ''}"
    kind = _failure_kind(exc)
    if kind == "ReadTimeout":
        what = (f"{who} at {where} did not answer within {settings.read_timeout_sec:g} s (read_timeout_sec), "
                f"{tried}")
    elif kind == "ConnectTimeout":
        what = (f"{who} at {where} did not accept a connection within {settings.connect_timeout_sec:g} s "
                f"(connect_timeout_sec), {tried}")
    elif kind == "refused":
        what = f"nothing answers at {where}, where {who} should be (connection refused, {tried})"
    else:
        detail = " ".join(str(exc).split())[:160] or type(exc).__name__
        what = f"{who} could not be reached at {where} ({detail}; {tried})"
    return ProviderUnreachable(f"{what}: {fix}; the run stops and the remaining entries stay unprocessed")


def shown_address(url: str) -> str:
    """A base URL as it may be printed: without a user, password or query (which can carry a key)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _failure_kind(exc: BaseException) -> str:
    """ReadTimeout, ConnectTimeout, refused or other, from the chain of causes (whichever HTTP library raised)."""
    seen: BaseException | None = exc
    while seen is not None:
        name = type(seen).__name__
        if name in ("ReadTimeout", "WriteTimeout", "PoolTimeout"):
            return "ReadTimeout"
        if name == "ConnectTimeout":
            return "ConnectTimeout"
        if isinstance(seen, ConnectionRefusedError) or "connection refused" in str(seen).lower():
            return "refused"
        seen = seen.__cause__ or seen.__context__
    return "other"
