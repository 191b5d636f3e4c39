"""Replaying a workflow: zero model calls while the screen matches, the model only for a step that
no longer does, and the fix written down for a person to review.

For each step: find its anchor (``agent.anchors``). Found where it was: run the cached actions.
Found elsewhere: run them shifted by the move. Not found (after a short grace for a slow page):
heal this step only: the model gets the step's goal and the current screen, its actions run and
are recorded with fresh anchors, and the run writes ``workflow.healed.yaml`` and ``workflow.diff``.
Without a model, a missing anchor fails the run naming the step, the reason and the screenshot.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from actions import (
    Action,
    Click,
    Done,
    Drag,
    Fail,
    KeyPress,
    MouseDown,
    MouseUp,
    Move,
    Point,
    ScreenloopError,
    Scroll,
    TypeSecret,
    TypeText,
    UserError,
    action_point,
)
from environments import Browser, Environment, EnvironmentFailure, Observation

from .anchors import Location, locate
from ..safety.approval import Approver, deny_all
from ..checks import UrlMatches, TextVisible, run_checks
from ..errors import ModelError, PolicyDenied
from ..record.events import (
    ChecksEvent,
    NoteEvent,
    RunFinished,
    RunRecorder,
    RunStarted,
    TurnEvent,
    WorkflowStepEvent,
    new_run_id,
)
from ..executor import Executor
from .export import ActionRecord, build_steps
from ..loop import RunResult
from ..models.base import ActionFeedback, Model, ModelInput, Usage
from ..safety.policy import Policy
from ..record.report import write_report
from ..safety.secrets import Secrets
from .workflow import Step, Workflow

__all__ = ["Replayer"]


class _StepFailed(Exception):
    """A step could not be replayed or healed; the message says which and why."""


class Replayer:
    """Runs a (rendered) workflow on an environment, healing with ``model`` when one is given."""

    def __init__(
        self,
        workflow: Workflow,
        environment: Environment,
        *,
        model: Model | None = None,
        source: Workflow | None = None,
        inputs: dict[str, str] | None = None,
        policy: Policy | None = None,
        secrets: Secrets | None = None,
        approver: Approver = deny_all,
        runs_dir: str | Path = "runs",
        run_id: str | None = None,
        config: dict[str, Any] | None = None,
        listeners: Sequence[Callable[[Any], None]] = (),
        heal_turns: int = 8,
        grace: float = 3.0,
    ) -> None:
        self.workflow = workflow
        self.source = source or workflow
        """The workflow as written (templates intact): healed steps are written into a copy of it."""
        self.inputs = inputs or {}
        self.env = environment
        self.model = model
        self.policy = policy or Policy()
        self.secrets = secrets or Secrets()
        self.approver = approver
        self.run_id = run_id or new_run_id()
        self.run_dir = Path(runs_dir) / self.run_id
        self.config = config or {}
        self.listeners = list(listeners)
        self.heal_turns = heal_turns
        self.grace = grace
        self.healed: dict[int, list[Step]] = {}
        self.usage = Usage()
        self.model_calls = 0

    async def run(self) -> RunResult:
        missing = sorted(set(self.workflow.secrets) - set(self.secrets.names))
        if missing:
            raise UserError(f"workflow {self.workflow.name!r} needs secret(s) {', '.join(missing)}: "
                            "pass --secret NAME=env:VAR")
        recorder = RunRecorder(self.run_dir, redact=self.secrets.redact)
        recorder.listeners.extend(self.listeners)
        executor = Executor(self.env, recorder, policy=self.policy, secrets=self.secrets, approver=self.approver)
        started = time.monotonic()
        recorder.write(RunStarted(run_id=self.run_id, task=f"workflow {self.workflow.name}: "
                                  f"{self.workflow.description or self.workflow.name}", config={
            **self.config, "mode": "workflow", "workflow": self.workflow.name, "steps": len(self.workflow.steps),
            "model": self.model.name if self.model else None, "secrets": self.secrets.names,
            "checks": [c.describe() for c in self.workflow.checks],
            "environment": self.workflow.environment.kind, "size": list(self.workflow.environment.size),
            "start_url": self.workflow.environment.start_url, "app": self.workflow.environment.program,
        }))
        status, reason, done_steps = "failed", "", 0
        self._checks: list[Any] = []
        try:
            for index, step in enumerate(self.workflow.steps):
                await self._replay_step(index, step, executor, recorder)
                done_steps = index + 1
            status, reason = await self._verify(recorder)
        except _StepFailed as exc:
            reason = str(exc)
        except (ModelError, PolicyDenied, EnvironmentFailure) as exc:
            reason = f"step {done_steps + 1}: {type(exc).__name__}: {self.secrets.redact(str(exc))}"
        finally:
            try:
                await executor.release_held(done_steps)
            except ScreenloopError:
                pass
        if self.healed:
            self._write_healed(recorder)
            reason += f"; {len(self.healed)} step(s) healed: review {self.run_dir / 'workflow.diff'}"
        summary = "zero model calls" if self.model_calls == 0 else f"{self.model_calls} model call(s) for healing"
        finished = RunFinished(status=status, reason=f"{reason} ({summary})", steps=done_steps, usage=self.usage,
                               elapsed_s=time.monotonic() - started, model_calls=self.model_calls)
        recorder.write(finished)
        recorder.close()
        write_report(self.run_dir)
        return RunResult(run_id=self.run_id, run_dir=self.run_dir, status=finished.status, reason=finished.reason,
                         steps=done_steps, model_calls=self.model_calls, usage=self.usage,
                         elapsed_s=finished.elapsed_s, checks=self._checks)

    # one step -------------------------------------------------------------------------------
    async def _replay_step(self, index: int, step: Step, executor: Executor, recorder: RunRecorder) -> None:
        observation, _ = await executor.observe(index)
        location = Location("in_place", None, (0, 0), "no anchor")
        if step.anchor is not None:
            location = await self._find(step, observation)
        if location.status == "missing":
            await self._heal_or_fail(index, step, observation, executor, recorder,
                                     f"its anchor was not found (looked for: {location.how})")
            return
        actions = [shift(a, location.delta) for a in step.actions]
        for number, action in enumerate(actions):
            # In a browser, typing right after the click that focused the field needs no settle in
            # between: Playwright waits for the page to take each input. XTEST input is not
            # acknowledged, so a desktop (and a remote one) settles after every action.
            following = actions[number + 1] if number + 1 < len(actions) else None
            settle = not (isinstance(self.env, Browser) and isinstance(following, (TypeText, TypeSecret, KeyPress)))
            feedback, _ = await executor.run(action, observation, step=index, index=number, source="workflow",
                                             settle=settle)
            if not feedback.ok:
                await self._heal_or_fail(index, step, (await executor.observe(index, suffix="-failed", event=False))[0],
                                         executor, recorder, f"action {number + 1} failed: {feedback.error}")
                return
        if step.expect is not None and not await self._expect(step):
            await self._heal_or_fail(index, step, (await executor.observe(index, suffix="-expect", event=False))[0],
                                     executor, recorder, "its expectation did not hold after acting")
            return
        status = "no_anchor" if step.anchor is None else location.status
        recorder.write(WorkflowStepEvent(step=index, goal=step.goal, status=status, delta=location.delta,
                                         how=location.how))

    async def _find(self, step: Step, observation: Observation) -> Location:
        """Look for the anchor; a slow page gets ``grace`` seconds (cheap looks), then one full look."""
        assert step.anchor is not None
        deadline = time.monotonic() + self.grace
        while True:
            location = await locate(step.anchor, self.env, observation, use_ocr=False)
            if location.status != "missing" or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
            observation = await self.env.observe()
        if location.status == "missing":
            location = await locate(step.anchor, self.env, observation, use_ocr=True)
        return location

    async def _expect(self, step: Step) -> bool:
        assert step.expect is not None
        checks = ([UrlMatches(pattern=step.expect.url_matches)] if step.expect.url_matches else []) + \
                 ([TextVisible(text=step.expect.text_visible)] if step.expect.text_visible else [])
        deadline = time.monotonic() + step.expect.timeout
        while True:
            results = await run_checks(checks, self.env, await self.env.observe())
            if all(r.passed for r in results) or time.monotonic() > deadline:
                return all(r.passed for r in results)
            await asyncio.sleep(0.25)

    # healing --------------------------------------------------------------------------------
    async def _heal_or_fail(self, index: int, step: Step, observation: Observation, executor: Executor,
                            recorder: RunRecorder, why: str) -> None:
        where = f"step {index + 1} ({step.goal!r})"
        if self.model is None:
            recorder.write(WorkflowStepEvent(step=index, goal=step.goal, status="failed", how=why))
            raise _StepFailed(f"{where}: {why}; no model is configured to heal it; "
                              f"the screen is in {self.run_dir / f'step-{index:04d}.png'}")
        recorder.write(NoteEvent(step=index, message=f"{where}: {why}; asking the model to heal it"))
        records = await self._heal(index, step, observation, executor, recorder, why)
        self.healed[index] = await build_steps(records)
        recorder.write(WorkflowStepEvent(step=index, goal=step.goal, status="healed", how=why))

    async def _heal(self, index: int, step: Step, observation: Observation, executor: Executor,
                    recorder: RunRecorder, why: str) -> list[ActionRecord]:
        assert self.model is not None
        task = (f"You are repairing one step of the recorded workflow {self.workflow.name!r} "
                f"({self.workflow.description or 'no description'}). The recorded actions no longer fit the screen "
                f"({why}). Do only this step: {step.goal}. Then answer that you are done. "
                "If it cannot be done, say so and stop.")
        notes: list[str] = []
        feedback: list[ActionFeedback] = []
        records: list[ActionRecord] = []
        for turn_number in range(self.heal_turns):
            began = time.perf_counter()
            turn = await self.model.turn(ModelInput(task=task, observation=observation, step=turn_number,
                                                    feedback=feedback, notes=notes, secrets=self.secrets.names))
            self.model_calls += 1
            self.usage = self.usage + turn.usage
            recorder.write(TurnEvent(step=index, turn=turn, model_ms=(time.perf_counter() - began) * 1000))
            notes, feedback = [], []
            if turn.error:  # the adapter sends the error back with its next request
                continue
            if not turn.actions or any(isinstance(a, Done) for a in turn.actions):
                records += await self._run_healed([a for a in turn.actions if not isinstance(a, Done)],
                                                  observation, index, executor, recorder, feedback)
                if not records:
                    raise _StepFailed(f"step {index + 1} ({step.goal!r}): the model healed nothing")
                return records
            if any(isinstance(a, Fail) for a in turn.actions):
                reason = next(a.reason for a in turn.actions if isinstance(a, Fail))
                raise _StepFailed(f"step {index + 1} ({step.goal!r}) could not be healed: {reason}")
            records += await self._run_healed(turn.actions, observation, index, executor, recorder, feedback)
            observation, _ = await executor.observe(index, suffix=f"-heal{turn_number + 1}", event=False)
        raise _StepFailed(f"step {index + 1} ({step.goal!r}) was not healed within {self.heal_turns} model turns")

    async def _run_healed(self, actions: list[Action], observation: Observation, index: int, executor: Executor,
                          recorder: RunRecorder, feedback: list[ActionFeedback]) -> list[ActionRecord]:
        records = []
        for number, action in enumerate(self.secrets.expand(actions)):
            image = observation.image
            if number > 0 and action_point(action) is not None:
                image = (await executor.observe(index, save=False))[0].image
            item, _ = await executor.run(action, observation, step=index, index=number, source="healed")
            feedback.append(item)
            if not item.ok:
                break
            element = executor.last_event.element if executor.last_event else None
            records.append(ActionRecord(action, image, element))
        return records

    async def _verify(self, recorder: RunRecorder) -> tuple[str, str]:
        count = len(self.workflow.steps)
        if not self.workflow.checks:
            return "unverified", f"all {count} steps ran; the workflow has no checks to verify the result"
        results = await run_checks(self.workflow.checks, self.env, await self.env.observe())
        self._checks = results
        recorder.write(ChecksEvent(results=results))
        failed = [r for r in results if not r.passed]
        if failed:
            return "failed", f"all {count} steps ran, but checks failed: " + "; ".join(
                f"{r.check} ({r.detail})" for r in failed)
        return "success", f"all {count} steps ran and {len(results)} check(s) passed"

    def _write_healed(self, recorder: RunRecorder) -> None:
        """``workflow.healed.yaml`` (the source with healed steps swapped in) and a readable diff."""
        steps: list[Step] = []
        for index, step in enumerate(self.source.steps):
            if index in self.healed:
                steps.extend(self._templated(s) for s in self.healed[index])
            else:
                steps.append(step)
        healed = self.source.model_copy(update={"steps": steps})
        old, new = _readable(self.source.dump_yaml()), _readable(healed.dump_yaml())
        (self.run_dir / "workflow.healed.yaml").write_text(self.secrets.redact(healed.dump_yaml()), encoding="utf-8")
        diff = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                    fromfile=f"{self.source.name} (as recorded)", tofile=f"{self.source.name} (healed)")
        (self.run_dir / "workflow.diff").write_text(self.secrets.redact("".join(diff)), encoding="utf-8")

    def _templated(self, step: Step) -> Step:
        """Typed values that came from inputs go back to ``{{ inputs.NAME }}`` in the healed file."""
        actions = []
        for action in step.actions:
            if isinstance(action, TypeText):
                for name, value in sorted(self.inputs.items(), key=lambda kv: -len(kv[1])):
                    if value and action.text == value:
                        action = TypeText(text=f"{{{{ inputs.{name} }}}}")
                        break
            actions.append(action)
        return step.model_copy(update={"actions": actions})


def shift(action: Action, delta: tuple[int, int]) -> Action:
    """The action moved by ``delta`` screen pixels (a button that moved)."""
    dx, dy = delta
    if dx == 0 and dy == 0:
        return action
    match action:
        case Click() | Move() | Scroll():
            return action.model_copy(update={"x": action.x + dx, "y": action.y + dy})
        case MouseDown() | MouseUp() if action.x is not None and action.y is not None:
            return action.model_copy(update={"x": action.x + dx, "y": action.y + dy})
        case Drag():
            return action.model_copy(update={"path": tuple(Point(x=p.x + dx, y=p.y + dy) for p in action.path)})
    return action


_PATCH_LINE = re.compile(r"^(\s*patch: )(\S{40,})$", re.MULTILINE)


def _readable(text: str) -> str:
    """Image patches are long base64: the diff shows which one changed, not its bytes."""
    return _PATCH_LINE.sub(
        lambda m: f"{m.group(1)}<image patch {hashlib.sha256(m.group(2).encode()).hexdigest()[:10]}>", text)
