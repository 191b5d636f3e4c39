"""Policy at the executor: every action is allowed, denied, or sent for confirmation before it runs.

Safety in the prompt is a request; safety at the executor is a guarantee. Rules match by action
type, by the domain of a URL, and by the text on screen near the target of a click ("Delete",
"Pay", "Submit order"); the first rule that matches decides, else the default. The domain lists
also guard every request the browser makes, not only the model's navigations, and in a sandbox
they are its whole network (``environments.Sandbox(allow_hosts=...)``). Host patterns mean the
same everywhere (``environments/_hosts.py``): ``*.example.com``, ``127.0.0.1:8080``.

A policy file (YAML)::

    default: allow
    domains:
      allow: ["localhost", "127.0.0.1", "*.example.com"]   # empty: every host not denied (a sandbox: none)
      deny: ["*.facebook.com"]
    rules:
      - {actions: [run_script], decision: deny, reason: "code mode is off"}
      - {actions: [click], text: ["delete", "pay", "submit order"], decision: confirm}
      - {actions: [navigate], domains: ["*.bank.example"], decision: confirm}
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, Field, ValidationError

from actions import Action, Navigate, UserError
from environments import host_matches

__all__ = ["Decision", "DomainLists", "Policy", "Rule", "Verdict"]

Decision = Literal["allow", "deny", "confirm"]


class Rule(BaseModel):
    """One rule; every condition given must hold for it to match."""

    decision: Decision
    actions: list[str] = Field(default_factory=list, description="Action types; empty matches any.")
    text: list[str] = Field(default_factory=list, description=(
        "Text near the target, case-insensitive: a plain substring, or /a regex/."))
    domains: list[str] = Field(default_factory=list, description="Host patterns of a navigate's URL.")
    reason: str = ""

    def matches(self, action: Action, text_near: str | None) -> bool:
        if self.actions and action.type not in self.actions:
            return False
        if self.domains:
            if not isinstance(action, Navigate) or not host_matches(action.url, self.domains):
                return False
        if self.text:
            haystack = (text_near or "").lower()
            if not any(_text_matches(pattern, haystack) for pattern in self.text):
                return False
        return True

    def describe(self) -> str:
        parts = [f"actions {', '.join(self.actions)}" if self.actions else "any action"]
        if self.text:
            parts.append(f"near text {', '.join(repr(t) for t in self.text)}")
        if self.domains:
            parts.append(f"to {', '.join(self.domains)}")
        return " ".join(parts)


class DomainLists(BaseModel):
    allow: list[str] = Field(default_factory=list, description="Host patterns; empty allows every host not denied.")
    deny: list[str] = Field(default_factory=list)


class Verdict(BaseModel):
    decision: Decision
    reason: str


class Policy(BaseModel):
    """The rules of one run."""

    default: Decision = "allow"
    domains: DomainLists = Field(default_factory=DomainLists)
    rules: list[Rule] = Field(default_factory=list)
    text_radius: int = Field(60, description="Pixels around a click's target read for text rules.")

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
            return cls.model_validate(data)
        except OSError as exc:
            raise UserError(f"cannot read policy {path}: {exc.strerror}") from exc
        except (yaml.YAMLError, ValidationError) as exc:
            raise UserError(f"policy {path} is not valid: {exc}") from exc

    def url_blocked(self, url: str) -> str | None:
        """Why a URL may not be loaded, or None. Only http(s) and ws(s) hosts are checked."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            return None
        host = parts.hostname or ""
        if self.domains.deny and host_matches(url, self.domains.deny):
            return f"{host} is on the deny-list"
        if self.domains.allow and not host_matches(url, self.domains.allow):
            return f"{host} is not on the allow-list ({', '.join(self.domains.allow)})"
        return None

    def reads_text(self, action: Action) -> bool:
        """Whether deciding on this action needs the text near its target."""
        return any(rule.text and (not rule.actions or action.type in rule.actions) for rule in self.rules)

    def decide(self, action: Action, text_near: str | None = None) -> Verdict:
        if isinstance(action, Navigate) and (blocked := self.url_blocked(action.url)):
            return Verdict(decision="deny", reason=f"navigation to {action.url} is blocked: {blocked}")
        for rule in self.rules:
            if rule.matches(action, text_near):
                why = rule.reason or f"policy rule: {rule.describe()}"
                if rule.text and text_near:
                    why += f" (text near the target: {text_near.strip()[:80]!r})"
                return Verdict(decision=rule.decision, reason=why)
        return Verdict(decision=self.default, reason="the policy default")


def _text_matches(pattern: str, haystack: str) -> bool:
    if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
        return re.search(pattern[1:-1], haystack, re.IGNORECASE) is not None
    return pattern.lower() in haystack
