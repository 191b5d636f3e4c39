"""The wire server itself: what a test can rely on when it scripts a model."""

from __future__ import annotations

import httpx2
import pytest

from ..wire_server import Drop, WireServer, anthropic_message, openai_response, text_block


async def test_replies_are_served_in_order_and_requests_recorded(wire: WireServer) -> None:
    wire.script_openai([openai_response(id="resp_a"), openai_response(id="resp_b")])
    async with httpx2.AsyncClient(base_url=wire.url) as client:
        first = await client.post("/v1/responses", json={"n": 1}, headers={"x-test": "yes"})
        second = await client.post("/v1/responses", json={"n": 2})
    assert [first.json()["id"], second.json()["id"]] == ["resp_a", "resp_b"]
    assert [r.json for r in wire.requests_to("openai")] == [{"n": 1}, {"n": 2}]
    assert wire.requests[0].headers["x-test"] == "yes"
    wire.assert_consumed()


async def test_a_request_with_nothing_scripted_gets_a_400_and_is_reported(wire: WireServer) -> None:
    async with httpx2.AsyncClient(base_url=wire.url) as client:
        reply = await client.post("/v1/messages", json={})
    assert reply.status_code == 400 and "no scripted reply left" in reply.json()["error"]["message"]
    with pytest.raises(AssertionError, match="unexpected requests"):
        wire.assert_consumed()
    wire.reset()


async def test_left_over_replies_fail_assert_consumed(wire: WireServer) -> None:
    wire.script_anthropic(anthropic_message(text_block("never asked for")))
    with pytest.raises(AssertionError, match="unused replies"):
        wire.assert_consumed()
    wire.reset()


async def test_drop_closes_the_connection_mid_body(wire: WireServer) -> None:
    wire.script_openai(Drop())
    async with httpx2.AsyncClient(base_url=wire.url) as client:
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.post("/v1/responses", json={})
