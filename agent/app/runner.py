"""From options to a finished run: build the model, policy, secrets, checks and environment, then
run the agent. The CLI and ``run_task`` (the synchronous entry point for scripts) both come here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from rich.console import Console

from actions import UserError

from ..safety.approval import Approver, deny_all
from ..safety.approvers import CommandApprover, TerminalApprover, approve_all
from ..checks import parse_check
from .launch import open_environment
from ..record.live import LiveView
from ..loop import Agent, Budget, RunResult
from ..models.base import Model
from ..safety.policy import Policy
from ..safety.secrets import Secrets

__all__ = ["RunOptions", "build_model", "run_from_options", "run_task"]


class RunOptions(BaseModel):
    """Everything ``screenloop run`` takes, validated once."""

    task: str
    """The task in words, or the path of a workflow file (``.yaml``) to replay."""
    model: str | None = None
    env: str | None = None
    start_url: str | None = None
    app: str | None = None
    effort: str = "medium"
    max_steps: int = 30
    max_cost: float | None = None
    max_time: float | None = None
    policy: Path | None = None
    allow_domains: list[str] = Field(default_factory=list)
    secrets: list[str] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    out: Path = Path("runs")
    approve_all: bool = False
    approver: str | None = None
    width: int | None = None
    height: int | None = None
    headed: bool = False
    live: bool = False
    """Print the noVNC address of a sandbox's screen (``--env sandbox``)."""
    interactive: bool = False
    inputs: list[str] = Field(default_factory=list)
    """``NAME=VALUE`` inputs of a workflow."""

    @property
    def is_workflow(self) -> bool:
        return self.task.endswith((".yaml", ".yml")) and Path(self.task).is_file()


def build_model(spec: str | None, *, effort: str = "medium", approver: Approver = deny_all) -> Model:
    """A model from its spec; ``replay:PATH`` plays a recorded run (or a file of turns) back."""
    if not spec:
        raise UserError("no model: pass --model (e.g. anthropic:claude-sonnet-4-6) or set SCREENLOOP_MODEL")
    from ..models import make_model

    return make_model(spec, effort=effort, approver=approver)


def choose_approver(options: RunOptions, console: Console) -> Approver:
    if options.approve_all and options.approver:
        raise UserError("--approve-all and --approver exclude each other")
    if options.approve_all:
        return approve_all
    if options.approver:
        return CommandApprover(options.approver)
    return TerminalApprover(console) if options.interactive else deny_all


async def run_from_options(options: RunOptions, *, console: Console | None = None, live: bool = False) -> RunResult:
    console = console or Console(stderr=True, soft_wrap=True)
    if options.effort not in ("none", "low", "medium", "high", "xhigh"):
        raise UserError(f"--effort must be none, low, medium, high or xhigh, got {options.effort!r}")
    policy = Policy.load(options.policy) if options.policy else Policy()
    if options.allow_domains:
        policy.domains.allow.extend(options.allow_domains)
    secrets = Secrets.from_specs(options.secrets)
    checks = [parse_check(spec) for spec in options.checks]
    approver = choose_approver(options, console)
    listeners = [LiveView(console)] if live else []
    if options.is_workflow:
        return await _replay(options, policy, secrets, checks, approver, listeners, console)
    if options.inputs:
        raise UserError("--input is for workflow files; a task in words has no inputs")
    budget = Budget(max_steps=options.max_steps, max_cost_usd=options.max_cost, max_time_s=options.max_time)
    model = build_model(options.model, effort=options.effort, approver=approver)
    env_kind, width, height = options.env or "browser", options.width or 1280, options.height or 800
    config: dict[str, Any] = {"model": options.model, "environment": env_kind, "start_url": options.start_url,
                              "app": options.app, "effort": options.effort, "size": [width, height]}
    try:
        async with open_environment(env_kind, width=width, height=height, start_url=options.start_url,
                                    app=options.app, headed=options.headed, request_guard=policy.url_blocked,
                                    live=options.live, announce=console.print, allow_hosts=policy.domains.allow,
                                    deny_hosts=policy.domains.deny) as env:
            agent = Agent(model, env, policy=policy, checks=checks, budget=budget, secrets=secrets, approver=approver,
                          runs_dir=options.out, config=config, listeners=listeners)
            return await agent.run(options.task)
    finally:
        await model.close()


async def _replay(options: RunOptions, policy: Policy, secrets: Secrets, checks: list[Any], approver: Approver,
                  listeners: list[Any], console: Console) -> RunResult:
    """Replay a workflow file: the model (if any) is only for healing a step that broke."""
    from ..workflows.replayer import Replayer
    from ..workflows.workflow import load_workflow

    source = load_workflow(options.task)
    values = {}
    for spec in options.inputs:
        name, sep, value = spec.partition("=")
        if not sep:
            raise UserError(f"--input {spec!r}: write NAME=VALUE")
        values[name.strip()] = value
    workflow = source.rendered(values)
    if checks:
        workflow = workflow.model_copy(update={"checks": [*workflow.checks, *checks]})
    spec = workflow.environment
    model = build_model(options.model, effort=options.effort, approver=approver) if options.model else None
    width, height = options.width or spec.size[0], options.height or spec.size[1]
    config = {"workflow_file": str(options.task), "inputs": values}
    try:
        async with open_environment(options.env or spec.kind, width=width, height=height,
                                    start_url=options.start_url or spec.start_url, app=options.app or spec.program,
                                    headed=options.headed, request_guard=policy.url_blocked,
                                    live=options.live, announce=console.print, allow_hosts=policy.domains.allow,
                                    deny_hosts=policy.domains.deny) as env:
            replayer = Replayer(workflow, env, model=model, source=source, inputs=values, policy=policy,
                                secrets=secrets, approver=approver, runs_dir=options.out, config=config,
                                listeners=listeners)
            return await replayer.run()
    finally:
        if model is not None:
            await model.close()


def run_task(task: str, **options: Any) -> RunResult:
    """Run a task synchronously, for scripts: ``run_task("...", model="...", env="browser", start_url=...)``."""
    return asyncio.run(run_from_options(RunOptions(task=task, **options)))
