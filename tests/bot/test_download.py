"""Transport edge cases of the Slack file download (httpx.MockTransport): redirects, size cap, login pages."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import httpx
import pytest

from workers.download import DownloadRefused, download_slack_file

API = "https://slack.com/api/"
FILE_URL = "https://files.slack.com/files-pri/T1-F1/report.pdf"
TOKEN = "xoxb-secret"


class Recorder:
    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self._handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[httpx.Client, Recorder]:
    recorder = Recorder(handler)
    return httpx.Client(transport=httpx.MockTransport(recorder), follow_redirects=False), recorder


def _get(
    client: httpx.Client,
    url: str = FILE_URL,
    max_bytes: int = 1000,
    declared_html: bool = False,
    declared_size: int | None = None,
) -> bytes:
    dest = io.BytesIO()
    download_slack_file(
        client,
        url,
        dest,
        token=TOKEN,
        slack_api_url=API,
        max_bytes=max_bytes,
        declared_html=declared_html,
        declared_size=declared_size,
    )
    return dest.getvalue()


def test_downloads_with_the_token_and_follows_redirects_within_slack() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "files.slack.com":
            return httpx.Response(302, headers={"location": "https://files-edge.slack.com/x/report.pdf"})
        return httpx.Response(200, content=b"%PDF-1.4 body", headers={"content-type": "application/pdf"})

    client, seen = _client(handler)
    assert _get(client) == b"%PDF-1.4 body"
    assert [r.url.host for r in seen.requests] == ["files.slack.com", "files-edge.slack.com"]
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in seen.requests)


@pytest.mark.parametrize(
    "location",
    ["https://cdn.evil.example/report.pdf", "http://files.slack.com/report.pdf", "//evil.example/x"],
)
def test_a_redirect_off_slack_is_refused_and_never_requested(location: str) -> None:
    client, seen = _client(lambda r: httpx.Response(302, headers={"location": location}))
    with pytest.raises(DownloadRefused) as refused:
        _get(client)
    assert refused.value.kind == "wrong_host"
    assert len(seen.requests) == 1  # the token never went to the redirect's target


def test_a_url_off_slack_is_refused_before_any_request() -> None:
    client, seen = _client(lambda r: httpx.Response(200, content=b"x"))
    with pytest.raises(DownloadRefused) as refused:
        _get(client, "https://attacker.example/files-pri/T1-F1/report.pdf")
    assert refused.value.kind == "wrong_host" and seen.requests == []


def test_too_many_redirects() -> None:
    client, _ = _client(lambda r: httpx.Response(302, headers={"location": FILE_URL}))
    with pytest.raises(DownloadRefused, match="redirects"):
        _get(client)


def test_content_length_over_the_limit_is_refused_without_reading_the_body() -> None:
    client, _ = _client(
        lambda r: httpx.Response(200, headers={"content-length": "5000"}, content=b"x" * 5000)
    )
    with pytest.raises(DownloadRefused) as refused:
        _get(client, max_bytes=1000)
    assert refused.value.kind == "too_large"


def test_a_body_longer_than_the_limit_stops_the_download_midway() -> None:
    written: list[int] = []

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            written.append(1)
            yield b"y" * 100_000

    client, _ = _client(lambda r: httpx.Response(200, content=chunks()))  # streamed: no Content-Length
    dest = io.BytesIO()
    with pytest.raises(DownloadRefused) as refused:
        download_slack_file(client, FILE_URL, dest, token=TOKEN, slack_api_url=API, max_bytes=250_000)
    assert refused.value.kind == "too_large"
    assert len(dest.getvalue()) <= 250_000 and len(written) < 10  # stopped early, never held the rest


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=utf-8", b"<!DOCTYPE html><html>Sign in</html>"),
        ("application/octet-stream", b"\n  <!doctype html><html><body>Sign in to Slack</body></html>"),
    ],
)
def test_an_html_login_page_instead_of_the_file_is_refused(content_type: str, body: bytes) -> None:
    client, _ = _client(lambda r: httpx.Response(200, content=body, headers={"content-type": content_type}))
    with pytest.raises(DownloadRefused) as refused:
        _get(client)
    assert refused.value.kind == "login_page"


def test_a_shared_html_file_passes_when_it_is_the_declared_size() -> None:
    page = b"<html><body>Our runbook</body></html>"
    client, _ = _client(lambda r: httpx.Response(200, content=page, headers={"content-type": "text/html"}))
    assert _get(client, declared_html=True, declared_size=len(page)) == page
    with pytest.raises(DownloadRefused) as refused:
        _get(client, declared_html=True, declared_size=len(page) + 500)
    assert refused.value.kind == "login_page"


@pytest.mark.parametrize("status", [403, 404, 500])
def test_an_error_status_is_slack_refusing(status: int) -> None:
    client, _ = _client(lambda r: httpx.Response(status, content=b"no"))
    with pytest.raises(DownloadRefused) as refused:
        _get(client)
    assert refused.value.kind == "slack_refused" and str(status) in refused.value.detail


def test_a_network_failure_is_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client, _ = _client(handler)
    with pytest.raises(DownloadRefused) as refused:
        _get(client)
    assert refused.value.kind == "network"


@pytest.mark.parametrize(
    ("url", "location"),
    [
        pytest.param(FILE_URL.replace("report", "re\x00port"), None, id="control character"),
        pytest.param("https://xn--.slack.com/files-pri/T1-F1/report.pdf", None, id="bad IDNA label"),
        pytest.param(FILE_URL + "?" + "a" * 70_000, None, id="too long"),
        pytest.param(FILE_URL, "https://xn--.slack.com/report.pdf", id="redirect to a bad URL"),
    ],
)
def test_an_invalid_url_is_refused_not_a_crash(url: str, location: str | None) -> None:
    # httpx raised InvalidURL / UnicodeError here, which is no HTTPError: the upload job crashed.
    client, seen = _client(lambda r: httpx.Response(302, headers={"location": location or FILE_URL}))
    with pytest.raises(DownloadRefused) as refused:
        _get(client, url)
    assert refused.value.kind == "bad_url"
    assert len(seen.requests) == (1 if location else 0)
