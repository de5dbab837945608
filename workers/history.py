"""`/glean history`, `/glean clear`, `/glean clear all` and "Start over": a person's own conversations only.

Whose conversation is whose is decided in `core.ownership` (read its docstring): with the token's own identity a
person sees and deletes only the thread chats where they are the only participant.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.mrkdwn import clip, escape_mrkdwn, markdown_to_mrkdwn
from core.ownership import ThreadChat, thread_chats
from core.timezones import UserTime, format_time, user_time
from glean_chat import models
from glean_chat.errors import GleanError
from workers.command_context import CommandContext

__all__ = ["clear", "clear_all", "history", "history_one", "my_chats", "start_over"]

HISTORY_SHOWN = 20
TURNS_SHOWN = 12
QUESTION_MAX_CHARS = 400
ANSWER_MAX_CHARS = 900


# -- history ---------------------------------------------------------------------------------------
def my_chats(ctx: CommandContext, zone: UserTime) -> list[models.ChatMetadata]:
    """The person's saved chats, newest first: Glean's list as them (act-as), or filtered to the chats that
    are theirs alone (own identity: Glean's list holds everyone's)."""
    listed = ctx.glean.client.chat.list(x_scio_actas=ctx.act_as, timezone_offset=zone.glean_offset_min)
    chats = [r.chat for r in listed.chat_results or [] if r.chat is not None and r.chat.id]
    if not ctx.per_person:
        mine = {
            t.chat_id
            for t in thread_chats(ctx.store, ctx.job.team_id, ctx.job.user_id, per_person=False)
            if t.owned and t.chat_id
        }
        chats = [c for c in chats if c.id in mine]
    return sorted(chats, key=lambda c: -(c.update_time or c.create_time or 0))


def _shared_note(ctx: CommandContext, channel_id: str | None = None) -> str:
    if ctx.per_person:
        return ""
    shared = [
        t
        for t in thread_chats(
            ctx.store, ctx.job.team_id, ctx.job.user_id, per_person=False, channel_id=channel_id
        )
        if not t.owned and t.chat_id
    ]
    if not shared:
        return ""
    count = len(shared)
    return (
        f"\n_{count} conversation{'s' if count != 1 else ''} where others asked too "
        f"{'are' if count != 1 else 'is'} not yours alone, so {'they are' if count != 1 else 'it is'} "
        "not listed or cleared here._"
    )


def history(ctx: CommandContext) -> str:
    zone = user_time(ctx.client, ctx.job.user_id)
    chats = my_chats(ctx, zone)
    if not chats:
        ctx.reply("You have no saved conversations with me." + _shared_note(ctx))
        return "empty"
    lines = [f"*Your saved conversations* (newest first, times in {escape_mrkdwn(zone.label)}):"]
    for number, chat in enumerate(chats[:HISTORY_SHOWN], start=1):
        when = format_time(chat.update_time or chat.create_time, zone)
        lines.append(f"{number}. {escape_mrkdwn(chat.name or 'Untitled')} — {when}")
    if len(chats) > HISTORY_SHOWN:
        lines.append(f"_…and {len(chats) - HISTORY_SHOWN} older._")
    lines.append("See one with `/glean history N`.")
    ctx.reply("\n".join(lines) + _shared_note(ctx))
    return f"listed:{len(chats)}"


def _turn_text(message: models.ChatMessage) -> str:
    return "".join(f.text or "" for f in message.fragments or []).strip()


def history_one(ctx: CommandContext) -> str:
    number = ctx.job.number or 1
    zone = user_time(ctx.client, ctx.job.user_id)
    chats = my_chats(ctx, zone)
    if number > len(chats):
        have = f"you have {len(chats)}" if chats else "you have none"
        ctx.reply(f"There is no conversation number {number}: {have}. See the list with `/glean history`.")
        return "no_such_chat"
    chosen = chats[number - 1]
    got = ctx.glean.client.chat.get(
        id=chosen.id or "", x_scio_actas=ctx.act_as, timezone_offset=zone.glean_offset_min
    )
    chat = got.chat_result.chat if got.chat_result else None
    turns: list[str] = []
    for message in (chat.messages if chat else None) or []:
        text = _turn_text(message)
        if not text:
            continue
        if message.author == "USER":
            turns.append(f"*You:* {escape_mrkdwn(clip(text, QUESTION_MAX_CHARS))}")
        elif message.message_type in (None, "CONTENT"):
            # Glean writes Markdown; a cut may split a code block, so convert only after clipping.
            turns.append(f"*Glean:* {markdown_to_mrkdwn(clip(text, ANSWER_MAX_CHARS))}")
    started = format_time(chosen.create_time, zone)
    header = f"*{escape_mrkdwn(chosen.name or 'Untitled')}* (started {started}, {escape_mrkdwn(zone.label)})"
    if len(turns) > TURNS_SHOWN:
        turns = [f"_…{len(turns) - TURNS_SHOWN} earlier turns not shown._", *turns[-TURNS_SHOWN:]]
    ctx.reply("\n\n".join([header, *turns]) if turns else header + "\n_(no messages)_")
    return "shown"


# -- clearing --------------------------------------------------------------------------------------
def _delete_chats(ctx: CommandContext, chat_ids: Sequence[str]) -> None:
    """Delete chats in Glean; one already gone (404) counts as deleted."""
    if not chat_ids:
        return
    try:
        ctx.glean.client.chat.delete(ids=list(chat_ids), x_scio_actas=ctx.act_as)
        return
    except GleanError as exc:
        if exc.status_code != 404:
            raise
    if len(chat_ids) == 1:
        return
    for chat_id in chat_ids:  # one of them is gone: delete the others one by one
        try:
            ctx.glean.client.chat.delete(ids=[chat_id], x_scio_actas=ctx.act_as)
        except GleanError as exc:
            if exc.status_code != 404:
                raise


def _forget(ctx: CommandContext, threads: Sequence[ThreadChat]) -> None:
    for thread in threads:
        ctx.store.forget_thread(
            ctx.job.team_id, ctx.job.user_id, thread.channel_id, thread.thread_ts, per_person=thread.personal
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def clear(ctx: CommandContext) -> str:
    """Delete the person's chats of this channel's threads (theirs alone), and forget their mappings."""
    threads = thread_chats(
        ctx.store, ctx.job.team_id, ctx.job.user_id, per_person=ctx.per_person, channel_id=ctx.job.channel_id
    )
    owned = [t for t in threads if t.owned]
    chat_ids = sorted({t.chat_id for t in owned if t.chat_id})
    _delete_chats(ctx, chat_ids)
    _forget(ctx, owned)
    note = _shared_note(ctx, ctx.job.channel_id)
    if not chat_ids:
        ctx.reply("You have no saved conversations with me in this channel's threads." + note)
        return "nothing"
    ctx.reply(
        f"Deleted {_plural(len(chat_ids), 'conversation')} from this channel's threads. Your next message in "
        "those threads starts a fresh conversation." + note
    )
    return f"cleared:{len(chat_ids)}"


def clear_all(ctx: CommandContext) -> str:
    threads = thread_chats(ctx.store, ctx.job.team_id, ctx.job.user_id, per_person=ctx.per_person)
    owned = [t for t in threads if t.owned]
    if ctx.per_person:
        # All of the person's chats are theirs: Glean deletes them in one call, made outside Slack too.
        ctx.glean.client.chat.delete_all(x_scio_actas=ctx.act_as)
        _forget(ctx, owned)
        ctx.reply("Deleted all your saved Glean chats. Your next question in any thread starts fresh.")
        return "cleared_all"
    # One identity holds everyone's chats: deleting all of them would delete other people's conversations.
    chat_ids = sorted({t.chat_id for t in owned if t.chat_id})
    _delete_chats(ctx, chat_ids)
    _forget(ctx, owned)
    ctx.reply(
        f"Deleted {_plural(len(chat_ids), 'conversation')} that were yours alone, in every channel."
        + _shared_note(ctx)
    )
    return f"cleared:{len(chat_ids)}"


def start_over(ctx: CommandContext) -> str:
    """The "Start over" button: delete this thread's chat (the clicker's, checked again here) and its mapping."""
    thread_ts = ctx.job.thread_ts or ""
    store, team_id, user_id = ctx.store, ctx.job.team_id, ctx.job.user_id
    # Their personal chat (act-as, or private answers) is theirs alone; a shared one only without others.
    personal = ctx.per_person or store.chat_id(team_id, ctx.job.channel_id, thread_ts, user_id) is not None
    if not personal and store.participants(team_id, ctx.job.channel_id, thread_ts) - {user_id}:
        ctx.reply(
            "Other people have asked in this thread too, so this conversation isn't yours alone to delete."
        )
        return "refused"
    chat_id = store.chat_id(team_id, ctx.job.channel_id, thread_ts, user_id if personal else None)
    if chat_id:
        _delete_chats(ctx, [chat_id])
    store.forget_thread(team_id, user_id, ctx.job.channel_id, thread_ts, per_person=personal)
    if not chat_id:
        ctx.reply("There is no saved conversation for this thread any more: your next question starts fresh.")
        return "nothing"
    ctx.reply("Started over: I deleted this conversation, and your next question here starts a new one.")
    return "started_over"
