"""The record of a run: what happened, kept as it happens, and shown to a person.

- the events of ``run.jsonl`` and ``RunRecorder`` (append, flush, redact): ``events.py``
- ``report.html`` (self-contained: steps, screenshots with the target marked, timings, cost):
  ``report.py`` and ``templates/report.html.j2``
- the live view on the terminal (one line per event): ``live.py``
"""

from .events import (
    ActionEvent,
    ChecksEvent,
    ElementInfo,
    Event,
    NoteEvent,
    ObservationEvent,
    RunFinished,
    RunRecorder,
    RunStarted,
    RunStatus,
    TurnEvent,
    WorkflowStepEvent,
    new_run_id,
    read_events,
)
from .live import LiveView
from .report import render_report, write_report

__all__ = [
    "ActionEvent",
    "ChecksEvent",
    "ElementInfo",
    "Event",
    "LiveView",
    "NoteEvent",
    "ObservationEvent",
    "RunFinished",
    "RunRecorder",
    "RunStarted",
    "RunStatus",
    "TurnEvent",
    "WorkflowStepEvent",
    "new_run_id",
    "read_events",
    "render_report",
    "write_report",
]
