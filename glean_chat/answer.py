"""Turning chat replies (one JSON, an NDJSON body, or a live stream) into answer text plus citations."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import ChatMessage, ChatMessageCitation, ChatMessageFragment, ChatResponse

# Message types that never carry answer text (progress, stream control, debugging, tools).
_ANSWER_TYPES = frozenset({"CONTENT"})
_NOTICE_TYPES = frozenset({"ERROR", "WARNING"})


@dataclass(frozen=True)
class Citation:
    """A cited source, numbered in order of first citation."""

    number: int
    title: str
    url: str | None
    document_id: str | None = None
    datasource: str | None = None


@dataclass(frozen=True)
class Answer:
    text: str
    """The answer with `[n]` markers where Glean placed citations."""
    citations: list[Citation]
    chat_id: str | None = None
    follow_up_prompts: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    """Progress lines ("Searching: holidays", "Reading: 2 documents") in arrival order."""
    notices: list[str] = field(default_factory=list)
    """Text of ERROR and WARNING messages Glean sent along."""
    tracking_token: str | None = None
    """What `/feedback` names for a vote on this answer: its message's `messageTrackingToken`, else the
    reply's `chatSessionTrackingToken`."""


class AnswerBuilder:
    """Accumulates ChatResponses in arrival order. `add()` returns the answer text each one adds."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._citations: dict[str, Citation] = {}
        self._chat_id: str | None = None
        self._follow_ups: list[str] = []
        self._message_id: str | None = None
        self._message_token: str | None = None
        self._session_token: str | None = None
        self.updates: list[str] = []
        self.notices: list[str] = []

    def add(self, response: ChatResponse) -> str:
        if self._chat_id is None and response.chat_id:
            self._chat_id = response.chat_id  # Glean's clients take the first non-null one
        if response.follow_up_prompts:
            self._follow_ups = list(response.follow_up_prompts)
        self._session_token = self._session_token or response.chat_session_tracking_token
        added = [self._add_message(m) for m in response.messages or []]
        return "".join(added)

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def chat_id(self) -> str | None:
        return self._chat_id

    def result(self) -> Answer:
        return Answer(
            text=self.text.strip(),
            citations=sorted(self._citations.values(), key=lambda c: c.number),
            chat_id=self._chat_id,
            follow_up_prompts=list(self._follow_ups),
            updates=list(self.updates),
            notices=list(self.notices),
            tracking_token=self._message_token or self._session_token,
        )

    def _add_message(self, message: ChatMessage) -> str:
        if message.author == "USER":
            return ""
        kind = message.message_type or "CONTENT"
        if kind == "UPDATE":
            update = _update_text(message.fragments or [])
            if update:
                self.updates.append(update)
            return ""
        if kind in _NOTICE_TYPES:
            notice = "".join(f.text or "" for f in message.fragments or []).strip()
            if notice:
                self.notices.append(notice)
            return ""
        if kind not in _ANSWER_TYPES:
            return ""
        out: list[str] = []
        if message.message_id and self._message_id and message.message_id != self._message_id and self.text:
            out.append("\n\n")  # a new answer message, not a delta of the previous one
        self._message_id = message.message_id or self._message_id
        # The latest answer message's token: a vote is on the answer as finally shown.
        self._message_token = message.message_tracking_token or self._message_token
        for fragment in message.fragments or []:
            if fragment.text:
                out.append(fragment.text)
            if fragment.citation is not None:
                marker = self._cite(fragment.citation)
                if marker:
                    out.append(marker)
        for citation in message.citations or []:  # deprecated message-level list: sources, no markers
            self._cite(citation)
        delta = "".join(out)
        self._parts.append(delta)
        return delta

    def _cite(self, citation: ChatMessageCitation) -> str:
        doc = citation.source_document
        file = citation.source_file
        person = citation.source_person
        if doc is not None:
            key = doc.url or doc.id or doc.title or ""
            title = doc.title or doc.url or "Untitled document"
            c = (title, doc.url, doc.id, doc.datasource)
        elif file is not None:
            key = f"file:{file.id or file.name}"
            c = (file.name or "Uploaded file", file.url, file.id, "chat_file")
        elif person is not None:
            key = f"person:{person.obfuscated_id or person.name}"
            c = (person.name or "Person", None, person.obfuscated_id, "people")
        else:
            return ""
        existing = self._citations.get(key)
        if existing is None:
            existing = Citation(len(self._citations) + 1, c[0], c[1], c[2], c[3])
            self._citations[key] = existing
        return f" [{existing.number}]"


def _update_text(fragments: Iterable[ChatMessageFragment]) -> str:
    bits: list[str] = []
    for f in fragments:
        if f.text:
            bits.append(f.text.replace("**", "").strip())
        if f.query_suggestion is not None:
            bits.append(f.query_suggestion.query)
        if f.structured_results:
            titles = [r.document.title for r in f.structured_results if r.document and r.document.title]
            if titles:
                bits.append(", ".join(titles))
    return " ".join(b for b in bits if b).strip()


def answer_from_responses(responses: Iterable[ChatResponse]) -> Answer:
    builder = AnswerBuilder()
    for response in responses:
        builder.add(response)
    return builder.result()


def answer_from_response(reply: str | ChatResponse) -> Answer:
    """The answer in `start()`'s return value (one JSON object or an NDJSON body) or a ChatResponse."""
    if isinstance(reply, ChatResponse):
        return answer_from_responses([reply])
    lines = [line.strip() for line in reply.splitlines() if line.strip()]
    try:
        # One pretty-printed JSON object spans several lines; try the whole body first.
        return answer_from_responses([ChatResponse.model_validate(json.loads(reply))])
    except ValueError:
        return answer_from_responses(ChatResponse.model_validate_json(line) for line in lines)
