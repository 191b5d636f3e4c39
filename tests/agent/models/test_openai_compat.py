"""Open models over chat completions against the wire server: UI-TARS and pyautogui grammars."""

from __future__ import annotations

import os
from typing import Any

import pytest

from actions import Click, Done, KeyPress, TypeText
from agent.models import ActionFeedback, ModelInput, OpenAICompatModel

from ..screens import image_size, observation
from ..wire_server import WireServer, chat_completion


def make(wire: WireServer, model: str = "ui-tars-1.5-7b", **options: Any) -> OpenAICompatModel:
    return OpenAICompatModel(model, base_url=wire.openai_url, **options)


def step(n: int = 0, width: int = 1280, height: int = 800, **fields: Any) -> ModelInput:
    return ModelInput(task="Pay invoice 42", observation=observation(width, height, step=n), step=n, **fields)


def image_urls(body: dict) -> list[str]:
    return [b["image_url"]["url"] for m in body["messages"] if isinstance(m["content"], list)
            for b in m["content"] if b["type"] == "image_url"]


async def test_uitars_15_gets_its_prompt_and_a_smart_resized_screenshot(wire: WireServer) -> None:
    wire.script_chat(chat_completion("Thought: The Pay button is on the right.\n"
                                     "Action: click(start_box='<|box_start|>(644,406)<|box_end|>')"))
    turn = await make(wire).turn(step())
    request = wire.requests_to("chat")[0]
    body = request.json
    assert body["model"] == "ui-tars-1.5-7b" and body["temperature"] == 0.0
    (message,) = body["messages"]
    prompt, image = message["content"]
    assert "## Action Space" in prompt["text"] and "hotkey(key='')" in prompt["text"]
    assert prompt["text"].rstrip().endswith("Pay invoice 42")
    assert image_size(image["image_url"]["url"]) == (1288, 812) == turn.image_size
    assert turn.actions == [Click(x=640, y=400)]
    assert turn.message == "The Pay button is on the right."
    key = os.environ.get("OPENAI_COMPAT_API_KEY") or "EMPTY"
    assert request.headers["authorization"] == f"Bearer {key}"


async def test_uitars_10_answers_on_a_thousand_grid(wire: WireServer) -> None:
    wire.script_chat(chat_completion("Thought: middle\nAction: click(start_box='(500,500)')"))
    turn = await make(wire, "ui-tars-7b-dpo").turn(step())
    assert turn.actions == [Click(x=640, y=400)]


async def test_other_models_write_pyautogui_code_in_screenshot_pixels(wire: WireServer) -> None:
    wire.script_chat(chat_completion("I will pay.\n```python\npyautogui.click(960, 540)\npyautogui.write('42')\n```",
                                     model="qwen2.5-vl-72b"))
    turn = await make(wire, "qwen2.5-vl-72b", api_key="local-key").turn(step(width=2560, height=1440))
    body = wire.requests_to("chat")[0].json
    prompt = body["messages"][0]["content"][0]["text"]
    assert "pyautogui" in prompt and "1920x1080" in prompt and "Pay invoice 42" in prompt
    assert turn.image_size == (1920, 1080)
    assert turn.actions == [Click(x=1280, y=720), TypeText(text="42")]
    assert turn.message == "I will pay."
    assert wire.requests_to("chat")[0].headers["authorization"] == "Bearer local-key"


async def test_the_grammar_can_be_overridden(wire: WireServer) -> None:
    wire.script_chat(chat_completion("Action: hotkey(key='ctrl s')"))
    turn = await make(wire, "my-finetune", grammar="uitars").turn(step())
    assert turn.actions == [KeyPress(keys=("ctrl", "s"))]


async def test_done_and_the_conversation_history(wire: WireServer) -> None:
    first = "Thought: type it\nAction: type(content='42\\n')"
    wire.script_chat(chat_completion(first), chat_completion("Action: finished(content='paid')"))
    model = make(wire)
    assert (await model.turn(step())).actions == [TypeText(text="42\n")]
    assert (await model.turn(step(1, feedback=[ActionFeedback(ok=True)]))).actions == [Done(summary="paid")]
    messages = wire.requests_to("chat")[1].json["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == first
    assert [b["type"] for b in messages[2]["content"]] == ["image_url"]


async def test_an_invalid_reply_is_fed_back_and_a_valid_one_follows(wire: WireServer) -> None:
    wire.script_chat(chat_completion("Thought: hmm\nAction: teleport(start_box='(1,2)')"),
                     chat_completion("Thought: ok\nAction: click(start_box='(644,406)')"))
    model = make(wire)
    bad = await model.turn(step())
    assert bad.actions == [] and "unknown action 'teleport'" in bad.error and bad.message == "hmm"
    good = await model.turn(step(1))
    assert good.error is None and good.actions == [Click(x=640, y=400)]
    last = wire.requests_to("chat")[1].json["messages"][-1]["content"]
    assert "could not be used: unknown action 'teleport'" in last[0]["text"]
    assert last[1]["type"] == "image_url"


async def test_old_screenshots_are_pruned_to_the_last_five(wire: WireServer) -> None:
    wire.script_chat(*[chat_completion("Action: wait()") for _ in range(7)])
    model = make(wire)
    for n in range(7):
        await model.turn(step(n))
    counts = [len(image_urls(r.json)) for r in wire.requests_to("chat")]
    assert counts == [1, 2, 3, 4, 5, 5, 5]


async def test_usage_from_the_server(wire: WireServer) -> None:
    wire.script_chat(chat_completion("Action: wait()", usage={"prompt_tokens": 2000, "completion_tokens": 30,
                                                              "total_tokens": 2030,
                                                              "prompt_tokens_details": {"cached_tokens": 1500}}))
    turn = await make(wire).turn(step())
    assert (turn.usage.input_tokens, turn.usage.cached_input_tokens, turn.usage.output_tokens) == (500, 1500, 30)
    assert turn.usage.cost_usd == 0.0


def test_a_server_is_required() -> None:
    from actions import UserError

    if os.environ.get("OPENAI_COMPAT_BASE_URL"):
        pytest.skip("OPENAI_COMPAT_BASE_URL is set here")
    with pytest.raises(UserError, match="openai-compat:MODEL@http://host:port/v1"):
        OpenAICompatModel("ui-tars-1.5")
