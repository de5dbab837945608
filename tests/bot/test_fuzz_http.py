"""Property-based fuzzing of the signed HTTP endpoint (Hypothesis): random but well-signed events, `/glean`
commands and button clicks, built by mutating what Slack sends. Each is answered fast with no 5xx, nothing
crashes in a listener, and the bot still answers a real question afterwards.

`GLEANBOT_FUZZ_EXAMPLES` (default 60 per surface) runs more; each test prints how many inputs it sent."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.harness import Bot, signed_headers

NOWHERE = "http://127.0.0.1:9/nowhere"
"""Stands for a real response_url in the strategies; swapped for a sandbox one before sending (a dead one
would make slack_sdk retry with random jitter on its own threads while Hypothesis generates)."""
# Hypothesis warns when the global `random` changes while it generates; the bot's own threads (slack_sdk's
# retry jitter, running beside the test) are not the strategies' doing.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
EXAMPLES = int(os.environ.get("GLEANBOT_FUZZ_EXAMPLES", "60"))
ACK_DEADLINE_S = 3.0  # Slack's: a slower answer is a failed delivery
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any JSON value, small: the shapes a buggy or hostile sender could put anywhere.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
SLACKISH = st.sampled_from(
    ["C_GENERAL", "G_PRIVATE", "C_SHARED", "D_ALICE", "U_ALICE", "U_BOB", "UBOT", "", "1700000000.000100"]
)
TEXT = st.sampled_from(
    ["What are the company holidays in 2025?", "<@UBOT> help", "<@", "**a " * 50]
) | st.text(max_size=200)


def _mutated(base: dict[str, Any], draw: st.DrawFn, keys: list[str]) -> dict[str, Any]:
    """`base` with some fields replaced (by any JSON, or Slack-looking values), some dropped, some added."""
    out = dict(base)
    for key in draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True)):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            out.pop(key, None)
        elif choice == 1:
            out[key] = draw(JSON)
        else:
            out[key] = draw(SLACKISH if choice == 2 else TEXT)
    out.update(draw(st.dictionaries(st.text(max_size=8), JSON, max_size=2)))
    return out


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    event = {
        "type": draw(st.sampled_from(["message", "app_mention", "reaction_added", "file_shared"])),
        "channel": "C_GENERAL",
        "channel_type": "channel",
        "user": "U_ALICE",
        "text": "What are the company holidays in 2025?",
        "ts": f"{1_700_000_000 + draw(st.integers(0, 10**6))}.000100",
    }
    keys = [
        "type",
        "channel",
        "channel_type",
        "user",
        "text",
        "ts",
        "thread_ts",
        "files",
        "subtype",
        "bot_id",
    ]
    envelope = {
        "type": "event_callback",
        "team_id": "T0SANDBOX",
        "api_app_id": "A0SANDBOX",
        "event_id": f"EvFuzz{draw(st.integers(0, 10**9))}",
        "event_time": int(time.time()),
        "event": _mutated(event, draw, keys),
    }
    return _mutated(
        envelope, draw, ["type", "team_id", "event_id", "event", "is_ext_shared_channel", "authorizations"]
    )


@st.composite
def commands(draw: st.DrawFn) -> dict[str, Any]:
    form = {
        "team_id": "T0SANDBOX",
        "channel_id": "C_GENERAL",
        "user_id": "U_ALICE",
        "command": "/glean",
        "text": draw(
            st.sampled_from(["help", "history", "history 2", "clear", "files", "ask", "app"]) | TEXT
        ),
        "response_url": NOWHERE,
        "trigger_id": "1.2.3",
    }
    mutated = _mutated(form, draw, list(form))
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in mutated.items()}  # a form holds strings


@st.composite
def actions(draw: st.DrawFn) -> dict[str, Any]:
    action = {
        "action_id": draw(
            st.sampled_from(
                [
                    "gleanbot_share",
                    "gleanbot_feedback",
                    "gleanbot_start_over",
                    "gleanbot_clear_all_confirm",
                    "gleanbot_home_forget",
                    "gleanbot_home_clear",
                    "gleanbot_home_clear_all",
                ]
            )
        ),
        "block_id": "b",
        "type": "button",
        "value": draw(
            st.sampled_from(["good", "bad", "1700000000.000100|U_ALICE", "", "C_GENERAL:1700000000.000100"])
            | st.text(max_size=60)
        ),
        "action_ts": str(time.time()),
    }
    payload = {
        "type": "block_actions",
        "user": {"id": "U_ALICE", "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX"},
        "channel": {"id": "C_GENERAL"},
        "container": {"type": "message", "channel_id": "C_GENERAL", "message_ts": "1700000000.000100"},
        "response_url": NOWHERE,
        "trigger_id": "1.2.3",
        "actions": [_mutated(action, draw, list(action))],
    }
    return _mutated(payload, draw, ["type", "user", "team", "channel", "container", "actions", "message"])


@st.composite
def submissions(draw: st.DrawFn) -> dict[str, Any]:
    """The modals' view_submission (👎 reason, ask about a message, delete all), fields replaced, dropped or added."""
    reason = {
        "type": "radio_buttons",
        "selected_option": {"value": draw(st.sampled_from(["wrong", "other", "x"]))},
    }
    values = {
        "reason": {"reason": reason},
        "comment": {"comment": {"type": "plain_text_input", "value": "old"}},
        "question": {"question": {"type": "plain_text_input", "value": draw(TEXT)}},
    }
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": draw(
            st.sampled_from(
                ["gleanbot_feedback_reason", "gleanbot_ask_message_view", "gleanbot_home_clear_all_confirm"]
            )
        ),
        "private_metadata": draw(
            st.sampled_from(
                [
                    "0123456789abcdef",
                    "",
                    json.dumps({"c": "C_GENERAL", "m": "1700000000.000100", "t": "1700000000.000100"}),
                    json.dumps({"c": "C_SHARED", "m": 1, "t": None, "r": NOWHERE}),
                ]
            )
            | st.text(max_size=40)
        ),
        "state": {"values": _mutated(values, draw, ["reason", "comment", "question"])},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": "U_ALICE", "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX"},
        "trigger_id": "1.2.3",
        "view": _mutated(view, draw, ["callback_id", "private_metadata", "state"]),
    }
    return _mutated(payload, draw, ["type", "user", "team", "view"])


