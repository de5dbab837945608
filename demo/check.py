"""`gleanbot demo --check`: ask one question through the sandbox's browser API and wait for the cited answer.

It uses the page's own routes (`POST /_ui/post`, `GET /_ui/state`), so a pass means what a newcomer would
see in the browser works: the page loads, the question reaches the bot as a signed event, the worker answers
from local_glean, and the answer lands in the thread with its sources.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any
from urllib.parse import urlencode

__all__ = ["CHECK_QUESTION", "CheckFailed", "run_check"]

CHECK_QUESTION = "What are the company holidays?"
CHECK_USER = "U_ALICE"
CHECK_CHANNEL = "C_GENERAL"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: ignore HTTP(S)_PROXY


class CheckFailed(RuntimeError):
    pass


def _get(url: str) -> tuple[int, bytes]:
    with _OPENER.open(url, timeout=30) as response:
        return int(response.status), bytes(response.read())


def _post(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with _OPENER.open(request, timeout=30) as response:
        reply: dict[str, Any] = json.loads(response.read())
    return reply


def _answer(state: dict[str, Any], thread_ts: str) -> dict[str, Any] | None:
    bot = state["workspace"]["bot_user_id"]
    public = state["messages"].get(CHECK_CHANNEL, [])
    private = state["ephemerals"].get(CHECK_CHANNEL, [])
    for message in [*public, *private]:
        done = message["stream"] in (None, "stopped")
        if (
            message["user"] == bot
            and message["thread_ts"] == thread_ts
            and message["ts"] != thread_ts
            and done
        ):
            return dict(message)
    return None


def run_check(base_url: str, timeout_s: float = 90.0) -> float:
    """Ask, wait for the answer; return the seconds it took. Raises CheckFailed with the reason."""
    status, page = _get(base_url)
    if status != 200 or b"Slack sandbox" not in page:
        raise CheckFailed(f"the sandbox page did not load (HTTP {status})")
    started = time.monotonic()
    posted = _post(
        f"{base_url}_ui/post", {"user": CHECK_USER, "channel": CHECK_CHANNEL, "text": CHECK_QUESTION}
    )
    if not posted.get("ok"):
        raise CheckFailed(f"posting the question failed: {posted.get('error')}")
    thread_ts = str(posted["ts"])
    while time.monotonic() - started < timeout_s:
        query = urlencode({"user": CHECK_USER, "wait": "5", "since": ""})
        _, body = _get(f"{base_url}_ui/state?{query}")
        answer = _answer(json.loads(body), thread_ts)
        if answer is not None:
            shown = json.dumps(answer["blocks"]) + answer["text"]
            if "Sources" not in shown:
                raise CheckFailed("the bot answered without sources: " + answer["text"][:200])
            return time.monotonic() - started
        time.sleep(0.2)
    raise CheckFailed(f"no answer within {timeout_s:.0f} s")
