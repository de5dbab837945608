"""The browser UI's routes: static files at `/`, and a small JSON API under `/_ui/` over the sandbox's methods.

Every action goes through the same `Sandbox` methods the tests call (`post_message`, `upload_file`,
`slash_command`, `click`), so the page drives exactly the signed delivery path Slack drives.

Live updates are a long poll: `GET /_ui/state?user=U&since=VERSION` answers at once when the user's view
differs from VERSION, else waits (checking every 100 ms) up to `wait` seconds. Why not SSE or plain polling:
a long poll needs nothing but request/response from the stdlib server, shows a streamed answer within a
tenth of a second, and an idle tab makes one request every 20 seconds instead of three a second.

Loopback is not a security boundary against web pages: a site open in the same browser could post to
127.0.0.1. So requests must name a loopback `Host` (no DNS rebinding), and actions must be JSON with a
same-origin `Origin` when one is sent (a cross-site form can send neither without a CORS preflight).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from .files import HttpAnswer
from .ui_agent import AGENT_ACTIONS
from .ui_modals import MODAL_ACTIONS
from .ui_surfaces import SURFACE_ACTIONS
from .ui_view import SLASH_COMMANDS, UiParts, can_see, is_home_human, versioned_snapshot

JsonDict = dict[str, Any]
log = logging.getLogger(__name__)

UI_PREFIX = "/_ui/"
STATIC_PREFIX = "/ui/"
LONG_POLL_MAX_S = 25.0
LONG_POLL_CHECK_S = 0.1
SLACKBOT_USER_ID = "USLACKBOT"
_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
_PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# Files people uploaded are shown in the browser; they must never run as part of the UI's origin.
_INLINE_FILE_TYPES = ("text/plain", "image/png", "image/jpeg", "image/gif", "application/pdf")


class UiError(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


def _json(status: int, body: JsonDict) -> HttpAnswer:
    return HttpAnswer(
        status, "application/json; charset=utf-8", json.dumps(body).encode(), (("Cache-Control", "no-store"),)
    )


class UiApi:
    """Serves the UI over the sandbox's parts it uses; `close()` releases waiting long polls."""

    def __init__(self, parts: UiParts) -> None:
        self._sb = parts
        self._closing = threading.Event()

    def close(self) -> None:
        self._closing.set()

    @staticmethod
    def handles(path: str) -> bool:
        return path == "/" or path.startswith((UI_PREFIX, STATIC_PREFIX))

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> HttpAnswer:
        try:
            self._check_host(headers)
            if path == "/" or path.startswith(STATIC_PREFIX):
                if method != "GET":
                    raise UiError(405, "method_not_allowed")
                return self._static("index.html" if path == "/" else path[len(STATIC_PREFIX) :])
            route = path[len(UI_PREFIX) :].strip("/")
            params = dict(parse_qsl(query))
            if method == "GET" and route == "state":
                return _json(200, self._state(params))
            if method == "GET" and route.startswith("files/"):
                return self._file(route.removeprefix("files/"), params.get("user", ""))
            if method != "POST":
                raise UiError(404, "not_found")
            payload = self._payload(headers, body)
            action = _ACTIONS.get(route)
            if action is None:
                raise UiError(404, "not_found")
            return _json(200, {"ok": True, **action(self, payload)})
        except UiError as exc:
            return _json(exc.status, {"ok": False, "error": exc.error})
        except ValueError as exc:  # the sandbox refuses what Slack's client would not let a user do
            return _json(400, {"ok": False, "error": str(exc)})

    # ---- request checks -----------------------------------------------------------------------------------

    def _check_host(self, headers: dict[str, str]) -> None:
        host = headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if name not in _LOOPBACK_HOSTS:
            raise UiError(403, "bad_host")

    def _payload(self, headers: dict[str, str], body: bytes) -> JsonDict:
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc != headers.get("host", ""):
            raise UiError(403, "cross_origin_request")
        if headers.get("content-type", "").split(";", 1)[0].strip().lower() != "application/json":
            raise UiError(415, "json_required")
        try:
            decoded = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise UiError(400, "invalid_json") from None
        if not isinstance(decoded, dict):
            raise UiError(400, "invalid_json")
        return decoded

    def _person(self, payload: JsonDict) -> str:
        user = str(payload.get("user") or "")
        data = self._sb.ws.users.get(user)
        if data is None or not is_home_human(data, self._sb.config.team_id):
            raise UiError(400, "user_not_found")
        return user

    def _visible_channel(self, user: str, payload: JsonDict) -> str:
        channel = str(payload.get("channel") or "")
        if not can_see(self._sb, channel, user):
            raise UiError(400, "channel_not_found")
        return channel

    # ---- reading ------------------------------------------------------------------------------------------

    def _state(self, params: dict[str, str]) -> JsonDict:
        if not params.get("user"):
            people = [u for u, d in self._sb.ws.users.items() if is_home_human(d, self._sb.config.team_id)]
            params = {**params, "user": people[0] if people else ""}
        user = self._person(params)
        self._sb.ws.ensure_im(user)  # the app's Messages tab: every person has a DM with the bot
        since = params.get("since", "")
        try:
            wait_s = min(LONG_POLL_MAX_S, max(0.0, float(params.get("wait", "0"))))
        except ValueError:
            wait_s = 0.0
        deadline = time.monotonic() + wait_s
        while True:
            state = versioned_snapshot(self._sb, user)
            if state["version"] != since or time.monotonic() >= deadline:
                return state
            if self._closing.wait(LONG_POLL_CHECK_S):
                return state

    def _static(self, name: str) -> HttpAnswer:
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        if "/" in name or name.startswith(".") or suffix not in _STATIC_TYPES:
            raise UiError(404, "not_found")
        resource = resources.files("slack_sandbox").joinpath("ui", name)
        if not resource.is_file():
            raise UiError(404, "not_found")
        headers: tuple[tuple[str, str], ...] = (("Cache-Control", "no-cache"),)
        if suffix == ".html":
            headers += (("Content-Security-Policy", _PAGE_CSP), ("X-Frame-Options", "DENY"))
        return HttpAnswer(200, _STATIC_TYPES[suffix], resource.read_bytes(), headers)

    def _file(self, file_id: str, user: str) -> HttpAnswer:
        self._person({"user": user})
        data = self._sb.files.get(file_id)
        shared_in = [*data.get("channels", []), *data.get("groups", []), *data.get("ims", [])] if data else []
        content = self._sb.files.content(file_id) if data else None
        if data is None or content is None or not any(can_see(self._sb, c, user) for c in shared_in):
            raise UiError(404, "file_not_found")
        mimetype = str(data.get("mimetype") or "application/octet-stream")
        inline = mimetype in _INLINE_FILE_TYPES
        disposition = "inline" if inline else "attachment"
        return HttpAnswer(
            200,
            mimetype if inline else "application/octet-stream",
            content,
            (
                ("Content-Disposition", f"{disposition}; filename*=UTF-8''{quote(str(data['name']))}"),
                ("Content-Security-Policy", "sandbox"),
                ("X-Content-Type-Options", "nosniff"),
            ),
        )

    # ---- actions ------------------------------------------------------------------------------------------

    def post(self, payload: JsonDict) -> JsonDict:
        user = self._person(payload)
        channel = self._visible_channel(user, payload)
        text = str(payload.get("text") or "")
        if not text.strip():
            raise UiError(400, "no_text")
        message = self._sb.people.post_message(
            user, channel, text, thread_ts=str(payload.get("thread_ts") or "") or None
        )
        return {"ts": message["ts"]}

    def upload(self, payload: JsonDict) -> JsonDict:
        user = self._person(payload)
        channel = self._visible_channel(user, payload)
        name = str(payload.get("name") or "").strip().replace("/", "_")
        if not name:
            raise UiError(400, "file_name_required")
        try:
            content = base64.b64decode(str(payload.get("content_base64") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise UiError(400, "invalid_base64") from None
        message = self._sb.people.upload_file(
            user,
            channel,
            name,
            content,
            mimetype=str(payload.get("mimetype") or "") or None,
            text=str(payload.get("text") or ""),
            thread_ts=str(payload.get("thread_ts") or "") or None,
        )
        return {"ts": message["ts"], "file_id": message["files"][0]["id"]}

    def command(self, payload: JsonDict) -> JsonDict:
        user = self._person(payload)
        channel = self._visible_channel(user, payload)
        command = str(payload.get("command") or "").strip()
        text = str(payload.get("text") or "").strip()
        if command not in SLASH_COMMANDS:
            self._slackbot_says(
                channel,
                user,
                f"`{command}` is not a valid command. In Slack, messages that start with the "
                '"/" character are interpreted as commands.',
            )
            return {"delivered": False, "error": "unknown_command"}
        delivery = self._sb.people.slash_command(user, channel, command, text)
        if not delivery.ok:
            # What Slack shows when the app did not answer within 3 s, or answered with an error.
            error = "operation_timeout" if delivery.error == "http_timeout" else "dispatch_failed"
            self._slackbot_says(channel, user, f'`{command}` failed with the error "{error}"')
            return {"delivered": False, "error": error}
        return {"delivered": True, "status": delivery.status}

    def click(self, payload: JsonDict) -> JsonDict:
        user = self._person(payload)
        channel = self._visible_channel(user, payload)
        value = payload.get("value")
        delivery = self._sb.people.click(
            user,
            channel,
            str(payload.get("message_ts") or ""),
            str(payload.get("action_id") or ""),
            value=str(value) if value is not None else None,
        )
        return {"delivered": delivery.ok, "status": delivery.status, "error": delivery.error}

    def dismiss(self, payload: JsonDict) -> JsonDict:
        """Slack's "Dismiss message" under an ephemeral: it goes away for that person."""
        user = self._person(payload)
        channel = self._visible_channel(user, payload)
        with self._sb.ws.lock:
            for message in self._sb.ws.ephemerals(channel, user):
                if message.ts == str(payload.get("ts") or ""):
                    message.deleted = True
                    return {}
        raise UiError(404, "message_not_found")

    def settings(self, payload: JsonDict) -> JsonDict:
        if "rate_limits" in payload:
            self._sb.limiter.enabled = bool(payload["rate_limits"])
        return {"rate_limits": self._sb.limiter.enabled}

    def _slackbot_says(self, channel: str, user: str, text: str) -> None:
        ws = self._sb.ws
        with ws.lock:
            data = {"type": "message", "user": SLACKBOT_USER_ID, "text": text, "ts": ws.clock.next()}
            ws.add_ephemeral(channel, user, data)


_ACTIONS = {
    "post": UiApi.post,
    "upload": UiApi.upload,
    "command": UiApi.command,
    "click": UiApi.click,
    "dismiss": UiApi.dismiss,
    "settings": UiApi.settings,
    **MODAL_ACTIONS,  # the modals (ui_modals.py), the agent container (ui_agent.py), shortcuts and Home tab
    **AGENT_ACTIONS,
    **SURFACE_ACTIONS,
}
