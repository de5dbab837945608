"""The intake's gates, in order: each reads the asking so far and ends it with an outcome, or lets it pass.

An outcome is 'enqueued:<what>', 'skipped:<why>' (logged, nothing shown) or 'notice:<why>' (the asker is told).
A new rule is one new function here and one entry in `GATES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rq import Queue
from slack_sdk import WebClient

from bot.decide import Decider
from bot.intake.incoming import Incoming
from core.contract import AnswerJob, FilesJob, enqueue_answer, enqueue_files
from core.inbound import slack_to_plain
from core.members import Home, stranger_refusal
from core.notices import NOTICE_EMPTY, NOTICE_EXTERNAL, NOTICE_NO_EMAIL, NOTICE_OFF
from core.policy import ChannelRule
from core.settings import Settings
from core.slack_budget import SlackBudget
from core.slack_files import SlackFile, fetch_message_files
from core.slack_ops import asker_email, is_external, post_notice
from core.store import Store
from core.working import clear_working, show_working

__all__ = ["GATES", "Asking", "Gate", "IntakeDeps", "refuse", "run_gates"]


@dataclass(frozen=True)
class IntakeDeps:
    """What the gates work with: shared by every event, built once by `build_app`."""

    settings: Settings
    store: Store
    queue: Queue
    decider: Decider


@dataclass
class Asking:
    """One event on its way through the gates; gates fill in what they learn (identity, question, files)."""

    msg: Incoming
    client: WebClient
    bot_user_id: str | None
    rule: ChannelRule
    private: bool
    """Whether the answer is for the asker alone (the channel's visibility)."""
    followup: bool = False
    act_as: str | None = None
    question: str = ""
    files: tuple[SlackFile, ...] = field(default_factory=tuple)
    home: Home | None = None
    """The installation (from Bolt's authorization); None: the event's own `team_id`."""
    agent: bool = False
    """A message in an agent container thread: the status line is the sign of work there."""

    @property
    def addressed(self) -> bool:
        """Mentioned, or in a DM: the person spoke to the bot, so a refusal is said, not just logged."""
        return self.msg.kind == "app_mention" or self.msg.is_dm

    @property
    def asker(self) -> str:
        return self.msg.user_id or self.msg.bot_id or ""


Gate = Callable[[Asking, IntakeDeps], str | None]


def refuse(asking: Asking, deps: IntakeDeps, why: str, text: str) -> str:
    """Tell the asker (once, for them alone: ephemeral in channels, a plain reply in a DM), or only log."""
    if not asking.addressed:
        return f"skipped:{why}"
    msg = asking.msg
    if deps.store.claim_notice(msg.team_id, f"intake:{msg.channel_id}:{msg.ts}"):
        post_notice(
            asking.client,
            channel_id=msg.channel_id,
            thread_ts=msg.root_ts,
            user_id=asking.asker,
            private=not msg.is_dm,
            text=text,
        )
    return f"notice:{why}"


def dedupe(asking: Asking, deps: IntakeDeps) -> str | None:
    """Slack redelivers an event it thinks we missed: take each event id once."""
    if not deps.store.claim_event(asking.msg.team_id, asking.msg.event_id):
        return "skipped:duplicate_delivery"
    return None


def policy(asking: Asking, deps: IntakeDeps) -> str | None:
    """The channel's mode: off, mention-only, or auto; replies count only in threads the bot answered."""
    msg = asking.msg
    if asking.rule.mode == "off" and not msg.is_dm:
        return refuse(asking, deps, "channel_off", NOTICE_OFF)
    asking.followup = msg.is_thread_reply and deps.store.thread_answered(
        msg.team_id, msg.channel_id, msg.root_ts
    )
    if not asking.addressed:
        if msg.is_thread_reply and not asking.followup:
            return "skipped:thread_not_answered_by_bot"
        if not msg.is_thread_reply and asking.rule.mode == "mention":
            return "skipped:mention_only_channel"
    return None


def member(asking: Asking, deps: IntakeDeps) -> str | None:
    """Only people of the installing organization are served, in channels, DMs and file shares alike."""
    msg = asking.msg
    if not msg.user_id:
        return None  # a bot's message, which only channels that allow bots let through
    home = asking.home or Home(msg.team_id, msg.enterprise_id)
    refusal = stranger_refusal(asking.client, deps.store, home, user_id=msg.user_id, user_team=msg.user_team)
    return refuse(asking, deps, "stranger", refusal) if refusal else None


def external(asking: Asking, deps: IntakeDeps) -> str | None:
    """No answers in Slack Connect channels unless the channel opts in: they could show internal documents."""
    msg = asking.msg
    if msg.is_dm or asking.rule.allow_external:
        return None
    # Slack says so in every event: no conversations.info call (Tier 3), which a burst of questions in new
    # channels rate-limits, and which then reads as "shared", skipping the questions.
    shared = (
        msg.ext_shared
        if msg.ext_shared is not None
        else is_external(asking.client, deps.store, team_id=msg.team_id, channel_id=msg.channel_id)
    )
    return refuse(asking, deps, "external_channel", NOTICE_EXTERNAL) if shared else None


def identity(asking: Asking, deps: IntakeDeps) -> str | None:
    """With act-as, Glean answers as the asker: their email must be known. Not in a hybrid channel: its
    public answer uses the public identity, and the asker's own access is a button away."""
    if not deps.settings.acts_as_asker or _hybrid(asking):
        return None
    asking.act_as = asker_email(asking.client, deps.store, team_id=asking.msg.team_id, user_id=asking.asker)
    return refuse(asking, deps, "no_email", NOTICE_NO_EMAIL) if asking.act_as is None else None


def files(asking: Asking, deps: IntakeDeps) -> str | None:
    """The question as plain text and the files that come with it; nothing at all is not a question."""
    msg = asking.msg
    asking.question = slack_to_plain(msg.text, asking.bot_user_id)
    asking.files = msg.files
    if msg.kind == "app_mention" and not asking.files:
        # app_mention events carry no files: the mentioned message may still have some.
        asking.files = fetch_message_files(
            asking.client, channel_id=msg.channel_id, ts=msg.ts, thread_ts=msg.thread_ts
        )
    if not asking.question and not asking.files:
        return refuse(asking, deps, "empty_question", NOTICE_EMPTY) if asking.addressed else "skipped:empty"
    return None


def classify(asking: Asking, deps: IntakeDeps) -> str | None:
    """Unaddressed messages are answered only when they are questions (Glean's ask, or the local classifier)."""
    if asking.question and not asking.addressed:
        verdict = deps.decider.classify(asking.question, act_as=asking.act_as)
        if not verdict.is_question:
            if not (asking.files and asking.followup):
                return f"skipped:not_question({verdict.reason})"
            # A remark with a file in a thread the bot follows: add the file, answer nothing.
            asking.question = ""
    elif not asking.question and not (asking.addressed or asking.followup):
        return "skipped:file_without_question"  # files are forwarded with a question, or where asked
    return None


def enqueue(asking: Asking, deps: IntakeDeps) -> str | None:
    """Claim the message, show a sign of work, and enqueue its jobs (files first, the answer after them)."""
    msg, store, client = asking.msg, deps.store, asking.client
    if not store.claim_message(msg.team_id, msg.channel_id, msg.ts):
        return "skipped:already_answering"
    # What Slack allows right now, never waiting: under a burst the answer must not queue behind a sign.
    budget = SlackBudget(store, msg.team_id)
    working = show_working(
        client,
        budget,
        channel_id=msg.channel_id,
        ts=msg.ts,
        thread_ts=msg.root_ts,
        prefer_status=asking.agent,
    )
    job = AnswerJob(
        team_id=msg.team_id,
        enterprise_id=msg.enterprise_id,
        channel_id=msg.channel_id,
        user_id=asking.asker,
        message_ts=msg.ts,
        thread_ts=msg.root_ts,
        question=asking.question,
        event_id=msg.event_id,
        visibility="private" if asking.private else "public",
        act_as=asking.act_as,
        offer_own_access=_hybrid(asking),
        application_id=asking.rule.application_id,
        agent=asking.rule.agent,
        is_dm=msg.is_dm,
        reaction=working.kind == "reaction",
        status=working.kind == "status",
        placeholder_ts=working.placeholder_ts,
        placeholder_adopt=working.adopt,
        # Addressed in a thread the bot has not answered: the question is about the discussion above it.
        thread_context=msg.is_thread_reply and asking.addressed and not asking.followup,
    )
    question = bool(asking.question)
    try:
        files_job_id = _enqueue_files(asking, deps, job, answers=question) if asking.files else None
        job_id = (
            enqueue_answer(deps.queue, job, deps.settings, after=files_job_id) if question else files_job_id
        )
    except Exception:
        store.release_message(msg.team_id, msg.channel_id, msg.ts)
        clear_working(client, budget, working, channel_id=msg.channel_id, ts=msg.ts, thread_ts=msg.root_ts)
        raise
    if job_id is None:
        return "skipped:job_exists"
    store.mark_thread_answered(msg.team_id, msg.channel_id, msg.root_ts)
    if not question:
        return "enqueued:files"
    return (
        "enqueued:followup"
        if asking.followup
        else "enqueued:" + ("mention" if asking.addressed else "question")
    )


def _hybrid(asking: Asking) -> bool:
    """A hybrid channel's question (a DM is private already: answered as usual)."""
    return asking.rule.visibility == "hybrid" and not asking.msg.is_dm and not asking.private


def _enqueue_files(asking: Asking, deps: IntakeDeps, answer: AnswerJob, *, answers: bool) -> str:
    """Forward the message's files first, as the identity the answer uses; the answer waits for it."""
    msg = asking.msg
    job = FilesJob(
        team_id=msg.team_id,
        channel_id=msg.channel_id,
        user_id=answer.user_id,
        message_ts=msg.ts,
        thread_ts=msg.root_ts,
        files=list(asking.files),
        act_as=answer.act_as,
        visibility=answer.visibility,
        is_dm=msg.is_dm,
        # No answer follows: this job removes the sign of work.
        reaction=answer.reaction and not answers,
        status=answer.status and not answers,
        placeholder_ts=None if answers else answer.placeholder_ts,
    )
    return enqueue_files(deps.queue, job, deps.settings)


GATES: tuple[Gate, ...] = (dedupe, policy, member, external, identity, files, classify, enqueue)
"""Every event that passes the housekeeping filter goes through these, in this order."""


def run_gates(asking: Asking, deps: IntakeDeps, gates: tuple[Gate, ...] = GATES) -> str:
    for gate in gates:
        outcome = gate(asking, deps)
        if outcome is not None:
            return outcome
    raise RuntimeError("the last gate must end every asking")  # enqueue always returns
