"""The rule-based AI provider: answers schemas offline, deterministically, for free.

A schema the rules can answer says how, with a static `answer_by_rules(request)`
returning the schema's fields as a dict; the skill that owns the schema provides it
(e.g. `skills.dna.rules` for the WF1 analysis). The provider itself knows no
schema, so skills depend on it and never the other way round. A schema without
`answer_by_rules` is an `AIError`, never a guess.
"""

from __future__ import annotations

from pydantic import ValidationError

from ...errors import AIError
from ..base import AIAnswer, AIRequest, T, Usage

MODEL = "rules-v1"


class RuleProvider:
    """Zero-cost, offline provider for every schema that carries `answer_by_rules`."""

    name = "rules"

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        answer_by_rules = getattr(schema, "answer_by_rules", None)
        if answer_by_rules is None:
            raise AIError(f"the rule provider cannot answer {schema.__name__} (it has no answer_by_rules)")
        fields = answer_by_rules(request)
        try:
            value = schema.model_validate(fields)
        except ValidationError as exc:  # a schema subclass that adds required fields
            reason = exc.errors()[0]["msg"]
            raise AIError(f"the rule provider's answer does not fit {schema.__name__}: {reason}") from None
        return AIAnswer(value=value, usage=Usage(), provider=self.name, model=MODEL)
