"""Replies through a Slack `response_url` (slash commands, buttons), and the answer writer for `/glean ask`.

A response_url carries private content (answers made with the asker's access), so it gets the same rule as
the bot token: only Slack's own hosts (`core.file_hosts`). Slack accepts 5 posts per response_url in 30 min.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import httpx

from core.blocks import SlackMessage, Source, StartOver, private_answer_messages
from core.file_hosts import slack_host_refusal
from core.logs import log_event

__all__ = ["RESPONSE_URL_MAX_POSTS", "ResponseWriter", "post_response"]

log = logging.getLogger("gleanbot.respond")

RESPONSE_TIMEOUT_S = 10.0
RESPONSE_URL_MAX_POSTS = 5


def post_response(
    response_url: str,
    slack_api_url: str,
    *,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    replace_original: bool = False,
) -> bool:
    """Post an ephemeral reply to a response_url; False (and a log line) when Slack did not take it."""
    refusal = slack_host_refusal(response_url, slack_api_url)
    if refusal is not None:
        log_event(log, "response_url_refused", logging.ERROR, reason=refusal)
        return False
    payload: dict[str, Any] = {
        "response_type": "ephemeral",
        "text": text,
        "replace_original": replace_original,
    }
    if blocks:
        payload["blocks"] = blocks
    try:
        reply = httpx.post(response_url, json=payload, timeout=RESPONSE_TIMEOUT_S, follow_redirects=False)
    except httpx.HTTPError as exc:
        log_event(log, "response_url_failed", logging.ERROR, error=type(exc).__name__)
        return False
    except (httpx.InvalidURL, UnicodeError):
        # On a Slack host, yet httpx cannot use it (a control character, a bad IDNA label): refused, as an
        # off-Slack URL is, rather than crashing the command's job (no HTTPError to catch).
        log_event(log, "response_url_refused", logging.ERROR, reason="not a valid URL")
        return False
    if reply.status_code != 200:
        log_event(log, "response_url_failed", logging.ERROR, status=reply.status_code)
        return False
    return True


def post_messages(
    response_url: str, slack_api_url: str, messages: Sequence[SlackMessage], *, replace_first: bool
) -> bool:
    """Post several messages in order (the first may replace the "working on it" reply)."""
    ok = True
    for index, message in enumerate(messages[:RESPONSE_URL_MAX_POSTS]):
        ok = (
            post_response(
                response_url,
                slack_api_url,
                text=message.text,
                blocks=message.blocks,
                replace_original=replace_first and index == 0,
            )
            and ok
        )
    return ok


class ResponseWriter:
    """A private answer to `/glean ask`: gathered, then posted to the command's response_url.

    Like an ephemeral answer nothing is visible before `finish`, so a failed attempt may be retried.
    """

    def __init__(
        self,
        response_url: str,
        *,
        slack_api_url: str,
        share_id: str,
        start_over: StartOver | None = None,
        with_their_access: bool = True,
    ) -> None:
        self._with_their_access = with_their_access
        self._url = response_url
        self._api = slack_api_url
        self._share_id = share_id
        self._start_over = start_over

    @property
    def visible(self) -> bool:
        return False

    def append(self, delta: str) -> None:
        pass  # the whole answer is rendered at the end from the builder's result

    def finish(self, markdown: str, sources: Sequence[Source]) -> None:
        messages = private_answer_messages(
            markdown,
            sources,
            self._share_id,
            start_over=self._start_over,
            share_text="Share to channel",
            with_their_access=self._with_their_access,
        )
        if not post_messages(self._url, self._api, messages, replace_first=True):
            raise ConnectionError("Slack did not accept the answer at the command's response_url")

    def abort(self, notice: str) -> None:
        post_response(self._url, self._api, text=f":warning: {notice}", replace_original=True)
