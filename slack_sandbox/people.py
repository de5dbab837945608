"""What people do in the workspace: post, share files, edit, run slash commands and click, each delivered as Slack would."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

from . import shapes
from .agent import AgentContainer
from .config import SandboxConfig
from .delivery import Delivery
from .events import EventSource
from .files import FileStore
from .interactive import Interactions
from .state import Workspace
from .surfaces import AppSurfaces

__all__ = ["People"]

JsonDict = dict[str, Any]


class People:
    """The actions of the workspace's users; the Sandbox, the tests and the browser page all act through it."""

    def __init__(
        self,
        config: SandboxConfig,
        ws: Workspace,
        files: FileStore,
        events: EventSource,
        interactions: Interactions,
        started: Callable[[], bool],
    ) -> None:
        self.config = config
        self.ws = ws
        self._files = files
        self._events = events
        self._interactions = interactions
        self._started = started
        self.agent = AgentContainer(config, ws, events, self.post_message)
        """The app's agent container (split view): open beside a channel, move, ask (agent.py)."""
        self.surfaces = AppSurfaces(config, ws, events, interactions, self._channel_for)
        """Message shortcuts (a message's ⋯ menu) and the Home tab (surfaces.py)."""

    def _channel_for(self, user: str, channel: str) -> str:
        if user not in self.ws.users:
            raise ValueError(f"unknown user {user}")
        channel_id = self.ws.require_channel(channel)
        if not self.ws.is_member(channel_id, user):
            if self.ws.channels[channel_id].get("is_private"):
                raise ValueError(f"{user} is not in {channel_id}")
            with self.ws.lock:
                self.ws.members[channel_id].add(user)  # joining a public channel is free
        return channel_id

    def post_message(
        self,
        user: str,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        files: Iterable[str | JsonDict] | None = None,
        *,
        blocks: list[JsonDict] | None = None,
    ) -> JsonDict:
        """A user posts; delivers `message` (and `app_mention` for `<@BOT>`) and returns the message."""
        channel_id = self._channel_for(user, channel)
        kind = self.ws.channel_type(channel_id)
        with self.ws.lock:
            data = shapes.user_message(
                self.config,
                user=user,
                text=text,
                ts=self.ws.clock.next(),
                team=self.ws.users[user]["team_id"],
            )
            if blocks is not None:
                data["blocks"] = blocks
            if thread_ts:
                data["thread_ts"] = thread_ts
            shared = [self._files.share(_file_id(f), channel_id, kind) for f in files or ()]
            if shared:
                data.update(
                    {"subtype": "file_share", "files": shared, "upload": False, "display_as_bot": False}
                )
            message = self.ws.add_message(channel_id, data)
        self._events.user_message(message)
        return message.public()

    def create_file(
        self, user: str, name: str, content: bytes, mimetype: str | None = None, title: str | None = None
    ) -> JsonDict:
        """Store a file on the file host (not shared anywhere yet) and return its Slack file object."""
        if not self._started():
            raise RuntimeError("Sandbox.start() first: file URLs need the server's port")
        return self._files.add(
            file_id=self.ws.new_id("F"), user=user, name=name, content=content, mimetype=mimetype, title=title
        )

    def upload_file(
        self,
        user: str,
        channel: str,
        name: str,
        content: bytes,
        mimetype: str | None = None,
        text: str = "",
        thread_ts: str | None = None,
        title: str | None = None,
    ) -> JsonDict:
        """A user shares a file: a `file_share` message event with `files[]`. Returns the message."""
        file = self.create_file(user, name, content, mimetype, title)
        return self.post_message(user, channel, text, thread_ts=thread_ts, files=[file["id"]])

    def edit_message(self, user: str, channel: str, ts: str, text: str) -> JsonDict:
        """A user edits their message: Slack sends a `message_changed` event."""
        channel_id = self._channel_for(user, channel)
        message = self.ws.get(channel_id, ts)
        if message is None or message.data.get("user") != user:
            raise ValueError(f"{user} has no message {ts} in {channel_id}")
        with self.ws.lock:
            previous = copy.deepcopy(message.data)
            edited_ts = self.ws.clock.next()
            message.data.update({"text": text, "blocks": shapes.rich_text_blocks(text)})
            message.data["edited"] = {"user": user, "ts": edited_ts}
        self._events.user_edit(message, previous, edited_ts)
        return message.public()

    def slash_command(self, user: str, channel: str, command: str, text: str = "") -> Delivery:
        """Run `/command text`: a signed form POST; an immediate answer body is shown like Slack shows it."""
        return self._interactions.slash_command(user, self._channel_for(user, channel), command, text)

    def click(
        self, user: str, channel: str, message_ts: str, action_id: str, value: str | None = None
    ) -> Delivery:
        """Click an interactive element of a message the user can see: a signed `block_actions` POST.

        Raises ValueError if the user cannot see that message or it has no element with `action_id`.
        """
        return self._interactions.click(user, self._channel_for(user, channel), message_ts, action_id, value)

    def open_views(self, user: str) -> list[JsonDict]:
        """The modals the bot opened for `user` (views.open) that are still on their screen, oldest first."""
        return self.ws.views.open_for(user)

    def submit_view(self, user: str, view_id: str, answers: dict[str, str | None] | None = None) -> Delivery:
        """Submit one of the user's open modals: a signed `view_submission` (`answers`: action_id -> value).

        Raises ValueError where Slack's client would not submit (a required input empty, no such modal).
        """
        return self._interactions.submit_view(user, view_id, dict(answers or {}))

    def close_view(self, user: str, view_id: str) -> None:
        """Close (cancel) a modal: nothing is sent (the sandbox's modals never ask for `view_closed`)."""
        self.ws.views.close(user, view_id)

    def modal_errors(self, view_id: str) -> dict[str, str]:
        """What the bot's last `response_action: errors` ack shows under the modal's inputs."""
        opened = self.ws.views.get(view_id)
        return dict(opened.errors) if opened is not None else {}


def _file_id(file: str | JsonDict) -> str:
    return file if isinstance(file, str) else str(file["id"])
