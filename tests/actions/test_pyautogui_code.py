"""OSWorld pyautogui code, read with ``ast``: every function, coordinate conventions, and hostile code
rejected without ever running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions import (
    ActionParseError,
    Click,
    Done,
    Drag,
    Fail,
    Frame,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    OffScreen,
    Point,
    Scroll,
    TypeText,
    Wait,
    from_pyautogui,
)

OSWORLD = Frame(screen=(1280, 800), image=(1920, 1200))
"""A model that was shown a 1920x1200 screenshot of a 1280x800 screen."""


@pytest.mark.parametrize(("code", "expected"), [
    ("pyautogui.click(100, 200)", [Click(x=100, y=200)]),
    ("pyautogui.click(x=100, y=200, button='right')", [Click(x=100, y=200, button="right")]),
    ("pyautogui.click((100, 200))", [Click(x=100, y=200)]),
    ("pyautogui.click(100, 200, clicks=2, interval=0.1)", [Click(x=100, y=200, count=2)]),
    ("pyautogui.doubleClick(5, 6)", [Click(x=5, y=6, count=2)]),
    ("pyautogui.tripleClick(5, 6)", [Click(x=5, y=6, count=3)]),
    ("pyautogui.rightClick(5, 6)", [Click(x=5, y=6, button="right")]),
    ("pyautogui.middleClick(5, 6)", [Click(x=5, y=6, button="middle")]),
    ("pyautogui.moveTo(300, 400, duration=0.5)", [Move(x=300, y=400)]),
    ("pyautogui.moveTo(10, 10)\npyautogui.moveRel(5, -5)", [Move(x=10, y=10), Move(x=15, y=5)]),
    ("pyautogui.moveTo(10, 20)\npyautogui.dragTo(110, 120, duration=1, button='left')",
     [Move(x=10, y=20), Drag(path=(Point(x=10, y=20), Point(x=110, y=120)))]),
    ("pyautogui.moveTo(10, 20)\npyautogui.dragRel(100, 0)",
     [Move(x=10, y=20), Drag(path=(Point(x=10, y=20), Point(x=110, y=20)))]),
    ("pyautogui.mouseDown(1, 2)\npyautogui.moveTo(3, 4)\npyautogui.mouseUp()",
     [MouseDown(x=1, y=2), Move(x=3, y=4), MouseUp()]),
    ("pyautogui.scroll(-3, x=100, y=200)", [Scroll(x=100, y=200, dy=360)]),
    ("pyautogui.scroll(5, 100, 200)", [Scroll(x=100, y=200, dy=-600)]),
    ("pyautogui.vscroll(-1, x=1, y=2)", [Scroll(x=1, y=2, dy=120)]),
    ("pyautogui.hscroll(2, x=1, y=2)", [Scroll(x=1, y=2, dx=240)]),
    ("pyautogui.write('Grüße, world')", [TypeText(text="Grüße, world")]),
    ("pyautogui.typewrite('abc', interval=0.05)", [TypeText(text="abc")]),
    ("pyautogui.typewrite(['a', 'enter'])", [KeyPress(keys=("a",)), KeyPress(keys=("enter",))]),
    ("pyautogui.press('enter')", [KeyPress(keys=("enter",))]),
    ("pyautogui.press(['tab', 'tab'])", [KeyPress(keys=("tab",)), KeyPress(keys=("tab",))]),
    ("pyautogui.press('down', presses=3)", [KeyPress(keys=("down",))] * 3),
    ("pyautogui.hotkey('ctrl', 'shift', 't')", [KeyPress(keys=("ctrl", "shift", "t"))]),
    ("pyautogui.hotkey('command', 'c')", [KeyPress(keys=("meta", "c"))]),
    ("pyautogui.keyDown('shift')\npyautogui.click(1, 2)\npyautogui.keyUp('shift')", [Click(x=1, y=2, keys=("shift",))]),
    ("pyautogui.keyDown('ctrl')\npyautogui.press('a')\npyautogui.keyUp('ctrl')", [KeyPress(keys=("ctrl", "a"))]),
    ("pyautogui.keyDown('alt')\npyautogui.keyUp('alt')", [KeyPress(keys=("alt",))]),
    ("pyautogui.sleep(0.5)", [Wait(seconds=0.5)]),
    ("import time\ntime.sleep(2)", [Wait(seconds=2)]),
    ("import pyautogui as pg\npg.click(1, 2)", [Click(x=1, y=2)]),
    ("'''Observation: a dialog'''\npyautogui.click(1, 2)", [Click(x=1, y=2)]),
    ("I will click Save.\n```python\nimport pyautogui\npyautogui.click(1, 2)\n```", [Click(x=1, y=2)]),
    ("```python\npyautogui.click(1, 2)\n```\nthen\n```python\npyautogui.write('x')\n```",
     [Click(x=1, y=2), TypeText(text="x")]),
    ("DONE", [Done()]),
    ("```DONE```", [Done()]),
    ("FAIL", [Fail(reason="the model answered FAIL")]),
    ("WAIT", [Wait(seconds=2)]),
])
def test_every_form_reads(code: str, expected: list) -> None:
    assert from_pyautogui(code) == expected


def test_coordinates_are_pixels_of_the_screenshot_the_model_saw() -> None:
    assert from_pyautogui("pyautogui.click(960, 600)", OSWORLD) == [Click(x=640, y=400)]
    assert from_pyautogui("pyautogui.moveTo(0, 0)\npyautogui.moveRel(300, 150)", OSWORLD) == [
        Move(x=0, y=0), Move(x=200, y=100)]
    with pytest.raises(OffScreen, match=r"line 1: point \(1920, 5\) is outside the image the model sees"):
        from_pyautogui("pyautogui.click(1920, 5)", OSWORLD)


def test_calls_without_coordinates_use_the_known_pointer() -> None:
    assert from_pyautogui("pyautogui.click()", cursor=(7, 8)) == [Click(x=7, y=8)]
    drag = Drag(path=(Point(x=7, y=8), Point(x=50, y=60)))
    assert from_pyautogui("pyautogui.dragTo(50, 60)", cursor=(7, 8)) == [drag]
    with pytest.raises(ActionParseError, match="click without x, y needs a known pointer position"):
        from_pyautogui("pyautogui.click()")


@pytest.mark.parametrize(("code", "words"), [
    ("pyautogui.click(1, 2, clicks=4)", "clicks=4 must be 1, 2 or 3"),
    ("pyautogui.click(1, 2, button='thumb')", "unknown button 'thumb'"),
    ("pyautogui.click(1, 2, wiggle=True)", "unexpected argument wiggle="),
    ("pyautogui.click(1, 2, 3, 4, 5, 6, 7, 8)", "takes at most"),
    ("pyautogui.press('hyperspace')", "unknown key 'hyperspace'"),
    ("pyautogui.keyDown('shift')\npyautogui.click(1, 2)", "keyDown('shift') is never released"),
    ("pyautogui.keyUp('shift')", "keyUp('shift') without a matching keyDown"),
    ("pyautogui.keyDown('shift')\npyautogui.write('A')\npyautogui.keyUp('shift')", "write while ['shift'] are held"),
    ("pyautogui.dragTo(5, 5)", "moveTo the start point first"),
    ("pyautogui.sleep(600)", "wait.seconds"),
    ("import pyautogui", "contains no action"),
    ("   ", "no code"),
    ("pyautogui.click(1, 2", "not valid Python"),
])
def test_errors_name_the_line_and_what_to_fix(code: str, words: str) -> None:
    with pytest.raises(ActionParseError) as error:
        from_pyautogui(code)
    assert words in str(error.value)
    assert str(error.value).startswith(("line ", "no code", "the code contains", "at the end"))


HOSTILE = [
    ("import os\nos.system('touch {marker}')", "import os is not allowed"),
    ("from os import system\nsystem('touch {marker}')", "from os import ... is not allowed"),
    ("__import__('os').system('touch {marker}')", "is not allowed"),
    ("eval(\"open('{marker}', 'w')\")", "eval() is not allowed"),
    ("exec(\"open('{marker}', 'w')\")", "exec() is not allowed"),
    ("open('{marker}', 'w')", "open() is not allowed"),
    ("os.system('touch {marker}')", "`os.system` is not allowed"),
    ("pyautogui.os.system('touch {marker}')", "`pyautogui.os.system` is not allowed"),
    ("pyautogui.__dict__['click'](1, 2)", "is not allowed"),
    ("getattr(pyautogui, 'click')(1, 2)", "is not allowed"),
    ("pyautogui.write(open('{marker}', 'w').write('x'))", "must be a literal"),
    ("pyautogui.write(f'{{1+1}}')", "must be a literal"),
    ("pyautogui.click(*[1, 2])", "must be a literal"),
    ("pyautogui.click(**{{'x': 1, 'y': 2}})", "**kwargs in click are not allowed"),
    ("x = open('{marker}', 'w')", "assign"),
    ("pyautogui.FAILSAFE = False", "assign"),
    ("for i in range(3):\n    pyautogui.click(1, 2)", "for"),
    ("while True:\n    pass", "while"),
    ("with open('{marker}', 'w') as f:\n    pass", "with"),
    ("def f():\n    pass", "functiondef"),
    ("lambda: open('{marker}', 'w')", "expr"),
    ("pyautogui.screenshot('{marker}')", "pyautogui.screenshot is not allowed"),
    ("pyautogui.alert('hi')", "pyautogui.alert is not allowed"),
    ("time.time()", "time.time is not allowed"),
    ("import subprocess", "import subprocess is not allowed"),
    ("pyautogui.click(1, 2)\nimport shutil", "line 2: import shutil is not allowed"),
]


@pytest.mark.parametrize(("template", "words"), HOSTILE, ids=[h[0].splitlines()[0][:40] for h in HOSTILE])
def test_hostile_code_is_rejected_by_name_and_never_run(template: str, words: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code = template.format(marker=marker)
    with pytest.raises(ActionParseError) as error:
        from_pyautogui(code)
    assert words in str(error.value)
    assert not marker.exists()
