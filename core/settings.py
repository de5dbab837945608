"""The bot's settings: one frozen object built from the environment at start-up (the only env reader)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from core.agent_view import AgentView, agent_view_from_env
from core.answer_extras import DEFAULT_DISCLAIMER, disclaimer_from_env
from core.file_hosts import is_loopback
from core.policy import Policy, hybrid_problem, load_policy
from core.settings_glean import check_glean_instance, check_glean_server_url, check_public_as

__all__ = ["DEFAULT_SLACK_API_URL", "Command", "Settings", "SettingsError"]

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_REDIS_URL = "redis://localhost:6379/0"
DEFAULT_PORT = 3000
DEFAULT_THREAD_TTL_DAYS = 30
DEFAULT_GLEAN_TIMEOUT_S = 120.0
DEFAULT_GLEAN_RETRY_S = 30.0
DEFAULT_JOB_TIMEOUT_S = 300
DEFAULT_JOB_RETRIES = 2
DEFAULT_JOB_RETRY_DELAYS_S = (10, 60)
DEFAULT_QUEUE = "gleanbot"
DEFAULT_JOB_HEARTBEAT_S = 10
DEFAULT_MAINTENANCE_INTERVAL_S = 30
DEFAULT_WORKER_CONCURRENCY = 16
"""Answers in flight per `gleanbot worker` on 2 cores: each waits on Glean and Slack, not on the CPU."""
DEFAULT_HTTP_PROCESSES = 1
"""`gleanbot http` processes sharing one port; one decides ~250 events/s on a core (see bench/README.md)."""
DEFAULT_MAX_FILE_MB = 25.0
MAX_FILE_MB_LIMIT = 1_000.0

Command = Literal["http", "socket", "worker"]

# What each process needs beyond the defaults, as (attribute, environment variable).
_REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "http": (("slack_bot_token", "SLACK_BOT_TOKEN"), ("slack_signing_secret", "SLACK_SIGNING_SECRET")),
    "socket": (("slack_bot_token", "SLACK_BOT_TOKEN"), ("slack_app_token", "SLACK_APP_TOKEN")),
    "worker": (("slack_bot_token", "SLACK_BOT_TOKEN"),),
}
_SLACK_HOST_SUFFIXES = (".slack.com", ".slack-gov.com")


class SettingsError(ValueError):
    """A setting is missing or malformed; `variable` names the environment variable at fault."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Everything the bot and its workers are configured with. Secrets are kept out of `repr`."""

    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = DEFAULT_SLACK_API_URL
    glean_server_url: str | None = None
    glean_instance: str | None = None
    glean_api_token: str = field(default="", repr=False)
    glean_act_as: Literal["asker"] | None = None
    glean_public_as: str | None = None
    """With act-as: whom the global token acts as for public answers of hybrid channels (GLEAN_PUBLIC_AS)."""
    glean_timeout_s: float = DEFAULT_GLEAN_TIMEOUT_S
    glean_retry_s: float = DEFAULT_GLEAN_RETRY_S
    redis_url: str = field(default=DEFAULT_REDIS_URL, repr=False)  # may carry a password
    port: int = DEFAULT_PORT
    channels_file: Path | None = None
    policy: Policy = field(default_factory=Policy)
    thread_ttl_s: int = DEFAULT_THREAD_TTL_DAYS * 86_400
    queue_name: str = DEFAULT_QUEUE
    job_timeout_s: int = DEFAULT_JOB_TIMEOUT_S
    job_retries: int = DEFAULT_JOB_RETRIES
    job_retry_delays_s: tuple[int, ...] = DEFAULT_JOB_RETRY_DELAYS_S
    job_heartbeat_s: int = DEFAULT_JOB_HEARTBEAT_S
    """How often a worker vouches for the answer it runs; after 3 missed beats the answer counts as abandoned."""
    maintenance_interval_s: int = DEFAULT_MAINTENANCE_INTERVAL_S
    """How often an idle worker looks for abandoned answers (their worker died) and retries or reports them."""
    worker_concurrency: int = DEFAULT_WORKER_CONCURRENCY
    """How many answers one `gleanbot worker` runs at once (one RQ worker process each)."""
    http_processes: int = DEFAULT_HTTP_PROCESSES
    """How many `gleanbot http` processes accept on the one port (forked from one supervisor)."""
    streaming: bool = True
    log_level: str = "INFO"
    max_file_bytes: int = int(DEFAULT_MAX_FILE_MB * 1024 * 1024)
    """Files shared in Slack larger than this are not downloaded nor forwarded to Glean."""
    agent: AgentView = field(default_factory=AgentView)
    ai_disclaimer: str = DEFAULT_DISCLAIMER
    """The line under every answer saying it is AI-generated ('' for none)."""

    @property
    def acts_as_asker(self) -> bool:
        return self.glean_act_as == "asker"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build and validate settings; raise `SettingsError` naming the first bad variable."""
        env = {k: v.strip() for k, v in environ.items() if v.strip()}
        glean_server_url = env.get("GLEAN_SERVER_URL")
        glean_instance = env.get("GLEAN_INSTANCE")
        if glean_server_url:
            if problem := check_glean_server_url(glean_server_url):
                raise SettingsError("GLEAN_SERVER_URL", problem)
        elif glean_instance:
            if problem := check_glean_instance(glean_instance):
                raise SettingsError("GLEAN_INSTANCE", problem)
        else:
            raise SettingsError(
                "GLEAN_SERVER_URL",
                "set GLEAN_SERVER_URL (e.g. http://127.0.0.1:8731 for `gleanbot local-glean`) or GLEAN_INSTANCE",
            )
        token = env.get("GLEAN_API_TOKEN")
        if not token:
            raise SettingsError("GLEAN_API_TOKEN", "required (a Glean API token with the CHAT scope)")
        act_as = env.get("GLEAN_ACT_AS")
        if act_as is not None and act_as != "asker":
            raise SettingsError("GLEAN_ACT_AS", f"must be 'asker' or unset, not {act_as!r}")
        slack_api_url = env.get("SLACK_API_URL", DEFAULT_SLACK_API_URL)
        _check_slack_api_url(slack_api_url)
        if not slack_api_url.endswith("/"):
            slack_api_url += "/"
        _check_prefix("SLACK_BOT_TOKEN", env.get("SLACK_BOT_TOKEN"), "xoxb-")
        _check_prefix("SLACK_APP_TOKEN", env.get("SLACK_APP_TOKEN"), "xapp-")
        redis_url = env.get("REDIS_URL", DEFAULT_REDIS_URL)
        if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
            raise SettingsError("REDIS_URL", "must start with redis://, rediss:// or unix://")
        channels_file = Path(env["GLEANBOT_CHANNELS"]) if "GLEANBOT_CHANNELS" in env else None
        policy = load_policy(channels_file) if channels_file else Policy()
        public_as = env.get("GLEAN_PUBLIC_AS")
        if problem := check_public_as(public_as, acts_as_asker=act_as is not None):
            raise SettingsError("GLEAN_PUBLIC_AS", problem)
        if problem := hybrid_problem(policy, acts_as_asker=act_as is not None, public_as=public_as):
            raise SettingsError("GLEANBOT_CHANNELS", problem)
        level = env.get("LOG_LEVEL", "INFO").upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError("LOG_LEVEL", "must be DEBUG, INFO, WARNING or ERROR")
        return cls(
            slack_bot_token=env.get("SLACK_BOT_TOKEN"),
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET"),
            slack_app_token=env.get("SLACK_APP_TOKEN"),
            slack_api_url=slack_api_url,
            glean_server_url=glean_server_url,
            glean_instance=None if glean_server_url else glean_instance,
            glean_api_token=token,
            glean_act_as="asker" if act_as else None,
            glean_public_as=public_as,
            glean_timeout_s=_number(env, "GLEAN_TIMEOUT_S", DEFAULT_GLEAN_TIMEOUT_S, low=1),
            glean_retry_s=_number(env, "GLEAN_RETRY_S", DEFAULT_GLEAN_RETRY_S, low=0),
            redis_url=redis_url,
            port=int(_number(env, "PORT", DEFAULT_PORT, low=0, high=65_535, integer=True)),
            channels_file=channels_file,
            policy=policy,
            thread_ttl_s=int(
                _number(env, "GLEANBOT_THREAD_TTL_DAYS", DEFAULT_THREAD_TTL_DAYS, low=1, high=3650) * 86_400
            ),
            queue_name=_queue_name(env.get("GLEANBOT_QUEUE", DEFAULT_QUEUE)),
            job_timeout_s=int(
                _number(env, "GLEANBOT_JOB_TIMEOUT_S", DEFAULT_JOB_TIMEOUT_S, low=2, integer=True)
            ),
            job_retries=int(
                _number(env, "GLEANBOT_JOB_RETRIES", DEFAULT_JOB_RETRIES, low=0, high=10, integer=True)
            ),
            job_retry_delays_s=_delays(env.get("GLEANBOT_JOB_RETRY_DELAYS_S")),
            job_heartbeat_s=int(
                _number(
                    env, "GLEANBOT_JOB_HEARTBEAT_S", DEFAULT_JOB_HEARTBEAT_S, low=1, high=60, integer=True
                )
            ),
            worker_concurrency=int(
                _number(
                    env,
                    "GLEANBOT_WORKER_CONCURRENCY",
                    DEFAULT_WORKER_CONCURRENCY,
                    low=1,
                    high=64,
                    integer=True,
                )
            ),
            http_processes=int(
                _number(env, "GLEANBOT_HTTP_PROCESSES", DEFAULT_HTTP_PROCESSES, low=1, high=32, integer=True)
            ),
            maintenance_interval_s=int(
                _number(
                    env,
                    "GLEANBOT_MAINTENANCE_INTERVAL_S",
                    DEFAULT_MAINTENANCE_INTERVAL_S,
                    low=1,
                    high=600,
                    integer=True,
                )
            ),
            streaming=_flag(env, "GLEANBOT_STREAMING", default=True),
            log_level=level,
            max_file_bytes=int(
                _number(env, "GLEANBOT_MAX_FILE_MB", DEFAULT_MAX_FILE_MB, low=0.001, high=MAX_FILE_MB_LIMIT)
                * 1024
                * 1024
            ),
            agent=agent_view_from_env(env),
            ai_disclaimer=disclaimer_from_env(env, environ),
        )

    def require_for(self, command: Command) -> Settings:
        """Raise `SettingsError` if a variable the given process needs is unset; return self."""
        for attribute, variable in _REQUIRED[command]:
            if not getattr(self, attribute):
                raise SettingsError(variable, f"required for `gleanbot {command}`")
        return self


def _check_url(variable: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(variable, f"must be an http(s) URL, not {value!r}")


def _check_slack_api_url(value: str) -> None:
    # The bot token goes to this URL on every call: only Slack itself (https) or a loopback fake may get it.
    _check_url("SLACK_API_URL", value)
    parts = urlsplit(value)
    host = parts.hostname or ""
    if is_loopback(host):
        return
    if parts.scheme != "https" or not (host == "slack.com" or host.endswith(_SLACK_HOST_SUFFIXES)):
        raise SettingsError(
            "SLACK_API_URL", "must be an https URL on slack.com (or a loopback address for testing)"
        )


def _check_prefix(variable: str, value: str | None, prefix: str) -> None:
    if value is not None and not value.startswith(prefix):
        raise SettingsError(variable, f"must start with {prefix!r}")


def _number(
    env: Mapping[str, str],
    variable: str,
    default: float,
    *,
    low: float,
    high: float | None = None,
    integer: bool = False,
) -> float:
    raw = env.get(variable)
    if raw is None:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SettingsError(variable, f"must be {kind}, not {raw!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise SettingsError(variable, f"must be {bound}, not {raw!r}")
    return value


def _flag(env: Mapping[str, str], variable: str, *, default: bool) -> bool:
    raw = env.get(variable)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(variable, f"must be true or false, not {raw!r}")


def _delays(raw: str | None) -> tuple[int, ...]:
    if raw is None:
        return DEFAULT_JOB_RETRY_DELAYS_S
    try:
        delays = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(
            "GLEANBOT_JOB_RETRY_DELAYS_S", f"must be comma-separated seconds like '10,60', not {raw!r}"
        ) from None
    if not delays or any(d < 0 for d in delays):
        raise SettingsError("GLEANBOT_JOB_RETRY_DELAYS_S", "give one or more delays of 0 seconds or more")
    return delays


def _queue_name(raw: str) -> str:
    if not raw.replace("-", "").replace("_", "").isalnum():
        raise SettingsError("GLEANBOT_QUEUE", "use letters, digits, '-' and '_' only")
    return raw
