"""Private answers with the token's own identity: each person in a thread has their own Glean chat, so one
person's private answer is never written with another's questions in context, and it is theirs to clear."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.bot.test_commands import CommandLog, _click, _glean, command_log
from tests.harness import Bot, saved_chats

__all__ = ["command_log"]  # the fixture, shared with test_commands

TEAM = "T0SANDBOX"
HOLIDAYS = "What are the company holidays in 2025?"
PTO = "How many PTO days do new employees get?"


@pytest.fixture
def bot(make_bot: Callable[..., Bot], tmp_path: Path) -> Bot:
    policy = tmp_path / "channels.yml"
    policy.write_text("channels:\n  C_GENERAL:\n    visibility: private\n")
    return make_bot(GLEANBOT_CHANNELS=str(policy))  # no act-as: every chat is the token's own identity


def _user_turns(chat: Any) -> list[str]:
    return [
        "".join(f.text or "" for f in m.fragments or []) for m in chat.messages or [] if m.author == "USER"
    ]


def _thread_with_two_people(bot: Bot) -> dict[str, Any]:
    question = bot.ask(HOLIDAYS)
    bot.work()
    bot.ask(PTO, user="U_BOB", thread_ts=question["ts"])
    bot.work()
    bot.ask("And floating holidays?", thread_ts=question["ts"])
    bot.work()
    return question


def test_each_person_gets_their_own_chat_when_answers_are_private(bot: Bot) -> None:
    question = _thread_with_two_people(bot)
    assert bot.replies(question["ts"]) == []  # every answer was private
    assert len(bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")) == 2
    assert len(bot.sandbox.ephemerals("C_GENERAL", "U_BOB")) == 1
    # Glean saw Bob's question in a chat of its own: his answer had none of Alice's questions in context.
    turns = sorted(_user_turns(c) for c in saved_chats(bot))
    assert turns == sorted([[HOLIDAYS, "And floating holidays?"], [PTO]])
    assert bot.store.chat_id(TEAM, "C_GENERAL", question["ts"]) is None  # no shared chat at all
    alice = bot.store.chat_id(TEAM, "C_GENERAL", question["ts"], "U_ALICE")
    bob = bot.store.chat_id(TEAM, "C_GENERAL", question["ts"], "U_BOB")
    assert alice and bob and alice != bob


def test_a_private_chat_is_its_owners_to_see_and_clear(bot: Bot, command_log: CommandLog) -> None:
    question = _thread_with_two_people(bot)
    listed = _glean(bot, command_log, "U_BOB", "history")["text"]
    assert "1." in listed and "2." not in listed  # his own chat, although Alice asked in the thread too
    cleared = _glean(bot, command_log, "U_BOB", "clear")["text"]
    assert cleared.startswith("Deleted 1 conversation")
    assert sorted(_user_turns(c) for c in saved_chats(bot)) == [[HOLIDAYS, "And floating holidays?"]]
    assert bot.store.chat_id(TEAM, "C_GENERAL", question["ts"], "U_BOB") is None
    # His next question in the thread starts fresh, still apart from Alice's.
    bot.ask("Is Boxing Day one?", user="U_BOB", thread_ts=question["ts"])
    bot.work()
    assert sorted(_user_turns(c) for c in saved_chats(bot)) == sorted(
        [["Is Boxing Day one?"], [HOLIDAYS, "And floating holidays?"]]
    )


def test_start_over_on_a_private_answer_deletes_only_the_clickers_chat(
    bot: Bot, command_log: CommandLog
) -> None:
    question = _thread_with_two_people(bot)
    [answer] = bot.sandbox.ephemerals("C_GENERAL", "U_BOB")
    _click(bot, command_log, "U_BOB", "C_GENERAL", answer["ts"], "gleanbot_start_over")
    assert "Started over" in bot.sandbox.ephemerals("C_GENERAL", "U_BOB")[-1]["text"]
    assert bot.store.chat_id(TEAM, "C_GENERAL", question["ts"], "U_BOB") is None
    assert bot.store.chat_id(TEAM, "C_GENERAL", question["ts"], "U_ALICE") is not None
    assert sorted(_user_turns(c) for c in saved_chats(bot)) == [[HOLIDAYS, "And floating holidays?"]]
