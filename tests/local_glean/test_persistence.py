"""Everything lives in the data folder and survives a restart; leftovers of a crash are cleaned up."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from local_glean import LocalGlean

from .helpers import API, answer_text, ask_chat, cited_titles, headers, post, upload


def test_chats_and_files_survive_a_restart(make_server: Callable[..., LocalGlean], user: str) -> None:
    first = make_server()
    file_id = upload(
        first,
        user,
        ("plan.md", b"# Plan\n\nThe Plover robot demo is on 14 May in Austin.\n", "text/markdown"),
    )[0]["id"]
    chat = ask_chat(
        first, user, "When is the Plover demo?", message={"uploadedFileIds": [file_id]}, saveChat=True
    )
    ask_chat(first, user, "What are the company holidays?", saveChat=True)
    listed_before = post(first, "listchats", user=user).json()["chatResults"]
    saved_before = post(first, "getchat", {"id": chat["chatId"]}, user=user).json()["chatResult"]["chat"]
    first.stop()

    second = make_server(data_dir=first.config.data_dir, docs_dir=first.config.docs_dir)
    listed_after = post(second, "listchats", user=user).json()["chatResults"]
    assert [r["chat"] for r in listed_after] == [r["chat"] for r in listed_before]
    saved_after = post(second, "getchat", {"id": chat["chatId"]}, user=user).json()["chatResult"]["chat"]
    assert saved_after["messages"] == saved_before["messages"]
    assert (
        isinstance(saved_after["createTime"], int) and saved_after["createTime"] == saved_before["createTime"]
    )

    files = post(second, "getchatfiles", {"fileIds": [file_id]}, user=user).json()["files"]
    assert files[file_id]["metadata"]["status"] == "PROCESSED"
    download = httpx.get(f"{second.url}{API}/chat-files/{file_id}", headers=headers(user))
    assert b"Plover robot demo" in download.content
    # The upload is still searchable in the chat after the restart, and follow-ups keep working.
    follow = ask_chat(second, user, "Where is the Plover robot demo?", chatId=chat["chatId"])
    assert "Austin" in answer_text(follow) and cited_titles(follow)[0] == "plan.md"


def test_index_is_rebuilt_if_lost(make_server: Callable[..., LocalGlean], user: str) -> None:
    first = make_server()
    file_id = upload(first, user, ("note.txt", b"The Grebe sensor ships in pairs.", "text/plain"))[0]["id"]
    first.stop()
    for leftover in first.config.data_dir.glob("index.sqlite3*"):
        leftover.unlink()
    second = make_server(data_dir=first.config.data_dir, docs_dir=first.config.docs_dir)
    reply = ask_chat(second, user, "How does the Grebe sensor ship?", message={"uploadedFileIds": [file_id]})
    assert "in pairs" in answer_text(reply)
    assert cited_titles(ask_chat(second, user, "What is the wellness stipend?"))[0] == "Benefits Guide"


def test_crash_leftovers_are_cleaned_on_start(make_server: Callable[..., LocalGlean], user: str) -> None:
    first = make_server()
    first.stop()
    data = first.config.data_dir
    (data / "chats" / ".tmp-abc.json").write_text("{half")
    (data / "files" / "file_orphan.bin").write_bytes(b"bytes whose metadata was never written")
    second = make_server(data_dir=data, docs_dir=first.config.docs_dir)
    assert not (data / "chats" / ".tmp-abc.json").exists()
    assert not (data / "files" / "file_orphan.bin").exists()
    assert post(second, "listchats", user=user).json()["chatResults"] == []
