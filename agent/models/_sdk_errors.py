"""SDK exceptions translated into screenloop's at the edge, one context manager per SDK.

Nothing of ``openai`` or ``anthropic`` escapes an adapter: each call runs inside
``openai_errors()`` or ``anthropic_errors()``, which raise ``ModelHTTPError``/``ModelTimeout``/
``ModelError`` chained ``from`` the SDK exception (httpx's ``map_httpcore_exceptions`` pattern), and
wrap the retryable ones in ``Transient`` for ``retrying``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anthropic
import openai

from ..errors import ModelError, ModelHTTPError, ModelTimeout
from .retry import Transient, parse_retry_after

__all__ = ["anthropic_errors", "openai_errors"]

_RETRYABLE_STATUS = {408, 409, 429}


def _retryable(status: int) -> bool:
    return status in _RETRYABLE_STATUS or status >= 500


def _message(body: Any, fallback: str) -> str:
    """The provider's own words: ``error.message`` from the body when there is one."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
    if isinstance(body, str) and body.strip():
        return body.strip()
    return fallback


def _connection_message(provider: str, exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    detail = f": {type(cause).__name__}: {cause}" if cause else ""
    return f"{provider}: the connection failed or was dropped{detail}"


@contextmanager
def openai_errors(provider: str = "openai") -> Iterator[None]:
    """Translate the ``openai`` SDK's exceptions (also used for OpenAI-compatible servers)."""
    try:
        yield
    except openai.APITimeoutError as exc:
        raise Transient(ModelTimeout(f"{provider}: no answer within the time limit")) from exc
    except openai.APIConnectionError as exc:
        raise Transient(ModelError(_connection_message(provider, exc))) from exc
    except openai.APIStatusError as exc:
        error = ModelHTTPError(exc.status_code, _message(exc.body, exc.message), provider)
        if _retryable(exc.status_code):
            raise Transient(error, parse_retry_after(exc.response.headers)) from exc
        raise error from exc
    except openai.OpenAIError as exc:
        raise ModelError(f"{provider}: {exc}") from exc


@contextmanager
def anthropic_errors(provider: str = "anthropic") -> Iterator[None]:
    """Translate the ``anthropic`` SDK's exceptions."""
    try:
        yield
    except anthropic.APITimeoutError as exc:
        raise Transient(ModelTimeout(f"{provider}: no answer within the time limit")) from exc
    except anthropic.APIConnectionError as exc:
        raise Transient(ModelError(_connection_message(provider, exc))) from exc
    except anthropic.APIStatusError as exc:
        message = exc.api_message or _message(exc.body, exc.message)
        error = ModelHTTPError(exc.status_code, message, provider)
        if _retryable(exc.status_code):
            raise Transient(error, parse_retry_after(exc.response.headers)) from exc
        raise error from exc
    except anthropic.AnthropicError as exc:
        raise ModelError(f"{provider}: {exc}") from exc
