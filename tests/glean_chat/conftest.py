"""Fixtures for the client tests: a scripted loopback server and a Glean client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from glean_chat import Glean
from tests.glean_chat.scripted import FAST_RETRIES, ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


@pytest.fixture
def glean(server: ScriptedServer) -> Iterator[Glean]:
    with Glean(bearer_auth="tok-123", server_url=server.url, retry_config=FAST_RETRIES) as g:
        yield g
