"""Safety: what may run, who approves, and secrets the model never sees.

- ``Policy`` (rules by action type, domain and on-screen text; the domain lists): ``policy.py``
- ``Approver`` and ``ApprovalRequest`` (one yes/no for policy confirmations and provider safety
  checks), ``deny_all``: ``approval.py``; the approvers a person uses (terminal, command,
  ``--approve-all``): ``approvers.py``
- ``Secrets`` (values typed by the executor, redacted from every record): ``secrets.py``
"""

from .approval import ApprovalRequest, Approver, deny_all
from .approvers import CommandApprover, TerminalApprover, approve_all
from .policy import Decision, DomainLists, Policy, Rule, Verdict
from .secrets import PLACEHOLDER, Secrets

__all__ = [
    "ApprovalRequest",
    "Approver",
    "CommandApprover",
    "Decision",
    "DomainLists",
    "PLACEHOLDER",
    "Policy",
    "Rule",
    "Secrets",
    "TerminalApprover",
    "Verdict",
    "approve_all",
    "deny_all",
]
