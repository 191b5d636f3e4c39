"""Workflow files: a run that worked, written down as steps a replay can follow without a model.

A workflow is YAML, validated by the models below. Each step has a ``goal`` in plain words (what
the model gets if the step must be healed), the cached ``actions``, an ``anchor`` that must be
found on screen before acting (text near the target, a small image patch around it, and in a
browser the element's role, name and selector), and an optional ``expect`` after acting. Typed
text and URLs may use ``{{ inputs.NAME }}``; secrets are written ``{{ secrets.NAME }}`` and typed
by the executor, never stored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from actions import Action, UserError

from ..checks import Check

__all__ = ["Anchor", "EnvironmentSpec", "Expect", "InputSpec", "Step", "Workflow", "load_workflow"]


class Anchor(BaseModel):
    """What must be on screen, and where, before a step acts."""

    model_config = ConfigDict(extra="forbid")

    point: tuple[int, int] = Field(description="The target when recorded, in screen pixels.")
    text: str | None = Field(None, description="Text at or near the target (OCR or the element's name).")
    text_offset: tuple[int, int] | None = Field(None, description="Target minus the centre of that text.")
    patch: str | None = Field(None, description="Base64 PNG (grayscale) of the area around the target.")
    patch_box: tuple[int, int, int, int] | None = Field(None, description="Where the patch was cut.")
    role: str | None = Field(None, description="Browser: the element's ARIA role.")
    name: str | None = Field(None, description="Browser: the element's accessible name.")
    selector: str | None = Field(None, description="Browser: a CSS selector unique when recorded.")
    box: tuple[int, int, int, int] | None = Field(None, description="Browser: the element's box when recorded.")


class Expect(BaseModel):
    """What must hold after a step acted (polled until true, at most ``timeout`` seconds)."""

    model_config = ConfigDict(extra="forbid")

    text_visible: str | None = None
    url_matches: str | None = None
    timeout: float = Field(5.0, gt=0, le=120)


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goal: str = Field(description="What the step does, in plain words; the model's brief when healing.")
    actions: list[Action] = Field(min_length=1)
    anchor: Anchor | None = None
    expect: Expect | None = None


class EnvironmentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["desktop", "browser"] = "browser"
    size: tuple[int, int] = (1280, 800)
    start_url: str | None = None
    program: str | None = Field(None, description="Desktop: a program to start, as a command line.")


class InputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    default: str | None = None


class Workflow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    environment: EnvironmentSpec = Field(default_factory=EnvironmentSpec)
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    secrets: list[str] = Field(default_factory=list, description="Names only; values come from --secret.")
    steps: list[Step] = Field(min_length=1)
    checks: list[Check] = Field(default_factory=list)

    def rendered(self, values: dict[str, str] | None = None) -> Workflow:
        """The workflow with ``{{ inputs.X }}`` filled in (secrets stay placeholders)."""
        given = dict(values or {})
        unknown = sorted(set(given) - set(self.inputs))
        if unknown:
            raise UserError(f"workflow {self.name!r} has no input {', '.join(unknown)}; "
                            f"its inputs are: {', '.join(self.inputs) or 'none'}")
        inputs: dict[str, str] = {}
        for name, spec in self.inputs.items():
            if name in given:
                inputs[name] = given[name]
            elif spec.default is not None:
                inputs[name] = spec.default
            else:
                raise UserError(f"workflow {self.name!r} needs input {name!r}: pass --input {name}=VALUE")
        context = {"inputs": inputs, "secrets": {n: f"{{{{ secrets.{n} }}}}" for n in self.secrets}}
        data = _render(self.model_dump(mode="json", exclude_none=True), context)
        return Workflow.model_validate(data)

    def dump_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
        for step in data["steps"]:
            step["actions"] = [_compact_action(a) for a in step["actions"]]
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)

    def save(self, path: Path) -> Path:
        path.write_text(self.dump_yaml(), encoding="utf-8")
        return path


def load_workflow(path: str | Path) -> Workflow:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read workflow {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise UserError(f"workflow {path} is not valid YAML: {exc}") from exc
    try:
        return Workflow.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False))
        raise UserError(f"workflow {path} is not valid: {problems}") from exc


_jinja = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_TEMPLATE = re.compile(r"\{\{|\{%")


def _render(value: Any, context: dict[str, Any]) -> Any:
    if isinstance(value, str) and _TEMPLATE.search(value):
        try:
            return _jinja.from_string(value).render(context)
        except UndefinedError as exc:
            raise UserError(f"workflow template {value!r}: {exc.message}") from exc
        except TemplateError as exc:
            raise UserError(f"workflow template {value!r} is not valid: {exc}") from exc
    if isinstance(value, dict):
        return {k: _render(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v, context) for v in value]
    return value


_ACTION_DEFAULTS = {"button": "left", "count": 1, "keys": [], "dx": 0, "dy": 0, "language": "python"}


def _compact_action(action: dict[str, Any]) -> dict[str, Any]:
    """Drop fields at their defaults, so a step reads like what it does."""
    return {k: v for k, v in action.items()
            if not (k in _ACTION_DEFAULTS and v == _ACTION_DEFAULTS[k] and action.get("type") != "keypress")}
