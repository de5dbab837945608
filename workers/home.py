"""The Home tab: what the bot does and where, the person's recent conversations and files, published with views.publish.

Built in the worker because it needs Glean (the person's chats, as `/glean history` lists them); published
again after every change made from it (a file forgotten, a conversation or all of them cleared).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from core.failures import command_problem
from core.home_view import (
    HOME_CLEAR_ACTION_ID,
    HOME_CLEAR_ALL_ACTION_ID,
    HOME_FORGET_ACTION_ID,
    about_blocks,
)
from core.logs import log_event
from core.mrkdwn import escape_mrkdwn
from core.ownership import thread_chats
from core.timezones import format_time, user_time
from glean_chat.errors import GleanError
from workers.command_context import CommandContext
from workers.history import my_chats

__all__ = ["home", "publish_home"]

log = logging.getLogger("gleanbot.commands")

CHATS_SHOWN = 10
FILES_SHOWN = 15
NAME_MAX_CHARS = 80


def home(ctx: CommandContext) -> str:
    """`app_home_opened` (tab home): publish the person's Home view."""
    return "published" if publish_home(ctx) else "not_published"


def _section(text: str, button: dict[str, Any] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if button is not None:
        block["accessory"] = button
    return block


def _button(text: str, action_id: str, value: str, *, danger: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        "value": value,
    }
    if danger:
        button["style"] = "danger"
    return button


def _permalink(ctx: CommandContext, channel_id: str, thread_ts: str) -> str | None:
    """A link that opens the thread in Slack; None for a `/glean ask` conversation (it has no thread)."""
    if thread_ts.startswith("ask-"):
        return None
    try:
        link = ctx.client.chat_getPermalink(channel=channel_id, message_ts=thread_ts).get("permalink")
    except SlackApiError as exc:
        log_event(log, "permalink_failed", logging.WARNING, error=exc.response.get("error"))
        return None
    return str(link) if link else None


def _clip(text: str) -> str:
    return text if len(text) <= NAME_MAX_CHARS else text[: NAME_MAX_CHARS - 1].rstrip() + "…"


def _conversation_blocks(ctx: CommandContext) -> list[dict[str, Any]]:
    zone = user_time(ctx.client, ctx.job.user_id)
    threads = {
        t.chat_id: t
        for t in thread_chats(ctx.store, ctx.job.team_id, ctx.job.user_id, per_person=ctx.per_person)
        if t.owned and t.chat_id
    }
    chats = my_chats(ctx, zone)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your recent conversations"}}
    ]
    if not chats:
        return [*blocks, _section("_No saved conversations with me yet._")]
    for chat in chats[:CHATS_SHOWN]:
        name = escape_mrkdwn(_clip(chat.name or "Untitled"))
        when = format_time(chat.update_time or chat.create_time, zone)
        thread = threads.get(str(chat.id))
        if thread is None:  # a chat made in Glean itself (act-as): listed, cleared with "Clear all"
            blocks.append(_section(f"*{name}* · {when} · _in Glean_"))
            continue
        link = _permalink(ctx, thread.channel_id, thread.thread_ts)
        where = f"<{link}|open the thread>" if link else "a private `/glean ask`"
        clear = _button("Clear", HOME_CLEAR_ACTION_ID, f"{thread.channel_id}:{thread.thread_ts}")
        blocks.append(_section(f"*{name}* · {when} · {where}", clear))
    if len(chats) > CHATS_SHOWN:
        blocks.append(_section(f"_…and {len(chats) - CHATS_SHOWN} older: `/glean history` lists them all._"))
    return blocks


def _conversations_or_why(ctx: CommandContext) -> list[dict[str, Any]]:
    """The conversations, or why Glean could not list them: the rest of the Home tab still shows."""
    try:
        return _conversation_blocks(ctx)
    except GleanError as exc:
        log_event(log, "home_conversations_failed", logging.WARNING, status=exc.status_code)
        return [
            {"type": "header", "text": {"type": "plain_text", "text": "Your recent conversations"}},
            _section(f":warning: {command_problem(exc)}"),
        ]


def _file_blocks(ctx: CommandContext) -> list[dict[str, Any]]:
    zone = user_time(ctx.client, ctx.job.user_id)
    files = sorted(
        ctx.store.my_files(ctx.job.team_id, ctx.job.user_id).items(),
        key=lambda item: -int(item[1].get("at") or 0),
    )
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": "Your files"}}]
    if not files:
        return [*blocks, _section("_You haven't shared any files with me._")]
    for file_id, record in files[:FILES_SHOWN]:
        name = escape_mrkdwn(_clip(str(record.get("name") or file_id)))
        channel = str(record.get("channel_id") or "")
        where = f" in <#{channel}>" if channel and not channel.startswith("D") else ""
        when = format_time(record.get("at"), zone)
        forget = _button("Forget", HOME_FORGET_ACTION_ID, file_id)
        blocks.append(_section(f"*{name}* · shared{where} {when}", forget))
    return blocks


def publish_home(ctx: CommandContext) -> bool:
    """Build and publish the person's Home view; False (logged) when Slack refused it."""
    blocks = [
        *about_blocks(),
        {"type": "divider"},
        *_conversations_or_why(ctx),
        {"type": "divider"},
        *_file_blocks(ctx),
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "home_clear_all",
            "elements": [
                _button("Delete all my conversations", HOME_CLEAR_ALL_ACTION_ID, "clear_all", danger=True)
            ],
        },
    ]
    try:
        ctx.client.views_publish(user_id=ctx.job.user_id, view={"type": "home", "blocks": blocks})
    except SlackApiError as exc:
        log_event(log, "home_not_published", logging.WARNING, error=exc.response.get("error"))
        return False
    return True
