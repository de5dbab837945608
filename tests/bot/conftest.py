"""The bot tests' fixtures: those of the shared harness, re-exported so pytest finds them by name."""

from tests.harness import (  # noqa: F401
    _clean_environ,
    bot,
    glean,
    make_bot,
    redis_server_url,
    redis_url,
    sandbox,
)
