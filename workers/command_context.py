"""What a `/glean` subcommand works with: the job, its clients, the identity Glean acts as, and the reply."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from core.contract import CommandJob
from core.mrkdwn import SECTION_TEXT_MAX_CHARS, split_text
from core.settings import Settings
from core.store import Store
from glean_chat import Glean
from workers.respond import post_response

__all__ = ["MAX_REPLY_BLOCKS", "CommandContext"]

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
        if self.job.home and not self.job.response_url:
            return True  # from the Home tab: the re-published Home view is the reply
        parts = split_text(text, SECTION_TEXT_MAX_CHARS)[:MAX_REPLY_BLOCKS]
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in parts]
        return post_response(
            self.job.response_url,
            self.settings.slack_api_url,
            text=parts[0] if parts else text,
            blocks=blocks,
            replace_original=self.job.replace_original,
        )
