"""The executor: every action passes the policy, secrets are resolved, then it runs and is recorded.

Both the agent loop and workflow replays execute through here, so no action reaches a screen
without the policy's verdict, and no secret value reaches a record.
"""

from __future__ import annotations

import asyncio
import time
from typing import Literal

from actions import Action, ActionError, MouseDown, MouseUp, TypeSecret, TypeText, action_point
from environments import ActionResult, Environment, Observation

from .safety.approval import ApprovalRequest, Approver, deny_all
from .record.events import ActionEvent, ElementInfo, ObservationEvent, RunRecorder
from .models.base import ActionFeedback
from .safety.policy import Policy
from .perception.screen import element_at, mask_sensitive_fields, text_near
from .safety.secrets import Secrets

__all__ = ["Executor"]

Source = Literal["model", "workflow", "healed", "runtime"]


class Executor:
    """Runs one action at a time against an environment, under a policy, with secrets."""

    def __init__(self, env: Environment, recorder: RunRecorder, *, policy: Policy | None = None,
                 secrets: Secrets | None = None, approver: Approver = deny_all) -> None:
        self.env = env
        self.recorder = recorder
        self.policy = policy or Policy()
        self.secrets = secrets or Secrets()
        self.approver = approver
        self.last_event: ActionEvent | None = None
        """The event of the last action run, with the element found under its point."""
        self.pressed: set[str] = set()
        """Mouse buttons a ``mouse_down`` left pressed, released when the run ends."""

    async def run(self, action: Action, observation: Observation, *, step: int, index: int,
                  source: Source = "model", screenshot: str | None = None,
                  settle: bool = True) -> tuple[ActionFeedback, ActionResult | None]:
        """Decide, execute and record one action; the feedback is what the model is told.

        ``observation`` is the screen just before the action (``screenshot`` names its file when
        it is not the step's own); in a browser the element under the point is recorded too, so
        a workflow exported from this run can find it again.
        """
        self.last_event = None
        decision, reason = await self.decide(action, observation)
        if decision == "deny":
            error = f"denied by policy: {reason}"
            self._record(step, index, action, "deny", ok=False, error=error, source=source)
            return ActionFeedback(ok=False, error=self.secrets.redact(error)), None
        try:
            concrete = TypeText(text=self.secrets.value(action.name)) if isinstance(action, TypeSecret) else action
        except ActionError as exc:
            self._record(step, index, action, decision, ok=False, error=str(exc), source=source)
            return ActionFeedback(ok=False, error=str(exc)), None
        element = await self._element(action)
        result = await self.env.execute(concrete, settle=settle)
        if result.ok and isinstance(action, MouseDown):
            self.pressed.add(action.button)
        elif result.ok and isinstance(action, MouseUp):
            self.pressed.discard(action.button)
        error = self.secrets.redact(result.error) if result.error else None
        output = self.secrets.redact(result.output) if result.output else None
        self.last_event = ActionEvent(
            step=step, index=index, action=action, decision=decision, ok=result.ok, error=error,
            changed=result.changed, output=output, execute_ms=result.elapsed_ms - result.settle_ms,
            settle_ms=result.settle_ms, source=source, element=element, screenshot=screenshot,
        )
        self.recorder.write(self.last_event)
        return ActionFeedback(ok=result.ok, error=error, output=output, image=result.image), result

    async def observe(self, step: int, *, suffix: str = "", save: bool = True,
                      event: bool = True) -> tuple[Observation, str | None]:
        """The screen now, masked (password fields, secret values) before anyone sees it, saved as
        ``step-NNNN{suffix}.png`` and, for a step's own screen, recorded as an ``observation`` event.
        Returns the observation and the file name (None when not saved)."""
        began = time.perf_counter()
        observation = await self.env.observe()
        observation = await mask_sensitive_fields(self.env, observation, self.secrets.values())
        if not save:
            return observation, None
        path = self.recorder.screenshot_path(step, suffix)
        await asyncio.to_thread(observation.image.save, path, "PNG", compress_level=1)
        if event:
            self.recorder.write(ObservationEvent(
                step=step, screenshot=path.name, width=observation.width, height=observation.height,
                url=observation.url, digest=observation.digest, observe_ms=(time.perf_counter() - began) * 1000))
        return observation, path.name

    async def _element(self, action: Action) -> ElementInfo | None:
        point = action_point(action)
        if point is None:
            return None
        try:
            found = await element_at(self.env, *point)
        except Exception:  # a page mid-navigation has no element to report; the action still runs
            return None
        return ElementInfo.model_validate(found) if found else None

    async def decide(self, action: Action, observation: Observation) -> tuple[Literal["allow", "deny", "confirmed"], str]:
        """The policy's verdict, with confirmation asked of the approver. Unreadable text is "confirm"."""
        text = None
        reading_failed = ""
        point = action_point(action)
        if point is not None and self.policy.reads_text(action):
            try:
                text = await text_near(self.env, observation, *point, radius=self.policy.text_radius)
            except Exception as exc:  # fail closed: a rule that cannot be checked asks a person
                reading_failed = f"could not read the text near the target ({exc})"
        verdict = self.policy.decide(action, text)
        decision, reason = verdict.decision, verdict.reason
        if reading_failed and decision == "allow":
            decision, reason = "confirm", reading_failed
        if decision == "confirm":
            approved = await self.approver(ApprovalRequest(kind="policy", message=reason, action=action))
            return ("confirmed", reason) if approved else ("deny", f"{reason}; not approved")
        return ("allow" if decision == "allow" else "deny"), reason

    async def release_held(self, step: int) -> None:
        """Release buttons a ``mouse_down`` left pressed (the run ended or was interrupted)."""
        for index, button in enumerate(sorted(self.pressed)):
            action = MouseUp(button=button)  # type: ignore[arg-type]
            result = await self.env.execute(action)
            self.recorder.write(ActionEvent(step=step, index=index, action=action, ok=result.ok, error=result.error,
                                            changed=result.changed, source="runtime"))
        self.pressed.clear()

    def _record(self, step: int, index: int, action: Action, decision: str, *, ok: bool,
                error: str | None, source: Source) -> None:
        self.recorder.write(ActionEvent(step=step, index=index, action=action, decision=decision,  # type: ignore[arg-type]
                                        ok=ok, error=error, source=source))

