"""Extractive answers: the best passages, trimmed to the sentences that matter, each followed by a citation."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .index import Index, SourceInfo
from .retrieve import Hit, Retrieval

SNIPPET_MAX_WORDS = 90  # a passage longer than this is cut down to its most relevant sentences
SNIPPET_MAX_SENTENCES = 3
MAX_FOLLOW_UPS = 3

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Source:
    """A document or uploaded file an answer can cite."""

    key: str
    title: str
    url: str
    mime_type: str
    file: dict[str, Any] | None = None  # the ChatFile, for uploads

    def document(self) -> dict[str, Any]:
        """The Glean `Document` for this source (citations and structured results)."""
        return {
            "id": self.key,
            "datasource": "uploads" if self.file else "local_glean",
            "docType": "File" if self.file else "Document",
            "title": self.title,
            "url": self.url,
            "metadata": {"datasource": "uploads" if self.file else "local_glean", "mimeType": self.mime_type},
        }

    def citation(self, tracking_token: str) -> dict[str, Any]:
        cite: dict[str, Any] = {"trackingToken": tracking_token, "sourceDocument": self.document()}
        if self.file is not None:
            cite["sourceFile"] = self.file
        return cite


@dataclass
class Composed:
    """An answer before it becomes wire messages."""

    found: bool
    # ("text", str) and ("cite", Source) parts, in reading order.
    parts: list[tuple[str, Any]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  # distinct, in order of first use
    blocks: list[tuple[Source, str]] = field(default_factory=list)  # each quoted snippet and its source
    follow_ups: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(p for kind, p in self.parts if kind == "text")


def snippet(text: str, terms: Sequence[str]) -> str:
    """`text` itself when short, else the sentences (or list lines) that mention the most `terms`."""
    if len(text.split()) <= SNIPPET_MAX_WORDS:
        return text
    is_list = all(re.match(r"(?:[-*]|\d+[.)])\s", line) for line in text.splitlines())
    units = text.splitlines() if is_list else _SENTENCE.split(text)
    stems = [t[:5] for t in terms]  # crude stemming is enough to rank a handful of sentences

    def hits(unit: str) -> int:
        words = unit.lower()
        return sum(1 for s in stems if s in words)

    ranked = sorted(range(len(units)), key=lambda i: (-hits(units[i]), i))[:SNIPPET_MAX_SENTENCES]
    chosen = sorted(i for i in ranked if hits(units[i]) > 0) or [0]
    joiner = "\n" if is_list else " "
    return joiner.join(units[i] for i in chosen)


def _label(source: Source, heading: str) -> str:
    return f"**{source.title} — {heading}**" if heading else f"**{source.title}**"


def compose(
    retrieval: Retrieval,
    resolve: Callable[[Hit], Source],
    index: Index,
) -> Composed:
    """The answer for `retrieval`: one labelled, cited block per passage, or an honest "nothing found"."""
    if not retrieval.hits:
        return _nothing_found(retrieval, index)
    answer = Composed(found=True)
    used_headings: dict[str, set[str]] = {}
    for number, hit in enumerate(retrieval.hits):
        source = resolve(hit)
        heading = hit.passage.heading
        text = snippet(hit.passage.text, hit.matched or retrieval.terms or retrieval.context_terms)
        lead = "\n\n" if number else ""
        answer.parts.append(("text", f"{lead}{_label(source, heading)}\n{text}"))
        answer.parts.append(("cite", source))
        answer.blocks.append((source, text))
        if all(s.key != source.key for s in answer.sources):
            answer.sources.append(source)
        used_headings.setdefault(source.key, set()).add(heading)
    answer.follow_ups = _follow_ups(answer.sources, used_headings, index)
    return answer


def _follow_ups(sources: list[Source], used: dict[str, set[str]], index: Index) -> list[str]:
    prompts: list[str] = []
    for source in sources:
        info: SourceInfo | None = index.source(source.key)
        for heading in info.headings if info else ():
            if heading in used.get(source.key, set()) or len(prompts) >= MAX_FOLLOW_UPS:
                continue
            topic = heading if heading[1:2].isupper() else heading[:1].lower() + heading[1:]
            prompts.append(f"What does the {source.title} say about {topic}?")
    return prompts


def _nothing_found(retrieval: Retrieval, index: Index) -> Composed:
    if retrieval.terms or retrieval.context_terms:
        text = (
            f"I couldn't find anything about “{retrieval.query}” in the documents I can search, so I can't "
            "answer that from company sources. Try other keywords, or attach a file that covers it."
        )
    else:
        text = "I need a few keywords to search for. What would you like to know?"
    titles = [s.title for s in index.doc_sources()][:MAX_FOLLOW_UPS]
    return Composed(found=False, parts=[("text", text)], follow_ups=[f"What is in the {t}?" for t in titles])
