"""A switch that keeps model requests on this machine, for tests and CI.

In the spirit of pydantic-ai's ``ALLOW_MODEL_REQUESTS``: a test suite turns it on once, and any
adapter whose base URL is not a loopback address then refuses to start, with a sentence saying
why, instead of sending screenshots (and a bill) to a real provider. It is checked on the URL the
SDK client actually resolved, so ``OPENAI_BASE_URL`` and friends cannot slip past it.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from actions import UserError

__all__ = ["check_model_url", "is_loopback", "loopback_only", "require_loopback_models"]

ENV_VAR = "SCREENLOOP_LOOPBACK_MODELS_ONLY"
_state = {"loopback_only": False}


def require_loopback_models(enabled: bool = True) -> None:
    """Refuse (``enabled=True``) or allow again any model URL that is not on this machine."""
    _state["loopback_only"] = enabled


def loopback_only() -> bool:
    """True when set by ``require_loopback_models`` or by ``SCREENLOOP_LOOPBACK_MODELS_ONLY=1``."""
    return _state["loopback_only"] or os.environ.get(ENV_VAR, "").lower() in ("1", "true", "yes")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_model_url(url: str, provider: str) -> None:
    """Raise ``UserError`` when loopback-only is on and ``url`` leaves this machine."""
    if loopback_only() and not is_loopback(url):
        raise UserError(
            f"{provider}: model requests to {url} are refused because loopback-only mode is on "
            f"({ENV_VAR} or require_loopback_models()); point base_url at a local server"
        )
