"""Our own client, glean_chat, runs every operation (ask included) against local_glean."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from glean_chat import Glean, errors, models, utils
from glean_chat.answer import AnswerBuilder, answer_from_response
from local_glean import LocalGlean

from .helpers import GLOBAL_TOKEN


@pytest.fixture
def client(server: LocalGlean) -> Iterator[Glean]:
    with Glean(bearer_auth=GLOBAL_TOKEN, server_url=server.url, retry_config=utils.NO_RETRIES) as glean:
        yield glean


def test_start_json_and_answer_helpers(client: Glean, user: str) -> None:
    reply = client.client.chat.start(
        messages=[{"fragments": [{"text": "How long is parental leave?"}]}],
        save_chat=True,
        stream=False,
        timeout_millis=30_000,
        x_scio_actas=user,
    )
    answer = answer_from_response(reply)
    assert "16 weeks" in answer.text and "[1]" in answer.text
    assert answer.citations[0].title == "Paid Time Off (PTO) Policy"
    assert answer.chat_id and answer.follow_up_prompts
    assert any(u.startswith("Searching") for u in answer.updates)


def test_start_stream_is_live_and_follow_ups_continue_the_chat(client: Glean, user: str) -> None:
    builder = AnswerBuilder()
    deltas = [
        builder.add(r)
        for r in client.client.chat.start_stream(
            messages=[{"fragments": [{"text": "What are the company holidays?"}]}],
            save_chat=True,
            x_scio_actas=user,
        )
    ]
    first = builder.result()
    assert sum(1 for d in deltas if d) > 10  # many small deltas, not one blob
    assert first.chat_id and first.citations[0].title == "Company Holidays 2025"

    follow = AnswerBuilder()
    for response in client.client.chat.start_stream(
        messages=[{"fragments": [{"text": "and for contractors?"}]}], chat_id=first.chat_id, x_scio_actas=user
    ):
        follow.add(response)
    answer = follow.result()
    assert answer.chat_id == first.chat_id
    assert "Contractors are not covered" in answer.text


def test_ask_detect_only_and_answer(client: Glean, user: str) -> None:
    detected = client.client.chat.ask(
        ask_request={
            "search_request": {"query": "hey team, how do I connect to the VPN from home?"},
            "detect_only": True,
        },
        x_scio_actas=user,
    )
    assert detected.is_question is True
    assert detected.question and "vpn" in detected.question.lower()
    assert detected.chat_response is None

    chatter = client.client.chat.ask(
        ask_request=models.AskRequest(
            search_request=models.SearchRequest(query="thanks, that worked!"), detect_only=True
        ),
        x_scio_actas=user,
    )
    assert chatter.is_question is False

    answered = client.client.chat.ask(
        ask_request={"search_request": {"query": "How do I connect to the VPN from home?"}}, x_scio_actas=user
    )
    assert answered.is_question and answered.chat_response is not None
    assert "VPN Setup Guide" in [c.title for c in answer_from_response(answered.chat_response).citations]
    assert answered.search_response is not None and answered.search_response.results


def test_saved_chat_operations(client: Glean, user: str) -> None:
    chat = client.client.chat
    chat.start(
        messages=[{"fragments": [{"text": "What is the per diem?"}]}], save_chat=True, x_scio_actas=user
    )
    listed = chat.list(x_scio_actas=user).chat_results or []
    assert len(listed) == 1 and listed[0].chat is not None and listed[0].chat.id
    chat_id = listed[0].chat.id
    got = chat.get(id=chat_id, x_scio_actas=user).chat_result
    assert got is not None and got.chat is not None and len(got.chat.messages or []) == 4
    assert chat.get_application(id="it", x_scio_actas=user).application == {
        "id": "it",
        "name": "IT helper",
        "description": "VPN, laptops, accounts and security.",
        "docs": ["vpn-setup.md", "it-helpdesk.txt", "security-policy.md", "onboarding.md"],
    }
    chat.delete(ids=[chat_id], x_scio_actas=user)
    with pytest.raises(errors.GleanError) as gone:
        chat.get(id=chat_id, x_scio_actas=user)
    assert gone.value.status_code == 404
    chat.start(messages=[{"fragments": [{"text": "VPN?"}]}], save_chat=True, x_scio_actas=user)
    chat.delete_all(x_scio_actas=user)
    assert not chat.list(x_scio_actas=user).chat_results


def test_file_operations(client: Glean, user: str) -> None:
    chat = client.client.chat
    files = chat.upload_files(
        files=[
            models.File(file_name="ops.md", content=b"# Ops\n\nThe Lark cluster is patched on Sundays.\n")
        ],
        x_scio_actas=user,
    ).files
    assert files and files[0].id and files[0].metadata and files[0].metadata.status == "PROCESSED"
    file_id = files[0].id
    assert set(chat.get_files(file_ids=[file_id], x_scio_actas=user).files or {}) == {file_id}
    reply = chat.start(
        messages=[
            {"fragments": [{"text": "When is the Lark cluster patched?"}], "uploaded_file_ids": [file_id]}
        ],
        x_scio_actas=user,
    )
    assert "Sundays" in answer_from_response(reply).text
    chat.delete_files(file_ids=[file_id], x_scio_actas=user)
    with pytest.raises(errors.GleanError) as gone:
        chat.get_files(file_ids=[file_id], x_scio_actas=user)
    assert gone.value.status_code == 404


def test_timeouts_and_auth_errors_surface_as_typed_errors(
    client: Glean, server: LocalGlean, user: str
) -> None:
    with pytest.raises(errors.GleanError) as no_act_as:
        client.client.chat.list()
    assert no_act_as.value.status_code == 401
    httpx.post(f"{server.url}/_local/faults", json={"operation": "chat", "delay_ms": 500})
    try:
        with pytest.raises(errors.GleanError) as late:
            client.client.chat.start(
                messages=[{"fragments": [{"text": "VPN?"}]}], timeout_millis=100, x_scio_actas=user
            )
        assert late.value.status_code == 408
    finally:
        httpx.delete(f"{server.url}/_local/faults")
