"""One chat turn: retrieval in the chat's context, the composed answer, and its wire messages and deltas."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from .answer import Composed, Source, compose
from .config import Application
from .retrieve import Hit, retrieve
from .service import Service
from .store import ChatRecord

DELTA_WORDS = 3  # words per streamed CONTENT delta


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_text(message: dict[str, Any]) -> str:
    return "".join(f.get("text") or "" for f in message.get("fragments") or [])


def chat_name(question: str, limit: int = 80) -> str:
    """A saved chat's name: its first question, cut at a word boundary."""
    flat = " ".join(question.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


@dataclass
class TurnContext:
    """What a turn may draw on besides its question."""

    earlier_questions: list[str] = field(default_factory=list)
    file_ids: list[str] = field(default_factory=list)  # every upload usable in this chat
    attached_file_ids: list[str] = field(default_factory=list)  # uploads attached to this question
    cited_keys: list[str] = field(default_factory=list)  # documents the previous answer cited


def chat_context(chat: ChatRecord, usable_file: Any) -> TurnContext:
    """Context from a saved chat's earlier turns. `usable_file(id) -> bool` filters deleted uploads."""
    context = TurnContext()
    for message in chat.messages:
        if message.get("author", "USER") == "USER":
            context.earlier_questions.append(message_text(message))
            for file_id in message.get("uploadedFileIds") or []:
                if file_id not in context.file_ids and usable_file(file_id):
                    context.file_ids.append(file_id)
        elif message.get("messageType") == "CONTENT":
            context.cited_keys = [
                f["citation"]["sourceDocument"]["id"]
                for f in message.get("fragments") or []
                if f.get("citation", {}).get("sourceDocument", {}).get("id")
            ]
    return context


@dataclass
class Turn:
    searched: str
    answer: Composed
    updates: list[dict[str, Any]]  # UPDATE messages ("Searching", "Reading")
    content_id: str
    tracking_token: str = field(default_factory=lambda: secrets.token_hex(12))

    @cached_property
    def fragments(self) -> list[dict[str, Any]]:
        """Text fragments with inline citation fragments after the text they support."""
        fragments: list[dict[str, Any]] = []
        for kind, value in self.answer.parts:
            if kind == "text":
                fragments.append({"text": value})
            else:
                fragments.append({"citation": value.citation(secrets.token_hex(8))})
        return fragments

    def content_message(self) -> dict[str, Any]:
        """The whole answer as one CONTENT message (non-streamed replies and saved chats)."""
        return {
            "author": "GLEAN_AI",
            "messageType": "CONTENT",
            "messageId": self.content_id,
            # What a client's 👍/👎 names in /feedback (one token per answer turn).
            "messageTrackingToken": self.tracking_token,
            "fragments": self.fragments,
            "hasMoreFragments": False,
            "ts": timestamp(),
        }

    def deltas(self) -> list[dict[str, Any]]:
        """The answer as streamed: a fragment of a few words (or one citation) per NDJSON line."""
        out: list[dict[str, Any]] = []
        for fragment in self.fragments:
            if "text" not in fragment:
                out.append(fragment)
                continue
            words = re.findall(r"\s*\S+\s*", fragment["text"]) or [fragment["text"]]
            for start in range(0, len(words), DELTA_WORDS):
                out.append({"text": "".join(words[start : start + DELTA_WORDS])})
        return out


def _resolve(service: Service, hit: Hit) -> Source:
    row = hit.passage
    if row.is_upload:
        record = service.store.get_file(row.ref)
        if record is None:  # deleted while answering
            return Source(row.key, row.title, service.file_url(row.ref), "")
        # People know their uploads by file name, whatever title the file's text starts with.
        return Source(
            row.key, record.name, service.file_url(row.ref), record.mime_type, service.chat_file(record)
        )
    return Source(row.key, row.title, service.doc_url(row.ref), _mime(service, row.key))


def _mime(service: Service, key: str) -> str:
    info = service.index.source(key)
    return info.mime_type if info else ""


def run_turn(service: Service, question: str, context: TurnContext, app: Application) -> Turn:
    """Retrieve and compose the answer to `question`; nothing is saved here."""
    service.refresh_docs()
    retrieval = retrieve(
        service.index,
        question,
        context.earlier_questions,
        file_ids=context.file_ids,
        attached_file_ids=context.attached_file_ids,
        cited_keys=context.cited_keys,
        allowed_doc=app.doc_filter(),
        semantic=service.config.semantic_search,
    )
    answer = compose(retrieval, lambda hit: _resolve(service, hit), service.index)
    updates = [
        _update([{"text": "**Searching:** "}, {"querySuggestion": {"query": retrieval.query}}]),
    ]
    if answer.sources:
        results = [{"document": s.document()} for s in answer.sources]
        updates.append(_update([{"text": "**Reading:** "}, {"structuredResults": results}]))
    return Turn(retrieval.query, answer, updates, content_id=secrets.token_hex(16))


def _update(fragments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "author": "GLEAN_AI",
        "messageType": "UPDATE",
        "messageId": secrets.token_hex(16),
        "fragments": fragments,
        "ts": timestamp(),
    }
