"""`gleanbot local-glean` / `python -m local_glean`: parse flags and the environment, then serve."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from .auth import DEFAULT_TOKENS, parse_tokens
from .config import (
    DEFAULT_PORT,
    MAX_UPLOAD_BYTES,
    SAMPLE_APPLICATIONS_FILE,
    SAMPLE_DOCS_DIR,
    LocalGleanConfig,
)
from .pacing import PRESETS, Pace
from .server import LocalGlean

log = logging.getLogger("local_glean")


def default_data_dir(environ: dict[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "gleanbot" / "local-glean"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gleanbot local-glean",
        description="Serve a local stand-in for Glean's Chat API over a folder of documents.",
        epilog=(
            "Environment: LOCAL_GLEAN_TOKENS='TOKEN=EMAIL,TOKEN=*' (default: "
            + ",".join(f"{t}={e}" for t, e in DEFAULT_TOKENS.items())
            + "); LOCAL_GLEAN_FAULTS=1 enables /_local/faults."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s; 0 = any)")
    parser.add_argument(
        "--docs", type=Path, default=SAMPLE_DOCS_DIR, help="folder of documents to answer from"
    )
    parser.add_argument("--data", type=Path, default=None, help="folder for chats, uploads and the index")
    parser.add_argument(
        "--applications",
        type=Path,
        default=None,
        help="chat applications YAML file (default: the sample applications, with the sample docs)",
    )
    parser.add_argument("--pace", choices=sorted(PRESETS), default="off", help="answer pacing preset")
    parser.add_argument("--first-token-ms", type=int, default=None, help="override time to first token")
    parser.add_argument("--tokens-per-s", type=float, default=None, help="override generation speed")
    parser.add_argument("--faults", action="store_true", help="enable the /_local/faults endpoint")
    parser.add_argument("--max-upload-bytes", type=int, default=MAX_UPLOAD_BYTES, help="per uploaded file")
    parser.add_argument("--public-url", default=None, help="base URL for links, if not http://HOST:PORT")
    parser.add_argument(
        "--keyword-only", action="store_true", help="search without the embedding model (keywords only)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser


def config_from_args(args: argparse.Namespace, environ: dict[str, str]) -> LocalGleanConfig:
    """The config for parsed `args` and the environment; ValueError with a readable reason if invalid."""
    tokens_spec = environ.get("LOCAL_GLEAN_TOKENS", "").strip()
    tokens = parse_tokens(tokens_spec) if tokens_spec else dict(DEFAULT_TOKENS)
    pace = PRESETS[args.pace]
    if args.first_token_ms is not None:
        pace = replace(pace, first_token_ms=args.first_token_ms)
    if args.tokens_per_s is not None:
        pace = replace(pace, tokens_per_s=args.tokens_per_s)
    if pace.first_token_ms < 0 or pace.tokens_per_s < 0:
        raise ValueError("pacing values must not be negative")
    if not args.docs.is_dir():
        raise ValueError(f"docs folder not found: {args.docs}")
    applications = args.applications
    if applications is None and args.docs.resolve() == SAMPLE_DOCS_DIR:
        applications = SAMPLE_APPLICATIONS_FILE  # its doc patterns only make sense for the sample docs
    if applications is not None and not applications.is_file():
        raise ValueError(f"applications file not found: {applications}")
    if args.max_upload_bytes <= 0:
        raise ValueError("--max-upload-bytes must be positive")
    return LocalGleanConfig(
        data_dir=args.data or default_data_dir(environ),
        docs_dir=args.docs,
        host=args.host,
        port=args.port,
        tokens=tokens,
        faults_enabled=args.faults
        or environ.get("LOCAL_GLEAN_FAULTS", "").strip().lower() in {"1", "true", "yes"},
        pace=Pace(pace.first_token_ms, pace.tokens_per_s),
        applications_file=applications,
        max_upload_bytes=args.max_upload_bytes,
        public_url=args.public_url.rstrip("/") if args.public_url else None,
        semantic_search=not args.keyword_only,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )
    try:
        config = config_from_args(args, dict(os.environ))
        server = LocalGlean(config)
        url = server.bind()
    except (ValueError, OSError) as exc:
        print(f"local-glean: {exc}", file=sys.stderr)
        return 2
    assert server.service is not None
    documents = len(server.service.index.doc_sources())
    print(f"local_glean serving {url}/rest/api/v1/  (not Glean: a local stand-in)", file=sys.stderr)
    print(f"  docs: {config.docs_dir} ({documents} documents)  data: {config.data_dir}", file=sys.stderr)
    users = sorted({e for e in config.tokens.values() if e != "*"})
    print(
        f"  {len(config.tokens)} tokens (users: {', '.join(users) or 'none'}; '*' = global token)",
        file=sys.stderr,
    )
    if config.faults_enabled:
        print(f"  fault injection on: POST/DELETE {url}/_local/faults", file=sys.stderr)
    if config.pace.enabled:
        pace = config.pace
        print(
            f"  pacing: {pace.first_token_ms} ms to first token, {pace.tokens_per_s:g} tokens/s",
            file=sys.stderr,
        )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0
