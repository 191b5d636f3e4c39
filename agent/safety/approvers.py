"""Approvers: who answers when the policy says "confirm" or a provider raises a safety check.

- ``deny_all`` (``agent.approval``): a headless run with nobody to ask.
- ``approve_all``: the operator said ``--approve-all``.
- ``TerminalApprover``: asks on the terminal, with a time limit (no answer is no).
- ``CommandApprover``: runs a command with the request as JSON on stdin; exit code 0 approves. It
  is how a chat bot, a ticket or a second person approves a nightly run.
"""

from __future__ import annotations

import asyncio
import shlex
import sys

from rich.console import Console

from .approval import ApprovalRequest

__all__ = ["CommandApprover", "TerminalApprover", "approve_all"]


async def approve_all(request: ApprovalRequest) -> bool:
    return True


class TerminalApprover:
    """Ask a person at the terminal; no answer within ``timeout`` seconds is a no."""

    def __init__(self, console: Console | None = None, timeout: float = 120.0) -> None:
        self.console = console or Console(stderr=True)
        self.timeout = timeout

    async def __call__(self, request: ApprovalRequest) -> bool:
        what = request.action.model_dump_json(exclude_defaults=True) if request.action else ""
        self.console.print(f"[bold yellow]Approval needed[/] ({request.kind}): {request.message}")
        if what:
            self.console.print(f"  action: {what}")
        self.console.print(f"  approve? [y/N] (no answer in {self.timeout:g} s is no): ", end="")
        try:
            line = await asyncio.wait_for(asyncio.to_thread(sys.stdin.readline), self.timeout)
        except TimeoutError:
            self.console.print("\n  no answer: denied")
            return False
        return line.strip().lower() in ("y", "yes")


class CommandApprover:
    """Run ``command`` with the request as JSON on stdin; exit code 0 approves."""

    def __init__(self, command: str, timeout: float = 300.0) -> None:
        self.argv = shlex.split(command)
        self.timeout = timeout

    async def __call__(self, request: ApprovalRequest) -> bool:
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            await asyncio.wait_for(process.communicate(request.model_dump_json().encode()), self.timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            return False
        return process.returncode == 0
