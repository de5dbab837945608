"""Each operation puts the documented path, headers, query and body on the wire, and parses the reply."""

from __future__ import annotations

import io
import json

import pytest

from glean_chat import Glean, models
from glean_chat.errors import GleanConfigError, GleanError
from tests.glean_chat.scripted import Reply, ScriptedServer

CHAT_REPLY = {
    "messages": [
        {"author": "GLEAN_AI", "messageType": "CONTENT", "fragments": [{"text": "Dec 25 is a holiday."}]}
    ],
    "chatId": "chat-1",
    "followUpPrompts": ["And New Year?"],
}


def test_start_example_from_the_docs_works_as_written(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=json.dumps(CHAT_REPLY).encode()))
    res = glean.client.chat.start(
        messages=[{"fragments": [models.ChatMessageFragment(text="What are the holidays?")]}],
        timeout_millis=30000,
    )
    assert isinstance(res, str)
    assert json.loads(res)["chatId"] == "chat-1"
    req = server.requests[0]
    assert (req.method, req.path) == ("POST", "/rest/api/v1/chat")
    assert req.headers["authorization"] == "Bearer tok-123"
    assert req.headers["accept"] == "application/json"
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {
        "messages": [{"fragments": [{"text": "What are the holidays?"}]}],
        "timeoutMillis": 30000,
    }


def test_start_sends_every_documented_field_in_camel_case(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=b"{}"))
    glean.client.chat.start(
        messages=[models.ChatMessage(author="USER", fragments=[{"text": "hi"}], uploaded_file_ids=["f1"])],
        save_chat=True,
        chat_id="c9",
        agent_config={"agent": "DEFAULT", "mode": "DEFAULT"},
        inclusions={"datasource_instances": ["wiki"]},
        exclusions=models.ChatRestrictionFilters(document_specs=[models.DocumentSpec(url="https://x")]),
        timeout_millis=1000,
        application_id="app-1",
        stream=False,
        timezone_offset=-420,
    )
    req = server.requests[0]
    assert req.query == {"timezoneOffset": ["-420"]}
    assert req.json() == {
        "messages": [{"author": "USER", "fragments": [{"text": "hi"}], "uploadedFileIds": ["f1"]}],
        "saveChat": True,
        "chatId": "c9",
        "agentConfig": {"agent": "DEFAULT", "mode": "DEFAULT"},
        "inclusions": {"datasourceInstances": ["wiki"]},
        "exclusions": {"documentSpecs": [{"url": "https://x"}]},
        "timeoutMillis": 1000,
        "applicationId": "app-1",
        "stream": False,
    }


def test_start_with_stream_asks_for_ndjson(server: ScriptedServer, glean: Glean) -> None:
    body = b'{"messages":[{"fragments":[{"text":"a"}]}]}\n{"chatId":"c1"}\n'
    server.queue(Reply(body=body, content_type="text/plain; charset=utf-8"))
    res = glean.client.chat.start(messages=[{"fragments": [{"text": "q"}]}], stream=True)
    assert res == body.decode()
    assert server.requests[0].headers["accept"] == "text/plain"
    assert server.requests[0].json()["stream"] is True


def test_caller_keys_the_model_does_not_know_are_sent_not_dropped(
    server: ScriptedServer, glean: Glean
) -> None:
    server.queue(Reply(body=b"{}"))
    glean.client.chat.start(
        messages=[{"fragments": [{"text": "q", "someNewField": 1}], "futureFlag": True}],
    )
    assert server.requests[0].json() == {
        "messages": [{"fragments": [{"text": "q", "someNewField": 1}], "futureFlag": True}]
    }


@pytest.mark.parametrize("header_kw", ["x_scio_actas", "x_glean_actas"])
def test_act_as_and_auth_type_headers(server: ScriptedServer, glean: Glean, header_kw: str) -> None:
    server.queue(Reply(body=b'{"chatResults": []}'))
    glean.client.chat.list(**{header_kw: "alice@example.com"}, x_glean_auth_type="OAUTH")
    headers = server.requests[0].headers
    assert headers["x-glean-actas"] == "alice@example.com"
    assert "x-scio-actas" not in headers  # one header, the current name
    assert headers["x-glean-auth-type"] == "OAUTH"


def test_no_act_as_header_unless_asked(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=b'{"chatResults": []}'))
    glean.client.chat.list()
    assert "x-glean-actas" not in server.requests[0].headers
    assert "x-glean-auth-type" not in server.requests[0].headers


