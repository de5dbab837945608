"""`start_stream` yields each NDJSON line as it arrives, and the answer helpers assemble text and citations."""

from __future__ import annotations

import json
import threading

import pytest

from glean_chat import Glean, errors
from glean_chat.answer import AnswerBuilder, answer_from_response, answer_from_responses
from glean_chat.models import ChatResponse
from tests.glean_chat.scripted import Reply, ScriptedServer


def line(obj: object) -> bytes:
    return json.dumps(obj).encode() + b"\n"


UPDATE = {
    "messages": [
        {
            "author": "GLEAN_AI",
            "messageType": "UPDATE",
            "fragments": [{"text": "**Searching:** "}, {"querySuggestion": {"query": "holidays 2026"}}],
        }
    ],
    "chatSessionTrackingToken": "s1",
}
DOC = {"id": "d1", "title": "Holiday calendar", "url": "https://wiki/holidays", "datasource": "wiki"}


def content(text: str, *, more: bool = True, citation: dict[str, object] | None = None) -> dict[str, object]:
    fragments: list[dict[str, object]] = [{"text": text}]
    if citation:
        fragments.append({"citation": {"sourceDocument": citation}})
    return {
        "messages": [
            {
                "author": "GLEAN_AI",
                "messageType": "CONTENT",
                "messageId": "m1",
                "fragments": fragments,
                "hasMoreFragments": more,
            }
        ],
        "chatId": "chat-7",
        "chatSessionTrackingToken": "s1",
    }


def test_lines_are_yielded_live_before_the_body_ends(server: ScriptedServer, glean: Glean) -> None:
    gates = [threading.Event(), threading.Event()]
    server.queue(
        Reply(
            body=[line(UPDATE), line(content("Dec 25")), line(content(" is off.", more=False))],
            content_type="text/plain",
            gates=gates,
        )
    )
    stream = glean.client.chat.start_stream(messages=[{"fragments": [{"text": "holidays?"}]}], save_chat=True)
    first = next(stream)
    # The server is holding the rest until we release it: the first line came through on its own.
    assert server.chunks_sent == 1
    assert first.messages and first.messages[0].message_type == "UPDATE"
    gates[0].set()
    second = next(stream)
    assert server.chunks_sent == 2
    assert second.chat_id == "chat-7"
    gates[1].set()
    rest = list(stream)
    assert len(rest) == 1
    req = server.requests[0]
    assert req.headers["accept"] == "text/plain"
    assert req.json() == {
        "messages": [{"fragments": [{"text": "holidays?"}]}],
        "saveChat": True,
        "stream": True,
    }


def test_lines_split_across_chunks_and_blank_lines_are_handled(server: ScriptedServer, glean: Glean) -> None:
    whole = line(content("Hello")) + b"\n\r\n" + line(content(" world", more=False))
    server.queue(Reply(body=[whole[:7], whole[7:30], whole[30:]], content_type="text/plain; charset=utf-8"))
    builder = AnswerBuilder()
    deltas = [
        builder.add(r) for r in glean.client.chat.start_stream(messages=[{"fragments": [{"text": "q"}]}])
    ]
    assert deltas == ["Hello", " world"]
    assert builder.result().text == "Hello world"


def test_answer_builder_collects_citations_updates_and_follow_ups(
    server: ScriptedServer, glean: Glean
) -> None:
    other = {"id": "d2", "title": "PTO policy", "url": "https://wiki/pto"}
    last = content(" Contractors follow their agency.", more=False, citation=other)
    last["followUpPrompts"] = ["What about PTO?"]
    server.queue(
        Reply(
            body=[
                line(UPDATE),
                line(content("Dec 25 is a holiday.", citation=DOC)),
                line(content(" So is Jan 1.", citation=DOC)),
                line({"messages": [{"messageType": "CONTROL_FINISH"}]}),
                line(last),
            ],
            content_type="text/plain",
        )
    )
    builder = AnswerBuilder()
    for r in glean.client.chat.start_stream(messages=[{"fragments": [{"text": "q"}]}]):
        builder.add(r)
    answer = builder.result()
    assert answer.text == "Dec 25 is a holiday. [1] So is Jan 1. [1] Contractors follow their agency. [2]"
    assert [(c.number, c.title, c.url) for c in answer.citations] == [
        (1, "Holiday calendar", "https://wiki/holidays"),
        (2, "PTO policy", "https://wiki/pto"),
    ]
    assert answer.chat_id == "chat-7"
    assert answer.follow_up_prompts == ["What about PTO?"]
    assert answer.updates == ["Searching: holidays 2026"]


