"""glean_chat: a typed client for Glean's Chat API, shaped like `glean.client.chat` in Glean's Python SDK."""

from . import answer, errors, models, utils
from ._version import __version__
from .sdk import DEFAULT_TIMEOUT_MS, Glean

__all__ = ["DEFAULT_TIMEOUT_MS", "Glean", "__version__", "answer", "errors", "models", "utils"]
