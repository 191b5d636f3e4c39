"""The ``screenloop`` command: thin over the Python API."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="screenloop: a computer-use agent runtime.")


@app.callback()
def _root() -> None:
    """screenloop: a computer-use agent runtime."""


@app.command()
def selfcheck() -> None:
    """Open a Desktop, launch Chromium on a local page, click, and print what the page saw."""
    import asyncio

    from .selfcheck import run_selfcheck

    raise typer.Exit(asyncio.run(run_selfcheck()))


def main() -> None:
    app()
