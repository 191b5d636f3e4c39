"""Exporting a run that worked: as a workflow (replayable with zero model calls), or as a
standalone Playwright script (browser runs).

Actions become steps: a new step starts at every action aimed at a point (a click, a drag) or a
navigation, and the actions that follow without a target (typing, keys) join it. Each step's
anchor is taken from the screen just before its first action, and in a browser from the element
that was under the point.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from actions import (
    Action,
    Click,
    Drag,
    KeyPress,
    Navigate,
    Scroll,
    TypeSecret,
    TypeText,
    UserError,
    action_point,
)

from .anchors import capture_anchor
from ..checks import parse_check
from ..record.events import ActionEvent, ElementInfo, ObservationEvent, RunStarted, read_events
from .workflow import EnvironmentSpec, Step, Workflow

__all__ = ["ActionRecord", "build_steps", "export_workflow", "recorded_actions"]


@dataclass
class ActionRecord:
    """One action that ran, with the screen just before it and the element under its point."""

    action: Action
    image: Image.Image | None
    element: ElementInfo | None = None
    text_hint: str | None = None


async def build_steps(records: list[ActionRecord], *, read_text: bool = True) -> list[Step]:
    """Group actions into steps and give each step an anchor and a goal."""
    groups: list[list[ActionRecord]] = []
    for record in records:
        starts = action_point(record.action) is not None or isinstance(record.action, Navigate)
        if starts or not groups:
            groups.append([record])
        else:
            groups[-1].append(record)
    steps = []
    for group in groups:
        first = group[0]
        point = action_point(first.action)
        anchor = None
        if point is not None and first.image is not None:
            anchor = await capture_anchor(first.image, point, first.element, read_text=read_text)
        target = (anchor.text if anchor else None) or first.text_hint
        steps.append(Step(goal=_goal([r.action for r in group], target), actions=[r.action for r in group],
                          anchor=anchor))
    return steps


def recorded_actions(run_dir: Path) -> tuple[RunStarted, list[ActionRecord]]:
    """The actions of a run that ran and succeeded, with the screen before each."""
    started: RunStarted | None = None
    shots: dict[int, str] = {}
    records: list[ActionRecord] = []
    for event in read_events(run_dir):
        if isinstance(event, RunStarted):
            started = event
        elif isinstance(event, ObservationEvent):
            shots[event.step] = event.screenshot
        elif isinstance(event, ActionEvent) and event.ok and event.decision != "deny" and event.source != "runtime":
            if event.action.type in ("screenshot", "zoom", "done", "fail", "wait"):
                continue
            name = event.screenshot or shots.get(event.step)
            image = Image.open(run_dir / name).convert("RGB") if name and (run_dir / name).exists() else None
            records.append(ActionRecord(event.action, image, event.element))
    if started is None:
        raise UserError(f"{run_dir} has no run record (run.jsonl without a start)")
    return started, records


async def export_workflow(run_dir: Path, *, name: str | None = None, allow_unsuccessful: bool = False) -> Workflow:
    """A workflow from a run folder; by default only from a run whose checks passed."""
    from ..record.events import RunFinished

    finished = [e for e in read_events(run_dir) if isinstance(e, RunFinished)]
    status = finished[-1].status if finished else "incomplete"
    if status not in ("success", "unverified") and not allow_unsuccessful:
        raise UserError(f"run {run_dir.name} ended {status}; export a run that worked "
                        "(or pass --force to export it anyway)")
    started, records = recorded_actions(run_dir)
    if not records:
        raise UserError(f"run {run_dir.name} has no actions to export")
    config = started.config
    size = tuple(config.get("size") or (records[0].image.size if records[0].image else (1280, 800)))
    environment = EnvironmentSpec(kind="desktop" if config.get("environment") == "desktop" else "browser",
                                  size=size, start_url=config.get("start_url"), program=config.get("app"))
    checks = [parse_check(spec) for spec in config.get("checks", [])]
    steps = await build_steps(records)
    return Workflow(name=name or _slug(started.task), description=started.task, environment=environment,
                    secrets=list(config.get("secrets", [])), steps=steps, checks=checks)


def _goal(actions: list[Action], target: str | None) -> str:
    parts = []
    for action in actions:
        match action:
            case Click():
                verb = {1: "click", 2: "double-click", 3: "triple-click"}[action.count]
                parts.append(f"{verb} {target!r}" if target else f"{verb} at ({action.x}, {action.y})")
            case TypeText():
                parts.append(f"type {action.text!r}")
            case TypeSecret():
                parts.append(f"type the secret {action.name}")
            case KeyPress():
                parts.append(f"press {'+'.join(action.keys)}")
            case Navigate():
                parts.append(f"open {action.url}")
            case Drag():
                parts.append(f"drag {target!r}" if target else "drag")
            case Scroll():
                parts.append(f"scroll {'down' if action.dy > 0 else 'up' if action.dy < 0 else 'sideways'}")
            case _:
                parts.append(action.type.replace("_", " "))
    text = ", then ".join(parts)
    return text[0].upper() + text[1:]


def _slug(task: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in task.lower()).split()
    return "-".join(words[:6]) or "workflow"
