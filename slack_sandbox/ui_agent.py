"""The browser page's agent container (Slack's split view): what it shows one person, and its actions.

Every action is one of `people.agent`'s (agent.py), so the bot gets what Slack sends: opening it beside a
channel is `assistant_thread_started` with that channel as context, moving is
`assistant_thread_context_changed`, a prompt chip or the container's composer posts the person's message in
the thread (`message.im`). What the page shows is only what the bot set: its replies, the status line
(assistant.threads.setStatus with its loading_messages), the title and the suggested prompts.
"""

from __future__ import annotations

from typing import Any

from .state import Workspace

JsonDict = dict[str, Any]
# `api` is the page's UiApi (ui_api.py imports this module, hence Any): its parts and its request checks.

_PROMPTS_METHOD = "setSuggestedPrompts"


def _prompts_at(record: JsonDict) -> float:
    """When the record's prompts were last set (time.monotonic), or -1 if never."""
    times = [float(e["at"]) for e in record.get("log") or [] if e.get("method") == _PROMPTS_METHOD]
    return max(times, default=-1.0)


def agent_threads(ws: Workspace, user: str) -> list[JsonDict]:
    """The person's container threads, oldest first, as the split view shows them (call with `ws.lock` held).

    Chips: the thread's own prompts, unless the bot later set the conversation's (setSuggestedPrompts without
    `thread_ts`, which Slack shows under the conversation's latest message: with agent_view, how the bot
    offers Glean's follow-ups after an answer) and this thread holds that latest message.
    """
    dm = ws.resolve_channel(user)
    if dm is None:
        return []
    conversation = ws.agent_threads.get((dm, "")) or {}
    latest = ws.history(dm, include_replies=True)[-1:]
    latest_thread = latest[0].thread_ts or latest[0].ts if latest else None
    shown: list[JsonDict] = []
    for (channel_id, thread_ts), record in sorted(ws.agent_threads.items(), key=lambda kv: kv[0][1]):
        if channel_id != dm or not thread_ts or record.get("user") != user:
            continue
        prompts, source = record.get("prompts"), "thread"
        if (
            conversation.get("prompts")
            and latest_thread == thread_ts
            and _prompts_at(conversation) > max(_prompts_at(record), _opened_at(record))
        ):
            prompts, source = conversation["prompts"], "conversation"
        status = ws.statuses.get((dm, thread_ts))
        shown.append(
            {
                "channel": dm,
                "thread_ts": thread_ts,
                "context": record.get("context"),
                "title": record.get("title"),
                "prompts": prompts,
                "prompts_for": source,  # whose prompts: the thread's, or the conversation's latest message
                "status": {"status": status.get("status"), "loading_messages": status.get("loading_messages")}
                if status
                else None,
            }
        )
    return shown


def _opened_at(record: JsonDict) -> float:
    return max((float(e["at"]) for e in record.get("log") or [] if e.get("method") == "opened"), default=-1.0)


def _beside(api: Any, user: str, payload: JsonDict) -> str | None:
    """The channel beside the container (one the person sees), or None when it sits beside none."""
    return api._visible_channel(user, payload) if payload.get("channel") else None


def _thread_of(api: Any, user: str, payload: JsonDict) -> str:
    thread_ts = str(payload.get("thread_ts") or "")
    if api._sb.people.agent.thread(user, thread_ts) is None or not thread_ts:
        raise ValueError("no such container thread")
    return thread_ts


def _delivered(delivery: Any) -> JsonDict:
    if delivery is None:  # the app does not subscribe to the event: Slack sends nothing
        return {"delivered": False, "error": "not_subscribed"}
    return {"delivered": bool(delivery.ok), "status": delivery.status, "error": delivery.error}


def agent_open(api: Any, payload: JsonDict) -> JsonDict:
    """The person opens the container (a new chat) beside the channel they are in."""
    user = api._person(payload)
    root, delivery = api._sb.people.agent.open(user, beside=_beside(api, user, payload))
    return {"thread_ts": root["ts"], "channel": root["channel"], **_delivered(delivery)}


def agent_move(api: Any, payload: JsonDict) -> JsonDict:
    """With the container open, the person moves to another channel: Slack's context changed event."""
    user = api._person(payload)
    thread_ts = _thread_of(api, user, payload)
    return _delivered(api._sb.people.agent.move(user, thread_ts, _beside(api, user, payload)))


def agent_ask(api: Any, payload: JsonDict) -> JsonDict:
    """The person types in the container, or clicks a suggested prompt (which posts its message)."""
    user = api._person(payload)
    thread_ts = _thread_of(api, user, payload)
    text = str(payload.get("text") or "")
    if not text.strip():
        raise ValueError("no_text")
    message = api._sb.people.agent.ask(user, thread_ts, text)
    return {"ts": message["ts"]}


AGENT_ACTIONS = {"agent_open": agent_open, "agent_move": agent_move, "agent_ask": agent_ask}
