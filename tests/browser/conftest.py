"""Browser tests: Playwright driving Debian's Chromium against the demo's stack (sandbox page, bot, worker,
local_glean, Redis), started here in-process on free ports. Skipped, loudly, when Chromium is missing."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local_stack.stack import Stack
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, TEST_PACE, VIEWPORT, start_stack  # noqa: F401


def skip_reason() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"no Chromium at {CHROMIUM}: install Debian's (apt-get install chromium) or set GLEANBOT_CHROMIUM"
        )
    if shutil.which("redis-server") is None and not os.environ.get("GLEANBOT_TEST_REDIS_URL"):
        return "no redis-server on PATH and no GLEANBOT_TEST_REDIS_URL"
    return None


SKIP_REASON = skip_reason()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SKIP_REASON is None:
        return
    marker = pytest.mark.skip(reason=f"browser tests skipped: {SKIP_REASON}")
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(marker)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Never silently: a run without Chromium says so at the end, not only as an "s" in the dots.
    if SKIP_REASON is not None:
        terminalreporter.write_sep("=", "browser tests", yellow=True)
        terminalreporter.write_line(f"SKIPPED: {SKIP_REASON}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def make_stack() -> Iterator[Callable[..., Stack]]:
    stacks: list[Stack] = []

    def make(**options: Any) -> Stack:
        stacks.append(start_stack(**options))
        return stacks[-1]

    yield make
    for stack in stacks:
        stack.stop()
        assert stack.sandbox is None or stack.sandbox.server_errors == []


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """`open_page(stack, user="U_ALICE", channel="C_GENERAL")`: a fresh browser context on the sandbox page."""
    contexts: list[Any] = []

    def open_(stack: Stack, user: str = "U_ALICE", channel: str = "C_GENERAL") -> Any:
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        page.goto(f"{stack.url}#as={user}&c={channel}")
        page.wait_for_selector(f'#channel-list a[data-channel="{channel}"].active, #dm-list a.active')
        return page

    yield open_
    for context in contexts:
        context.close()
