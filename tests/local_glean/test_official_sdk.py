"""Glean's official Python SDK (glean-api-client, pinned) runs every chat call against local_glean."""

from __future__ import annotations

import json

import pytest
from glean.api_client import Glean, errors, models

from local_glean import LocalGlean

from .helpers import sdk

QUESTION = "How much is the home office stipend?"


def _text(messages: list[models.ChatMessage]) -> str:
    return "".join(
        f.text or ""
        for m in messages
        if m.message_type == models.MessageType.CONTENT
        for f in m.fragments or []
    )


def _citations(messages: list[models.ChatMessage]) -> list[models.ChatMessageCitation]:
    return [f.citation for m in messages for f in m.fragments or [] if f.citation is not None]


def test_create_answers_with_inline_citations(official: Glean) -> None:
    reply = official.client.chat.create(
        messages=[{"fragments": [{"text": QUESTION}]}],
        save_chat=False,
        agent_config={"agent": "DEFAULT", "mode": "DEFAULT"},
        timeout_millis=30_000,
        timezone_offset=-420,
    )
    assert reply.chat_id is None  # not saved
    types = [m.message_type for m in reply.messages or []]
    assert types[0] == models.MessageType.UPDATE and types[-1] == models.MessageType.CONTENT
    assert "500 USD" in _text(reply.messages or [])
    sources = [c.source_document for c in _citations(reply.messages or [])]
    assert [s.title for s in sources if s] == ["Remote and Hybrid Work Guidelines"]
    assert sources[0] is not None and (sources[0].url or "").endswith("/docs/remote-work.html")
    assert reply.follow_up_prompts and reply.chat_session_tracking_token


def test_create_stream_returns_ndjson_with_deltas(official: Glean) -> None:
    body = official.client.chat.create_stream(
        messages=[{"fragments": [{"text": "How do I request a corporate card?"}]}],
        stream=True,
        save_chat=True,
    )
    lines = [models.ChatResponse.model_validate_json(line) for line in body.splitlines() if line.strip()]
    assert len(lines) > 5
    first_update = lines[0].messages[0] if lines[0].messages else None
    assert first_update is not None and first_update.message_type == models.MessageType.UPDATE
    assert (first_update.fragments or [])[0].text == "**Searching:** "
    chat_ids = {line.chat_id for line in lines}
    assert len(chat_ids) == 1 and None not in chat_ids  # saved: the chatId rides on every line
    content = [
        m for line in lines for m in line.messages or [] if m.message_type == models.MessageType.CONTENT
    ]
    assert len({m.message_id for m in content}) == 1
    # hasMoreFragments is deprecated in the SDK (reading it warns): check it on the raw lines.
    flags = [
        m["hasMoreFragments"]
        for raw in body.splitlines()
        for m in json.loads(raw)["messages"]
        if m["messageType"] == "CONTENT"
    ]
    assert flags == [True] * (len(flags) - 1) + [False]
    assert "corporate card" in _text(content).lower()
    assert any(c.source_document and c.source_document.title == "Expense Policy" for c in _citations(content))
    assert lines[-1].follow_up_prompts


def test_saved_chats_list_retrieve_delete(official: Glean) -> None:
    chat = official.client.chat
    first = chat.create(
        messages=[{"fragments": [{"text": "What is the per diem in Europe?"}]}], save_chat=True
    )
    second = chat.create(
        messages=[{"fragments": [{"text": "Who do I call when locked out of Okta?"}]}], save_chat=True
    )
    assert first.chat_id and second.chat_id and first.chat_id != second.chat_id

    listed = chat.list().chat_results or []
    assert [r.chat.id for r in listed if r.chat] == [second.chat_id, first.chat_id]  # newest first
    meta = listed[1].chat
    assert meta is not None and meta.name == "What is the per diem in Europe?"
    assert isinstance(meta.create_time, int) and isinstance(meta.update_time, int)

    got = chat.retrieve(id=first.chat_id).chat_result
    assert got is not None and got.chat is not None
    messages = got.chat.messages or []
    assert messages[0].author == models.Author.USER
    assert _text(messages[:1]) == "What is the per diem in Europe?"
    assert "60 EUR" in _text(messages[1:])

    chat.delete(ids=[first.chat_id])
    assert [r.chat.id for r in chat.list().chat_results or [] if r.chat] == [second.chat_id]
    with pytest.raises(errors.GleanError) as missing:
        chat.retrieve(id=first.chat_id)
    assert missing.value.status_code == 404

    chat.delete_all()
    assert not chat.list().chat_results


