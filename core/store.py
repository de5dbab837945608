"""All of the bot's Redis state: key builders and operations, under `gleanbot:{team_id}:`, every key with a TTL.

Keys (pattern, type, TTL, purpose) are listed in KEYS below and in docs/architecture.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

import redis

from core.store_answers import AnswerStore
from core.store_base import PREFIX
from core.store_people import PeopleStore

__all__ = ["KEYS", "PREFIX", "Store", "open_redis"]

DEDUPE_TTL_S = 3_600
"""Slack redelivers within about 5 minutes; an hour covers every retry."""
MESSAGE_CLAIM_TTL_S = 86_400
"""One answer per Slack message, whichever event (app_mention or message) brings it."""
EMAIL_TTL_S = 86_400
NO_EMAIL_TTL_S = 600
MEMBER_TTL_S = 86_400
"""Whether a person belongs to the installing workspace: people rarely change organization."""
CONVERSATION_TTL_S = 3_600
SHARE_TTL_S = 7 * 86_400
NOTICE_TTL_S = 86_400
FEEDBACK_TTL_S = 90 * 86_400
CONFIRM_TTL_S = 15 * 60
"""A '/glean clear all' confirmation button works this long."""
"""Field prefix, in an answer's state hash, of each Slack message the answer posted (`part:{ts}`)."""

KEYS = (
    ("event:{event_id}", "string", "1 h", "an Events API delivery already taken (SET NX EX)"),
    ("msg:{channel_id}:{ts}", "string", "1 day", "a Slack message already being answered (SET NX EX)"),
    ("chat:{channel_id}:{thread_ts}", "string", "thread TTL", "Glean chatId of a thread (own identity)"),
    (
        "chat:{channel_id}:{thread_ts}:{user_id}",
        "string",
        "thread TTL",
        "Glean chatId per person (act-as, private answers)",
    ),
    ("thread:{channel_id}:{thread_ts}", "string", "thread TTL", "threads the bot answered (follow-ups)"),
    (
        "agent:{channel_id}:{thread_ts}",
        "hash",
        "thread TTL",
        "an agent container thread: context (the channel beside it, '' if none or refused), titled",
    ),
    ("email:{user_id}", "string", "1 day (10 min if none)", "users.info email cache ('' = no email)"),
    ("member:{user_id}", "string", "1 day", "users.info: '1' member of the installing org, '0' stranger"),
    ("conv:{channel_id}", "string", "1 h", "conversations.info cache: '1' if externally shared"),
    (
        "answer:{channel_id}:{ts}",
        "hash",
        "1 day",
        "one answer job: status, part:{ts} per posted message, opening (a message being created), "
        "asked_chat / new_chat of its Glean call",
    ),
    (
        "partof:{channel_id}:{ts}",
        "string",
        "1 day",
        "which question's answer a message of the bot is part of",
    ),
    ("share:{share_id}", "hash", "7 days", "a private answer awaiting 'Share to thread'"),
    ("notice:{key}", "string", "1 day", "a failure notice already posted (SET NX EX)"),
    ("feedback:{channel_id}:{ts}:{user_id}", "string", "90 days", "feedback given on an answer"),
    ("feedback_total:{value}", "string", "90 days", "how many answers are rated good / bad (counter)"),
    (
        "vote:{ref}",
        "string",
        "90 days",
        "what a feedback button names: the answer's Glean token, channel, asker",
    ),
    ("follow_ups:{ref}", "string", "thread TTL", "an answer's follow-up buttons: channel, thread, prompts"),
    (
        "own_access:{ref}",
        "string",
        "thread TTL",
        "a hybrid answer's question, for 'Find more with my access'",
    ),
    ("participants:{channel_id}:{thread_ts}", "set", "thread TTL", "who asked or shared files in a thread"),
    ("mythreads:{user_id}", "hash", "thread TTL", "threads a person asked in: '{channel_id}:{thread_ts}'"),
    ("files:{channel_id}:{thread_ts}", "set", "thread TTL", "Glean file ids a thread's questions use"),
    ("files:{channel_id}:{thread_ts}:{user_id}", "set", "thread TTL", "... per person (act-as)"),
    ("forwarded:{channel_id}:{ts}", "hash", "1 day", "per Slack file id: how forwarding it to Glean ended"),
    ("myfiles:{user_id}", "hash", "thread TTL", "Glean file id -> the file a person forwarded (JSON)"),
    ("confirm:{nonce}", "string", "15 min", "a '/glean clear all' awaiting its confirmation click"),
    (
        "budget:{method}[:{channel_id}]",
        "hash",
        "2 min",
        "Slack rate-limit tokens left (core/slack_budget.py)",
    ),
)


def open_redis(url: str) -> redis.Redis:
    """The bot's own client (text replies). RQ gets a separate one: it does not support decode_responses."""
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5)


