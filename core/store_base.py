"""The shape every part of the bot's Redis state shares: the client, the thread TTL and the key builders."""

from __future__ import annotations

from dataclasses import dataclass

import redis

__all__ = ["PREFIX", "StoreBase"]

PREFIX = "gleanbot"


@dataclass(frozen=True)
class StoreBase:
    redis: redis.Redis
    thread_ttl_s: int

    @staticmethod
    def key(team_id: str, *parts: str) -> str:
        return ":".join((PREFIX, team_id or "-", *parts))

    def _chat_key(self, team_id: str, channel_id: str, thread_ts: str, user_id: str | None) -> str:
        parts = ["chat", channel_id, thread_ts] + ([user_id] if user_id else [])
        return self.key(team_id, *parts)

    def _files_key(self, team_id: str, channel_id: str, thread_ts: str, user_id: str | None) -> str:
        return self.key(team_id, "files", channel_id, thread_ts, *([user_id] if user_id else []))
