"""The words every adapter sends besides the screenshot: the task, what went wrong, secrets.

Each wire format carries these differently (an OpenAI user message, an Anthropic ``tool_result``
with ``is_error``, a chat message), but the sentences are the same, so they are written once here.
Coordinates never appear in them: the model and the screen count pixels differently, and a
screen-pixel number in a message would mislead a model that thinks in its own image's pixels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from actions import Action, Drag, KeyPress, TypeSecret, TypeText, action_point

from .base import ActionFeedback, ModelInput

__all__ = ["cursor_after", "describe", "failures", "followup", "notes_text", "task_text", "with_secrets"]

_SECRET = re.compile(r"^\{\{\s*(?:secrets\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
"""``{{ secrets.NAME }}`` (the documented form, shared with workflows), or ``{{NAME}}``."""


def task_text(request: ModelInput) -> str:
    """The first message: the task, how to type secrets, and any runtime notes."""
    parts = [request.task.strip()]
    if request.secrets:
        names = ", ".join(request.secrets)
        parts.append(
            f"Secrets you may type without seeing them: {names}. To type one, type exactly "
            "{{ secrets.NAME }} (for example {{ secrets." + request.secrets[0] + " }}) as the whole text "
            "of one type action; the runtime types the value."
        )
    if request.notes:
        parts.append(notes_text(request.notes))
    return "\n\n".join(parts)


def notes_text(notes: Sequence[str]) -> str:
    return "Notes from the runtime:\n" + "\n".join(f"- {note}" for note in notes)


def describe(action: Action) -> str:
    """A short name for an action in feedback, without coordinates."""
    match action:
        case TypeText():
            text = action.text if len(action.text) <= 30 else action.text[:27] + "..."
            return f"type {text!r}"
        case KeyPress():
            return "keypress " + "+".join(action.keys)
        case TypeSecret():
            return f"type secret {action.name}"
        case _:
            return action.type


def failures(actions: Sequence[Action], feedback: Sequence[ActionFeedback]) -> list[str]:
    """One line per action that failed, was not run, or produced output."""
    lines = []
    for index, action in enumerate(actions, start=1):
        item = feedback[index - 1] if index <= len(feedback) else None
        label = f"action {index} ({describe(action)})"
        if item is None:
            lines.append(f"{label} was not run")
        elif not item.ok:
            lines.append(f"{label} failed: {item.error or 'no reason given'}")
        elif item.output:
            lines.append(f"{label} output: {item.output}")
    return lines


def followup(actions: Sequence[Action], feedback: Sequence[ActionFeedback], error: str | None,
             notes: Sequence[str]) -> str | None:
    """What the model must hear before the new screenshot, or None when all went well."""
    parts = []
    if error:
        parts.append(f"Your previous reply could not be used: {error}. Send a corrected action.")
    lines = failures(actions, feedback)
    if lines:
        parts.append("Results of your previous actions:\n" + "\n".join(lines))
    if notes:
        parts.append(notes_text(notes))
    return "\n\n".join(parts) or None


def with_secrets(actions: list[Action], secrets: Sequence[str]) -> list[Action]:
    """``type "{{NAME}}"`` of a known secret becomes ``type_secret NAME``: the model never sees values."""
    if not secrets:
        return actions
    result: list[Action] = []
    for action in actions:
        match = _SECRET.match(action.text) if isinstance(action, TypeText) else None
        result.append(TypeSecret(name=match.group(1)) if match and match.group(1) in secrets else action)
    return result


def cursor_after(actions: Sequence[Action], cursor: tuple[int, int] | None) -> tuple[int, int] | None:
    """Where the pointer is after the actions ran, in screen pixels (for coordinate-less clicks)."""
    for action in actions:
        if isinstance(action, Drag):
            cursor = (action.path[-1].x, action.path[-1].y)
        else:
            cursor = action_point(action) or cursor
    return cursor
