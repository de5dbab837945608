"""`client.chat`: the ten Chat API operations, with the keyword arguments of Glean's Python SDK docs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import ValidationError

from . import errors, models
from ._transport import ACT_AS_HEADER, Call, Transport, require_media_type
from .utils import RetryConfig

M = TypeVar("M", bound=models.GleanModel)
JSON = "application/json"
NDJSON_TYPES = ("text/plain", "application/x-ndjson", JSON)
# Chat replies take as long as the model needs; keep the socket open past Glean's own timeoutMillis.
CHAT_READ_MARGIN_S = 10.0

MessageInput = models.ChatMessage | Mapping[str, Any]
FiltersInput = models.ChatRestrictionFilters | Mapping[str, Any]
AgentConfigInput = models.AgentConfig | Mapping[str, Any]


class Chat:
    """The chat operations. Every method also takes:

    - `x_scio_actas` (or its new spelling `x_glean_actas`): the email of the user a global token acts as.
      Sent as `X-Glean-ActAs`, the header's current name; Glean still accepts the deprecated `X-Scio-Actas`.
    - `x_glean_auth_type`: `"OAUTH"` for tokens from an external identity provider.
    - `timezone_offset`: minutes from UTC (every call but `ask`).
    - `retries`: a `utils.RetryConfig` for this call; `timeout_ms`, `http_headers` as in Glean's SDK.
    """

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    # -- chat ---------------------------------------------------------------------------------------
    def start(
        self,
        *,
        messages: Sequence[MessageInput],
        save_chat: bool | None = None,
        chat_id: str | None = None,
        agent_config: AgentConfigInput | None = None,
        inclusions: FiltersInput | None = None,
        exclusions: FiltersInput | None = None,
        timeout_millis: int | None = None,
        application_id: str | None = None,
        agent_id: str | None = None,
        stream: bool | None = None,
        **options: Any,
    ) -> str:
        """Ask Glean; return the reply body as text: one ChatResponse JSON, or NDJSON if `stream=True`."""
        body = _chat_body(locals())
        call = self._call(
            "chat",
            idempotent=False,
            body=body,
            accept="text/plain" if stream else JSON,
            chat_timeout_millis=timeout_millis,
            **options,
        )
        response = self._t.send(call, options.get("retries"))
        require_media_type(response, NDJSON_TYPES)
        return response.text

    def start_stream(
        self,
        *,
        messages: Sequence[MessageInput],
        save_chat: bool | None = None,
        chat_id: str | None = None,
        agent_config: AgentConfigInput | None = None,
        inclusions: FiltersInput | None = None,
        exclusions: FiltersInput | None = None,
        timeout_millis: int | None = None,
        application_id: str | None = None,
        agent_id: str | None = None,
        **options: Any,
    ) -> Iterator[models.ChatResponse]:
        """Ask Glean with `stream: true`; yield each NDJSON line's ChatResponse as soon as it arrives.

        The request is sent when iteration starts; leaving the loop early closes the connection.
        """
        body = _chat_body({**locals(), "stream": True})
        call = self._call(
            "chat",
            idempotent=False,
            body=body,
            accept="text/plain",
            chat_timeout_millis=timeout_millis,
            **options,
        )
        return self._iter_stream(call, options.get("retries"))

    def _iter_stream(self, call: Call, retries: RetryConfig | None) -> Iterator[models.ChatResponse]:
        with self._t.stream(call, retries) as response:
            require_media_type(response, NDJSON_TYPES)
            try:
                for raw in response.iter_lines():
                    line = raw.strip()
                    if line.startswith("data:"):  # tolerate SSE-style framing from proxies or old servers
                        line = line[5:].strip()
                    if line:
                        yield _parse(models.ChatResponse, line, response)
            except httpx.TimeoutException as exc:
                raise errors.GleanTimeoutError("Glean stream stalled: read timeout") from exc
            except httpx.HTTPError as exc:
                raise errors.GleanConnectionError(f"Glean stream broke: {type(exc).__name__}") from exc

    # -- ask (retired upstream in 2025; live instances may answer 404) ------------------------------
    def ask(
        self, *, ask_request: models.AskRequest | Mapping[str, Any], **options: Any
    ) -> models.AskResponse:
        """Classify (`detect_only=True`) or answer a question with the retired `/ask` endpoint."""
        if "timezone_offset" in options:
            raise TypeError("ask() takes no timezone_offset (Glean's /ask has no such parameter)")
        body = validated(models.AskRequest, ask_request).to_wire()
        return self._json("ask", models.AskResponse, body=body, idempotent=True, **options)

    # -- saved chats ---------------------------------------------------------------------------------
    def delete_all(self, **options: Any) -> None:
        """Delete all of the (acted-as) user's saved chats."""
        self._t.send(self._call("deleteallchats", idempotent=True, body=None, accept="*/*", **options))

    def delete(self, *, ids: Sequence[str], **options: Any) -> None:
        """Delete the saved chats with these ids."""
        body = models.DeleteChatsRequest(ids=list(ids)).to_wire()
        self._t.send(self._call("deletechats", idempotent=True, body=body, accept="*/*", **options))

    def get(self, *, id: str, **options: Any) -> models.GetChatResponse:
        """One saved chat with all its messages."""
        body = models.GetChatRequest(id=id).to_wire()
        return self._json("getchat", models.GetChatResponse, body=body, idempotent=True, **options)

    def list(self, **options: Any) -> models.ListChatsResponse:
        """The user's saved chats (metadata only)."""
        return self._json("listchats", models.ListChatsResponse, body=None, idempotent=True, **options)

    def get_application(self, *, id: str, **options: Any) -> models.GetChatApplicationResponse:
        """A chat application's configuration."""
        body = models.GetChatApplicationRequest(id=id).to_wire()
        return self._json(
            "getchatapplication", models.GetChatApplicationResponse, body=body, idempotent=True, **options
        )

    # -- files ---------------------------------------------------------------------------------------
    def upload_files(
        self, *, files: Sequence[models.File | Mapping[str, Any]], **options: Any
    ) -> models.UploadChatFilesResponse:
        """Upload files for use in chats (multipart, one `files` part each). No files: nothing is sent."""
        prepared = [_file(f) for f in files]
        if not prepared:
            # The SDK reference's own example uploads `files=[]`; an empty multipart body is not worth a request.
            return models.UploadChatFilesResponse(files=[])
        call = self._call("uploadchatfiles", idempotent=False, body=None, accept=JSON, **options)
        call.files = prepared
        response = self._t.send(call, options.get("retries"))
        return _parse_response(models.UploadChatFilesResponse, response)

    def get_files(self, *, file_ids: Sequence[str], **options: Any) -> models.GetChatFilesResponse:
        """Metadata and processing status of uploaded files, keyed by file id."""
        body = models.GetChatFilesRequest(file_ids=list(file_ids)).to_wire()
        return self._json("getchatfiles", models.GetChatFilesResponse, body=body, idempotent=True, **options)

    def delete_files(self, *, file_ids: Sequence[str], **options: Any) -> None:
        """Delete uploaded files."""
        body = models.DeleteChatFilesRequest(file_ids=list(file_ids)).to_wire()
        self._t.send(self._call("deletechatfiles", idempotent=True, body=body, accept="*/*", **options))

    # -- plumbing ------------------------------------------------------------------------------------
    def _json(
        self, op: str, model: type[M], *, body: dict[str, Any] | None, idempotent: bool, **options: Any
    ) -> M:
        call = self._call(op, idempotent=idempotent, body=body, accept=JSON, **options)
        return _parse_response(model, self._t.send(call, options.get("retries")))

    def _call(
        self,
        op: str,
        *,
        idempotent: bool,
        body: dict[str, Any] | None,
        accept: str,
        x_scio_actas: str | None = None,
        x_glean_actas: str | None = None,
        x_glean_auth_type: str | None = None,
        timezone_offset: int | None = None,
        retries: RetryConfig | None = None,
        timeout_ms: int | None = None,
        http_headers: Mapping[str, str] | None = None,
        chat_timeout_millis: int | None = None,
    ) -> Call:
        headers = dict(http_headers or {})
        act_as = x_glean_actas or x_scio_actas
        if act_as:
            headers[ACT_AS_HEADER] = act_as
        if x_glean_auth_type:
            headers["X-Glean-Auth-Type"] = x_glean_auth_type
        params = {} if timezone_offset is None else {"timezoneOffset": str(int(timezone_offset))}
        timeout_s = timeout_ms / 1000 if timeout_ms is not None else None
        if chat_timeout_millis is not None:
            floor_s = chat_timeout_millis / 1000 + CHAT_READ_MARGIN_S
            current = timeout_s if timeout_s is not None else _client_read_timeout(self._t.client)
            timeout_s = max(current or 0.0, floor_s)
        return Call(
            op=op,
            accept=accept,
            idempotent=idempotent,
            json_body=body,
            headers=headers,
            params=params,
            timeout_s=timeout_s,
        )


