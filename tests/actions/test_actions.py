"""The action language: JSON round trips and errors that name the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from actions import (
    Action,
    ActionParseError,
    Click,
    Done,
    Drag,
    Fail,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Navigate,
    Point,
    RunScript,
    Screenshot,
    Scroll,
    TypeSecret,
    TypeText,
    Wait,
    Zoom,
    action_point,
    parse_action,
    parse_actions,
)

EXAMPLES: list[Action] = [
    Click(x=10, y=20),
    Click(x=10, y=20, button="right", count=3, keys=("shift", "ctrl")),
    Move(x=1, y=2),
    Drag(path=(Point(x=1, y=2), Point(x=30, y=40), Point(x=50, y=60)), keys=("alt",)),
    Scroll(x=5, y=6, dx=-120, dy=360),
    TypeText(text="héllo\nwörld 日本語 😀"),
    KeyPress(keys=("ctrl", "shift", "t")),
    MouseDown(x=3, y=4, button="middle"),
    MouseUp(),
    HoldKey(keys=("shift",), seconds=0.5),
    Wait(seconds=2),
    Screenshot(),
    Zoom(region=(0, 0, 100, 50)),
    Navigate(url="http://localhost:8080/x?y=1"),
    RunScript(code="await page.click('#a')", timeout=5),
    TypeSecret(name="ERP_PASSWORD"),
    Done(summary="invoice created"),
    Fail(reason="the app is down"),
]


@pytest.mark.parametrize("action", EXAMPLES, ids=lambda a: a.type)
def test_every_action_round_trips_through_json(action: Action) -> None:
    text = action.model_dump_json()
    assert parse_action(text) == action
    assert parse_action(action.model_dump()) == action


def test_a_list_round_trips() -> None:
    from pydantic import TypeAdapter

    text = TypeAdapter(list[Action]).dump_json(EXAMPLES)
    assert parse_actions(text) == EXAMPLES


def test_every_action_type_is_covered_by_the_examples() -> None:
    from typing import get_args

    union = get_args(get_args(Action)[0])
    assert {cls.model_fields["type"].default for cls in union} == {a.type for a in EXAMPLES}


@pytest.mark.parametrize(("data", "field"), [
    ({"type": "click", "x": -5, "y": 1}, "click.x"),
    ({"type": "click", "x": 1, "y": 1, "count": 4}, "click.count"),
    ({"type": "click", "x": 1, "y": 1, "button": "thumb"}, "click.button"),
    ({"type": "click", "x": "here", "y": 1}, "click.x"),
    ({"type": "drag", "path": [{"x": 1, "y": 1}]}, "drag.path"),
    ({"type": "keypress", "keys": ["ctrl", "hyperdrive"]}, "keypress.keys"),
    ({"type": "type", "text": ""}, "type.text"),
    ({"type": "wait", "seconds": 3600}, "wait.seconds"),
    ({"type": "type_secret", "name": "no spaces"}, "type_secret.name"),
    ({"type": "navigate", "url": "ftp://x"}, "navigate.url"),
    ({"type": "click", "x": 1, "y": 1, "extra": True}, "click.extra"),
])
def test_validation_errors_name_the_field(data: dict, field: str) -> None:
    with pytest.raises(ActionParseError) as info:
        parse_action(data)
    assert field in str(info.value)


def test_unknown_type_and_malformed_json() -> None:
    with pytest.raises(ActionParseError, match="'clack'"):
        parse_action({"type": "clack"})
    with pytest.raises(ActionParseError, match="invalid action"):
        parse_action('{"type": "click", "x": 1,')


def test_direct_construction_raises_pydantic_errors_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="keys"):
        KeyPress(keys=["nope-key"])


def test_key_spellings_are_normalized_on_construction() -> None:
    assert KeyPress(keys="CTRL+Shift+T").keys == ("ctrl", "shift", "t")
    assert Click(x=1, y=1, keys=["Control_L"]).keys == ("ctrl",)
    assert Navigate(url="example.com/path").url == "https://example.com/path"


def test_action_point() -> None:
    assert action_point(Click(x=3, y=4)) == (3, 4)
    assert action_point(Drag(path=[Point(x=1, y=2), Point(x=3, y=4)])) == (1, 2)
    assert action_point(TypeText(text="x")) is None
    assert action_point(MouseUp()) is None
