"""Chat messages, the chat request and response, and saved-chat shapes."""

from __future__ import annotations

from typing import Any

from ._base import GleanModel
from ._documents import (
    ChatFile,
    ChatMessageCitation,
    ChatRestrictionFilters,
    Person,
    QuerySuggestion,
    StructuredResult,
)


class ToolSets(GleanModel):
    enable_web_search: bool | None = None
    enable_company_tools: bool | None = None


class AgentConfig(GleanModel):
    agent: str | None = None
    mode: str | None = None
    tool_sets: ToolSets | None = None
    use_image_generation: bool | None = None


class ToolInfo(GleanModel):
    """The tool or action a fragment reports using (Glean's ToolInfo); its manifest is left as JSON."""

    metadata: dict[str, Any] | None = None
    parameters: dict[str, Any] | None = None


class ChatMessageFragment(GleanModel):
    """A piece of a message: text, an inline citation, a query suggestion, documents read, or a file."""

    text: str | None = None
    citation: ChatMessageCitation | None = None
    query_suggestion: QuerySuggestion | None = None
    structured_results: list[StructuredResult] | None = None
    file: ChatFile | None = None
    tracking_token: str | None = None
    action: ToolInfo | None = None


class ChatMessage(GleanModel):
    author: str | None = None
    fragments: list[ChatMessageFragment] | None = None
    message_type: str | None = None
    message_id: str | None = None
    message_tracking_token: str | None = None
    uploaded_file_ids: list[str] | None = None
    citations: list[ChatMessageCitation] | None = None
    has_more_fragments: bool | None = None
    agent_config: AgentConfig | None = None
    ts: str | None = None


class SessionInfo(GleanModel):
    session_tracking_token: str | None = None
    tab_id: str | None = None
    last_seen: str | None = None
    last_query: str | None = None


class ChatRequest(GleanModel):
    """The body of `POST /rest/api/v1/chat`. `messages` is most recent first."""

    messages: list[ChatMessage]
    session_info: SessionInfo | None = None
    save_chat: bool | None = None
    chat_id: str | None = None
    agent_config: AgentConfig | None = None
    inclusions: ChatRestrictionFilters | None = None
    exclusions: ChatRestrictionFilters | None = None
    timeout_millis: int | None = None
    application_id: str | None = None
    agent_id: str | None = None
    stream: bool | None = None


class ChatMetadata(GleanModel):
    id: str | None = None
    create_time: int | None = None
    created_by: Person | None = None
    update_time: int | None = None
    name: str | None = None
    application_id: str | None = None
    application_name: str | None = None


class ChatResponse(GleanModel):
    """One answer (JSON) or one NDJSON line of a streamed answer."""

    messages: list[ChatMessage] | None = None
    chat_id: str | None = None
    chat: ChatMetadata | None = None
    follow_up_prompts: list[str] | None = None
    backend_time_millis: int | None = None
    chat_session_tracking_token: str | None = None


class Chat(ChatMetadata):
    messages: list[ChatMessage] | None = None
    permissions: dict[str, Any] | None = None
    roles: list[dict[str, Any]] | None = None


class ChatResult(GleanModel):
    chat: Chat | None = None
    tracking_token: str | None = None


class GetChatRequest(GleanModel):
    id: str


class GetChatResponse(GleanModel):
    chat_result: ChatResult | None = None


class ChatMetadataResult(GleanModel):
    chat: ChatMetadata | None = None
    tracking_token: str | None = None


class ListChatsResponse(GleanModel):
    chat_results: list[ChatMetadataResult] | None = None
    cursor: str | None = None


class DeleteChatsRequest(GleanModel):
    ids: list[str]


class GetChatApplicationRequest(GleanModel):
    id: str


class GetChatApplicationResponse(GleanModel):
    # Glean declares ChatApplicationDetails as an empty schema: any object.
    application: dict[str, Any] | None = None