def test_list_and_delete_all_send_no_body(server: ScriptedServer, glean: Glean) -> None:
    server.queue(
        Reply(
            body=json.dumps(
                {"chatResults": [{"chat": {"id": "c1", "name": "Holidays", "createTime": 1700000000}}]}
            ).encode()
        ),
        Reply(status=200, body=b"", content_type=None),
    )
    listed = glean.client.chat.list(timezone_offset=60)
    glean.client.chat.delete_all()
    assert listed.chat_results is not None
    chat = listed.chat_results[0].chat
    assert chat is not None and (chat.id, chat.name, chat.create_time) == ("c1", "Holidays", 1700000000)
    lst, delall = server.requests
    assert (lst.path, lst.body, lst.headers["content-length"], lst.query) == (
        "/rest/api/v1/listchats",
        b"",
        "0",
        {"timezoneOffset": ["60"]},
    )
    assert "content-type" not in lst.headers
    assert lst.headers["accept"] == "application/json"
    assert (delall.path, delall.body, delall.headers["accept"]) == ("/rest/api/v1/deleteallchats", b"", "*/*")


def test_get_delete_and_get_application(server: ScriptedServer, glean: Glean) -> None:
    server.queue(
        Reply(
            body=json.dumps(
                {
                    "chatResult": {
                        "chat": {
                            "id": "c1",
                            "messages": [
                                {"author": "USER", "fragments": [{"text": "q"}]},
                                {"author": "GLEAN_AI", "fragments": [{"text": "a"}]},
                            ],
                        }
                    }
                }
            ).encode()
        ),
        Reply(body=b"", content_type="text/html"),  # delete accepts any content type
        Reply(body=b'{"application": {"id": "app-1", "name": "HR bot"}}'),
    )
    got = glean.client.chat.get(id="c1")
    glean.client.chat.delete(ids=["c1", "c2"])
    app = glean.client.chat.get_application(id="app-1")
    assert got.chat_result and got.chat_result.chat and got.chat_result.chat.messages
    assert [m.author for m in got.chat_result.chat.messages] == ["USER", "GLEAN_AI"]
    assert app.application == {"id": "app-1", "name": "HR bot"}
    paths_bodies = [(r.path, r.json()) for r in server.requests]
    assert paths_bodies == [
        ("/rest/api/v1/getchat", {"id": "c1"}),
        ("/rest/api/v1/deletechats", {"ids": ["c1", "c2"]}),
        ("/rest/api/v1/getchatapplication", {"id": "app-1"}),
    ]
    assert server.requests[1].headers["accept"] == "*/*"


def test_upload_files_is_multipart_one_part_per_file(server: ScriptedServer, glean: Glean) -> None:
    reply = {
        "files": [
            {"id": "f1", "name": "a.txt", "metadata": {"status": "PROCESSED", "uploadTime": 1700000000}},
            {"id": "f2", "name": "b.pdf", "metadata": {"status": "FAILED", "failureReason": "PARSE_FAILED"}},
        ]
    }
    server.queue(Reply(body=json.dumps(reply).encode()))
    res = glean.client.chat.upload_files(
        files=[
            models.File(file_name="a.txt", content=b"hello", content_type="text/plain"),
            {"file_name": "b.pdf", "content": io.BytesIO(b"%PDF-1.4 x"), "content_type": "application/pdf"},
        ]
    )
    assert res.files and [(f.id, f.metadata and f.metadata.status) for f in res.files] == [
        ("f1", "PROCESSED"),
        ("f2", "FAILED"),
    ]
    req = server.requests[0]
    assert req.path == "/rest/api/v1/uploadchatfiles"
    ctype = req.headers["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    body = req.body
    assert body.count(b'name="files"') == 2
    assert b'filename="a.txt"' in body and b"Content-Type: text/plain" in body and b"hello" in body
    assert b'filename="b.pdf"' in body and b"Content-Type: application/pdf" in body and b"%PDF-1.4 x" in body


def test_get_files_returns_a_map_and_delete_files(server: ScriptedServer, glean: Glean) -> None:
    server.queue(
        Reply(body=b'{"files": {"f1": {"id": "f1", "name": "a.txt", "metadata": {"status": "PROCESSED"}}}}'),
        Reply(body=b"", content_type=None),
    )
    files = glean.client.chat.get_files(file_ids=["f1"])
    glean.client.chat.delete_files(file_ids=["f1"])
    assert files.files is not None and files.files["f1"].name == "a.txt"
    assert [(r.path, r.json()) for r in server.requests] == [
        ("/rest/api/v1/getchatfiles", {"fileIds": ["f1"]}),
        ("/rest/api/v1/deletechatfiles", {"fileIds": ["f1"]}),
    ]


def test_ask_detect_only(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=b'{"isQuestion": true, "question": "where is the VPN doc?"}'))
    res = glean.client.chat.ask(
        ask_request={"search_request": {"query": "hey all, where is the VPN doc?"}, "detect_only": True},
        x_scio_actas="bob@example.com",
    )
    assert (res.is_question, res.question) == (True, "where is the VPN doc?")
    req = server.requests[0]
    assert req.path == "/rest/api/v1/ask"
    assert req.query == {}
    assert req.headers["x-glean-actas"] == "bob@example.com"
    assert req.json() == {"searchRequest": {"query": "hey all, where is the VPN doc?"}, "detectOnly": True}


