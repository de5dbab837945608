"""Client benchmark: glean_chat against Glean's official SDK on the same local_glean, side by side.

Measures operations per second for list, get, start (JSON) and a streamed answer parsed line by line,
interleaving the two clients round by round so both see the same machine load. Prints a table with the
ratio ours/theirs (above 1.0: we are faster). `--smoke` runs a few rounds only (CI).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from glean.api_client import Glean as SdkGlean
from glean.api_client import models as sdk_models

from glean_chat import Glean, utils
from local_glean.config import LocalGleanConfig
from local_glean.server import LocalGlean

QUESTION = "What are the company holidays and what do contractors get?"


def _time_ops(fn: Callable[[], object], n: int) -> float:
    """Operations per second for `n` calls of `fn`."""
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a few rounds only (CI)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ops", type=int, default=40, help="calls per operation per round")
    args = parser.parse_args(argv)
    rounds, ops = (1, 3) if args.smoke else (args.rounds, args.ops)

    with tempfile.TemporaryDirectory() as data:
        server = LocalGlean(LocalGleanConfig(data_dir=Path(data))).start()
        url = server.url
        try:
            ours = Glean(bearer_auth="dev-token", server_url=url, retry_config=utils.NO_RETRIES)
            theirs = SdkGlean(api_token="dev-token", server_url=url, timeout_ms=120_000)
            msg = [{"fragments": [{"text": QUESTION}]}]
            first = ours.client.chat.start_stream(messages=msg, save_chat=True)
            chat_id = next(r.chat_id for r in first if r.chat_id)

            def ours_stream() -> None:
                for _ in ours.client.chat.start_stream(messages=msg):
                    pass

            def theirs_stream() -> None:
                body = theirs.client.chat.create_stream(messages=msg, stream=True)
                for line in body.splitlines():
                    if line.strip():
                        sdk_models.ChatResponse.model_validate_json(line)

            cases: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
                "list": (ours.client.chat.list, theirs.client.chat.list),
                "get": (
                    lambda: ours.client.chat.get(id=chat_id),
                    lambda: theirs.client.chat.retrieve(id=chat_id),
                ),
                "start (JSON)": (
                    lambda: ours.client.chat.start(messages=msg),
                    lambda: theirs.client.chat.create(messages=msg),
                ),
                "stream + parse": (ours_stream, theirs_stream),
            }
            results: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in cases}
            for _ in range(rounds):
                for name, (a, b) in cases.items():
                    results[name][0].append(_time_ops(a, ops))
                    results[name][1].append(_time_ops(b, ops))
            ours.close()
        finally:
            server.stop()

    print(f"client benchmark: {rounds} rounds x {ops} calls, local_glean on loopback, median ops/s")
    print(f"{'operation':<16}{'glean_chat':>12}{'official SDK':>14}{'ours/theirs':>13}")
    for name, (a_runs, b_runs) in results.items():
        a, b = statistics.median(a_runs), statistics.median(b_runs)
        print(f"{name:<16}{a:>12.1f}{b:>14.1f}{a / b:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
