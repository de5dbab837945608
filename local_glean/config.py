"""local_glean's settings (one frozen object, built by the CLI or a test) and the chat applications file."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .auth import DEFAULT_TOKENS
from .pacing import OFF, Pace

PACKAGE_DIR = Path(__file__).resolve().parent
SAMPLE_DOCS_DIR = PACKAGE_DIR / "sample_docs"
SAMPLE_APPLICATIONS_FILE = PACKAGE_DIR / "applications.yml"
DEFAULT_PORT = 8731
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # per file; larger files are answered FAILED / FILE_TOO_LARGE
MAX_JSON_BYTES = 2 * 1024 * 1024  # per JSON request body; larger is 413
MAX_FILES_PER_UPLOAD = 20


@dataclass(frozen=True)
class LocalGleanConfig:
    data_dir: Path
    docs_dir: Path = SAMPLE_DOCS_DIR
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port (tests); the CLI defaults to DEFAULT_PORT
    tokens: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_TOKENS))
    faults_enabled: bool = False
    pace: Pace = OFF
    applications_file: Path | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_json_bytes: int = MAX_JSON_BYTES
    max_files_per_upload: int = MAX_FILES_PER_UPLOAD
    # The URL clients reach the server at, used in document and file links; default http://host:port.
    public_url: str | None = None
    # Called with (path, line) right after each streamed NDJSON line is flushed to the client, so benchmarks
    # can time what Glean emitted against what the client showed. Runs on the serving thread: keep it quick.
    on_stream_line: Callable[[str, bytes], None] | None = None
    # Rank with the bundled embedding model besides keywords (see embed.py); False: keywords only.
    semantic_search: bool = True

    @property
    def max_upload_request_bytes(self) -> int:
        # Room for one over-large file (answered FILE_TOO_LARGE rather than refused) plus multipart framing.
        return self.max_upload_bytes * (self.max_files_per_upload + 1) + 64 * 1024


@dataclass(frozen=True)
class Application:
    """A chat application (Glean's "AI app"): a name and, optionally, the docs it may use."""

    id: str
    name: str
    description: str = ""
    docs: tuple[str, ...] = ()  # glob patterns relative to the docs folder; empty: every doc

    def doc_filter(self) -> re.Pattern[str] | None:
        if not self.docs:
            return None
        return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in self.docs))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description:
            out["description"] = self.description
        if self.docs:
            out["docs"] = list(self.docs)
        return out


DEFAULT_APPLICATION = Application(
    id="default",
    name="Glean Assistant (local)",
    description="Answers from every document in the docs folder.",
)


def load_applications(path: Path | None) -> dict[str, Application]:
    """Applications from a YAML (or JSON) file; a `default` application is always present.

    Raises ValueError with a readable reason when the file is malformed.
    """
    apps = {DEFAULT_APPLICATION.id: DEFAULT_APPLICATION}
    if path is None:
        return apps
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read applications file {path}: {exc}") from exc
    items = data.get("applications") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a top-level 'applications' list")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise ValueError(f"{path}: application #{number} needs a non-empty string 'id'")
        docs = item.get("docs") or []
        if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
            raise ValueError(f"{path}: application {item['id']!r}: 'docs' must be a list of glob patterns")
        apps[item["id"]] = Application(
            id=item["id"],
            name=str(item.get("name") or item["id"]),
            description=str(item.get("description") or ""),
            docs=tuple(docs),
        )
    return apps
