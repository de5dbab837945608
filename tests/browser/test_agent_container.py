"""In the browser, the app's agent container (Slack's split view): opened from the top bar beside #general, it
shows the bot's greeting and prompt chips; a chip asks, the status line rotates its loading messages, the
answer streams with its task steps and sources, the thread gets its title, and a follow-up chip continues the
same thread. Every step reaches the bot as Slack's own signed events (checked on the sandbox's side)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.agent_view import DEFAULT_PROMPTS
from local_stack.stack import Stack
from slack_sandbox import Sandbox

ANSWER_TIMEOUT_MS = 30_000
FINISHED = '#agent-messages .msg[data-user="UBOT"][data-stream="stopped"]'


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack()


def _open_container(page: Any) -> None:
    page.click("#agent-toggle")
    page.locator("#agent").wait_for()
    page.locator('#agent-messages .msg[data-user="UBOT"]').first.wait_for(timeout=ANSWER_TIMEOUT_MS)


def _container_beside_general(stack: Stack, open_page: Callable[..., Any]) -> tuple[Sandbox, Any]:
    """Alice's page on #general with the container open and greeted; the sandbox behind it."""
    assert stack.sandbox is not None
    page = open_page(stack)
    _open_container(page)
    return stack.sandbox, page


def test_the_container_opens_beside_the_channel_with_the_greeting_and_prompt_chips(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    assert stack.sandbox is not None
    page = open_page(stack)
    _open_container(page)
    greeting = page.locator('#agent-messages .msg[data-user="UBOT"]').first
    assert "#general" in greeting.inner_text()  # the bot knew which channel the container sits beside
    assert page.locator("#agent-context").inner_text() == "beside #general"
    chips = page.locator("#agent-prompts button.chip")
    chips.first.wait_for()
    assert chips.all_inner_texts() == list(DEFAULT_PROMPTS)
    assert page.locator("#agent-title").inner_text() == "New chat"
    started = stack.sandbox.events("assistant_thread_started")[-1]  # the container just opened
    thread = started["event"]["assistant_thread"]
    assert (thread["user_id"], thread["context"]["channel_id"]) == ("U_ALICE", "C_GENERAL")
    assert page.errors == []


def test_a_prompt_chip_asks_and_the_status_then_the_cited_answer_and_title_show(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    sandbox, page = _container_beside_general(stack, open_page)
    chip = page.locator("#agent-prompts button.chip").first
    chip.wait_for()
    prompt = chip.inner_text()
    # Slack applies the status and the stream's start; their replies are held so each can be seen on screen.
    status_hold = sandbox.holds.after("assistant.threads.setStatus")
    stream_hold = sandbox.holds.after("chat.startStream")
    chip.click()
    page.locator("#agent-messages .msg", has_text=prompt).wait_for()
    assert page.locator("#agent-prompts").is_hidden()  # asked: the chips go away
    assert status_hold.wait_reached()
    status = page.locator("#agent-status")
    status.wait_for()
    assert "is looking this up in Glean" in status.inner_text()
    loading = status.locator(".agent-loading")
    first = loading.inner_text()
    page.wait_for_function(
        "first => document.querySelector('#agent-status .agent-loading').textContent !== first", arg=first
    )  # the loading messages rotate
    status_hold.release()
    assert stream_hold.wait_reached()
    step = page.locator('#agent-messages .task[data-status="in_progress"]')
    step.wait_for()
    assert step.locator(".task-title").inner_text().startswith("Searching")
    assert "In progress" in step.inner_text()
    assert status.is_hidden()  # the answer's start ends the status, as in Slack
    stream_hold.release()

    answer = page.locator(FINISHED)
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    tasks = answer.locator(".task")
    assert tasks.count() >= 1
    assert set(tasks.evaluate_all("els => els.map(e => e.dataset.status)")) == {"complete"}
    assert answer.locator(".block-section", has_text="Sources").locator("a").count() >= 1
    page.wait_for_function(
        "prompt => document.querySelector('#agent-title').textContent === prompt", arg=prompt
    )  # assistant.threads.setTitle: the question names the thread
    assert page.errors == []


def test_a_follow_up_chip_after_the_answer_continues_the_same_container_thread(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    _, page = _container_beside_general(stack, open_page)
    page.locator("#agent-prompts button.chip").first.click()
    page.locator(FINISHED).wait_for(timeout=ANSWER_TIMEOUT_MS)
    # Glean's follow-ups become the chips under the answer (setSuggestedPrompts for the latest message).
    title = page.locator("#agent-prompts .agent-prompts-title", has_text="Related questions")
    title.wait_for(timeout=ANSWER_TIMEOUT_MS)
    follow_up = page.locator("#agent-prompts button.chip").first
    question = follow_up.inner_text()
    assert question.endswith("?")
    follow_up.click()
    page.locator("#agent-messages .msg", has_text=question).wait_for()
    page.locator(FINISHED).nth(1).wait_for(timeout=ANSWER_TIMEOUT_MS)
    # One thread: greeting, first question and answer, follow-up and its answer, all under the same root.
    roots = {m.get_attribute("data-thread-ts") for m in page.locator("#agent-messages .msg").all()}
    assert len(roots) == 1
    assert page.locator('#agent-messages .msg[data-user="UBOT"]').count() == 3
    assert page.errors == []


def test_moving_to_another_channel_with_the_container_open_tells_the_bot(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    sandbox, page = _container_beside_general(stack, open_page)
    before = len(sandbox.events("assistant_thread_context_changed"))
    page.click('#channel-list a[data-channel="G_PRIVATE"]')
    page.wait_for_function("() => document.querySelector('#agent-context').textContent === 'beside #private'")
    changed = sandbox.wait_for(lambda: sandbox.events("assistant_thread_context_changed")[before:])
    thread = changed[-1]["event"]["assistant_thread"]
    assert (thread["user_id"], thread["context"]["channel_id"]) == ("U_ALICE", "G_PRIVATE")
    assert page.locator("#agent").is_visible()  # the split view stays open beside the new channel
    assert page.errors == []
