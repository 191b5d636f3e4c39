"""Cost of a turn from its token counts and one price table that users can override.

The table lives in one documented file, ``agent/models/prices.yaml``, because prices change more
often than code: a user fixes a price by editing YAML (``SCREENLOOP_PRICES=my-prices.yaml``, or
``make_model(..., prices=...)``), with no release. Entries are merged over the defaults, key by key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from actions import UserError

from .base import Usage

__all__ = ["DEFAULT_PRICES", "Price", "PriceTable"]

DEFAULT_PRICES = Path(__file__).with_name("prices.yaml")
ENV_VAR = "SCREENLOOP_PRICES"
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$")
"""A snapshot suffix: ``gpt-5.4-2026-03-05`` is priced as ``gpt-5.4``, but ``gpt-5.4-mini`` is not."""


class Price(BaseModel):
    """US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float
    output: float
    cached_input: float | None = None
    """Defaults to ``input`` when the provider publishes no cached rate."""
    cache_write: float | None = None
    """Defaults to ``input``."""

    def cost(self, usage: Usage) -> float:
        per_token = (
            usage.input_tokens * self.input
            + usage.cached_input_tokens * (self.input if self.cached_input is None else self.cached_input)
            + usage.cache_write_tokens * (self.input if self.cache_write is None else self.cache_write)
            + usage.output_tokens * self.output
        )
        return per_token / 1_000_000


class PriceTable:
    """Model name to ``Price``; a dated snapshot is priced as its model."""

    def __init__(self, prices: Mapping[str, Price]) -> None:
        self.prices = dict(prices)

    @classmethod
    def load(cls, override: str | Path | Mapping[str, Any] | None = None) -> PriceTable:
        """The defaults, then ``$SCREENLOOP_PRICES``, then ``override`` (a path or a mapping)."""
        table = _read(DEFAULT_PRICES)
        if os.environ.get(ENV_VAR):
            table.update(_read(Path(os.environ[ENV_VAR])))
        if isinstance(override, Mapping):
            table.update(_parse(override, "the prices argument"))
        elif override is not None:
            table.update(_read(Path(override)))
        return cls(table)

    def price(self, model: str) -> Price | None:
        """The price of ``model``, or of the model it is a dated snapshot of (``...-20260217``)."""
        if model in self.prices:
            return self.prices[model]
        base = _SNAPSHOT.sub("", model)
        return self.prices.get(base)

    def cost(self, model: str, usage: Usage) -> Usage:
        """``usage`` with ``cost_usd`` filled in (0 for a model with no price)."""
        price = self.price(model)
        return usage.model_copy(update={"cost_usd": price.cost(usage) if price else 0.0})


def _read(path: Path) -> dict[str, Price]:
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise UserError(f"cannot read the price file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise UserError(f"the price file {path} is not valid YAML: {exc}") from exc
    return _parse(data or {}, str(path))


def _parse(data: Any, where: str) -> dict[str, Price]:
    if not isinstance(data, Mapping):
        raise UserError(f"{where}: expected a mapping of model name to prices")
    table = {}
    for name, entry in data.items():
        try:
            table[str(name)] = Price.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise UserError(f"{where}: prices for {name!r}: {problems}") from exc
    return table
