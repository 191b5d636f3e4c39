"""Fixtures for the agent's tests: the wire-format server, and a guard that keeps model requests
on this machine.

``wire_server`` starts once per session; ``wire`` is the same server, emptied for each test. Every
test here runs with loopback-only model URLs (``require_loopback_models``), so a test that forgot
``base_url`` fails with a sentence instead of calling a real provider.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.models.guard import require_loopback_models

from .wire_server import WireServer

require_loopback_models(True)


@pytest.fixture(scope="session")
def wire_server() -> Iterator[WireServer]:
    server = WireServer().start()
    yield server
    server.stop()


@pytest.fixture
def wire(wire_server: WireServer) -> Iterator[WireServer]:
    """The session's wire server with no scripted replies and no recorded requests."""
    wire_server.reset()
    yield wire_server
    wire_server.reset()
