"""What the bot ignores, what it answers once, and the HTTP endpoint's guards (signatures, health)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.harness import Bot, message_event_body, signed_headers


def test_non_questions_are_not_answered(bot: Bot) -> None:
    outcomes = {}
    for text in [
        "thanks!",
        ":tada:",
        "https://example.com/launch",
        "good morning",
        "The deploy finished at 5pm.",
    ]:
        message = bot.ask(text)
        [outcomes[text]] = bot.outcomes.for_ts(message["ts"])
    assert outcomes["thanks!"] == "skipped:not_question(prefilter:courtesy)"
    assert outcomes[":tada:"] == "skipped:not_question(prefilter:empty_or_emoji)"
    assert outcomes["https://example.com/launch"] == "skipped:not_question(prefilter:link_only)"
    assert outcomes["good morning"] == "skipped:not_question(prefilter:courtesy)"
    assert outcomes["The deploy finished at 5pm."].startswith("skipped:not_question(")
    bot.work()
    assert all(not bot.sandbox.calls(m) for m in ("chat.startStream", "chat.postMessage", "reactions.add"))


def _bot_message_event(text: str) -> dict[str, object]:
    return {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B_OTHER",
        "username": "deploybot",
        "text": text,
        "ts": f"{time.time():.6f}",
        "channel": "C_GENERAL",
        "channel_type": "channel",
    }


def test_other_bots_are_ignored_unless_the_channel_allows_them(
    make_bot: Callable[..., Bot], tmp_path: Path
) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  C_GENERAL:\n    allow_bots: false\n  G_PRIVATE:\n    allow_bots: true\n")
    bot = make_bot(GLEANBOT_CHANNELS=str(policy))
    event = _bot_message_event("What are the company holidays in 2025?")
    bot.sandbox.deliver(event)
    assert bot.wait_outcomes(str(event["ts"])) == ["skipped:bot_message"]
    allowed = {
        **_bot_message_event("What are the company holidays in 2025?"),
        "channel": "G_PRIVATE",
        "channel_type": "group",
    }
    bot.sandbox.deliver(allowed)
    assert bot.wait_outcomes(str(allowed["ts"])) == ["enqueued:question"]


def test_edits_deletions_and_joins_are_ignored(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    bot.sandbox.edit_message("U_ALICE", "C_GENERAL", question["ts"], "What are the holidays in 2026?")
    changed = bot.sandbox.wait_for(
        lambda: [r for r in bot.outcomes.records if r.get("reason") == "subtype_message_changed"]
    )
    assert changed
    for subtype in ("message_deleted", "channel_join"):
        event = {
            "type": "message",
            "subtype": subtype,
            "ts": f"{time.time():.6f}",
            "channel": "C_GENERAL",
            "user": "U_BOB",
            "text": "",
            "channel_type": "channel",
        }
        bot.sandbox.deliver(event)
        assert bot.wait_outcomes(str(event["ts"])) == [f"skipped:subtype_{subtype}"]
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_the_bots_own_messages_never_reach_the_pipeline(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    bot.sandbox.wait_for_deliveries()
    [reply] = bot.replies(question["ts"])
    # The sandbox echoed the bot's streamed reply as a message event; Bolt drops self events before us.
    assert any(e["event"].get("user") == "UBOT" for e in bot.sandbox.events("message"))
    assert bot.outcomes.for_ts(reply["ts"]) == []


def test_a_redelivered_event_is_answered_once(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.sandbox.redeliver_last()
    bot.sandbox.redeliver_last()
    assert bot.wait_outcomes(question["ts"], 3) == [
        "enqueued:question",
        "skipped:duplicate_delivery",
        "skipped:duplicate_delivery",
    ]
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_a_mention_arriving_as_two_events_is_answered_once(bot: Bot) -> None:
    question = bot.ask("<@UBOT> What are the company holidays in 2025?")
    assert sorted(bot.outcomes.for_ts(question["ts"])) == [
        "enqueued:mention",
        "skipped:mention_answered_via_app_mention",
    ]
    bot.sandbox.redeliver_last(event_type="app_mention")
    assert "skipped:duplicate_delivery" in bot.wait_outcomes(question["ts"], 3)
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_replies_in_threads_the_bot_did_not_answer_are_left_alone(bot: Bot) -> None:
    root = bot.sandbox.post_message("U_BOB", "C_GENERAL", "Deploy is done.")
    bot.wait_outcomes(root["ts"])
    reply = bot.ask("Which version did we deploy?", thread_ts=root["ts"])
    assert bot.outcomes.for_ts(reply["ts"]) == ["skipped:thread_not_answered_by_bot"]
    mention = bot.ask("<@UBOT> what is the on-call rotation?", thread_ts=root["ts"])
    assert "enqueued:mention" in bot.outcomes.for_ts(mention["ts"])


def test_mention_only_and_off_channels(make_bot: Callable[..., Bot], tmp_path: Path) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text("defaults:\n  mode: mention\nchannels:\n  G_PRIVATE:\n    mode: 'off'\n")
    bot = make_bot(GLEANBOT_CHANNELS=str(policy))
    plain = bot.ask("What are the company holidays in 2025?")
    assert bot.outcomes.for_ts(plain["ts"]) == ["skipped:mention_only_channel"]
    off = bot.ask("<@UBOT> What are the company holidays in 2025?", channel="G_PRIVATE")
    assert "notice:channel_off" in bot.outcomes.for_ts(off["ts"])
    [notice] = bot.sandbox.ephemerals("G_PRIVATE", "U_ALICE")
    assert "switched off" in notice["text"]


def test_forged_or_stale_signatures_are_refused(bot: Bot) -> None:
    body = message_event_body(
        "What are the company holidays in 2025?", event_id="EvForged1", ts="1700000000.000100"
    )
    url = f"{bot.url}/slack/events"
    forged = httpx.post(url, content=body, headers=signed_headers(body, secret="not-the-secret"))
    stale = httpx.post(url, content=body, headers=signed_headers(body, timestamp=int(time.time()) - 600))
    unsigned = httpx.post(url, content=body, headers={"content-type": "application/json"})
    assert (forged.status_code, stale.status_code, unsigned.status_code) == (401, 401, 401)
    good = httpx.post(url, content=body, headers=signed_headers(body))
    assert good.status_code == 200
    assert bot.wait_outcomes("1700000000.000100") == ["enqueued:question"]  # only the signed one got in


def test_healthz_and_unknown_paths(bot: Bot) -> None:
    health = httpx.get(f"{bot.url}/healthz")
    assert (health.status_code, health.json()) == (200, {"ok": True, "redis": True})
    assert httpx.get(f"{bot.url}/nope").status_code == 404


def test_without_ask_the_local_classifier_decides_and_says_so_once(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.glean_fault("ask", status=404, count=50)  # as on current Glean instances
    with caplog.at_level("INFO", logger="gleanbot"):
        question = bot.ask("What are the company holidays in 2025?")
        statement = bot.ask("The deploy finished at 5pm, all green.")
        another = bot.ask("How do I set up the VPN?")
    assert bot.outcomes.for_ts(question["ts"]) == ["enqueued:question"]
    assert bot.outcomes.for_ts(statement["ts"])[0].startswith("skipped:not_question(local:")
    assert bot.outcomes.for_ts(another["ts"]) == ["enqueued:question"]
    assert len([r for r in caplog.records if getattr(r, "event", "") == "ask_unavailable"]) == 1
    faults = httpx.get(f"{bot.glean.base_url}/_local/faults").json()["faults"]
    assert faults[0]["remaining"] == 49  # ask was tried once, then no more
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_feedback_buttons_are_recorded(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    [reply] = bot.replies(question["ts"])
    delivery = bot.sandbox.click("U_BOB", "C_GENERAL", reply["ts"], "gleanbot_feedback", value="good")
    assert delivery.ok
    key = f"gleanbot:T0SANDBOX:feedback:C_GENERAL:{reply['ts']}:U_BOB"
    assert bot.sandbox.wait_for(lambda: bot.store.redis.get(key)) == "good"


def test_the_glean_command_answers_with_help(bot: Bot) -> None:
    delivery = bot.sandbox.slash_command("U_ALICE", "C_GENERAL", "/glean", "help")
    assert delivery.ok and "mention me" in delivery.response_body
