"""``report.html``: one self-contained page that tells a run in a minute.

Built from ``run.jsonl`` alone (plus the screenshots beside it), so it renders for a run that was
killed half way just as for a finished one. Screenshots are embedded as JPEG data URIs with the
actions drawn over them in SVG, in screen coordinates, so the page needs nothing else to open.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from PIL import Image

from actions import Click, Drag, Move, Scroll, TypeSecret, TypeText, Zoom, action_point

from .events import (
    ActionEvent,
    ChecksEvent,
    NoteEvent,
    ObservationEvent,
    RunFinished,
    RunStarted,
    TurnEvent,
    WorkflowStepEvent,
    read_events,
)
from ..models.base import Usage

__all__ = ["render_report", "write_report"]

_THUMB_WIDTH = 1100


@dataclass
class _Step:
    number: int
    screenshot: str = ""
    width: int = 1
    height: int = 1
    url: str | None = None
    observe_ms: float = 0.0
    model_ms: float = 0.0
    message: str | None = None
    usage: Usage | None = None
    turn_error: str | None = None
    actions: list[ActionEvent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    workflow: WorkflowStepEvent | None = None
    """How a workflow step was replayed (found in place, moved, healed), for replays."""

    @property
    def execute_ms(self) -> float:
        return sum(a.execute_ms for a in self.actions)

    @property
    def settle_ms(self) -> float:
        return sum(a.settle_ms for a in self.actions)

    @property
    def total_ms(self) -> float:
        return self.observe_ms + self.model_ms + self.execute_ms + self.settle_ms

    def shapes(self) -> list[dict[str, Any]]:
        """What to draw over the screenshot, in screen pixels."""
        shapes = []
        for number, event in enumerate(self.actions, 1):
            action, colour = event.action, ("#16a34a" if event.ok else "#dc2626")
            if event.decision == "deny":
                colour = "#d97706"
            match action:
                case Drag():
                    points = " ".join(f"{p.x},{p.y}" for p in action.path)
                    shapes.append({"kind": "drag", "points": points, "x": action.path[-1].x,
                                   "y": action.path[-1].y, "colour": colour, "n": number})
                case Scroll():
                    shapes.append({"kind": "scroll", "x": action.x, "y": action.y, "dx": max(-80, min(80, action.dx)),
                                   "dy": max(-80, min(80, action.dy)), "colour": colour, "n": number})
                case Zoom():
                    left, top, right, bottom = action.region
                    shapes.append({"kind": "box", "x": left, "y": top, "w": right - left, "h": bottom - top,
                                   "colour": colour, "n": number})
                case Click() | Move():
                    shapes.append({"kind": "click" if isinstance(action, Click) else "move", "x": action.x,
                                   "y": action.y, "colour": colour, "n": number})
                case _ if (point := action_point(action)) is not None:
                    shapes.append({"kind": "move", "x": point[0], "y": point[1], "colour": colour, "n": number})
        return shapes


def describe_action(event: ActionEvent) -> str:
    action = event.action
    match action:
        case Click():
            clicks = {1: "click", 2: "double-click", 3: "triple-click"}[action.count]
            held = f"{'+'.join(action.keys)}+" if action.keys else ""
            button = "" if action.button == "left" else f"{action.button} "
            return f"{held}{button}{clicks} at ({action.x}, {action.y})"
        case TypeText():
            return f"type {action.text!r}"
        case TypeSecret():
            return f"type secret {action.name}"
        case Drag():
            return f"drag ({action.path[0].x}, {action.path[0].y}) → ({action.path[-1].x}, {action.path[-1].y})"
        case Scroll():
            return f"scroll by ({action.dx}, {action.dy}) at ({action.x}, {action.y})"
        case _:
            data = action.model_dump(exclude_defaults=True)
            data.pop("type", None)
            args = ", ".join(f"{k}={v}" if not isinstance(v, (list, tuple)) else f"{k}={'+'.join(map(str, v))}"
                             for k, v in data.items())
            return f"{action.type} {args}".strip()


def render_report(run_dir: Path) -> str:
    run_dir = Path(run_dir)
    started: RunStarted | None = None
    finished: RunFinished | None = None
    checks: list[Any] = []
    steps: dict[int, _Step] = {}
    for event in read_events(run_dir):
        match event:
            case RunStarted():
                started = event
            case RunFinished():
                finished = event
            case ChecksEvent():
                checks = event.results
            case ObservationEvent():
                step = steps.setdefault(event.step, _Step(event.step))
                step.screenshot = _thumbnail(run_dir / event.screenshot)
                step.width, step.height, step.url, step.observe_ms = event.width, event.height, event.url, event.observe_ms
            case TurnEvent():
                step = steps.setdefault(event.step, _Step(event.step))
                step.message, step.usage, step.model_ms = event.turn.message, event.turn.usage, event.model_ms
                step.turn_error = event.turn.error
            case ActionEvent():
                steps.setdefault(event.step, _Step(event.step)).actions.append(event)
            case NoteEvent():
                steps.setdefault(event.step, _Step(event.step)).notes.append(event.message)
            case WorkflowStepEvent():
                steps.setdefault(event.step, _Step(event.step)).workflow = event
    ordered = [steps[k] for k in sorted(steps)]
    usage = finished.usage if finished else sum((s.usage for s in ordered if s.usage), Usage())
    template = _templates().get_template("report.html.j2")
    return template.render(
        started=started, finished=finished, checks=checks, steps=ordered, usage=usage,
        status=finished.status if finished else "incomplete",
        reason=finished.reason if finished else "the run did not finish (killed or still running); "
                                                "every step recorded so far is shown",
        when=datetime.fromtimestamp(started.time, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if started else "",
        describe=describe_action, run_id=run_dir.name,
        max_step_ms=max([s.total_ms for s in ordered] + [1.0]),
    )


def write_report(run_dir: Path) -> Path:
    """Render ``report.html`` into the run folder and return its path."""
    path = Path(run_dir) / "report.html"
    path.write_text(render_report(Path(run_dir)), encoding="utf-8")
    return path


def _templates() -> Environment:
    return Environment(loader=PackageLoader("agent.record", "templates"), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def _thumbnail(path: Path) -> str:
    if not path.exists():
        return ""
    with Image.open(path) as image:
        image = image.convert("RGB")
        if image.width > _THUMB_WIDTH:
            image = image.resize((_THUMB_WIDTH, round(image.height * _THUMB_WIDTH / image.width)),
                                 Image.Resampling.BILINEAR, reducing_gap=2.0)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=72)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
