"""The live view: one line per event while a run goes, with rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape

from .events import ActionEvent, ChecksEvent, NoteEvent, RunFinished, RunStarted, TurnEvent
from .report import describe_action

__all__ = ["LiveView"]

_STATUS_STYLE = {"success": "bold green", "failed": "bold red", "unverified": "bold yellow",
                 "budget_exceeded": "bold yellow", "interrupted": "bold"}


class LiveView:
    """A run listener that prints what happens as it happens."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, event: Any) -> None:
        c = self.console
        match event:
            case RunStarted():
                c.print(f"[bold]screenloop[/] run {event.run_id}: {escape(event.task)}")
            case TurnEvent():
                t = event.turn
                cost = f" · ${t.usage.cost_usd:.4f}" if t.usage.cost_usd else ""
                words = f" [italic]{escape((t.message or '').strip()[:120])}[/]" if t.message else ""
                c.print(f"[dim]step {event.step + 1}[/] model {event.model_ms / 1000:.1f} s{cost}{words}")
                if t.error:
                    c.print(f"  [red]unusable reply:[/] {escape(t.error)}")
            case ActionEvent():
                mark = "[green]✓[/]" if event.ok else "[red]✗[/]"
                extra = f" [yellow]({event.decision})[/]" if event.decision != "allow" else ""
                error = f" [red]{escape(event.error)}[/]" if event.error else ""
                c.print(f"  {mark} {escape(describe_action(event))}{extra}{error} "
                        f"[dim]{event.execute_ms:.0f}+{event.settle_ms:.0f} ms[/]")
            case NoteEvent():
                c.print(f"  [yellow]note:[/] {escape(event.message)}")
            case ChecksEvent():
                for r in event.results:
                    c.print(f"  check {'[green]passed[/]' if r.passed else '[red]failed[/]'} {escape(r.check)}: "
                            f"{escape(r.detail)}")
            case RunFinished():
                style = _STATUS_STYLE.get(event.status, "bold")
                c.print(f"[{style}]{event.status}[/]: {escape(event.reason)} "
                        f"[dim]({event.steps} steps, {event.model_calls} model calls, {event.elapsed_s:.1f} s, "
                        f"${event.usage.cost_usd:.4f})[/]")
