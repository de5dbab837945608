"""The retired `ask` call: classify (and optionally answer) a question; some instances still serve it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from ._base import WIRE_DATETIME, GleanModel, wire_enum
from ._chat import ChatResponse, SessionInfo
from ._documents import ChatRestrictionFilters, Document, DocumentSpec, ErrorInfo, Person
from ._search import Backend, SearchRequestOptions


class SearchRequestInputDetails(GleanModel):
    has_copy_paste: bool | None = None


class SearchRequest(GleanModel):
    """A search (the `searchRequest` of `ask`): the query plus Glean's ResultsRequest fields."""

    query: str
    timestamp: Annotated[datetime, WIRE_DATETIME] | None = None
    session_info: SessionInfo | None = None
    source_document: Document | None = None
    page_size: int | None = None
    max_snippet_size: int | None = None
    input_details: SearchRequestInputDetails | None = None
    cursor: str | None = None
    tracking_token: str | None = None
    timeout_millis: int | None = None
    disable_spellcheck: bool | None = None
    result_tab_ids: list[str] | None = None
    request_options: SearchRequestOptions | None = None
    people: list[Person] | None = None


class AskExperimentalMetadata(GleanModel):
    # Glean spells this object's keys in PascalCase on the wire.
    query_has_mentions: bool | None = Field(default=None, alias="QueryHasMentions")
    query_is_length_appropriate: bool | None = Field(default=None, alias="QueryIsLengthAppropriate")
    query_is_answerable: bool | None = Field(default=None, alias="QueryIsAnswerable")


class AskRequest(GleanModel):
    search_request: SearchRequest
    detect_only: bool | None = None
    ask_experimental_metadata: AskExperimentalMetadata | None = Field(
        default=None, alias="AskExperimentalMetadata"
    )
    excluded_document_specs: list[DocumentSpec] | None = None
    operators: str | None = None
    backend: Annotated[Backend, wire_enum(Backend)] | None = None
    chat_application_id: str | None = None
    inclusions: ChatRestrictionFilters | None = None
    exclusions: ChatRestrictionFilters | None = None


class SearchResponse(GleanModel):
    results: list[dict[str, Any]] | None = None
    tracking_token: str | None = None
    error_info: ErrorInfo | None = None
    backend_time_millis: int | None = None
    has_more_results: bool | None = None


class AskResponse(GleanModel):
    is_question: bool
    question: str | None = None
    search_response: SearchResponse | None = None
    chat_response: ChatResponse | None = None
