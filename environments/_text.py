"""Splitting text into what key events can type and what must be pasted or inserted."""

from __future__ import annotations

__all__ = ["typable_runs"]


def typable_runs(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into runs, each flagged True when key events can type it exactly.

    Printable ASCII, newline and tab have keys on every layout; anything else (é, 日本語, emoji)
    goes through the clipboard on a desktop, or ``insert_text`` in a browser.
    """
    runs: list[tuple[str, bool]] = []
    for char in text:
        typable = (char.isascii() and char.isprintable()) or char in "\n\t"
        if runs and runs[-1][1] == typable:
            runs[-1] = (runs[-1][0] + char, typable)
        else:
            runs.append((char, typable))
    return runs
