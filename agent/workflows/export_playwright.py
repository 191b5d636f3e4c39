"""A browser run as a standalone Playwright script: the recorded actions, with locators taken from
the elements that were under each click."""

from __future__ import annotations

from pathlib import Path

from actions import UserError
from actions.playwright_script import ScriptStep, to_playwright_script
from environments import CHROMIUM_ARGS

from ..record.events import ActionEvent, RunFinished, RunStarted, read_events
from ..record.report import describe_action

__all__ = ["export_playwright"]


def export_playwright(run_dir: Path, *, allow_unsuccessful: bool = False) -> str:
    started: RunStarted | None = None
    status = "incomplete"
    steps: list[ScriptStep] = []
    for event in read_events(run_dir):
        if isinstance(event, RunStarted):
            started = event
        elif isinstance(event, RunFinished):
            status = event.status
        elif isinstance(event, ActionEvent) and event.ok and event.decision != "deny" and event.source != "runtime":
            element = event.element
            steps.append(ScriptStep(event.action, selector=element.selector if element else None,
                                    role=element.role if element else None, name=element.name if element else None,
                                    comment=describe_action(event)))
    if started is None:
        raise UserError(f"{run_dir} has no run record")
    if started.config.get("environment") not in ("browser", None):
        raise UserError(f"run {run_dir.name} ran on a {started.config.get('environment')}; "
                        "a Playwright script can only repeat browser runs (export it as a workflow)")
    if status not in ("success", "unverified") and not allow_unsuccessful:
        raise UserError(f"run {run_dir.name} ended {status}; export a run that worked (or pass --force)")
    size = tuple(started.config.get("size") or (1280, 800))
    return to_playwright_script(steps, start_url=started.config.get("start_url"), size=size,  # type: ignore[arg-type]
                                title=f"screenloop run {started.run_id}: {started.task}", chromium_args=CHROMIUM_ARGS)