def test_retrieve_application(official: Glean) -> None:
    default = official.client.chat.retrieve_application(id="default").application
    assert default["id"] == "default"
    people = official.client.chat.retrieve_application(id="people").application
    assert people["name"] == "People Ops assistant"
    with pytest.raises(errors.GleanError) as unknown:
        official.client.chat.retrieve_application(id="no-such-app")
    assert unknown.value.status_code == 404


def test_files_upload_retrieve_download_delete(official: Glean, server: LocalGlean) -> None:
    chat = official.client.chat
    content = b"Project Heron ships on 12 March. The release manager is Dana Whitfield."
    uploaded = chat.upload_files(
        files=[{"file_name": "heron-plan.txt", "content": content, "content_type": "text/plain"}]
    ).files
    assert uploaded and len(uploaded) == 1
    file = uploaded[0]
    assert file.id and file.name == "heron-plan.txt" and file.metadata is not None
    assert file.metadata.status == models.ChatFileStatus.PROCESSED
    assert file.metadata.processed_size == len(content)

    found = chat.retrieve_files(file_ids=[file.id]).files
    assert found is not None and set(found) == {file.id} and found[file.id].name == "heron-plan.txt"

    download = chat.retrieve_file(file_id=file.id)
    assert download.read() == content
    assert download.headers["content-type"] == "application/octet-stream"
    assert 'filename="heron-plan.txt"' in download.headers["content-disposition"]

    answer = chat.create(
        messages=[
            {"fragments": [{"text": "Who is the release manager for Heron?"}], "uploadedFileIds": [file.id]}
        ]
    )
    assert "Dana Whitfield" in _text(answer.messages or [])
    cited = _citations(answer.messages or [])
    assert cited and cited[0].source_file is not None and cited[0].source_file.id == file.id

    chat.delete_files(file_ids=[file.id])
    with pytest.raises(errors.GleanError) as gone:
        chat.retrieve_files(file_ids=[file.id])
    assert gone.value.status_code == 404
    assert not list((server.config.data_dir / "files").glob(f"{file.id}*"))  # gone from disk


def test_act_as_via_http_headers_per_call(server: LocalGlean, user: str) -> None:
    with sdk(server) as plain:
        saved = plain.client.chat.create(
            messages=[{"fragments": [{"text": "How many vacation days carry over?"}]}],
            save_chat=True,
            http_headers={"X-Glean-ActAs": user},
        )
        listed = plain.client.chat.list(http_headers={"X-Glean-ActAs": user}).chat_results or []
        assert [r.chat.id for r in listed if r.chat] == [saved.chat_id]
        with pytest.raises(errors.GleanError) as no_act_as:
            plain.client.chat.list()
        assert no_act_as.value.status_code == 401
        assert "X-Glean-ActAs" in no_act_as.value.body


def test_sdk_errors_carry_plain_text_reasons(official: Glean) -> None:
    with pytest.raises(errors.GleanError) as bad:
        official.client.chat.retrieve_files(file_ids=[])
    assert bad.value.status_code == 400
    assert "fileIds" in bad.value.body


def test_stream_lines_are_json_objects_without_sse_framing(official: Glean) -> None:
    body = official.client.chat.create_stream(
        messages=[{"fragments": [{"text": "VPN handshake"}]}], stream=True
    )
    for line in body.splitlines():
        assert not line.startswith("data:")
        assert isinstance(json.loads(line), dict)
