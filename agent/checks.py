"""Task checks: what decides success. The model's "done" is only a claim.

``--check`` takes ``KIND:ARGUMENT``::

    url_matches:REGEX          the browser's URL matches (re.search)
    text_visible:TEXT          the text is on screen (DOM text in a browser, OCR on a desktop)
    file_exists:PATH           a file exists (on the machine running the loop)
    command:SHELL COMMAND      the command exits with 0 (60 s limit)
    page_js:EXPRESSION         a JavaScript expression is truthy in the page (browser only)
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter

from actions import UserError
from environments import Browser, Environment, Observation

from .record.events import CheckResultModel
from .perception.screen import visible_text

__all__ = ["Check", "CheckResult", "CommandCheck", "FileExists", "PageJs", "TextVisible", "UrlMatches",
           "parse_check", "run_checks"]

CheckResult = CheckResultModel


class _Check(BaseModel):
    def describe(self) -> str:
        """The check as ``--check`` spells it."""
        kind = self.kind  # type: ignore[attr-defined]
        return f"{kind}:{getattr(self, _FIELDS[kind])}"


class UrlMatches(_Check):
    kind: Literal["url_matches"] = "url_matches"
    pattern: str


class TextVisible(_Check):
    kind: Literal["text_visible"] = "text_visible"
    text: str


class FileExists(_Check):
    kind: Literal["file_exists"] = "file_exists"
    path: str


class CommandCheck(_Check):
    kind: Literal["command"] = "command"
    command: str
    timeout: float = 60.0


class PageJs(_Check):
    kind: Literal["page_js"] = "page_js"
    expression: str


Check = Annotated[Union[UrlMatches, TextVisible, FileExists, CommandCheck, PageJs], Field(discriminator="kind")]
CHECK = TypeAdapter(Check)

_FIELDS = {"url_matches": "pattern", "text_visible": "text", "file_exists": "path", "command": "command",
           "page_js": "expression"}


def parse_check(spec: str) -> Check:
    """Read ``KIND:ARGUMENT``."""
    kind, sep, argument = spec.partition(":")
    kind = kind.strip()
    if not sep or kind not in _FIELDS or not argument.strip():
        raise UserError(f"--check {spec!r}: write KIND:ARGUMENT with KIND one of {', '.join(_FIELDS)}")
    if kind == "url_matches":
        try:
            re.compile(argument)
        except re.error as exc:
            raise UserError(f"--check {spec!r}: not a regular expression: {exc}") from exc
    return CHECK.validate_python({"kind": kind, _FIELDS[kind]: argument.strip()})


async def run_checks(checks: list[Check], env: Environment, observation: Observation) -> list[CheckResult]:
    results = []
    for check in checks:
        try:
            passed, detail = await _run(check, env, observation)
        except Exception as exc:  # a check that cannot run has failed; say why
            passed, detail = False, f"could not run: {type(exc).__name__}: {exc}"
        results.append(CheckResult(check=check.describe(), passed=passed, detail=detail))
    return results


async def _run(check: Check, env: Environment, observation: Observation) -> tuple[bool, str]:
    match check:
        case UrlMatches():
            if observation.url is None:
                return False, "this environment has no URL (url_matches needs a browser)"
            found = re.search(check.pattern, observation.url) is not None
            return found, f"the URL is {observation.url}"
        case TextVisible():
            text = await visible_text(env, observation)
            found = _normalize(check.text) in _normalize(text)
            return found, "found on screen" if found else f"not on screen (read {len(text)} characters)"
        case FileExists():
            path = Path(check.path).expanduser()
            return path.exists(), f"{path} {'exists' if path.exists() else 'does not exist'}"
        case CommandCheck():
            process = await asyncio.create_subprocess_shell(
                check.command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            try:
                out, _ = await asyncio.wait_for(process.communicate(), check.timeout)
            except TimeoutError:
                process.kill()
                await process.wait()
                return False, f"did not finish within {check.timeout:g} s"
            tail = out.decode(errors="replace").strip()[-200:]
            return process.returncode == 0, f"exit code {process.returncode}" + (f": {tail}" if tail else "")
        case PageJs():
            if not isinstance(env, Browser):
                return False, "page_js needs a browser environment"
            value = await env.page.evaluate(check.expression)
            return bool(value), f"evaluated to {value!r}"[:200]


def _normalize(text: str) -> str:
    return " ".join(text.lower().split())
