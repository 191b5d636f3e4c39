"""The Anthropic Messages adapter against the wire server, through the real ``anthropic`` SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PIL import Image

from actions import Click, KeyPress, Move, Screenshot, Zoom
from agent.models import ActionFeedback, AnthropicMessagesModel, ModelInput

from ..screens import image_size, observation
from ..wire_server import WireServer, anthropic_message, text_block, thinking_block, tool_use

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")


def make(wire: WireServer, model: str = "claude-sonnet-4-6", **options: Any) -> AnthropicMessagesModel:
    return AnthropicMessagesModel(model, base_url=wire.anthropic_url, api_key="test-key", **options)


def step(n: int = 0, width: int = 1280, height: int = 800, **fields: Any) -> ModelInput:
    return ModelInput(task="Pay invoice 42", observation=observation(width, height, step=n), step=n, **fields)


def images(body: dict) -> list[dict]:
    found = []

    def walk(blocks: Any) -> None:
        for block in blocks if isinstance(blocks, list) else []:
            if block.get("type") == "image":
                found.append(block)
            walk(block.get("content"))

    for message in body["messages"]:
        walk(message["content"])
    return found


def without_cache_markers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_cache_markers(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [without_cache_markers(v) for v in value]
    return value


@pytest.mark.parametrize(("model", "tool_type", "beta", "zoom"), [
    ("claude-opus-4-7", "computer_20251124", "computer-use-2025-11-24", True),
    ("claude-opus-4-6", "computer_20251124", "computer-use-2025-11-24", True),
    ("claude-sonnet-4-6", "computer_20251124", "computer-use-2025-11-24", True),
    ("claude-sonnet-4-6-20260217", "computer_20251124", "computer-use-2025-11-24", True),
    ("claude-opus-4-5-20251101", "computer_20251124", "computer-use-2025-11-24,effort-2025-11-24", True),
    ("claude-sonnet-4-5", "computer_20250124", "computer-use-2025-01-24", False),
    ("claude-haiku-4-5", "computer_20250124", "computer-use-2025-01-24", False),
    ("claude-opus-4-1-20250805", "computer_20250124", "computer-use-2025-01-24", False),
    ("claude-sonnet-4-20250514", "computer_20250124", "computer-use-2025-01-24", False),
    ("claude-future-9", "computer_20251124", "computer-use-2025-11-24", True),
])
async def test_tool_version_and_beta_header_by_model(wire: WireServer, model: str, tool_type: str, beta: str,
                                                     zoom: bool) -> None:
    wire.script_anthropic(anthropic_message(text_block("ok"), model=model))
    await make(wire, model).turn(step())
    (request,) = wire.requests_to("anthropic")
    (tool,) = request.json["tools"]
    assert request.headers["anthropic-beta"] == beta
    bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
    assert "test-key" in (request.headers.get("x-api-key"), bearer)
    assert tool["type"] == tool_type and tool["name"] == "computer"
    assert (tool["display_width_px"], tool["display_height_px"]) == (1280, 800)
    assert tool.get("enable_zoom", False) is zoom


@pytest.mark.parametrize(("model", "sent"), [
    ("claude-sonnet-4-6", (1429, 804)),   # long edge <= 1568 and <= 1.15 MP
    ("claude-opus-4-7", (1920, 1080)),    # <= 2576 px and <= 3.75 MP: sent as is
])
async def test_display_size_is_the_image_actually_sent(wire: WireServer, model: str, sent: tuple) -> None:
    wire.script_anthropic(anthropic_message(tool_use({"action": "left_click", "coordinate": [714, 402]}),
                                            model=model))
    turn = await make(wire, model).turn(step(width=1920, height=1080))
    body = wire.requests_to("anthropic")[0].json
    (tool,) = body["tools"]
    assert (tool["display_width_px"], tool["display_height_px"]) == sent == turn.image_size
    assert image_size(images(body)[0]["source"]["data"]) == sent
    expected = Click(x=960, y=540) if sent != (1920, 1080) else Click(x=714, y=402)
    assert turn.actions == [expected]


@pytest.mark.parametrize(("model", "effort", "thinking", "output_config", "max_tokens"), [
    ("claude-sonnet-4-6", "none", None, {"effort": "low"}, 4096),
    ("claude-sonnet-4-6", "low", {"type": "adaptive"}, {"effort": "low"}, 8192),
    ("claude-sonnet-4-6", "medium", {"type": "adaptive"}, {"effort": "medium"}, 16384),
    ("claude-sonnet-4-6", "high", {"type": "adaptive"}, {"effort": "high"}, 32768),
    ("claude-sonnet-4-6", "xhigh", {"type": "adaptive"}, {"effort": "high"}, 65536),
    ("claude-opus-4-6", "xhigh", {"type": "adaptive"}, {"effort": "max"}, 65536),
    ("claude-opus-4-7", "xhigh", {"type": "adaptive"}, {"effort": "xhigh"}, 65536),
    ("claude-opus-4-5", "low", {"type": "enabled", "budget_tokens": 2048}, {"effort": "low"}, 6144),
    ("claude-opus-4-5", "xhigh", {"type": "enabled", "budget_tokens": 32768}, {"effort": "high"}, 36864),
    ("claude-sonnet-4-5", "none", None, None, 4096),
    ("claude-sonnet-4-5", "medium", {"type": "enabled", "budget_tokens": 8192}, None, 12288),
    ("claude-haiku-4-5", "high", {"type": "enabled", "budget_tokens": 16384}, None, 20480),
])
async def test_the_effort_dial_per_model(wire: WireServer, model: str, effort: str, thinking: dict | None,
                                         output_config: dict | None, max_tokens: int) -> None:
    wire.script_anthropic(anthropic_message(text_block("ok"), model=model))
    await make(wire, model, effort=effort).turn(step())
    body = wire.requests_to("anthropic")[0].json
    assert body.get("thinking") == thinking
    assert body.get("output_config") == output_config
    assert body["max_tokens"] == max_tokens


async def test_every_tool_use_gets_a_result_and_the_screenshot_goes_in_the_last(wire: WireServer) -> None:
    wire.script_anthropic(
        anthropic_message(thinking_block("two things", "sig-1"), text_block("Clicking, then typing."),
                          tool_use(Click(x=10, y=20), id="toolu_a"), tool_use(KeyPress(keys="ctrl+s"), id="toolu_b")),
        anthropic_message(text_block("Saved.")),
    )
    model = make(wire)
    turn = await model.turn(step())
    assert turn.actions == [Click(x=10, y=20), KeyPress(keys=("ctrl", "s"))]
    assert turn.message == "Clicking, then typing."
    done = await model.turn(step(1, feedback=[ActionFeedback(ok=False, error="the button is disabled"),
                                              ActionFeedback(ok=True)]))
    assert done.actions == [] and done.message == "Saved."
    body = wire.requests_to("anthropic")[1].json
    assistant, results = body["messages"][1], body["messages"][2]
    assert assistant["content"][0] == {"type": "thinking", "thinking": "two things", "signature": "sig-1"}
    first, second = results["content"]
    assert (first["type"], first["tool_use_id"], first["is_error"]) == ("tool_result", "toolu_a", True)
    assert "failed: the button is disabled" in first["content"][0]["text"]
    assert [b["type"] for b in first["content"]] == ["text"]
    assert second["tool_use_id"] == "toolu_b" and "is_error" not in second
    assert [b["type"] for b in second["content"]] == ["image"]
    assert second["content"][0]["source"]["media_type"] == "image/png"


async def test_an_invalid_action_is_an_error_result_and_a_valid_one_follows(wire: WireServer) -> None:
    wire.script_anthropic(anthropic_message(tool_use({"action": "teleport", "coordinate": [1, 1]}, id="toolu_bad")),
                          anthropic_message(tool_use({"action": "screenshot"})))
    model = make(wire)
    bad = await model.turn(step())
    assert bad.actions == [] and "unknown computer action 'teleport'" in bad.error
    good = await model.turn(step(1))
    assert good.error is None and good.actions == [Screenshot()]
    (result,) = wire.requests_to("anthropic")[1].json["messages"][2]["content"]
    assert result["tool_use_id"] == "toolu_bad" and result["is_error"] is True
    assert "could not be used: unknown computer action 'teleport'" in result["content"][0]["text"]
    assert result["content"][-1]["type"] == "image"


async def test_zoom_results_and_cursor_position_answers(wire: WireServer) -> None:
    wire.script_anthropic(
        anthropic_message(tool_use({"action": "mouse_move", "coordinate": [714, 402]}),
                          tool_use({"action": "zoom", "region": [0, 0, 357, 201]})),
        anthropic_message(tool_use({"action": "cursor_position"}, id="toolu_where")),
        anthropic_message(text_block("ok")),
    )
    model = make(wire)
    first = await model.turn(step(width=1920, height=1080))
    assert first.actions == [Move(x=960, y=540), Zoom(region=(0, 0, 480, 270))]
    zoomed = Image.new("RGB", (480, 270), "white")
    await model.turn(step(1, width=1920, height=1080,
                          feedback=[ActionFeedback(ok=True), ActionFeedback(ok=True, image=zoomed)]))
    zoom_result = wire.requests_to("anthropic")[1].json["messages"][2]["content"][1]
    assert [b["type"] for b in zoom_result["content"]] == ["image", "image"]
    assert image_size(zoom_result["content"][0]["source"]["data"]) == (480, 270)
    second = await model.turn(step(2, width=1920, height=1080))
    assert second.actions == []
    (where,) = wire.requests_to("anthropic")[2].json["messages"][4]["content"]
    assert where["content"][0] == {"type": "text", "text": "X=714,Y=402"}


async def test_cache_breakpoints_on_the_system_prompt_and_the_last_two_user_turns(wire: WireServer) -> None:
    wire.script_anthropic(*[anthropic_message(tool_use({"action": "screenshot"})) for _ in range(3)])
    model = make(wire)
    for n in range(3):
        await model.turn(step(n))
    body = wire.requests_to("anthropic")[2].json
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    marked = [i for i, m in enumerate(body["messages"]) if any("cache_control" in b for b in m["content"])]
    assert marked == [2, 4]
    assert json.dumps(body).count("cache_control") == 3


async def test_pruning_keeps_the_last_images_and_the_prefix_stable_between_prunes(wire: WireServer) -> None:
    turns = 13
    wire.script_anthropic(*[anthropic_message(tool_use({"action": "screenshot"})) for _ in range(turns)])
    model = make(wire, keep_images=3, prune_batch=5)
    for n in range(turns):
        await model.turn(step(n, feedback=[ActionFeedback(ok=True)] if n else []))
    bodies = [r.json for r in wire.requests_to("anthropic")]
    assert [len(images(b)) for b in bodies] == [1, 2, 3, 4, 5, 6, 7, 3, 4, 5, 6, 7, 3]
    for before, after in zip(bodies, bodies[1:]):
        assert after["tools"] == before["tools"] and after["system"] == before["system"]
        pruned = len(images(after)) < len(images(before))
        prefix = without_cache_markers(after["messages"][: len(before["messages"])])
        assert (prefix == without_cache_markers(before["messages"])) is not pruned
    # What was pruned is always the oldest: every placeholder comes before every kept image.
    order = [b["type"] == "image" for m in bodies[-1]["messages"] for b in _flat(m)
             if b["type"] == "image" or b.get("text") == "(an older screenshot was removed)"]
    assert order == [False] * 10 + [True] * 3


def _flat(message: dict) -> list[dict]:
    out = []
    for block in message["content"]:
        out.append(block)
        if isinstance(block.get("content"), list):
            out.extend(block["content"])
    return out


async def test_without_pruning_every_image_stays(wire: WireServer) -> None:
    wire.script_anthropic(*[anthropic_message(tool_use({"action": "screenshot"})) for _ in range(9)])
    model = make(wire, keep_images=None)
    for n in range(9):
        await model.turn(step(n))
    assert len(images(wire.requests_to("anthropic")[-1].json)) == 9


async def test_usage_and_cost_with_cache_reads_and_writes(wire: WireServer) -> None:
    usage = {"input_tokens": 300, "cache_read_input_tokens": 5000, "cache_creation_input_tokens": 1500,
             "output_tokens": 200}
    wire.script_anthropic(anthropic_message(text_block("ok"), model="claude-sonnet-4-6", usage=usage))
    turn = await make(wire).turn(step())
    assert (turn.usage.input_tokens, turn.usage.cached_input_tokens, turn.usage.cache_write_tokens,
            turn.usage.output_tokens) == (300, 5000, 1500, 200)
    assert turn.usage.cost_usd == pytest.approx((300 * 3 + 5000 * 0.30 + 1500 * 3.75 + 200 * 15) / 1e6)
    assert turn.request_bytes == len(wire.requests_to("anthropic")[0].raw)


async def test_notes_follow_the_tool_results(wire: WireServer) -> None:
    wire.script_anthropic(anthropic_message(tool_use({"action": "screenshot"}, id="toolu_1")),
                          anthropic_message(text_block("ok")))
    model = make(wire)
    await model.turn(step())
    await model.turn(step(1, feedback=[ActionFeedback(ok=True)], notes=["you repeated the same click 3 times"]))
    content = wire.requests_to("anthropic")[1].json["messages"][2]["content"]
    assert [b["type"] for b in content] == ["tool_result", "text"]
    assert "you repeated the same click 3 times" in content[1]["text"]
