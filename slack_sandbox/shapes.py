"""Builders of Slack-shaped dicts: users, conversations, messages, rich_text, event envelopes and payloads."""

from __future__ import annotations

import re
import secrets
import time
import uuid
from typing import Any

from .config import SandboxConfig

JsonDict = dict[str, Any]

# `<@U123>`, `<@U123|name>`, `<#C123|name>`, `<https://x|label>`, `<!here>`: Slack's encoded entities in text.
_ENTITY = re.compile(r"<([@#!]?)([^>|]+)(?:\|([^>]*))?>")


def user_object(
    config: SandboxConfig,
    *,
    user_id: str,
    name: str,
    real_name: str,
    email: str | None,
    tz: str,
    tz_label: str,
    tz_offset: int,
    is_bot: bool,
    team_id: str | None,
) -> JsonDict:
    """A `users.info` user. The email is stored here; `users.info` drops it without `users:read.email`."""
    profile: JsonDict = {
        "real_name": real_name,
        "display_name": name,
        "real_name_normalized": real_name,
        "display_name_normalized": name,
        "image_48": f"https://avatars.invalid/{user_id}_48.png",
        "team": team_id or config.team_id,
    }
    if email:
        profile["email"] = email
    if is_bot:
        profile["bot_id"] = config.bot_id
        profile["api_app_id"] = config.api_app_id
        profile["always_active"] = True
    return {
        "id": user_id,
        "team_id": team_id or config.team_id,
        "name": name,
        "deleted": False,
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz_label,
        "tz_offset": tz_offset,
        "profile": profile,
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": 1_700_000_000,
        "is_email_confirmed": bool(email),
    }


def conversation_object(
    *,
    channel_id: str,
    name: str | None,
    is_private: bool,
    is_im: bool,
    is_mpim: bool,
    is_ext_shared: bool,
    im_user: str | None,
    creator: str,
) -> JsonDict:
    """A `conversations.info` channel; the flags follow Slack's (an IM is neither a channel nor a group)."""
    channel: JsonDict = {
        "id": channel_id,
        "created": 1_700_000_000,
        "is_channel": not (is_im or is_mpim) and not is_private,
        "is_group": is_private and not (is_im or is_mpim),
        "is_im": is_im,
        "is_mpim": is_mpim,
        "is_private": is_private or is_im or is_mpim,
        "is_archived": False,
        "is_general": name == "general",
        "is_shared": is_ext_shared,
        "is_ext_shared": is_ext_shared,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "context_team_id": None,
    }
    if is_im:
        channel.update({"user": im_user, "is_user_deleted": False, "priority": 0})
    else:
        channel.update(
            {
                "name": name,
                "name_normalized": name,
                "creator": creator,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            }
        )
    return channel


def rich_text_blocks(text: str) -> list[JsonDict]:
    """The `rich_text` block a Slack client attaches to what a user typed (mentions and links parsed)."""
    elements: list[JsonDict] = []
    pos = 0
    for match in _ENTITY.finditer(text):
        if match.start() > pos:
            elements.append({"type": "text", "text": text[pos : match.start()]})
        sigil, target, label = match.group(1), match.group(2), match.group(3)
        if sigil == "@":
            elements.append({"type": "user", "user_id": target})
        elif sigil == "#":
            elements.append({"type": "channel", "channel_id": target})
        elif sigil == "!":
            elements.append({"type": "broadcast", "range": target})
        else:
            link: JsonDict = {"type": "link", "url": target}
            if label:
                link["text"] = label
            elements.append(link)
        pos = match.end()
    if pos < len(text):
        elements.append({"type": "text", "text": text[pos:]})
    block_id = secrets.token_hex(3)
    return [
        {
            "type": "rich_text",
            "block_id": block_id,
            "elements": [{"type": "rich_text_section", "elements": elements}],
        }
    ]


def bot_profile(config: SandboxConfig) -> JsonDict:
    return {
        "id": config.bot_id,
        "app_id": config.api_app_id,
        "name": config.bot_name,
        "deleted": False,
        "team_id": config.team_id,
        "icons": {"image_48": "https://avatars.invalid/bot_48.png"},
        "updated": 1_700_000_000,
    }


def bot_message(config: SandboxConfig, ts: str) -> JsonDict:
    """The fields Slack puts on a message posted with the bot token (no subtype: it is the app's bot user)."""
    return {
        "type": "message",
        "user": config.bot_user_id,
        "bot_id": config.bot_id,
        "app_id": config.api_app_id,
        "text": "",
        "ts": ts,
        "team": config.team_id,
        "bot_profile": bot_profile(config),
    }


def user_message(config: SandboxConfig, *, user: str, text: str, ts: str, team: str | None) -> JsonDict:
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "team": team or config.team_id,
        "client_msg_id": str(uuid.uuid4()),
        "blocks": rich_text_blocks(text) if text else [],
    }


def envelope(
    config: SandboxConfig, event: JsonDict, event_id: str, *, is_ext_shared: bool = False
) -> JsonDict:
    """The Events API `event_callback` wrapper, as Slack POSTs it to the request URL."""
    return {
        "token": config.verification_token,
        "team_id": config.team_id,
        "context_team_id": config.team_id,
        "context_enterprise_id": None,
        "api_app_id": config.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": config.team_id,
                "user_id": config.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": is_ext_shared,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }


def message_event(message: JsonDict, *, channel: str, channel_type: str) -> JsonDict:
    """A `message` event from a stored message: Slack adds channel, channel_type and event_ts."""
    event = {k: v for k, v in message.items() if k not in ("reply_count", "reply_users", "reply_users_count")}
    event.pop("latest_reply", None)
    event.pop("reactions", None)
    event.update(
        {"type": "message", "channel": channel, "channel_type": channel_type, "event_ts": message["ts"]}
    )
    return event


def app_mention_event(message: JsonDict, *, channel: str) -> JsonDict:
    """An `app_mention` event: no channel_type, and (as in Slack) no `files` even for a file share."""
    keep = ("user", "text", "ts", "team", "client_msg_id", "blocks", "thread_ts", "parent_user_id")
    event: JsonDict = {"type": "app_mention"}
    event.update({k: message[k] for k in keep if k in message})
    event.update({"channel": channel, "event_ts": message["ts"]})
    return event


def trigger_id() -> str:
    return f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
