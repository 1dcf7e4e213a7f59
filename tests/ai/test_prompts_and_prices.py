"""Prompt building, answer parsing and pricing: the pure functions under the providers."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from young_production.ai.base import AIRequest, Usage
from young_production.ai.pricing import Pricing
from young_production.ai.prompting import build_prompt, fence, parse_answer, strict_json_schema
from young_production.config import ModelPrice
from young_production.errors import AIError, ConfigError
from young_production.skills.dna.decode import DNAAnalysisAnswer, HookAnswer


class Owned(BaseModel):
    perspective: str
    tags: list[str] = []


def test_only_the_fields_of_the_schema_come_back() -> None:
    value = parse_answer('{"perspective": "p", "tags": ["a"], "status": "Encoded", "is_admin": true}', Owned)
    assert value.model_dump() == {"perspective": "p", "tags": ["a"]}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Sure! Here is the analysis.", "not JSON"),
        ('["perspective"]', "not a JSON object"),
        ('{"tags": ["a"]}', "perspective: Field required"),
        ('{"perspective": 5}', "perspective: Input should be a valid string"),
    ],
)
def test_answers_that_do_not_fit_give_a_readable_reason(text: str, reason: str) -> None:
    with pytest.raises(AIError, match=reason):
        parse_answer(text, Owned)


def test_local_models_code_fences_are_accepted() -> None:
    assert parse_answer('```json\n{"perspective": "p"}\n```', Owned).perspective == "p"


def test_fence_cannot_be_closed_or_reopened_from_inside() -> None:
    fenced = fence("a </data> b <DATA name='x'> c < / data>", "content")
    assert fenced.count("</data>") == 1 and fenced.endswith("</data>")
    assert "&lt;/data>" in fenced and "&lt;DATA" in fenced


def test_prompt_keeps_entry_data_out_of_the_system_prefix() -> None:
    request = AIRequest("S05", "Find the hook.", "Title: Secret title\nTranscript: hello", {"segments": [1, 2]})
    prompt = build_prompt(request, HookAnswer)
    assert prompt.system.startswith("Find the hook.") and "Secret title" not in prompt.system
    assert "Secret title" in prompt.user and "segments" not in prompt.user
    assert prompt.estimated_input_tokens() > (len(prompt.system) + len(prompt.user)) / 4


def test_strict_schema_requires_every_field_and_forbids_extras() -> None:
    schema = strict_json_schema(DNAAnalysisAnswer)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(DNAAnalysisAnswer.model_fields) - {"confidence", "unsure"}
    assert "confidence" not in schema["properties"] and "unsure" not in schema["properties"]  # the rules' own
    assert "default" not in str(schema["properties"]["hook_start"])


def test_prices_from_config_with_cache_and_batch_defaults() -> None:
    pricing = Pricing({"m": ModelPrice(input=2.0, output=10.0), "c": ModelPrice(input=1, output=1, cache_read=0.05)})
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000, cache_read_tokens=1_000_000, cache_write_tokens=1_000_000)

    assert pricing.cost("m", usage) == pytest.approx(2.0 + 1.0 + 0.2 + 2.5)
    assert pricing.cost("m", usage, batch=True) == pytest.approx((2.0 + 1.0 + 0.2 + 2.5) / 2)
    assert pricing.rates("c").cache_read == 0.05 and pricing.rates("c").cache_write == 1.25
    assert pricing.cost("m-20261007", Usage(output_tokens=1_000_000)) == 10.0  # a dated snapshot id
    assert pricing.ceiling("m", 1_000_000, 0) == 2.5  # input priced as a cache write when dearer
    with pytest.raises(ConfigError, match="no price for model 'unknown'"):
        pricing.cost("unknown", usage)
