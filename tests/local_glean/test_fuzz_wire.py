"""Property-based fuzzing of local_glean's wire format (Hypothesis): every operation gets valid bodies with
fields replaced, dropped or added at any depth, wrong query strings and odd headers. It answers each with a
2XX or a 4XX with a reason (never a 5XX), in time, and still serves a real chat afterwards.

Glean's OpenAPI specs are Glean's and stay outside the project, so instead of generating from the spec this
mutates the bodies the spec's own examples look like (the official SDK's, as tests/local_glean sends them).
`GLEANBOT_FUZZ_EXAMPLES` (default 60 per operation) runs more; each test prints how many inputs it sent."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_glean import LocalGlean

from .helpers import API, HTTP, ask_chat, headers

EXAMPLES = int(os.environ.get("GLEANBOT_FUZZ_EXAMPLES", "60"))
ANSWER_WITHIN_S = 10.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID: dict[str, dict[str, Any]] = {
    "chat": {
        "messages": [
            {"author": "USER", "messageType": "CONTENT", "fragments": [{"text": "What is the per diem?"}]}
        ],
        "saveChat": True,
        "stream": False,
        "timeoutMillis": 5000,
    },
    "ask": {"searchRequest": {"query": "where is the vpn guide?", "pageSize": 3}, "detectOnly": True},
    "listchats": {},
    "getchat": {"id": "chat-does-not-exist"},
    "deletechats": {"ids": ["chat-does-not-exist"]},
    "deleteallchats": {},
    "getchatapplication": {"id": "handbook-assistant"},
    "getchatfiles": {"fileIds": ["file-does-not-exist"]},
    "deletechatfiles": {"fileIds": ["file-does-not-exist"]},
    "feedback": {
        "trackingTokens": ["token-of-no-answer"],
        "event": "MANUAL_FEEDBACK",
        "category": "CHAT",
        "manualFeedbackInfo": {"source": "CHAT", "issues": ["OTHER"], "comments": "x", "vote": "DOWNVOTE"},
    },
}
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=10,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """`value` with, at random points of its tree, a value replaced, a key dropped or a key added."""
    if depth > 4 or draw(st.integers(0, 7)) == 0:
        return draw(JSON) if draw(st.booleans()) else value
    if isinstance(value, dict):
        out = {k: draw(mutated(v, depth + 1)) for k, v in value.items() if draw(st.integers(0, 6))}
        if draw(st.integers(0, 4)) == 0:
            out.setdefault(draw(st.sampled_from(["id", "chatId", "stream", "agentConfig", "x"])), draw(JSON))
        return out
    if isinstance(value, list):
        return [draw(mutated(v, depth + 1)) for v in value] + draw(st.lists(JSON, max_size=1))
    return value


@st.composite
def requests(draw: st.DrawFn, operation: str) -> tuple[str, bytes, dict[str, str]]:
    body = draw(mutated(VALID[operation]))
    raw = json.dumps(body).encode() if draw(st.integers(0, 9)) else draw(st.binary(max_size=60))
    query = draw(st.sampled_from(["", "?timezoneOffset=60", "?timezoneOffset=abc", "?timezoneOffset=99999"]))
    extra = draw(
        st.sampled_from(
            [{}, {"X-Glean-ActAs": "bob@example.com"}, {"X-Glean-ActAs": ""}, {"Content-Type": "text/plain"}]
        )
    )
    return query, raw, extra


@pytest.mark.parametrize("operation", sorted(VALID))
def test_fuzzed_bodies_get_a_2xx_or_a_reasoned_4xx(server: LocalGlean, user: str, operation: str) -> None:
    statuses: dict[int, int] = {}

    @FUZZ
    @given(requests(operation))
    def run(request: tuple[str, bytes, dict[str, str]]) -> None:
        query, raw, extra = request
        hdrs = headers(user) | {"Content-Type": "application/json"} | extra
        started = time.monotonic()
        reply = HTTP.post(f"{server.url}{API}/{operation}{query}", headers=hdrs, content=raw)
        assert time.monotonic() - started < ANSWER_WITHIN_S
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        assert reply.status_code < 500, (reply.status_code, reply.text[:300], raw[:300])
        if reply.status_code >= 400:
            assert reply.text.strip(), "a 4XX says why"

    run()
    print(f"fuzz {operation}: {sum(statuses.values())} inputs, statuses {dict(sorted(statuses.items()))}")
    # Still serving: a real question is answered after everything above.
    assert ask_chat(server, user, "What is the per diem?")


def test_fuzzed_uploads_get_a_2xx_or_a_reasoned_4xx(server: LocalGlean, user: str) -> None:
    statuses: dict[int, int] = {}

    @FUZZ
    @given(
        st.binary(max_size=300),
        st.sampled_from(["a.txt", "", "../../etc/passwd", "x" * 300, "ü.md", "a\r\nb.txt"]),
        st.sampled_from(["text/plain", "application/pdf", "", "multipart/form-data"]),
    )
    def run(content: bytes, name: str, mime: str) -> None:
        files = {"files": (name, content, mime)} if mime != "multipart/form-data" else None
        kwargs: dict[str, Any] = {"files": files} if files else {"content": content}
        hdrs = headers(user) | ({"Content-Type": mime} if not files else {})
        reply = httpx.post(
            f"{server.url}{API}/uploadchatfiles", headers=hdrs, timeout=ANSWER_WITHIN_S, **kwargs
        )
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        assert reply.status_code < 500, (reply.status_code, reply.text[:300])

    run()
    print(f"fuzz uploadchatfiles: {sum(statuses.values())} inputs, statuses {dict(sorted(statuses.items()))}")
    assert ask_chat(server, user, "What is the per diem?")
