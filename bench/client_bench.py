"""Client benchmark: glean_chat against Glean's official SDK on the same local_glean, side by side.

Measures operations per second for list, get, start (JSON), and a streamed answer parsed line by line, short
(a few hundred characters) and long (a generated field guide whose three long passages make a ~20 KB answer in
about 1,200 NDJSON lines). local_glean runs in its own process, so its work is charged to neither client, and
the two clients are interleaved round by round so both see the same machine load. glean_chat parses each line
as it arrives; the official SDK returns the whole streamed body as one string, which is then split and
validated with its own `ChatResponse` model, as a user of the SDK has to. "parse long only" times parsing
alone: the long answer's recorded body, every line validated by each library's model, no network, no server.
Prints a table with the ratio ours/theirs (above 1.0: we are faster). `--smoke` runs one short round (CI).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
from glean.api_client import Glean as SdkGlean
from glean.api_client import models as sdk_models

from glean_chat import Glean, models, utils
from local_glean.config import SAMPLE_DOCS_DIR
from local_stack.processes import LineLog

QUESTION = "What are the company holidays and what do contractors get?"
LONG_QUESTION = "What is the archive retention schedule for records storage?"
LONG_PART_WORDS = 1200
_TERMS = ("archive", "retention", "schedule", "records", "storage", "ledger", "backup", "vault", "index")
_FILLER = (
    "the",
    "of",
    "and",
    "for",
    "with",
    "each",
    "every",
    "team",
    "quarterly",
    "annual",
    "review",
    "audit",
)


def write_long_doc(folder: Path) -> None:
    """A guide of three long paragraphs without sentence breaks: each is one passage, quoted whole."""
    rng = random.Random(7)  # the same document every run

    def part() -> str:
        return " ".join(rng.choice(_TERMS if i % 5 == 0 else _FILLER) for i in range(LONG_PART_WORDS))

    sections = "\n\n".join(f"## Part {n}\n\n{part()}" for n in range(1, 4))
    (folder / "records-field-guide.md").write_text(f"# Records field guide\n\n{sections}\n", encoding="utf-8")


def start_server(docs: Path, data: Path) -> tuple[subprocess.Popen[str], str]:
    """local_glean in its own process (`--port 0`), so its work is charged to neither client; returns its URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "local_glean", "--port", "0", "--docs", str(docs), "--data", str(data)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    for line in server.stderr:  # ends at EOF if it exits
        found = re.search(r"serving (http://\S+)/rest/api/v1/", line)
        if found:
            LineLog([server.stderr])  # keep draining its log, so it never blocks on a full pipe
            return server, found.group(1)
    server.wait(10)
    raise RuntimeError(f"local_glean did not start (exit status {server.returncode})")


def _time_ops(fn: Callable[[], object], n: int) -> float:
    """Operations per second for `n` calls of `fn`."""
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - started)


def _sdk_messages(text: str) -> list[sdk_models.ChatMessage]:
    return [sdk_models.ChatMessage(fragments=[sdk_models.ChatMessageFragment(text=text)])]


Case = tuple[Callable[[], object], Callable[[], object], int]


def run(rounds: int, ops: int) -> tuple[dict[str, tuple[list[float], list[float]]], int, int]:
    with tempfile.TemporaryDirectory(prefix="gleanbot-bench-") as tmp:
        docs = Path(tmp) / "docs"
        shutil.copytree(SAMPLE_DOCS_DIR, docs)
        write_long_doc(docs)
        server, url = start_server(docs, Path(tmp) / "data")
        ours = Glean(bearer_auth="dev-token", server_url=url, retry_config=utils.NO_RETRIES)
        sdk_http = httpx.Client(timeout=120)  # ours to close: the SDK's own client only closes via __exit__
        theirs = SdkGlean(api_token="dev-token", server_url=url, timeout_ms=120_000, client=sdk_http)
        try:
            msg: list[dict[str, Any]] = [{"fragments": [{"text": QUESTION}]}]
            long_msg: list[dict[str, Any]] = [{"fragments": [{"text": LONG_QUESTION}]}]
            first = list(ours.client.chat.start_stream(messages=msg, save_chat=True))  # read to the end
            chat_id = next(r.chat_id for r in first if r.chat_id)
            long_lines = long_chars = 0
            for response in ours.client.chat.start_stream(messages=long_msg):
                long_lines += 1
                for message in response.messages or []:
                    long_chars += sum(len(f.text or "") for f in message.fragments or [])

            def ours_stream(messages: list[dict[str, Any]]) -> Callable[[], None]:
                def go() -> None:
                    for _ in ours.client.chat.start_stream(messages=messages):
                        pass

                return go

            def theirs_stream(text: str) -> Callable[[], None]:
                def go() -> None:
                    body = theirs.client.chat.create_stream(messages=_sdk_messages(text), stream=True)
                    for line in body.splitlines():
                        if line.strip():
                            sdk_models.ChatResponse.model_validate_json(line)

                return go

            body = sdk_http.post(
                f"{url}/rest/api/v1/chat",
                json={"messages": long_msg, "stream": True},
                headers={"Authorization": "Bearer dev-token"},
            ).text
            lines = [line for line in body.splitlines() if line.strip()]

            def ours_parse() -> None:
                # What glean_chat does with each line it reads (glean_chat/chat.py `_parse`).
                for line in lines:
                    models.ChatResponse.model_validate_json(line)

            def theirs_parse() -> None:
                for line in lines:
                    sdk_models.ChatResponse.model_validate_json(line)

            long_ops = max(1, ops // 8)
            cases: dict[str, Case] = {
                "list": (ours.client.chat.list, theirs.client.chat.list, ops),
                "get": (
                    lambda: ours.client.chat.get(id=chat_id),
                    lambda: theirs.client.chat.retrieve(id=chat_id),
                    ops,
                ),
                "start (JSON)": (
                    lambda: ours.client.chat.start(messages=msg),
                    lambda: theirs.client.chat.create(messages=_sdk_messages(QUESTION)),
                    ops,
                ),
                "stream, short": (ours_stream(msg), theirs_stream(QUESTION), ops),
                "stream, long": (ours_stream(long_msg), theirs_stream(LONG_QUESTION), long_ops),
                "parse long only": (ours_parse, theirs_parse, long_ops),
            }
            results: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in cases}
            for _ in range(rounds):
                for name, (a, b, n) in cases.items():
                    results[name][0].append(_time_ops(a, n))
                    results[name][1].append(_time_ops(b, n))
            return results, long_lines, long_chars
        finally:
            ours.close()
            sdk_http.close()
            server.terminate()
            server.wait(10)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="one round of a few calls (CI)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ops", type=int, default=40, help="calls per operation per round (long stream: /8)")
    args = parser.parse_args(argv)
    rounds, ops = (1, 3) if args.smoke else (max(1, min(args.rounds, 50)), max(1, min(args.ops, 1000)))
    results, long_lines, long_chars = run(rounds, ops)
    print(f"client benchmark: {rounds} rounds x {ops} calls, local_glean on loopback, median ops/s")
    print(f"long answer: {long_chars} characters in {long_lines} NDJSON lines")
    print(f"{'operation':<16}{'glean_chat':>12}{'official SDK':>14}{'ours/theirs':>13}")
    for name, (a_runs, b_runs) in results.items():
        a, b = statistics.median(a_runs), statistics.median(b_runs)
        print(f"{name:<16}{a:>12.1f}{b:>14.1f}{a / b:>13.2f}")
    print("target: ours/theirs >= 1.0 (not slower)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
