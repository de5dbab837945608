"""The agent container end to end, over signed HTTP and over Socket Mode: Slack's split view beside a channel
(`assistant_thread_started`, a greeting and prompts), a question in its thread answered through the DM intake
(status line first, cleared after; Sources; a title), a Slack Connect channel's context refused, redeliveries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.agent_view import DEFAULT_GREETING, DEFAULT_PROMPTS
from core.settings import Settings, SettingsError
from local_glean import LocalGlean
from local_glean.config import SAMPLE_APPLICATIONS_FILE, LocalGleanConfig
from slack_sandbox import Sandbox
from tests.harness import Bot, clear_proxies, saved_chats, start_bot, start_socket_bot

QUESTION = "What are the company holidays in 2025?"
DM = "D_ALICE"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture(params=["http", "socket"])
def make_agent_bot(
    request: pytest.FixtureRequest, sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> Iterator[Callable[..., Bot]]:
    bots: list[Bot] = []

    def make(**extra: str) -> Bot:
        if request.param == "http":
            bots.append(start_bot(sandbox, glean, redis_url, **extra))
        else:
            bots.append(start_socket_bot(sandbox, glean, redis_url, **extra))
        return bots[-1]

    yield make
    for running in bots:
        running.stop()


@pytest.fixture
def agent_bot(make_agent_bot: Callable[..., Bot]) -> Bot:
    return make_agent_bot()


def _transport_was(bot: Bot) -> None:
    assert bot.sandbox.wait_for_deliveries()
    transports = {d.transport for d in bot.sandbox.deliveries("event")}
    assert transports == {"socket" if not bot.url else "http"}, transports


def _open(bot: Bot, beside: str | None = "C_GENERAL") -> str:
    """Alice opens the container; returns its thread once the bot has greeted her in it."""
    root, delivery = bot.sandbox.people.agent.open("U_ALICE", beside=beside)
    assert delivery is not None and delivery.ok
    bot.sandbox.wait_for(lambda: _bot_posts(bot, root["ts"]))
    return str(root["ts"])


def _bot_posts(bot: Bot, thread_ts: str) -> list[dict[str, Any]]:
    return [m for m in bot.sandbox.messages(DM, thread_ts=thread_ts) if m.get("user") == "UBOT"]


def _thread_calls(bot: Bot, method: str, thread_ts: str) -> list[dict[str, Any]]:
    return [c.params for c in bot.sandbox.calls(method) if c.params.get("thread_ts") == thread_ts and c.ok]


def test_opening_the_container_greets_beside_the_channel_and_sets_the_prompts(agent_bot: Bot) -> None:
    thread_ts = _open(agent_bot)
    [greeting] = _bot_posts(agent_bot, thread_ts)
    assert greeting["text"].startswith(DEFAULT_GREETING)
    assert "<#C_GENERAL>" in greeting["text"]
    agent_bot.sandbox.wait_for(
        lambda: _thread_calls(agent_bot, "assistant.threads.setSuggestedPrompts", thread_ts)
    )
    [call] = _thread_calls(agent_bot, "assistant.threads.setSuggestedPrompts", thread_ts)
    assert call["channel_id"] == DM
    expected = [{"title": p, "message": p} for p in DEFAULT_PROMPTS]
    assert call["prompts"] == expected
    thread = agent_bot.sandbox.people.agent.thread("U_ALICE", thread_ts)
    assert thread is not None and thread["prompts"]["prompts"] == expected
    _transport_was(agent_bot)


def test_opening_the_dm_sets_the_conversation_s_prompts_without_a_thread(agent_bot: Bot) -> None:
    # With agent_view, Slack's sign of an opened DM is app_home_opened (Messages tab); the prompts then belong
    # to the conversation, and a call with a thread_ts would be dropped by Slack.
    delivery = agent_bot.sandbox.people.agent.open_dm("U_ALICE")
    assert delivery is not None and delivery.ok
    agent_bot.sandbox.wait_for(lambda: agent_bot.sandbox.calls("assistant.threads.setSuggestedPrompts"))
    [call] = agent_bot.sandbox.calls("assistant.threads.setSuggestedPrompts")
    assert call.ok and call.params["channel_id"] == DM and "thread_ts" not in call.params
    assert [p["message"] for p in call.params["prompts"]] == list(DEFAULT_PROMPTS)
    assert not agent_bot.sandbox.messages(DM)  # no greeting each time the DM is opened
    _transport_was(agent_bot)


def test_the_greeting_and_prompts_are_the_deployment_s_own(make_agent_bot: Callable[..., Bot]) -> None:
    bot = make_agent_bot(
        GLEANBOT_AGENT_GREETING="Welcome to Acme's Glean.",
        GLEANBOT_AGENT_PROMPTS="Where is the VPN guide? | Who approves travel?",
    )
    thread_ts = _open(bot, beside=None)
    [greeting] = _bot_posts(bot, thread_ts)
    assert greeting["text"] == "Welcome to Acme's Glean."  # no channel beside it: nothing said about one
    bot.sandbox.wait_for(lambda: _thread_calls(bot, "assistant.threads.setSuggestedPrompts", thread_ts))
    [call] = _thread_calls(bot, "assistant.threads.setSuggestedPrompts", thread_ts)
    assert [p["message"] for p in call["prompts"]] == ["Where is the VPN guide?", "Who approves travel?"]


def test_a_question_in_the_container_is_answered_in_its_thread_status_first(agent_bot: Bot) -> None:
    thread_ts = _open(agent_bot)
    agent_bot.sandbox.clear_calls()
    question = agent_bot.sandbox.people.agent.ask("U_ALICE", thread_ts, QUESTION)
    assert agent_bot.wait_outcomes(question["ts"]) == ["enqueued:mention"]
    # The status line is the sign of work in the container, up before any worker ran; no 👀 there.
    status = agent_bot.sandbox.thread_status(DM, thread_ts)
    assert status is not None and status["status"]
    assert not (agent_bot.sandbox.message(DM, question["ts"]) or {}).get("reactions")
    agent_bot.sandbox.wait_for(lambda: _thread_calls(agent_bot, "assistant.threads.setTitle", thread_ts))
    agent_bot.work()

    [_greeting, answer] = _bot_posts(agent_bot, thread_ts)
    sections = [b["text"]["text"] for b in answer.get("blocks") or [] if b.get("type") == "section"]
    assert any(s.startswith("*Sources*\n1. <http") for s in sections)
    [title] = _thread_calls(agent_bot, "assistant.threads.setTitle", thread_ts)
    assert (title["channel_id"], title["title"]) == (DM, QUESTION)
    # Order of what Slack was told: the status, then the answer's first text, which clears it (as Slack does:
    # a bot's post in the thread ends its status), with nothing clearing it before.
    calls = [c for c in agent_bot.sandbox.calls() if c.ok and c.params.get("thread_ts") == thread_ts]
    names = [(c.method, c.params.get("status")) for c in calls]
    shown = names.index(("assistant.threads.setStatus", status["status"]))
    first_text = next(i for i, (m, _s) in enumerate(names) if m in ("chat.startStream", "chat.postMessage"))
    assert shown < first_text, names
    assert ("assistant.threads.setStatus", "") not in names[:first_text], names
    assert agent_bot.sandbox.thread_status(DM, thread_ts) is None

    # A second question continues the same thread and chat, and keeps the first question's title.
    follow_up = agent_bot.sandbox.people.agent.ask("U_ALICE", thread_ts, "And how many PTO days do we get?")
    assert agent_bot.wait_outcomes(follow_up["ts"]) == ["enqueued:followup"]
    agent_bot.work()
    assert len(_bot_posts(agent_bot, thread_ts)) == 3
    assert len(_thread_calls(agent_bot, "assistant.threads.setTitle", thread_ts)) == 1


def test_a_failed_answer_in_the_container_is_told_there_and_ends_the_status(agent_bot: Bot) -> None:
    thread_ts = _open(agent_bot)
    agent_bot.glean_fault("chat", status=408)
    question = agent_bot.sandbox.people.agent.ask("U_ALICE", thread_ts, QUESTION)
    agent_bot.wait_outcomes(question["ts"])
    assert agent_bot.sandbox.thread_status(DM, thread_ts) is not None
    agent_bot.work()
    [_greeting, notice] = _bot_posts(agent_bot, thread_ts)
    assert "Glean took too long" in notice["text"]
    assert agent_bot.sandbox.thread_status(DM, thread_ts) is None


def test_a_file_shared_in_the_container_is_read_for_the_question(agent_bot: Bot) -> None:
    thread_ts = _open(agent_bot)
    plan = b"# Zorblax launch plan\n\nThe Zorblax launch is scheduled for 14 March 2026.\n"
    shared = agent_bot.sandbox.upload_file(
        "U_ALICE",
        DM,
        "zorblax-plan.md",
        plan,
        "text/markdown",
        text="When is the Zorblax launch scheduled?",
        thread_ts=thread_ts,
    )
    assert agent_bot.wait_outcomes(shared["ts"]) == ["enqueued:mention"]
    agent_bot.work()
    texts = [m["text"] for m in _bot_posts(agent_bot, thread_ts)]
    assert any("Added *zorblax-plan.md*" in t for t in texts)
    assert "14 March 2026" in texts[-1]
    assert agent_bot.store.thread_files("T0SANDBOX", DM, thread_ts)


def test_a_slack_connect_channel_beside_the_container_is_refused(agent_bot: Bot) -> None:
    thread_ts = _open(agent_bot, beside="C_SHARED")
    [greeting] = _bot_posts(agent_bot, thread_ts)
    assert ":no_entry:" in greeting["text"] and "Slack Connect" in greeting["text"]
    assert "You opened me beside" not in greeting["text"]
    record = agent_bot.store.agent_thread("T0SANDBOX", DM, thread_ts)
    assert record is not None and record["context"] == ""  # never used for the thread's questions
    # Moving beside #general afterwards makes that the thread's context.
    delivery = agent_bot.sandbox.people.agent.move("U_ALICE", thread_ts, beside="C_GENERAL")
    assert delivery is not None and delivery.ok
    agent_bot.sandbox.wait_for(
        lambda: (agent_bot.store.agent_thread("T0SANDBOX", DM, thread_ts) or {}).get("context") == "C_GENERAL"
    )


def test_a_person_of_another_organization_is_refused_in_the_container(agent_bot: Bot) -> None:
    root, delivery = agent_bot.sandbox.people.agent.open("U_EXT", beside="C_SHARED")
    assert delivery is not None and delivery.ok
    dm = agent_bot.sandbox.ws.ensure_im("U_EXT")
    agent_bot.sandbox.wait_for(
        lambda: [m for m in agent_bot.sandbox.messages(dm, thread_ts=root["ts"]) if m.get("user") == "UBOT"]
    )
    [refusal] = [m for m in agent_bot.sandbox.messages(dm, thread_ts=root["ts"]) if m.get("user") == "UBOT"]
    assert refusal["text"].startswith(":no_entry: I only answer people of the organization")
    assert not agent_bot.sandbox.calls("assistant.threads.setSuggestedPrompts")
    assert agent_bot.store.agent_thread("T0SANDBOX", dm, root["ts"]) is None


def test_redelivered_container_events_are_answered_once(agent_bot: Bot) -> None:
    thread_ts = _open(agent_bot)
    agent_bot.sandbox.redeliver_last(event_type="assistant_thread_started")
    question = agent_bot.sandbox.people.agent.ask("U_ALICE", thread_ts, QUESTION)
    agent_bot.wait_outcomes(question["ts"])
    agent_bot.sandbox.redeliver_last(event_type="message")
    assert agent_bot.wait_outcomes(question["ts"], 2) == ["enqueued:mention", "skipped:duplicate_delivery"]
    agent_bot.work()
    assert agent_bot.sandbox.wait_for_deliveries()
    [_greeting, _answer] = _bot_posts(agent_bot, thread_ts)
    assert len(_thread_calls(agent_bot, "assistant.threads.setSuggestedPrompts", thread_ts)) == 1


def test_a_plain_dm_thread_is_not_a_container(agent_bot: Bot) -> None:
    # Bolt's Assistant sees every DM thread reply: outside a container thread nothing of the container is used.
    first = agent_bot.ask(QUESTION, channel=DM)
    agent_bot.work()
    follow_up = agent_bot.ask("And how many PTO days do we get?", channel=DM, thread_ts=first["ts"])
    assert agent_bot.outcomes.for_ts(follow_up["ts"]) == ["enqueued:followup"]
    assert (agent_bot.sandbox.message(DM, follow_up["ts"]) or {}).get("reactions")  # 👀 as before
    agent_bot.work()
    assert not agent_bot.sandbox.calls("assistant.threads.setTitle")


def test_agent_settings_are_checked_at_start_up() -> None:
    base = {"GLEAN_SERVER_URL": "http://127.0.0.1:8731", "GLEAN_API_TOKEN": "dev-token"}
    with pytest.raises(SettingsError, match="GLEANBOT_AGENT_PROMPTS"):
        Settings.from_env({**base, "GLEANBOT_AGENT_PROMPTS": "a|b|c|d|e"})
    with pytest.raises(SettingsError, match="GLEANBOT_AGENT_GREETING"):
        Settings.from_env({**base, "GLEANBOT_AGENT_GREETING": "x" * 1001})
    assert Settings.from_env({**base, "GLEANBOT_AGENT_PROMPTS": "none"}).agent.prompts == ()


def test_the_channel_beside_the_container_brings_its_glean_application(
    sandbox: Sandbox, redis_url: str, tmp_path: Path
) -> None:
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  C_GENERAL:\n    application_id: people\n")
    config = LocalGleanConfig(data_dir=tmp_path / "glean", applications_file=SAMPLE_APPLICATIONS_FILE)
    with LocalGlean(config) as glean:
        bot = start_bot(sandbox, glean, redis_url, GLEANBOT_CHANNELS=str(policy))
        try:
            for beside, expected in (("C_GENERAL", "people"), (None, None)):
                thread_ts = _open(bot, beside=beside)
                question = bot.sandbox.people.agent.ask("U_ALICE", thread_ts, QUESTION)
                assert bot.wait_outcomes(question["ts"]) == ["enqueued:mention"]
                bot.work()
                assert len(_bot_posts(bot, thread_ts)) == 2
                chats = [c for c in saved_chats(bot) if c.id == bot.store.chat_id("T0SANDBOX", DM, thread_ts)]
                assert [c.application_id for c in chats] == [expected]
        finally:
            bot.stop()
