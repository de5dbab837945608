"""Child processes of the local stack (Redis, RQ workers): started in their own session, logged to a file, and
stopped as a whole process group, so Ctrl-C leaves no orphan behind (a worker's job process included)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["Child"]

TAIL_LINES = 20


class Child:
    """One started process; `name` is what messages call it."""

    def __init__(self, name: str, argv: Sequence[str], log_path: Path, env: Mapping[str, str] | None = None):
        self.name = name
        self.log_path = log_path
        self._log = log_path.open("ab")
        # Own session: a terminal's Ctrl-C reaches only the demo, which then stops children in order.
        self.process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace_s: float) -> None:
        """SIGTERM the process group, wait up to `grace_s`, then SIGKILL whatever is left of the group."""
        if self.alive():
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace_s)
        # Also after a clean exit: a worker's job process may outlive its parent for a moment.
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self._log.close()

    def kill(self) -> None:
        """SIGKILL the process group at once: no chance to clean up (a crash, for drills)."""
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self._log.close()

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)

    def tail(self) -> str:
        """The last lines it wrote, to explain why it stopped."""
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-TAIL_LINES:])
