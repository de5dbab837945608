"""In the browser, with `--act-as` (answers use the asker's own access): a private answer is shown to the asker
only; switching to another person shows nothing of it until the asker shares it to the thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from local_stack.stack import Stack

ANSWER_TIMEOUT_MS = 30_000
QUESTION = "What is the meal limit on business travel?"


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack(act_as=True)


def test_a_private_answer_is_invisible_to_others_until_the_asker_shares_it(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    alice = open_page(stack, user="U_ALICE")
    alice.fill("#composer textarea", QUESTION)
    alice.press("#composer textarea", "Enter")
    private = alice.locator('#thread-messages .msg.ephemeral[data-user="UBOT"]', has_text="Sources")
    private.wait_for(timeout=ANSWER_TIMEOUT_MS)
    text = private.inner_text()
    assert "Only visible to you" in text
    question = alice.locator("#messages .msg", has_text=QUESTION)
    question_ts = question.get_attribute("data-ts")
    assert "1 only visible to you" in question.locator(".thread-summary").inner_text()

    # Switch person in the same tab: Bob sees the question, and nothing of the answer.
    alice.select_option("#user-select", "U_BOB")
    alice.locator("#me-avatar", has_text="B").wait_for()  # Bob's view has been drawn
    seen_by_bob = alice.locator(f'#messages .msg[data-ts="{question_ts}"]')
    seen_by_bob.wait_for()
    assert seen_by_bob.locator(".thread-summary").count() == 0
    assert alice.locator('.msg[data-user="UBOT"]').count() == 0
    assert "Sources" not in alice.locator("body").inner_text()

    # Bob keeps watching in his own tab while Alice, in hers, shares the answer.
    bob = alice
    alice = open_page(stack, user="U_ALICE")
    alice.locator(f'#messages .msg[data-ts="{question_ts}"] .thread-link').click()
    alice.locator('#thread-messages .msg.ephemeral button[data-action-id="gleanbot_share"]').click()
    shared = bob.locator(f'#messages .msg[data-ts="{question_ts}"] .thread-link')
    shared.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert shared.inner_text().startswith("1 reply")
    shared.click()
    public = bob.locator('#thread-messages .msg[data-user="UBOT"]:not(.ephemeral)')
    public.wait_for()
    assert "Shared by" in public.inner_text() and "@alice" in public.inner_text()
    assert bob.errors == [] and alice.errors == []


def test_the_dm_with_the_bot_belongs_to_each_person(stack: Stack, open_page: Callable[..., Any]) -> None:
    alice = open_page(stack, user="U_ALICE", channel="D_ALICE")
    alice.fill("#composer textarea", "How do I set up the VPN?")
    alice.press("#composer textarea", "Enter")
    alice.locator('#thread-messages .msg[data-user="UBOT"]', has_text="Sources").wait_for(
        timeout=ANSWER_TIMEOUT_MS
    )
    bob = open_page(stack, user="U_BOB", channel="D_BOB")
    assert bob.locator("#dm-list a").count() == 1
    assert bob.locator("#messages .welcome").count() == 1  # an empty DM: nothing of Alice's
    assert bob.locator(".msg").count() == 0
