"""The agent's branch of the error tree (the root is drawn in ``actions/errors.py``)::

    ScreenloopError
    └── RunError                        ends a run; ``run_dir`` says where its record is
        ├── ModelError                  the model provider failed, after retries where they help
        │   ├── ModelHTTPError              an HTTP error status, with the provider's message
        │   ├── ModelTimeout                no answer within the time limit, after retries
        │   └── ModelBehaviorError          the model kept answering with unusable actions
        ├── PolicyDenied                an action or a provider safety check was not approved
        ├── BudgetExceeded              max steps, max cost or max wall time reached
        └── ScriptExhausted             a replay/scripted model was asked for a turn it does not have

``ActionError`` (a bad action) never ends a run: the loop feeds it back to the model.
``EnvironmentFailure`` (a broken machine) ends the run, and the loop sets its ``run_dir`` too.
"""

from __future__ import annotations

from actions.errors import ScreenloopError

__all__ = [
    "BudgetExceeded",
    "ModelBehaviorError",
    "ModelError",
    "ModelHTTPError",
    "ModelTimeout",
    "PolicyDenied",
    "RunError",
    "ScriptExhausted",
]


class RunError(ScreenloopError):
    """An error that ends a run."""


class ModelError(RunError):
    """The model provider failed."""


class ModelHTTPError(ModelError):
    """The provider answered with an error status."""

    def __init__(self, status: int, body: str, provider: str = "") -> None:
        self.status = status
        self.body = body
        self.provider = provider
        where = f"{provider} " if provider else ""
        super().__init__(f"{where}API error {status}: {body}")


class ModelTimeout(ModelError):
    """No answer from the provider within the time limit, after retries."""


class ModelBehaviorError(ModelError):
    """The model answered with unusable actions more times than allowed."""


class PolicyDenied(RunError):
    """An action, or a provider safety check, was denied and the run cannot go on without it."""


class BudgetExceeded(RunError):
    """A budget (steps, cost, wall time) ran out."""

    def __init__(self, budget: str, limit: float, used: float) -> None:
        self.budget, self.limit, self.used = budget, limit, used
        super().__init__(f"{budget} budget exceeded: used {used:g} of {limit:g}")


class ScriptExhausted(RunError):
    """A replay or scripted model was asked for a turn it does not have."""
