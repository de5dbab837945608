"""Answers: questions about the sample docs cite the right document; follow-ups; nothing found; re-indexing."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from local_glean import LocalGlean, contextual
from local_glean.embed import shared_embedder
from local_glean.semantic import corpus_for

from .helpers import answer_text, ask_chat, cited_titles, post


@pytest.mark.parametrize(
    ("question", "title", "fact"),
    [
        ("What are the company holidays?", "Company Holidays 2025", "Independence Day"),
        ("How many vacation days can I carry over?", "Paid Time Off (PTO) Policy", "5 unused vacation days"),
        ("What's the limit for client meals?", "Expense Policy", "100 USD per person"),
        ("my vpn says handshake did not complete", "VPN Setup Guide", "UDP port 51820"),
        ("What do I need to do in my first week?", "New Hire Onboarding", "security awareness training"),
        ("How long must passwords be?", "Information Security Policy", "14 characters"),
        ("What do I do when I get paged?", "On-Call Runbook", "Acknowledge the page"),
        ("How much is the learning budget?", "Benefits Guide", "1,500 USD"),
        ("Can I work from abroad?", "Remote and Hybrid Work Guidelines", "20 working days"),  # HTML doc
        ("What class can I fly on long flights?", "Business Travel Policy", "premium economy"),  # PDF doc
        ("What are the helpdesk hours?", "IT Helpdesk: How to Get Help", "8:00 to 18:00"),  # text doc
    ],
)
def test_questions_cite_the_right_document(
    server: LocalGlean, user: str, question: str, title: str, fact: str
) -> None:
    reply = ask_chat(server, user, question)
    assert cited_titles(reply)[0] == title
    assert fact in answer_text(reply)


def test_citations_link_to_the_served_document(server: LocalGlean, user: str) -> None:
    reply = ask_chat(server, user, "What is the per diem in Europe?")
    citation = next(f["citation"] for m in reply["messages"] for f in m["fragments"] if "citation" in f)
    url = citation["sourceDocument"]["url"]
    assert url == f"{server.url}/docs/travel-policy.pdf"
    served = httpx.get(url)  # no token: a Slack user clicking the link gets the document
    assert served.status_code == 200 and served.content.startswith(b"%PDF")
    assert served.headers["content-type"] == "application/pdf"
    assert httpx.get(f"{server.url}/docs/../../etc/passwd").status_code == 404
    assert httpx.get(f"{server.url}/docs/%2e%2e/data/index.sqlite3").status_code == 404


def test_progress_updates_come_before_the_answer(server: LocalGlean, user: str) -> None:
    reply = ask_chat(server, user, "How do I submit an expense claim?")
    searching, reading, content = reply["messages"]
    assert searching["messageType"] == "UPDATE" and searching["fragments"][0]["text"] == "**Searching:** "
    assert "expense" in searching["fragments"][1]["querySuggestion"]["query"]
    assert reading["fragments"][0]["text"] == "**Reading:** "
    docs = [r["document"]["title"] for r in reading["fragments"][1]["structuredResults"]]
    assert "Expense Policy" in docs
    assert content["messageType"] == "CONTENT" and content["author"] == "GLEAN_AI"
    assert reply["followUpPrompts"] and all(p.endswith("?") for p in reply["followUpPrompts"])


def test_nothing_found_is_said_honestly(server: LocalGlean, user: str) -> None:
    reply = ask_chat(server, user, "What is the airspeed velocity of an unladen swallow?")
    text = answer_text(reply)
    assert "couldn't find anything" in text
    assert cited_titles(reply) == []
    assert [m["messageType"] for m in reply["messages"]] == ["UPDATE", "CONTENT"]  # no "Reading" step


def test_follow_up_retrieves_in_the_chats_context(server: LocalGlean, user: str) -> None:
    first = ask_chat(server, user, "What are the company holidays?", saveChat=True)
    follow = ask_chat(server, user, "and for contractors?", chatId=first["chatId"])
    assert follow["chatId"] == first["chatId"]
    assert cited_titles(follow)[0] == "Company Holidays 2025"
    assert "Contractors are not covered by the company holiday calendar" in answer_text(follow)
    # Without the chat, the same words are about something else entirely.
    alone = ask_chat(server, user, "and for contractors?")
    assert "holiday" not in answer_text(alone).split("\n")[0].lower()

    saved = post(server, "getchat", {"id": first["chatId"]}, user=user).json()["chatResult"]["chat"]
    users = [m for m in saved["messages"] if m["author"] == "USER"]
    assert [m["fragments"][0]["text"] for m in users] == [
        "What are the company holidays?",
        "and for contractors?",
    ]


def test_follow_up_history_sent_inline_without_chat_id(server: LocalGlean, user: str) -> None:
    # Glean's order: most recent first.
    reply = ask_chat(
        server,
        user,
        "and for contractors?",
        messages=[
            {"author": "USER", "fragments": [{"text": "and for contractors?"}]},
            {"author": "GLEAN_AI", "fragments": [{"text": "Offices close on public holidays."}]},
            {"author": "USER", "fragments": [{"text": "What are the company holidays?"}]},
        ],
    )
    assert cited_titles(reply)[0] == "Company Holidays 2025"


def test_question_with_no_words_of_its_own_uses_the_chat(server: LocalGlean, user: str) -> None:
    first = ask_chat(server, user, "How much is the home office stipend?", saveChat=True)
    more = ask_chat(server, user, "tell me more", chatId=first["chatId"])
    assert cited_titles(more) == ["Remote and Hybrid Work Guidelines"]


def test_application_restricts_the_documents_used(server: LocalGlean, user: str) -> None:
    question = "What is the per diem in Europe?"
    assert cited_titles(ask_chat(server, user, question))[0] == "Business Travel Policy"
    people = ask_chat(server, user, question, applicationId="people")
    assert "Business Travel Policy" not in cited_titles(people)
    unknown = post(
        server,
        "chat",
        {"messages": [{"fragments": [{"text": question}]}], "applicationId": "nope"},
        user=user,
    )
    assert unknown.status_code == 404 and "nope" in unknown.text


def test_docs_folder_changes_are_picked_up(make_server: Callable[..., LocalGlean], user: str) -> None:
    server = make_server()
    docs = server.config.docs_dir
    question = "What is the parking garage access code?"
    assert "couldn't find anything" in answer_text(ask_chat(server, user, question))

    (docs / "parking.md").write_text(
        "# Parking\n\nThe parking garage access code is 4711, changed monthly.\n"
    )
    added = ask_chat(server, user, question)
    assert cited_titles(added) == ["Parking"] and "4711" in answer_text(added)

    time.sleep(0.01)  # a different mtime even on coarse clocks; the size changes too
    (docs / "parking.md").write_text("# Parking\n\nThe parking garage access code is 9090 since May.\n")
    assert "9090" in answer_text(ask_chat(server, user, question))

    (docs / "parking.md").unlink()
    assert "couldn't find anything" in answer_text(ask_chat(server, user, question))


def test_unreadable_document_is_skipped_not_fatal(make_server: Callable[..., LocalGlean], user: str) -> None:
    server = make_server()
    (server.config.docs_dir / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    reply = ask_chat(server, user, "What is the wellness stipend?")
    assert cited_titles(reply)[0] == "Benefits Guide"


def test_ask_backends(server: LocalGlean, user: str) -> None:
    query = {"searchRequest": {"query": "How do I submit an expense claim?"}}
    search = post(server, "ask", query | {"backend": "SEARCH"}, user=user).json()
    assert search["isQuestion"] is True and "chatResponse" not in search
    results = search["searchResponse"]["results"]
    assert results[0]["title"] == "Expense Policy" and results[0]["snippets"][0]["snippet"]
    chat = post(server, "ask", query | {"backend": "CHAT"}, user=user).json()
    assert "searchResponse" not in chat and "Expensify" in answer_text(chat["chatResponse"])
    slow = post(server, "ask", {"searchRequest": {"query": "VPN?", "timeoutMillis": -1}}, user=user)
    assert slow.status_code == 400
    assert post(server, "listchats", user=user).json()["chatResults"] == []  # ask never saves a chat


def test_big_folder_answers_while_its_sentences_are_read_behind(
    make_server: Callable[..., LocalGlean], user: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handbook stands in for a big folder: with the inline limit below its size, its sentences are
    # read on the background thread, and a question is answered (by word vectors) before that ends.
    monkeypatch.setattr(contextual, "INLINE_PASSAGES", 5)
    server = make_server()
    for number in range(8):  # texts no earlier test has had read, whatever ran before in this process
        (server.config.docs_dir / f"team-{number}.md").write_text(
            f"# Team {number} notes {time.time_ns()}\n\nThe team meets on floor {number} after lunch.\n"
        )
    paraphrase = "how do I get reimbursed for taking a client to dinner"
    early = ask_chat(server, user, paraphrase)
    assert cited_titles(early) and "100 USD per person" in answer_text(early)
    corpus = corpus_for(server.service.index, server.service.index.generation, shared_embedder())
    assert corpus.contextual is not None and corpus.contextual.done.wait(120)
    assert corpus.contextual.ready.all()
    late = ask_chat(server, user, paraphrase)
    assert cited_titles(late)[0] == "Expense Policy" and "100 USD per person" in answer_text(late)
