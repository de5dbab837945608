"""Sandbox configuration: identities, secrets, scopes, subscriptions and Slack's documented limits."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

# Slack's message limits (docs.slack.dev: chat.postMessage, Block Kit reference, chat.*Stream).
MAX_TEXT_CHARS = 40_000
"""`text` longer than this is refused with `msg_too_long`."""
MAX_MARKDOWN_TEXT_CHARS = 12_000
"""`markdown_text` (post, update, streaming appends) and the sum of `markdown` blocks in one message."""
MAX_SECTION_TEXT_CHARS = 3_000
MAX_SECTION_FIELD_CHARS = 2_000
MAX_HEADER_TEXT_CHARS = 150
MAX_BLOCKS = 50
MAX_RESPONSE_URL_POSTS = 5
"""A response_url accepts this many posts (Slack: "up to 5 times within 30 minutes")."""
RESPONSE_URL_TTL_S = 30 * 60
SLACK_ACK_TIMEOUT_S = 3.0
"""Slack waits this long for the app's HTTP answer to an event, command or action."""

DEFAULT_BOT_SCOPES: frozenset[str] = frozenset(
    {
        "app_mentions:read",
        "assistant:write",
        "channels:history",
        "channels:read",
        "chat:write",
        "commands",
        "files:read",
        "groups:history",
        "groups:read",
        "im:history",
        "im:read",
        "mpim:history",
        "mpim:read",
        "reactions:read",
        "reactions:write",
        "users:read",
        "users:read.email",
    }
)
"""What the bot's manifest asks for, plus the `*:read` scopes `conversations.info` needs."""

DEFAULT_BOT_EVENTS: frozenset[str] = frozenset(
    {
        "app_home_opened",
        "app_mention",
        "assistant_thread_context_changed",
        "assistant_thread_started",
        "message.channels",
        "message.groups",
        "message.im",
        "message.mpim",
    }
)
"""Event subscriptions, spelled as in an app manifest (`message.<channel kind>`)."""

DEFAULT_MESSAGE_SHORTCUTS: frozenset[str] = frozenset({"gleanbot_ask_message", "gleanbot_summarize_thread"})
"""The message shortcuts in the bot's manifest: the only ones a message's ⋯ menu offers."""

DeliveryMode = Literal["auto", "http", "socket"]
"""How events, commands and actions reach the app: over Socket Mode when a client is connected and no `bot_url`
is set ("auto"), always as signed HTTP POSTs ("http"), or always over Socket Mode ("socket")."""


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that a real Slack app configuration would pin down, with loopback-friendly defaults.

    `ts_start=None` makes message timestamps follow the wall clock (strictly increasing, unique across runs);
    a number (e.g. `1700000000.0001`) gives a deterministic sequence that steps by 100 microseconds.
    `app_token` is the app-level token `apps.connections.open` (Socket Mode) accepts; `delivery` picks HTTP or
    Socket Mode (see `DeliveryMode`).
    """

    signing_secret: str = "sandbox-signing-secret"
    bot_token: str = "xoxb-sandbox-token"
    app_token: str | None = "xapp-sandbox-token"
    delivery: DeliveryMode = "auto"
    rate_limits: bool = False
    bot_url: str | None = None
    bot_scopes: Collection[str] = DEFAULT_BOT_SCOPES
    bot_events: Collection[str] = DEFAULT_BOT_EVENTS
    deliver_bot_messages: bool = True
    redeliver_failed: bool = False
    delivery_timeout_s: float = SLACK_ACK_TIMEOUT_S
    team_id: str = "T0SANDBOX"
    team_domain: str = "sandbox"
    team_name: str = "Sandbox"
    api_app_id: str = "A0SANDBOX"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    bot_name: str = "gleanbot"
    verification_token: str = "sandbox-verification-token"
    home_tab: bool = True
    """The manifest's `app_home.home_tab_enabled`: views.publish answers `not_enabled` without it."""
    message_shortcuts: Collection[str] = DEFAULT_MESSAGE_SHORTCUTS
    """The callback_ids of the app's message shortcuts (its manifest's `shortcuts`, type message)."""
    ts_start: float | None = None
    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free port when the server binds (tests); the demo asks for a fixed one for its URL."""

    def __post_init__(self) -> None:
        # Callers pass lists or sets; freeze them so the config stays hashable-ish and immutable.
        object.__setattr__(self, "bot_scopes", frozenset(self.bot_scopes))
        object.__setattr__(self, "bot_events", frozenset(self.bot_events))
        object.__setattr__(self, "message_shortcuts", frozenset(self.message_shortcuts))
        if self.host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the sandbox binds loopback only")
        if self.delivery not in ("auto", "http", "socket"):
            raise ValueError("delivery must be 'auto', 'http' or 'socket'")
