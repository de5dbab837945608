"""The workspace's data: users, conversations, messages and threads, ephemerals, statuses, ids and `ts` clock.

Everything here is guarded by one re-entrant lock (`Workspace.lock`): HTTP handler threads, the delivery thread
and the test thread all read and write it. Messages are stored in Slack's own dict shape so that Web API
responses, event payloads and the test accessors can hand out copies without translation.
"""

from __future__ import annotations

import copy
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from . import shapes
from .config import SandboxConfig
from .views import Views

JsonDict = dict[str, Any]

_ID_ALPHABET = string.digits + string.ascii_uppercase


class TsClock:
    """Hands out strictly increasing, unique Slack `ts` strings ("1700000000.000100")."""

    STEP_US = 100

    def __init__(self, start: float | None) -> None:
        self._lock = threading.Lock()
        self._fixed = start is not None
        self._last_us = round(start * 1_000_000) - self.STEP_US if start is not None else 0

    def next(self) -> str:
        with self._lock:
            if self._fixed:
                self._last_us += self.STEP_US
            else:
                self._last_us = max(time.time_ns() // 1_000, self._last_us + 1)
            return format_ts(self._last_us)


def format_ts(micros: int) -> str:
    """Slack's ts format: seconds, a dot, six digits of microseconds."""
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def ts_key(ts: str) -> tuple[int, int]:
    """Sort key for ts strings (they compare as numbers, not as text)."""
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros.ljust(6, "0")[:6] or 0)


@dataclass
class Message:
    """One stored message: Slack's dict (`data`) plus what only the server knows (stream state, deletion)."""

    channel: str
    data: JsonDict
    stream_state: str | None = None  # None (never streamed), "streaming" or "stopped"
    stream_mode: str | None = None  # "markdown_text" or "chunks": Slack refuses to mix them in one stream
    stream_recipient: str | None = None
    chunks: list[JsonDict] = field(default_factory=list)
    ephemeral_user: str | None = None
    deleted: bool = False

    @property
    def ts(self) -> str:
        return str(self.data["ts"])

    @property
    def thread_ts(self) -> str | None:
        value = self.data.get("thread_ts")
        return str(value) if value else None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def public(self) -> JsonDict:
        """A deep copy safe to hand to callers, with the conversation id added for convenience."""
        out = copy.deepcopy(self.data)
        out["channel"] = self.channel
        return out


