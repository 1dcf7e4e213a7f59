"""The zero-cost rule-based AI provider and the heuristics behind it (see docs/rules.md)."""

from .provider import RuleProvider

__all__ = ["RuleProvider"]
