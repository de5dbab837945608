"""Glean's work steps end to end: "Searching: …" and "Reading: …" (local_glean's UPDATE messages) as task chunks
of the streamed answer, completed at its end; as the words of the status line where the answer is posted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from core.answer_extras import (
    DEFAULT_DISCLAIMER,
    FOLLOW_UP_ACTION_ID,
    MAX_FOLLOW_UPS,
    disclaimer_from_env,
)
from core.notices import NOTICE_STRANGER
from core.slack_budget import SlackBudget
from local_glean import LocalGlean
from slack_sandbox import Sandbox
from tests.harness import Bot, clear_proxies, forged_click, saved_chats, start_socket_bot

QUESTION = "What are the company holidays in 2025?"
DM = "D_ALICE"


def _thread_calls(sandbox: Sandbox, thread_ts: str, channel: str = "C_GENERAL") -> list[Any]:
    """Every successful call about the thread: by thread_ts, or naming one of the bot's messages in it."""
    ours = {m["ts"] for m in sandbox.messages(channel, thread_ts=thread_ts) if m.get("user") == "UBOT"}
    return [
        c
        for c in sandbox.calls()
        if c.ok and (c.params.get("thread_ts") == thread_ts or c.params.get("ts") in ours)
    ]


def _tasks(call: Any) -> list[dict[str, Any]]:
    return [c for c in call.params.get("chunks") or [] if c["type"] == "task_update"]


def _has_text(call: Any) -> bool:
    return any(c["type"] == "markdown_text" and c["text"].strip() for c in call.params.get("chunks") or [])


def test_steps_stream_as_tasks_before_the_text_and_complete_at_the_end(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    calls = [c for c in _thread_calls(bot.sandbox, question["ts"]) if c.method.startswith("chat.")]
    methods = [c.method for c in calls]
    assert methods[0] == "chat.startStream" and methods[-1] == "chat.stopStream", methods
    assert calls[0].params["task_display_mode"] == "plan"
    # The first step opens the stream before any answer text; the second is appended while it streams.
    [searching] = _tasks(calls[0])
    assert searching["title"].startswith("Searching:") and searching["status"] == "in_progress"
    assert not _has_text(calls[0])
    second = calls[1]
    assert second.method == "chat.appendStream" and not _has_text(second)
    assert [(t["id"], t["status"]) for t in _tasks(second)] == [
        (searching["id"], "complete"),
        ("step-2", "in_progress"),
    ]
    assert _tasks(second)[1]["title"].startswith("Reading:")
    first_text = next(i for i, c in enumerate(calls) if _has_text(c))
    assert first_text >= 2
    # The stop completes what was still in progress; the message shows every step done, then the answer.
    assert [(t["id"], t["status"]) for t in _tasks(calls[-1])] == [("step-2", "complete")]
    [answer] = bot.replies(question["ts"])
    shown = bot.sandbox.stream_chunks("C_GENERAL", answer["ts"])
    tasks = [c for c in shown if c["type"] == "task_update"]
    assert [t["status"] for t in tasks] == ["complete", "complete"]
    assert "holiday" in answer["text"].lower()


def test_without_streaming_the_steps_are_the_status_line_before_the_first_text(
    make_bot: Callable[..., Bot],
) -> None:
    bot = make_bot(GLEANBOT_STREAMING="false")
    root, delivery = bot.sandbox.people.agent.open("U_ALICE", beside="C_GENERAL")
    assert delivery is not None and delivery.ok
    thread_ts = str(root["ts"])
    bot.sandbox.wait_for(lambda: bot.replies(thread_ts, DM))  # greeted: the container thread is known
    bot.sandbox.wait_for(lambda: bot.sandbox.calls("assistant.threads.setSuggestedPrompts"))
    bot.sandbox.clear_calls()
    question = bot.sandbox.people.agent.ask("U_ALICE", thread_ts, QUESTION)
    bot.wait_outcomes(question["ts"])
    bot.work()
    calls = _thread_calls(bot.sandbox, thread_ts, DM)
    names = [(c.method, c.params.get("status")) for c in calls]
    statuses = [s for m, s in names if m == "assistant.threads.setStatus"]
    assert statuses[0] == "is looking this up in Glean…"  # the listener's, at once
    assert statuses[1].startswith("is searching: ") and statuses[1].endswith("…"), statuses
    assert statuses[2].startswith("is reading: "), statuses
    first_post = next(i for i, (m, _s) in enumerate(names) if m == "chat.postMessage")
    last_status = max(i for i, (m, _s) in enumerate(names) if m == "assistant.threads.setStatus")
    assert last_status < first_post, names
    assert not any(c.method.endswith("Stream") for c in calls)  # no chunks where nothing streams
    assert bot.sandbox.thread_status(DM, thread_ts) is None  # the answer's post ended it


def test_the_sandbox_checks_chunks_as_slack_does(sandbox: Sandbox) -> None:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=str(sandbox.config.bot_token), base_url=sandbox.api_url)
    asked = sandbox.post_message("U_ALICE", "C_GENERAL", QUESTION)
    base = {"channel": "C_GENERAL", "thread_ts": asked["ts"], "recipient_user_id": "U_ALICE"}
    base["recipient_team_id"] = "T0SANDBOX"
    bad_chunks: list[list[dict[str, Any]]] = [
        [{"type": "task_update", "id": "a", "title": "Searching", "status": "running"}],
        [{"type": "task_update", "id": "a", "status": "pending"}],
        [{"type": "task_update", "id": "a", "title": "x", "status": "complete", "details": "d" * 257}],
        [{"type": "task_update", "id": "a", "title": "x", "status": "complete", "sources": [{"url": "u"}]}],
        [{"type": "plan_update"}],
        [{"type": "plan_update", "title": "Plan", "colour": "red"}],
    ]
    for chunks in bad_chunks:
        try:
            client.chat_startStream(**base, chunks=chunks)
        except SlackApiError as exc:
            assert exc.response["error"] == "invalid_chunks", chunks
        else:
            raise AssertionError(f"accepted {chunks}")
    try:
        client.chat_startStream(**base, markdown_text="hi", task_display_mode="cards")
    except SlackApiError as exc:
        assert exc.response["error"] == "invalid_arguments"
    else:
        raise AssertionError("accepted task_display_mode=cards")
    good = [
        {"type": "plan_update", "title": "Plan"},
        {"type": "task_update", "id": "a", "title": "Search", "status": "pending", "details": "d" * 256},
    ]
    assert client.chat_startStream(**base, chunks=good, task_display_mode="plan")["ok"]


