"""Whose conversation is it? The rule behind `/glean clear`, `/glean history` and "Start over".

- Acting as each person (`GLEAN_ACT_AS=asker`): every person has their own chat per thread, made under
  their own Glean identity. It is theirs alone, and Glean itself enforces it.
- With the token's own identity, all chats belong to that one Glean identity, and a thread's chat holds the
  questions of everyone who asked in it. The bot keeps, per thread, who took part (asked or shared a file).
  A person owns a thread's chat only when they are its *only* participant: only then may they see it in
  their history, clear it or start it over. A chat shared with others is left alone: clearing it would
  delete other people's conversation, and showing it would show their questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.blocks import StartOver
from core.store import Store

__all__ = ["ThreadChat", "start_over_refusal", "thread_chats"]


@dataclass(frozen=True)
class ThreadChat:
    """One thread a person asked in, and its Glean chat as the person's mapping sees it."""

    channel_id: str
    thread_ts: str
    chat_id: str | None
    """None when no chat is saved (any more) for the thread; its file mapping may still exist."""
    others: frozenset[str]
    """Other participants of a shared (own-identity) chat; empty when the chat is the person's alone."""

    @property
    def owned(self) -> bool:
        return not self.others


def thread_chats(
    store: Store, team_id: str, user_id: str, *, per_person: bool, channel_id: str | None = None
) -> list[ThreadChat]:
    """The threads `user_id` asked in (in one channel, or everywhere), with their chats and co-owners."""
    found: list[ThreadChat] = []
    for channel, thread_ts in store.my_threads(team_id, user_id):
        if channel_id is not None and channel != channel_id:
            continue
        chat_id = store.chat_id(team_id, channel, thread_ts, user_id if per_person else None)
        others = (
            frozenset()
            if per_person
            else frozenset(store.participants(team_id, channel, thread_ts) - {user_id})
        )
        found.append(ThreadChat(channel, thread_ts, chat_id, others))
    return found


def start_over_refusal(
    store: Store,
    team_id: str,
    channel_id: str,
    clicker: str,
    start: StartOver,
    *,
    per_person: bool,
    ttl_days: int,
) -> str | None:
    """Why `clicker` may not start this conversation over, or None when they may."""
    if clicker != start.user_id:
        return f"This conversation belongs to <@{start.user_id}>: only they can start it over."
    if per_person:
        return None
    others = store.participants(team_id, channel_id, start.thread_ts) - {clicker}
    if others:
        return (
            "Other people have asked in this thread too, so this conversation isn't yours alone to delete. "
            f"It ends on its own {ttl_days} days after the last question; start a new thread for a fresh one."
        )
    return None
