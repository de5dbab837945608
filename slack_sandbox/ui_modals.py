"""The browser page's modal actions: send or close a modal the bot opened (views.open) for the person acting."""

from __future__ import annotations

from typing import Any

JsonDict = dict[str, Any]
# `api` is the page's UiApi (ui_api.py imports this module, hence Any): its parts and its checked person.


def submit_view(api: Any, payload: JsonDict) -> JsonDict:
    """Send the modal's inputs as a signed `view_submission`; ValueError (400) where Slack would not submit."""
    parts, user = api._sb, api._person(payload)
    answers = payload.get("answers") or {}
    if not isinstance(answers, dict):
        raise ValueError("answers must map each input's action_id to its value")
    clean = {str(k): (str(v) if v is not None else None) for k, v in answers.items()}
    delivery = parts.people.submit_view(user, str(payload.get("view_id") or ""), clean)
    return {"delivered": bool(delivery.ok), "status": delivery.status, "error": delivery.error}


def close_view(api: Any, payload: JsonDict) -> JsonDict:
    api._sb.people.close_view(api._person(payload), str(payload.get("view_id") or ""))
    return {}


MODAL_ACTIONS = {"submit_view": submit_view, "close_view": close_view}
