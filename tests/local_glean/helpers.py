"""Shared pieces of the local_glean tests: tokens, fixtures and HTTP helpers (conftest re-exports the fixtures).

Most tests share one server per module and stay apart by acting as a user of their own (a global token
plus a fresh X-Glean-ActAs email), which also exercises act-as on every call.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from glean.api_client import Glean

from local_glean import LocalGlean, LocalGleanConfig
from local_glean.config import SAMPLE_APPLICATIONS_FILE, SAMPLE_DOCS_DIR

USER_TOKEN = "user-token"
USER_EMAIL = "alice@example.com"
GLOBAL_TOKEN = "global-token"
TOKENS = {USER_TOKEN: USER_EMAIL, "bob-token": "bob@example.com", GLOBAL_TOKEN: "*"}
API = "/rest/api/v1"
# One client for the raw-HTTP helpers: a new httpx client per call costs more than the call itself.
HTTP = httpx.Client(timeout=20)


@pytest.fixture(scope="session", autouse=True)
def _close_http() -> Iterator[None]:
    yield
    HTTP.close()


def base_config(tmp: Path) -> LocalGleanConfig:
    docs = tmp / "docs"
    shutil.copytree(SAMPLE_DOCS_DIR, docs)  # a copy: tests may add, change and remove documents
    return LocalGleanConfig(
        data_dir=tmp / "data",
        docs_dir=docs,
        tokens=TOKENS,
        faults_enabled=True,
        applications_file=SAMPLE_APPLICATIONS_FILE,
        max_upload_bytes=64 * 1024,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGlean]:
    instance = LocalGlean(base_config(tmp_path_factory.mktemp("glean"))).start()
    yield instance
    instance.stop()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., LocalGlean]]:
    """Start a dedicated server: `make_server(pace=..., data_dir=...)` overrides the base config."""
    started: list[LocalGlean] = []
    config = base_config(tmp_path)

    def make(**overrides: Any) -> LocalGlean:
        instance = LocalGlean(replace(config, **overrides)).start()
        started.append(instance)
        return instance

    yield make
    for instance in started:
        instance.stop()


@pytest.fixture
def user() -> str:
    """A fresh user, so tests sharing a server do not see each other's chats and files."""
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def sdk(server: LocalGlean, act_as: str | None = None, token: str = GLOBAL_TOKEN) -> Glean:
    """Glean's official SDK pointed at `server`.

    The SDK has no act-as parameter (its docs say: pass `http_headers` per call); for brevity the header
    goes on the httpx client it is given. Tests of `http_headers` itself pass it per call.
    """
    http = httpx.Client(headers={"X-Glean-ActAs": act_as} if act_as else {}, follow_redirects=True)
    return Glean(api_token=token, server_url=server.url, timeout_ms=20_000, client=http)


@pytest.fixture
def official(server: LocalGlean, user: str) -> Iterator[Glean]:
    with sdk(server, act_as=user) as client:
        yield client


def headers(user: str | None = None, token: str = GLOBAL_TOKEN) -> dict[str, str]:
    out = {"Authorization": f"Bearer {token}"}
    if user is not None:
        out["X-Glean-ActAs"] = user
    return out


def post(
    server: LocalGlean, op: str, body: Any = None, user: str | None = None, **kwargs: Any
) -> httpx.Response:
    """A raw POST to /rest/api/v1/<op> acting as `user`."""
    hdrs = headers(user) | kwargs.pop("headers", {})
    if body is not None and "content" not in kwargs:
        kwargs["content"] = json.dumps(body)
        hdrs.setdefault("Content-Type", "application/json")
    return HTTP.post(f"{server.url}{API}/{op}", headers=hdrs, **kwargs)


def ask_chat(server: LocalGlean, user: str, text: str, **fields: Any) -> dict[str, Any]:
    """A non-streamed chat turn over raw HTTP; returns the ChatResponse JSON."""
    body = {"messages": [{"author": "USER", "fragments": [{"text": text}], **fields.pop("message", {})}]}
    reply = post(server, "chat", body | fields, user=user)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    result: dict[str, Any] = reply.json()
    return result


def answer_text(response: dict[str, Any]) -> str:
    content = [
        m for m in response["messages"] if m.get("messageType") == "CONTENT" and m.get("author") == "GLEAN_AI"
    ]
    return "".join(f.get("text", "") for m in content for f in m["fragments"])


def cited_titles(response: dict[str, Any]) -> list[str]:
    return [
        f["citation"]["sourceDocument"]["title"]
        for m in response["messages"]
        if m.get("messageType") == "CONTENT"
        for f in m["fragments"]
        if "citation" in f
    ]


def upload(server: LocalGlean, user: str, *files: tuple[str, bytes, str]) -> list[dict[str, Any]]:
    reply = HTTP.post(
        f"{server.url}{API}/uploadchatfiles", headers=headers(user), files=[("files", f) for f in files]
    )
    assert reply.status_code == 200, reply.text
    result: list[dict[str, Any]] = reply.json()["files"]
    return result
