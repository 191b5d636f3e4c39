"""Model adapters, one file per wire protocol, behind the contract in ``base.py``."""

from .base import ActionFeedback, Effort, Model, ModelInput, SafetyCheck, Turn, Usage
from .replay import ReplayModel

__all__ = ["ActionFeedback", "Effort", "Model", "ModelInput", "ReplayModel", "SafetyCheck", "Turn", "Usage"]
