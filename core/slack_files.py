"""Slack files as the bot sees them: the parts of a Slack file object it uses, read from events or fetched.

`app_mention` events carry no `files`, so for a mention the message itself is fetched
(conversations.history, or conversations.replies for a thread reply). Slack Connect files may arrive as
stubs (`file_access: check_file_info`); `complete_file` asks files.info for the full object.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core.logs import log_event

__all__ = [
    "MAX_FILES_PER_MESSAGE",
    "SlackFile",
    "complete_file",
    "fetch_message",
    "fetch_message_files",
    "files_from",
]

log = logging.getLogger("gleanbot.slack_files")

MAX_FILES_PER_MESSAGE = 10
"""Slack attaches at most 10 files to one message; more in an event is not trusted."""
UNSUPPORTED_MODES = frozenset({"external", "hidden_by_limit", "tombstone"})


class SlackFile(BaseModel):
    """One shared file. No secrets: `url_private*` need the bot token, which never travels with it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    title: str = ""
    mimetype: str = ""
    filetype: str = ""
    size: int | None = None
    mode: str = ""
    is_external: bool = False
    external_type: str = ""
    file_access: str = ""
    url_private: str = ""
    url_private_download: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.id

    @property
    def download_url(self) -> str:
        return self.url_private_download or self.url_private

    @property
    def is_stub(self) -> bool:
        """Slack Connect and some events send only the id: the rest needs files.info."""
        return self.file_access == "check_file_info" or (not self.download_url and not self.is_external)

    @property
    def unsupported(self) -> str | None:
        """Why this file cannot be forwarded at all (before any download), or None."""
        if self.is_external or self.mode == "external":
            where = f" ({self.external_type})" if self.external_type else ""
            return f"it's a link to a file stored outside Slack{where}; upload the file itself instead"
        if self.mode == "hidden_by_limit":
            return "Slack hides it because of your workspace's plan limits"
        if self.mode == "tombstone" or self.file_access == "file_not_found":
            return "it was deleted from Slack"
        if not self.download_url:
            return "Slack gave no download link for it"
        return None


def files_from(raw: Any) -> tuple[SlackFile, ...]:
    """The files of an event or message dict's `files` list (malformed entries are dropped, and logged)."""
    if not isinstance(raw, list):
        return ()
    files: list[SlackFile] = []
    for item in raw[:MAX_FILES_PER_MESSAGE]:
        try:
            if not (isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]):
                raise ValueError("no id")
            files.append(SlackFile.model_validate(item))
        except ValueError:  # pydantic's ValidationError too: a field of the wrong type
            log_event(log, "file_ignored", logging.WARNING, reason="malformed file entry")
    return tuple(files)


def fetch_message(
    client: WebClient, *, channel_id: str, ts: str, thread_ts: str | None
) -> dict[str, Any] | None:
    """One message as Slack has it now (conversations.history, or conversations.replies for a thread reply).

    None when Slack will not give it (logged): the bot is not in the channel, or the message is gone.
    """
    try:
        if thread_ts and thread_ts != ts:
            reply = client.conversations_replies(
                channel=channel_id, ts=thread_ts, oldest=ts, latest=ts, inclusive=True, limit=2
            )
        else:
            reply = client.conversations_history(
                channel=channel_id, oldest=ts, latest=ts, inclusive=True, limit=1
            )
    except SlackApiError as exc:
        log_event(
            log,
            "message_fetch_failed",
            logging.WARNING,
            channel_id=channel_id,
            message_ts=ts,
            error=exc.response.get("error"),
        )
        return None
    messages: Iterable[Any] = reply.get("messages") or []
    for message in messages:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    return None


def fetch_message_files(
    client: WebClient, *, channel_id: str, ts: str, thread_ts: str | None
) -> tuple[SlackFile, ...]:
    """The files of one message, fetched from Slack (for `app_mention`, whose event has none).

    A failure is logged and answered with no files: the question is still answered.
    """
    message = fetch_message(client, channel_id=channel_id, ts=ts, thread_ts=thread_ts)
    return files_from(message.get("files")) if message is not None else ()


def complete_file(client: WebClient, file: SlackFile) -> SlackFile:
    """The full file object for a stub (files.info); the stub itself when Slack will not say more."""
    if not file.is_stub:
        return file
    try:
        info = client.files_info(file=file.id)
    except SlackApiError as exc:
        log_event(log, "files_info_failed", logging.WARNING, error=exc.response.get("error"))
        return file
    data = info.get("file")
    return SlackFile.model_validate(data) if isinstance(data, dict) and data.get("id") else file
