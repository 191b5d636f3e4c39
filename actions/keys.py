"""Key names: every spelling models emit, normalized once to one canonical name.

Models write the same key many ways (``CTRL``, ``control``, ``ctrl_l``; ``Return``, ``enter``;
``ArrowUp``, ``up``; ``page_down``, ``PageDown``, ``Next``). Everything downstream (X keysyms,
Playwright key names, the policy, the recording) sees only the canonical name, so a key is looked
up in exactly one table, and an unknown key is an error naming it, never a silent drop.

Canonical names are lower case words (``ctrl``, ``enter``, ``pagedown``, ``f5``) or a single
printable character (``a``, ``A``, ``+``, ``é``). Letters keep their case when pressed alone
(``A`` types a capital A) and are lowered in a chord with a modifier, because ``CTRL+A`` from a
model means select-all, not ctrl+shift+a.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownKey

__all__ = [
    "MODIFIERS",
    "KeySpec",
    "key_spec",
    "normalize_chord",
    "normalize_key",
    "parse_chord",
    "playwright_chord",
    "playwright_key",
    "x_keysym_name",
]


@dataclass(frozen=True, slots=True)
class KeySpec:
    """How one canonical key is spelled for each backend."""

    name: str
    """Canonical name, as stored in actions and recordings."""
    x_keysym: str
    """X11 keysym name, as ``Xlib.XK.string_to_keysym`` reads it."""
    playwright: str
    """Playwright ``keyboard.press`` name."""


def _spec(name: str, x: str, pw: str) -> KeySpec:
    return KeySpec(name, x, pw)


_NAMED: dict[str, KeySpec] = {
    s.name: s
    for s in [
        _spec("ctrl", "Control_L", "Control"),
        _spec("shift", "Shift_L", "Shift"),
        _spec("alt", "Alt_L", "Alt"),
        _spec("meta", "Super_L", "Meta"),
        _spec("enter", "Return", "Enter"),
        _spec("tab", "Tab", "Tab"),
        _spec("escape", "Escape", "Escape"),
        _spec("backspace", "BackSpace", "Backspace"),
        _spec("delete", "Delete", "Delete"),
        _spec("insert", "Insert", "Insert"),
        _spec("home", "Home", "Home"),
        _spec("end", "End", "End"),
        _spec("pageup", "Prior", "PageUp"),
        _spec("pagedown", "Next", "PageDown"),
        _spec("up", "Up", "ArrowUp"),
        _spec("down", "Down", "ArrowDown"),
        _spec("left", "Left", "ArrowLeft"),
        _spec("right", "Right", "ArrowRight"),
        _spec("space", "space", " "),
        _spec("capslock", "Caps_Lock", "CapsLock"),
        _spec("numlock", "Num_Lock", "NumLock"),
        _spec("scrolllock", "Scroll_Lock", "ScrollLock"),
        _spec("printscreen", "Print", "PrintScreen"),
        _spec("pause", "Pause", "Pause"),
        _spec("menu", "Menu", "ContextMenu"),
        *(_spec(f"f{n}", f"F{n}", f"F{n}") for n in range(1, 25)),
    ]
}

MODIFIERS: frozenset[str] = frozenset({"ctrl", "shift", "alt", "meta"})
"""Canonical names of the keys that are held around other input."""

# Spellings, compared after lower-casing and removing "_", "-" and spaces.
_ALIASES: dict[str, str] = {
    # modifiers
    "ctrl": "ctrl", "control": "ctrl", "ctl": "ctrl", "ctrll": "ctrl", "controll": "ctrl",
    "lctrl": "ctrl", "leftctrl": "ctrl", "leftcontrol": "ctrl", "ctrlr": "ctrl", "controlr": "ctrl",
    "rctrl": "ctrl", "rightctrl": "ctrl", "rightcontrol": "ctrl", "strg": "ctrl",
    "shift": "shift", "shiftl": "shift", "shiftr": "shift", "lshift": "shift", "rshift": "shift",
    "leftshift": "shift", "rightshift": "shift",
    "alt": "alt", "altl": "alt", "altr": "alt", "lalt": "alt", "ralt": "alt", "option": "alt",
    "opt": "alt", "leftalt": "alt", "rightalt": "alt", "altgr": "alt",
    "meta": "meta", "metal": "meta", "metar": "meta", "super": "meta", "superl": "meta",
    "superr": "meta", "cmd": "meta", "command": "meta", "win": "meta", "windows": "meta",
    "lwin": "meta", "rwin": "meta", "os": "meta", "hyper": "meta",
    # editing and whitespace
    "enter": "enter", "return": "enter", "ret": "enter", "kpenter": "enter", "numpadenter": "enter",
    "tab": "tab", "escape": "escape", "esc": "escape",
    "backspace": "backspace", "bksp": "backspace", "bs": "backspace",
    "delete": "delete", "del": "delete", "insert": "insert", "ins": "insert",
    "space": "space", "spacebar": "space", "spc": "space",
    # navigation
    "home": "home", "end": "end",
    "pageup": "pageup", "pgup": "pageup", "prior": "pageup",
    "pagedown": "pagedown", "pgdn": "pagedown", "pgdown": "pagedown", "next": "pagedown",
    "up": "up", "arrowup": "up", "uparrow": "up", "down": "down", "arrowdown": "down",
    "downarrow": "down", "left": "left", "arrowleft": "left", "leftarrow": "left",
    "right": "right", "arrowright": "right", "rightarrow": "right",
    # locks and system
    "capslock": "capslock", "caps": "capslock", "numlock": "numlock",
    "scrolllock": "scrolllock", "printscreen": "printscreen", "print": "printscreen",
    "prtsc": "printscreen", "prtscr": "printscreen", "pause": "pause", "break": "pause",
    "menu": "menu", "contextmenu": "menu", "apps": "menu", "application": "menu",
    # punctuation spelled as words (xdotool and pyautogui style)
    "plus": "+", "minus": "-", "equal": "=", "equals": "=", "comma": ",", "period": ".",
    "dot": ".", "slash": "/", "backslash": "\\", "semicolon": ";", "colon": ":",
    "apostrophe": "'", "quote": "'", "quotedbl": '"', "grave": "`", "backquote": "`",
    "bracketleft": "[", "bracketright": "]", "braceleft": "{", "braceright": "}",
    "parenleft": "(", "parenright": ")", "less": "<", "greater": ">", "question": "?",
    "exclam": "!", "at": "@", "numbersign": "#", "hash": "#", "dollar": "$", "percent": "%",
    "asciicircum": "^", "ampersand": "&", "asterisk": "*", "underscore": "_", "bar": "|",
    "asciitilde": "~", "tilde": "~",
}
_ALIASES.update({f"f{n}": f"f{n}" for n in range(1, 25)})

# X keysym names for printable ASCII that is not its own keysym name.
_X_PUNCTUATION = {
    " ": "space", "!": "exclam", '"': "quotedbl", "#": "numbersign", "$": "dollar",
    "%": "percent", "&": "ampersand", "'": "apostrophe", "(": "parenleft", ")": "parenright",
    "*": "asterisk", "+": "plus", ",": "comma", "-": "minus", ".": "period", "/": "slash",
    ":": "colon", ";": "semicolon", "<": "less", "=": "equal", ">": "greater", "?": "question",
    "@": "at", "[": "bracketleft", "\\": "backslash", "]": "bracketright", "^": "asciicircum",
    "_": "underscore", "`": "grave", "{": "braceleft", "|": "bar", "}": "braceright",
    "~": "asciitilde",
}
_CONTROL_CHARS = {"\n": "enter", "\r": "enter", "\t": "tab", "\b": "backspace", "\x1b": "escape"}


def normalize_key(key: str) -> str:
    """Return the canonical name of one key, or raise ``UnknownKey`` naming it."""
    if not isinstance(key, str) or key == "":
        raise UnknownKey(str(key), "a key name must be a non-empty string")
    if len(key) == 1:
        if key in _CONTROL_CHARS:
            return _CONTROL_CHARS[key]
        if key == " ":
            return "space"
        if key.isprintable():
            return key
        raise UnknownKey(key, "control characters are not keys")
    folded = key.strip().lower().replace("_", "").replace("-", "").replace(" ", "")
    if folded in _ALIASES:
        return _ALIASES[folded]
    stripped = key.strip()
    if len(stripped) == 1:
        return normalize_key(stripped)
    raise UnknownKey(key, "use a name like ctrl, shift, alt, meta, enter, tab, escape, backspace, "
                          "delete, up, pagedown, home, f5, space, or a single character")


def normalize_chord(keys: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Normalize keys pressed together; letters are lowered when a modifier is in the chord."""
    if not keys:
        raise UnknownKey("", "a key chord needs at least one key")
    names = tuple(normalize_key(k) for k in keys)
    if any(n in MODIFIERS for n in names):
        names = tuple(n.lower() if len(n) == 1 and n.isalpha() else n for n in names)
    return names


