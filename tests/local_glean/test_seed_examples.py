"""Every example of the seed SDK reference (Glean's published `client.chat` docs) runs against local_glean.

The reference is kept as test data (tests/glean_chat/data/seed_sdk_chat_reference.md, from
gleanwork/api-client-python docs/sdks/clientchat/README.md at 1abf6daa1ff142abc9e3dad5ba574bd46ea12852).
Each ```python block runs verbatim except for three swaps: the import (`glean` → `glean_chat`), the server
(`bearer_auth=os.getenv(...)` → local_glean's URL and a token), and the docs' placeholder ids (`<id>`,
`<value>`), which no server can know, replaced by ids this test created first.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from glean_chat import Glean
from local_glean import LocalGlean

from .helpers import USER_TOKEN

REFERENCE = Path(__file__).resolve().parent.parent / "glean_chat" / "data" / "seed_sdk_chat_reference.md"
OPERATIONS = [
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
]
SEED_IMPORT = "from glean import Glean"
SEED_AUTH = 'bearer_auth=os.getenv("GLEAN_BEARER_AUTH", ""),'


def _examples() -> dict[str, str]:
    blocks = re.findall(r"```python\n(.*?)```", REFERENCE.read_text(), re.S)
    found: dict[str, str] = {}
    for block in blocks:
        operation = re.search(r"g_client\.client\.chat\.(\w+)\(", block)
        assert operation is not None, block
        found[operation.group(1)] = block
    return found


def _ids(server: LocalGlean) -> dict[str, list[str]]:
    """Real ids for the placeholders: two saved chats, two uploaded files, an application."""
    with Glean(bearer_auth=USER_TOKEN, server_url=server.base_url) as g:
        chats = [
            json.loads(
                g.client.chat.start(messages=[{"fragments": [{"text": f"PTO question {n}"}]}], save_chat=True)
            )
            for n in range(2)
        ]
        uploaded = g.client.chat.upload_files(
            files=[
                {"file_name": f"note-{n}.txt", "content": b"The parking garage opens at 7am."}
                for n in range(2)
            ]
        )
    chat_ids = [c["chatId"] for c in chats if c.get("chatId")]
    file_ids = [f.id for f in uploaded.files or [] if f.id]
    assert len(chat_ids) == 2 and len(file_ids) == 2
    return {"chat": chat_ids, "file": file_ids, "application": ["people"]}


def _run(block: str, server: LocalGlean, ids: dict[str, list[str]], operation: str) -> str:
    assert SEED_IMPORT in block and SEED_AUTH in block, "the reference changed shape"
    code = block.replace(SEED_IMPORT, "from glean_chat import Glean")
    code = code.replace(SEED_AUTH, f"bearer_auth={USER_TOKEN!r}, server_url={server.base_url!r},")
    if operation == "get_application":
        code = code.replace('"<id>"', repr(ids["application"][0]))
    code = code.replace('"<id>"', repr(ids["chat"][0]))
    pool = iter(ids["file" if "file" in operation else "chat"])
    code = re.sub(r'"<value>"', lambda _: repr(next(pool)), code)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"<seed {operation}>", "exec"), {"__name__": "seed_example"})
    return printed.getvalue()


def test_the_reference_has_all_ten_operations() -> None:
    assert sorted(_examples()) == sorted(OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_seed_example_runs_verbatim(server: LocalGlean, operation: str) -> None:
    output = _run(_examples()[operation], server, _ids(server), operation)
    if operation == "ask":
        # detectOnly: the question is classified, not answered.
        assert "is_question=" in output and "chat_response=None" in output
    elif operation == "start":
        assert "holiday" in output.lower()  # an answer from the sample handbook
    elif operation in ("get", "list", "get_files"):
        assert output.strip() and output.strip() != "None"


def test_the_ask_example_sends_the_spec_s_wire_names(server: LocalGlean) -> None:
    from glean_chat import models

    request = models.AskRequest(
        detect_only=True,
        search_request=models.SearchRequest(
            query="vacation policy",
            request_options=models.SearchRequestOptions(
                facet_filters=[
                    models.FacetFilter(
                        field_name="type",
                        values=[
                            models.FacetFilterValue(value="article", relation_type=models.RelationType.EQUALS)
                        ],
                    )
                ],
                facet_bucket_size=10,
            ),
        ),
        excluded_document_specs=[models.DocumentSpec1(url="https://example.com/a")],
        backend=models.Backend.SEARCH,
        inclusions=models.ChatRestrictionFilters(
            document_specs=[models.DocumentSpec3(ugc_type="ANSWERS", content_id=7)]
        ),
    )
    wire = request.to_wire()
    options = wire["searchRequest"]["requestOptions"]
    assert options == {
        "facetFilters": [{"fieldName": "type", "values": [{"value": "article", "relationType": "EQUALS"}]}],
        "facetBucketSize": 10,
    }
    assert wire["excludedDocumentSpecs"] == [{"url": "https://example.com/a"}]
    assert wire["backend"] == "SEARCH" and wire["detectOnly"] is True
    assert wire["inclusions"] == {"documentSpecs": [{"ugcType": "ANSWERS", "contentId": 7}]}
