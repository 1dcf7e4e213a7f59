"""Which provider and model answer each skill, built once per run from config/ai_config.yaml.

Choice, strongest first: the command line's `--provider` (all skills), the skill's
own `skills: {S05: {provider: ...}}`, then `ai.provider`. A skill's `model` applies
when the skill is routed to the provider it names; a `model` without a provider is a
Claude model id, used when the skill runs on anthropic (so switching `ai.provider`
to a local server never sends it a Claude id). Otherwise the provider's
`default_model` answers.

Everything a run needs is checked before any work: known provider names, API keys
of the providers in use, a model and a price for every model in use. All problems
come back as one `ConfigError`.

`build_provider` returns a single `AIProvider` that dispatches on `request.skill`;
Claude and OpenAI-compatible providers are wrapped in `MeteredProvider` so every call
is priced, recorded and held to the spending limits. With only `rules` in use it is
the rule provider itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel

from ..config import AIConfig, ProviderConfig
from ..errors import ConfigError
from .base import AIAnswer, AIProvider, AIRequest, T
from .configured import is_official_openai
from .ledger import CostLedger
from .pricing import Pricing
from .prompting import build_prompt
from .thinking import NO_THINKING, ThinkingPlan, thinking_plan

PROVIDERS = ("rules", "anthropic", "openai")


@dataclass(frozen=True)
class Route:
    provider: str
    model: str | None  # None for rules


class ProviderPlan:
    """The routing decisions of one config (+ optional command-line override)."""

    def __init__(self, config: AIConfig, override: str | None = None):
        self.config = config
        self.override = override

    def settings(self, provider: str) -> ProviderConfig:
        return self.config.anthropic if provider == "anthropic" else self.config.openai

    def route(self, skill: str) -> Route:
        own = self.config.skills.get(skill)
        provider = self.override or (own.provider if own and own.provider else None) or self.config.provider
        if provider == "rules":
            return Route("rules", None)
        skill_model = None
        if own and own.model and (own.provider or "anthropic") == provider:
            skill_model = own.model
        return Route(provider, skill_model or self.settings(provider).default_model or None)

    def routes(self) -> dict[str, Route]:
        """The route of every configured skill, plus `*` for all other skills."""
        routes = {skill: self.route(skill) for skill in self.config.skills}
        routes["*"] = self.route("*")
        return routes

    def providers_in_use(self) -> set[str]:
        return {route.provider for route in self.routes().values()}

    def skill_models(self, provider: str) -> dict[str, str]:
        return {
            skill: route.model
            for skill, route in self.routes().items()
            if skill != "*" and route.provider == provider and route.model
        }

    def skill_max_tokens(self) -> dict[str, int]:
        return {s: c.max_output_tokens for s, c in self.config.skills.items() if c.max_output_tokens}

    def thinking(self, skill: str, provider: str) -> ThinkingPlan:
        """How a skill's calls think on `provider` (only Claude takes a thinking setting)."""
        if provider != "anthropic":
            return NO_THINKING
        return thinking_plan(self.config.skills.get(skill), self.config.anthropic)

    def skill_thinking(self, provider: str) -> dict[str, ThinkingPlan]:
        return {skill: self.thinking(skill, provider) for skill in self.config.skills}

    def problems(self) -> list[str]:
        names = [("--provider", self.override), ("ai.provider", self.config.provider)]
        names += [(f"skills.{s}.provider", c.provider) for s, c in self.config.skills.items()]
        unknown = [f"{where} is {name!r}" for where, name in names if name and name not in PROVIDERS]
        if unknown:
            return [f"{'; '.join(unknown)} (use {', '.join(PROVIDERS)})"]
        found: list[str] = []
        in_use = self.providers_in_use()
        if "anthropic" in in_use and not self.config.anthropic.api_key:
            found.append("the anthropic provider needs an API key: set ANTHROPIC_API_KEY (or anthropic.api_key)")
        openai = self.config.openai
        if "openai" in in_use and not openai.api_key and is_official_openai(openai.base_url):
            found.append("the openai provider needs OPENAI_API_KEY for api.openai.com (local servers need none)")
        pricing = Pricing(self.config.prices)
        for skill, route in sorted(self.routes().items()):
            if route.provider == "rules":
                continue
            if not route.model:
                found.append(f"no model for {route.provider}: set {route.provider}.default_model")
            elif not pricing.has(route.model):
                found.append(f"no price for model {route.model!r} under `prices:` (0 for a local model)")
        return sorted(set(found), key=found.index)

    def check(self) -> None:
        problems = self.problems()
        if problems:
            raise ConfigError("ai_config.yaml: " + "; ".join(problems))


