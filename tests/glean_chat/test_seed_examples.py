"""Every ```python example of the seed SDK reference runs verbatim against a real local_glean on loopback,
and does what its operation says (the chats it deletes are gone, the files it lists are the ones uploaded).

Verbatim but for three swaps (tests/glean_chat/seed.py): the import (`glean` → `glean_chat`), the server
(`bearer_auth=os.getenv(...)` → local_glean's URL and a token) and the docs' placeholder ids (`"<id>"`,
`"<value>"`), which name chats, files and an application the reader owns and no server can know: each is
replaced by an id this test created first (or the sample `people` application).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from glean_chat import Glean, errors
from local_glean import LocalGlean
from tests.glean_chat import seed
from tests.local_glean.helpers import USER_TOKEN, base_config


@pytest.fixture(scope="module")
def glean_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGlean]:
    instance = LocalGlean(base_config(tmp_path_factory.mktemp("seed"))).start()
    yield instance
    instance.stop()


@dataclass
class Owned:
    chats: list[str]
    files: list[str]


@pytest.fixture
def client(glean_server: LocalGlean) -> Iterator[Glean]:
    with Glean(bearer_auth=USER_TOKEN, server_url=glean_server.base_url) as g:
        yield g


@pytest.fixture
def owned(client: Glean) -> Owned:
    """Two saved chats and two uploaded files of the examples' user: what the placeholders stand for."""
    chats = [
        json.loads(
            client.client.chat.start(
                messages=[{"fragments": [{"text": f"PTO question {n}"}]}], save_chat=True
            )
        )
        for n in range(2)
    ]
    uploaded = client.client.chat.upload_files(
        files=[
            {"file_name": f"note-{n}.txt", "content": b"The parking garage opens at 7am."} for n in range(2)
        ]
    )
    owned = Owned([c["chatId"] for c in chats], [f.id for f in uploaded.files or [] if f.id])
    assert len(owned.chats) == len(owned.files) == 2
    return owned


def run_example(operation: str, server: LocalGlean, ids: list[str] | None = None) -> str:
    code = seed.swapped(seed.examples()[operation], base_url=server.base_url, token=USER_TOKEN, ids=ids or [])
    return seed.run(code, operation)


def saved_chat_ids(client: Glean) -> set[str]:
    return {r.chat.id for r in client.client.chat.list().chat_results or [] if r.chat and r.chat.id}


def test_the_reference_has_exactly_the_ten_operations() -> None:
    assert sorted(seed.examples()) == sorted(seed.OPERATIONS)


def test_ask_example_classifies_without_answering(glean_server: LocalGlean) -> None:
    printed = run_example("ask", glean_server)
    assert printed.startswith("is_question=")  # an AskResponse came back and was printed
    assert "search_response=None" in printed and "chat_response=None" in printed  # detect_only=True


def test_start_example_answers_from_the_handbook(glean_server: LocalGlean) -> None:
    reply = json.loads(run_example("start", glean_server))
    answer = reply["messages"][-1]
    assert answer["messageType"] == "CONTENT"
    text = "".join(f.get("text", "") for f in answer["fragments"])
    assert "holiday" in text.lower()


def test_delete_all_example_removes_every_saved_chat(
    glean_server: LocalGlean, client: Glean, owned: Owned
) -> None:
    assert set(owned.chats) <= saved_chat_ids(client)
    assert run_example("delete_all", glean_server) == ""
    assert saved_chat_ids(client) == set()


def test_delete_example_removes_the_named_chats(
    glean_server: LocalGlean, client: Glean, owned: Owned
) -> None:
    run_example("delete", glean_server, owned.chats)
    assert not set(owned.chats) & saved_chat_ids(client)
    with pytest.raises(errors.GleanError) as caught:
        client.client.chat.get(id=owned.chats[0])
    assert caught.value.status_code == 404


def test_get_example_prints_the_saved_chat(glean_server: LocalGlean, owned: Owned) -> None:
    printed = run_example("get", glean_server, owned.chats[:1])
    assert owned.chats[0] in printed and "PTO question 0" in printed


def test_list_example_prints_the_saved_chats(glean_server: LocalGlean, owned: Owned) -> None:
    printed = run_example("list", glean_server)
    assert all(chat_id in printed for chat_id in owned.chats)


def test_get_application_example_prints_the_application(glean_server: LocalGlean) -> None:
    assert "People Ops assistant" in run_example("get_application", glean_server, ["people"])


def test_upload_files_example_uploads_nothing(glean_server: LocalGlean) -> None:
    assert run_example("upload_files", glean_server).strip() == "files=[]"


def test_get_files_example_prints_the_uploaded_files(glean_server: LocalGlean, owned: Owned) -> None:
    printed = run_example("get_files", glean_server, owned.files)
    assert all(f in printed for f in [*owned.files, "note-0.txt", "note-1.txt"])


def test_delete_files_example_removes_the_named_file(
    glean_server: LocalGlean, client: Glean, owned: Owned
) -> None:
    run_example("delete_files", glean_server, owned.files[:1])
    remaining = client.client.chat.get_files(file_ids=owned.files[1:]).files or {}
    assert list(remaining) == owned.files[1:]
    with pytest.raises(errors.GleanError) as caught:
        client.client.chat.get_files(file_ids=owned.files[:1])
    assert caught.value.status_code == 404
