"""UI-TARS replies: every action form, both coordinate conventions, and errors a model can act on."""

from __future__ import annotations

import pytest

from actions import (
    ActionParseError,
    Click,
    Done,
    Drag,
    Fail,
    Frame,
    KeyPress,
    Move,
    OffScreen,
    Point,
    Scroll,
    TypeText,
    Wait,
    from_uitars,
    uitars_thought,
)

GRID = Frame(screen=(1280, 800), image=(1000, 1000))
"""UI-TARS 1.0 answers on a 0-1000 grid."""
RESIZED = Frame(screen=(1280, 800), image=(1288, 812))
"""UI-TARS-1.5 answers in pixels of the smart-resized image (1280x800 -> 1288x812)."""


@pytest.mark.parametrize(("reply", "expected"), [
    ("Thought: open it\nAction: click(start_box='(100,200)')", [Click(x=100, y=200)]),
    ("Action: click(start_box='<|box_start|>(100,200)<|box_end|>')", [Click(x=100, y=200)]),
    ("Action: click(start_box='(100,200,120,240)')", [Click(x=110, y=220)]),
    ("Action: click(start_box='[100, 200, 120, 240]')", [Click(x=110, y=220)]),
    ("Action: click(point='<point>100 200</point>')", [Click(x=100, y=200)]),
    ("Action: left_double(start_box='(5,6)')", [Click(x=5, y=6, count=2)]),
    ("Action: right_single(start_box='(5,6)')", [Click(x=5, y=6, button="right")]),
    ("Action: hover(start_box='(5,6)')", [Move(x=5, y=6)]),
    ("Action: drag(start_box='(10,20)', end_box='(30,40)')", [Drag(path=(Point(x=10, y=20), Point(x=30, y=40)))]),
    ("Action: drag(start_point='<point>10 20</point>', end_point='<point>30 40</point>')",
     [Drag(path=(Point(x=10, y=20), Point(x=30, y=40)))]),
    ("Action: hotkey(key='ctrl c')", [KeyPress(keys=("ctrl", "c"))]),
    ("Action: hotkey(key='enter')", [KeyPress(keys=("enter",))]),
    ("Action: hotkey(key='arrowdown')", [KeyPress(keys=("down",))]),
    ("Action: press(key='ctrl+shift+t')", [KeyPress(keys=("ctrl", "shift", "t"))]),
    ("Action: type(content='hello world')", [TypeText(text="hello world")]),
    ("Action: type(content='search terms\\n')", [TypeText(text="search terms\n")]),
    ("Action: type(content='it\\'s \"quoted\"')", [TypeText(text="it's \"quoted\"")]),
    ("Action: type(content='two\nlines')", [TypeText(text="two\nlines")]),
    ("Action: scroll(start_box='(100,200)', direction='down')", [Scroll(x=100, y=200, dy=600)]),
    ("Action: scroll(start_box='(100,200)', direction='up')", [Scroll(x=100, y=200, dy=-600)]),
    ("Action: scroll(start_box='(100,200)', direction='left')", [Scroll(x=100, y=200, dx=-600)]),
    ("Action: scroll(point='<point>100 200</point>', direction='right')", [Scroll(x=100, y=200, dx=600)]),
    ("Action: wait()", [Wait(seconds=5)]),
    ("Action: finished(content='Invoice 42 is paid.')", [Done(summary="Invoice 42 is paid.")]),
    ("Action: finished()", [Done()]),
    ("Action: call_user()", [Fail(reason="the model asked for the user's help (call_user)")]),
    ("Action_Summary: click save\nAction: click(start_box='(1,2)')", [Click(x=1, y=2)]),
    ("click(start_box='(1,2)')", [Click(x=1, y=2)]),
    ("Thought: two steps\nAction: click(start_box='(1,2)')\n\ntype(content='abc')",
     [Click(x=1, y=2), TypeText(text="abc")]),
    ("Action: click(start_box='(100,200)')[EOS]", [Click(x=100, y=200)]),
    ("Action: click(start_box='(100,200)'", [Click(x=100, y=200)]),  # a cut-off ")" is tolerated
])
def test_every_form_reads(reply: str, expected: list) -> None:
    assert from_uitars(reply) == expected


def test_relative_grid_coordinates_map_to_the_screen() -> None:
    assert from_uitars("Action: click(start_box='(500,500)')", GRID) == [Click(x=640, y=400)]
    assert from_uitars("Action: click(start_box='(0,0)')", GRID) == [Click(x=0, y=0)]
    assert from_uitars("Action: click(start_box='(999,999)')", GRID) == [Click(x=1279, y=799)]


def test_absolute_coordinates_of_the_resized_image_map_to_the_screen() -> None:
    assert from_uitars("Action: click(start_box='(644,406)')", RESIZED) == [Click(x=640, y=400)]


def test_a_scroll_without_a_point_scrolls_the_middle_of_the_screen() -> None:
    assert from_uitars("Action: scroll(direction='down')", GRID) == [Scroll(x=640, y=400, dy=600)]


def test_out_of_grid_points_are_offscreen() -> None:
    with pytest.raises(OffScreen, match=r"x must be in 0\.\.999"):
        from_uitars("Action: click(start_box='(1000,10)')", GRID)


def test_the_thought_is_kept_for_the_turn_message() -> None:
    assert uitars_thought("Thought: The Save button is top left.\nAction: click(start_box='(1,2)')") == \
        "The Save button is top left."
    assert uitars_thought("Action: wait()") is None


@pytest.mark.parametrize(("reply", "words"), [
    ("", "empty reply"),
    ("Action: teleport(start_box='(1,2)')", "unknown action 'teleport'"),
    ("Action: long_press(start_box='(1,2)')", "long_press is a phone action"),
    ("Action: scroll(start_box='(1,2)')", "scroll needs direction="),
    ("Action: click(start_box='(1)')", "expected a point (x,y) or a box"),
    ("Action: click()", "click needs start_box="),
    ("Action: click(start_box=x)", "argument values must be quoted strings"),
    ("Action: click(start_box='(1,2)", "cannot read"),
    ("Action: type(content='')", "type(content='') is empty"),
    ("Action: hotkey(key='ctrl warp')", "unknown key 'warp'"),
])
def test_errors_say_what_to_fix(reply: str, words: str) -> None:
    with pytest.raises(ActionParseError) as error:
        from_uitars(reply)
    assert words in str(error.value)


def test_nothing_is_evaluated() -> None:
    with pytest.raises(ActionParseError):
        from_uitars("Action: __import__('os').system('touch /tmp/uitars-pwned')")