def test_answer_from_a_json_reply_and_from_an_ndjson_body() -> None:
    whole = {
        "messages": [
            UPDATE["messages"][0],  # type: ignore[index]
            {"author": "GLEAN_AI", "fragments": [{"text": "Yes."}, {"citation": {"sourceDocument": DOC}}]},
        ],
        "chatId": "c1",
    }
    a = answer_from_response(json.dumps(whole, indent=2))
    assert (a.text, a.chat_id, len(a.citations)) == ("Yes. [1]", "c1", 1)
    b = answer_from_response((line(content("A")) + line(content("B", more=False))).decode())
    assert b.text == "AB"


def test_error_and_warning_messages_are_surfaced_not_mixed_into_the_answer() -> None:
    body = line(content("Partial")) + line(
        {
            "messages": [
                {"author": "GLEAN_AI", "messageType": "ERROR", "fragments": [{"text": "Model overloaded"}]}
            ]
        }
    )
    a = answer_from_response(body.decode())
    assert a.text == "Partial"
    assert a.notices == ["Model overloaded"]


def test_a_bad_line_is_a_response_error(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=[line(content("ok")), b"{not json\n"], content_type="text/plain"))
    stream = glean.client.chat.start_stream(messages=[{"fragments": [{"text": "q"}]}])
    assert next(stream).chat_id == "chat-7"
    with pytest.raises(errors.GleanResponseError, match="ChatResponse"):
        next(stream)


@pytest.mark.parametrize(
    "bad",
    [b"<html>SECRET-CANARY login page</html>\n", b'{"messages": "SECRET-CANARY", "chatId": 7}\n'],
    ids=["not json", "json that is not a ChatResponse"],
)
def test_a_bad_line_never_carries_its_text_in_the_message(
    server: ScriptedServer, glean: Glean, bad: bytes
) -> None:
    # The message reaches tracebacks and RQ's failed-job records; the reply's text stays in `.body` only.
    server.queue(Reply(body=[line(content("ok")), bad], content_type="text/plain"))
    stream = glean.client.chat.start_stream(messages=[{"fragments": [{"text": "q"}]}])
    next(stream)
    with pytest.raises(errors.GleanResponseError) as info:
        next(stream)
    assert "ChatResponse" in str(info.value)
    assert "SECRET-CANARY" not in str(info.value) and "SECRET-CANARY" not in repr(info.value.args)
    assert "SECRET-CANARY" in info.value.body


def test_stream_with_wrong_content_type_is_refused(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=b"<html>login</html>", content_type="text/html"))
    with pytest.raises(errors.GleanError, match="Unexpected content type 'text/html'") as info:
        list(glean.client.chat.start_stream(messages=[{"fragments": [{"text": "q"}]}]))
    assert info.value.status_code == 200


def test_a_stalled_stream_is_a_timeout(server: ScriptedServer) -> None:
    server.queue(
        Reply(body=[line(content("a")), line(content("b"))], content_type="text/plain", chunk_delay_s=0.6)
    )
    with Glean(bearer_auth="t", server_url=server.url, timeout_ms=300) as g:
        with pytest.raises(errors.GleanTimeoutError):
            list(g.client.chat.start_stream(messages=[{"fragments": [{"text": "q"}]}]))


def test_an_answer_carries_the_token_a_vote_on_it_names() -> None:
    with_message_token = content("Dec 25.", more=False)
    with_message_token["messages"][0]["messageTrackingToken"] = "m-tok"  # type: ignore[index]
    built = answer_from_responses(ChatResponse.model_validate(r) for r in (UPDATE, with_message_token))
    assert built.tracking_token == "m-tok"
    # Without a message token, the reply's session token is what Glean's clients send.
    plain = answer_from_responses([ChatResponse.model_validate(content("Dec 25.", more=False))])
    assert plain.tracking_token == "s1"
