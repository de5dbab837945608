"""The seed SDK reference's ```python examples, and the three swaps that point one at a local_glean.

The reference is Glean's published `client.chat` docs, kept as test data (data/SOURCE.md says where from).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "data" / "seed_sdk_chat_reference.md"
OPERATIONS = (
    "ask",
    "start",
    "delete_all",
    "delete",
    "get",
    "list",
    "get_application",
    "upload_files",
    "get_files",
    "delete_files",
)
SEED_IMPORT = "from glean import Glean"
SEED_AUTH = 'bearer_auth=os.getenv("GLEAN_BEARER_AUTH", ""),'
PLACEHOLDER = re.compile(r'"<(?:id|value)>"')


def examples() -> dict[str, str]:
    """Each ```python block of the reference, keyed by the `client.chat` operation it calls."""
    found: dict[str, str] = {}
    for block in re.findall(r"```python\n(.*?)```", REFERENCE.read_text(), re.S):
        operation = re.search(r"g_client\.client\.chat\.(\w+)\(", block)
        assert operation is not None, block
        found[operation.group(1)] = block
    return found


def swapped(block: str, *, base_url: str, token: str, ids: Iterable[str] = ()) -> str:
    """The block with only the import, the server and the docs' placeholder ids changed.

    `"<id>"` and `"<value>"` are the docs' stand-ins for ids of chats, files and applications the reader
    owns; no server can know them, so each is replaced, in order, by a real id from `ids`.
    """
    assert SEED_IMPORT in block and SEED_AUTH in block, "the reference changed shape"
    code = block.replace(SEED_IMPORT, "from glean_chat import Glean", 1)
    code = code.replace(SEED_AUTH, f"bearer_auth={token!r}, server_url={base_url!r},", 1)
    pool = iter(ids)
    return PLACEHOLDER.sub(lambda _: repr(next(pool)), code)


def run(code: str, name: str) -> str:
    """Execute an example as a script would run; return what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"<seed {name}>", "exec"), {"__name__": "__main__"})
    return printed.getvalue()
