"""`gleanbot socket`: the real Bolt app over Socket Mode against the sandbox, a real RQ worker, and local_glean."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from local_glean import LocalGlean
from local_stack.processes import GleanbotProcess
from slack_sandbox import Sandbox, SandboxConfig
from tests.bot.test_feedback import recorded, vote_value
from tests.harness import BOT_TOKEN, SIGNING_SECRET, Bot, bot_env, clear_proxies, start_socket_bot

APP_TOKEN = "xapp-1-A0SANDBOX-test-app-token"
QUESTION = "What are the company holidays in 2025?"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """Overrides conftest's: the app has an app-level token and no Request URL, as a Socket Mode app does."""
    sb = Sandbox(
        SandboxConfig(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN)
    ).start()
    yield sb
    sb.stop()


def socket_env(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> dict[str, str]:
    env = bot_env(sandbox, glean, redis_url, SLACK_APP_TOKEN=APP_TOKEN)
    del env["SLACK_SIGNING_SECRET"]  # Socket Mode needs no signing secret
    return env


@pytest.fixture
def bot(sandbox: Sandbox, glean: LocalGlean, redis_url: str) -> Iterator[Bot]:
    running = start_socket_bot(sandbox, glean, redis_url)
    yield running
    running.stop()


def _all_acked_over_the_socket(sandbox: Sandbox) -> None:
    assert sandbox.wait_for_deliveries()
    deliveries = sandbox.deliveries()
    assert deliveries and all(d.transport == "socket" and d.ok for d in deliveries), [
        (d.kind, d.transport, d.error) for d in deliveries
    ]


def test_a_channel_question_is_answered_in_its_thread_with_sources(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    assert bot.outcomes.for_ts(question["ts"]) == ["enqueued:question"]
    bot.work()
    [reply] = bot.replies(question["ts"])
    assert reply["thread_ts"] == question["ts"]
    assert "*Sources*" in json.dumps(reply["blocks"])
    # Everything reached the app as acked envelopes, including the echo of its own reply, which Bolt drops.
    _all_acked_over_the_socket(bot.sandbox)
    assert any(e["event"].get("user") == "UBOT" for e in bot.sandbox.events("message"))
    assert bot.outcomes.for_ts(reply["ts"]) == []


def test_a_mention_is_answered_once(bot: Bot) -> None:
    question = bot.ask(f"<@UBOT> {QUESTION}")
    assert sorted(bot.outcomes.for_ts(question["ts"])) == [
        "enqueued:mention",
        "skipped:mention_answered_via_app_mention",
    ]
    bot.work()
    assert len(bot.replies(question["ts"])) == 1
    _all_acked_over_the_socket(bot.sandbox)


def test_a_redelivery_is_answered_once(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    again = bot.sandbox.redeliver_last(reason="timeout")
    assert (again.transport, again.ok, json.loads(again.body)["retry_attempt"]) == ("socket", True, 1)
    assert bot.wait_outcomes(question["ts"], 2) == ["enqueued:question", "skipped:duplicate_delivery"]
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_glean_help_is_acked_with_usage(bot: Bot) -> None:
    delivery = bot.sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "help")
    assert (delivery.transport, delivery.ok) == ("socket", True)
    assert "mention me" in delivery.response_body  # the ack's payload, as Bolt sent it
    [shown] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    assert "mention me" in shown["text"]


def test_feedback_buttons_work_over_the_socket(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    [reply] = bot.replies(question["ts"])
    delivery = bot.sandbox.click("U_BOB", "C_GENERAL", reply["ts"], "gleanbot_feedback", value="good")
    assert (delivery.transport, delivery.ok) == ("socket", True)
    key = f"gleanbot:T0SANDBOX:feedback:C_GENERAL:{reply['ts']}:U_BOB"
    assert bot.sandbox.wait_for(lambda: bot.store.redis.get(key)) == "good"


def test_a_thumbs_down_and_its_reason_reach_glean_over_the_socket(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    [reply] = bot.replies(question["ts"])
    value = vote_value(reply, "negative_button")
    delivery = bot.sandbox.click("U_BOB", "C_GENERAL", reply["ts"], "gleanbot_feedback", value=value)
    assert (delivery.transport, delivery.ok) == ("socket", True)
    [modal] = bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views("U_BOB"))
    submitted = bot.sandbox.people.submit_view("U_BOB", modal["id"], {"reason": "incomplete"})
    assert (submitted.transport, submitted.ok) == ("socket", True)
    assert bot.sandbox.people.open_views("U_BOB") == []
    votes = bot.sandbox.wait_for(lambda: (r := recorded(bot)) and len(r) >= 2 and r)
    assert [v["event"] for v in votes] == ["DOWNVOTE", "MANUAL_FEEDBACK"]
    assert votes[1]["manualFeedbackInfo"]["issues"] == ["INCOMPLETE_OR_NO_ANSWER"]


def test_a_message_shortcut_and_the_home_tab_work_over_the_socket(bot: Bot) -> None:
    note = bot.sandbox.post_message(
        "U_BOB", "C_GENERAL", "FYI: the office closes on the 2025 company holidays"
    )
    bot.work()
    surfaces = bot.sandbox.people.surfaces
    delivery = surfaces.message_shortcut("U_ALICE", "C_GENERAL", note["ts"], "gleanbot_ask_message")
    assert (delivery.transport, delivery.ok) == ("socket", True)
    [modal] = bot.sandbox.wait_for(lambda: bot.sandbox.people.open_views("U_ALICE"))
    submitted = bot.sandbox.people.submit_view("U_ALICE", modal["id"], {"question": "Which days?"})
    assert (submitted.transport, submitted.ok) == ("socket", True)
    bot.sandbox.wait_for(lambda: bot.queue.count > 0)
    bot.work()
    assert [m for m in bot.sandbox.messages("C_GENERAL", thread_ts=note["ts"]) if m.get("user") == "UBOT"]
    opened = surfaces.open_home("U_ALICE")
    assert opened is not None and (opened.transport, opened.ok) == ("socket", True)
    bot.sandbox.wait_for(lambda: bot.queue.count > 0)
    bot.work()
    home = surfaces.home("U_ALICE")
    assert home is not None and f"C_GENERAL:{note['ts']}" in json.dumps(home["blocks"])


def test_gleanbot_socket_process_answers_a_question(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> None:
    env = socket_env(sandbox, glean, redis_url)
    app = GleanbotProcess(["socket"], env)
    try:
        assert sandbox.socket_mode.wait_connected(timeout_s=20), "".join(app.lines)
        question = sandbox.post_message("U_ALICE", "C_GENERAL", QUESTION)
        sandbox.wait_for(lambda: app.events("message_enqueued"))
        worker = GleanbotProcess(["worker", "--burst"], env)
        try:
            assert worker.popen.wait(30) == 0
        finally:
            worker.stop()
        [reply] = [
            m for m in sandbox.messages("C_GENERAL", thread_ts=question["ts"]) if m.get("user") == "UBOT"
        ]
        assert "*Sources*" in json.dumps(reply["blocks"])
        assert [c.ok for c in sandbox.calls("apps.connections.open")] == [True]
        logs = "".join(app.lines + worker.lines)
        for secret in (APP_TOKEN, BOT_TOKEN, "dev-token", QUESTION):
            assert secret not in logs
    finally:
        app.stop()


def test_a_refused_app_token_is_a_clear_configuration_error(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "GLEAN_"))}
    env.update(socket_env(sandbox, glean, redis_url), SLACK_APP_TOKEN="xapp-1-revoked")
    done = subprocess.run(
        [sys.executable, "-m", "gleanbot", "--env-file", os.devnull, "socket"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "SLACK_APP_TOKEN: Slack refused it (invalid_auth)" in done.stderr
    assert "Traceback" not in done.stderr and "xapp-1-revoked" not in done.stderr
    assert not sandbox.socket_mode.connections()


def test_a_payload_bolt_could_not_route_is_acked_and_dropped(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    # A click whose `actions` is not a list: Bolt would raise while reading it, and Slack would redeliver.
    payload = {
        "type": "block_actions",
        "user": {"id": "U_ALICE", "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX"},
        "channel": {"id": "C_GENERAL"},
        "actions": None,
    }
    with caplog.at_level(logging.WARNING, logger="gleanbot"):
        delivery = bot.sandbox.deliver_action(payload)
        refused = bot.sandbox.wait_for(
            lambda: [r for r in caplog.records if getattr(r, "event", "") == "request_refused"]
        )
    assert (delivery.transport, delivery.ok) == ("socket", True)
    assert refused[0].error == "actions"
    question = bot.ask(QUESTION)
    bot.work()
    assert len(bot.replies(question["ts"])) == 1
