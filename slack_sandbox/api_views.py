"""views.open: a modal opened with a fresh trigger_id, its view checked field by field as Slack checks it."""

from __future__ import annotations

from typing import Any

from .api_base import ApiContext, ApiError, JsonDict, Params
from .views import ViewError

MAX_TITLE_CHARS = 24
"""Slack's limit on a modal's title, submit and close texts."""
MAX_BLOCKS = 100
MAX_PRIVATE_METADATA_CHARS = 3000
MAX_CALLBACK_ID_CHARS = 255
MAX_LABEL_CHARS = 2000
MAX_OPTIONS = 10
MAX_INPUT_CHARS = 3000
_ELEMENTS = frozenset({"radio_buttons", "plain_text_input", "static_select", "checkboxes"})
_DISPLAY_BLOCKS = frozenset({"section", "context", "divider", "header", "image", "markdown", "rich_text"})


def open_view(ctx: ApiContext, p: Params) -> JsonDict:
    trigger_id = p.required("trigger_id")
    view = p.required_structured("view")
    problems = view_problems(view)
    if problems:
        raise ApiError("invalid_arguments", messages=problems)
    try:
        user = ctx.ws.views.exchange(trigger_id)
    except ViewError as exc:
        raise ApiError(exc.code) from None
    opened = ctx.ws.views.open(
        user, view, team_id=ctx.config.team_id, app_id=ctx.config.api_app_id, bot_id=ctx.config.bot_id
    )
    return {"ok": True, "view": opened}


def _plain_text(value: Any, where: str, limit: int, problems: list[str]) -> None:
    if not isinstance(value, dict) or value.get("type") != "plain_text":
        problems.append(f"[ERROR] must be a plain_text text object [json-pointer:{where}]")
        return
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"[ERROR] must not be empty [json-pointer:{where}/text]")
    elif len(text) > limit:
        problems.append(f"[ERROR] must be less than {limit + 1} characters [json-pointer:{where}/text]")


def string_problems(view: JsonDict, problems: list[str]) -> None:
    """A view's `private_metadata` and `callback_id`, as every kind of view checks them (modal, home)."""
    for name, limit in (
        ("private_metadata", MAX_PRIVATE_METADATA_CHARS),
        ("callback_id", MAX_CALLBACK_ID_CHARS),
    ):
        value = view.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            problems.append(
                f"[ERROR] must be a string of at most {limit} characters [json-pointer:/view/{name}]"
            )


def view_problems(view: Any) -> list[str]:
    """Slack's `response_metadata.messages` for a view it would refuse (empty when it is fine)."""
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    problems: list[str] = []
    if view.get("type") != "modal":
        problems.append("[ERROR] must be one of: modal [json-pointer:/view/type]")
    _plain_text(view.get("title"), "/view/title", MAX_TITLE_CHARS, problems)
    for name in ("submit", "close"):
        if name in view:
            _plain_text(view[name], f"/view/{name}", MAX_TITLE_CHARS, problems)
    string_problems(view, problems)
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not blocks or len(blocks) > MAX_BLOCKS:
        problems.append(f"[ERROR] must be an array of 1 to {MAX_BLOCKS} blocks [json-pointer:/view/blocks]")
        return problems
    block_ids: set[str] = set()
    has_input = False
    for index, block in enumerate(blocks):
        where = f"/view/blocks/{index}"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "input":
            has_input = True
            _input_problems(block, where, problems)
        elif kind not in _DISPLAY_BLOCKS:
            problems.append(f"[ERROR] unsupported type: {kind} [json-pointer:{where}/type]")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                problems.append(f"[ERROR] duplicate block_id [json-pointer:{where}/block_id]")
            block_ids.add(block_id)
    if has_input and "submit" not in view:
        problems.append("[ERROR] must provide a submit button when using input blocks [json-pointer:/view]")
    return problems


def _input_problems(block: JsonDict, where: str, problems: list[str]) -> None:
    _plain_text(block.get("label"), f"{where}/label", MAX_LABEL_CHARS, problems)
    element = block.get("element")
    if not isinstance(element, dict) or element.get("type") not in _ELEMENTS:
        problems.append(f"[ERROR] unsupported or missing element [json-pointer:{where}/element]")
        return
    if not isinstance(element.get("action_id"), str) or not element["action_id"]:
        problems.append(f"[ERROR] missing required field: action_id [json-pointer:{where}/element]")
    if element["type"] == "plain_text_input":
        limit = element.get("max_length", MAX_INPUT_CHARS)
        if not isinstance(limit, int) or not 1 <= limit <= MAX_INPUT_CHARS:
            problems.append(
                f"[ERROR] must be 1 to {MAX_INPUT_CHARS} [json-pointer:{where}/element/max_length]"
            )
        return
    options = element.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
        problems.append(
            f"[ERROR] must list 1 to {MAX_OPTIONS} options [json-pointer:{where}/element/options]"
        )
        return
    values = [o.get("value") if isinstance(o, dict) else None for o in options]
    if any(not isinstance(v, str) or not v for v in values) or len(set(values)) != len(values):
        problems.append(
            f"[ERROR] option values must be unique strings [json-pointer:{where}/element/options]"
        )
    for number, option in enumerate(options):
        if isinstance(option, dict):
            _plain_text(option.get("text"), f"{where}/element/options/{number}/text", 75, problems)


HANDLERS = {"views.open": (open_view, ())}
