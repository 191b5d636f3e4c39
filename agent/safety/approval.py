"""Approvals: the one place where a person (or their stand-in) says yes or no.

Both the policy (an action that needs confirmation) and provider safety checks (OpenAI's
``pending_safety_checks``) ask the same ``Approver``. Nothing is ever acknowledged automatically:
with no approver, the answer is no.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from actions import Action

__all__ = ["ApprovalRequest", "Approver", "deny_all"]


class ApprovalRequest(BaseModel):
    """What needs approving, in words a person can decide on."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["policy", "safety_check"]
    message: str
    """Why approval is needed: the rule that matched, or the provider's safety-check message."""
    action: Action | None = None
    """The action waiting on the answer, when there is one."""
    code: str | None = None
    """The provider's code for a safety check (e.g. ``malicious_instructions``)."""


Approver = Callable[[ApprovalRequest], Awaitable[bool]]
"""Returns True to approve. Called once per request; must not block forever."""


async def deny_all(request: ApprovalRequest) -> bool:
    """The approver of a headless run with nobody to ask."""
    return False
