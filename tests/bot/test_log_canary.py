"""No log line, at any documented LOG_LEVEL, carries message text or a token: a canary string is sent in
forged, stale, oversized and malformed requests, in a question whose answer fails, in a job that crashes and
in a 👎's written reason, in a message asked about by shortcut and its modal's question, and every line `gleanbot http` and `gleanbot worker` wrote is searched for it."""

from __future__ import annotations

import contextlib
import json
import socket
import time

import httpx
import pytest
from rq import Queue
from rq.serializers import JSONSerializer

from core.contract import ANSWER_JOB, open_rq_redis
from local_glean import LocalGlean
from local_stack.checks import wait_until
from local_stack.ports import free_port
from local_stack.processes import GleanbotProcess
from slack_sandbox import Sandbox
from tests.bot.test_feedback import vote_value
from tests.harness import BOT_TOKEN, SIGNING_SECRET, bot_env, message_event_body, signed_headers

CANARY = "zebra-canary-7f3a91"
QUESTION = f"How do I reset my {CANARY} password?"


def _event(text: str, event_id: str) -> str:
    return message_event_body(text, event_id=event_id, ts=f"{time.time():.6f}")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _send_requests(url: str) -> list[int]:
    """Every kind of request an attacker or a broken proxy could send, each carrying the canary."""
    statuses = []

    def post(body: str | bytes, headers: dict[str, str]) -> None:
        statuses.append(httpx.post(url, content=body, headers=headers, timeout=10).status_code)

    forged = _event(QUESTION, "Ev_FORGED")
    post(forged, signed_headers(forged, secret="not-the-secret"))
    stale = _event(QUESTION, "Ev_STALE")
    post(stale, signed_headers(stale, timestamp=int(time.time()) - 600))
    post(forged, {"content-type": "application/json"})  # no signature at all
    post(forged, {**signed_headers(forged), "x-slack-request-timestamp": CANARY})
    post(forged, {**signed_headers(forged), "x-slack-signature": f"v0={CANARY}"})
    for malformed in (
        f'{{"type": "event_callback", "event": {{"text": "{CANARY}"',  # cut short
        f'["{CANARY}"]',
        f'{{"type": "event_callback", "event": "{CANARY}"}}',
        f"payload=%7B%22{CANARY}",  # a form whose payload is not JSON
        f"command=/glean&text={CANARY}",  # a command without the fields Slack sends
    ):
        content_type = "application/json" if malformed[0] in "[{" else "application/x-www-form-urlencoded"
        post(malformed, {**signed_headers(malformed), "content-type": content_type})
    not_utf8 = CANARY.encode() + b"\xff\xfe"
    statuses.append(
        httpx.post(
            url, content=not_utf8, headers=signed_headers(not_utf8.decode("latin-1")), timeout=10
        ).status_code
    )
    oversized = CANARY + "x" * (2 * 1024 * 1024)
    with socket.create_connection((httpx.URL(url).host, int(httpx.URL(url).port or 80)), timeout=10) as sock:
        head = f"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: {len(oversized)}\r\n\r\n"
        with contextlib.suppress(OSError):  # the server may close on us mid-body: it stopped reading
            sock.sendall(head.encode() + oversized.encode())
        statuses.append(int(sock.recv(64).split(b" ")[1]))
    return statuses


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
def test_no_log_line_carries_message_text_or_a_token(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str, level: str
) -> None:
    port = free_port()
    env = bot_env(sandbox, glean, redis_url, LOG_LEVEL=level, GLEANBOT_JOB_RETRIES="0", PORT=str(port))
    http = GleanbotProcess(["http"], env)  # above INFO it does not log `listening`: wait for /healthz
    processes = [http]
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 20, 0.1)
        url = f"http://127.0.0.1:{port}/slack/events"
        sandbox.set_bot_url(url)
        statuses = _send_requests(url)
        # A real, signed question whose answer fails (Glean answers 500) ...
        httpx.post(f"{glean.base_url}/_local/faults", json={"operation": "chat", "status": 500, "count": 5})
        queue = Queue(
            env.get("GLEANBOT_QUEUE", "gleanbot"),
            connection=open_rq_redis(redis_url),
            serializer=JSONSerializer,
        )
        question = sandbox.post_message("U_ALICE", "C_GENERAL", f"<@UBOT> {QUESTION}")
        sandbox.wait_for(lambda: queue.count >= 1, timeout_s=20)
        # ... and a job whose payload makes it crash before it starts answering.
        queue.enqueue(ANSWER_JOB, {"question": QUESTION, "team_id": ["T0SANDBOX"]}, description="bad payload")
        worker = GleanbotProcess(["worker", "--burst"], env)
        processes.append(worker)
        assert worker.popen.wait(60) == 0
        notices = [
            m for m in sandbox.messages("C_GENERAL", thread_ts=question["ts"]) if m.get("user") == "UBOT"
        ]
        assert notices, "the failing answer told nobody: the test did not reach the failure path"
        # A 👎 whose reason's comment carries the canary: it goes to Glean, and into no log line.
        httpx.delete(f"{glean.base_url}/_local/faults")
        answered = sandbox.post_message("U_ALICE", "C_GENERAL", "<@UBOT> What are the company holidays?")
        sandbox.wait_for(lambda: queue.count >= 1, timeout_s=20)
        worker = GleanbotProcess(["worker", "--burst"], env)
        processes.append(worker)
        assert worker.popen.wait(60) == 0
        [answer] = [
            m for m in sandbox.messages("C_GENERAL", thread_ts=answered["ts"]) if m.get("user") == "UBOT"
        ]
        sandbox.click(
            "U_ALICE",
            "C_GENERAL",
            answer["ts"],
            "gleanbot_feedback",
            value=vote_value(answer, "negative_button"),
        )
        [modal] = sandbox.wait_for(lambda: sandbox.people.open_views("U_ALICE"))
        sandbox.people.submit_view("U_ALICE", modal["id"], {"reason": "other", "comment": f"about {CANARY}"})
        sandbox.wait_for(
            lambda: any(
                CANARY in json.dumps(r)
                for r in httpx.get(f"{glean.base_url}/_local/feedback").json()["feedback"]
            )
        )
        # Message shortcuts: the message asked about, and the question typed in the modal, carry it too.
        note = sandbox.post_message("U_BOB", "C_GENERAL", f"FYI the {CANARY} rollout is finished")
        sandbox.people.surfaces.message_shortcut("U_ALICE", "C_GENERAL", note["ts"], "gleanbot_ask_message")
        [ask] = sandbox.wait_for(lambda: sandbox.people.open_views("U_ALICE"))
        sandbox.people.submit_view("U_ALICE", ask["id"], {"question": f"what is {CANARY} for?"})
        sandbox.people.surfaces.message_shortcut(
            "U_ALICE", "C_GENERAL", note["ts"], "gleanbot_summarize_thread"
        )
        sandbox.wait_for(lambda: queue.count >= 2, timeout_s=20)
        worker = GleanbotProcess(["worker", "--burst"], env)
        processes.append(worker)
        assert worker.popen.wait(60) == 0
        assert [m for m in sandbox.messages("C_GENERAL", thread_ts=note["ts"]) if m.get("user") == "UBOT"]
        assert sandbox.ephemerals("C_GENERAL", "U_ALICE")  # the summary, privately
    finally:
        for process in processes:
            process.stop()
    logs = "".join(line for process in processes for line in process.lines)
    assert logs
    for secret in (CANARY, BOT_TOKEN, SIGNING_SECRET, "dev-token"):
        leaked = [line for line in logs.splitlines() if secret in line]
        assert not leaked, f"{secret!r} in the {level} logs:\n" + "\n".join(leaked[:5])
    assert statuses[:5] == [401] * 5, statuses  # forged, stale, unsigned, bad timestamp, bad signature
    assert all(s < 500 for s in statuses), str(statuses)  # none crashed the handler
