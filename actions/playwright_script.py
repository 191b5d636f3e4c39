"""IR -> a standalone Python Playwright script (for ``screenloop export --as playwright``).

The script needs only Playwright. Each targeted action uses a locator when the element under its
point was recorded (a unique selector, else role and accessible name), so it survives layout
changes; otherwise it falls back to the recorded coordinates. Secrets are read from environment
variables of the same name, never written into the script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .base import (
    Action,
    Click,
    Drag,
    HoldKey,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Navigate,
    RunScript,
    Scroll,
    TypeSecret,
    TypeText,
    Wait,
)
from .keys import playwright_chord, playwright_key

__all__ = ["ScriptStep", "to_playwright_script"]

_PLACEHOLDER = re.compile(r"\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class ScriptStep:
    """One recorded action and how to find its target again."""

    action: Action
    selector: str | None = None
    role: str | None = None
    name: str | None = None
    comment: str | None = None


def to_playwright_script(steps: list[ScriptStep], *, start_url: str | None, size: tuple[int, int] = (1280, 800),
                         title: str = "a screenloop run", chromium_args: tuple[str, ...] = ()) -> str:
    """The text of a Python script that repeats ``steps`` in Chromium."""
    secrets = sorted({s.action.name for s in steps if isinstance(s.action, TypeSecret)} |
                     {m for s in steps if isinstance(s.action, TypeText) for m in _PLACEHOLDER.findall(s.action.text)})
    body: list[str] = []
    for number, step in enumerate(steps, 1):
        body.append(f"        # {number}. {step.comment or step.action.type}")
        body.extend("        " + line for line in _lines(step))
    secret_doc = (f"\nSecrets come from environment variables: {', '.join(secrets)}.\n" if secrets else "")
    return _TEMPLATE.format(
        title=title.replace('"""', "'''"), secret_doc=secret_doc, start_url=repr(start_url or "about:blank"),
        args=repr(list(chromium_args)), width=size[0], height=size[1],
        secret_check=repr(secrets), body="\n".join(body) or "        pass",
    )


def _target(step: ScriptStep) -> str | None:
    if step.selector:
        return f"page.locator({step.selector!r})"
    if step.role and step.name:
        return f"page.get_by_role({step.role!r}, name={step.name!r}, exact=True)"
    return None


def _lines(step: ScriptStep) -> list[str]:
    action, target = step.action, _target(step)
    match action:
        case Click(button="back"):
            return ["page.go_back()"]
        case Click(button="forward"):
            return ["page.go_forward()"]
        case Click():
            options: dict[str, Any] = {}
            if action.button != "left":
                options["button"] = action.button
            if action.count != 1:
                options["click_count"] = action.count
            if action.keys:
                options["modifiers"] = [playwright_key(k) for k in action.keys]
            args = ", ".join(f"{k}={v!r}" for k, v in options.items())
            if target:
                return [f"{target}.click({args})"]
            keys = options.pop("modifiers", [])
            args = ", ".join(f"{k}={v!r}" for k, v in options.items())
            return ([f"page.keyboard.down({k!r})" for k in keys]
                    + [f"page.mouse.click({action.x}, {action.y}{', ' + args if args else ''})"]
                    + [f"page.keyboard.up({k!r})" for k in reversed(keys)])
        case TypeText():
            return _type_lines(action.text)
        case TypeSecret():
            return [f"page.keyboard.type(os.environ[{action.name!r}])"]
        case KeyPress():
            return [f"page.keyboard.press({playwright_chord(action.keys)!r})"]
        case HoldKey():
            keys = [playwright_key(k) for k in action.keys]
            return ([f"page.keyboard.down({k!r})" for k in keys] + [f"page.wait_for_timeout({int(action.seconds * 1000)})"]
                    + [f"page.keyboard.up({k!r})" for k in reversed(keys)])
        case Navigate():
            return [f"page.goto({action.url!r})"]
        case Scroll():
            return [f"page.mouse.move({action.x}, {action.y})", f"page.mouse.wheel({action.dx}, {action.dy})"]
        case Move():
            return [f"page.mouse.move({action.x}, {action.y})"]
        case Drag():
            first, rest = action.path[0], action.path[1:]
            return ([f"page.mouse.move({first.x}, {first.y})", "page.mouse.down()"]
                    + [f"page.mouse.move({p.x}, {p.y}, steps=8)" for p in rest] + ["page.mouse.up()"])
        case MouseDown() | MouseUp():
            verb = "down" if isinstance(action, MouseDown) else "up"
            move = [f"page.mouse.move({action.x}, {action.y})"] if action.x is not None and action.y is not None else []
            return [*move, f"page.mouse.{verb}(button={action.button!r})"]
        case Wait():
            return [f"page.wait_for_timeout({int(action.seconds * 1000)})"]
        case RunScript(language="javascript"):
            return [f"page.evaluate({action.code!r})"]
        case _:
            return [f"# {action.type} is not repeated by this script"]


def _type_lines(text: str) -> list[str]:
    lines, position = [], 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            lines.append(f"page.keyboard.type({text[position:match.start()]!r})")
        lines.append(f"page.keyboard.type(os.environ[{match.group(1)!r}])")
        position = match.end()
    if position < len(text):
        lines.append(f"page.keyboard.type({text[position:]!r})")
    return lines


_TEMPLATE = '''#!/usr/bin/env python3
"""Repeats {title}.

Generated by `screenloop export --as playwright`; it needs only Playwright (`pip install playwright`).
Usage: python this_script.py [START_URL]. Chromium: $SCREENLOOP_CHROMIUM, else /usr/bin/chromium,
else Playwright's own. HEADED=1 shows the window.{secret_doc}"""

import os
import shutil
import sys

from playwright.sync_api import sync_playwright

START_URL = sys.argv[1] if len(sys.argv) > 1 else {start_url}
CHROMIUM_ARGS = {args}
SECRETS = {secret_check}


def chromium() -> str | None:
    for candidate in (os.environ.get("SCREENLOOP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def main() -> None:
    missing = [name for name in SECRETS if name not in os.environ]
    if missing:
        sys.exit(f"set the environment variable(s) {{', '.join(missing)}} first")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=os.environ.get("HEADED") != "1",
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={{"width": {width}, "height": {height}}})
        page.set_default_timeout(15_000)
        page.goto(START_URL)
{body}
        page.wait_for_load_state()
        browser.close()


if __name__ == "__main__":
    main()
'''
