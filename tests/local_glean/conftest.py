"""The local_glean tests' fixtures, defined in helpers.py and re-exported so pytest finds them by name."""

from .helpers import _close_http, make_server, official, server, user  # noqa: F401
