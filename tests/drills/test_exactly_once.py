"""Drills: a worker SIGKILLed at the worst moments of an answer, each one the moment Slack has applied a call
and the bot has not heard back (the sandbox holds the reply). Every question ends with exactly one complete
answer, whatever was already shown, and the saved Glean chat holds the question once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local_glean import LocalGlean
from local_glean.config import SAMPLE_DOCS_DIR, LocalGleanConfig
from local_stack.processes import GleanbotProcess
from slack_sandbox.holds import Hold
from tests.drills.helpers import QUESTION, Workers, bot_messages, is_complete_answer, is_notice, kill_hard
from tests.harness import Bot, saved_chats

TEAM = "T0SANDBOX"
RUNBOOK_QUESTION = "What does the migration runbook say about the cutover steps?"
STEPS = 700  # one sentence of ~28,000 characters: an answer that spans three Slack messages


@pytest.fixture
def glean(tmp_path: Path) -> Iterator[LocalGlean]:
    """local_glean over the sample handbook plus a runbook whose answer is longer than one Slack message."""
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE_DOCS_DIR, docs)
    steps = ", then ".join(f"cutover step {i} checks the migration host" for i in range(STEPS))
    (docs / "migration-runbook.md").write_text(
        f"# Migration runbook\n\nThe migration runbook says the cutover steps are: {steps}.\n"
    )
    server = LocalGlean(LocalGleanConfig(data_dir=tmp_path / "glean", docs_dir=docs, faults_enabled=True))
    server.start()
    yield server
    server.stop()


def _killed_while_held(bot: Bot, workers: Workers, method: str, skip: int = 0, **env: str) -> GleanbotProcess:
    """Start a worker, hold the reply of its `method` call (after `skip` of them), kill it there."""
    hold = bot.sandbox.holds.after(method, skip=skip)
    first = workers.start(bot, **env)
    _kill_at(bot, first, hold)
    return first


def _kill_at(bot: Bot, worker: GleanbotProcess, hold: Hold) -> None:
    """Once `hold` is reached, SIGKILL the worker (its parent process only, as an OOM kill would) and wait
    until nothing it forked runs on; then let the held reply go to the dead connection."""
    assert hold.wait_reached(30), f"{hold.method} was never called"
    kill_hard(bot, worker)
    hold.release()


def _done(bot: Bot, ts: str, channel: str = "C_GENERAL") -> bool:
    return bot.store.answer_state(TEAM, channel, ts).get("status") == "done"


def _body(bot: Bot, message: dict[str, Any]) -> str:
    """What a message shows: a stream's text, or a posted message's markdown blocks (its text is a preview)."""
    if bot.sandbox.stream_state("C_GENERAL", message["ts"]) is not None:
        return str(message["text"])
    return "".join(b.get("text", "") for b in message.get("blocks") or [] if b.get("type") == "markdown")


def _user_turns(bot: Bot) -> list[list[str]]:
    return [
        ["".join(f.text or "" for f in m.fragments or []) for m in c.messages or [] if m.author == "USER"]
        for c in saved_chats(bot)
    ]


def test_a_multi_part_answer_killed_after_its_second_part_is_shown_once_whole(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot()
    question = bot.ask(RUNBOOK_QUESTION)
    # Killed while Slack closes the answer's second message: two parts are in the thread, half an answer.
    _killed_while_held(bot, workers, "chat.stopStream", skip=1)
    assert len(bot_messages(bot.sandbox, question["ts"])) >= 2
    workers.start(bot)
    assert bot.sandbox.wait_for(lambda: _done(bot, question["ts"]), timeout_s=60)
    messages = bot_messages(bot.sandbox, question["ts"])
    assert len(messages) >= 3 and not any(is_notice(m) for m in messages)
    text = "".join(_body(bot, m) for m in messages)
    assert text.count("The migration runbook says") == 1  # no first parts of the dead attempt left over
    assert text.count("cutover step 600 checks") == 1  # its third part is there, once
    assert is_complete_answer(bot.sandbox, messages[-1])
    assert _user_turns(bot) == [[RUNBOOK_QUESTION]]  # asked again in a fresh chat, not twice in one


def test_a_private_answer_killed_after_it_was_sent_is_not_sent_again(
    make_bot: Callable[..., Bot], workers: Workers, tmp_path: Path
) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  C_GENERAL:\n    visibility: private\n")
    bot = make_bot(GLEANBOT_CHANNELS=str(policy))
    question = bot.ask(QUESTION)
    # Killed once Slack has shown the ephemeral answer, before the job could record it as done.
    _killed_while_held(bot, workers, "chat.postEphemeral")
    workers.start(bot)
    assert bot.sandbox.wait_for(lambda: _done(bot, question["ts"]), timeout_s=60)
    bot.sandbox.wait_for_deliveries()
    [answer] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")  # one answer, and no notice after it
    assert "holidays" in json.dumps(answer["blocks"]).lower()
    assert bot.replies(question["ts"]) == []
    assert _user_turns(bot) == [[QUESTION]]


def test_a_glean_ask_reply_killed_after_it_was_sent_is_not_sent_again(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot()
    hold = bot.sandbox.holds.after("response_url")
    delivery = bot.sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", f"ask {QUESTION}")
    assert delivery.ok
    _kill_at(bot, workers.start(bot), hold)
    second = workers.start(bot)
    second.wait_event("answer_skipped", timeout_s=60)
    replies = [e for e in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE") if "Sources" in json.dumps(e)]
    assert len(replies) == 1, replies
    assert not [e for e in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE") if is_notice(e)]
    assert _user_turns(bot) == [[QUESTION]]


def _answered_once(bot: Bot, question: dict[str, Any]) -> None:
    """The question ends with one message from the bot in its thread: the whole answer, no leftover."""
    assert bot.sandbox.wait_for(lambda: _done(bot, question["ts"]), timeout_s=60)
    messages = bot_messages(bot.sandbox, question["ts"])
    assert len(messages) == 1, [_body(bot, m)[:80] for m in messages]
    assert is_complete_answer(bot.sandbox, messages[0])
    assert "holidays" in _body(bot, messages[0]).lower()


def test_an_answer_killed_as_its_stream_opened_leaves_no_orphan(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot()
    question = bot.ask(QUESTION)
    # Slack has opened the stream (its first words are shown); the worker never learned the message's ts.
    _killed_while_held(bot, workers, "chat.startStream")
    assert len(bot_messages(bot.sandbox, question["ts"])) == 1
    workers.start(bot)
    _answered_once(bot, question)


def test_a_posted_answer_killed_before_its_ts_was_recorded_leaves_no_orphan(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot()
    question = bot.ask(QUESTION)
    # Posted, not streamed: the answer's first message is in the thread, its ts never recorded.
    _killed_while_held(bot, workers, "chat.postMessage", GLEANBOT_STREAMING="0")
    assert len(bot_messages(bot.sandbox, question["ts"])) == 1
    workers.start(bot, GLEANBOT_STREAMING="0")
    _answered_once(bot, question)
