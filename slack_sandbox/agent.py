"""The agent container (Slack's split view beside a channel): a person opens it, moves, asks; what the bot set."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any

from . import shapes
from .config import SandboxConfig
from .delivery import Delivery
from .events import EventSource
from .state import Workspace

__all__ = ["AgentContainer"]

JsonDict = dict[str, Any]


class AgentContainer:
    """What Slack does when someone uses the app's container, and what the bot set on its threads.

    A thread lives in the person's DM with the bot. Opening the container beside a channel starts one: Slack
    adds its root message (subtype `assistant_app_thread`) and sends `assistant_thread_started`, whose
    `context.channel_id` is the channel beside it; moving to another channel sends
    `assistant_thread_context_changed`; asking is a `message.im` event in the thread. With `agent_view`, opening
    the app's DM sends `app_home_opened` (`tab: messages`).
    """

    def __init__(
        self,
        config: SandboxConfig,
        ws: Workspace,
        events: EventSource,
        post: Callable[..., JsonDict],
    ) -> None:
        self._config = config
        self._ws = ws
        self._events = events
        self._post = post

    def _event(self, kind: str, user: str, dm: str, thread_ts: str, beside: str | None) -> JsonDict:
        context: JsonDict = {}
        if beside is not None:
            context = {"channel_id": self._ws.require_channel(beside), "team_id": self._config.team_id}
            context["enterprise_id"] = None
        thread = {"user_id": user, "context": context, "channel_id": dm, "thread_ts": thread_ts}
        return {"type": kind, "assistant_thread": thread, "event_ts": self._ws.clock.next()}

    def open(self, user: str, beside: str | None = None) -> tuple[JsonDict, Delivery | None]:
        """`user` opens the container (beside a channel, or from nowhere in particular): (root, delivery)."""
        if user not in self._ws.users:
            raise ValueError(f"unknown user {user}")
        dm = self._ws.ensure_im(user)
        with self._ws.lock:
            ts = self._ws.clock.next()
            title = "New chat"
            data = shapes.user_message(self._config, user=user, text=title, ts=ts, team=None)
            data.update({"subtype": "assistant_app_thread", "assistant_app_thread": {"title": title}})
            root = self._ws.add_message(dm, data)
            self._ws.agent_threads[(dm, ts)] = {
                "user": user,
                "context": beside,
                "title": None,
                "prompts": None,
                "log": [{"method": "opened", "at": time.monotonic()}],
            }
        delivery = self._events.app_event(self._event("assistant_thread_started", user, dm, ts, beside), dm)
        return root.public(), delivery

    def open_dm(self, user: str) -> Delivery | None:
        """`user` opens the app's Messages tab: `app_home_opened` with `tab: messages` (agent_view's DM open)."""
        dm = self._ws.ensure_im(user)
        event = {"type": "app_home_opened", "user": user, "channel": dm, "tab": "messages"}
        return self._events.app_event({**event, "event_ts": self._ws.clock.next()}, dm)

    def move(self, user: str, thread_ts: str, beside: str | None) -> Delivery | None:
        """With the container open, `user` moves to another channel (or away from every channel)."""
        dm = self._ws.ensure_im(user)
        with self._ws.lock:
            record = self._ws.agent_threads.get((dm, thread_ts))
            if record is None:
                raise ValueError(f"no container thread {thread_ts} for {user}")
            record["context"] = beside
        event = self._event("assistant_thread_context_changed", user, dm, thread_ts, beside)
        return self._events.app_event(event, dm)

    def ask(self, user: str, thread_ts: str, text: str) -> JsonDict:
        """`user` types in the container thread (or clicks a suggested prompt, which posts its message)."""
        return self._post(user, self._ws.ensure_im(user), text, thread_ts=thread_ts)

    def thread(self, user: str, thread_ts: str) -> JsonDict | None:
        """What the bot set on a container thread: title, prompts ({title, prompts}) and the call log.

        `thread_ts=""`: what was set on the DM itself (setSuggestedPrompts without `thread_ts`)."""
        with self._ws.lock:
            record = self._ws.agent_threads.get((self._ws.ensure_im(user), thread_ts))
            return copy.deepcopy(record)
