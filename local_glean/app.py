"""Routing: from a Request to a Response, with fault injection and authentication in front of the API."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from .auth import AuthError, Identity, authenticate
from .chat_api import handle_ask, handle_chat
from .chats_api import (
    handle_deleteallchats,
    handle_deletechats,
    handle_getchat,
    handle_getchatapplication,
    handle_listchats,
)
from .faults import parse_fault
from .feedback_api import feedback_endpoint, handle_feedback
from .files_api import (
    handle_deletechatfiles,
    handle_doc,
    handle_download,
    handle_getchatfiles,
    handle_home,
    handle_upload,
)
from .service import Service
from .wire import ApiError, Request, Response, json_response, parse_json

log = logging.getLogger(__name__)

API_PREFIX = "/rest/api/v1/"
Handler = Callable[[Service, Request, Identity], Response]

POST_OPERATIONS: dict[str, Handler] = {
    "ask": handle_ask,
    "chat": handle_chat,
    "deleteallchats": handle_deleteallchats,
    "deletechats": handle_deletechats,
    "getchat": handle_getchat,
    "listchats": handle_listchats,
    "getchatapplication": handle_getchatapplication,
    "uploadchatfiles": handle_upload,
    "getchatfiles": handle_getchatfiles,
    "deletechatfiles": handle_deletechatfiles,
    "feedback": handle_feedback,
}
# These count an injected delay against the request's own timeoutMillis (and so can answer 408).
TIMED_OPERATIONS = frozenset({"chat", "ask"})
_DOWNLOAD = re.compile(r"/rest/api/v1/chat-files/([^/]+)")


def _check_query(request: Request) -> None:
    offset = request.query.get("timezoneOffset")
    if offset is not None and not re.fullmatch(r"[+-]?\d{1,4}", offset):
        raise ApiError(400, f"timezoneOffset must be an integer number of minutes, got {offset!r}.")


def _apply_fault(service: Service, operation: str, request: Request) -> None:
    if not service.config.faults_enabled:
        return
    fault = service.faults.take(operation)
    if fault is None:
        return
    delay_s = fault.delay_ms / 1000
    if fault.status is not None and fault.status != 202:
        time.sleep(delay_s)
        headers = {"Retry-After": str(fault.retry_after_s)} if fault.retry_after_s is not None else {}
        raise ApiError(fault.status, f"Injected fault: {operation} failed with {fault.status}.", headers)
    if operation in TIMED_OPERATIONS:
        request.delay_s = delay_s
    else:
        time.sleep(delay_s)
    request.queued = fault.status == 202
    request.truncate_after_lines = fault.truncate_after_lines
    request.garbage_after_lines = fault.garbage_after_lines


def _identity(service: Service, request: Request) -> Identity:
    try:
        return authenticate(request.headers, service.config.tokens)
    except AuthError as exc:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        raise ApiError(exc.status, exc.reason, headers) from exc


def _faults_endpoint(service: Service, request: Request) -> Response:
    if not service.config.faults_enabled:
        raise ApiError(
            404, "Fault injection is off: start local_glean with --faults or LOCAL_GLEAN_FAULTS=1."
        )
    if request.method == "POST":
        try:
            fault = parse_fault(parse_json(request))
        except ValueError as exc:
            raise ApiError(400, f"Invalid fault: {exc}.") from exc
        service.faults.add(fault)
    elif request.method == "DELETE":
        service.faults.clear()
    elif request.method != "GET":
        raise ApiError(405, "Use GET, POST or DELETE on /_local/faults.", {"Allow": "GET, POST, DELETE"})
    return json_response({"faults": service.faults.snapshot()})


def dispatch(service: Service, request: Request) -> Response:
    """Answer one request. Raises ApiError for every 4XX (and injected 5XX)."""
    path = request.path
    if path.startswith(API_PREFIX):
        operation = path[len(API_PREFIX) :]
        download = _DOWNLOAD.fullmatch(path)
        if download:
            if request.method != "GET":
                raise ApiError(405, "Use GET to download a chat file.", {"Allow": "GET"})
            _apply_fault(service, "chat-files", request)
            who = _identity(service, request)
            return handle_download(service, request, who, download.group(1))
        handler = POST_OPERATIONS.get(operation)
        if handler is None:
            raise ApiError(404, f"Unknown endpoint: {path}.")
        if request.method != "POST":
            raise ApiError(405, f"Use POST for {path}.", {"Allow": "POST"})
        _check_query(request)
        _apply_fault(service, operation, request)
        who = _identity(service, request)
        return handler(service, request, who)
    if path == "/_local/faults":
        return _faults_endpoint(service, request)
    if path == "/_local/feedback":
        # Open like /_local/faults: local_glean is a loopback test double; feedback holds no document text.
        return feedback_endpoint(service, request)
    if request.method != "GET":
        raise ApiError(404, f"Unknown endpoint: {request.method} {path}.")
    if path.startswith("/docs/"):
        return handle_doc(service, request, path[len("/docs/") :])
    if path == "/healthz":
        return json_response({"status": "ok", "documents": len(service.index.doc_sources())})
    if path == "/":
        return handle_home(service, request)
    raise ApiError(404, f"Unknown endpoint: {path}.")


def describe(request: Request) -> str:
    """A log-safe one-line description: method and path only (never headers, tokens or bodies)."""
    return f"{request.method} {request.path}"
