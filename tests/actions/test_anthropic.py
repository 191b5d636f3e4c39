"""Anthropic computer-tool input: every documented action of every version, frames, errors, and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions import (
    ActionParseError,
    Click,
    Drag,
    Fail,
    Frame,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    OffScreen,
    Point,
    Screenshot,
    Scroll,
    TypeText,
    UnsupportedAction,
    Wait,
    Zoom,
    from_anthropic,
    parse_actions,
    to_anthropic,
)

CASES = json.loads((Path(__file__).parent / "fixtures" / "anthropic_computer_actions.json").read_text())["cases"]
SCALED = Frame(screen=(1920, 1080), image=(1280, 720))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_documented_inputs_read_as_expected(case: dict) -> None:
    assert from_anthropic(case["payload"]) == parse_actions(case["expected"])


def test_coordinates_and_zoom_regions_go_through_the_frame() -> None:
    assert from_anthropic({"action": "left_click", "coordinate": [640, 360]}, SCALED) == [Click(x=960, y=540)]
    assert from_anthropic({"action": "zoom", "region": [0, 0, 640, 360]}, SCALED) == [Zoom(region=(0, 0, 960, 540))]
    drag = from_anthropic({"action": "left_click_drag", "start_coordinate": [0, 0], "coordinate": [1279, 719]}, SCALED)
    assert drag == [Drag(path=(Point(x=0, y=0), Point(x=1919, y=1079)))]


def test_scroll_amount_is_wheel_clicks_not_scaled_by_the_frame() -> None:
    scroll = from_anthropic({"action": "scroll", "coordinate": [640, 360], "scroll_direction": "down",
                             "scroll_amount": 2}, SCALED)
    assert scroll == [Scroll(x=960, y=540, dy=240)]


def test_clicks_without_coordinate_act_at_the_cursor() -> None:
    assert from_anthropic({"action": "left_click"}, cursor=(33, 44)) == [Click(x=33, y=44)]
    assert from_anthropic({"action": "scroll", "scroll_direction": "up", "scroll_amount": 1},
                          cursor=(1, 2)) == [Scroll(x=1, y=2, dy=-120)]
    with pytest.raises(ActionParseError, match=r"left_click needs 'coordinate' \[x, y\]"):
        from_anthropic({"action": "left_click"})


def test_a_key_with_several_chords_is_several_presses() -> None:
    assert from_anthropic({"action": "key", "text": "ctrl+a BackSpace"}) == [
        KeyPress(keys=("ctrl", "a")), KeyPress(keys=("backspace",))]


def test_a_point_outside_the_image_is_offscreen_in_the_models_terms() -> None:
    with pytest.raises(OffScreen, match=r"outside the image the model sees \(1280x720\)"):
        from_anthropic({"action": "mouse_move", "coordinate": [1280, 10]}, SCALED)


@pytest.mark.parametrize(("payload", "words"), [
    ({"coordinate": [1, 2]}, "needs an 'action'"),
    ({"action": "teleport"}, "unknown computer action 'teleport'"),
    ({"action": "scroll", "coordinate": [1, 1], "scroll_direction": "down", "scroll_amount": -3},
     "scroll_amount=-3 must be a non-negative int"),
    ({"action": "scroll", "coordinate": [1, 1], "scroll_direction": "sideways"}, "one of up, down, left, right"),
    ({"action": "key", "text": "ctrl+hyperspace"}, "unknown key 'hyperspace'"),
    ({"action": "key"}, "key needs 'text'"),
    ({"action": "type", "text": ""}, "type needs a non-empty 'text'"),
    ({"action": "left_click", "coordinate": [1, 2], "text": "a"}, "only modifier keys can be held"),
    ({"action": "left_click", "coordinate": [1]}, "coordinate must be a pair"),
    ({"action": "zoom", "region": [0, 0, 10]}, "zoom needs 'region' [x1, y1, x2, y2]"),
    ({"action": "wait", "duration": 600}, "wait.seconds"),
])
def test_errors_say_what_to_fix(payload: dict, words: str) -> None:
    with pytest.raises(ActionParseError) as error:
        from_anthropic(payload)
    assert words in str(error.value)


@pytest.mark.parametrize("action", [
    Click(x=1, y=2), Click(x=1, y=2, button="right"), Click(x=1, y=2, button="middle"),
    Click(x=1, y=2, count=2), Click(x=1, y=2, count=3, keys=("shift",)),
    Drag(path=(Point(x=1, y=2), Point(x=30, y=40))), Move(x=3, y=4), MouseDown(), MouseUp(x=5, y=6),
    Scroll(x=1, y=1, dy=360), Scroll(x=1, y=1, dx=-240, keys=("ctrl",)), KeyPress(keys="ctrl+shift+t"),
    KeyPress(keys="enter"), KeyPress(keys="meta+pagedown"), TypeText(text="a b"),
    HoldKey(keys=("shift",), seconds=2), Wait(seconds=3), Zoom(region=(0, 0, 100, 50)), Screenshot(),
], ids=lambda a: a.type)
def test_to_anthropic_round_trips(action) -> None:
    assert from_anthropic(to_anthropic(action)) == [action]


def test_to_anthropic_uses_xdotool_key_names() -> None:
    assert to_anthropic(KeyPress(keys="ctrl+enter")) == {"action": "key", "text": "ctrl+Return"}
    assert to_anthropic(KeyPress(keys="meta+pagedown")) == {"action": "key", "text": "super+Next"}


@pytest.mark.parametrize("action", [
    Click(x=1, y=1, button="back"), Drag(path=(Point(x=1, y=1), Point(x=2, y=2), Point(x=3, y=3))),
    Scroll(x=1, y=1, dx=120, dy=120), Fail(reason="x"), Click(x=1, y=1, count=2, button="right"),
], ids=lambda a: a.type)
def test_what_the_tool_cannot_say_is_refused(action) -> None:
    with pytest.raises(UnsupportedAction):
        to_anthropic(action)
