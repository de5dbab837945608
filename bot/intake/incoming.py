"""The parts of a Slack `message` or `app_mention` event the intake uses, read once from the payload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.slack_files import SlackFile, files_from

__all__ = ["Incoming"]


@dataclass(frozen=True)
class Incoming:
    """The parts of a `message` or `app_mention` event the bot uses."""

    kind: str
    team_id: str
    enterprise_id: str | None
    event_id: str
    channel_id: str
    channel_type: str
    user_id: str | None
    bot_id: str | None
    subtype: str | None
    text: str
    ts: str
    thread_ts: str | None
    retry_num: str | None = None
    files: tuple[SlackFile, ...] = ()
    user_team: str | None = None
    """The poster's home team as the event names it (`user_team`, else `team`); None when absent."""
    ext_shared: bool | None = None
    """The envelope's `is_ext_shared_channel` (signed by Slack); None when absent (then conversations.info)."""

    @classmethod
    def from_event(
        cls, kind: str, body: dict[str, Any], event: dict[str, Any], retry_num: str | None = None
    ) -> Incoming:
        channel_id = str(event.get("channel") or "")
        channel_type = str(event.get("channel_type") or ("im" if channel_id.startswith("D") else "channel"))
        return cls(
            kind=kind,
            team_id=str(body.get("team_id") or event.get("team") or ""),
            enterprise_id=body.get("enterprise_id"),
            event_id=str(body.get("event_id") or f"{channel_id}-{event.get('ts')}"),
            channel_id=channel_id,
            channel_type=channel_type,
            user_id=event.get("user"),
            bot_id=event.get("bot_id"),
            subtype=event.get("subtype"),
            text=str(event.get("text") or ""),
            ts=str(event.get("ts") or ""),
            thread_ts=event.get("thread_ts"),
            retry_num=retry_num,
            files=files_from(event.get("files")),
            user_team=str(event.get("user_team") or event.get("team") or "") or None,
            ext_shared=shared if isinstance(shared := body.get("is_ext_shared_channel"), bool) else None,
        )

    @property
    def is_dm(self) -> bool:
        return self.channel_type == "im"

    @property
    def is_thread_reply(self) -> bool:
        return bool(self.thread_ts) and self.thread_ts != self.ts

    @property
    def root_ts(self) -> str:
        return self.thread_ts or self.ts
