"""Text heuristics shared by the rule-based provider and the skills: sentences, hooks, open loops,
the central claim and key phrases (see docs/rules.md)."""