def _client_read_timeout(client: httpx.Client) -> float | None:
    return client.timeout.read


def _chat_body(args: Mapping[str, Any]) -> dict[str, Any]:
    fields = (
        "messages",
        "save_chat",
        "chat_id",
        "agent_config",
        "inclusions",
        "exclusions",
        "timeout_millis",
        "application_id",
        "agent_id",
        "stream",
    )
    raw = {name: args[name] for name in fields if args.get(name) is not None}
    return validated(models.ChatRequest, raw).to_wire()


def validated(model: type[M], value: M | Mapping[str, Any]) -> M:
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise ValueError(f"invalid {model.__name__}: {exc}") from exc


def _file(value: models.File | Mapping[str, Any]) -> models.File:
    f = value if isinstance(value, models.File) else models.File(**value)
    content = f.content
    if not isinstance(content, bytes | bytearray) and not content.seekable():
        # A retry must resend the whole file, so a one-shot stream is read up front.
        return models.File(f.file_name, content.read(), f.content_type)
    return f


def _parse_response(model: type[M], response: httpx.Response) -> M:
    require_media_type(response, (JSON,))
    return _parse(model, response.text, response)


def _parse(model: type[M], text: str, response: httpx.Response) -> M:
    try:
        # pydantic parses and validates in one pass: ~25% faster than json.loads + model_validate per
        # streamed line (bench/client_bench.py, "parse long only").
        return model.model_validate_json(text)
    except (ValueError, ValidationError) as exc:
        # The message names what was wrong, never the reply's text (pydantic quotes the input): tracebacks
        # end up in RQ's failed-job records. The text itself stays in `.body` for whoever debugs.
        raise errors.GleanResponseError(
            f"Glean reply from {response.request.url.path} is not a valid {model.__name__} ({_why(exc)})",
            status_code=response.status_code,
            body=text[:2000],
            headers=response.headers,
            raw_response=response,
        ) from exc


def _why(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        kinds = sorted({str(error["type"]) for error in exc.errors()})
        return ", ".join(kinds[:3]) + (", ..." if len(kinds) > 3 else "")
    return type(exc).__name__
