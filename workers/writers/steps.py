"""Glean's work steps ("Searching: …", "Reading: …") as the task chunks of a streamed answer message."""

from __future__ import annotations

from typing import Any

__all__ = ["PLAN_DONE", "PLAN_WORKING", "StreamSteps", "step_title"]

PLAN_WORKING = "Working in Glean…"
PLAN_DONE = "Glean's steps"
TITLE_MAX_CHARS = 120
"""A task's title stays one line in Slack's plan block; the whole step goes in its details then."""
DETAILS_MAX_CHARS = 256
"""Slack's limit on a task's `details`."""


def step_title(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class StreamSteps:
    """The steps of one streamed message. Each new step completes the one before; only what changed since
    the last call is sent (task updates replace earlier chunks of the same id), and the end completes all."""

    def __init__(self) -> None:
        self._steps: list[dict[str, Any]] = []
        self._dirty: list[int] = []
        self._titled = False
        self.enabled = True

    def __bool__(self) -> bool:
        return bool(self._steps)

    def add(self, text: str) -> None:
        if self._steps and self._steps[-1]["status"] == "in_progress":
            self._steps[-1]["status"] = "complete"
            self._mark(len(self._steps) - 1)
        task: dict[str, Any] = {
            "type": "task_update",
            "id": f"step-{len(self._steps) + 1}",
            "title": step_title(text),
            "status": "in_progress",
        }
        if len(text) > TITLE_MAX_CHARS:
            task["details"] = step_title(text, DETAILS_MAX_CHARS)
        self._steps.append(task)
        self._mark(len(self._steps) - 1)

    def take(self) -> list[dict[str, Any]]:
        """The chunks not sent yet (the plan's title with the first of them)."""
        out: list[dict[str, Any]] = []
        if self._dirty and not self._titled:
            out.append({"type": "plan_update", "title": PLAN_WORKING})
            self._titled = True
        out += [dict(self._steps[i]) for i in self._dirty]
        self._dirty = []
        return out

    def end(self, status: str = "complete") -> list[dict[str, Any]]:
        """Every open step ended (`complete`, or `error` when the answer broke off), as the last chunks."""
        for index, task in enumerate(self._steps):
            if task["status"] == "in_progress":
                task["status"] = status
                self._mark(index)
        self._titled = True  # the plan's final title below, not the working one
        chunks = self.take()
        if self._steps and status == "complete":
            chunks.insert(0, {"type": "plan_update", "title": PLAN_DONE})
        self._steps, self._dirty, self._titled = [], [], False  # a further message starts without steps
        return chunks

    def _mark(self, index: int) -> None:
        if index not in self._dirty:
            self._dirty.append(index)
