"""The one rule for where the bot token (and private answers) may go: Slack's hosts, or the loopback Slack."""

from __future__ import annotations

import pytest

from core.file_hosts import slack_host_refusal, token_may_go_to
from workers.respond import post_response

SLACK_API = "https://slack.com/api/"
LOOPBACK_API = "http://127.0.0.1:4567/api/"


@pytest.mark.parametrize(
    "url",
    [
        "https://files.slack.com/files-pri/T1-F1/report.pdf",
        "https://files.slack.com/files-pri/T1-F1/download/report.pdf",
        "https://hooks.slack.com/commands/T1/123/abc",
        "https://slack.com/x",
        "https://FILES.SLACK.COM/files-pri/T1-F1/a.txt",
        "https://files.slack.com:443/files-pri/T1-F1/a.txt",
        "https://files.slack-gov.com/files-pri/T1-F1/a.txt",
    ],
)
def test_slack_hosts_over_https_are_allowed(url: str) -> None:
    assert token_may_go_to(url, SLACK_API)
    assert token_may_go_to(url, LOOPBACK_API)  # a loopback API adds a host, it never removes Slack's


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://files.slack.com/files-pri/T1-F1/a.txt", "https"),
        ("https://files.slack.com:8443/a.txt", "port"),
        ("https://files.slack.com.evil.example/a.txt", "not a Slack host"),
        ("https://evilslack.com/a.txt", "not a Slack host"),
        ("https://slack.com@evil.example/a.txt", "not an http(s) URL"),
        ("https://user:pw@files.slack.com/a.txt", "not an http(s) URL"),
        ("https://drive.google.com/file/d/1", "not a Slack host"),
        ("ftp://files.slack.com/a.txt", "not an http(s) URL"),
        ("/files-pri/T1-F1/a.txt", "not an http(s) URL"),
        ("https://files.slack.com:99999/a.txt", "not an http(s) URL"),
        ("http://127.0.0.1:4567/files/a.txt", "not a Slack host"),  # loopback, but SLACK_API_URL is Slack
    ],
)
def test_everything_else_is_refused_with_a_reason(url: str, why: str) -> None:
    reason = slack_host_refusal(url, SLACK_API)
    assert reason is not None and why in reason


def test_loopback_slack_is_allowed_only_at_its_own_origin() -> None:
    assert token_may_go_to("http://127.0.0.1:4567/files/files-pri/T-F/a.txt", LOOPBACK_API)
    assert token_may_go_to("http://127.0.0.1:4567/response/T/abc", LOOPBACK_API)
    assert not token_may_go_to("http://127.0.0.1:4568/files/a.txt", LOOPBACK_API)  # another port
    assert not token_may_go_to("https://127.0.0.1:4567/files/a.txt", LOOPBACK_API)  # another scheme
    assert not token_may_go_to("http://127.0.0.2:4567/files/a.txt", LOOPBACK_API)  # another address
    assert not token_may_go_to("http://localhost:4567/files/a.txt", LOOPBACK_API)  # another name
    # A non-loopback API URL that is not Slack never widens the set (settings refuse it anyway).
    assert not token_may_go_to("http://10.0.0.5:80/a.txt", "http://10.0.0.5:80/api/")


def test_a_response_url_httpx_cannot_use_is_refused_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    # On a Slack host, so the host rule passes; httpx then raised InvalidURL (no HTTPError) in the job.
    assert not post_response(
        "https://hooks.slack.com/commands/T1/\x7f/x", "https://slack.com/api/", text="hi"
    )
    assert any(getattr(r, "event", "") == "response_url_refused" for r in caplog.records)
