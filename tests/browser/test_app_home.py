"""In the browser, the app's Home tab: the app's DM has Home / Messages tabs as in Slack; Home shows the view the
bot published (your recent conversations), its buttons reach the bot from the view, and it is redrawn when the
bot publishes again: clear one conversation, then delete all of them after the bot's confirmation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.home_view import HOME_CLEAR_ACTION_ID, HOME_CLEAR_ALL_ACTION_ID
from local_stack.stack import Stack
from tests.browser.helpers import FINISHED_ANSWER

ANSWER_TIMEOUT_MS = 30_000
QUESTIONS = ("What are the company holidays?", "How do I set up the VPN?")


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack()


def _ask_and_wait(page: Any, text: str) -> None:
    page.fill("#composer textarea", text)
    page.press("#composer textarea", "Enter")
    page.locator(FINISHED_ANSWER).wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.click("#thread-close")


def test_home_lists_my_conversations_and_updates_after_clear_and_delete_all(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    sandbox = stack.sandbox
    assert sandbox is not None
    page = open_page(stack)
    for question in QUESTIONS:
        _ask_and_wait(page, question)
    page.click('#dm-list a[data-channel="D_ALICE"]')
    tabs = page.locator("#app-tabs")
    tabs.wait_for()
    assert tabs.locator("button.active").inner_text() == "Messages"
    sandbox.wait_for(
        lambda: [e for e in sandbox.events("app_home_opened") if e["event"]["tab"] == "messages"]
    )

    tabs.locator('button[data-tab="home"]').click()
    home = page.locator("#home")
    home.locator(".block-header", has_text="Your recent conversations").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#composer").is_hidden() and page.locator("#messages").is_hidden()
    [opened] = [e for e in sandbox.events("app_home_opened") if e["event"]["tab"] == "home"]
    assert opened["event"]["user"] == "U_ALICE"
    clear = home.locator(f'button[data-action-id="{HOME_CLEAR_ACTION_ID}"]')
    clear.nth(1).wait_for()
    assert clear.count() == 2  # both of Alice's threads, each with its own Clear

    clear.first.click()
    page.wait_for_function(
        "id => document.querySelectorAll(`#home button[data-action-id='${id}']`).length === 1",
        arg=HOME_CLEAR_ACTION_ID,
        timeout=ANSWER_TIMEOUT_MS,
    )  # the bot cleared it and published Home again: the page redrew it
    [click] = [
        d for d in sandbox.deliveries("action") if d.payload.get("container", {}).get("type") == "view"
    ]
    assert click.ok and click.payload["actions"][0]["action_id"] == HOME_CLEAR_ACTION_ID

    home.locator(f'button[data-action-id="{HOME_CLEAR_ALL_ACTION_ID}"]').click()
    confirm = page.locator("#modal .modal-card")
    confirm.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Delete all your saved conversations?" in confirm.inner_text()
    confirm.locator(".modal-submit").click()
    page.locator("#modal").wait_for(state="hidden")
    home.locator(".block-section", has_text="No saved conversations").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert clear.count() == 0

    tabs.locator('button[data-tab="messages"]').click()
    page.locator("#messages").wait_for()
    assert page.locator("#home").is_hidden() and page.locator("#composer").is_visible()
    assert page.errors == []
