"""The agent loop: observe -> model -> parse -> policy -> execute -> verify -> record, until done.

The loop's decisions are values: each step returns ``Continue``, ``Claimed`` (the model says it is
done, which checks will verify) or ``Stopped`` (a status and a reason), and ``Agent.run`` branches
on them. Everything the run does is appended to ``runs/<id>/run.jsonl`` as it happens.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from actions import Action, Done, Fail, Screenshot, ScreenloopError, Wait, action_point
from environments import Environment, EnvironmentFailure, Observation

from .safety.approval import Approver, deny_all
from .checks import Check, run_checks
from .errors import ModelError, PolicyDenied, ScriptExhausted
from .record.events import (
    ChecksEvent,
    CheckResultModel,
    NoteEvent,
    RunFinished,
    RunRecorder,
    RunStarted,
    RunStatus,
    TurnEvent,
    new_run_id,
)
from .executor import Executor
from .models.base import ActionFeedback, Model, ModelInput, Turn, Usage
from .safety.policy import Policy
from .record.report import write_report
from .perception.screen import screens_match
from .safety.secrets import Secrets

__all__ = ["Agent", "Budget", "EXIT_CODES", "RunResult"]

EXIT_CODES: dict[str, int] = {"success": 0, "failed": 1, "unverified": 2, "budget_exceeded": 3, "interrupted": 4}
"""Process exit code per run status; 64 is a usage error (bad options), before any run starts."""


class Budget(BaseModel):
    """Limits that end a run with ``budget_exceeded``."""

    max_steps: int = Field(30, ge=1, description="Model turns.")
    max_cost_usd: float | None = Field(None, gt=0, description="Dollars, from the price table.")
    max_time_s: float | None = Field(None, gt=0, description="Wall time in seconds.")


class RunResult(BaseModel):
    """How a run ended, and where its record is."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    run_dir: Path
    status: RunStatus
    reason: str
    steps: int
    model_calls: int
    usage: Usage
    elapsed_s: float
    checks: list[CheckResultModel] = Field(default_factory=list)
    claim: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]


@dataclass
class Continue:
    pass


@dataclass
class Claimed:
    claim: str


@dataclass
class Stopped:
    status: RunStatus
    reason: str


StepOutcome = Continue | Claimed | Stopped


@dataclass
class _State:
    step: int = 0
    usage: Usage = field(default_factory=Usage)
    model_calls: int = 0
    feedback: list[ActionFeedback] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    last_signature: str | None = None
    previous_observation: Observation | None = None
    repeats: int = 0
    parse_errors: int = 0
    claim: str | None = None
    check_results: list[CheckResultModel] = field(default_factory=list)


