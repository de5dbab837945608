"""Questions as people type them in Slack: small talk, paraphrases and typos still get cited answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from local_glean import LocalGlean
from local_glean.embed import shared_embedder

from .helpers import answer_text, ask_chat, cited_titles


@pytest.mark.parametrize(
    ("question", "title", "fact"),
    [
        # The three phrasings that got "I couldn't find anything" before (issue 12).
        ("quick question - where do I find the vpn setup guide", "VPN Setup Guide", "WireGuard"),
        ("who do I talk to about expenses for a trip", "Expense Policy", "Navan"),
        (
            "Sorry to bother, how many vacation days can I carry over?",
            "Paid Time Off (PTO) Policy",
            "5 unused",
        ),
        # Typos: a word the documents never use becomes their nearest spelling.
        ("how many vaction days do i get", "Paid Time Off (PTO) Policy", "20 days of vacation"),
        ("hwo do I get paged", "On-Call Runbook", "Acknowledge the page"),
        # Paraphrase: "dinner" is not in the policy; the model puts it next to "meals".
        ("whats the limit for a client dinner", "Expense Policy", "100 USD per person"),
    ],
)
def test_chatty_question_gets_a_cited_answer(
    server: LocalGlean, user: str, question: str, title: str, fact: str
) -> None:
    reply = ask_chat(server, user, question)
    assert cited_titles(reply)[0] == title
    assert fact in answer_text(reply)
    assert "couldn't find" not in answer_text(reply)


@pytest.mark.parametrize(
    "question",
    [
        "Hi! sorry to bug you - what's the dress code at the office?",
        "how do I join the company softball team",
    ],
)
def test_out_of_corpus_question_is_refused_without_a_citation(
    server: LocalGlean, user: str, question: str
) -> None:
    reply = ask_chat(server, user, question)
    assert "couldn't find anything" in answer_text(reply)
    assert cited_titles(reply) == []


# Handbook words in another sense (issue 12): the security policy says "policy" and talks of colleagues,
# the travel policy of booking and offices, the benefits guide of joining; none of them answers these. Each
# comes with a paraphrase that has as few of its document's words, which must still be answered.
@pytest.mark.parametrize(
    ("outside", "paraphrase", "title", "fact"),
    [
        (
            "do we have a policy on dating coworkers",
            "do sick days come out of my vacation",
            "Paid Time Off (PTO) Policy",
            "separate from vacation",
        ),
        (
            "how do i book a meeting room in the boston office",
            "can I move to another country and keep my job",
            "Remote and Hybrid Work Guidelines",
            "20 working days",
        ),
        (
            "how soon do my stock options vest after i join",
            "how many counselling sessions are free",
            "Benefits Guide",
            "12 sessions",
        ),
    ],
)
def test_borrowed_handbook_words_are_refused_and_a_paraphrase_is_not(
    server: LocalGlean, user: str, outside: str, paraphrase: str, title: str, fact: str
) -> None:
    refused = ask_chat(server, user, outside)
    assert "couldn't find anything" in answer_text(refused)
    assert cited_titles(refused) == []
    answered = ask_chat(server, user, paraphrase)
    assert cited_titles(answered)[0] == title
    assert fact in answer_text(answered)


def test_searching_update_shows_the_question_without_its_small_talk(server: LocalGlean, user: str) -> None:
    reply = ask_chat(server, user, "quick question - where do I find the vpn setup guide")
    searched = reply["messages"][0]["fragments"][1]["querySuggestion"]["query"]
    assert searched == "vpn setup guide"


def test_the_embedding_model_ships_in_the_installed_packages() -> None:
    # Nothing may be downloaded at run time: the model must load from installed package data.
    embedder = shared_embedder()
    assert embedder is not None
    trip, travel, parking = embedder.vectors(["trip", "travel", "parking"])
    assert float(trip @ travel) > float(trip @ parking)


def test_keyword_only_mode_still_answers_exact_questions(
    make_server: Callable[..., LocalGlean], user: str
) -> None:
    server = make_server(semantic_search=False)
    reply = ask_chat(server, user, "How many vacation days can I carry over?")
    assert cited_titles(reply)[0] == "Paid Time Off (PTO) Policy"
    assert "couldn't find anything" in answer_text(ask_chat(server, user, "what's the dress code?"))
