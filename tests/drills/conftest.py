"""Fault drills reuse the bot harness of tests/bot: the same fixtures, re-exported here (not copied)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drills.helpers import Workers
from tests.harness import (  # noqa: F401  (pytest finds fixtures by name in this module)
    _clean_environ,
    bot,
    glean,
    make_bot,
    redis_server_url,
    redis_url,
    sandbox,
)


@pytest.fixture
def workers() -> Iterator[Workers]:
    running = Workers()
    yield running
    running.stop_all()
