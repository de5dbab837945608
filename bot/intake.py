"""From a Slack message event to an enqueued answer job: filter, dedupe, decide, indicate, enqueue.

Every event ends in exactly one of: an enqueued answer, a logged skip with its reason, or a visible notice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import redis
from rq import Queue
from slack_sdk import WebClient

from bot.decide import Decider
from bot.formatting import slack_to_plain
from bot.jobs import AnswerJob, enqueue_answer
from bot.logs import log_event
from bot.policy import ChannelRule
from bot.settings import Settings
from bot.slack_files import SlackFile, fetch_message_files, files_from
from bot.slack_ops import asker_email, is_external, post_notice, set_working
from bot.store import Store
from bot.tasks import FilesJob, enqueue_files

__all__ = ["Incoming", "Intake"]

log = logging.getLogger("gleanbot.intake")

# Message subtypes that carry something a person wrote; everything else is housekeeping
# (message_changed, message_deleted, channel_join, ...). bot_message passes only where bots are allowed.
_PERSON_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})
_SLACKBOT = "USLACKBOT"
LOCAL_ONCE_MAX = 1_000
LOCAL_ONCE_TTL_S = 600.0

NOTICE_EXTERNAL = (
    "I don't answer in channels shared with other organizations (Slack Connect): the answer could show "
    "internal documents to people outside the company. Ask me in a DM or an internal channel instead."
)
NOTICE_NO_EMAIL = (
    "I couldn't find an email address for your Slack account, so I can't ask Glean as you. "
    "An admin may need to grant the users:read.email scope."
)
NOTICE_OFF = "I'm switched off in this channel. Ask me in a DM, or ask an admin to enable me here."
NOTICE_EMPTY = "Ask me a question after the mention, like: @Glean what is our holiday policy?"
NOTICE_QUEUE_DOWN = (
    "I can't take questions right now: my job queue is unreachable. An admin has been alerted; "
    "please try again in a few minutes."
)


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


class Intake:
    """The listener-side pipeline. Thread-safe: Bolt runs listeners on a thread pool."""

    def __init__(self, settings: Settings, store: Store, queue: Queue, decider: Decider) -> None:
        self.settings = settings
        self.store = store
        self.queue = queue
        self.decider = decider
        # Fallback once-guard for notices while Redis (our usual once-guard) is down.
        self._local_once: OrderedDict[str, float] = OrderedDict()
        self._local_lock = threading.Lock()

    # -- entry point ---------------------------------------------------------------------------------
    def handle(self, msg: Incoming, client: WebClient, bot_user_id: str | None) -> str:
        """Process one event; return the outcome ('enqueued', 'skipped:<why>', 'notice:<why>')."""
        outcome = self._handle(msg, client, bot_user_id)
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

    def _handle(self, msg: Incoming, client: WebClient, bot_user_id: str | None) -> str:
        rule = self.settings.policy.for_channel(msg.channel_id)
        skip = self._static_skip(msg, rule, bot_user_id)
        if skip:
            return f"skipped:{skip}"
        mentioned = msg.kind == "app_mention"
        addressed = mentioned or msg.is_dm
        private = self._private(msg, rule)
        asker = msg.user_id or msg.bot_id or ""
        try:
            return self._handle_stateful(msg, client, bot_user_id, rule, addressed, private, asker)
        except redis.RedisError as exc:
            log_event(
                log, "redis_unavailable", logging.ERROR, event_id=msg.event_id, error=type(exc).__name__
            )
            if not addressed and (msg.is_thread_reply or rule.mode != "auto"):
                return "skipped:redis_down"
            if not addressed and not self.decider.classify(slack_to_plain(msg.text, bot_user_id)).is_question:
                return "skipped:redis_down_not_question"
            if self._local_once_claim(f"{msg.channel_id}:{msg.ts}"):
                post_notice(
                    client,
                    channel_id=msg.channel_id,
                    thread_ts=msg.root_ts,
                    user_id=asker,
                    private=private,
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

    # -- the steps that touch Redis, Slack and Glean ---------------------------------------------------
    def _handle_stateful(
        self,
        msg: Incoming,
        client: WebClient,
        bot_user_id: str | None,
        rule: ChannelRule,
        addressed: bool,
        private: bool,
        asker: str,
    ) -> str:
        store = self.store

        def notice(text: str) -> None:
            # Refusals are for the asker alone: ephemeral in channels, a plain reply in a DM.
            if store.claim_notice(msg.team_id, f"intake:{msg.channel_id}:{msg.ts}"):
                post_notice(
                    client,
                    channel_id=msg.channel_id,
                    thread_ts=msg.root_ts,
                    user_id=asker,
                    private=not msg.is_dm,
                    text=text,
                )

        if not store.claim_event(msg.team_id, msg.event_id):
            return "skipped:duplicate_delivery"
        if rule.mode == "off" and not msg.is_dm:
            if addressed:
                notice(NOTICE_OFF)
                return "notice:channel_off"
            return "skipped:channel_off"
        followup = msg.is_thread_reply and store.thread_answered(msg.team_id, msg.channel_id, msg.root_ts)
        if not addressed:
            if msg.is_thread_reply and not followup:
                return "skipped:thread_not_answered_by_bot"
            if not msg.is_thread_reply and rule.mode == "mention":
                return "skipped:mention_only_channel"
        if (
            not msg.is_dm
            and not rule.allow_external
            # Slack says so in every event: no conversations.info call (Tier 3), which a burst of questions
            # in new channels rate-limits, and which then reads as "shared", skipping the questions.
            and (
                msg.ext_shared
                if msg.ext_shared is not None
                else is_external(client, store, team_id=msg.team_id, channel_id=msg.channel_id)
            )
        ):
            if addressed:
                notice(NOTICE_EXTERNAL)
                return "notice:external_channel"
            return "skipped:external_channel"
        act_as: str | None = None
        if self.settings.acts_as_asker:
            act_as = asker_email(client, store, team_id=msg.team_id, user_id=asker)
            if act_as is None:
                if addressed:
                    notice(NOTICE_NO_EMAIL)
                    return "notice:no_email"
                return "skipped:no_email"
        question = slack_to_plain(msg.text, bot_user_id)
        files = msg.files
        if msg.kind == "app_mention" and not files:
            # app_mention events carry no files: the mentioned message may still have some.
            files = fetch_message_files(client, channel_id=msg.channel_id, ts=msg.ts, thread_ts=msg.thread_ts)
        if not question and not files:
            if addressed:
                notice(NOTICE_EMPTY)
                return "notice:empty_question"
            return "skipped:empty"
        if question and not addressed:
            verdict = self.decider.classify(question, act_as=act_as)
            if not verdict.is_question:
                if not (files and followup):
                    return f"skipped:not_question({verdict.reason})"
                # A remark with a file in a thread the bot follows: add the file, answer nothing.
                question = ""
        elif not question and not (addressed or followup):
            return "skipped:file_without_question"  # files are forwarded with a question, or where asked
        if not store.claim_message(msg.team_id, msg.channel_id, msg.ts):
            return "skipped:already_answering"
        # Impatient: under a burst of questions the answer must not wait for Slack to allow a reaction.
        reacted = set_working(client, channel_id=msg.channel_id, ts=msg.ts, on=True, patient=False)
        job = AnswerJob(
            team_id=msg.team_id,
            enterprise_id=msg.enterprise_id,
            channel_id=msg.channel_id,
            user_id=asker,
            message_ts=msg.ts,
            thread_ts=msg.root_ts,
            question=question,
            event_id=msg.event_id,
            visibility="private" if private else "public",
            act_as=act_as,
            application_id=rule.application_id,
            agent=rule.agent,
            is_dm=msg.is_dm,
            reaction=reacted,
        )
        try:
            files_job_id = self._enqueue_files(msg, files, job, answers=bool(question)) if files else None
            job_id = (
                enqueue_answer(self.queue, job, self.settings, after=files_job_id)
                if question
                else files_job_id
            )
        except Exception:
            store.release_message(msg.team_id, msg.channel_id, msg.ts)
            set_working(client, channel_id=msg.channel_id, ts=msg.ts, on=False)
            raise
        if job_id is None:
            return "skipped:job_exists"
        store.mark_thread_answered(msg.team_id, msg.channel_id, msg.root_ts)
        if not question:
            return "enqueued:files"
        return "enqueued:followup" if followup else "enqueued:" + ("mention" if addressed else "question")

    def _enqueue_files(
        self, msg: Incoming, files: tuple[SlackFile, ...], answer: AnswerJob, *, answers: bool
    ) -> str:
        """Forward the message's files first, as the identity the answer uses; the answer waits for it."""
        job = FilesJob(
            team_id=msg.team_id,
            channel_id=msg.channel_id,
            user_id=answer.user_id,
            message_ts=msg.ts,
            thread_ts=msg.root_ts,
            files=list(files),
            act_as=answer.act_as,
            visibility=answer.visibility,
            is_dm=msg.is_dm,
            reaction=not answers,
        )
        return enqueue_files(self.queue, job, self.settings)

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
