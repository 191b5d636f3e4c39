"""The price table: the defaults the README promises, snapshots, and user overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import UserError
from agent.models import Price, PriceTable, Usage


@pytest.mark.parametrize(("model", "input_", "cached", "output"), [
    ("gpt-5.4", 2.50, 0.25, 15.00),
    ("computer-use-preview", 3.00, 3.00, 12.00),
    ("claude-opus-4-6", 5.00, 0.50, 25.00),
    ("claude-sonnet-4-6", 3.00, 0.30, 15.00),
])
def test_default_prices_per_million_tokens(model: str, input_: float, cached: float, output: float) -> None:
    price = PriceTable.load().price(model)
    assert (price.input, price.cached_input, price.output) == (input_, cached, output)


def test_dated_snapshots_are_priced_as_their_model_but_other_models_are_not() -> None:
    table = PriceTable.load()
    assert table.price("claude-sonnet-4-6-20260217") == table.price("claude-sonnet-4-6")
    assert table.price("gpt-5.4-2026-03-05") == table.price("gpt-5.4")
    assert table.price("computer-use-preview-2025-03-11") == table.price("computer-use-preview")
    assert table.price("gpt-5.4-mini") is None
    assert table.price("ui-tars-1.5") is None


def test_cost_counts_every_kind_of_token_at_its_rate() -> None:
    usage = Usage(input_tokens=1_000_000, cached_input_tokens=1_000_000, cache_write_tokens=1_000_000,
                  output_tokens=1_000_000)
    assert PriceTable.load().cost("claude-opus-4-6", usage).cost_usd == pytest.approx(5 + 0.5 + 6.25 + 25)
    assert PriceTable.load().cost("unknown-model", usage).cost_usd == 0.0


def test_rates_left_out_default_to_the_input_rate() -> None:
    usage = Usage(cached_input_tokens=1_000_000, cache_write_tokens=1_000_000)
    assert Price(input=2, output=4).cost(usage) == pytest.approx(4)


def test_a_users_file_is_merged_over_the_defaults(tmp_path: Path) -> None:
    mine = tmp_path / "prices.yaml"
    mine.write_text("gpt-5.4: {input: 1.25, cached_input: 0.125, output: 10}\nui-tars-1.5: {input: 0.1, output: 0.2}\n")
    table = PriceTable.load(mine)
    assert table.price("gpt-5.4").input == 1.25
    assert table.price("ui-tars-1.5").output == 0.2
    assert table.price("claude-sonnet-4-6").input == 3.00
    assert PriceTable.load({"claude-sonnet-4-6": {"input": 9, "output": 9}}).price("claude-sonnet-4-6").input == 9


@pytest.mark.parametrize(("text", "words"), [
    ("gpt-5.4: {input: cheap, output: 1}", "prices for 'gpt-5.4': input"),
    ("gpt-5.4: {input: 1}", "output: Field required"),
    ("gpt-5.4: {input: 1, output: 2, discount: 3}", "discount"),
    ("- just a list", "expected a mapping"),
    ("gpt-5.4: {input: [", "not valid YAML"),
])
def test_a_bad_price_file_names_the_problem(tmp_path: Path, text: str, words: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(UserError) as error:
        PriceTable.load(bad)
    assert words in str(error.value)


def test_a_missing_price_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read the price file"):
        PriceTable.load(tmp_path / "nope.yaml")
