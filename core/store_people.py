"""Per-person and per-thread state: who asked in a thread, each person's threads and files, thread files.

Each person's lists are bounded (MY_THREADS_MAX, MY_FILES_MAX; entries older than the thread TTL dropped),
and a thread's keys live `thread_ttl_s` after its *last* question, not its first.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, cast

from core.store_base import StoreBase

__all__ = ["FORWARDED_TTL_S", "MY_FILES_MAX", "MY_THREADS_MAX", "PeopleStore"]

FORWARDED_TTL_S = 86_400
"""Long enough for every retry of a file-forwarding job; a later redelivery is stopped by the message claim."""
MY_THREADS_MAX = 200
"""Threads `/glean history` and `clear` know per person; the oldest are forgotten past this."""
MY_FILES_MAX = 200
"""Files `/glean files` lists per person; the oldest are forgotten past this (Glean keeps its copy)."""


@dataclass(frozen=True)
class PeopleStore(StoreBase):
    # -- who takes part in a thread, and each person's threads ------------------------------------------
    def _thread_field(self, channel_id: str, thread_ts: str) -> str:
        return f"{channel_id}:{thread_ts}"

    def note_participant(
        self,
        team_id: str,
        channel_id: str,
        thread_ts: str,
        user_id: str,
        *,
        chat_user: str | None = None,
        files_user: str | None = None,
    ) -> None:
        """`user_id` asked (or shared a file) in this thread, into its chat for `chat_user` (None: the
        thread's shared chat, which then holds their words: they become one of its participants).

        Every key of the thread (that chat, the files for `files_user`, participants) lives on from now:
        the TTL slides with the conversation, as `/glean` tells people.
        """
        participants = self.key(team_id, "participants", channel_id, thread_ts)
        mine = self.key(team_id, "mythreads", user_id)
        now = int(time.time())
        with self.redis.pipeline() as pipe:
            if chat_user is None:
                pipe.sadd(participants, user_id)
            for key in (
                participants,
                self._chat_key(team_id, channel_id, thread_ts, chat_user),
                self._files_key(team_id, channel_id, thread_ts, files_user),
                self.key(team_id, "thread", channel_id, thread_ts),
            ):
                pipe.expire(key, self.thread_ttl_s)
            pipe.hset(mine, self._thread_field(channel_id, thread_ts), str(now))
            pipe.expire(mine, self.thread_ttl_s)
            pipe.hgetall(mine)
            seen = cast("dict[str, str]", pipe.execute()[-1])
        self._prune(mine, {field: _int(at) for field, at in seen.items()}, MY_THREADS_MAX, now)

    def participants(self, team_id: str, channel_id: str, thread_ts: str) -> set[str]:
        value = self.redis.smembers(self.key(team_id, "participants", channel_id, thread_ts))
        return set(cast("set[str]", value))

    def my_threads(self, team_id: str, user_id: str) -> list[tuple[str, str]]:
        """(channel_id, thread_ts) of every thread the person asked in (within the thread TTL)."""
        fields = cast("dict[str, str]", self.redis.hgetall(self.key(team_id, "mythreads", user_id)))
        oldest = time.time() - self.thread_ttl_s  # older entries name chats that have expired
        threads = [tuple(f.split(":", 1)) for f, at in fields.items() if ":" in f and _int(at) >= oldest]
        return sorted((c, t) for c, t in threads)

    def forget_thread(
        self, team_id: str, user_id: str, channel_id: str, thread_ts: str, *, per_person: bool
    ) -> None:
        """Drop a thread's chat and file mappings (the person's own, or the shared ones): it starts fresh."""
        owner = user_id if per_person else None
        with self.redis.pipeline() as pipe:
            pipe.delete(self._chat_key(team_id, channel_id, thread_ts, owner))
            pipe.delete(self._files_key(team_id, channel_id, thread_ts, owner))
            pipe.hdel(self.key(team_id, "mythreads", user_id), self._thread_field(channel_id, thread_ts))
            if not per_person:
                pipe.delete(self.key(team_id, "participants", channel_id, thread_ts))
            pipe.execute()

    # -- Glean files used by a thread ----------------------------------------------------------------
    def thread_files(
        self, team_id: str, channel_id: str, thread_ts: str, user_id: str | None = None
    ) -> list[str]:
        """The Glean file ids every question in this thread (or this person's chat in it) sends."""
        value = self.redis.smembers(self._files_key(team_id, channel_id, thread_ts, user_id))
        return sorted(cast("set[str]", value))

    def add_thread_file(
        self, team_id: str, channel_id: str, thread_ts: str, file_id: str, user_id: str | None = None
    ) -> None:
        key = self._files_key(team_id, channel_id, thread_ts, user_id)
        with self.redis.pipeline() as pipe:
            pipe.sadd(key, file_id)
            pipe.expire(key, self.thread_ttl_s)
            pipe.execute()

    def remove_thread_file(
        self, team_id: str, channel_id: str, thread_ts: str, file_id: str, user_id: str | None = None
    ) -> None:
        self.redis.srem(self._files_key(team_id, channel_id, thread_ts, user_id), file_id)

    def forwarded(self, team_id: str, channel_id: str, ts: str) -> dict[str, str]:
        """Per Slack file id of one message: how forwarding it ended (JSON), so a retry never re-uploads."""
        value = self.redis.hgetall(self.key(team_id, "forwarded", channel_id, ts))
        return cast("dict[str, str]", value)

    def set_forwarded(self, team_id: str, channel_id: str, ts: str, slack_file_id: str, result: str) -> None:
        key = self.key(team_id, "forwarded", channel_id, ts)
        with self.redis.pipeline() as pipe:
            pipe.hset(key, slack_file_id, result)
            pipe.expire(key, FORWARDED_TTL_S)
            pipe.execute()

    # -- the files each person forwarded -------------------------------------------------------------
    def add_my_file(self, team_id: str, user_id: str, file_id: str, record: dict[str, Any]) -> None:
        key = self.key(team_id, "myfiles", user_id)
        with self.redis.pipeline() as pipe:
            pipe.hset(key, file_id, json.dumps(record))
            pipe.expire(key, self.thread_ttl_s)
            pipe.hgetall(key)
            seen = cast("dict[str, str]", pipe.execute()[-1])
        ages = {fid: _int(str(_record(raw).get("at", 0))) for fid, raw in seen.items()}
        self._prune(key, ages, MY_FILES_MAX, int(time.time()))

    def my_files(self, team_id: str, user_id: str) -> dict[str, dict[str, Any]]:
        raw = cast("dict[str, str]", self.redis.hgetall(self.key(team_id, "myfiles", user_id)))
        oldest = time.time() - self.thread_ttl_s
        records = {file_id: _record(value) for file_id, value in raw.items()}
        return {fid: rec for fid, rec in records.items() if _int(str(rec.get("at", 0))) >= oldest}

    def remove_my_files(self, team_id: str, user_id: str, file_ids: list[str]) -> None:
        if file_ids:
            self.redis.hdel(self.key(team_id, "myfiles", user_id), *file_ids)

    def _prune(self, key: str, ages: dict[str, int], most: int, now: int) -> None:
        """Drop a person's entries older than the thread TTL, then the oldest past `most`."""
        stale = {field for field, at in ages.items() if at < now - self.thread_ttl_s}
        kept = sorted((at, field) for field, at in ages.items() if field not in stale)
        stale.update(field for _, field in kept[: max(0, len(kept) - most)])
        if stale:
            self.redis.hdel(key, *stale)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _record(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return cast("dict[str, Any]", value) if isinstance(value, dict) else {}
