"""Long answers are split at Slack's limits and never cut: the writers against the Slack sandbox."""

from __future__ import annotations

import re

import pytest
from slack_sdk import WebClient

from core.blocks import Source
from core.clients import make_slack_client
from core.settings import Settings
from slack_sandbox import Sandbox
from workers.writers import PrivateWriter, PublicWriter

SOURCES = [Source(1, "Runbook", "https://docs.example/runbook")]


def _answer() -> str:
    paragraphs = [f"Step {i}: " + " ".join(f"word{i}x{j}" for j in range(60)) for i in range(80)]
    code = "```\n" + "\n".join(f"run --step {i}" for i in range(400)) + "\n```"
    return "\n\n".join(paragraphs[:40]) + "\n\n" + code + "\n\n" + "\n\n".join(paragraphs[40:])


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9-]+", text.replace("```", " "))


@pytest.fixture
def client(sandbox: Sandbox) -> WebClient:
    return make_slack_client(
        Settings(
            slack_bot_token="xoxb-test-token", slack_api_url=sandbox.api_url, glean_server_url="http://x"
        )
    )


@pytest.mark.parametrize("streaming", [True, False], ids=["streamed", "updated"])
def test_a_long_public_answer_spans_messages_in_order(
    sandbox: Sandbox, client: WebClient, streaming: bool
) -> None:
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "How do I run the whole runbook?")
    writer = PublicWriter(
        client,
        channel_id="C_GENERAL",
        thread_ts=question["ts"],
        team_id="T0SANDBOX",
        user_id="U_ALICE",
        streaming=streaming,
        clock=lambda: 0.0,
    )
    answer = _answer()
    for i in range(0, len(answer), 37):  # Glean streams small deltas
        writer.append(answer[i : i + 37])
    writer.finish(answer, SOURCES)
    replies = [m for m in sandbox.messages("C_GENERAL", thread_ts=question["ts"]) if m.get("user") == "UBOT"]
    assert len(replies) >= 3
    bodies = [
        m["text"] if streaming else m["blocks"][0]["text"] for m in replies if m.get("text") != "Sources"
    ]
    assert all(len(b) <= 12_000 for b in bodies)
    assert _words(" ".join(bodies)) == _words(answer)
    assert all(b.count("```") % 2 == 0 for b in bodies)
    assert "*Sources*" in str(replies[-1]["blocks"])
    assert not sandbox.server_errors


def test_a_long_private_answer_spans_ephemerals_with_share_at_the_end(
    sandbox: Sandbox, client: WebClient
) -> None:
    question = sandbox.post_message("U_ALICE", "C_GENERAL", "How do I run the whole runbook?")
    writer = PrivateWriter(
        client, channel_id="C_GENERAL", thread_ts=question["ts"], user_id="U_ALICE", share_id="s1"
    )
    answer = _answer() * 5
    writer.append(answer)
    writer.finish(answer, SOURCES)
    ephemerals = sandbox.ephemerals("C_GENERAL", "U_ALICE")
    assert len(ephemerals) >= 2
    sections = [b["text"]["text"] for m in ephemerals for b in m["blocks"] if b["type"] == "section"]
    assert _words(" ".join(s for s in sections if not s.startswith("*Sources*"))) == _words(answer)
    assert "gleanbot_share" in str(ephemerals[-1]["blocks"]) and "gleanbot_share" not in str(
        ephemerals[0]["blocks"]
    )
