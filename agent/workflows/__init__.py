"""Workflows: record once, replay with zero model calls, heal only the step that broke.

- the file format (``Workflow``, ``Step``, ``Anchor``, inputs, checks) and ``load_workflow``:
  ``workflow.py``
- ``Replayer`` (find each anchor, act, heal a missing one with the model): ``replayer.py``
- anchors (selector, image patch, OCR text): taking them and finding them again: ``anchors.py``
- from a run to a workflow (``export_workflow``): ``export.py``; to a standalone Playwright
  script: ``export_playwright.py``
"""

from .anchors import Location, capture_anchor, locate
from .export import ActionRecord, build_steps, export_workflow, recorded_actions
from .export_playwright import export_playwright
from .replayer import Replayer
from .workflow import Anchor, EnvironmentSpec, Expect, InputSpec, Step, Workflow, load_workflow

__all__ = [
    "ActionRecord",
    "Anchor",
    "EnvironmentSpec",
    "Expect",
    "InputSpec",
    "Location",
    "Replayer",
    "Step",
    "Workflow",
    "build_steps",
    "capture_anchor",
    "export_playwright",
    "export_workflow",
    "load_workflow",
    "locate",
    "recorded_actions",
]
