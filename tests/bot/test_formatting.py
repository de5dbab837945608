"""Slack rendering: mrkdwn conversion, Sources, and splitting long answers without losing text."""

from __future__ import annotations

import json
import re

from bot.prefilter import prefilter
from core.blocks import Source, private_answer_messages, public_answer_messages
from core.inbound import slack_to_plain
from core.mrkdwn import MARKDOWN_PART_MAX_CHARS, SECTION_TEXT_MAX_CHARS, markdown_to_mrkdwn, split_text

SOURCES = [Source(1, "Holiday calendar", "https://docs.example/h?a=1&b=2"), Source(2, "PTO | policy", None)]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9]+", text.replace("```", ""))


def test_markdown_becomes_mrkdwn() -> None:
    md = (
        "## Title\n**bold** and *it* and ~~gone~~ [link](https://x.example/a|b) `**code**`\n- item\n1 < 2 & 3"
    )
    out = markdown_to_mrkdwn(md)
    assert out.splitlines() == [
        "*Title*",
        "*bold* and _it_ and ~gone~ <https://x.example/a%7Cb|link> `**code**`",
        "• item",
        "1 &lt; 2 &amp; 3",
    ]


def test_split_keeps_every_word_and_respects_the_limit() -> None:
    text = (
        "\n\n".join(f"Paragraph {i} " + "word " * 150 for i in range(60))
        + "\n```\n"
        + "x = 1\n" * 900
        + "```"
    )
    parts = split_text(text, SECTION_TEXT_MAX_CHARS)
    assert all(len(p) <= SECTION_TEXT_MAX_CHARS for p in parts)
    assert _words(" ".join(parts)) == _words(text)
    assert all(p.count("```") % 2 == 0 for p in parts)  # code blocks closed and reopened at cuts


def test_public_answer_has_linked_citations_sources_and_feedback() -> None:
    [message] = public_answer_messages("We get 10 days [1] of PTO [2].", SOURCES)
    types = [b["type"] for b in message.blocks]
    assert types == ["markdown", "section", "context_actions"]
    assert "[[1]](https://docs.example/h?a=1&b=2)" in message.blocks[0]["text"]
    sources = message.blocks[1]["text"]["text"]
    assert sources == "*Sources*\n1. <https://docs.example/h?a=1&amp;b=2|Holiday calendar>\n2. PTO | policy"
    assert message.blocks[2]["elements"][0]["type"] == "feedback_buttons"


def test_long_public_answer_is_split_in_order_never_cut() -> None:
    body = "\n\n".join(f"Section {i}: " + "lorem ipsum " * 200 for i in range(20))
    messages = public_answer_messages(body, SOURCES)
    assert len(messages) > 1
    texts = [b["text"] for m in messages for b in m.blocks if b["type"] == "markdown"]
    assert all(len(t) <= MARKDOWN_PART_MAX_CHARS for t in texts)
    assert _words(" ".join(texts)) == _words(body)
    assert messages[-1].blocks[-1]["type"] == "context_actions"


def test_private_answer_has_share_button_and_fits_sections() -> None:
    messages = private_answer_messages("x " * 5000, SOURCES, "share123")
    blocks = [b for m in messages for b in m.blocks]
    assert all(len(b["text"]["text"]) <= SECTION_TEXT_MAX_CHARS for b in blocks if b["type"] == "section")
    share = next(b for b in blocks if b["type"] == "actions")["elements"][0]
    assert (share["action_id"], share["value"]) == ("gleanbot_share", "share123")


def test_slack_text_to_question() -> None:
    text = "<@UBOT> where is <https://x.example|the doc> for <#C1|eng>? &lt;urgent&gt; cc <@U_BOB>"
    assert slack_to_plain(text, "UBOT") == "where is the doc (https://x.example) for #eng? <urgent> cc @U_BOB"


def test_prefilter_skips_obvious_non_questions() -> None:
    for text in ["thanks!", "Thank you so much!!", ":tada: :tada:", "https://example.com", "hi all", "ok"]:
        assert prefilter(text) is not None, text
    for text in ["what is the holiday policy?", "how do I reset my VPN password", "where's the deck"]:
        assert prefilter(text) is None, text


def test_a_private_answer_says_it_may_hold_the_askers_documents_only_when_glean_acted_as_them() -> None:
    def notes(with_their_access: bool) -> str:
        messages = private_answer_messages("Answer.", SOURCES, "share1", with_their_access=with_their_access)
        return json.dumps([m.blocks for m in messages])

    assert "documents only you can access" in notes(True)
    assert "documents only you can access" not in notes(False)
    assert "Only you can see this answer." in notes(False)
