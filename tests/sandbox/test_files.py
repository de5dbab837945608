"""The file host: url_private downloads need the bot token and files:read, else Slack's 200 HTML login page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from slack_sandbox import Sandbox

CONTENT = "Holiday calendar: Dec 24–26.\n".encode()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        yield client


def share(sb: Sandbox) -> dict[str, str]:
    message = sb.upload_file(
        "U_ALICE", "C_GENERAL", "holidays.txt", CONTENT, mimetype="text/plain", text="see file"
    )
    file: dict[str, str] = message["files"][0]
    return file


def bearer(sb: Sandbox, token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token or sb.config.bot_token}"}


def test_file_object_shape(sandbox: Sandbox) -> None:
    file = share(sandbox)
    assert file["id"].startswith("F") and file["title"] == "holidays.txt"
    assert file["url_private"].startswith(sandbox.files_url) and file["url_private"].endswith("/holidays.txt")
    assert "/download/" in file["url_private_download"] and file["permalink"].startswith(sandbox.base_url)
    assert sandbox.file(file["id"]) == {**file, "channels": ["C_GENERAL"]}


def test_download_with_token_and_scope(sandbox: Sandbox, http: httpx.Client) -> None:
    file = share(sandbox)
    response = http.get(file["url_private"], headers=bearer(sandbox))
    assert response.status_code == 200 and response.content == CONTENT
    assert response.headers["content-type"] == "text/plain"
    download = http.get(file["url_private_download"], headers=bearer(sandbox))
    assert download.content == CONTENT and download.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize("token", [None, "xoxb-someone-else"], ids=["no-token", "wrong-token"])
def test_without_valid_token_slack_serves_a_login_page(
    sandbox: Sandbox, http: httpx.Client, token: str | None
) -> None:
    file = share(sandbox)
    response = http.get(file["url_private"], headers=bearer(sandbox, token) if token else {})
    assert response.status_code == 200  # the trap: success status, wrong content
    assert response.headers["content-type"].startswith("text/html") and b"Sign in" in response.content


def test_without_files_read_scope_slack_serves_a_login_page(
    make_sandbox: Callable[..., Sandbox], http: httpx.Client
) -> None:
    sb = make_sandbox(bot_scopes={"chat:write", "channels:history"})
    file = share(sb)
    response = http.get(file["url_private"], headers=bearer(sb))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")


def test_unknown_file_is_404_for_the_bot(sandbox: Sandbox, http: httpx.Client) -> None:
    response = http.get(f"{sandbox.files_url}files-pri/T0SANDBOX-FNOPE/x.txt", headers=bearer(sandbox))
    assert response.status_code == 404
