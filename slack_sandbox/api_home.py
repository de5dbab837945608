"""views.publish: the app's Home tab for one person, its view checked as Slack checks a `home` view."""

from __future__ import annotations

import json
from typing import Any

from .api_base import ApiContext, ApiError, JsonDict, Params
from .api_views import string_problems
from .blocks import BlocksInvalid, validate_blocks
from .views import ViewError

MAX_VIEW_BYTES = 250_000
"""Slack refuses a view over 250 kB (`view_too_large`)."""


def publish_view(ctx: ApiContext, p: Params) -> JsonDict:
    user_id = p.required("user_id")
    view = p.required_structured("view")
    if len(json.dumps(view)) > MAX_VIEW_BYTES:
        raise ApiError("view_too_large")
    problems = home_view_problems(view)
    if problems:
        raise ApiError("invalid_arguments", messages=problems)
    if not ctx.config.home_tab:
        raise ApiError("not_enabled")  # the app's manifest leaves the Home tab off
    if user_id not in ctx.ws.users:
        raise ApiError("invalid_arguments", messages=["[ERROR] invalid user_id [json-pointer:/user_id]"])
    try:
        published = ctx.ws.views.publish(
            user_id,
            view,
            hash_=p.text("hash"),
            team_id=ctx.config.team_id,
            app_id=ctx.config.api_app_id,
            bot_id=ctx.config.bot_id,
        )
    except ViewError as exc:
        raise ApiError(exc.code) from None
    return {"ok": True, "view": published}


def home_view_problems(view: Any) -> list[str]:
    """Slack's `response_metadata.messages` for a Home view it would refuse (empty when it is fine)."""
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    problems: list[str] = []
    if view.get("type") != "home":
        problems.append("[ERROR] must be one of: home [json-pointer:/view/type]")
    for name in ("submit", "close"):
        if view.get(name) is not None:
            problems.append(f"[ERROR] is not allowed for home views [json-pointer:/view/{name}]")
    string_problems(view, problems)
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not blocks:
        problems.append("[ERROR] must be a non-empty array [json-pointer:/view/blocks]")
        return problems
    try:
        validate_blocks(blocks, pointer="/view/blocks")
    except BlocksInvalid as exc:
        problems.extend(exc.messages)
    return problems


HANDLERS = {"views.publish": (publish_view, ())}