def parse_chord(text: str) -> tuple[str, ...]:
    """Read an xdotool-style chord such as ``ctrl+shift+t`` or ``ctrl++`` into canonical keys."""
    if text is None or text.strip() == "":
        raise UnknownKey(str(text), "an empty key chord")
    stripped = text.strip()
    if stripped == "+":
        return ("+",)
    parts: list[str] = []
    for part in stripped.split("+"):
        if part == "":
            # "ctrl++" splits into ["ctrl", "", ""]: the empty pieces spell the plus key once.
            if not parts or parts[-1] != "+":
                parts.append("+")
            continue
        parts.append(part.strip())
    return normalize_chord(parts)


def key_spec(name: str) -> KeySpec:
    """The backend spellings of a canonical (or any known) key name."""
    canonical = normalize_key(name)
    if canonical in _NAMED:
        return _NAMED[canonical]
    return KeySpec(canonical, _x_name_for_char(canonical), canonical)


def x_keysym_name(name: str) -> str:
    """The X11 keysym name for a key (``Return``, ``Prior``, ``a``, ``plus``, ``U00E9``)."""
    return key_spec(name).x_keysym


def playwright_key(name: str) -> str:
    """The Playwright key name for a key (``Enter``, ``PageDown``, ``a``)."""
    return key_spec(name).playwright


def playwright_chord(keys: tuple[str, ...] | list[str]) -> str:
    """A chord in Playwright's ``Control+Shift+T`` form."""
    return "+".join(playwright_key(k) for k in normalize_chord(list(keys)))


def _x_name_for_char(char: str) -> str:
    if char in _X_PUNCTUATION:
        return _X_PUNCTUATION[char]
    if char.isascii() and char.isalnum():
        return char
    return f"U{ord(char):04X}"
