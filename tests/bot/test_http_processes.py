"""`gleanbot http` with several processes on one port: every event decided once, a dead one replaced."""

from __future__ import annotations

import os
import signal
from collections import Counter

from local_glean import LocalGlean
from local_stack.checks import wait_until
from local_stack.processes import alive, children, descendants, start_http
from slack_sandbox import Sandbox
from tests.harness import bot_env

QUESTIONS = 24


def test_several_listener_processes_share_the_port_and_one_that_dies_is_replaced(
    sandbox: Sandbox, glean: LocalGlean, redis_url: str
) -> None:
    http = start_http(bot_env(sandbox, glean, redis_url, GLEANBOT_HTTP_PROCESSES="2"), sandbox)
    try:
        listeners = wait_until(lambda: children(http.pid) if len(children(http.pid)) == 2 else None, 20)
        asked = [
            sandbox.post_message("U_ALICE", "C_GENERAL", f"What is the travel policy for trip {n}?")["ts"]
            for n in range(QUESTIONS)
        ]

        def enqueued() -> Counter[str] | None:
            seen = Counter(str(r["message_ts"]) for r in http.events("message_enqueued"))
            return seen if len(seen) == QUESTIONS else None

        assert wait_until(enqueued, 30) == Counter({ts: 1 for ts in asked})  # each once, none lost

        os.kill(listeners[0], signal.SIGKILL)
        http.wait_event("listener_restarted")
        replaced = wait_until(lambda: children(http.pid) if len(children(http.pid)) == 2 else None, 20)
        assert listeners[0] not in replaced and listeners[1] in replaced
        late = sandbox.post_message("U_BOB", "C_GENERAL", "Where is the VPN setup guide?")["ts"]
        wait_until(
            lambda: [r for r in http.events("message_enqueued") if r["message_ts"] == late] or None, 20
        )
    finally:
        below = descendants(http.pid)
        http.stop()
    assert http.popen.returncode == 0  # SIGTERM stops the supervisor and its listeners cleanly
    assert not [pid for pid in below if alive(pid)]
