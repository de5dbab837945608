"""Forked children that die with their supervisor: one way to fork for the worker pool and the HTTP listeners."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable

__all__ = ["STOP_SIGNALS", "die_with_parent", "fork_child"]

_PR_SET_PDEATHSIG = 1
STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})


def die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this process when its supervisor dies, so a killed host leaves nothing running unowned."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the supervisor died before prctl took effect
        os._exit(1)


def fork_child(
    target: Callable[[], object],
    *,
    record: Callable[[int], None],
    log: logging.Logger,
    what: str,
    own_group: bool = False,
) -> None:
    """Fork a child that runs `target` and exits 0 (or with its SystemExit status, or 1 if it crashed); the
    parent calls `record(pid)` and returns.

    Stop signals wait while forking: a child must never run the supervisor's handler, and a SIGTERM during
    the fork reaches the new child too, because the parent records it before the signal is delivered.
    `own_group`: the child leads its own process group, so signals for the supervisor's group skip it.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    pid = os.fork()
    if pid:
        record(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        return
    status = 1
    try:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        if own_group:
            os.setpgid(0, 0)
        die_with_parent(os.getppid())
        target()
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        log.exception(f"{what} crashed")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
