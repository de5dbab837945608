"""Drill: workers SIGKILLed at random moments while answering, over many runs. Every question ends with exactly
one complete answer or exactly one notice, public or private, never two and never silence.

`GLEANBOT_DRILL_RUNS` sets the runs (default 0: the drill is opt-in, see below), `GLEANBOT_DRILL_SEED` the
random seed (printed, with every thread, the RQ registries and every worker log, on failure). It found a
worker killed while cleaning up after another holding RQ's maintenance lock for 15 minutes (now a short
hold, drilled in test_worker_killed.py), and a race of its own (a kill before the worker had forked). It runs
on request (`GLEANBOT_DRILL_RUNS=15 ./dev test tests/drills/test_random_kills.py`): a run whose kill lands
between RQ's dequeue and the job's start takes over a minute to recover; the targeted drills
(test_exactly_once.py, test_worker_killed.py) cover each kill point in every run.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local_glean import LocalGlean
from local_glean.pacing import Pace
from local_stack.processes import descendants
from tests.drills.helpers import (
    Workers,
    bot_messages,
    diagnose,
    is_complete_answer,
    is_notice,
    kill_hard,
    paced_glean,
)
from tests.harness import Bot

RUNS = int(os.environ.get("GLEANBOT_DRILL_RUNS", "0"))
SEED = int(os.environ.get("GLEANBOT_DRILL_SEED", str(int(time.time()))))
PACE = Pace(
    first_token_ms=300, tokens_per_s=40.0
)  # each answer streams for a few seconds: kills land mid-way
KILL_WITHIN_S = 6.0
SETTLE_S = 120.0  # a kill between RQ's dequeue and the job's start is recovered after about a minute
PUBLIC = ("What are the company holidays in 2025?", "How do I set up the VPN on a new laptop?")
PRIVATE = "What is the expense limit for client dinners?"


@pytest.fixture
def glean(tmp_path: Path) -> Iterator[LocalGlean]:
    with paced_glean(tmp_path, PACE) as server:
        yield server


def _private_replies(bot: Bot, ts: str) -> list[dict[str, Any]]:
    return [e for e in bot.sandbox.ephemerals("G_PRIVATE", "U_ALICE") if e.get("thread_ts") == ts]


def _is_private_answer(message: dict[str, Any]) -> bool:
    return "gleanbot_share" in json.dumps(message.get("blocks") or [])


def _outcome(bot: Bot, question: dict[str, Any], private: bool) -> str | None:
    """'answer' or 'notice' once the question has settled into exactly one of them; None while it has not."""
    state = bot.store.answer_state("T0SANDBOX", question["channel"], question["ts"]).get("status")
    if state not in ("done", "failed"):
        return None
    if private:
        replies = _private_replies(bot, question["ts"])
        kinds = ["answer" if _is_private_answer(m) else "notice" for m in replies]
    else:
        replies = bot_messages(bot.sandbox, question["ts"], channel=question["channel"])
        kinds = [
            "answer"
            if is_complete_answer(bot.sandbox, m, question["channel"])
            else "notice"
            if is_notice(m)
            else "?"
            for m in replies
        ]
    return kinds[0] if len(kinds) == 1 and kinds[0] != "?" else f"wrong:{kinds}"


def _one_run(bot: Bot, workers: Workers, kill_after_s: float) -> list[str]:
    """Ask three questions, kill the worker answering them after `kill_after_s`, let another take over."""
    asked = [(bot.ask(q, channel="C_GENERAL"), False) for q in PUBLIC]
    asked.append((bot.ask(PRIVATE, channel="G_PRIVATE"), True))
    first = workers.start(bot, GLEANBOT_WORKER_CONCURRENCY="3")
    # "starting" is logged before the supervisor forks its workers: the random moment counts from then on.
    bot.sandbox.wait_for(lambda: descendants(first.pid), timeout_s=10)
    time.sleep(kill_after_s)
    kill_hard(bot, first)
    survivor = workers.start(bot, GLEANBOT_WORKER_CONCURRENCY="3")

    def settled() -> list[str] | None:
        outcomes = [_outcome(bot, q, private) for q, private in asked]
        return None if None in outcomes else [o for o in outcomes if o is not None]

    try:
        return bot.sandbox.wait_for(settled, timeout_s=SETTLE_S, interval_s=0.2)
    except TimeoutError:
        pytest.fail(
            f"seed {SEED}, killed after {kill_after_s:.2f} s: not settled\n"
            + diagnose(bot, workers, **{f"q{i}": q for i, (q, _) in enumerate(asked)})
        )
    finally:
        survivor.stop()


@pytest.mark.skipif(RUNS == 0, reason="opt-in drill: set GLEANBOT_DRILL_RUNS (see the module docstring)")
@pytest.mark.timeout(RUNS * (KILL_WITHIN_S + SETTLE_S) + 60)
def test_workers_killed_at_random_moments_leave_one_answer_or_one_notice(
    make_bot: Callable[..., Bot], workers: Workers, tmp_path: Path
) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  G_PRIVATE:\n    visibility: private\n")
    bot = make_bot(GLEANBOT_CHANNELS=str(policy), GLEANBOT_JOB_RETRIES="1")
    chance = random.Random(SEED)
    seen: dict[str, int] = {}
    for _ in range(RUNS):
        kill_after_s = chance.uniform(0.0, KILL_WITHIN_S)
        outcomes = _one_run(bot, workers, kill_after_s)
        wrong = not all(o in ("answer", "notice") for o in outcomes)
        assert not wrong, f"seed {SEED}, killed after {kill_after_s:.2f} s: {outcomes}\n" + diagnose(
            bot, workers
        )
        for outcome in outcomes:
            seen[outcome] = seen.get(outcome, 0) + 1
    print(f"random kills: seed {SEED}, {RUNS} runs, {sum(seen.values())} questions: {seen}")
