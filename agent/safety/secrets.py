"""Secrets the model types without ever seeing them.

The model knows only names. It types a secret with the ``type_secret`` action, or by typing the
placeholder ``{{ secrets.NAME }}``, which the runtime turns into ``type_secret`` before anything is
executed or recorded; the executor then types the value. The redactor replaces every value (and
its JSON-escaped form) with ``[secret:NAME]`` in everything that leaves the run: model requests,
``run.jsonl``, the report and log lines.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from actions import Action, TypeSecret, TypeText, UnsupportedAction, UserError

__all__ = ["PLACEHOLDER", "Secrets"]

PLACEHOLDER = re.compile(r"\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
"""How a model (or a workflow) writes a secret inside typed text."""

_MIN_LENGTH = 4


class Secrets:
    """Named secret values, and the redactor that keeps them out of every record."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = dict(values or {})
        for name, value in self._values.items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise UserError(f"secret name {name!r} must be letters, digits and underscores")
            if len(value) < _MIN_LENGTH:
                raise UserError(f"secret {name} is shorter than {_MIN_LENGTH} characters; "
                                "redacting it would garble every record")
        variants: list[tuple[str, str]] = []
        for name, value in self._values.items():
            for form in {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}:
                variants.append((form, f"[secret:{name}]"))
        # Longest first, so a secret that contains another is replaced whole.
        self._variants = sorted(variants, key=lambda pair: -len(pair[0]))

    @classmethod
    def from_specs(cls, specs: Iterable[str]) -> Secrets:
        """Read ``NAME=env:VAR`` or ``NAME=file:PATH`` specs (never a value on the command line)."""
        values: dict[str, str] = {}
        for spec in specs:
            name, sep, source = spec.partition("=")
            kind, _, where = source.partition(":")
            if not sep or kind not in ("env", "file") or not where:
                raise UserError(f"--secret {spec!r}: write NAME=env:VARIABLE or NAME=file:PATH")
            if kind == "env":
                if where not in os.environ:
                    raise UserError(f"--secret {name}: environment variable {where} is not set")
                values[name.strip()] = os.environ[where]
            else:
                try:
                    values[name.strip()] = Path(where).expanduser().read_text().rstrip("\n")
                except OSError as exc:
                    raise UserError(f"--secret {name}: cannot read {where}: {exc.strerror}") from exc
        return cls(values)

    @property
    def names(self) -> list[str]:
        return sorted(self._values)

    def values(self) -> list[str]:
        """The values, for masking them on screen (never for a record)."""
        return list(self._values.values())

    def __bool__(self) -> bool:
        return bool(self._values)

    def value(self, name: str) -> str:
        """The value to type; an unknown name is the model's error, named with the ones that exist."""
        if name not in self._values:
            known = ", ".join(self.names) or "none"
            raise UnsupportedAction(f"no secret named {name!r}; the secrets you can type are: {known}")
        return self._values[name]

    def redact(self, text: str) -> str:
        for form, mask in self._variants:
            if form and form in text:
                text = text.replace(form, mask)
        return text

    def expand(self, actions: Iterable[Action]) -> list[Action]:
        """Turn ``{{ secrets.NAME }}`` inside typed text into ``type_secret`` actions."""
        result: list[Action] = []
        for action in actions:
            if not isinstance(action, TypeText) or not PLACEHOLDER.search(action.text):
                result.append(action)
                continue
            position = 0
            for match in PLACEHOLDER.finditer(action.text):
                if match.start() > position:
                    result.append(TypeText(text=action.text[position:match.start()]))
                result.append(TypeSecret(name=match.group(1)))
                position = match.end()
            if position < len(action.text):
                result.append(TypeText(text=action.text[position:]))
        return result