def _blocks(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [b for b in message.get("blocks") or [] if b.get("type") == kind]


def _follow_up_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e
        for b in _blocks(message, "actions")
        for e in b["elements"]
        if e["action_id"].startswith(FOLLOW_UP_ACTION_ID)
    ]


def test_follow_up_buttons_ask_in_the_thread_as_the_clicker(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    [answer] = bot.replies(question["ts"])
    buttons = _follow_up_buttons(answer)
    assert 1 <= len(buttons) <= MAX_FOLLOW_UPS
    prompt = buttons[0]["text"]["text"]
    assert prompt.endswith("?") and buttons[0]["value"].endswith(":0")  # the value names a record, not text
    started = time.monotonic()
    delivery = bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], buttons[0]["action_id"])
    assert delivery.ok and time.monotonic() - started < 3.0
    bot.sandbox.wait_for(lambda: len(bot.replies(question["ts"])) == 2)
    asked = bot.replies(question["ts"])[1]
    assert asked["text"] == f"<@U_BOB> asked: {prompt}"
    bot.wait_outcomes(asked["ts"])
    assert bot.outcomes.for_ts(asked["ts"]) == ["enqueued:followup"]
    bot.work()
    replies = bot.replies(question["ts"])
    assert len(replies) == 3 and "Sources" in str(replies[2]["blocks"])
    # The thread's one Glean chat holds both questions, the second in Glean's words, asked for Bob.
    [chat] = saved_chats(bot)
    asked_texts = [m.fragments[0].text for m in chat.messages or [] if m.author == "USER"]
    assert asked_texts == [QUESTION, prompt]
    # A second click by Bob asks nothing again; a forged value naming no record is refused quietly.
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], buttons[0]["action_id"]).ok
    assert bot.sandbox.click("U_BOB", "C_GENERAL", answer["ts"], buttons[0]["action_id"], "0" * 16 + ":1").ok
    bot.sandbox.wait_for_deliveries()
    assert len(bot.replies(question["ts"])) == 3


def test_the_answer_carries_the_ai_disclaimer_and_it_can_be_changed_or_switched_off(
    make_bot: Callable[..., Bot],
) -> None:
    default = make_bot()
    question = default.ask(QUESTION)
    default.work()
    [answer] = default.replies(question["ts"])
    notes = [e["text"] for b in _blocks(answer, "context") for e in b["elements"]]
    assert DEFAULT_DISCLAIMER in notes
    default.stop()
    quiet = make_bot(GLEANBOT_AI_DISCLAIMER="")
    question = quiet.ask("How many PTO days do we get?")
    quiet.work()
    [answer] = quiet.replies(question["ts"])
    assert not any(DEFAULT_DISCLAIMER in str(b) for b in answer.get("blocks") or [])
    assert disclaimer_from_env({"GLEANBOT_AI_DISCLAIMER": "AI answer."}, {}) == "AI answer."
    assert disclaimer_from_env({"GLEANBOT_AI_DISCLAIMER": "none"}, {}) == ""


