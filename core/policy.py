"""The channel policy file (YAML): defaults plus per-channel rules; errors name the file and line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = ["ChannelRule", "Policy", "PolicyError", "hybrid_problem", "load_policy", "parse_policy"]

Mode = Literal["auto", "mention", "off"]
Visibility = Literal["public", "private", "hybrid"]
_MODES = ("auto", "mention", "off")
_VISIBILITIES = ("public", "private", "hybrid")
_TOP_KEYS = ("defaults", "channels")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9_]+")


@dataclass(frozen=True)
class ChannelRule:
    """How the bot behaves in one channel.

    `visibility=None` means the deployment's default: public answers with the token's own identity,
    private (ephemeral) answers when Glean acts as the asker. `hybrid`: public with the deployment's
    public identity, plus a "Find more with my access" button that answers the clicker privately, as them.
    """

    mode: Mode = "auto"
    visibility: Visibility | None = None
    application_id: str | None = None
    agent: str | None = None
    allow_bots: bool = False
    allow_external: bool = False


_RULE_KEYS = tuple(f.name for f in fields(ChannelRule))


@dataclass(frozen=True)
class Policy:
    defaults: ChannelRule = field(default_factory=ChannelRule)
    channels: Mapping[str, ChannelRule] = field(default_factory=dict)

    def for_channel(self, channel_id: str) -> ChannelRule:
        return self.channels.get(channel_id, self.defaults)

    def hybrid_where(self) -> list[str]:
        """Where `visibility: hybrid` is set: "defaults" and/or channel ids."""
        named = ["defaults"] if self.defaults.visibility == "hybrid" else []
        return named + [c for c, rule in self.channels.items() if rule.visibility == "hybrid"]


def hybrid_problem(policy: Policy, *, acts_as_asker: bool, public_as: str | None) -> str | None:
    """Why this deployment cannot serve the policy's hybrid channels (None: it can, or there are none).

    The button answers as the clicker (needs GLEAN_ACT_AS=asker, a global token), and that token must act
    as someone for the public answer too: GLEAN_PUBLIC_AS, an account that sees what everyone may see.
    """
    where = policy.hybrid_where()
    if not where:
        return None
    named = ", ".join(where)
    if not acts_as_asker:
        return (
            f"visibility: hybrid (in {named}) needs GLEAN_ACT_AS=asker, so that "
            "'Find more with my access' can ask Glean as the person who clicks"
        )
    if not public_as:
        return (
            f"visibility: hybrid (in {named}) needs GLEAN_PUBLIC_AS: the email of a Glean account that "
            "sees only what everyone may see, for the public answers"
        )
    return None


class PolicyError(ValueError):
    """The policy file is invalid; the message reads `path:line: what is wrong`."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        where = f"{source}:{line}" if line is not None else source
        # Named after the setting, so a start-up error points at the variable as well as the line.
        super().__init__(f"GLEANBOT_CHANNELS ({where}): {message}")
        self.source = source
        self.line = line
        self.variable = "GLEANBOT_CHANNELS"


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(path), None, f"cannot read the file ({exc.strerror})") from None
    return parse_policy(text, source=str(path))


def parse_policy(text: str, *, source: str = "<policy>") -> Policy:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise PolicyError(source, line, f"not valid YAML: {exc.problem}") from None
    if root is None:
        return Policy()
    top = _mapping(root, source, "the file")
    defaults = ChannelRule()
    channels: dict[str, ChannelRule] = {}
    for key_node, value_node in top:
        key = _string(key_node, source)
        if key not in _TOP_KEYS:
            raise PolicyError(source, _line(key_node), f"unknown key {key!r} (expected one of {_TOP_KEYS})")
        if key == "defaults":
            defaults = _rule(value_node, ChannelRule(), source)
    for key_node, value_node in top:
        if _string(key_node, source) != "channels":
            continue
        if _is_null(value_node):
            continue
        for channel_node, rule_node in _mapping(value_node, source, "channels"):
            channel_id = _string(channel_node, source)
            if not _CHANNEL_ID.fullmatch(channel_id):
                raise PolicyError(
                    source,
                    _line(channel_node),
                    f"{channel_id!r} is not a channel id; use the id (like C0123ABCD), names can change",
                )
            if channel_id in channels:
                raise PolicyError(source, _line(channel_node), f"channel {channel_id} is listed twice")
            channels[channel_id] = _rule(rule_node, defaults, source)
    return Policy(defaults=defaults, channels=channels)


def _rule(node: yaml.Node, base: ChannelRule, source: str) -> ChannelRule:
    if _is_null(node):
        return base
    changes: dict[str, Any] = {}
    for key_node, value_node in _mapping(node, source, "a channel rule"):
        key = _string(key_node, source)
        line = _line(value_node)
        if key not in _RULE_KEYS:
            raise PolicyError(
                source, _line(key_node), f"unknown setting {key!r} (expected one of {_RULE_KEYS})"
            )
        value = _scalar(value_node, source)
        if key == "mode" and value is False and str(getattr(value_node, "value", "")).lower() == "off":
            value = "off"  # YAML 1.1 reads a bare `off` as false; here it is the mode people wrote
        if key == "mode" and value not in _MODES:
            raise PolicyError(source, line, f"mode must be one of {', '.join(_MODES)}, not {value!r}")
        if key == "visibility" and value not in _VISIBILITIES:
            raise PolicyError(
                source, line, f"visibility must be one of {', '.join(_VISIBILITIES)}, not {value!r}"
            )
        if key in ("allow_bots", "allow_external") and not isinstance(value, bool):
            raise PolicyError(source, line, f"{key} must be true or false, not {value!r}")
        if key in ("application_id", "agent") and value is not None and not isinstance(value, str):
            raise PolicyError(source, line, f"{key} must be a string, not {value!r}")
        changes[key] = value
    return replace(base, **changes)


def _mapping(node: yaml.Node, source: str, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise PolicyError(source, _line(node), f"{what} must be a mapping of keys to values")
    return list(node.value)


def _string(node: yaml.Node, source: str) -> str:
    value = _scalar(node, source)
    if not isinstance(value, str):
        raise PolicyError(source, _line(node), f"expected a text key, not {value!r}")
    return value


def _scalar(node: yaml.Node, source: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise PolicyError(source, _line(node), "expected a single value here")
    return yaml.SafeLoader("").construct_object(node)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