class Agent:
    """Runs tasks with one model on one environment, under a policy, with checks and a budget."""

    def __init__(
        self,
        model: Model,
        environment: Environment,
        *,
        policy: Policy | None = None,
        checks: Sequence[Check] = (),
        budget: Budget | None = None,
        secrets: Secrets | None = None,
        approver: Approver = deny_all,
        runs_dir: str | Path = "runs",
        run_id: str | None = None,
        config: dict[str, Any] | None = None,
        repeat_limit: int = 3,
        max_parse_errors: int = 3,
        listeners: Sequence[Callable[[Any], None]] = (),
    ) -> None:
        self.model = model
        self.env = environment
        self.policy = policy or Policy()
        self.checks = list(checks)
        self.budget = budget or Budget()
        self.secrets = secrets or Secrets()
        self.approver = approver
        self.run_id = run_id or new_run_id()
        self.run_dir = Path(runs_dir) / self.run_id
        self.config = config or {}
        self.repeat_limit = repeat_limit
        self.max_parse_errors = max_parse_errors
        self.listeners = list(listeners)
        self._stop = asyncio.Event()
        self._stop_reason = ""

    def request_stop(self, reason: str = "interrupted") -> None:
        """Finish the current action, then end the run as ``interrupted``."""
        self._stop_reason = reason
        self._stop.set()

    async def run(self, task: str) -> RunResult:
        """Run ``task`` to the end and return how it ended.

        Each step observes the screen (password fields masked), asks the model, expands secret
        placeholders, passes every action through the policy, executes the batch in order
        (stopping at the first failure; the environment settles after each action) and records it.
        The run ends when the model claims ``done`` (checks then decide: success, failed, or
        unverified without checks), gives up with ``fail``, answers with no actions (a claim too),
        repeats itself on an unchanged screen, or a budget runs out. Ctrl-C/SIGTERM lets the
        current action finish, releases held buttons and records the run as ``interrupted``.

        It does not raise for a run that ends badly: model errors (``ModelError``), denied safety
        checks (``PolicyDenied``) and a broken environment (``EnvironmentFailure``) all end the run
        as ``failed`` with the reason, after everything before them was recorded.
        """
        recorder = RunRecorder(self.run_dir, redact=self.secrets.redact)
        recorder.listeners.extend(self.listeners)
        executor = Executor(self.env, recorder, policy=self.policy, secrets=self.secrets, approver=self.approver)
        state = _State()
        started = time.monotonic()
        recorder.write(RunStarted(run_id=self.run_id, task=task, config={
            **self.config, "budget": self.budget.model_dump(), "checks": [c.describe() for c in self.checks],
            "secrets": self.secrets.names, "policy": self.policy.model_dump(),
        }))
        restore = self._install_signal_handlers()
        try:
            outcome = await self._steps(task, state, executor, recorder, started)
            if isinstance(outcome, Claimed):
                outcome = await self._verify(outcome, state, recorder)
        except (ModelError, PolicyDenied, ScriptExhausted, EnvironmentFailure) as exc:
            outcome = Stopped("failed", f"{type(exc).__name__}: {self.secrets.redact(str(exc))}")
        except ScreenloopError as exc:  # anything else escapes, saying where the record is
            exc.run_dir = str(self.run_dir)
            raise
        finally:
            restore()
            try:
                await executor.release_held(max(0, state.step - 1))
            except ScreenloopError:
                pass
        claim = state.claim
        finished = RunFinished(status=outcome.status, reason=outcome.reason, steps=state.step,
                               usage=state.usage, elapsed_s=time.monotonic() - started,
                               model_calls=state.model_calls, claim=claim)
        recorder.write(finished)
        recorder.close()
        try:
            write_report(self.run_dir)
        except Exception as exc:  # the record is complete without the page; say so in the reason
            finished = finished.model_copy(update={"reason": f"{finished.reason} (report not written: {exc})"})
        return RunResult(run_id=self.run_id, run_dir=self.run_dir, status=finished.status, reason=finished.reason,
                         steps=state.step, model_calls=state.model_calls, usage=state.usage,
                         elapsed_s=finished.elapsed_s, checks=state.check_results, claim=claim)

    # the steps ------------------------------------------------------------------------------
    async def _steps(self, task: str, state: _State, executor: Executor, recorder: RunRecorder,
                     started: float) -> Claimed | Stopped:
        while True:
            if stopped := self._over_budget(state, started):
                return stopped
            outcome = await self._step(task, state, executor, recorder)
            state.step += 1  # from here on, ``step`` counts the steps taken
            if not isinstance(outcome, Continue):
                return outcome

    async def _step(self, task: str, state: _State, executor: Executor, recorder: RunRecorder) -> StepOutcome:
        observation, _ = await executor.observe(state.step)
        turn = await self._ask(task, observation, state, recorder)
        if turn is None:
            return Stopped("interrupted", self._stop_reason or "interrupted")
        if stopped := self._over_budget(state, None):
            return stopped
        if turn.error:
            # The adapter sends the error back to the model with its next request (in its wire
            # format); the loop only records it and bounds how often it may happen.
            state.parse_errors += 1
            recorder.write(NoteEvent(step=state.step, message=f"unusable reply: {turn.error}"))
            if state.parse_errors >= self.max_parse_errors:
                return Stopped("failed", f"the model answered with unusable actions {state.parse_errors} times; "
                                         f"last: {turn.error}")
            state.feedback = []
            return Continue()
        state.parse_errors = 0
        if not turn.actions:
            return Claimed(turn.message or "")
        return await self._act(turn, observation, state, executor, recorder)

    async def _ask(self, task: str, observation: Observation, state: _State, recorder: RunRecorder) -> Turn | None:
        """One model call; None when a stop was requested while waiting for it."""
        request = ModelInput(task=task, observation=observation, step=state.step, feedback=state.feedback,
                             notes=[self.secrets.redact(n) for n in state.notes], secrets=self.secrets.names)
        state.notes = []
        began = time.perf_counter()
        call = asyncio.ensure_future(self.model.turn(request))
        stop = asyncio.ensure_future(self._stop.wait())
        done, _ = await asyncio.wait({call, stop}, return_when=asyncio.FIRST_COMPLETED)
        if call not in done:
            call.cancel()
            await asyncio.gather(call, return_exceptions=True)
            return None
        stop.cancel()
        turn = call.result()
        state.model_calls += 1
        state.usage = state.usage + turn.usage
        recorder.write(TurnEvent(step=state.step, turn=turn, model_ms=(time.perf_counter() - began) * 1000))
        return turn

    async def _act(self, turn: Turn, observation: Observation, state: _State, executor: Executor,
                   recorder: RunRecorder) -> StepOutcome:
        """Execute the turn's actions in order; after a failure the rest are not run."""
        feedback: list[ActionFeedback] = []
        outcome: StepOutcome = Continue()
        halted: str | None = None
        index = 0
        for original in turn.actions:
            if halted is None and self._stop.is_set():
                halted = "the run was interrupted"
                outcome = Stopped("interrupted", self._stop_reason or "interrupted")
            if halted is not None:
                feedback.append(ActionFeedback(ok=False, error=f"not run: {halted}"))
                continue
            if isinstance(original, Done):
                state.claim, outcome, halted = original.summary, Claimed(original.summary), "the model said it was done"
                feedback.append(ActionFeedback(ok=True))
                continue
            if isinstance(original, Fail):
                outcome, halted = Stopped("failed", f"the model gave up: {original.reason}"), "the model gave up"
                feedback.append(ActionFeedback(ok=True))
                continue
            item = ActionFeedback(ok=True)
            for action in self.secrets.expand([original]):  # a typed placeholder becomes type_secret
                shot = None
                if index > 0 and action_point(action) is not None:
                    # Later actions of a batch aim at a screen the earlier ones changed: keep that
                    # screen too, so the report and an exported workflow see what this one saw.
                    observation, shot = await executor.observe(state.step, suffix=f"-{index}", event=False)
                part, _ = await executor.run(action, observation, step=state.step, index=index, screenshot=shot)
                index += 1
                if not part.ok or part.output or part.image is not None:
                    item = part
                if not part.ok:
                    break
            feedback.append(item)
            if not item.ok:
                halted = "an earlier action of this turn failed"
        state.feedback = feedback
        if isinstance(outcome, Continue):
            return self._check_repetition(turn.actions, observation, state, recorder)
        return outcome

    def _check_repetition(self, actions: list[Action], observation: Observation, state: _State,
                          recorder: RunRecorder) -> StepOutcome:
        """The same actions on the same screen: first a note to the model, then the run fails.

        Screens are compared by pixels with a small tolerance, so a blinking caret does not hide
        a model clicking the same dead spot again and again.
        """
        signature = "|".join(a.model_dump_json() for a in actions)
        passive = all(isinstance(a, (Wait, Screenshot)) for a in actions)
        previous = state.previous_observation
        same_screen = previous is not None and screens_match(previous, observation)
        if not passive and signature == state.last_signature and same_screen:
            state.repeats += 1
        else:
            state.repeats = 0
        state.last_signature, state.previous_observation = signature, observation
        count = state.repeats + 1
        described = ", ".join(_describe(a) for a in actions)
        if count >= self.repeat_limit:
            return Stopped("failed", f"the model repeated {described} {count} times on an unchanged screen")
        if count >= 2:
            self._note(state, recorder, f"You repeated {described} and the screen did not change. "
                                        "Do something different, or say you are done or cannot finish.")
        return Continue()

    async def _verify(self, claimed: Claimed, state: _State, recorder: RunRecorder) -> Stopped:
        """Checks decide: all pass -> success; any fails -> failed; none -> unverified."""
        state.claim = claimed.claim
        if not self.checks:
            return Stopped("unverified", "the model says it is done; no checks were given to verify it")
        observation = await self.env.observe()
        results = await run_checks(self.checks, self.env, observation)
        state.check_results = results
        recorder.write(ChecksEvent(results=results))
        failed = [r for r in results if not r.passed]
        if failed:
            return Stopped("failed", "the model says it is done, but checks failed: " +
                           "; ".join(f"{r.check} ({r.detail})" for r in failed))
        return Stopped("success", f"{len(results)} check(s) passed")

    # budgets, notes, signals ----------------------------------------------------------------
    def _over_budget(self, state: _State, started: float | None) -> Stopped | None:
        if self._stop.is_set():
            return Stopped("interrupted", self._stop_reason or "interrupted")
        b = self.budget
        if b.max_cost_usd is not None and state.usage.cost_usd > b.max_cost_usd:
            return Stopped("budget_exceeded", f"cost ${state.usage.cost_usd:.4f} is over the ${b.max_cost_usd:g} budget")
        if started is None:
            return None
        if state.step >= b.max_steps:
            return Stopped("budget_exceeded", f"reached the {b.max_steps}-step budget")
        if b.max_time_s is not None and time.monotonic() - started > b.max_time_s:
            return Stopped("budget_exceeded", f"ran longer than the {b.max_time_s:g} s budget")
        return None

    def _note(self, state: _State, recorder: RunRecorder, message: str) -> None:
        state.notes.append(message)
        recorder.write(NoteEvent(step=state.step, message=message))

    def _install_signal_handlers(self) -> Callable[[], None]:
        """Ctrl-C / SIGTERM request a clean stop; a second Ctrl-C falls back to the default."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        loop = asyncio.get_running_loop()
        installed = []

        def on_signal(signum: int) -> None:
            self.request_stop(f"stopped by {signal.Signals(signum).name}")
            for s in installed:
                loop.remove_signal_handler(s)

        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, on_signal, signum)
                installed.append(signum)
            except (NotImplementedError, RuntimeError):
                pass

        def restore() -> None:
            for s in installed:
                loop.remove_signal_handler(s)

        return restore


def _describe(action: Action) -> str:
    data = action.model_dump(exclude_defaults=True)
    kind = data.pop("type", action.type)
    return f"{kind}({', '.join(f'{k}={v!r}' for k, v in data.items())})"

