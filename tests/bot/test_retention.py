"""What the bot keeps and for how long: a thread's keys live on from its last question, each person's lists
are bounded, and failed jobs (which hold the question) are not kept for days."""

from __future__ import annotations

import json
import time

import redis

from core.contract import FAILURE_TTL_S
from core.store_people import MY_FILES_MAX, MY_THREADS_MAX
from tests.harness import Bot

TEAM = "T0SANDBOX"
DAY_S = 86_400


def _ttl(bot: Bot, *parts: str) -> int:
    return int(bot.store.redis.ttl(bot.store.key(TEAM, *parts)))


def test_a_busy_threads_conversation_lives_on_from_its_last_question(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    keys = [("chat", "C_GENERAL", question["ts"]), ("thread", "C_GENERAL", question["ts"])]
    # Twenty-nine days later, by the keys' clocks: one day left before the thread would be forgotten.
    for parts in keys:
        bot.store.redis.expire(bot.store.key(TEAM, *parts), DAY_S)
    bot.ask("And how many PTO days do we get?", thread_ts=question["ts"])
    bot.work()
    for parts in keys:
        assert _ttl(bot, *parts) > bot.settings.thread_ttl_s - 60, parts
    assert len(bot.replies(question["ts"])) == 2


def test_a_persons_thread_list_is_bounded_and_forgets_expired_threads(bot: Bot) -> None:
    store, now = bot.store, int(time.time())
    mine = store.key(TEAM, "mythreads", "U_ALICE")
    # An entry older than the thread TTL names a chat that has expired: it is not listed, and is dropped.
    store.redis.hset(mine, "C_OLD:1.0", str(now - bot.settings.thread_ttl_s - 10))
    for i in range(MY_THREADS_MAX + 5):
        store.note_participant(TEAM, "C_GENERAL", f"{1_000 + i}.000100", "U_ALICE")
    threads = store.my_threads(TEAM, "U_ALICE")
    assert len(threads) == MY_THREADS_MAX
    assert ("C_OLD", "1.0") not in threads
    assert int(store.redis.hlen(mine)) == MY_THREADS_MAX
    # The newest are kept: the five oldest of this run went.
    assert ("C_GENERAL", f"{1_000 + MY_THREADS_MAX + 4}.000100") in threads
    assert ("C_GENERAL", "1000.000100") not in threads


def test_a_persons_file_list_is_bounded_newest_kept(bot: Bot) -> None:
    store, now = bot.store, int(time.time())
    for i in range(MY_FILES_MAX + 3):
        record = {"name": f"f{i}.txt", "channel_id": "C_GENERAL", "thread_ts": "1.0", "at": now - 1_000 + i}
        store.add_my_file(TEAM, "U_ALICE", f"file-{i}", record)
    files = store.my_files(TEAM, "U_ALICE")
    assert len(files) == MY_FILES_MAX
    assert "file-0" not in files and f"file-{MY_FILES_MAX + 2}" in files
    stale = {"name": "old.txt", "at": now - bot.settings.thread_ttl_s - 10}
    store.redis.hset(store.key(TEAM, "myfiles", "U_ALICE"), "file-old", json.dumps(stale))
    assert "file-old" not in store.my_files(TEAM, "U_ALICE")


def test_a_failed_answer_job_is_kept_an_hour_not_a_week(bot: Bot) -> None:
    bot.glean_fault("chat", status=500, count=2)
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    [notice] = bot.replies(question["ts"])
    assert ":warning:" in notice["text"]
    rq = redis.Redis.from_url(bot.settings.redis_url)
    failed = [k for k in rq.scan_iter("rq:job:answer-*") if rq.type(k) == b"hash"]
    assert failed, "the failed job is still there for an operator to read"
    for key in failed:
        assert 0 < int(rq.ttl(key)) <= FAILURE_TTL_S <= 3_600
