"""Who and what the workspace holds: users and conversations, and the people and channels every sandbox starts with."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from . import shapes
from .config import SandboxConfig
from .state import Workspace

__all__ = ["add_channel", "add_user", "seed"]

JsonDict = dict[str, Any]


def add_user(
    config: SandboxConfig,
    ws: Workspace,
    user_id: str,
    *,
    name: str | None = None,
    real_name: str | None = None,
    email: str | None = None,
    tz: str = "America/Los_Angeles",
    tz_label: str = "Pacific Daylight Time",
    tz_offset: int = -25200,
    is_bot: bool = False,
    team_id: str | None = None,
) -> JsonDict:
    short = name or user_id.removeprefix("U_").lower()
    user = shapes.user_object(
        config,
        user_id=user_id,
        name=short,
        real_name=real_name or short.title(),
        email=email,
        tz=tz,
        tz_label=tz_label,
        tz_offset=tz_offset,
        is_bot=is_bot,
        team_id=team_id,
    )
    ws.add_user(user)
    return copy.deepcopy(user)


def add_channel(
    config: SandboxConfig,
    ws: Workspace,
    channel_id: str,
    *,
    name: str | None = None,
    is_private: bool = False,
    is_im: bool = False,
    is_mpim: bool = False,
    is_ext_shared: bool = False,
    members: Iterable[str] | None = None,
    bot_is_member: bool = True,
    user: str | None = None,
) -> JsonDict:
    """Add a conversation. `members` are users (default: every human for a public channel); for an IM,
    `user` is the human on the other side."""
    if is_im and not user:
        raise ValueError("an IM needs `user`")
    people = set(members) if members is not None else set()
    if members is None and not (is_private or is_im or is_mpim):
        people = {
            u for u, data in ws.users.items() if not data["is_bot"] and data["team_id"] == config.team_id
        }
    if is_im and user:
        people.add(user)
    if bot_is_member:
        people.add(config.bot_user_id)
    channel = shapes.conversation_object(
        channel_id=channel_id,
        name=None if is_im else (name or channel_id.split("_", 1)[-1].lower()),
        is_private=is_private,
        is_im=is_im,
        is_mpim=is_mpim,
        is_ext_shared=is_ext_shared,
        im_user=user,
        creator=user or "U_ALICE",
    )
    ws.add_channel(channel, people)
    return copy.deepcopy(channel)


def seed(config: SandboxConfig, ws: Workspace) -> None:
    add_user(config, ws, config.bot_user_id, name=config.bot_name, real_name="Glean Bot", is_bot=True)
    add_user(config, ws, "U_ALICE", email="alice@example.com")
    add_user(
        config,
        ws,
        "U_BOB",
        email="bob@example.com",
        tz="America/New_York",
        tz_label="Eastern Daylight Time",
        tz_offset=-14400,
    )
    add_user(
        config,
        ws,
        "U_EXT",
        name="carol",
        email="carol@partner.example",
        tz="Europe/London",
        tz_label="British Summer Time",
        tz_offset=3600,
        team_id="T0PARTNER",
    )
    add_channel(config, ws, "C_GENERAL", name="general", members=["U_ALICE", "U_BOB"])
    add_channel(config, ws, "G_PRIVATE", name="private", is_private=True, members=["U_ALICE"])
    add_channel(config, ws, "C_SHARED", name="shared", is_ext_shared=True, members=["U_ALICE", "U_EXT"])
    add_channel(config, ws, "D_ALICE", is_im=True, user="U_ALICE")
