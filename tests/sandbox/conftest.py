"""Fixtures for slack_sandbox tests: a started sandbox, a real slack_sdk WebClient, and a signed-request receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from slack_sandbox import Sandbox, SandboxConfig
from tests.sandbox.helpers import BOT_TOKEN, SIGNING_SECRET, MakeSandbox, Receiver


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt and slack_sdk read SLACK_* variables implicitly; tests must not depend on the host's."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def make_sandbox() -> Iterator[MakeSandbox]:
    """Start sandboxes with config overrides; each is stopped (and checked for internal errors) afterwards."""
    started: list[Sandbox] = []

    def make(**overrides: Any) -> Sandbox:
        settings: dict[str, Any] = {"signing_secret": SIGNING_SECRET, "bot_token": BOT_TOKEN, **overrides}
        config = SandboxConfig(**settings)
        started.append(Sandbox(config).start())
        return started[-1]

    yield make
    for sb in started:
        sb.stop()
        assert sb.server_errors == []


@pytest.fixture
def sandbox(make_sandbox: MakeSandbox) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def client(sandbox: Sandbox) -> WebClient:
    return WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)


@pytest.fixture
def make_receiver() -> Iterator[Callable[[Sandbox], Receiver]]:
    """A receiver wired as `sb`'s bot_url, verifying with SIGNING_SECRET (what the bot is configured with)."""
    started: list[Receiver] = []

    def make(sb: Sandbox) -> Receiver:
        started.append(Receiver(SIGNING_SECRET))
        sb.set_bot_url(started[-1].url)
        return started[-1]

    yield make
    for rx in started:
        rx.close()


@pytest.fixture
def receiver(sandbox: Sandbox, make_receiver: Callable[[Sandbox], Receiver]) -> Receiver:
    return make_receiver(sandbox)
