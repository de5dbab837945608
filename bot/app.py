"""Builds the Bolt app: Slack client, Redis, queue, decider and listeners, all from one Settings."""

from __future__ import annotations

import redis
from rq import Queue
from slack_bolt import App
from slack_sdk import WebClient

from bot.commands import Commands
from bot.decide import Decider
from bot.feedback import FEEDBACK_TIMEOUT_S, FeedbackHandler
from bot.home import HomeTab
from bot.intake import Intake
from bot.listeners import Deps, register_listeners
from bot.shortcuts import Shortcuts
from core.clients import make_glean, make_slack_client
from core.contract import make_queue, open_rq_redis
from core.settings import Settings
from core.store import Store, open_redis
from glean_chat.utils import NO_RETRIES

__all__ = ["ASK_TIMEOUT_S", "build_app"]

ASK_TIMEOUT_S = 10.0
"""Classifying must be quick: past this the local classifier decides instead."""


def build_app(
    settings: Settings,
    *,
    client: WebClient | None = None,
    redis: redis.Redis | None = None,
    queue: Queue | None = None,
    decider: Decider | None = None,
    socket_mode: bool = False,
) -> App:
    """The Bolt app. In HTTP mode every request's signature is verified; Socket Mode has no signatures."""
    client = client or make_slack_client(settings)
    store = Store(redis or open_redis(settings.redis_url), settings.thread_ttl_s)
    queue = queue or make_queue(settings, open_rq_redis(settings.redis_url))
    if decider is None:
        decider = Decider(make_glean(settings, timeout_s=ASK_TIMEOUT_S), retries=NO_RETRIES)
    app = App(
        client=client,
        # Passed explicitly so Bolt never falls back to reading SLACK_SIGNING_SECRET from the environment.
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        # Not "gleanbot": Bolt resets the level of the logger named after the app on every request.
        name="gleanbot-bolt",
    )
    intake = Intake(settings, store, queue, decider)
    feedback = FeedbackHandler(settings, store, make_glean(settings, timeout_s=FEEDBACK_TIMEOUT_S))
    commands = Commands(settings, store, queue)
    deps = Deps(
        intake=intake,
        store=store,
        commands=commands,
        feedback=feedback,
        shortcuts=Shortcuts(settings, store, queue),
        home=HomeTab(settings, store, queue),
    )
    register_listeners(app, deps)
    return app
