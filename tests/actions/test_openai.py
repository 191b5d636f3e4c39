"""OpenAI computer-tool actions: every documented action, batches, frames, errors, and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openai.types.responses import ResponseComputerToolCall

from actions import (
    ActionParseError,
    Click,
    Drag,
    Frame,
    HoldKey,
    KeyPress,
    Move,
    OffScreen,
    Point,
    Screenshot,
    Scroll,
    TypeText,
    UnsupportedAction,
    Wait,
    Zoom,
    from_openai,
    parse_actions,
    to_openai,
)

CASES = json.loads((Path(__file__).parent / "fixtures" / "openai_computer_actions.json").read_text())["cases"]
SCALED = Frame(screen=(1280, 800), image=(1024, 640))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_documented_payloads_read_as_expected(case: dict) -> None:
    assert from_openai(case["payload"]) == parse_actions(case["expected"])


def test_a_batch_keeps_its_order() -> None:
    batch = [{"type": "move", "x": 1, "y": 1}, {"type": "type", "text": "a"}, {"type": "keypress", "keys": ["TAB"]}]
    assert [a.type for a in from_openai(batch)] == ["move", "type", "keypress"]


def test_sdk_models_are_read_like_dicts() -> None:
    call = ResponseComputerToolCall.model_validate({
        "type": "computer_call", "id": "cu_1", "call_id": "call_1", "status": "completed",
        "pending_safety_checks": [], "actions": [{"type": "double_click", "x": 5, "y": 6, "keys": None}],
    })
    assert from_openai(call) == [Click(x=5, y=6, count=2)]
    assert from_openai(call.actions) == [Click(x=5, y=6, count=2)]


def test_points_and_scroll_distances_go_through_the_frame() -> None:
    actions = from_openai([
        {"type": "click", "button": "left", "x": 512, "y": 320},
        {"type": "scroll", "x": 0, "y": 0, "scroll_x": 0, "scroll_y": 100},
        {"type": "drag", "path": [{"x": 0, "y": 0}, {"x": 1023, "y": 639}]},
    ], SCALED)
    assert actions == [
        Click(x=640, y=400),
        Scroll(x=0, y=0, dx=0, dy=125),
        Drag(path=(Point(x=0, y=0), Point(x=1279, y=799))),
    ]


def test_a_point_outside_the_image_names_the_range_and_the_action() -> None:
    with pytest.raises(OffScreen) as error:
        from_openai([{"type": "click", "button": "left", "x": 1, "y": 1},
                     {"type": "click", "button": "left", "x": 1024, "y": 10}], SCALED)
    message = str(error.value)
    assert message.startswith("action 2 of 2 (click):")
    assert "x must be in 0..1023" in message


@pytest.mark.parametrize(("payload", "words"), [
    ({"type": "tap", "x": 1, "y": 1}, "unknown computer action type 'tap'"),
    ({"type": "click", "button": "left", "y": 1}, "click needs 'x'"),
    ({"type": "click", "button": "thumb", "x": 1, "y": 1}, "unknown button 'thumb'"),
    ({"type": "click", "button": "left", "x": "1", "y": 1}, "x must be a number"),
    ({"type": "keypress", "keys": []}, "keypress needs 'keys'"),
    ({"type": "keypress", "keys": ["HYPERDRIVE"]}, "unknown key 'HYPERDRIVE'"),
    ({"type": "type", "text": ""}, "type needs a non-empty 'text'"),
    ({"type": "drag", "path": [{"x": 1, "y": 1}]}, "at least 2 points"),
    ({"type": "move", "x": 1, "y": 1, "keys": ["shift"]}, "move cannot hold keys"),
    ({"type": "computer_call", "call_id": "c"}, "neither 'actions' nor 'action'"),
    ("click", "must be an object"),
])
def test_errors_say_what_to_fix(payload: object, words: str) -> None:
    with pytest.raises(ActionParseError) as error:
        from_openai(payload)
    assert words in str(error.value)


@pytest.mark.parametrize("action", [
    Click(x=10, y=20), Click(x=10, y=20, button="right", keys=("shift",)), Click(x=3, y=4, count=2),
    Click(x=3, y=4, button="middle"), Drag(path=(Point(x=1, y=2), Point(x=3, y=4))), KeyPress(keys="ctrl+c"),
    Move(x=5, y=6), Scroll(x=7, y=8, dx=-120, dy=240), TypeText(text="hi"), Screenshot(),
], ids=lambda a: a.type)
def test_to_openai_round_trips(action) -> None:
    assert from_openai(to_openai(action)) == [action]


def test_to_openai_maps_into_the_models_frame() -> None:
    shape = {"type": "click", "button": "left", "x": 512, "y": 320, "keys": None}
    assert to_openai(Click(x=640, y=400), SCALED) == shape
    assert from_openai(to_openai(Click(x=640, y=400), SCALED), SCALED) == [Click(x=640, y=400)]


@pytest.mark.parametrize("action", [Click(x=1, y=1, count=3), Zoom(region=(0, 0, 5, 5)),
                                    HoldKey(keys=("shift",)), Click(x=1, y=1, count=2, button="right")],
                         ids=lambda a: a.type)
def test_what_openai_cannot_say_is_refused(action) -> None:
    with pytest.raises(UnsupportedAction):
        to_openai(action)


def test_wait_with_milliseconds() -> None:
    assert from_openai({"type": "wait", "ms": 2500}) == [Wait(seconds=2.5)]
