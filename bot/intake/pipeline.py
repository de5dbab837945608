"""From a Slack message event to an enqueued answer job: the housekeeping filter, then the gates in order.

Every event ends in exactly one of: an enqueued answer, a logged skip with its reason, or a visible notice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import replace

import redis
from rq import Queue
from slack_sdk import WebClient

from bot.decide import Decider
from bot.intake.gates import GATES, Asking, Gate, IntakeDeps, run_gates
from bot.intake.incoming import Incoming
from core.inbound import slack_to_plain
from core.logs import log_event
from core.members import Home
from core.notices import NOTICE_QUEUE_DOWN
from core.policy import ChannelRule
from core.settings import Settings
from core.slack_ops import post_notice
from core.store import Store

__all__ = ["Intake"]

log = logging.getLogger("gleanbot.intake")

# Message subtypes that carry something a person wrote; everything else is housekeeping
# (message_changed, message_deleted, channel_join, ...). bot_message passes only where bots are allowed.
_PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})
_SLACKBOT = "USLACKBOT"
LOCAL_ONCE_MAX = 1_000
LOCAL_ONCE_TTL_S = 600.0


class Intake:
    """The listener-side pipeline. Thread-safe: Bolt runs listeners on a thread pool."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        queue: Queue,
        decider: Decider,
        gates: tuple[Gate, ...] = GATES,
    ) -> None:
        self.settings = settings
        self.store = store
        self.queue = queue
        self.decider = decider
        self.deps = IntakeDeps(settings, store, queue, decider)
        self.gates = gates
        # Fallback once-guard for notices while Redis (our usual once-guard) is down.
        self._local_once: OrderedDict[str, float] = OrderedDict()
        self._local_lock = threading.Lock()

    # -- entry point ---------------------------------------------------------------------------------
    def handle(
        self,
        msg: Incoming,
        client: WebClient,
        bot_user_id: str | None,
        home: Home | None = None,
        *,
        agent: bool = False,
        beside: str | None = None,
    ) -> str:
        """Process one event; return the outcome ('enqueued', 'skipped:<why>', 'notice:<why>').

        `agent`: the message is in an agent container thread (bot/listeners/agent.py), opened `beside` a
        channel (checked there: never a Slack Connect one), whose policy's Glean application then applies.
        """
        outcome = self._handle(msg, client, bot_user_id, home, agent, beside)
        kind, _, reason = outcome.partition(":")
        log_event(
            log,
            "message_" + kind,
            event_id=msg.event_id,
            team_id=msg.team_id,
            channel_id=msg.channel_id,
            user_id=msg.user_id,
            message_ts=msg.ts,
            reason=reason or None,
            attempt=msg.retry_num,
        )
        return outcome

    def _handle(
        self,
        msg: Incoming,
        client: WebClient,
        bot_user_id: str | None,
        home: Home | None,
        agent: bool,
        beside: str | None,
    ) -> str:
        rule = self.settings.policy.for_channel(msg.channel_id)
        if agent and beside and beside in self.settings.policy.channels:
            there = self.settings.policy.channels[beside]
            rule = replace(rule, application_id=there.application_id, agent=there.agent)
        skip = self._static_skip(msg, rule, bot_user_id)
        if skip:
            return f"skipped:{skip}"
        asking = Asking(
            msg, client, bot_user_id, rule, private=self._private(msg, rule), home=home, agent=agent
        )
        addressed, asker, private = asking.addressed, asking.asker, asking.private
        try:
            return run_gates(asking, self.deps, self.gates)
        except redis.RedisError as exc:
            log_event(
                log, "redis_unavailable", logging.ERROR, event_id=msg.event_id, error=type(exc).__name__
            )
            # Without Redis the external check may not have run: in a channel that could be shared with
            # another organization, speak to the asker alone, and only when they spoke to the bot.
            unchecked = not (msg.is_dm or rule.allow_external or msg.ext_shared is False)
            if not addressed and (msg.is_thread_reply or rule.mode != "auto" or unchecked):
                return "skipped:redis_down"
            if not addressed and not self.decider.classify(slack_to_plain(msg.text, bot_user_id)).is_question:
                return "skipped:redis_down_not_question"
            if self._local_once_claim(f"{msg.channel_id}:{msg.ts}"):
                post_notice(
                    client,
                    channel_id=msg.channel_id,
                    thread_ts=msg.root_ts,
                    user_id=asker,
                    private=private or unchecked,
                    text=NOTICE_QUEUE_DOWN,
                )
            return "notice:redis_down"

    def _static_skip(self, msg: Incoming, rule: ChannelRule, bot_user_id: str | None) -> str | None:
        """Reasons to drop an event that need no I/O."""
        if msg.subtype not in _PERSON_SUBTYPES and msg.subtype != "bot_message":
            return f"subtype_{msg.subtype}"
        if not msg.ts or not msg.channel_id:
            return "malformed"
        if msg.user_id == _SLACKBOT:
            return "slackbot"
        if bot_user_id and msg.user_id == bot_user_id:
            return "own_message"
        is_bot = bool(msg.bot_id) or msg.subtype == "bot_message" or not msg.user_id
        if is_bot and not rule.allow_bots:
            return "bot_message"
        if msg.kind == "message" and not msg.is_dm and bot_user_id and f"<@{bot_user_id}>" in msg.text:
            # The same message also arrives as app_mention; that copy answers it.
            return "mention_answered_via_app_mention"
        if msg.kind == "app_mention" and msg.is_dm:
            return "mention_in_dm_answered_via_message"
        return None

    def _private(self, msg: Incoming, rule: ChannelRule) -> bool:
        if msg.is_dm:
            return False  # a DM is already private to the asker
        if rule.visibility is not None:
            return rule.visibility == "private"
        return self.settings.acts_as_asker

    def _local_once_claim(self, key: str) -> bool:
        now = time.monotonic()
        with self._local_lock:
            for old, at in list(self._local_once.items()):
                if now - at < LOCAL_ONCE_TTL_S and len(self._local_once) <= LOCAL_ONCE_MAX:
                    break
                del self._local_once[old]
            if key in self._local_once:
                return False
            self._local_once[key] = now
            return True
