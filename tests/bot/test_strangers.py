"""People from another organization (Slack Connect partners) are refused everywhere, with a clear reason:
channel questions, DMs, file shares, `/glean` and buttons, in both identity modes; and "Share to thread"
checks the channel again at the click."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from core.notices import NOTICE_MEMBER_UNKNOWN, NOTICE_STRANGER
from core.store import Store
from tests.harness import Bot, message_event_body, saved_chats, signed_headers

ACT_AS = {"GLEAN_API_TOKEN": "dev-global-token", "GLEAN_ACT_AS": "asker"}
QUESTION = "What are the company holidays in 2025?"
MODES = [pytest.param({}, id="token-identity"), pytest.param(ACT_AS, id="act-as")]


def _open_to_partners(tmp_path: Path) -> str:
    # The admin let the bot answer in the Slack Connect channel: its members may ask, partners still not.
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  C_SHARED:\n    allow_external: true\n    visibility: public\n")
    return str(policy)


def _nothing_reached_glean(bot: Bot) -> None:
    bot.work()
    assert saved_chats(bot, "dev-global-token", act_as="carol@partner.example") == []
    assert saved_chats(bot) == []
    assert bot.queue.count == 0


@pytest.mark.parametrize("mode", MODES)
def test_a_partner_in_an_open_slack_connect_channel_is_refused_a_member_answered(
    make_bot: Callable[..., Bot], tmp_path: Path, mode: dict[str, str]
) -> None:
    bot = make_bot(**mode, GLEANBOT_CHANNELS=_open_to_partners(tmp_path))
    mention = bot.ask(f"<@UBOT> {QUESTION}", user="U_EXT", channel="C_SHARED")
    assert "notice:stranger" in bot.outcomes.for_ts(mention["ts"])
    plain = bot.ask(QUESTION, user="U_EXT", channel="C_SHARED")
    assert bot.outcomes.for_ts(plain["ts"]) == ["skipped:stranger"]
    [refusal] = bot.sandbox.ephemerals("C_SHARED", "U_EXT")
    assert refusal["text"].endswith(NOTICE_STRANGER)
    assert bot.replies(mention["ts"], channel="C_SHARED") == []
    _nothing_reached_glean(bot)
    # The channel is open to the bot: the workspace's own people are answered there.
    alice = bot.ask(f"<@UBOT> {QUESTION}", channel="C_SHARED")
    bot.work()
    assert len(bot.replies(alice["ts"], channel="C_SHARED")) == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_partners_dm_is_refused_with_a_reply(make_bot: Callable[..., Bot], mode: dict[str, str]) -> None:
    bot = make_bot(**mode)
    bot.sandbox.add_channel("D_EXT", is_im=True, user="U_EXT")
    dm = bot.ask(QUESTION, user="U_EXT", channel="D_EXT")
    assert bot.outcomes.for_ts(dm["ts"]) == ["notice:stranger"]
    [reply] = bot.replies(dm["ts"], channel="D_EXT")
    assert NOTICE_STRANGER in reply["text"]
    _nothing_reached_glean(bot)


def test_a_partners_file_is_not_forwarded(make_bot: Callable[..., Bot], tmp_path: Path) -> None:
    bot = make_bot(GLEANBOT_CHANNELS=_open_to_partners(tmp_path))
    shared = bot.sandbox.upload_file(
        "U_EXT", "C_SHARED", "plan.txt", b"our roadmap", text="<@UBOT> summarise"
    )
    bot.wait_outcomes(shared["ts"], 2)
    assert "notice:stranger" in bot.outcomes.for_ts(shared["ts"])
    _nothing_reached_glean(bot)
    assert not [c for c in bot.sandbox.calls("files.info")]  # not even looked at


@pytest.mark.parametrize("mode", MODES)
def test_a_partners_glean_command_is_refused_at_once(
    make_bot: Callable[..., Bot], mode: dict[str, str]
) -> None:
    bot = make_bot(**mode)
    for text in ("history", "clear all", f"ask {QUESTION}", "files"):
        delivery = bot.sandbox.slash_command("U_EXT", "C_SHARED", "/glean", text)
        assert delivery.ok and delivery.elapsed_s < 3
        assert bot.sandbox.ephemerals("C_SHARED", "U_EXT")[-1]["text"].endswith(NOTICE_STRANGER)
    _nothing_reached_glean(bot)


def test_a_command_is_refused_when_slack_cannot_say_who_typed_it(bot: Bot) -> None:
    # /glean carries no home team: users.info decides, and when it fails the person is refused, not served.
    bot.sandbox.add_user("U_NEW", name="dan", email="dan@example.com")
    bot.sandbox.fail_next("users.info", error="internal_error")
    delivery = bot.sandbox.slash_command("U_NEW", "C_GENERAL", "/glean", "history")
    assert delivery.ok and delivery.elapsed_s < 3
    assert bot.sandbox.ephemerals("C_GENERAL", "U_NEW")[-1]["text"].endswith(NOTICE_MEMBER_UNKNOWN)
    assert bot.queue.count == 0
    # Once Slack answers, the member is served: an unknown is never remembered as a stranger.
    assert bot.sandbox.slash_command("U_NEW", "C_GENERAL", "/glean", "history").ok
    assert "saved conversations" in bot.sandbox.ephemerals("C_GENERAL", "U_NEW")[-1]["text"]


def test_a_partners_click_is_refused(bot: Bot) -> None:
    question = bot.ask(QUESTION)
    bot.work()
    [answer] = bot.replies(question["ts"])
    payload = {
        "type": "block_actions",
        "user": {"id": "U_EXT", "team_id": "T0PARTNER"},
        "team": {"id": "T0PARTNER"},
        "channel": {"id": "C_GENERAL"},
        "container": {"type": "message", "channel_id": "C_GENERAL", "message_ts": answer["ts"]},
        "message": {"ts": answer["ts"]},
        "response_url": bot.sandbox.response_url("C_GENERAL", "U_EXT"),
        "trigger_id": "1.2.3",
        "actions": [
            {
                "action_id": "gleanbot_feedback",
                "block_id": "b",
                "type": "button",
                "value": "good",
                "action_ts": str(time.time()),
            }
        ],
    }
    assert bot.sandbox.deliver_action(payload).ok
    bot.sandbox.wait_for(lambda: bot.sandbox.ephemerals("C_GENERAL", "U_EXT"))
    assert bot.sandbox.ephemerals("C_GENERAL", "U_EXT")[-1]["text"].endswith(NOTICE_STRANGER)
    assert bot.store.redis.get(Store.key("T0SANDBOX", "feedback", "C_GENERAL", answer["ts"], "U_EXT")) is None


def test_share_to_thread_is_refused_once_the_channel_is_shared_outside(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(**ACT_AS)
    question = bot.ask(QUESTION)
    bot.work()
    [private] = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    # A day later an admin connects a partner organization to #general.
    bot.sandbox.ws.channels["C_GENERAL"]["is_ext_shared"] = True
    assert bot.sandbox.click("U_ALICE", "C_GENERAL", private["ts"], "gleanbot_share").ok
    bot.sandbox.wait_for(lambda: len(bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")) > 1)
    assert "shared with people outside" in bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")[-1]["text"]
    assert bot.replies(question["ts"]) == []


def test_with_redis_down_a_channel_whose_sharing_is_unknown_gets_no_public_notice(
    make_bot: Callable[..., Bot],
) -> None:
    bot = make_bot(REDIS_URL="redis://127.0.0.1:1/0")
    # An envelope without `is_ext_shared_channel`: only conversations.info (cached in Redis) could say.
    ts = f"{time.time():.6f}"
    body = message_event_body(QUESTION, event_id="EvUnknownShare1", ts=ts)
    assert (
        httpx.post(f"{bot.url}/slack/events", content=body, headers=signed_headers(body)).status_code == 200
    )
    assert bot.wait_outcomes(ts) == ["skipped:redis_down"]
    assert bot.sandbox.calls("chat.postMessage") == []  # before: a notice in the thread, seen by all there
