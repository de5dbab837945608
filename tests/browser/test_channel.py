"""In the browser, as a newcomer uses the demo: ask in a channel, watch the answer stream into the thread with
its sources, follow up, share a file and ask about it, and run `/glean` commands from the composer."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from local_stack.stack import Stack
from tests.browser.helpers import FINISHED_ANSWER

ANSWER_TIMEOUT_MS = 30_000
FILES_AND_COMMANDS = all(
    importlib.util.find_spec(name) is not None
    for name in ("bot.commands", "core.slack_files", "workers.files")
)
needs_files_and_commands = pytest.mark.skipif(
    not FILES_AND_COMMANDS,
    reason="needs the files/commands issue (bot/commands.py, bot/slack_files.py, workers/files.py)",
)


@pytest.fixture(scope="module")
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack()


def ask(page: Any, text: str, *, composer: str = "#composer") -> None:
    page.fill(f"{composer} textarea", text)
    page.press(f"{composer} textarea", "Enter")


def bot_replies(page: Any) -> Any:
    return page.locator('#thread-messages .msg[data-user="UBOT"]')


def test_a_question_streams_its_answer_with_sources_into_the_thread(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    page = open_page(stack)
    ask(page, "What are the company holidays?")
    question = page.locator("#messages .msg", has_text="What are the company holidays?")
    question.wait_for()
    # The thread opens on the first reply; the answer is seen while it is still streaming, then finished.
    page.wait_for_selector(
        '#thread-messages .msg[data-user="UBOT"][data-stream="streaming"]', timeout=ANSWER_TIMEOUT_MS
    )
    assert page.locator("#thread-messages .cursor").count() == 1
    answer = page.locator('#thread-messages .msg[data-user="UBOT"][data-stream="stopped"]')
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "New Year" in answer.inner_text()
    sources = answer.locator(".block-section", has_text="Sources")
    link = sources.locator("a", has_text="Company Holidays 2025")
    assert link.get_attribute("href").startswith(stack.glean.url if stack.glean else "http")
    assert answer.locator('button[data-action-id="gleanbot_feedback"]').count() == 2
    assert question.locator(".thread-link").inner_text().startswith("1 reply")
    assert page.locator("#thread-messages .cursor").count() == 0
    assert page.errors == []


def test_a_follow_up_in_the_thread_continues_the_conversation(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    page = open_page(stack)
    ask(page, "Which days are company holidays?")
    page.locator(FINISHED_ANSWER).wait_for(timeout=ANSWER_TIMEOUT_MS)
    ask(page, "and for contractors?", composer="#thread-composer")
    page.locator("#thread-messages .msg", has_text="and for contractors?").wait_for()
    second = page.locator(FINISHED_ANSWER).nth(1)
    second.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Contractors are not covered by the company holiday calendar" in second.inner_text()
    assert bot_replies(page).count() == 2  # one thread, one conversation: no new thread was started


def test_a_follow_up_button_under_the_answer_asks_it_in_the_same_thread(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    page = open_page(stack)
    ask(page, "When are the company holidays this year?")
    answer = page.locator(FINISHED_ANSWER)
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # Glean's followUpPrompts are buttons under a channel answer (the container shows them as chips).
    button = answer.locator('button[data-action-id^="gleanbot_follow_up_"]').first
    button.wait_for()
    prompt = button.inner_text()
    button.click()
    # The click is posted as "@Alice asked: …" in the thread and answered there, as one conversation.
    page.locator("#thread-messages .msg", has_text="asked:").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert prompt in page.locator("#thread-messages .msg", has_text="asked:").inner_text()
    page.locator(FINISHED_ANSWER).nth(1).wait_for(timeout=ANSWER_TIMEOUT_MS)  # in the open thread pane
    assert page.locator("#messages .msg", has_text="asked:").count() == 0  # not a new top-level message
    assert page.errors == []


def test_feedback_buttons_reach_the_bot(stack: Stack, open_page: Callable[..., Any]) -> None:
    page = open_page(stack)
    ask(page, "How do I set up the VPN?")
    answer = page.locator(FINISHED_ANSWER)
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    # The value names the answer's vote record ("good:<ref>"), never the voter.
    good = answer.locator('button[data-action-id="gleanbot_feedback"][data-value^="good:"]')
    good.click()
    assert stack.sandbox is not None
    delivery = stack.sandbox.wait_for(
        lambda: [
            d
            for d in stack.sandbox.deliveries("action")  # type: ignore[union-attr]
            if str(d.payload.get("actions", [{}])[0].get("value", "")).startswith("good:")
        ]
    )[-1]
    assert delivery.ok and delivery.payload["user"]["id"] == "U_ALICE"
    assert "pressed" in (good.get_attribute("class") or "")


def test_a_thumbs_down_opens_a_modal_whose_reason_reaches_glean(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    page = open_page(stack)  # Alice: Bob's conversations are counted by the /glean clear test below
    ask(page, "What is the meal limit on business travel?")
    answer = page.locator(FINISHED_ANSWER)
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    answer.locator('button[data-action-id="gleanbot_feedback"][data-value^="bad:"]').click()
    modal = page.locator('#modal .modal-card[role="dialog"]')
    modal.wait_for()
    assert "What was wrong?" in modal.inner_text()
    modal.locator(".modal-submit").click()  # nothing chosen: the page, like Slack, does not send it
    modal.locator(".modal-status", has_text="required").wait_for()
    modal.locator("label", has_text="It's out of date").click()
    modal.locator("textarea").fill("The limit changed in March")
    modal.locator(".modal-submit").click()
    page.locator("#modal").wait_for(state="hidden")
    assert stack.glean is not None

    def reasons() -> list[dict[str, Any]]:
        records = httpx.get(f"{stack.glean.url}/_local/feedback").json()["feedback"]  # type: ignore[union-attr]
        return [r for r in records if r["event"] == "MANUAL_FEEDBACK"]

    [reason] = stack.sandbox.wait_for(reasons)  # type: ignore[union-attr]
    assert reason["manualFeedbackInfo"]["issues"] == ["OUTDATED_RESPONSE"]
    assert reason["manualFeedbackInfo"]["comments"] == "The limit changed in March"
    assert page.errors == []


def test_an_unknown_command_gets_slackbots_answer_and_nothing_is_sent(
    stack: Stack, open_page: Callable[..., Any]
) -> None:
    page = open_page(stack)
    page.fill("#composer textarea", "/gl")
    assert "/glean" in page.locator("#composer .command-hint").inner_text()
    ask(page, "/gleen history")
    note = page.locator('#messages .msg.ephemeral[data-user="USLACKBOT"]')
    note.wait_for()
    assert "is not a valid command" in note.inner_text()
    assert page.input_value("#composer textarea") == "/gleen history"  # kept, to fix the typo


@needs_files_and_commands
def test_a_shared_file_can_be_asked_about(stack: Stack, open_page: Callable[..., Any], tmp_path: Any) -> None:
    notes = tmp_path / "zephyr-notes.txt"
    notes.write_text(
        "Project Zephyr status notes.\n\nThe code name of Project Zephyr is BLUE HERON. Zephyr launches in "
        "the third quarter, and its owner is the robotics platform team.\n"
    )
    page = open_page(stack)
    page.set_input_files("#composer input[type=file]", str(notes))
    assert "zephyr-notes.txt" in page.locator("#composer .pending-file").inner_text()
    ask(page, "What is the code name of Project Zephyr?")
    page.locator("#messages .msg .file", has_text="zephyr-notes.txt").wait_for()
    answer = page.locator('#thread-messages .msg[data-user="UBOT"]', has_text="BLUE HERON")
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "zephyr-notes.txt" in page.locator("#thread-messages").inner_text()


@needs_files_and_commands
def test_glean_clear_from_the_composer(stack: Stack, open_page: Callable[..., Any]) -> None:
    page = open_page(stack, user="U_BOB")
    ask(page, "How many PTO days do I get?")
    page.locator(FINISHED_ANSWER).wait_for(timeout=ANSWER_TIMEOUT_MS)
    ask(page, "/glean clear")
    done = page.locator('#messages .msg.ephemeral[data-user="UBOT"]', has_text="Deleted 1 conversation")
    done.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Only visible to you" in done.inner_text()
