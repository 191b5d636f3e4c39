"""Every spelling a model emits maps to one canonical key, and on to X and Playwright names."""

from __future__ import annotations

import pytest
from Xlib import XK

from actions import UnknownKey, normalize_chord, normalize_key, parse_chord
from actions.keys import playwright_chord, playwright_key, x_keysym_name

SPELLINGS = {
    "ctrl": ["ctrl", "CTRL", "Ctrl", "control", "Control", "Control_L", "ctrl_r", "ctl"],
    "shift": ["shift", "SHIFT", "Shift_L", "Shift_R"],
    "alt": ["alt", "ALT", "Alt_L", "option", "Option"],
    "meta": ["cmd", "CMD", "command", "super", "Super_L", "win", "meta", "Meta"],
    "enter": ["enter", "Enter", "ENTER", "return", "Return", "KP_Enter", "\n"],
    "escape": ["esc", "ESC", "Escape", "escape"],
    "backspace": ["backspace", "BackSpace", "Backspace", "BACKSPACE"],
    "delete": ["delete", "Delete", "del", "DEL"],
    "tab": ["tab", "Tab", "TAB", "\t"],
    "up": ["up", "Up", "UP", "ArrowUp", "arrowup", "up_arrow"],
    "down": ["down", "ArrowDown", "Down"],
    "left": ["left", "ArrowLeft", "Left"],
    "right": ["right", "ArrowRight", "Right"],
    "pagedown": ["pagedown", "PageDown", "page_down", "Page_Down", "PgDn", "Next", "PAGEDOWN"],
    "pageup": ["pageup", "PageUp", "page_up", "Prior", "pgup"],
    "home": ["home", "Home", "HOME"],
    "end": ["end", "End"],
    "space": ["space", "Space", "SPACE", " ", "spacebar"],
    "f5": ["F5", "f5"],
    "f12": ["F12", "f12"],
    "capslock": ["CapsLock", "caps_lock", "Caps_Lock"],
    "printscreen": ["Print", "PrintScreen", "prtsc"],
    "+": ["+", "plus"],
    "-": ["-", "minus"],
    "a": ["a"],
    "A": ["A"],
    "é": ["é"],
}


@pytest.mark.parametrize(("canonical", "spelling"), [(c, s) for c, ss in SPELLINGS.items() for s in ss])
def test_every_spelling_normalizes_to_one_name(canonical: str, spelling: str) -> None:
    assert normalize_key(spelling) == canonical


@pytest.mark.parametrize("canonical", list(SPELLINGS))
def test_every_canonical_key_has_an_x_keysym_and_a_playwright_name(canonical: str) -> None:
    name = x_keysym_name(canonical)
    if not name.startswith("U"):
        assert XK.string_to_keysym(name) != 0, name
    assert playwright_key(canonical)


def test_backend_names_of_common_keys() -> None:
    assert (x_keysym_name("enter"), playwright_key("enter")) == ("Return", "Enter")
    assert (x_keysym_name("pagedown"), playwright_key("pagedown")) == ("Next", "PageDown")
    assert (x_keysym_name("up"), playwright_key("up")) == ("Up", "ArrowUp")
    assert (x_keysym_name("meta"), playwright_key("meta")) == ("Super_L", "Meta")
    assert x_keysym_name("é") == "U00E9"


@pytest.mark.parametrize("bad", ["hyperdrive", "ctrl+banana", "", "F99"])
def test_unknown_keys_raise_an_error_naming_the_key(bad: str) -> None:
    with pytest.raises(UnknownKey) as info:
        parse_chord(bad) if "+" in bad else normalize_key(bad)
    if bad:
        assert repr(bad.split("+")[-1]) in str(info.value)


def test_chords_from_xdotool_and_openai_spellings() -> None:
    assert parse_chord("ctrl+shift+t") == ("ctrl", "shift", "t")
    assert parse_chord("Control_L+Return") == ("ctrl", "enter")
    assert parse_chord("ctrl++") == ("ctrl", "+")
    assert parse_chord("+") == ("+",)
    assert normalize_chord(["CTRL", "A"]) == ("ctrl", "a")  # OpenAI's spelling of select-all
    assert normalize_chord(["A"]) == ("A",)  # alone, a capital letter types a capital letter
    assert playwright_chord(["cmd", "shift", "K"]) == "Meta+Shift+k"
