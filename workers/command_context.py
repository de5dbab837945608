"""What a `/glean` subcommand works with (`CommandContext`), and Glean failures said in words."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from bot.formatting import SECTION_TEXT_MAX_CHARS, split_text
from bot.settings import Settings
from bot.store import Store
from bot.tasks import CommandJob
from glean_chat import Glean
from glean_chat.errors import GleanError, GleanTransportError
from workers.respond import post_response

__all__ = ["MAX_REPLY_BLOCKS", "CommandContext", "glean_problem"]

MAX_REPLY_BLOCKS = 45


@dataclass
class CommandContext:
    """What a subcommand works with: the job, clients, and the identity Glean acts as (None: token's own)."""

    job: CommandJob
    settings: Settings
    store: Store
    client: WebClient
    glean: Glean
    act_as: str | None

    @property
    def per_person(self) -> bool:
        """Whether chats are per person (act-as) or one per thread shared by its askers (own identity)."""
        return self.settings.acts_as_asker

    @property
    def ttl_days(self) -> int:
        return self.settings.thread_ttl_s // 86_400

    def reply(self, text: str) -> bool:
        """An ephemeral reply; long text becomes several sections (Slack's 3,000-character limit)."""
        parts = split_text(text, SECTION_TEXT_MAX_CHARS)[:MAX_REPLY_BLOCKS]
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in parts]
        return post_response(
            self.job.response_url,
            self.settings.slack_api_url,
            text=parts[0] if parts else text,
            blocks=blocks,
            replace_original=self.job.replace_original,
        )


def glean_problem(exc: GleanError) -> str:
    if isinstance(exc, GleanTransportError):
        return "I couldn't reach Glean. Please try again in a few minutes."
    if exc.status_code == 401:
        return "Glean rejected my credentials. An admin has been alerted."
    if exc.status_code == 403:
        return "Glean refused this for your account (access denied)."
    if exc.status_code == 429:
        return "Glean is busy right now (rate limited). Please try again in a minute."
    return f"Glean couldn't do that right now (error {exc.status_code}). Please try again later."