class SkillRouter:
    """An AIProvider that hands each request to the provider its skill is routed to."""

    name = "router"

    def __init__(self, plan: ProviderPlan, providers: dict[str, AIProvider]):
        self.plan = plan
        self.providers = providers

    def provider_for(self, skill: str) -> AIProvider:
        return self.providers[self.plan.route(skill).provider]

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        return self.provider_for(request.skill).complete(request, schema)


def make_llm_provider(plan: ProviderPlan, provider: str, pricing: Pricing) -> AIProvider:
    """The bare (unmetered) Claude or OpenAI-compatible provider of a plan."""
    if provider == "anthropic":
        from .anthropic_provider import AnthropicProvider

        return AnthropicProvider(plan.config.anthropic, pricing, plan.skill_models(provider), plan.skill_max_tokens(),
                                 plan.skill_thinking(provider))
    from .openai_provider import OpenAICompatibleProvider

    return OpenAICompatibleProvider(plan.config.openai, pricing, plan.skill_models(provider), plan.skill_max_tokens())


def build_provider(
    ai_config: AIConfig,
    *,
    ledger: CostLedger,
    run_id: str | None = None,
    override: str | None = None,
) -> AIProvider:
    """The provider a run uses; raises one `ConfigError` before any work when config is unusable."""
    from .metered import MeteredProvider
    from .rules import RuleProvider

    plan = ProviderPlan(ai_config, override)
    plan.check()
    run_id = run_id or uuid.uuid4().hex[:12]
    in_use = plan.providers_in_use()
    if in_use == {"rules"}:
        return RuleProvider()
    pricing = Pricing(ai_config.prices)
    providers: dict[str, AIProvider] = {}
    for name in sorted(in_use):
        if name == "rules":
            providers[name] = RuleProvider()
        else:
            inner = make_llm_provider(plan, name, pricing)
            providers[name] = MeteredProvider(inner, ledger, ai_config.limits, run_id)  # type: ignore[arg-type]
    return SkillRouter(plan, providers)


@dataclass
class CostEstimate:
    """The most a set of calls can cost (prompt estimated high, full output token limit)."""

    calls: int = 0
    usd: float = 0.0
    per_skill: dict[str, float] = field(default_factory=dict)


def estimate_cost(
    ai_config: AIConfig,
    calls: Iterable[tuple[AIRequest, type[BaseModel]]],
    *,
    override: str | None = None,
    batch: bool = False,
) -> CostEstimate:
    """Estimate a run's AI cost without calling anything (for `--dry-run`).

    Pass the requests the run would make; for entries whose transcript is not known
    yet, a request whose `data` is `condense_token_budget * 4` characters long is a
    fair stand-in, since long transcripts are condensed to that budget.
    """
    plan = ProviderPlan(ai_config, override)
    pricing = Pricing(ai_config.prices)
    limits = plan.skill_max_tokens()
    estimate = CostEstimate()
    for request, schema in calls:
        estimate.calls += 1
        route = plan.route(request.skill)
        if route.provider == "rules" or not route.model:
            continue
        tokens = build_prompt(request, schema).estimated_input_tokens()
        answer = limits.get(request.skill) or request.max_output_tokens
        output = plan.thinking(request.skill, route.provider).max_tokens(answer)
        usd = pricing.ceiling(route.model, tokens, output, batch=batch)
        estimate.usd += usd
        estimate.per_skill[request.skill] = estimate.per_skill.get(request.skill, 0.0) + usd
    return estimate