@st.composite
def shortcuts(draw: st.DrawFn) -> dict[str, Any]:
    """A message shortcut (`message_action`) from a message's ⋯ menu, fields replaced, dropped or added."""
    message = {"type": "message", "user": "U_BOB", "text": draw(TEXT), "ts": "1700000000.000100"}
    payload = {
        "type": "message_action",
        "callback_id": draw(st.sampled_from(["gleanbot_ask_message", "gleanbot_summarize_thread"])),
        "user": {"id": "U_ALICE", "team_id": "T0SANDBOX"},
        "team": {"id": "T0SANDBOX"},
        "channel": {"id": draw(SLACKISH)},
        "trigger_id": "1.2.3",
        "response_url": NOWHERE,
        "message_ts": "1700000000.000100",
        "message": _mutated(message, draw, ["user", "text", "ts", "thread_ts", "files"]),
    }
    return _mutated(payload, draw, ["callback_id", "channel", "message_ts", "message", "trigger_id"])


class Tally:
    def __init__(self) -> None:
        self.sent = 0
        self.statuses: dict[int, int] = {}
        self.slow: list[float] = []

    def post(self, bot: Bot, body: str, content_type: str) -> None:
        headers = {**signed_headers(body), "content-type": content_type}
        started = time.monotonic()
        reply = httpx.post(f"{bot.url}/slack/events", content=body, headers=headers, timeout=10)
        elapsed = time.monotonic() - started
        self.sent += 1
        self.statuses[reply.status_code] = self.statuses.get(reply.status_code, 0) + 1
        if elapsed > ACK_DEADLINE_S:
            self.slow.append(elapsed)
            print(f"slow ({elapsed:.1f} s): {body[:600]}")
        assert reply.status_code < 500, (reply.status_code, body[:300])


@pytest.fixture
def tally(bot: Bot, caplog: pytest.LogCaptureFixture) -> Iterator[Tally]:
    """Counts what was sent; afterwards: none slow, no listener crash logged, and the bot still answers."""
    result = Tally()
    with caplog.at_level(logging.WARNING):
        yield result
    crashes = [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith(("gleanbot", "slack_bolt"))
    ]
    print(
        f"fuzz: {result.sent} inputs, statuses {result.statuses}, {len(result.slow)} slow, {len(crashes)} crashes"
    )
    assert not result.slow
    assert not crashes, [getattr(r, "event", r.getMessage()) for r in crashes]
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    assert len(bot.replies(question["ts"])) == 1


def test_fuzzed_events_never_crash_the_listener(bot: Bot, tally: Tally) -> None:
    @FUZZ
    @given(events())
    def run(body: dict[str, Any]) -> None:
        tally.post(bot, json.dumps(body), "application/json")

    run()


def test_fuzzed_commands_never_crash_the_listener(bot: Bot, tally: Tally) -> None:
    @FUZZ
    @given(commands())
    def run(form: dict[str, str]) -> None:
        if form.get("response_url") == NOWHERE:
            form["response_url"] = bot.sandbox.response_url("C_GENERAL", "U_ALICE")
        tally.post(bot, urlencode(form), "application/x-www-form-urlencoded")

    run()


def test_fuzzed_button_clicks_never_crash_the_listener(bot: Bot, tally: Tally) -> None:
    @FUZZ
    @given(actions())
    def run(payload: dict[str, Any]) -> None:
        if payload.get("response_url") == NOWHERE:
            payload["response_url"] = bot.sandbox.response_url("C_GENERAL", "U_ALICE")
        tally.post(bot, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    run()


def test_fuzzed_modal_submissions_never_crash_the_listener(bot: Bot, tally: Tally) -> None:
    @FUZZ
    @given(submissions())
    def run(payload: dict[str, Any]) -> None:
        tally.post(bot, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    run()


def test_fuzzed_message_shortcuts_never_crash_the_listener(bot: Bot, tally: Tally) -> None:
    @FUZZ
    @given(shortcuts())
    def run(payload: dict[str, Any]) -> None:
        if payload.get("response_url") == NOWHERE:
            payload["response_url"] = bot.sandbox.response_url("C_GENERAL", "U_ALICE")
        tally.post(bot, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    run()
