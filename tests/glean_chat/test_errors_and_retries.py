"""Each error class, the retry rule, and Retry-After."""

from __future__ import annotations

import socket
import time

import pytest

from glean_chat import Glean, errors, models, utils
from tests.glean_chat.scripted import Reply, ScriptedServer

Q = [{"fragments": [{"text": "q"}]}]


def test_4xx_is_a_glean_error_with_the_plain_text_body(server: ScriptedServer, glean: Glean) -> None:
    server.queue(
        Reply(
            status=401,
            body=b"Required header missing: X-Glean-ActAs\nNot allowed",
            content_type="text/plain",
            headers={"X-Request-Id": "r1"},
        )
    )
    with pytest.raises(errors.GleanError) as info:
        glean.client.chat.list()
    err = info.value
    assert type(err) is errors.GleanError
    assert err.status_code == 401
    assert err.body == "Required header missing: X-Glean-ActAs\nNot allowed"
    assert err.headers["x-request-id"] == "r1"
    assert "401" in str(err) and "Not allowed" in str(err)


def test_garbage_error_bodies_never_crash(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(status=400, body=b"\xff\xfe\x00bad", content_type="application/json; charset=bogus"))
    with pytest.raises(errors.GleanError) as info:
        glean.client.chat.get(id="x")
    assert info.value.status_code == 400


@pytest.mark.parametrize("status", [403, 422])
def test_error_info_bodies_become_glean_data_error(server: ScriptedServer, glean: Glean, status: int) -> None:
    body = (
        b'{"errorMessages": [{"source": "search", "errorMessage": "bad operator"}], "badGmailToken": false}'
    )
    server.queue(Reply(status=status, body=body))
    with pytest.raises(errors.GleanDataError) as info:
        glean.client.chat.ask(ask_request=models.AskRequest(search_request=models.SearchRequest(query="q")))
    data = info.value.data
    assert data.error_messages and data.error_messages[0].error_message == "bad operator"
    assert info.value.status_code == status


def test_a_403_that_is_not_error_info_stays_a_plain_glean_error(server: ScriptedServer, glean: Glean) -> None:
    body = b'{"errorType": "PERMISSION_DENIED", "requestableRoles": [], "hasPendingRequest": false}'
    server.queue(Reply(status=403, body=body))
    with pytest.raises(errors.GleanError) as info:
        glean.client.chat.get(id="someone-elses")
    assert type(info.value) is errors.GleanError
    assert "PERMISSION_DENIED" in info.value.body


def test_json_call_answered_with_another_content_type(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=b"<html>please log in</html>", content_type="text/html"))
    with pytest.raises(errors.GleanError, match="Unexpected content type") as info:
        glean.client.chat.list()
    assert "please log in" in info.value.body


def test_unparseable_success_body_is_a_response_error(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(body=b'{"isQuestion": "perhaps"}'))
    with pytest.raises(errors.GleanResponseError, match="AskResponse"):
        glean.client.chat.ask(ask_request={"search_request": {"query": "q"}, "detect_only": True})


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_refused_is_a_connection_error_after_retries() -> None:
    port = _closed_port()
    budget = utils.RetryConfig("backoff", utils.BackoffStrategy(20, 50, 2.0, max_elapsed_time=400), True)
    with Glean(bearer_auth="t", server_url=f"http://127.0.0.1:{port}", retry_config=budget) as g:
        started = time.monotonic()
        with pytest.raises(errors.GleanConnectionError) as info:
            g.client.chat.list()
    elapsed = time.monotonic() - started
    assert isinstance(info.value, errors.GleanTransportError)
    assert info.value.status_code is None
    assert 0.3 <= elapsed < 2.0  # kept retrying until the 400 ms budget, then stopped


def test_read_timeout_is_a_timeout_error(server: ScriptedServer) -> None:
    server.queue(Reply(body=[b"{}"], chunk_delay_s=0.5))
    with Glean(bearer_auth="t", server_url=server.url, timeout_ms=200, retry_config=utils.NO_RETRIES) as g:
        with pytest.raises(errors.GleanTimeoutError):
            g.client.chat.list()


def test_retry_after_is_honoured_on_429(server: ScriptedServer, glean: Glean) -> None:
    server.queue(
        Reply(status=429, body=b"slow down", content_type="text/plain", headers={"Retry-After": "1"}),
        Reply(body=b'{"chatResults": []}'),
    )
    glean.client.chat.list()
    first, second = server.requests
    # FAST_RETRIES would wait ~10 ms; the server asked for a second.
    assert second.at - first.at >= 0.95


def test_retry_after_longer_than_the_budget_gives_up_at_once(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(status=503, body=b"busy", content_type="text/plain", headers={"Retry-After": "60"}))
    started = time.monotonic()
    with pytest.raises(errors.GleanError) as info:
        glean.client.chat.list()
    assert info.value.status_code == 503
    assert len(server.requests) == 1
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_idempotent_calls_retry_server_errors(server: ScriptedServer, glean: Glean, status: int) -> None:
    server.queue(Reply(status=status, body=b"oops", content_type="text/plain"), Reply(body=b'{"files": {}}'))
    res = glean.client.chat.get_files(file_ids=["f1"])
    assert res.files == {}
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("status", "retried"), [(429, True), (503, True), (500, False), (502, False), (504, False)]
)
def test_chat_is_retried_only_when_the_server_did_not_act(
    server: ScriptedServer, glean: Glean, status: int, retried: bool
) -> None:
    server.queue(Reply(status=status, body=b"no", content_type="text/plain"), Reply(body=b"{}"))
    if retried:
        glean.client.chat.start(messages=Q, save_chat=True)
        assert len(server.requests) == 2
    else:
        with pytest.raises(errors.GleanError) as info:
            glean.client.chat.start(messages=Q, save_chat=True)
        assert info.value.status_code == status
        assert len(server.requests) == 1  # the turn may have been saved: never send it twice


def test_chat_is_not_resent_after_the_connection_broke_mid_request(
    server: ScriptedServer, glean: Glean
) -> None:
    server.queue(Reply(drop_connection=True), Reply(body=b"{}"))
    with pytest.raises(errors.GleanConnectionError):
        glean.client.chat.start(messages=Q, save_chat=True)
    assert len(server.requests) == 1


def test_an_idempotent_call_is_resent_after_a_broken_connection(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(drop_connection=True), Reply(body=b'{"chatResults": []}'))
    glean.client.chat.list()
    assert len(server.requests) == 2


def test_upload_retry_resends_the_whole_file(server: ScriptedServer, glean: Glean) -> None:
    import io

    server.queue(
        Reply(status=429, body=b"", content_type="text/plain", headers={"Retry-After": "0"}),
        Reply(body=b'{"files": [{"id": "f1"}]}'),
    )
    glean.client.chat.upload_files(files=[models.File("a.txt", io.BytesIO(b"full content"), "text/plain")])
    assert [b"full content" in r.body for r in server.requests] == [True, True]


def test_per_call_retries_override_the_client_config(server: ScriptedServer, glean: Glean) -> None:
    server.queue(Reply(status=503, body=b"", content_type=None), Reply(body=b'{"chatResults": []}'))
    with pytest.raises(errors.GleanError):
        glean.client.chat.list(retries=utils.NO_RETRIES)
    assert len(server.requests) == 1


def test_retry_strategy_is_validated() -> None:
    with pytest.raises(ValueError, match="backoff"):
        utils.RetryConfig("sometimes", utils.BackoffStrategy(1, 1, 1.0, 1))
