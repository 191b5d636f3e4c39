"""``make_model`` specs, options and errors, and the loopback-only guard."""

from __future__ import annotations

import os

import pytest

from actions import UserError
from agent.models import (
    AnthropicMessagesModel,
    OpenAICompatModel,
    OpenAIResponsesModel,
    make_model,
    parse_spec,
)
from agent.models.guard import is_loopback

from ..wire_server import WireServer


def test_specs_pick_the_adapter(wire: WireServer) -> None:
    openai_model = make_model("openai:gpt-5.4", base_url=wire.openai_url, api_key="k", effort="low")
    assert isinstance(openai_model, OpenAIResponsesModel) and openai_model.name == "openai:gpt-5.4"
    assert openai_model.effort == "low"
    claude = make_model("anthropic:claude-sonnet-4-6", base_url=wire.anthropic_url, api_key="k", keep_images=2)
    assert isinstance(claude, AnthropicMessagesModel) and claude.pruner.keep == 2
    local = make_model(f"openai-compat:ui-tars-1.5@{wire.openai_url}")
    assert isinstance(local, OpenAICompatModel) and str(local.client.base_url).startswith(wire.openai_url)
    assert local.grammar.name == "uitars"


@pytest.mark.parametrize(("spec", "parts"), [
    ("openai:gpt-5.4", ("openai", "gpt-5.4", None)),
    ("openai-compat:ui-tars-1.5@http://localhost:8000/v1", ("openai-compat", "ui-tars-1.5", "http://localhost:8000/v1")),
    ("openai-compat:qwen2.5-vl:72b@http://127.0.0.1:11434/v1", ("openai-compat", "qwen2.5-vl:72b", "http://127.0.0.1:11434/v1")),
])
def test_parse_spec(spec: str, parts: tuple) -> None:
    assert parse_spec(spec) == parts


@pytest.mark.parametrize(("spec", "options", "words"), [
    ("gpt-5.4", {}, "must look like provider:model"),
    ("google:gemini", {}, "unknown model provider 'google'"),
    ("replay:no-such-run.jsonl", {}, "cannot read recorded turns from no-such-run.jsonl"),
    ("openai:gpt-5.4", {"effort": "max"}, "effort must be one of none, low, medium, high, xhigh"),
    ("openai:gpt-5.4", {"image_format": "webp"}, "image_format must be 'png' or 'jpeg'"),
    ("openai:gpt-5.4", {"keep_images": 3}, "unexpected keyword argument 'keep_images'"),
])
def test_bad_specs_and_options_are_user_errors(wire: WireServer, spec: str, options: dict, words: str) -> None:
    with pytest.raises(UserError) as error:
        make_model(spec, base_url=wire.openai_url, api_key="k", **options)
    assert words in str(error.value)


def test_the_guard_refuses_real_provider_urls_in_tests() -> None:
    with pytest.raises(UserError, match="loopback-only mode is on"):
        make_model("openai:gpt-5.4", api_key="k")
    with pytest.raises(UserError, match="model requests to https://api.example.com/v1/? are refused"):
        make_model("openai-compat:ui-tars-1.5@https://api.example.com/v1")
    with pytest.raises(UserError, match="loopback-only"):
        make_model("anthropic:claude-sonnet-4-6", api_key="k")


@pytest.mark.parametrize(("url", "local"), [
    ("http://127.0.0.1:8000/v1", True), ("http://localhost:11434", True), ("http://[::1]:8000", True),
    ("http://127.9.9.9", True), ("https://10.0.0.5/v1", False), ("https://api.example.com", False),
])
def test_what_counts_as_loopback(url: str, local: bool) -> None:
    assert is_loopback(url) is local


@pytest.mark.skipif(bool(os.environ.get("ANTHROPIC_API_KEY") or os.environ.get("ANTHROPIC_AUTH_TOKEN")),
                    reason="an Anthropic key is set in this environment")
def test_a_missing_anthropic_key_says_which_variable(wire: WireServer) -> None:
    with pytest.raises(UserError, match="set ANTHROPIC_API_KEY or pass api_key="):
        make_model("anthropic:claude-sonnet-4-6", base_url=wire.anthropic_url)


@pytest.mark.skipif(bool(os.environ.get("OPENAI_API_KEY")), reason="an OpenAI key is set in this environment")
def test_a_missing_openai_key_says_which_variable(wire: WireServer) -> None:
    with pytest.raises(UserError, match="set OPENAI_API_KEY or pass api_key="):
        make_model("openai:gpt-5.4", base_url=wire.openai_url)
