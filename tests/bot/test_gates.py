"""The intake's gates: the order they run in, each ending an event with one outcome, and a new rule as one gate."""

from __future__ import annotations

import time
from typing import Any

from rq import Queue
from slack_sdk import WebClient

from bot.decide import Decider
from bot.intake import GATES, Asking, Incoming, Intake, IntakeDeps
from bot.intake import gates as gate_module
from core.contract import make_queue, open_rq_redis
from core.settings import Settings
from core.store import Store, open_redis
from local_glean import LocalGlean
from slack_sandbox import Sandbox
from tests.harness import bot_env

QUESTION = "What are the company holidays in 2025?"


def _intake(sandbox: Sandbox, glean: LocalGlean, redis_url: str, gates: Any = GATES) -> tuple[Intake, Queue]:
    settings = Settings.from_env(bot_env(sandbox, glean, redis_url)).require_for("http")
    store = Store(open_redis(redis_url), settings.thread_ttl_s)
    queue = make_queue(settings, open_rq_redis(redis_url))
    return Intake(settings, store, queue, Decider(None), gates=gates), queue


def _event(sandbox: Sandbox, text: str, user: str = "U_ALICE", event_id: str | None = None) -> Incoming:
    ts = f"{time.time():.6f}"
    body = {
        "team_id": "T0SANDBOX",
        "event_id": event_id or f"Ev{ts.replace('.', '')}",
        "type": "event_callback",
    }
    event = {
        "type": "message",
        "channel": "C_GENERAL",
        "channel_type": "channel",
        "user": user,
        "text": text,
        "ts": ts,
    }
    return Incoming.from_event("message", body, event)


def _client(sandbox: Sandbox) -> WebClient:
    return WebClient(token=sandbox.config.bot_token, base_url=sandbox.api_url)


def test_the_gates_run_in_the_documented_order() -> None:
    names = [gate.__name__ for gate in GATES]
    assert names == ["dedupe", "policy", "member", "external", "identity", "files", "classify", "enqueue"]


def test_a_question_passes_every_gate_and_is_enqueued_once(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> None:
    intake, queue = _intake(sandbox, glean, redis_url)
    event = _event(sandbox, QUESTION)
    assert intake.handle(event, _client(sandbox), "UBOT") == "enqueued:question"
    assert intake.handle(event, _client(sandbox), "UBOT") == "skipped:duplicate_delivery"
    assert len(queue) == 1


def test_a_remark_stops_at_the_classify_gate_with_its_reason(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> None:
    intake, queue = _intake(sandbox, glean, redis_url)
    outcome = intake.handle(_event(sandbox, "thanks, that worked!"), _client(sandbox), "UBOT")
    assert outcome.startswith("skipped:not_question(")
    assert len(queue) == 0 and not sandbox.calls("reactions.add")


def test_a_new_rule_is_one_new_gate(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> None:
    """A gate that ends Bob's questions: later gates never run (no reaction, no job), others pass."""

    def not_bob(asking: Asking, deps: IntakeDeps) -> str | None:
        return "skipped:bob_asks_elsewhere" if asking.asker == "U_BOB" else None

    gates = (*GATES[:-2], not_bob, *GATES[-2:])
    intake, queue = _intake(sandbox, glean, redis_url, gates)
    client = _client(sandbox)
    assert (
        intake.handle(_event(sandbox, QUESTION, user="U_BOB"), client, "UBOT") == "skipped:bob_asks_elsewhere"
    )
    assert len(queue) == 0 and not sandbox.calls("reactions.add")
    assert intake.handle(_event(sandbox, QUESTION), client, "UBOT") == "enqueued:question"
    assert len(queue) == 1 and len(sandbox.calls("reactions.add")) == 1


def test_an_addressed_refusal_is_said_once_and_an_unaddressed_one_only_logged(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> None:
    def closed(asking: Asking, deps: IntakeDeps) -> str | None:
        return gate_module.refuse(asking, deps, "closed", "Closed today.")

    intake, _ = _intake(sandbox, glean, redis_url, (gate_module.dedupe, closed))
    client = _client(sandbox)
    assert intake.handle(_event(sandbox, QUESTION), client, "UBOT") == "skipped:closed"
    dm = _event(sandbox, QUESTION)
    dm = Incoming.from_event(
        "message",
        {"team_id": "T0SANDBOX", "event_id": "EvDm1"},
        {
            "type": "message",
            "channel": "D_ALICE",
            "channel_type": "im",
            "user": "U_ALICE",
            "text": QUESTION,
            "ts": dm.ts,
        },
    )
    assert intake.handle(dm, client, "UBOT") == "notice:closed"
    [notice] = [m for m in sandbox.messages("D_ALICE") if m.get("user") == "UBOT"]
    assert "Closed today." in notice["text"]
