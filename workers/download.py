"""Downloading a Slack file with the bot token, safely: Slack's hosts only, a size cap, no login page.

- The token goes only where `core.file_hosts` allows, and redirects are followed by hand so every hop is
  checked the same way (httpx would otherwise carry the header along, or drop it silently).
- The body is streamed into a file the caller owns with a running byte count: past the limit the download
  stops at once, so a lying `size` or missing Content-Length costs at most `max_bytes` of disk, never memory.
- Without `files:read` (or with a wrong token) Slack answers 200 with an HTML sign-in page; that is refused
  by Content-Type and by the leading bytes, unless the shared file is itself HTML of the declared size.
"""

from __future__ import annotations

from typing import IO

import httpx

from core.file_hosts import slack_host_refusal

__all__ = ["CHUNK_BYTES", "MAX_REDIRECTS", "DownloadRefused", "download_slack_file", "make_download_client"]

CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 3
DOWNLOAD_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 10.0
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


class DownloadRefused(Exception):
    """The file was not downloaded. `kind`: wrong_host | bad_url | too_large | login_page | slack_refused |
    network."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


def make_download_client() -> httpx.Client:
    """Redirects off: `download_slack_file` follows them itself, checking each hop."""
    return httpx.Client(
        follow_redirects=False, timeout=httpx.Timeout(DOWNLOAD_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    )


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(_HTML_STARTS)


def download_slack_file(
    client: httpx.Client,
    url: str,
    dest: IO[bytes],
    *,
    token: str,
    slack_api_url: str,
    max_bytes: int,
    declared_html: bool = False,
    declared_size: int | None = None,
) -> int:
    """Stream `url` into `dest`; return the byte count, or raise `DownloadRefused` (dest may hold a part)."""
    for _ in range(MAX_REDIRECTS + 1):
        refusal = slack_host_refusal(url, slack_api_url)
        if refusal is not None:
            raise DownloadRefused("wrong_host", refusal)
        try:
            with client.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as response:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise DownloadRefused(
                            "slack_refused", f"HTTP {response.status_code} without a Location"
                        )
                    url = str(response.url.join(location))
                    continue
                return _save(response, dest, max_bytes, declared_html, declared_size)
        except httpx.HTTPError as exc:
            raise DownloadRefused("network", type(exc).__name__) from exc
        except (httpx.InvalidURL, UnicodeError) as exc:
            # httpx parses more strictly than urlsplit: a control character, a bad IDNA label or an
            # over-long URL (in the file's link or a redirect) is not an HTTPError and would crash the job.
            raise DownloadRefused("bad_url", type(exc).__name__) from exc
    raise DownloadRefused("slack_refused", f"more than {MAX_REDIRECTS} redirects")


def _save(
    response: httpx.Response, dest: IO[bytes], max_bytes: int, declared_html: bool, declared_size: int | None
) -> int:
    if response.status_code != 200:
        raise DownloadRefused("slack_refused", f"HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in _HTML_TYPES and not declared_html:
        raise DownloadRefused("login_page", "an HTML page instead of the file")
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise DownloadRefused("too_large", f"{length} bytes")
    total = 0
    head = b""
    for chunk in response.iter_bytes(CHUNK_BYTES):
        total += len(chunk)
        if total > max_bytes:
            raise DownloadRefused("too_large", f"more than {max_bytes} bytes")
        if len(head) < 512:
            head += chunk[: 512 - len(head)]
        dest.write(chunk)
    if not declared_html and _looks_like_html(head):
        raise DownloadRefused("login_page", "HTML content instead of the file")
    # An HTML file was shared: a sign-in page gives itself away by not being the file's declared size.
    is_html = content_type in _HTML_TYPES or _looks_like_html(head)
    if declared_html and is_html and declared_size is not None and total != declared_size:
        raise DownloadRefused("login_page", "an HTML page of another size than the file")
    return total