class Workspace:
    """Users, conversations and messages of one sandbox team."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.clock = TsClock(config.ts_start)
        self.users: dict[str, JsonDict] = {}
        self.channels: dict[str, JsonDict] = {}
        self.members: dict[str, set[str]] = {}
        self._messages: dict[str, list[Message]] = {}
        self._by_ts: dict[tuple[str, str], Message] = {}
        self._ephemerals: list[Message] = []
        self.statuses: dict[tuple[str, str], JsonDict] = {}
        self.status_log: list[JsonDict] = []
        self.agent_threads: dict[tuple[str, str], JsonDict] = {}  # (DM, thread_ts) -> agent.py's record
        self.views = Views()  # modals and the trigger_ids that open them (views.py)
        self._id_salt = "".join(secrets.choice(_ID_ALPHABET) for _ in range(3))
        self._id_counter = 0

    # ---- ids ---------------------------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """Slack-looking ids ("F0A1B2C3D4"): a per-sandbox salt keeps ids unique across sandboxes and runs."""
        with self.lock:
            self._id_counter += 1
            n, digits = self._id_counter, ""
            while n:
                n, r = divmod(n, 36)
                digits = _ID_ALPHABET[r] + digits
            return f"{prefix}{self._id_salt}{digits.rjust(6, '0')}"

    # ---- users and conversations -------------------------------------------------------------------------

    def add_user(self, user: JsonDict) -> None:
        with self.lock:
            self.users[str(user["id"])] = user

    def add_channel(self, channel: JsonDict, members: set[str]) -> None:
        with self.lock:
            channel_id = str(channel["id"])
            self.channels[channel_id] = channel
            self.members[channel_id] = set(members)
            self._messages.setdefault(channel_id, [])

    def require_channel(self, ref: str) -> str:
        """`resolve_channel`, or ValueError naming the unknown channel."""
        if (channel_id := self.resolve_channel(ref)) is None:
            raise ValueError(f"unknown channel {ref}")
        return channel_id

    def resolve_channel(self, ref: str) -> str | None:
        """Map what a caller may pass as `channel` (id, name, #name, or a user id for their DM) to an id."""
        with self.lock:
            if ref in self.channels:
                return ref
            name = ref.removeprefix("#")
            for channel_id, channel in self.channels.items():
                if channel.get("name") == name and not channel.get("is_im"):
                    return channel_id
            if ref in self.users:
                for channel_id, channel in self.channels.items():
                    if channel.get("is_im") and channel.get("user") == ref:
                        return channel_id
            return None

    def channel_type(self, channel_id: str) -> str:
        """The `channel_type` of message events: channel, group (private), im or mpim."""
        channel = self.channels[channel_id]
        if channel.get("is_im"):
            return "im"
        if channel.get("is_mpim"):
            return "mpim"
        return "group" if channel.get("is_private") else "channel"

    def ensure_im(self, user_id: str) -> str:
        """The bot's DM with a user, opened on first use (as `chat.postMessage(channel=<user id>)` does)."""
        with self.lock:
            existing = self.resolve_channel(user_id)
            if existing is not None:
                return existing
            channel_id = f"D_{user_id.removeprefix('U_').removeprefix('U')}"
            channel = shapes.conversation_object(
                channel_id=channel_id,
                name=None,
                is_private=True,
                is_im=True,
                is_mpim=False,
                is_ext_shared=False,
                im_user=user_id,
                creator=user_id,
            )
            self.add_channel(channel, {user_id, self.config.bot_user_id})
            return channel_id

    def is_member(self, channel_id: str, user_id: str) -> bool:
        with self.lock:
            return user_id in self.members.get(channel_id, set())

    # ---- messages ----------------------------------------------------------------------------------------

    def add_message(self, channel_id: str, data: JsonDict) -> Message:
        """Store a message; a `thread_ts` makes it a reply and updates the parent's reply summary. As in Slack,
        a `thread_ts` naming a reply threads under its parent, and one naming no message leaves it top-level."""
        with self.lock:
            thread_ts = data.get("thread_ts")
            if thread_ts:
                parent = self._by_ts.get((channel_id, str(thread_ts)))
                if parent is not None and parent.is_reply and parent.thread_ts:
                    parent = self._by_ts.get((channel_id, parent.thread_ts))
                if parent is None:
                    data.pop("thread_ts", None)
                else:
                    data["thread_ts"] = parent.ts
                    data.setdefault("parent_user_id", parent.data.get("user"))
            message = Message(channel=channel_id, data=data)
            self._messages.setdefault(channel_id, []).append(message)
            self._by_ts[(channel_id, message.ts)] = message
            if message.is_reply:
                self._refresh_thread_summary(channel_id, str(message.thread_ts))
            return message

    def get(self, channel_id: str, ts: str) -> Message | None:
        with self.lock:
            message = self._by_ts.get((channel_id, ts))
            return message if message is not None and not message.deleted else None

    def thread(self, channel_id: str, thread_ts: str) -> list[Message]:
        """The parent followed by its replies, oldest first."""
        with self.lock:
            return [
                m
                for m in self._messages.get(channel_id, [])
                if not m.deleted and (m.ts == thread_ts or m.thread_ts == thread_ts)
            ]

    def history(self, channel_id: str, include_replies: bool = False) -> list[Message]:
        """Channel-level messages, oldest first: top-level ones and replies broadcast to the channel."""
        with self.lock:
            return [
                m
                for m in self._messages.get(channel_id, [])
                if not m.deleted
                and (include_replies or not m.is_reply or m.data.get("subtype") == "thread_broadcast")
            ]

    def delete(self, message: Message) -> None:
        """Remove a message; a parent with live replies becomes a tombstone, as Slack shows it."""
        with self.lock:
            has_replies = not message.is_reply and len(self.thread(message.channel, message.ts)) > 1
            if has_replies:
                message.data.update(
                    {"subtype": "tombstone", "text": "This message was deleted.", "hidden": True, "user": ""}
                )
                for key in ("blocks", "files", "bot_id", "bot_profile", "app_id"):
                    message.data.pop(key, None)
                return
            message.deleted = True
            if message.is_reply and message.thread_ts:
                self._refresh_thread_summary(message.channel, message.thread_ts)

    def _refresh_thread_summary(self, channel_id: str, thread_ts: str) -> None:
        parent = self._by_ts.get((channel_id, thread_ts))
        if parent is None:
            return
        replies = [m for m in self.thread(channel_id, thread_ts) if m.is_reply]
        if not replies:
            for key in ("reply_count", "reply_users", "reply_users_count", "latest_reply"):
                parent.data.pop(key, None)
            return
        users: list[str] = []
        for reply in replies:
            user = str(reply.data.get("user") or "")
            if user and user not in users:
                users.append(user)
        parent.data.update(
            {
                "thread_ts": parent.ts,
                "reply_count": len(replies),
                "reply_users": users,
                "reply_users_count": len(users),
                "latest_reply": replies[-1].ts,
            }
        )

    # ---- ephemerals --------------------------------------------------------------------------------------

    def add_ephemeral(self, channel_id: str, user_id: str, data: JsonDict) -> Message:
        with self.lock:
            message = Message(channel=channel_id, data=data, ephemeral_user=user_id)
            self._ephemerals.append(message)
            return message

    def ephemerals(self, channel_id: str | None = None, user_id: str | None = None) -> list[Message]:
        with self.lock:
            return [
                m
                for m in self._ephemerals
                if not m.deleted
                and (channel_id is None or m.channel == channel_id)
                and (user_id is None or m.ephemeral_user == user_id)
            ]

    def get_ephemeral(self, channel_id: str, ts: str) -> Message | None:
        with self.lock:
            for message in self._ephemerals:
                if message.channel == channel_id and message.ts == ts and not message.deleted:
                    return message
            return None
