"""`Glean`, the entry point: `Glean(bearer_auth=..., server_url=...).client.chat` (and `.client.activity`)."""

from __future__ import annotations

import re
from types import TracebackType
from urllib.parse import urlsplit

import httpx

from ._transport import Transport
from ._version import __version__
from .activity import Activity
from .chat import Chat
from .errors import GleanConfigError
from .utils import DEFAULT_RETRY_CONFIG, RetryConfig

DEFAULT_TIMEOUT_MS = 120_000
"""Whole-call timeout for one Glean request, and the longest silence allowed inside a stream."""
CONNECT_TIMEOUT_S = 10.0
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
"""The only hosts the token may reach over plain http."""
_INSTANCE_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")  # one DNS label


class ClientNamespace:
    """`glean.client`: groups the API areas the way Glean's SDK does (`chat`, and `activity` for feedback)."""

    def __init__(self, transport: Transport) -> None:
        self.chat = Chat(transport)
        self.activity = Activity(transport)


class Glean:
    """A Glean Chat API client. Use as a context manager, or call `close()`.

    Args:
        bearer_auth: a Glean API token (user token, or global token used with `x_scio_actas`).
        instance: the instance name: calls go to `https://{instance}-be.glean.com`.
        server_url: a full base URL instead (wins over `instance`), e.g. a local_glean at `http://127.0.0.1:8731`;
            https, or plain http only on loopback (else `GleanConfigError`).
        timeout_ms: per-request timeout; also the longest gap between streamed lines.
        retry_config: retries for every call unless a call passes `retries=`; `utils.NO_RETRIES` disables.
        client: an `httpx.Client` of your own (its timeout and transport are used; you close it).
        default_act_as: the email a global token acts as on calls that name no one (`x_scio_actas=None`).
    """

    def __init__(
        self,
        *,
        bearer_auth: str,
        instance: str | None = None,
        server_url: str | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        retry_config: RetryConfig = DEFAULT_RETRY_CONFIG,
        client: httpx.Client | None = None,
        default_act_as: str | None = None,
    ) -> None:
        if not bearer_auth:
            raise ValueError("bearer_auth (a Glean API token) is required")
        base_url = _base_url(instance=instance, server_url=server_url)
        self._owns_client = client is None
        if client is None:
            client = httpx.Client(
                timeout=httpx.Timeout(timeout_ms / 1000, connect=CONNECT_TIMEOUT_S),
                follow_redirects=False,  # a redirect would carry the bearer token to another URL
            )
        self._http = client
        self.server_url = base_url
        transport = Transport(
            base_url=base_url,
            token=bearer_auth,
            client=client,
            retry_config=retry_config,
            user_agent=f"gleanbot-glean-chat/{__version__} httpx/{httpx.__version__}",
            default_act_as=default_act_as,
        )
        self.client = ClientNamespace(transport)

    def close(self) -> None:
        if self._owns_client:
            self._http.close()

    def __enter__(self) -> Glean:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Glean(server_url={self.server_url!r})"  # never the token


def _base_url(*, instance: str | None, server_url: str | None) -> str:
    if server_url:
        url = server_url.strip()
        if "://" not in url:
            url = "https://" + url
        _refuse_clear_text(url)
        return url.rstrip("/")
    if instance:
        name = instance.strip()
        if _INSTANCE_LABEL.fullmatch(name) is None:
            # '#', '@', '/' or '.' would send the token to another host than {name}-be.glean.com.
            raise GleanConfigError(
                f"instance must be a bare Glean instance name like 'acme', not {instance!r}"
            )
        return f"https://{name}-be.glean.com"
    raise ValueError("give instance= (e.g. 'acme') or server_url=")


def _refuse_clear_text(url: str) -> None:
    """Every call carries the bearer token: plain http only to this machine (tests, a local stand-in)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise GleanConfigError(f"server_url is not a URL: {url!r}") from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise GleanConfigError(f"server_url must be an https URL, not {url!r}")
    try:
        # What httpx and the socket layer will do with it: parse it, and encode its host label by label.
        httpx.Request("GET", url).url.raw_host.decode("ascii").encode("idna")
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise GleanConfigError(f"server_url is not a valid URL ({type(exc).__name__})") from None
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        raise GleanConfigError(
            "server_url must be https: the token is not sent over plain http except to 127.0.0.1, ::1 or localhost"
        )