def test_ask_refuses_timezone_offset(glean: Glean) -> None:
    with pytest.raises(TypeError, match="timezone_offset"):
        glean.client.chat.ask(ask_request={"search_request": {"query": "q"}}, timezone_offset=0)


def test_unknown_response_fields_and_enum_values_parse(server: ScriptedServer, glean: Glean) -> None:
    server.queue(
        Reply(
            body=json.dumps(
                {
                    "chatResults": [{"chat": {"id": "c1", "brandNewField": {"x": 1}}, "trackingToken": "t"}],
                    "cursor": "",
                    "anotherNewKey": [1, 2],
                }
            ).encode()
        )
    )
    res = glean.client.chat.list()
    assert res.chat_results and res.chat_results[0].chat and res.chat_results[0].chat.id == "c1"


def test_instance_builds_glean_host_and_server_url_keeps_prefix() -> None:
    g = Glean(bearer_auth="t", instance="acme")
    assert g.server_url == "https://acme-be.glean.com"
    g.close()
    g = Glean(bearer_auth="t", instance="acme", server_url="http://127.0.0.1:9/prefix/")
    assert g.server_url == "http://127.0.0.1:9/prefix"
    g.close()
    with pytest.raises(ValueError, match="instance"):
        Glean(bearer_auth="t")
    with pytest.raises(ValueError, match="bearer_auth"):
        Glean(bearer_auth="", instance="acme")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"server_url": "http://glean.example"},
        {"server_url": "http://10.1.2.3:8731/"},
        {"server_url": "ftp://glean.example"},
        {"instance": "acme#"},
        {"instance": "acme@evil.example"},
        {"instance": "acme:1"},
    ],
)
def test_token_never_goes_in_clear_text_or_to_another_host(kwargs: dict[str, str]) -> None:
    with pytest.raises(GleanConfigError) as info:
        Glean(bearer_auth="secret-token", **kwargs)
    assert isinstance(info.value, GleanError) and isinstance(info.value, ValueError)
    assert "secret-token" not in str(info.value)


_INVALID_URLS = [
    pytest.param("https://glean.example/\x7f", id="control character"),
    pytest.param("https://glean.example\u3000x", id="ideographic space in the host"),
    pytest.param("https://xn--.glean.example", id="bad IDNA label"),
    pytest.param("https://" + "a" * 64 + ".glean.example", id="label over 63 characters"),
]


@pytest.mark.parametrize("url", _INVALID_URLS)
def test_a_server_url_httpx_cannot_use_is_refused_when_the_client_is_made(url: str) -> None:
    # urlsplit accepts these; httpx (InvalidURL, IDNAError) or the socket layer (UnicodeError) raised them
    # at the first call instead, as errors that are no GleanError.
    with pytest.raises(GleanConfigError, match="not a valid URL"):
        Glean(bearer_auth="secret-token", server_url=url)


def test_plain_http_is_allowed_on_loopback_only() -> None:
    for url in ("http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "https://glean.example"):
        Glean(bearer_auth="t", server_url=url).close()


def test_repr_never_shows_the_token() -> None:
    with Glean(bearer_auth="secret-token", instance="acme") as g:
        assert "secret-token" not in repr(g)


def test_invalid_request_is_a_clear_error_before_anything_is_sent(
    server: ScriptedServer, glean: Glean
) -> None:
    with pytest.raises(ValueError, match="ChatRequest"):
        glean.client.chat.start(messages=[{"fragments": "not a list"}])
    assert glean.client.chat.upload_files(files=[]).files == []  # nothing to upload: nothing sent
    assert server.requests == []
