"""Block Kit and message-text validation: the limits that make real Slack answer `invalid_blocks`/`msg_too_long`.

Only the rules that bite a Q&A bot are checked (sizes, counts, required parts), with Slack's error codes and its
`response_metadata.messages` style ("[ERROR] ... [json-pointer:/blocks/0/text/text]") so a failing test says
exactly which block broke.
"""

from __future__ import annotations

from typing import Any

from .config import (
    MAX_BLOCKS,
    MAX_HEADER_TEXT_CHARS,
    MAX_MARKDOWN_TEXT_CHARS,
    MAX_SECTION_FIELD_CHARS,
    MAX_SECTION_TEXT_CHARS,
)

KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "call",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "plan",
        "rich_text",
        "section",
        "table",
        "task_card",
        "video",
    }
)
MAX_BLOCK_ID_CHARS = 255
MAX_ACTION_ID_CHARS = 255
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_SECTION_FIELDS = 10
MAX_BUTTON_TEXT_CHARS = 75
MAX_BUTTON_VALUE_CHARS = 2_000


class BlocksInvalid(Exception):
    """Raised with Slack's error code and its per-pointer messages."""

    def __init__(self, error: str, messages: list[str]) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages


def validate_blocks(blocks: Any, *, pointer: str = "/blocks", max_blocks: int = MAX_BLOCKS) -> None:
    """Raise `BlocksInvalid` unless `blocks` is a list Slack would render."""
    if not isinstance(blocks, list):
        raise BlocksInvalid("invalid_blocks_format", [f"[ERROR] must be an array [json-pointer:{pointer}]"])
    problems: list[str] = []
    if len(blocks) > max_blocks:
        problems.append(f"[ERROR] no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    block_ids: set[str] = set()
    markdown_chars = 0
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"[ERROR] missing required field: type [json-pointer:{where}]")
            continue
        kind = block["type"]
        if kind not in KNOWN_BLOCK_TYPES:
            problems.append(f"[ERROR] unsupported type: {kind} [json-pointer:{where}/type]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > MAX_BLOCK_ID_CHARS:
                problems.append(
                    f"[ERROR] must be a string of at most 255 characters [json-pointer:{where}/block_id]"
                )
            elif block_id in block_ids:
                problems.append(f"[ERROR] duplicate block_id [json-pointer:{where}/block_id]")
            else:
                block_ids.add(block_id)
        if kind == "markdown":
            text = block.get("text")
            if not isinstance(text, str) or not text:
                problems.append(f"[ERROR] missing required field: text [json-pointer:{where}]")
            else:
                markdown_chars += len(text)
        else:
            problems.extend(_check_block(kind, block, where))
    if markdown_chars > MAX_MARKDOWN_TEXT_CHARS:
        problems.append(
            f"[ERROR] markdown blocks must total at most {MAX_MARKDOWN_TEXT_CHARS} characters "
            f"[json-pointer:{pointer}]"
        )
    if problems:
        raise BlocksInvalid("invalid_blocks", problems)


def _check_block(kind: str, block: dict[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    if kind == "section":
        if "text" not in block and "fields" not in block:
            problems.append(f"[ERROR] must provide either text or fields [json-pointer:{where}]")
        if "text" in block:
            problems.extend(_check_text(block["text"], f"{where}/text", MAX_SECTION_TEXT_CHARS))
        fields = block.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or len(fields) > MAX_SECTION_FIELDS:
                problems.append(
                    f"[ERROR] no more than {MAX_SECTION_FIELDS} items allowed [json-pointer:{where}/fields]"
                )
            else:
                for i, item in enumerate(fields):
                    problems.extend(_check_text(item, f"{where}/fields/{i}", MAX_SECTION_FIELD_CHARS))
        if isinstance(block.get("accessory"), dict):
            problems.extend(_check_element(block["accessory"], f"{where}/accessory"))
    elif kind == "header":
        problems.extend(
            _check_text(block.get("text"), f"{where}/text", MAX_HEADER_TEXT_CHARS, plain_only=True)
        )
    elif kind in ("context", "actions", "context_actions"):
        limit = MAX_CONTEXT_ELEMENTS if kind == "context" else MAX_ACTIONS_ELEMENTS
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            problems.append(f"[ERROR] missing required field: elements [json-pointer:{where}]")
        elif len(elements) > limit:
            problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{where}/elements]")
        elif kind == "actions":
            for i, element in enumerate(elements):
                problems.extend(_check_element(element, f"{where}/elements/{i}"))
    elif kind == "image" and (
        "alt_text" not in block or not (block.get("image_url") or block.get("slack_file"))
    ):
        problems.append(f"[ERROR] image needs image_url (or slack_file) and alt_text [json-pointer:{where}]")
    elif kind == "rich_text" and not isinstance(block.get("elements"), list):
        problems.append(f"[ERROR] missing required field: elements [json-pointer:{where}]")
    return problems


def _check_text(obj: Any, where: str, max_chars: int, *, plain_only: bool = False) -> list[str]:
    allowed = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if not isinstance(obj, dict) or obj.get("type") not in allowed:
        return [f"[ERROR] must be a text object of type {' or '.join(allowed)} [json-pointer:{where}]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{where}/text]"]
    if len(text) > max_chars:
        return [f"[ERROR] must be less than {max_chars + 1} characters [json-pointer:{where}/text]"]
    return []


def _check_element(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"[ERROR] missing required field: type [json-pointer:{where}]"]
    problems: list[str] = []
    action_id = element.get("action_id")
    if action_id is not None and (not isinstance(action_id, str) or len(action_id) > MAX_ACTION_ID_CHARS):
        problems.append(
            f"[ERROR] must be at most {MAX_ACTION_ID_CHARS} characters [json-pointer:{where}/action_id]"
        )
    if element["type"] == "button":
        problems.extend(
            _check_text(element.get("text"), f"{where}/text", MAX_BUTTON_TEXT_CHARS, plain_only=True)
        )
        value = element.get("value")
        if value is not None and (not isinstance(value, str) or len(value) > MAX_BUTTON_VALUE_CHARS):
            problems.append(
                f"[ERROR] must be at most {MAX_BUTTON_VALUE_CHARS} characters [json-pointer:{where}/value]"
            )
    return problems


def find_action(blocks: list[Any], action_id: str) -> tuple[str, dict[str, Any]] | None:
    """Locate an interactive element by `action_id`: returns (block_id, element) for a click payload."""
    for block in blocks:
        if not isinstance(block, dict):
            continue
        candidates: list[Any] = []
        if isinstance(block.get("elements"), list):
            candidates.extend(block["elements"])
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return str(block.get("block_id") or ""), element
    return None
