"""A Redis anyone can write to is warned about at start-up, and `rediss://` URLs reach Redis over TLS."""

from __future__ import annotations

import logging

import pytest
import redis

from core.contract import open_rq_redis
from core.redis_auth import redis_needs_auth_warning, warn_if_redis_without_auth
from core.store import open_redis
from local_stack.processes import GleanbotProcess

WORKER_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "GLEAN_SERVER_URL": "http://127.0.0.1:9",
    "GLEAN_API_TOKEN": "dev-token",
    "GLEANBOT_WORKER_CONCURRENCY": "1",
}


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("redis://redis.internal:6379/0", True),
        ("rediss://redis.internal:6380/0", True),
        ("redis://10.0.0.5:6379/0", True),
        ("redis://gleanbot@redis.internal:6379/0", True),  # an ACL user name without its password
        ("redis://:s3cret@redis.internal:6379/0", False),
        ("rediss://gleanbot:s3cret@redis.internal:6380/0", False),
        ("redis://redis.internal:6379/0?password=s3cret", False),
        ("redis://localhost:6379/0", False),
        ("redis://127.0.0.1:6379/0", False),
        ("redis://[::1]:6379/0", False),
        ("unix:///run/redis.sock", False),
    ],
)
def test_which_redis_urls_are_warned_about(url: str, warned: bool, caplog: pytest.LogCaptureFixture) -> None:
    assert (redis_needs_auth_warning(url) is not None) == warned
    with caplog.at_level(logging.WARNING, logger="gleanbot.test"):
        warn_if_redis_without_auth(url, logging.getLogger("gleanbot.test"))
    events = [r for r in caplog.records if getattr(r, "event", "") == "redis_without_auth"]
    assert len(events) == warned
    assert all("s3cret" not in r.getMessage() for r in caplog.records)


def test_the_worker_warns_at_start_up_about_an_open_redis() -> None:
    # 192.0.2.1 is TEST-NET-1: never answers, so the worker gives up on Redis after its connect timeout.
    worker = GleanbotProcess(["worker", "--burst"], {**WORKER_ENV, "REDIS_URL": "redis://192.0.2.1:6379/0"})
    try:
        line = worker.wait_event("redis_without_auth", timeout_s=20)
    finally:
        worker.kill()
        worker.stop()
    assert line["level"] == "WARNING" and line["reason"] == "no password"
    assert len(worker.events("redis_without_auth")) == 1


@pytest.mark.parametrize("opener", [open_redis, open_rq_redis], ids=["store", "rq"])
def test_a_rediss_url_gives_a_verified_tls_connection_with_its_password(opener: object) -> None:
    url = "rediss://gleanbot:s3cret@redis.internal:6380/2?ssl_ca_certs=/etc/ssl/redis-ca.pem"
    client = opener(url)  # type: ignore[operator]
    assert isinstance(client, redis.Redis)
    pool = client.connection_pool
    assert issubclass(pool.connection_class, redis.SSLConnection)
    kwargs = pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("redis.internal", 6380, 2)
    assert (kwargs["username"], kwargs["password"]) == ("gleanbot", "s3cret")
    assert kwargs["ssl_ca_certs"] == "/etc/ssl/redis-ca.pem"
    connection = pool.make_connection()
    assert connection.cert_reqs.name == "CERT_REQUIRED" and connection.check_hostname  # type: ignore[attr-defined]
    client.close()