@dataclass(frozen=True)
class Store(PeopleStore, AnswerStore):
    """Every Redis operation of the bot (the per-person and per-thread ones in `core.store_people`)."""

    def budget_key(self, team_id: str, method: str, channel_id: str | None) -> str:
        return self.key(team_id, "budget", method, *([channel_id] if channel_id else []))

    # -- dedupe --------------------------------------------------------------------------------------
    def claim_event(self, team_id: str, event_id: str) -> bool:
        """True the first time an Events API `event_id` is seen (redeliveries return False)."""
        return bool(self.redis.set(self.key(team_id, "event", event_id), "1", nx=True, ex=DEDUPE_TTL_S))

    def claim_message(self, team_id: str, channel_id: str, ts: str) -> bool:
        """True the first time a Slack message is taken for an answer."""
        key = self.key(team_id, "msg", channel_id, ts)
        return bool(self.redis.set(key, "1", nx=True, ex=MESSAGE_CLAIM_TTL_S))

    def release_message(self, team_id: str, channel_id: str, ts: str) -> None:
        """Undo `claim_message` when enqueueing failed, so Slack's retry can get through."""
        self.redis.delete(self.key(team_id, "msg", channel_id, ts))

    def claim_notice(self, team_id: str, name: str) -> bool:
        """True the first time a failure notice with this name is posted."""
        return bool(self.redis.set(self.key(team_id, "notice", name), "1", nx=True, ex=NOTICE_TTL_S))

    # -- threads and chats ---------------------------------------------------------------------------
    def chat_id(
        self, team_id: str, channel_id: str, thread_ts: str, user_id: str | None = None
    ) -> str | None:
        """The Glean chat a thread (or, with `user_id`, one person in a thread) continues."""
        value = self.redis.get(self._chat_key(team_id, channel_id, thread_ts, user_id))
        return cast("str | None", value)

    def set_chat_id(
        self, team_id: str, channel_id: str, thread_ts: str, chat_id: str, user_id: str | None = None
    ) -> None:
        key = self._chat_key(team_id, channel_id, thread_ts, user_id)
        self.redis.set(key, chat_id, ex=self.thread_ttl_s)

    def forget_chat(self, team_id: str, channel_id: str, thread_ts: str, user_id: str | None = None) -> None:
        self.redis.delete(self._chat_key(team_id, channel_id, thread_ts, user_id))

    def mark_thread_answered(self, team_id: str, channel_id: str, thread_ts: str) -> None:
        self.redis.set(self.key(team_id, "thread", channel_id, thread_ts), "1", ex=self.thread_ttl_s)

    def thread_answered(self, team_id: str, channel_id: str, thread_ts: str) -> bool:
        return bool(self.redis.exists(self.key(team_id, "thread", channel_id, thread_ts)))

    # -- agent container threads (bot/listeners/agent.py) -------------------------------------------
    def save_agent_thread(self, team_id: str, channel_id: str, thread_ts: str, context_channel: str) -> None:
        """A container thread Slack started (or whose channel beside it changed); '' when none is usable."""
        key = self.key(team_id, "agent", channel_id, thread_ts)
        with self.redis.pipeline() as pipe:
            pipe.hset(key, "context", context_channel)
            pipe.expire(key, self.thread_ttl_s)
            pipe.execute()

    def agent_thread(self, team_id: str, channel_id: str, thread_ts: str) -> dict[str, str] | None:
        """The container thread's record; None when the thread is not one (a plain DM thread)."""
        value = self.redis.hgetall(self.key(team_id, "agent", channel_id, thread_ts))
        return cast("dict[str, str]", value) or None

    def claim_agent_title(self, team_id: str, channel_id: str, thread_ts: str) -> bool:
        """True once per container thread: its first question names it."""
        return bool(self.redis.hsetnx(self.key(team_id, "agent", channel_id, thread_ts), "titled", "1"))

    # -- caches of Slack lookups ---------------------------------------------------------------------
    def cached_email(self, team_id: str, user_id: str) -> str | None:
        """The cached email; '' when the user has none; None when not cached."""
        return cast("str | None", self.redis.get(self.key(team_id, "email", user_id)))

    def cache_email(self, team_id: str, user_id: str, email: str) -> None:
        ttl = EMAIL_TTL_S if email else NO_EMAIL_TTL_S
        self.redis.set(self.key(team_id, "email", user_id), email, ex=ttl)

    def cached_member(self, team_id: str, user_id: str) -> str | None:
        """'member' or 'stranger' when known (from users.info); None when not cached."""
        value = self.redis.get(self.key(team_id, "member", user_id))
        return None if value is None else ("member" if value == "1" else "stranger")

    def cache_member(self, team_id: str, user_id: str, *, member: bool) -> None:
        self.redis.set(self.key(team_id, "member", user_id), "1" if member else "0", ex=MEMBER_TTL_S)

    def cached_external(self, team_id: str, channel_id: str) -> bool | None:
        value = self.redis.get(self.key(team_id, "conv", channel_id))
        return None if value is None else value == "1"

    def cache_external(self, team_id: str, channel_id: str, external: bool) -> None:
        self.redis.set(self.key(team_id, "conv", channel_id), "1" if external else "0", ex=CONVERSATION_TTL_S)

    # -- private answers awaiting "Share to thread" --------------------------------------------------
    def save_share(self, team_id: str, share_id: str, record: dict[str, Any]) -> None:
        key = self.key(team_id, "share", share_id)
        with self.redis.pipeline() as pipe:
            pipe.hset(key, "record", json.dumps(record))
            pipe.expire(key, SHARE_TTL_S)
            pipe.execute()

    def share(self, team_id: str, share_id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self.key(team_id, "share", share_id), "record")
        return None if raw is None else cast("dict[str, Any]", json.loads(cast(str, raw)))

    def claim_share(self, team_id: str, share_id: str) -> bool:
        """True for the first click that shares this answer (double clicks post once)."""
        key = self.key(team_id, "share", share_id)
        with self.redis.pipeline() as pipe:
            pipe.hsetnx(key, "shared", "1")
            pipe.expire(key, SHARE_TTL_S, nx=True)  # never leave a key without a TTL
            first, _ = pipe.execute()
        return bool(first)

    def release_share(self, team_id: str, share_id: str) -> None:
        self.redis.hdel(self.key(team_id, "share", share_id), "shared")

    # -- feedback ------------------------------------------------------------------------------------
    def record_feedback(
        self, team_id: str, channel_id: str, ts: str, user_id: str, value: str
    ) -> tuple[str | None, int]:
        """Record a vote; return the person's previous vote on this answer and the new total for `value`.

        Totals count votes, not clicks: a repeated click counts once, and a changed vote moves between totals.
        """
        key = self.key(team_id, "feedback", channel_id, ts, user_id)
        previous = cast("str | None", self.redis.set(key, value, ex=FEEDBACK_TTL_S, get=True))
        total_key = self.key(team_id, "feedback_total", value)
        with self.redis.pipeline() as pipe:
            if previous != value:
                pipe.incr(total_key)
                if previous is not None:
                    pipe.decr(self.key(team_id, "feedback_total", previous))
                    pipe.expire(self.key(team_id, "feedback_total", previous), FEEDBACK_TTL_S)
            pipe.expire(total_key, FEEDBACK_TTL_S)
            pipe.get(total_key)
            results = pipe.execute()
        return previous, int(results[-1] or 0)

    def save_vote_target(self, team_id: str, ref: str, record: dict[str, Any]) -> None:
        """An answer's vote record: its Glean trackingToken, channel, asker and whether only they can see it."""
        self.redis.set(self.key(team_id, "vote", ref), json.dumps(record), ex=FEEDBACK_TTL_S)

    def vote_target(self, team_id: str, ref: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.key(team_id, "vote", ref))
        return None if raw is None else cast("dict[str, Any]", json.loads(cast(str, raw)))

    def save_follow_ups(self, team_id: str, ref: str, record: dict[str, Any]) -> None:
        """What an answer's follow-up buttons ask (a click names `ref` and an index, never the prompt)."""
        self.redis.set(self.key(team_id, "follow_ups", ref), json.dumps(record), ex=self.thread_ttl_s)

    def follow_ups(self, team_id: str, ref: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.key(team_id, "follow_ups", ref))
        return None if raw is None else cast("dict[str, Any]", json.loads(cast(str, raw)))

    def save_own_access(self, team_id: str, ref: str, record: dict[str, Any]) -> None:
        """What "Find more with my access" asks again: channel, thread, question (the button names `ref`)."""
        self.redis.set(self.key(team_id, "own_access", ref), json.dumps(record), ex=self.thread_ttl_s)

    def own_access(self, team_id: str, ref: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.key(team_id, "own_access", ref))
        return None if raw is None else cast("dict[str, Any]", json.loads(cast(str, raw)))

    # -- '/glean clear all' confirmations ------------------------------------------------------------
    def save_confirmation(self, team_id: str, nonce: str, user_id: str) -> None:
        self.redis.set(self.key(team_id, "confirm", nonce), user_id, ex=CONFIRM_TTL_S)

    def take_confirmation(self, team_id: str, nonce: str, user_id: str) -> bool:
        """True once, for the person the confirmation was issued to; another person's click leaves it alone."""
        key = self.key(team_id, "confirm", nonce)
        if self.redis.get(key) != user_id:
            return False
        return bool(self.redis.delete(key))  # 0 when a concurrent click took it first
