"""The replay model: plays back recorded turns, for deterministic re-runs and tests.

It is a real ``Model`` (our ``ScriptedModel``): it raises ``ScriptExhausted`` when the run asks for
a turn it does not have, and ``assert_consumed`` fails when a run stopped with turns left, so a test
cannot pass with a run that diverged from its script.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from actions import UserError

from ..errors import ScriptExhausted
from .base import Model, ModelInput, Turn

__all__ = ["ReplayModel"]


class ReplayModel(Model):
    """Returns the given turns in order, one per step."""

    def __init__(self, turns: Iterable[Turn], name: str = "replay") -> None:
        self.name = name
        self.turns = list(turns)
        self.requests: list[ModelInput] = []
        """Every input the run sent, for tests to inspect."""

    @classmethod
    def from_file(cls, path: str | Path) -> ReplayModel:
        """Turns from a run folder (its ``model_turn`` events), or a JSON list / JSON-lines file of turns."""
        source = Path(path)
        if source.is_dir():
            from ..record.events import TurnEvent, read_events  # events import models.base; import late

            turns = [e.turn for e in read_events(source) if isinstance(e, TurnEvent)]
            return cls(turns, name=f"replay:{source}")
        try:
            text = source.read_text()
        except OSError as exc:
            raise UserError(f"cannot read recorded turns from {source}: {exc.strerror}") from exc
        stripped = text.strip()
        items = json.loads(stripped) if stripped.startswith("[") else [json.loads(l) for l in stripped.splitlines() if l.strip()]
        return cls([Turn.model_validate(item) for item in items], name=f"replay:{source}")

    @property
    def remaining(self) -> int:
        return len(self.turns) - len(self.requests)

    async def turn(self, request: ModelInput) -> Turn:
        if self.remaining <= 0:
            raise ScriptExhausted(
                f"{self.name} has {len(self.turns)} recorded turns and the run asked for turn {len(self.requests) + 1}"
            )
        self.requests.append(request)
        return self.turns[len(self.requests) - 1]

    def assert_consumed(self) -> None:
        """Fail when the run stopped before using every turn."""
        if self.remaining:
            raise ScriptExhausted(f"{self.name} stopped with {self.remaining} of {len(self.turns)} turns unused")
