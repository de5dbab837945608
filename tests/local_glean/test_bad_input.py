"""Bad input gets a 4XX with a plain-text reason: never a 500, never a half-written chat."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from local_glean import LocalGlean

from .helpers import API, ask_chat, headers, post

CHAT_OK = {"messages": [{"fragments": [{"text": "What is the per diem?"}]}]}


def _raw(server: LocalGlean, op: str, content: bytes, user: str, **extra: str) -> httpx.Response:
    hdrs = headers(user) | {"Content-Type": "application/json"} | extra
    return httpx.post(f"{server.url}{API}/{op}", headers=hdrs, content=content)


def _assert_reason(reply: httpx.Response, status: int, *words: str) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("text/plain")
    for word in words:
        assert word in reply.text


@pytest.mark.parametrize(
    "op", ["chat", "ask", "getchat", "deletechats", "getchatapplication", "getchatfiles", "deletechatfiles"]
)
def test_malformed_json(server: LocalGlean, user: str, op: str) -> None:
    _assert_reason(_raw(server, op, b'{"messages": [', user), 400, "Malformed JSON")
    _assert_reason(_raw(server, op, b"", user), 400, "body is required")
    _assert_reason(_raw(server, op, b"[1, 2]", user), 400, "JSON object")
    _assert_reason(_raw(server, op, b"\xff\xfe{}", user), 400, "Malformed JSON")


@pytest.mark.parametrize(
    ("op", "body", "words"),
    [
        ("chat", {}, ["messages", "Field required"]),
        ("chat", {"messages": "hi"}, ["messages"]),
        ("chat", {"messages": [{"fragments": [{"text": 5}]}]}, ["text"]),
        ("chat", {"messages": [{"fragments": [{"text": "hi"}]}], "saveChat": "yes"}, ["saveChat"]),
        ("chat", {"messages": [{"fragments": [{"text": "hi"}]}], "timeoutMillis": "1000"}, ["timeoutMillis"]),
        ("chat", {"messages": [{"fragments": [{"text": "hi"}]}], "timeoutMillis": 0}, ["timeoutMillis"]),
        ("chat", {"messages": [{"fragments": [{"text": "hi"}]}], "stream": 1}, ["stream"]),
        ("chat", {"messages": []}, ["USER"]),
        ("chat", {"messages": [{"author": "GLEAN_AI", "fragments": [{"text": "hi"}]}]}, ["USER"]),
        ("chat", {"messages": [{"fragments": []}]}, ["no text"]),
        ("chat", {"messages": [{"fragments": [{"text": "  "}]}]}, ["no text"]),
        ("ask", {}, ["searchRequest"]),
        ("ask", {"searchRequest": {}}, ["query"]),
        ("ask", {"searchRequest": {"query": ""}}, ["query"]),
        ("ask", {"searchRequest": {"query": "vpn?"}, "detectOnly": "true"}, ["detectOnly"]),
        ("ask", {"searchRequest": {"query": "where is the vpn guide?"}, "backend": "GPT"}, ["backend"]),
        ("getchat", {}, ["id"]),
        ("getchat", {"id": 7}, ["id"]),
        ("deletechats", {}, ["ids"]),
        ("deletechats", {"ids": []}, ["ids"]),
        ("deletechats", {"ids": "chat_1"}, ["ids"]),
        ("getchatapplication", {}, ["id"]),
        ("getchatfiles", {"fileIds": []}, ["fileIds"]),
        ("getchatfiles", {"fileIds": [1]}, ["fileIds"]),
        ("deletechatfiles", {}, ["fileIds"]),
    ],
)
def test_wrong_types_and_missing_fields(
    server: LocalGlean, user: str, op: str, body: Any, words: list[str]
) -> None:
    _assert_reason(post(server, op, body, user=user), 400, *words)


@pytest.mark.parametrize(
    ("op", "body"),
    [
        ("getchat", {"id": "chat_doesnotexist"}),
        ("getchat", {"id": "../../etc/passwd"}),
        ("deletechats", {"ids": ["chat_doesnotexist"]}),
        ("getchatfiles", {"fileIds": ["file_doesnotexist"]}),
        ("deletechatfiles", {"fileIds": ["../index"]}),
        ("getchatapplication", {"id": "no-such-app"}),
        ("chat", {**CHAT_OK, "chatId": "chat_doesnotexist"}),
        ("chat", {"messages": [{"fragments": [{"text": "hi"}], "uploadedFileIds": ["file_nope"]}]}),
    ],
)
def test_unknown_ids_are_404(server: LocalGlean, user: str, op: str, body: Any) -> None:
    _assert_reason(
        post(server, op, body, user=user), 404, "not found" if op != "getchatapplication" else "Unknown"
    )


def test_unknown_download_and_endpoints(server: LocalGlean, user: str) -> None:
    _assert_reason(
        httpx.get(f"{server.url}{API}/chat-files/file_nope", headers=headers(user)), 404, "not found"
    )
    _assert_reason(httpx.post(f"{server.url}{API}/search", headers=headers(user)), 404, "Unknown endpoint")
    _assert_reason(httpx.get(f"{server.url}{API}/chat", headers=headers(user)), 405, "POST")
    _assert_reason(httpx.post(f"{server.url}{API}/chat-files/x", headers=headers(user)), 405, "GET")


def test_wrong_content_type_and_query(server: LocalGlean, user: str) -> None:
    form = httpx.post(f"{server.url}{API}/chat", headers=headers(user), data={"messages": "hi"})
    _assert_reason(form, 415, "application/json")
    offset = post(server, "chat", CHAT_OK, user=user, params={"timezoneOffset": "PDT"})
    _assert_reason(offset, 400, "timezoneOffset")
    fine = post(server, "chat", CHAT_OK, user=user, params={"timezoneOffset": "-420", "locale": "pt-BR"})
    assert fine.status_code == 200


def test_oversized_json_is_413_and_saves_nothing(server: LocalGlean, user: str) -> None:
    huge = "word " * (server.config.max_json_bytes // 5 + 10)
    body = {"messages": [{"fragments": [{"text": huge}]}], "saveChat": True}
    _assert_reason(post(server, "chat", body, user=user), 413, "too large")
    assert post(server, "listchats", user=user).json()["chatResults"] == []


def test_unknown_keys_and_enum_values_are_accepted(server: LocalGlean, user: str) -> None:
    body = {
        "messages": [
            {"author": "USER", "messageType": "CONTENT", "fragments": [{"text": "VPN setup"}], "x": 1}
        ],
        "agentConfig": {"agent": "SOMETHING_NEW", "mode": "DEFAULT"},
        "sessionInfo": {"tabId": "t1"},
        "futureField": {"nested": True},
    }
    assert post(server, "chat", body, user=user).status_code == 200


def test_failed_turn_leaves_the_chat_unchanged(server: LocalGlean, user: str) -> None:
    chat_id = ask_chat(server, user, "What is the per diem?", saveChat=True)["chatId"]
    before = post(server, "getchat", {"id": chat_id}, user=user).json()
    bad = {
        "messages": [{"fragments": [{"text": "and hotels?"}], "uploadedFileIds": ["file_nope"]}],
        "chatId": chat_id,
    }
    assert post(server, "chat", bad, user=user).status_code == 404
    assert post(server, "chat", {**bad, "timeoutMillis": -5}, user=user).status_code == 400
    after = post(server, "getchat", {"id": chat_id}, user=user).json()
    assert after["chatResult"]["chat"] == before["chatResult"]["chat"]


def test_a_flood_of_bad_requests_never_500s(server: LocalGlean, user: str) -> None:
    samples: list[tuple[str, bytes]] = [
        ("chat", b'{"messages": [{"fragments": [{"citation": 3}]}]}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "x"}], "uploadedFileIds": [null]}]}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "x"}]}], "chatId": ""}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "x"}]}], "applicationId": ""}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "x"}]}], "inclusions": {"documentSpecs": 4}}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "\\u00e9t\\u00e9 \\ud83c\\udf1e ?"}]}]}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "lone \\ud83c surrogate"}]}], "saveChat": true}'),
        ("chat", b'{"messages": [{"fragments": [{"text": "NEAR(a b) OR \\"x AND * :"}]}]}'),
        ("ask", b'{"searchRequest": {"query": "x", "timeoutMillis": -1}}'),
        ("getchat", b'{"id": ""}'),
        ("getchatfiles", b'{"fileIds": [""]}'),
        ("deletechats", b'{"ids": [null]}'),
        ("getchatapplication", b'{"id": ""}'),
        ("getchat", b"null"),
        ("chat", b"1e999"),
        ("chat", b"[" * 200_000 + b"]" * 200_000),
    ]
    for op, content in samples:
        reply = _raw(server, op, content, user)
        assert 200 <= reply.status_code < 500, (op, content, reply.status_code, reply.text)
