"""What a call costs, from the prices in config/ai_config.yaml (USD per million tokens).

Model ids and prices live only in config. When a model's price leaves out the cache
rates, reads cost 0.1x and writes 1.25x the input price (Anthropic's 5-minute cache);
Message Batches cost half of every rate. A dated snapshot id such as
`claude-haiku-5-5-20261007` uses the price of its configured alias `claude-haiku-5-5`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..config import ModelPrice
from ..errors import ConfigError
from .base import Usage

CACHE_READ_FACTOR = 0.1
CACHE_WRITE_FACTOR = 1.25
BATCH_FACTOR = 0.5
PER_TOKEN = 1e-6  # prices are per million tokens


@dataclass(frozen=True)
class Rates:
    """USD per million tokens for each kind of token."""

    input: float
    output: float
    cache_read: float
    cache_write: float

    def scaled(self, factor: float) -> Rates:
        return Rates(self.input * factor, self.output * factor, self.cache_read * factor, self.cache_write * factor)


class Pricing:
    def __init__(self, prices: Mapping[str, ModelPrice]):
        self._prices = dict(prices)

    def _entry(self, model: str) -> ModelPrice | None:
        if model in self._prices:
            return self._prices[model]
        aliases = [name for name in self._prices if model.startswith(name + "-")]
        return self._prices[max(aliases, key=len)] if aliases else None

    def has(self, model: str) -> bool:
        return self._entry(model) is not None

    def rates(self, model: str, *, batch: bool = False) -> Rates:
        price = self._entry(model)
        if price is None:
            raise ConfigError(
                f"ai_config.yaml has no price for model {model!r}: add it under `prices:` "
                "(USD per million tokens; 0 for a local model)"
            )
        rates = Rates(
            input=price.input,
            output=price.output,
            cache_read=price.input * CACHE_READ_FACTOR if price.cache_read is None else price.cache_read,
            cache_write=price.input * CACHE_WRITE_FACTOR if price.cache_write is None else price.cache_write,
        )
        return rates.scaled(BATCH_FACTOR) if batch else rates

    def cost(self, model: str, usage: Usage, *, batch: bool = False) -> float:
        """USD for the tokens in `usage` (its `cost_usd` is ignored)."""
        r = self.rates(model, batch=batch)
        return PER_TOKEN * (
            usage.input_tokens * r.input
            + usage.output_tokens * r.output
            + usage.cache_read_tokens * r.cache_read
            + usage.cache_write_tokens * r.cache_write
        )

    def priced(self, model: str, usage: Usage, *, batch: bool = False) -> Usage:
        """A copy of `usage` with its cost filled in."""
        return Usage(
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_read_tokens,
            usage.cache_write_tokens,
            self.cost(model, usage, batch=batch),
        )

    def ceiling(self, model: str, input_tokens: int, output_tokens: int, *, batch: bool = False) -> float:
        """The most a call with these token counts can cost: input priced as a cache write if dearer."""
        r = self.rates(model, batch=batch)
        return PER_TOKEN * (input_tokens * max(r.input, r.cache_write) + output_tokens * r.output)