def test_in_the_container_follow_ups_are_the_suggested_prompts(bot: Bot) -> None:
    root, delivery = bot.sandbox.people.agent.open("U_ALICE", beside="C_GENERAL")
    assert delivery is not None and delivery.ok
    thread_ts = str(root["ts"])
    bot.sandbox.wait_for(lambda: bot.sandbox.calls("assistant.threads.setSuggestedPrompts"))
    question = bot.sandbox.people.agent.ask("U_ALICE", thread_ts, QUESTION)
    bot.wait_outcomes(question["ts"])
    bot.work()
    [_greeting, answer] = bot.replies(thread_ts, DM)
    assert not _follow_up_buttons(answer)
    [_opened, after] = bot.sandbox.calls("assistant.threads.setSuggestedPrompts")
    # Slack drops a call naming thread_ts for an agent_view app: the prompts go to the latest message.
    assert after.ok and "thread_ts" not in after.params and after.params["title"] == "Related questions"
    assert all(p["message"].endswith("?") for p in after.params["prompts"])
    assert after.at > next(c.at for c in bot.sandbox.calls("chat.stopStream"))


def test_a_partners_click_on_a_follow_up_asks_nothing(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    [answer] = bot.replies(question["ts"])
    [button, *_] = _follow_up_buttons(answer)
    payload = forged_click(bot, "U_EXT", "C_GENERAL", button["action_id"], button["value"], answer["ts"])
    payload["user"]["team_id"] = payload["team"]["id"] = "T0PARTNER"  # a Slack Connect partner
    assert bot.sandbox.deliver_action(payload).ok
    bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_EXT"))
    assert bot.sandbox.ephemerals("C_GENERAL", "U_EXT")[-1]["text"].endswith(NOTICE_STRANGER)
    assert len(bot.replies(question["ts"])) == 1


def test_over_socket_mode_steps_stream_and_a_follow_up_click_is_answered(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_proxies(monkeypatch)
    bot = start_socket_bot(sandbox, glean, redis_url)
    try:
        question = bot.ask(QUESTION)
        bot.work()
        [answer] = bot.replies(question["ts"])
        [start] = [c for c in sandbox.calls("chat.startStream") if c.ok]
        assert _tasks(start) and not _has_text(start)
        [button, *_] = _follow_up_buttons(answer)
        assert sandbox.click("U_ALICE", "C_GENERAL", answer["ts"], button["action_id"]).ok
        sandbox.wait_for(lambda: len(bot.replies(question["ts"])) == 2)
        bot.wait_outcomes(bot.replies(question["ts"])[1]["ts"])
        bot.work()
        assert len(bot.replies(question["ts"])) == 3
        assert {d.transport for d in sandbox.deliveries()} == {"socket"}
    finally:
        bot.stop()


@pytest.mark.parametrize("act_as", [False, True])
def test_in_a_channel_the_status_says_the_steps_only_of_a_public_answer(
    make_bot: Callable[..., Bot], act_as: bool
) -> None:
    extra = {"GLEAN_API_TOKEN": "dev-global-token", "GLEAN_ACT_AS": "asker"} if act_as else {}
    bot = make_bot(GLEANBOT_STREAMING="false", **extra)
    budget = SlackBudget(bot.store, "T0SANDBOX")
    while budget.take("reactions.add"):
        pass  # 👀 is spent for now: the sign of work is the status under the thread
    question = bot.ask(QUESTION)
    bot.work()
    statuses = [
        c.params["status"]
        for c in bot.sandbox.calls("assistant.threads.setStatus")
        if c.ok and c.params.get("thread_ts") == question["ts"] and c.params["status"]
    ]
    assert statuses[0] == "is looking this up in Glean…"
    if act_as:
        # The answer is private (only Alice sees it): everyone sees the status, so not her search.
        assert statuses == ["is looking this up in Glean…"]
    else:
        assert [s.split(":")[0] for s in statuses[1:]] == ["is searching", "is reading"]


def test_a_private_answer_and_its_shared_copy_carry_the_disclaimer(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEAN_API_TOKEN="dev-global-token", GLEAN_ACT_AS="asker")
    question = bot.ask(QUESTION)
    bot.work()
    [private] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    assert DEFAULT_DISCLAIMER in str(private["blocks"]) and not _follow_up_buttons(private)
    assert bot.sandbox.click("U_ALICE", "C_GENERAL", private["ts"], "gleanbot_share").ok
    bot.sandbox.wait_for(lambda: bot.replies(question["ts"]))
    [shared] = bot.replies(question["ts"])
    assert DEFAULT_DISCLAIMER in str(shared["blocks"])
