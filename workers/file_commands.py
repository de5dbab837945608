"""`/glean files` and `/glean files forget`: the files a person forwarded in this channel, and deleting them.

A person only ever sees the files *they* forwarded (the bot's own per-person record), whatever identity Glean
stored them under; each file is looked up and deleted as the identity it was uploaded with.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from core.failures import glean_failure_text
from core.mrkdwn import escape_mrkdwn
from core.timezones import format_time, user_time
from glean_chat.errors import GleanError
from workers.command_context import CommandContext

__all__ = ["files", "files_forget"]

FILES_SHOWN = 30
_STATUS_WORDS = {
    "PROCESSED": "ready",
    "PARTIALLY_PROCESSED": "partly read",
    "PROCESSING": "Glean is still processing it",
    "DELETED": "deleted in Glean",
}


def _channel_files(ctx: CommandContext) -> dict[str, dict[str, Any]]:
    mine = ctx.store.my_files(ctx.job.team_id, ctx.job.user_id)
    if ctx.job.file_id is not None:  # the Home tab's Forget: one file, and only if it is this person's
        return {ctx.job.file_id: mine[ctx.job.file_id]} if ctx.job.file_id in mine else {}
    return {file_id: r for file_id, r in mine.items() if r.get("channel_id") == ctx.job.channel_id}


def _by_identity(records: dict[str, dict[str, Any]]) -> dict[str | None, list[str]]:
    groups: dict[str | None, list[str]] = defaultdict(list)
    for file_id, record in records.items():
        groups[record.get("act_as")].append(file_id)
    return groups


def _statuses(ctx: CommandContext, records: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str | None]]:
    """Glean's status of each file; DELETED for files Glean no longer has."""
    found: dict[str, tuple[str, str | None]] = {}
    for act_as, ids in _by_identity(records).items():
        try:
            found.update(_lookup(ctx, ids, act_as))
            continue
        except GleanError as exc:
            if exc.status_code != 404:
                raise
        for file_id in ids:  # one of them is gone, and Glean fails the whole lookup: ask file by file
            try:
                found.update(_lookup(ctx, [file_id], act_as))
            except GleanError as exc:
                if exc.status_code != 404:
                    raise
                found[file_id] = ("DELETED", None)
    return found


def _lookup(ctx: CommandContext, ids: list[str], act_as: str | None) -> dict[str, tuple[str, str | None]]:
    reply = ctx.glean.client.chat.get_files(file_ids=ids, x_scio_actas=act_as)
    result: dict[str, tuple[str, str | None]] = {}
    for file_id in ids:
        chat_file = (reply.files or {}).get(file_id)
        metadata = chat_file.metadata if chat_file else None
        if chat_file is None:
            result[file_id] = ("DELETED", None)
        else:
            result[file_id] = (
                (metadata.status if metadata else None) or "PROCESSED",
                metadata.failure_reason if metadata else None,
            )
    return result


def files(ctx: CommandContext) -> str:
    records = _channel_files(ctx)
    if not records:
        ctx.reply(f"You haven't shared any files with me in this channel (in the last {ctx.ttl_days} days).")
        return "empty"
    statuses = _statuses(ctx, records)
    zone = user_time(ctx.client, ctx.job.user_id)
    ordered = sorted(records.items(), key=lambda item: -int(item[1].get("at") or 0))
    lines = [f"*Files you shared with me in this channel* (times in {escape_mrkdwn(zone.label)}):"]
    gone: list[str] = []
    for number, (file_id, record) in enumerate(ordered[:FILES_SHOWN], start=1):
        status, reason = statuses.get(file_id, ("DELETED", None))
        words = (
            glean_failure_text(reason) if status == "FAILED" else _STATUS_WORDS.get(status, status.lower())
        )
        if status == "DELETED":
            gone.append(file_id)
        when = format_time(record.get("at"), zone)
        lines.append(
            f"{number}. *{escape_mrkdwn(str(record.get('name') or file_id))}*: {words} · shared {when}"
        )
    lines.append(
        "`/glean files forget` deletes them from Glean; questions in their threads then stop using them."
    )
    ctx.reply("\n".join(lines))
    _unmap(ctx, {file_id: records[file_id] for file_id in gone})  # Glean dropped them: stop sending their ids
    return f"listed:{len(records)}"


def files_forget(ctx: CommandContext) -> str:
    records = _channel_files(ctx)
    if not records:
        ctx.reply("You haven't shared any files with me in this channel: there is nothing to forget.")
        return "empty"
    for act_as, ids in _by_identity(records).items():
        _delete(ctx, ids, act_as)
    _unmap(ctx, records)
    names = ", ".join(f"*{escape_mrkdwn(str(r.get('name') or f))}*" for f, r in records.items())
    count = len(records)
    ctx.reply(
        f"Deleted {count} file{'s' if count != 1 else ''} from Glean: {names}. Questions in their threads no "
        "longer use them."
    )
    return f"forgot:{count}"


def _delete(ctx: CommandContext, ids: list[str], act_as: str | None) -> None:
    try:
        ctx.glean.client.chat.delete_files(file_ids=ids, x_scio_actas=act_as)
        return
    except GleanError as exc:
        if exc.status_code != 404:
            raise
    for file_id in ids:  # some are gone already: delete the rest one by one
        try:
            ctx.glean.client.chat.delete_files(file_ids=[file_id], x_scio_actas=act_as)
        except GleanError as exc:
            if exc.status_code != 404:
                raise


def _unmap(ctx: CommandContext, records: dict[str, dict[str, Any]]) -> None:
    for file_id, record in records.items():
        ctx.store.remove_thread_file(
            ctx.job.team_id,
            str(record.get("channel_id") or ""),
            str(record.get("thread_ts") or ""),
            file_id,
            record.get("chat_user"),
        )
    ctx.store.remove_my_files(ctx.job.team_id, ctx.job.user_id, list(records))
