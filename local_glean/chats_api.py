"""Saved chats (`listchats`, `getchat`, `deletechats`, `deleteallchats`) and `getchatapplication`."""

from __future__ import annotations

import secrets

from glean_chat.models import DeleteChatsRequest, GetChatApplicationRequest, GetChatRequest

from .auth import Identity
from .service import Service
from .wire import ApiError, Request, Response, empty_response, json_response, parse_model


def handle_listchats(service: Service, request: Request, who: Identity) -> Response:
    # No request body is defined (the SDK sends none); anything sent is ignored, as Glean does.
    mine = sorted(
        (c for c in service.store.chats() if c.owner == who.email),
        key=lambda c: (-c.update_time, -c.touched, c.id),
    )
    results = [{"chat": service.chat_metadata(c), "trackingToken": secrets.token_hex(8)} for c in mine]
    return json_response({"chatResults": results})


def handle_getchat(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, GetChatRequest)
    chat = service.owned_chat(body.id, who, typed_403=True)
    result = {
        **service.chat_metadata(chat),
        "messages": chat.messages,
        "permissions": {"write": {"update": True, "delete": True}},
    }
    return json_response({"chatResult": {"chat": result, "trackingToken": secrets.token_hex(8)}})


def handle_deletechats(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, DeleteChatsRequest)
    if not body.ids:
        raise ApiError(400, "ids must list at least one chat id.")
    # Check every id first: a request with one bad id deletes nothing.
    chats = [service.owned_chat(chat_id, who) for chat_id in dict.fromkeys(body.ids)]
    with service.store.lock:
        for chat in chats:
            service.store.delete_chat(chat.id)
    return empty_response()


def handle_deleteallchats(service: Service, request: Request, who: Identity) -> Response:
    with service.store.lock:
        for chat in list(service.store.chats()):
            if chat.owner == who.email:
                service.store.delete_chat(chat.id)
    return empty_response()


def handle_getchatapplication(service: Service, request: Request, who: Identity) -> Response:
    body = parse_model(request, GetChatApplicationRequest)
    if not body.id.strip():
        raise ApiError(400, "id must name a chat application.")
    return json_response({"application": service.application(body.id).to_json()})
