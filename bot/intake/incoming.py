"""The parts of a Slack `message` or `app_mention` event the intake uses, read once from the payload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from core.slack_files import SlackFile, files_from

__all__ = ["Incoming", "InvalidEvent"]

# Slack's ids and timestamps as they are spelled (the sandbox's ids add `_`): anything else is not from Slack.
_Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{1,40}$")]
_Ts = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}\.[0-9]{1,9}$")]
_Short = Annotated[str, StringConstraints(max_length=100)]


_M = TypeVar("_M", bound=BaseModel)


class InvalidEvent(ValueError):
    """A signed event whose fields have types or spellings Slack never sends; `fields` names them."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__("invalid event fields: " + ", ".join(fields))
        self.fields = fields


class _Event(BaseModel):
    """The fields of a `message`/`app_mention` event the bot reads, type-checked (others pass untouched)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    channel: _Id
    channel_type: _Short | None = None
    user: _Id | None = None
    bot_id: _Id | None = None
    subtype: _Short | None = None
    text: str | None = None
    ts: _Ts
    thread_ts: _Ts | None = None
    files: list[Any] | None = None  # each entry is checked on its own (core.slack_files.files_from)
    user_team: _Id | None = None
    team: _Id | None = None


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    team_id: _Id | None = None
    enterprise_id: _Id | None = None
    event_id: _Id | None = None
    is_ext_shared_channel: bool | None = None


def _checked(model: type[_M], data: dict[str, Any], prefix: str) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Only the names of the fields: their values may be message text.
        raise InvalidEvent(
            sorted({prefix + ".".join(map(str, e["loc"][:1])) for e in exc.errors()})
        ) from None


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
        """Read and type-check the event; InvalidEvent when a field is not what Slack sends."""
        e = _checked(_Event, event, "event.")
        envelope = _checked(_Envelope, body, "")
        channel_type = e.channel_type or ("im" if e.channel.startswith("D") else "channel")
        return cls(
            kind=kind,
            team_id=envelope.team_id or e.team or "",
            enterprise_id=envelope.enterprise_id,
            event_id=envelope.event_id or f"{e.channel}-{e.ts}",
            channel_id=e.channel,
            channel_type=channel_type,
            user_id=e.user,
            bot_id=e.bot_id,
            subtype=e.subtype,
            text=e.text or "",
            ts=e.ts,
            thread_ts=e.thread_ts,
            retry_num=retry_num,
            files=files_from(e.files),
            user_team=e.user_team or e.team or None,
            ext_shared=envelope.is_ext_shared_channel,
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
