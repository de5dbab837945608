"""Mentioned mid-thread in a discussion it has not answered, the bot sends Glean that thread so far: who said
what, oldest first, that thread only, newest kept within the budget; follow-ups continue the same chat."""

from __future__ import annotations

from typing import Any

from tests.harness import Bot, saved_chats
from workers.thread_context import THREAD_CONTEXT_MAX_CHARS

VPN = "The VPN client keeps dropping on my new laptop since the update"
SAME = "same for me, it started on Monday"


def _user_turns(bot: Bot) -> list[list[str]]:
    return [
        ["".join(f.text or "" for f in m.fragments or []) for m in c.messages or [] if m.author == "USER"]
        for c in saved_chats(bot)
    ]


def _name(bot: Bot, user_id: str) -> str:
    """The name Slack shows for a person: their display name, else their full name."""
    user = bot.sandbox.ws.users[user_id]
    return str(user["profile"].get("display_name") or user.get("real_name") or user["name"])


def _discussion(bot: Bot, *lines: tuple[str, str]) -> dict[str, Any]:
    """People talk in a thread; the bot answers none of it (statements, not questions)."""
    root = bot.sandbox.post_message(lines[0][0], "C_GENERAL", lines[0][1])
    for user, text in lines[1:]:
        bot.sandbox.post_message(user, "C_GENERAL", text, thread_ts=root["ts"])
    bot.work()
    assert bot.replies(root["ts"]) == []
    return root


def test_a_mention_mid_thread_sends_the_thread_so_far(bot: Bot) -> None:
    other = _discussion(bot, ("U_BOB", "Lunch is at noon today, pizza in the kitchen"))
    root = _discussion(bot, ("U_ALICE", VPN), ("U_BOB", SAME))
    mention = bot.ask("<@UBOT> any idea how to fix this?", thread_ts=root["ts"])
    assert "enqueued:mention" in bot.outcomes.for_ts(mention["ts"])
    bot.work()
    [[turn]] = _user_turns(bot)
    assert turn.startswith("Earlier in this Slack thread, oldest first:")
    alice, bob = _name(bot, "U_ALICE"), _name(bot, "U_BOB")
    assert (
        turn.index(f"{alice}: {VPN}") < turn.index(f"{bob}: {SAME}") < turn.index("any idea how to fix this?")
    )
    assert "pizza" not in turn  # another thread's words never
    assert other["ts"] != root["ts"]
    assert len(bot.replies(root["ts"])) == 1
    # The chat is named after what was asked (as `/glean history` lists it), not after the quoted thread.
    assert [c.name for c in saved_chats(bot)] == ["any idea how to fix this?"]

    # A follow-up continues the same chat; the discussion is already in it.
    bot.ask("And does it work on Linux too?", thread_ts=root["ts"])
    bot.work()
    [[first, second]] = _user_turns(bot)
    assert first == turn and second == "And does it work on Linux too?"


def test_a_long_thread_keeps_its_newest_messages_within_the_budget(bot: Bot) -> None:
    lines = [
        ("U_ALICE" if i % 2 else "U_BOB", f"note {i:02d}: " + "the build server is slow again " * 12)
        for i in range(40)
    ]
    root = _discussion(bot, *lines)
    bot.ask("<@UBOT> what should we do about this?", thread_ts=root["ts"])
    bot.work()
    [[turn]] = _user_turns(bot)
    assert "note 39:" in turn and "note 00:" not in turn  # the end of the discussion, not its start
    assert "(earlier messages left out)" in turn
    assert len(turn) < THREAD_CONTEXT_MAX_CHARS + 300  # the budget, plus the framing and the question


def test_a_question_outside_a_thread_is_sent_alone(bot: Bot) -> None:
    question = bot.ask("<@UBOT> What are the company holidays in 2025?")
    bot.work()
    assert _user_turns(bot) == [["What are the company holidays in 2025?"]]
    assert len(bot.replies(question["ts"])) == 1
