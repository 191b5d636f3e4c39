"""The run record: ``runs/<id>/run.jsonl``, one pydantic-validated event per line.

Events are appended and flushed as they happen, so a run killed with SIGKILL keeps every finished
step, and a half-written last line is skipped when reading. Screenshots are written next to it
before the event that names them. Every string goes through the run's redactor before it is
written, so a secret's value never reaches the disk.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from actions import Action

from ..models.base import Turn, Usage

__all__ = [
    "ActionEvent",
    "ChecksEvent",
    "ElementInfo",
    "Event",
    "NoteEvent",
    "ObservationEvent",
    "RunFinished",
    "RunRecorder",
    "RunStarted",
    "RunStatus",
    "TurnEvent",
    "WorkflowStepEvent",
    "new_run_id",
    "read_events",
]

RunStatus = Literal["success", "failed", "unverified", "budget_exceeded", "interrupted"]
"""How a run ended. Only passing checks give ``success``; no checks give ``unverified``."""


class _Event(BaseModel):
    time: float = Field(default_factory=time.time, description="Unix time the event was written.")


class RunStarted(_Event):
    event: Literal["run_started"] = "run_started"
    run_id: str
    task: str
    config: dict[str, Any] = Field(default_factory=dict)
    """Model, environment, budgets, policy, check and secret names: never secret values."""


class ObservationEvent(_Event):
    event: Literal["observation"] = "observation"
    step: int
    screenshot: str
    """File name of the screenshot in the run folder (what the model saw, masked)."""
    width: int
    height: int
    url: str | None = None
    digest: str
    observe_ms: float


class TurnEvent(_Event):
    event: Literal["model_turn"] = "model_turn"
    step: int
    turn: Turn
    model_ms: float


class ElementInfo(BaseModel):
    """The page element under an action's point, captured before the action ran (browser only)."""

    role: str | None = None
    name: str | None = None
    """Accessible name: aria-label, the label of a field, or the text of a button or link."""
    selector: str | None = None
    """A CSS selector that found exactly this element when it was recorded."""
    tag: str | None = None
    text: str | None = None
    box: tuple[float, float, float, float] | None = None
    """Left, top, right, bottom in screen pixels."""


class ActionEvent(_Event):
    event: Literal["action"] = "action"
    step: int
    index: int
    """Position of the action in its turn."""
    action: Action
    decision: Literal["allow", "deny", "confirmed"] = "allow"
    ok: bool
    error: str | None = None
    changed: bool = False
    output: str | None = None
    execute_ms: float = 0.0
    """Time the action itself took, settle excluded."""
    settle_ms: float = 0.0
    source: Literal["model", "workflow", "healed", "runtime"] = "model"
    """Who asked for it: the model, a workflow replay, a healed step, or the runtime (cleanup)."""
    element: ElementInfo | None = None
    screenshot: str | None = None
    """The screen just before this action, when it differs from the step's observation (batches)."""


class NoteEvent(_Event):
    event: Literal["note"] = "note"
    step: int
    message: str
    """Something the runtime told the model or noticed (repetition, a parse error, a denial)."""


class WorkflowStepEvent(_Event):
    """How a workflow step was replayed: found in place, moved, healed by the model, or failed."""

    event: Literal["workflow_step"] = "workflow_step"
    step: int
    goal: str
    status: Literal["in_place", "moved", "healed", "no_anchor", "failed"]
    delta: tuple[int, int] = (0, 0)
    how: str = ""


class CheckResultModel(BaseModel):
    check: str
    passed: bool
    detail: str = ""


class ChecksEvent(_Event):
    event: Literal["checks"] = "checks"
    results: list[CheckResultModel]


class RunFinished(_Event):
    event: Literal["run_finished"] = "run_finished"
    status: RunStatus
    reason: str
    steps: int
    usage: Usage
    elapsed_s: float
    model_calls: int
    claim: str | None = None
    """What the model said when it declared itself done, if it did."""


Event = Annotated[
    Union[RunStarted, ObservationEvent, TurnEvent, ActionEvent, NoteEvent, ChecksEvent, WorkflowStepEvent,
          RunFinished],
    Field(discriminator="event"),
]
_EVENT = TypeAdapter(Event)


def new_run_id() -> str:
    """Sortable and readable: ``20261125-154501-3f2a``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{os.urandom(2).hex()}"


class RunRecorder:
    """Appends events to ``run.jsonl`` and keeps the screenshots of one run."""

    def __init__(self, run_dir: Path, redact: Callable[[str], str] = lambda s: s) -> None:
        self.run_dir = run_dir
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._redact = redact
        self._file = open(run_dir / "run.jsonl", "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.listeners: list[Callable[[Any], None]] = []

    def write(self, event: Any) -> None:
        line = self._redact(event.model_dump_json())
        self._file.write(line + "\n")
        self._file.flush()  # in the OS after every event: a SIGKILL loses nothing written
        for listener in self.listeners:
            listener(event)

    def screenshot_path(self, step: int, suffix: str = "") -> Path:
        return self.run_dir / f"step-{step:04d}{suffix}.png"

    def close(self) -> None:
        self._file.close()


def read_events(run_dir: Path) -> Iterator[Any]:
    """Events of a run, in order; a truncated or invalid line (a killed writer) is skipped."""
    path = Path(run_dir) / "run.jsonl"
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                yield _EVENT.validate_python(json.loads(line))
            except (json.JSONDecodeError, ValidationError):
                continue
