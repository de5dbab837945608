"""One answer job's state in Redis (`answer:{channel_id}:{ts}`): how far an attempt got, for its retry."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import cast

from core.store_base import StoreBase

__all__ = ["ANSWER_STATE_TTL_S", "AnswerStore"]

ANSWER_STATE_TTL_S = 86_400
"""Longer than every retry of an answer job."""
_PART = "part:"


@dataclass(frozen=True)
class AnswerStore(StoreBase):
    # -- answer jobs ---------------------------------------------------------------------------------
    def answer_state(self, team_id: str, channel_id: str, ts: str) -> dict[str, str]:
        value = self.redis.hgetall(self.key(team_id, "answer", channel_id, ts))
        return cast("dict[str, str]", value)

    def set_answer_state(self, team_id: str, channel_id: str, ts: str, **fields: str) -> None:
        key = self.key(team_id, "answer", channel_id, ts)
        with self.redis.pipeline() as pipe:
            for name, value in fields.items():
                pipe.hset(key, name, value)
            pipe.expire(key, ANSWER_STATE_TTL_S)
            pipe.execute()

    def note_opening(self, team_id: str, channel_id: str, ts: str) -> None:
        """A call that creates a message of this answer is about to go out (cleared once its ts is recorded):
        a retry that still finds it looks in the thread for the message the dead attempt never recorded."""
        self.set_answer_state(team_id, channel_id, ts, status="streaming", opening=f"{time.time():.6f}")

    def add_answer_part(self, team_id: str, channel_id: str, ts: str, part_ts: str) -> None:
        """One more message of this answer is in Slack (recorded before the next is posted), so a retry
        after a crash can remove every part, not only the last."""
        key = self.key(team_id, "answer", channel_id, ts)
        with self.redis.pipeline() as pipe:  # one transaction: the part is known exactly when opening is not
            pipe.hset(key, mapping={"status": "streaming", "message_ts": part_ts, _PART + part_ts: "1"})
            pipe.hdel(key, "opening")
            pipe.expire(key, ANSWER_STATE_TTL_S)
            pipe.set(self.key(team_id, "partof", channel_id, part_ts), ts, ex=ANSWER_STATE_TTL_S)
            pipe.execute()

    def part_owner(self, team_id: str, channel_id: str, part_ts: str) -> str | None:
        """The question whose answer recorded this message as one of its parts."""
        return cast("str | None", self.redis.get(self.key(team_id, "partof", channel_id, part_ts)))

    def forget_opening(self, team_id: str, channel_id: str, ts: str) -> None:
        self.redis.hdel(self.key(team_id, "answer", channel_id, ts), "opening")

    @staticmethod
    def answer_parts(state: dict[str, str]) -> list[str]:
        """The ts of every message an attempt posted for the answer (oldest first), from `answer_state`."""
        parts = {name.removeprefix(_PART) for name in state if name.startswith(_PART)}
        if state.get("message_ts"):
            parts.add(state["message_ts"])  # states written before parts were recorded one by one
        return sorted(parts, key=float)

    def forget_answer_parts(self, team_id: str, channel_id: str, ts: str, parts: list[str]) -> None:
        if parts:
            self.redis.hdel(self.key(team_id, "answer", channel_id, ts), *[_PART + p for p in parts])
