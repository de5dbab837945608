"""The `/glean` command job: resolve who is asking, run the subcommand against Glean, reply via response_url.

The subcommands live in `workers.history` (history, clear, Start over) and `workers.file_commands` (files);
`app` is here. Glean failures are replied to the person, never swallowed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from rq.job import Job
from slack_sdk.errors import SlackApiError

from core.contract import CommandJob
from core.failures import command_problem
from core.home_view import refusal_view
from core.logs import log_event
from core.mrkdwn import escape_mrkdwn
from core.notices import NOTICE_NO_EMAIL
from core.slack_ops import asker_email
from glean_chat.errors import GleanError
from workers.callbacks import failed_payload
from workers.command_context import CommandContext
from workers.file_commands import files, files_forget
from workers.history import clear, clear_all, history, history_one, start_over
from workers.home import home, publish_home
from workers.respond import post_response
from workers.runtime import current

__all__ = ["on_command_failure", "run_command"]

log = logging.getLogger("gleanbot.commands")

MAX_REPLY_BLOCKS = 45


def run_command(payload: dict[str, Any]) -> str:
    """Run one `/glean` subcommand or button (an RQ job); return its outcome for RQ's records."""
    job = CommandJob.model_validate(payload)
    runtime = current()
    settings, store, client = runtime.settings, runtime.store, runtime.slack
    fields = {
        "team_id": job.team_id,
        "channel_id": job.channel_id,
        "user_id": job.user_id,
        "command": job.kind,
    }
    act_as: str | None = None
    if settings.acts_as_asker:
        act_as = asker_email(client, store, team_id=job.team_id, user_id=job.user_id)
        if act_as is None and job.home:
            with contextlib.suppress(SlackApiError):  # the Home tab says why, as a reply would
                client.views_publish(user_id=job.user_id, view=refusal_view(NOTICE_NO_EMAIL))
            log_event(log, "command_done", reason="no_email", **fields)
            return "no_email"
        if act_as is None:
            post_response(
                job.response_url,
                settings.slack_api_url,
                text=f":warning: {NOTICE_NO_EMAIL}",
                replace_original=True,
            )
            log_event(log, "command_done", reason="no_email", **fields)
            return "no_email"
    with runtime.glean() as glean:
        ctx = CommandContext(job, settings, store, client, glean, act_as)
        try:
            outcome = _HANDLERS[job.kind](ctx)
            if job.home and job.kind != "home":
                publish_home(ctx)  # the Home tab shows what changed
        except GleanError as exc:
            ctx.reply(f":warning: {command_problem(exc)}")
            log_event(
                log, "command_done", logging.WARNING, reason="glean_error", status=exc.status_code, **fields
            )
            return "glean_error"
    log_event(log, "command_done", reason=outcome, **fields)
    return outcome


_HANDLERS: dict[str, Callable[[CommandContext], str]] = {}


def app(ctx: CommandContext) -> str:
    """`/glean app`: the Glean assistant (chat application) this channel's answers use."""
    rule = ctx.settings.policy.for_channel(ctx.job.channel_id)
    agent = f" Model setting: `{escape_mrkdwn(rule.agent)}`." if rule.agent else ""
    if not rule.application_id:
        ctx.reply(
            f"This channel uses Glean's default assistant (no application is configured for it).{agent}"
        )
        return "default"
    try:
        reply = ctx.glean.client.chat.get_application(id=rule.application_id, x_scio_actas=ctx.act_as)
    except GleanError as exc:
        if exc.status_code != 404:
            raise
        ctx.reply(
            f":warning: This channel is set to use the Glean application `{escape_mrkdwn(rule.application_id)}`, "
            "but Glean doesn't know it. An admin should check the channel policy (GLEANBOT_CHANNELS)."
        )
        return "unknown_application"
    details = reply.application or {}
    name = escape_mrkdwn(str(details.get("name") or rule.application_id))
    description = escape_mrkdwn(str(details.get("description") or ""))
    lines = [
        f"This channel uses the Glean assistant *{name}* (`{escape_mrkdwn(rule.application_id)}`).{agent}"
    ]
    if description:
        lines.append(description)
    ctx.reply("\n".join(lines))
    return "shown"


def on_command_failure(
    job: Job,
    connection: Any,
    exc_type: type[BaseException],
    exc: BaseException,
    traceback: TracebackType | None,
) -> None:
    """RQ failure callback: a crashed or timed-out command still gets a reply."""
    command = failed_payload(job, CommandJob)
    if command is None:
        return
    settings = current().settings
    log_event(
        log, "command_failed", logging.ERROR, job_id=job.id, command=command.kind, reason=exc_type.__name__
    )
    if not command.response_url:
        return  # from the Home tab: nowhere to reply (the admin has the ERROR line)
    post_response(
        command.response_url,
        settings.slack_api_url,
        text=f":warning: Something went wrong. An admin has been alerted (reference {job.id}).",
        replace_original=command.replace_original,
    )


_HANDLERS.update(
    {
        "history": history,
        "history_one": history_one,
        "clear": clear,
        "clear_all": clear_all,
        "start_over": start_over,
        "files": files,
        "files_forget": files_forget,
        "app": app,
        "home": home,
    }
)
