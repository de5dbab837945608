"""Whose conversation is it? The rule behind `/glean clear`, `/glean history` and "Start over".

- Acting as each person (`GLEAN_ACT_AS=asker`): every person has their own chat per thread, made under
  their own Glean identity. It is theirs alone, and Glean itself enforces it.
- Private answers (a channel's `visibility: private`, `/glean ask`) with the token's own identity: each
  person also has their own chat per thread (a *personal* chat), so no one's private answer is written with
  another person's questions in context. It is theirs alone; the bot, not Glean, keeps it apart.
- Public answers with the token's own identity: a thread's one chat holds the questions of everyone who
  asked in it. The bot keeps, per thread, who took part (asked or shared a file). A person owns that shared
  chat only when they are its *only* participant: only then may they see it in their history, clear it or
  start it over. A chat shared with others is left alone: clearing it would delete other people's
  conversation, and showing it would show their questions.
A thread can hold both kinds for one person (its channel's visibility changed): each is listed on its own.
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
    personal: bool = False
    """The chat is the person's own (act-as or private answers): its mapping is keyed by them."""

    @property
    def owned(self) -> bool:
        return not self.others


def thread_chats(
    store: Store, team_id: str, user_id: str, *, per_person: bool, channel_id: str | None = None
) -> list[ThreadChat]:
    """The threads `user_id` asked in (in one channel, or everywhere), with their chats and co-owners.

    `per_person` (act-as): only personal chats exist. Otherwise a thread yields its personal chat when the
    person has one, and its shared chat when the person took part in it, or an empty entry when neither
    is saved any more (so its mappings can still be forgotten).
    """
    found: list[ThreadChat] = []
    for channel, thread_ts in store.my_threads(team_id, user_id):
        if channel_id is not None and channel != channel_id:
            continue
        own = store.chat_id(team_id, channel, thread_ts, user_id)
        if per_person:
            found.append(ThreadChat(channel, thread_ts, own, frozenset(), personal=True))
            continue
        if own:
            found.append(ThreadChat(channel, thread_ts, own, frozenset(), personal=True))
        participants = store.participants(team_id, channel, thread_ts)
        if user_id in participants or not own:
            shared = store.chat_id(team_id, channel, thread_ts)
            found.append(ThreadChat(channel, thread_ts, shared, frozenset(participants - {user_id})))
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
    if per_person or store.chat_id(team_id, channel_id, start.thread_ts, clicker):
        return None  # their personal chat: theirs alone to delete
    others = store.participants(team_id, channel_id, start.thread_ts) - {clicker}
    if others:
        return (
            "Other people have asked in this thread too, so this conversation isn't yours alone to delete. "
            f"It ends on its own {ttl_days} days after the last question; start a new thread for a fresh one."
        )
    return None
