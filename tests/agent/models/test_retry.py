"""Faults on the wire: rate limits, server errors, dropped connections, timeouts and bad requests,
through the real SDKs. Delays are recorded through the policy's ``sleep`` seam, never timed."""

from __future__ import annotations

import anthropic
import openai
import pytest

from actions import Click
from agent.errors import ModelError, ModelHTTPError, ModelTimeout
from agent.models import (
    AnthropicMessagesModel,
    ModelInput,
    OpenAICompatModel,
    OpenAIResponsesModel,
    RetryPolicy,
)
from agent.models.retry import parse_retry_after

from ..screens import observation
from ..wire_server import (
    Drop,
    Reply,
    WireServer,
    anthropic_error,
    anthropic_message,
    chat_completion,
    computer_call,
    openai_error,
    openai_response,
    text_block,
)


class Sleeps(list):
    """A ``sleep`` that records how long it was asked to wait, and returns at once."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def policy(sleeps: Sleeps, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, base_delay=1.0, max_delay=30.0, jitter=0.5, sleep=sleeps)


def openai_model(wire: WireServer, sleeps: Sleeps, **options) -> OpenAIResponsesModel:
    return OpenAIResponsesModel("gpt-5.4", base_url=wire.openai_url, api_key="k",
                                retry=options.pop("retry", policy(sleeps)), **options)


def anthropic_model(wire: WireServer, sleeps: Sleeps, **options) -> AnthropicMessagesModel:
    return AnthropicMessagesModel("claude-sonnet-4-6", base_url=wire.anthropic_url, api_key="k",
                                  retry=options.pop("retry", policy(sleeps)), **options)


STEP = ModelInput(task="Pay invoice 42", observation=observation())


async def test_429_then_success_honours_retry_after(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_openai(openai_error(429, "Rate limit reached for gpt-5.4", {"retry-after": "2"}),
                       openai_response(computer_call(Click(x=1, y=2))))
    turn = await openai_model(wire, sleeps).turn(STEP)
    assert turn.actions == [Click(x=1, y=2)]
    assert sleeps == [2.0]
    first, second = wire.requests_to("openai")
    assert first.raw == second.raw
    assert second.headers["x-stainless-retry-count"] == "0"  # the SDK's own retries are off


async def test_anthropic_429_honours_retry_after_ms(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_anthropic(anthropic_error(429, "Number of request tokens has exceeded your rate limit",
                                          {"retry-after-ms": "1500"}),
                          anthropic_message(text_block("ok")))
    model = anthropic_model(wire, sleeps)
    assert (await model.turn(STEP)).message == "ok"
    assert sleeps == [1.5]
    assert len(model.messages) == 2


async def test_500_until_the_budget_is_spent_is_a_clear_error(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_openai(*[openai_error(500, "The server had an error while processing your request.")] * 3)
    with pytest.raises(ModelHTTPError) as error:
        await openai_model(wire, sleeps, retry=policy(sleeps, attempts=3)).turn(STEP)
    assert error.value.status == 500 and error.value.provider == "openai"
    assert str(error.value) == ("openai API error 500: The server had an error while processing your request. "
                                "(gave up after 3 attempts)")
    assert isinstance(error.value.__cause__, openai.InternalServerError)
    assert len(wire.requests_to("openai")) == 3
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0
    wire.assert_consumed()


async def test_anthropic_overloaded_529_is_retried(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_anthropic(anthropic_error(529, "Overloaded"), anthropic_message(text_block("ok")))
    assert (await anthropic_model(wire, sleeps).turn(STEP)).message == "ok"
    assert len(sleeps) == 1


@pytest.mark.parametrize(("status", "message", "cause"), [
    (401, "invalid x-api-key", anthropic.AuthenticationError),
    (400, "messages.1.content.0: tool_use ids must be unique", anthropic.BadRequestError),
])
async def test_auth_and_bad_request_errors_end_at_once_with_the_providers_words(
        wire: WireServer, status: int, message: str, cause: type) -> None:
    sleeps = Sleeps()
    wire.script_anthropic(anthropic_error(status, message))
    model = anthropic_model(wire, sleeps)
    with pytest.raises(ModelHTTPError) as error:
        await model.turn(STEP)
    assert (error.value.status, error.value.body) == (status, message)
    assert str(error.value) == f"anthropic API error {status}: {message}"
    assert isinstance(error.value.__cause__, cause)
    assert sleeps == [] and len(wire.requests_to("anthropic")) == 1
    assert model.messages == []  # the failed turn left no half conversation behind


async def test_openai_bad_request_is_not_retried(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_openai(openai_error(400, "Invalid value for 'reasoning.effort'."))
    with pytest.raises(ModelHTTPError, match=r"openai API error 400: Invalid value for 'reasoning.effort'.$"):
        await openai_model(wire, sleeps).turn(STEP)
    assert sleeps == []


async def test_a_connection_dropped_mid_response_is_retried(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_openai(Drop(), openai_response(computer_call(Click(x=3, y=4))))
    turn = await openai_model(wire, sleeps).turn(STEP)
    assert turn.actions == [Click(x=3, y=4)]
    assert len(wire.requests_to("openai")) == 2 and len(sleeps) == 1


async def test_dropped_connections_until_the_budget_is_spent(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_anthropic(Drop(), Drop(fraction=0.0))
    with pytest.raises(ModelError, match=r"connection failed or was dropped.*gave up after 2 attempts") as error:
        await anthropic_model(wire, sleeps, retry=policy(sleeps, attempts=2)).turn(STEP)
    assert not isinstance(error.value, ModelHTTPError)
    assert isinstance(error.value.__cause__, anthropic.APIConnectionError)


async def test_a_timeout_is_retried_then_reported(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_chat(Reply(chat_completion("Action: wait()"), delay=2.0), Reply(chat_completion("x"), delay=2.0))
    model = OpenAICompatModel("ui-tars-1.5", base_url=wire.openai_url, timeout=0.2,
                              retry=policy(sleeps, attempts=2))
    with pytest.raises(ModelTimeout, match=r"openai-compat: no answer within the time limit \(gave up after 2"):
        await model.turn(STEP)
    assert len(sleeps) == 1


async def test_an_open_model_server_503_then_success(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_chat(Reply({"error": {"message": "model is loading"}}, 503), chat_completion("Action: wait()"))
    model = OpenAICompatModel("ui-tars-1.5", base_url=wire.openai_url, retry=policy(sleeps))
    assert (await model.turn(STEP)).error is None
    assert len(sleeps) == 1


async def test_a_retry_after_beyond_the_limit_ends_the_run_instead_of_stalling(wire: WireServer) -> None:
    sleeps = Sleeps()
    wire.script_openai(openai_error(429, "You exceeded your current quota", {"retry-after": "3600"}))
    retry = RetryPolicy(attempts=5, max_retry_after=60, sleep=sleeps)
    with pytest.raises(ModelHTTPError, match="asked to retry after 3600 s, more than max_retry_after=60 s"):
        await openai_model(wire, sleeps, retry=retry).turn(STEP)
    assert sleeps == [] and len(wire.requests_to("openai")) == 1


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "7"}) == 7.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_doubles_up_to_the_cap_and_jitter_only_shortens() -> None:
    retry = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=0.5)
    for attempt, full in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (9, 8.0)]:
        for _ in range(20):
            assert full * 0.5 <= retry.delay(attempt, None) <= full
    assert RetryPolicy(jitter=0).delay(3, None) == 4.0
    assert retry.delay(1, 12.5) == 12.5
