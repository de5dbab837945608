"""In the browser, a message's ⋯ menu: it lists the app's message shortcuts; "Ask Glean about this" on another
person's message opens the bot's modal and answers in that message's thread; "Summarize this thread" answers
privately with Share. #general answers only mentions here, so nothing else answers the messages asked about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.blocks import SHARE_ACTION_ID
from local_stack.stack import Stack
from slack_sandbox.ui_surfaces import MESSAGE_SHORTCUTS
from tests.browser.helpers import FINISHED_ANSWER

ANSWER_TIMEOUT_MS = 30_000
NOTE = "Heads up team: the office is closed on all the company holidays in 2025"


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Stack], tmp_path_factory: pytest.TempPathFactory) -> Stack:
    policy = tmp_path_factory.mktemp("policy") / "channels.yml"
    policy.write_text("channels:\n  C_GENERAL:\n    mode: mention\n")
    return make_stack(extra_env={"GLEANBOT_CHANNELS": str(policy)})


def _menu(page: Any, message: Any, name: str) -> None:
    """Hover `message`, open its ⋯ menu and pick the shortcut called `name`."""
    message.hover()
    message.locator("button.msg-more").click()
    items = page.locator("#msg-menu button.menu-item")
    items.first.wait_for()
    assert [t.split("\n")[0] for t in items.all_inner_texts()] == sorted(
        s["name"] for s in MESSAGE_SHORTCUTS.values()
    )
    items.filter(has_text=name).click()
    assert page.locator("#msg-menu").is_hidden()


def test_ask_glean_about_someone_elses_message_answers_in_its_thread(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    sandbox = stack.sandbox
    assert sandbox is not None
    note = sandbox.post_message("U_BOB", "C_GENERAL", NOTE)
    page = open_page(stack)
    message = page.locator(f'#messages .msg[data-ts="{note["ts"]}"]')
    message.wait_for()
    _menu(page, message, "Ask Glean about this")
    modal = page.locator("#modal .modal-card")
    modal.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert modal.locator(".modal-head").inner_text() == "Ask Glean"
    modal.locator(".modal-text").fill("Which days are those?")
    modal.locator(".modal-submit").click()
    page.locator("#modal").wait_for(state="hidden")  # the bot's ack closed it
    [action] = [d for d in sandbox.deliveries("action") if d.payload.get("type") == "message_action"]
    assert action.ok and action.payload["message"]["ts"] == note["ts"]
    assert action.payload["user"]["id"] == "U_ALICE"
    link = message.locator(".thread-link")
    link.wait_for(timeout=ANSWER_TIMEOUT_MS)
    link.click()
    answer = page.locator(FINISHED_ANSWER)
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "New Year" in answer.inner_text()
    assert page.locator("#thread-messages .msg").first.get_attribute("data-ts") == note["ts"]
    assert page.errors == []


def test_summarize_this_thread_answers_privately_with_share(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    sandbox = stack.sandbox
    assert sandbox is not None
    root = sandbox.post_message("U_ALICE", "C_GENERAL", "Planning the team offsite around the holidays")
    sandbox.post_message(
        "U_BOB", "C_GENERAL", "we should avoid the 2025 company holidays", thread_ts=root["ts"]
    )
    page = open_page(stack)
    page.locator(f'#messages .msg[data-ts="{root["ts"]}"] .thread-link').click()
    reply = page.locator("#thread-messages .msg", has_text="avoid the 2025 company holidays")
    reply.wait_for()
    _menu(page, reply, "Summarize this thread")
    private = page.locator('#thread-messages .msg.ephemeral[data-user="UBOT"]').filter(
        has=page.locator(f'button[data-action-id="{SHARE_ACTION_ID}"]')
    )
    private.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Only visible to you" in private.inner_text()
    assert sandbox.ephemerals("C_GENERAL", "U_BOB") == []  # Bob sees nothing of it
    assert page.errors == []
