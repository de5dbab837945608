"""What the browser UI shows one user: their conversations, messages, threads, ephemerals and statuses.

A snapshot is plain JSON encoded under the workspace lock (so a stream being appended to is never read half
way), and its `version` is a digest of that encoding: the long poll compares digests instead of asking every
mutation in the sandbox to bump a counter.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .config import SandboxConfig
from .delivery import Deliverer
from .files import FileStore
from .people import People
from .ratelimit import RateLimiter
from .state import Message, Workspace
from .ui_agent import agent_threads
from .ui_surfaces import shortcut_menu

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class UiParts:
    """The parts of a sandbox the browser UI reads and acts through (never the whole Sandbox)."""

    config: SandboxConfig
    ws: Workspace
    files: FileStore
    people: People
    limiter: RateLimiter
    deliverer: Deliverer


SLASH_COMMANDS: dict[str, dict[str, str]] = {
    "/glean": {
        "description": "Ask Glean privately, or see and clear what it kept about you",
        "usage_hint": "ask <question> · history · clear · files · app · help",
    }
}
"""Commands the app registered (as in its manifest); anything else typed with "/" is refused like Slack."""
MAX_MESSAGES_PER_CONVERSATION = 500
"""The browser keeps the newest ones; a demo session never gets near it."""
_FILE_KEYS = ("id", "name", "title", "mimetype", "filetype", "pretty_type", "size")


def is_home_human(user: JsonDict, team_id: str) -> bool:
    """A person of the sandbox's own team: the people the UI lets you act as."""
    return not user.get("is_bot") and user.get("team_id") == team_id and not user.get("deleted")


def can_see(sandbox: UiParts, channel_id: str, user_id: str) -> bool:
    """Members see a conversation; everyone in the team also sees (and may join) public channels."""
    channel = sandbox.ws.channels.get(channel_id)
    if channel is None:
        return False
    if sandbox.ws.is_member(channel_id, user_id):
        return True
    return not (channel.get("is_private") or channel.get("is_im") or channel.get("is_mpim"))


def message_view(message: Message) -> JsonDict:
    """The fields the UI renders, from Slack's message dict plus the server-only stream state."""
    data = message.data
    view: JsonDict = {
        "ts": message.ts,
        "thread_ts": message.thread_ts,
        "user": data.get("user") or "",
        "bot_id": data.get("bot_id"),
        "subtype": data.get("subtype"),
        "text": data.get("text") or "",
        "blocks": data.get("blocks") or [],
        "attachments": data.get("attachments") or [],
        "files": [{k: f.get(k) for k in _FILE_KEYS} for f in data.get("files") or []],
        "reactions": data.get("reactions") or [],
        "reply_count": data.get("reply_count") or 0,
        "reply_users": data.get("reply_users") or [],
        "edited": "edited" in data
        and not data.get("bot_id"),  # Slack marks people's edits, not apps' updates
        "stream": message.stream_state,
        "chunks": message.chunks,
        "ephemeral": message.ephemeral_user is not None,
    }
    return view


def _channel_view(sandbox: UiParts, channel: JsonDict, user_id: str) -> JsonDict:
    channel_id = str(channel["id"])
    view: JsonDict = {
        "id": channel_id,
        "name": channel.get("name"),
        "is_private": bool(channel.get("is_private")) and not channel.get("is_im"),
        "is_im": bool(channel.get("is_im")),
        "is_ext_shared": bool(channel.get("is_ext_shared")),
        "im_user": channel.get("user"),
        "is_member": sandbox.ws.is_member(channel_id, user_id),
        "bot_is_member": sandbox.ws.is_member(channel_id, sandbox.config.bot_user_id),
        "members": sorted(sandbox.ws.members.get(channel_id, set())),
    }
    return view


def snapshot(sandbox: UiParts, user_id: str) -> JsonDict:
    """Everything the UI shows `user_id`, without a version (see `versioned`)."""
    ws = sandbox.ws
    config = sandbox.config
    with ws.lock:
        users = [
            {
                "id": u["id"],
                "name": u["name"],
                "real_name": u.get("real_name") or u["name"],
                "is_bot": bool(u.get("is_bot")),
                "external": u.get("team_id") != config.team_id,
            }
            for u in ws.users.values()
        ]
        channels: list[JsonDict] = []
        messages: dict[str, list[JsonDict]] = {}
        ephemerals: dict[str, list[JsonDict]] = {}
        statuses: dict[str, dict[str, str]] = {}
        for channel_id, channel in ws.channels.items():
            if not can_see(sandbox, channel_id, user_id):
                continue
            if channel.get("is_im") and channel.get("user") != user_id:
                continue
            channels.append(_channel_view(sandbox, channel, user_id))
            found = ws.history(channel_id, include_replies=True)[-MAX_MESSAGES_PER_CONVERSATION:]
            messages[channel_id] = [message_view(m) for m in found]
            ephemerals[channel_id] = [message_view(m) for m in ws.ephemerals(channel_id, user_id)]
        for (channel_id, thread_ts), entry in ws.statuses.items():
            if channel_id in messages and entry.get("status"):
                statuses.setdefault(channel_id, {})[thread_ts] = str(entry["status"])
        state: JsonDict = {
            "workspace": {
                "team_id": config.team_id,
                "team_name": config.team_name,
                "team_domain": config.team_domain,
                "bot_user_id": config.bot_user_id,
                "bot_name": config.bot_name,
                "rate_limits": sandbox.limiter.enabled,
                "bot_connected": bool(sandbox.deliverer.bot_url),
                "commands": SLASH_COMMANDS,
                "shortcuts": shortcut_menu(config),  # a message's ⋯ menu (ui/surfaces.js)
            },
            "me": user_id,
            "people": [u["id"] for u in ws.users.values() if is_home_human(u, config.team_id)],
            "users": users,
            "channels": channels,
            "messages": messages,
            "ephemerals": ephemerals,
            "statuses": statuses,
            "views": ws.views.shown_to(user_id),  # modals the bot opened for this person (ui/modal.js)
            "agent": agent_threads(ws, user_id),  # the split view's threads (ui/agent.js)
            "home": ws.views.home(user_id),  # the Home tab the app published for them (ui/surfaces.js)
        }
    last = sandbox.deliverer.records()[-1:] if sandbox.deliverer.bot_url else []
    state["workspace"]["last_delivery_error"] = (
        (last[0].error or f"HTTP {last[0].status}") if last and not last[0].ok else None
    )
    return state


def versioned_snapshot(sandbox: UiParts, user_id: str) -> JsonDict:
    """The snapshot plus `version`, a digest of its content: equal exactly when nothing visible changed.

    Encoded while the workspace is locked, then decoded into a copy of its own: the bot goes on appending to
    streams and reactions as soon as the lock is released.
    """
    with sandbox.ws.lock:
        encoded = json.dumps(snapshot(sandbox, user_id), sort_keys=True, separators=(",", ":"), default=str)
    state: JsonDict = json.loads(encoded)
    state["version"] = hashlib.sha256(encoded.encode()).hexdigest()[:20]
    return state
