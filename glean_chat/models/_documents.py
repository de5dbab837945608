"""Documents, people, files and search pieces that chat messages and citations refer to."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from ._base import GleanModel, wire_enum


class Person(GleanModel):
    name: str | None = None
    obfuscated_id: str | None = None
    metadata: dict[str, Any] | None = None


class DocumentMetadata(GleanModel):
    datasource: str | None = None
    datasource_instance: str | None = None
    object_type: str | None = None
    container: str | None = None
    container_id: str | None = None
    parent_id: str | None = None
    mime_type: str | None = None
    document_id: str | None = None
    create_time: str | None = None
    update_time: str | None = None
    author: Person | None = None
    owner: Person | None = None


class DocumentContent(GleanModel):
    full_text_list: list[str] | None = None


class Document(GleanModel):
    id: str | None = None
    datasource: str | None = None
    connector_type: str | None = None
    doc_type: str | None = None
    content: DocumentContent | None = None
    container_document: Document | None = None
    parent_document: Document | None = None
    title: str | None = None
    url: str | None = None
    metadata: DocumentMetadata | None = None


class SearchResultSnippet(GleanModel):
    mime_type: str | None = None
    text: str | None = None
    snippet: str | None = None
    url: str | None = None


class StructuredResult(GleanModel):
    """One result in a fragment's `structuredResults` (documents read, people found, ...)."""

    document: Document | None = None
    person: Person | None = None
    snippets: list[SearchResultSnippet] | None = None
    tracking_token: str | None = None
    prominence: str | None = None
    source: str | None = None


class QuerySuggestion(GleanModel):
    query: str
    label: str | None = None
    datasource: str | None = None
    missing_term: str | None = None


class ChatFileMetadata(GleanModel):
    status: str | None = None
    upload_time: int | None = None
    processed_size: int | None = None
    failure_reason: str | None = None
    mime_type: str | None = None


class ChatFile(GleanModel):
    id: str | None = None
    url: str | None = None
    name: str | None = None
    metadata: ChatFileMetadata | None = None


class TextRange(GleanModel):
    start_index: int
    end_index: int | None = None
    type: str | None = None
    url: str | None = None


class ReferenceRange(GleanModel):
    text_range: TextRange | None = None
    snippets: list[SearchResultSnippet] | None = None


class ChatMessageCitation(GleanModel):
    tracking_token: str | None = None
    source_document: Document | None = None
    source_file: ChatFile | None = None
    source_person: Person | None = None
    reference_ranges: list[ReferenceRange] | None = None


class DocumentSpecUgcType(StrEnum):
    """The kinds of user-generated content a DocumentSpec can name."""

    ANNOUNCEMENTS = "ANNOUNCEMENTS"
    ANSWERS = "ANSWERS"
    COLLECTIONS = "COLLECTIONS"
    SHORTCUTS = "SHORTCUTS"
    CHATS = "CHATS"
    """Not in the April 2025 spec the seed SDK was built from; today's spec has it (with `ugcId`)."""


class DocumentSpec(GleanModel):
    """One of Glean's DocumentSpec shapes: `{url}`, `{id}`, or `{ugcType, contentId|ugcId, docType?}`."""

    url: str | None = None
    id: str | None = None
    ugc_type: Annotated[DocumentSpecUgcType, wire_enum(DocumentSpecUgcType)] | None = None
    content_id: int | None = None
    ugc_id: str | None = None
    doc_type: str | None = None


class DocumentSpec1(DocumentSpec):
    """A document named by its URL (the first of the spec's DocumentSpec shapes)."""

    url: str | None = None


class DocumentSpec2(DocumentSpec):
    """A document named by its Glean id."""

    id: str | None = None


class DocumentSpec3(DocumentSpec):
    """User-generated content named by its type and content id."""

    ugc_type: Annotated[DocumentSpecUgcType, wire_enum(DocumentSpecUgcType)] | None = None
    content_id: int | None = None
    doc_type: str | None = None


class ChatRestrictionFilters(GleanModel):
    container_specs: list[DocumentSpec] | None = None
    document_specs: list[DocumentSpec] | None = None
    datasource_instances: list[str] | None = None


class ErrorMessage(GleanModel):
    source: str | None = None
    error_message: str | None = None


class InvalidOperatorValueError(GleanModel):
    key: str | None = None
    value: str | None = None


class ErrorInfo(GleanModel):
    """Glean's structured error body (403/422 on `ask` and search); carried by `errors.GleanDataError`."""

    bad_gmail_token: bool | None = None
    bad_outlook_token: bool | None = None
    invalid_operators: list[InvalidOperatorValueError] | None = None
    error_messages: list[ErrorMessage] | None = None
    federated_search_rate_limit_error: bool | None = None
