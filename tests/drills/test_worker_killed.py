"""Drill: a worker is SIGKILLed while it streams an answer into Slack.

Real forking `gleanbot worker` processes, local_glean paced so the answer streams for a few seconds. The
asker must end with exactly one answer (the half-streamed one removed, then answered again by another
worker), or, with no retry left, a notice to ask again; never two answers, never silence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local_glean import LocalGlean
from local_glean.pacing import Pace
from local_stack.processes import GleanbotProcess
from tests.drills.helpers import (
    QUESTION,
    Workers,
    bot_messages,
    is_complete_answer,
    is_notice,
    kill_hard,
    paced_glean,
    reactions,
)
from tests.harness import Bot, saved_chats

PACE = Pace(first_token_ms=200, tokens_per_s=40.0)  # this answer streams for about 5 s


@pytest.fixture
def glean(tmp_path: Path) -> Iterator[LocalGlean]:
    with paced_glean(tmp_path, PACE) as server:
        yield server


def _kill_mid_stream(bot: Bot, worker: GleanbotProcess, ts: str) -> dict[str, Any]:
    """Wait until the answer is partly visible, SIGKILL the worker (its parent process only, as an OOM kill
    or `kill -9 <pid>` would), and return the half-streamed message."""
    partial: dict[str, Any] = bot.sandbox.wait_for(
        lambda: next(
            (
                m
                for m in bot_messages(bot.sandbox, ts)
                if bot.sandbox.stream_state("C_GENERAL", m["ts"]) == "streaming" and len(m["text"]) > 20
            ),
            None,
        ),
        timeout_s=20,
    )
    # Kill once the bot has recorded which message it is streaming into (a kill before that is
    # test_exactly_once.py's: the retry finds the unrecorded message in the thread).
    bot.sandbox.wait_for(
        lambda: bot.store.answer_state("T0SANDBOX", "C_GENERAL", ts).get("message_ts") == partial["ts"],
        timeout_s=5,
    )
    kill_hard(bot, worker)
    return partial


def test_killed_worker_answer_is_removed_and_answered_again_once(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot(GLEANBOT_JOB_RETRIES="1")
    question = bot.ask(QUESTION)
    first = workers.start(bot)
    partial = _kill_mid_stream(bot, first, question["ts"])
    assert bot.sandbox.stream_state("C_GENERAL", partial["ts"]) == "streaming"

    workers.start(bot)  # another worker finds the abandoned answer and runs it again
    [reply] = bot.sandbox.wait_for(
        lambda: (
            (r := bot_messages(bot.sandbox, question["ts"]))
            and all(is_complete_answer(bot.sandbox, m) for m in r)
            and r
        ),
        timeout_s=30,
    )
    assert reply["ts"] != partial["ts"]
    assert bot.sandbox.message("C_GENERAL", partial["ts"]) is None  # the half answer is gone
    assert not is_notice(reply)
    assert reply["text"].startswith(partial["text"][:20])  # the same answer, whole this time
    assert bot.sandbox.wait_for(lambda: "eyes" not in reactions(bot.sandbox, question["ts"]), timeout_s=5)
    assert bot.store.answer_state("T0SANDBOX", "C_GENERAL", question["ts"])["status"] == "done"


def test_killed_worker_with_no_retry_left_tells_the_asker_once(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot(GLEANBOT_JOB_RETRIES="0")
    question = bot.ask(QUESTION)
    first = workers.start(bot)
    partial = _kill_mid_stream(bot, first, question["ts"])

    workers.start(bot)
    [notice] = bot.sandbox.wait_for(
        lambda: [m for m in bot_messages(bot.sandbox, question["ts"]) if is_notice(m)], timeout_s=30
    )
    assert "stopped unexpectedly" in notice["text"] and "ask again" in notice["text"]
    # The half answer does not stay behind as if it were still being written.
    assert bot.sandbox.wait_for(lambda: bot.sandbox.message("C_GENERAL", partial["ts"]) is None, timeout_s=5)
    assert bot_messages(bot.sandbox, question["ts"]) == [notice]
    assert bot.sandbox.wait_for(lambda: "eyes" not in reactions(bot.sandbox, question["ts"]), timeout_s=5)
    assert not workers.events("answered")
    assert bot.store.answer_state("T0SANDBOX", "C_GENERAL", question["ts"])["status"] == "failed"


def test_a_worker_killed_while_it_cleans_up_after_another_stops_no_one_for_long(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot(GLEANBOT_JOB_RETRIES="0")
    question = bot.ask(QUESTION)
    partial = _kill_mid_stream(bot, workers.start(bot), question["ts"])
    # The next worker finds the abandoned answer while cleaning the registries (one worker at a time, under
    # the queue's maintenance lock) and removes the half answer: it dies right there, holding the lock.
    hold = bot.sandbox.holds.after("chat.delete")
    cleaner = workers.start(bot)
    assert hold.wait_reached(30), "the abandoned answer was never cleaned up"
    kill_hard(bot, cleaner)
    hold.release()
    # A third worker takes over within the lock's short hold (30 s here; RQ's own lock kept it 15 minutes).
    workers.start(bot)
    [notice] = bot.sandbox.wait_for(
        lambda: [m for m in bot_messages(bot.sandbox, question["ts"]) if is_notice(m)], timeout_s=60
    )
    assert "stopped unexpectedly" in notice["text"]
    assert bot.sandbox.wait_for(lambda: bot.sandbox.message("C_GENERAL", partial["ts"]) is None, timeout_s=5)
    assert bot_messages(bot.sandbox, question["ts"]) == [notice]  # told once, by the worker that finished


def test_a_follow_up_killed_mid_stream_is_in_its_chat_once(
    make_bot: Callable[..., Bot], workers: Workers
) -> None:
    bot = make_bot(GLEANBOT_JOB_RETRIES="1")
    question = bot.ask(QUESTION)
    first = workers.start(bot)
    done = lambda ts: bot.store.answer_state("T0SANDBOX", "C_GENERAL", ts).get("status") == "done"  # noqa: E731
    assert bot.sandbox.wait_for(lambda: done(question["ts"]), timeout_s=30)
    [answer] = bot_messages(bot.sandbox, question["ts"])
    follow_up = bot.ask("And floating holidays?", thread_ts=question["ts"])
    # Killed while the follow-up's answer streams: Glean has its question in the thread's chat already.
    state = lambda: bot.store.answer_state("T0SANDBOX", "C_GENERAL", follow_up["ts"])  # noqa: E731
    partial_ts = bot.sandbox.wait_for(lambda: state().get("message_ts"), timeout_s=20)
    bot.sandbox.wait_for(
        lambda: len((bot.sandbox.message("C_GENERAL", partial_ts) or {}).get("text", "")) > 20
    )
    kill_hard(bot, first)

    workers.start(bot)
    assert bot.sandbox.wait_for(lambda: done(follow_up["ts"]), timeout_s=60)
    replies = bot_messages(bot.sandbox, question["ts"])
    assert [m["ts"] for m in replies][:1] == [answer["ts"]] and len(replies) == 2, replies
    assert is_complete_answer(bot.sandbox, replies[1]) and replies[1]["ts"] != partial_ts
    # Glean's chat holds the follow-up once: its saved answer was shown instead of asking again.
    [chat] = saved_chats(bot)
    turns = [
        "".join(f.text or "" for f in m.fragments or []) for m in chat.messages or [] if m.author == "USER"
    ]
    assert turns == [QUESTION, "And floating holidays?"]
