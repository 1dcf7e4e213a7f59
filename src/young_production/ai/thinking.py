"""How much a Claude call may think, and the output limit that leaves room for the answer.

Current Claude models think adaptively unless told otherwise, and thinking tokens count
toward `max_tokens`: a call sized for its answer alone (a few hundred tokens) can spend
them all thinking and stop with `stop_reason: max_tokens` before the JSON is complete.
So every call says what it wants, from config/ai_config.yaml (the skill's own setting,
else the `anthropic:` section's):

    thinking: off        -> {"thinking": {"type": "disabled"}}; nothing reserved
    thinking: adaptive   -> {"thinking": {"type": "adaptive"}}; `thinking_tokens` reserved
    thinking: 2048       -> {"thinking": {"type": "enabled", "budget_tokens": 2048}}; 2048 reserved
    effort: medium       -> {"output_config": {"effort": "medium"}}

and `max_tokens` = the answer's budget + the thinking reserve. Thinking is billed as
output, so cost ceilings count the reserve too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import ProviderConfig, SkillAIConfig


@dataclass(frozen=True)
class ThinkingPlan:
    mode: str  # "off", "adaptive" or "budget"
    reserve: int  # output tokens kept for thinking
    effort: str | None = None

    def params(self) -> dict[str, Any]:
        """The Messages API parameters for this plan (`output_config` to merge with the format)."""
        if self.mode == "off":
            thinking: dict[str, Any] = {"type": "disabled"}
        elif self.mode == "budget":
            thinking = {"type": "enabled", "budget_tokens": self.reserve}
        else:
            thinking = {"type": "adaptive"}
        params: dict[str, Any] = {"thinking": thinking}
        if self.effort:
            params["output_config"] = {"effort": self.effort}
        return params

    def max_tokens(self, answer_tokens: int) -> int:
        return answer_tokens + self.reserve

    def describe(self) -> str:
        if self.mode == "off":
            return "thinking off"
        what = f"thinking budget {self.reserve}" if self.mode == "budget" else f"adaptive thinking ({self.reserve} reserved)"
        return what + (f", effort {self.effort}" if self.effort else "")


def thinking_plan(skill: SkillAIConfig | None, provider: ProviderConfig) -> ThinkingPlan:
    """The skill's thinking setting, else the provider's."""
    setting = skill.thinking if skill is not None and skill.thinking is not None else provider.thinking
    effort = (skill.effort if skill is not None else None) or provider.effort
    if setting == "off":
        return ThinkingPlan("off", 0, effort)
    if isinstance(setting, int):
        return ThinkingPlan("budget", setting, effort)
    reserve = (skill.thinking_tokens if skill is not None else None) or provider.thinking_tokens
    return ThinkingPlan("adaptive", reserve, effort)


NO_THINKING = ThinkingPlan("off", 0)
"""What providers without a thinking switch (OpenAI-compatible servers) use."""
