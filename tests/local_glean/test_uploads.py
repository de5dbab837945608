"""Uploaded chat files: used in answers when named, every failure mode reported, deletion is real."""

from __future__ import annotations

import httpx
import pytest

from local_glean import LocalGlean
from local_glean.pdfwrite import Block, render

from .helpers import API, answer_text, ask_chat, cited_titles, headers, post, upload

ROADMAP = b"Roadmap 2026\n\nThe Osprey gripper reaches general availability in September 2026.\n"


def test_uploaded_file_is_used_when_the_message_names_it(server: LocalGlean, user: str) -> None:
    file_id = upload(server, user, ("roadmap.txt", ROADMAP, "text/plain"))[0]["id"]
    question = "When does the Osprey gripper reach general availability?"
    without = ask_chat(server, user, question)
    assert "September 2026" not in answer_text(without)  # private uploads are not searched unasked

    reply = ask_chat(server, user, question, message={"uploadedFileIds": [file_id]}, saveChat=True)
    assert "September 2026" in answer_text(reply)
    assert cited_titles(reply)[0] == "roadmap.txt"
    # A follow-up in the same chat still sees the file.
    follow = ask_chat(
        server, user, "Is the Osprey gripper generally available in 2026?", chatId=reply["chatId"]
    )
    assert "September 2026" in answer_text(follow)
    saved = post(server, "getchat", {"id": reply["chatId"]}, user=user).json()["chatResult"]["chat"]
    assert saved["messages"][0]["uploadedFileIds"] == [file_id]


@pytest.mark.parametrize("kind", ["pdf", "html", "md"])
def test_uploads_in_every_supported_format(server: LocalGlean, user: str, kind: str) -> None:
    fact = "The Kestrel warehouse opens at 6:30 every weekday."
    if kind == "pdf":
        content = render("Kestrel site guide", [Block("Opening hours", heading=True), Block(fact)])
    elif kind == "html":
        content = f"<html><head><title>Kestrel</title></head><body><p>{fact}</p></body></html>".encode()
    else:
        content = f"# Kestrel\n\n{fact}\n".encode()
    file = upload(server, user, (f"kestrel.{kind}", content, "application/octet-stream"))[0]
    assert file["metadata"]["status"] == "PROCESSED", file
    reply = ask_chat(
        server, user, "When does the Kestrel warehouse open?", message={"uploadedFileIds": [file["id"]]}
    )
    assert "6:30" in answer_text(reply)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "FILE_TOO_SMALL"),
        ("huge.txt", b"x" * (64 * 1024 + 1), "FILE_TOO_LARGE"),
        ("tool.exe", b"MZ\x90\x00binary", "FILE_EXTENSION_UNSUPPORTED"),
        ("broken.pdf", b"%PDF-1.7\nthis is not a pdf body", "PARSE_FAILED"),
        ("binary.txt", b"\x00\x01\x02\x03 not text", "PARSE_FAILED"),
        ("blank.md", b"   \n\n  \n", "EMPTY_CONTENT"),
    ],
)
def test_bad_uploads_are_reported_failed(
    server: LocalGlean, user: str, name: str, content: bytes, reason: str
) -> None:
    file = upload(server, user, (name, content, "application/octet-stream"))[0]
    assert file["metadata"]["status"] == "FAILED"
    assert file["metadata"]["failureReason"] == reason
    # The record is complete and consistent: listed as FAILED, nothing to download, unusable in chat.
    got = post(server, "getchatfiles", {"fileIds": [file["id"]]}, user=user).json()["files"][file["id"]]
    assert got["metadata"]["failureReason"] == reason
    download = httpx.get(f"{server.url}{API}/chat-files/{file['id']}", headers=headers(user))
    assert download.status_code == 404 and reason in download.text
    use = post(
        server,
        "chat",
        {"messages": [{"fragments": [{"text": "summarise it"}], "uploadedFileIds": [file["id"]]}]},
        user=user,
    )
    assert use.status_code == 400 and "FAILED" in use.text
    assert not (server.config.data_dir / "files" / f"{file['id']}.bin").exists()


def test_mixed_upload_keeps_the_good_files(server: LocalGlean, user: str) -> None:
    files = upload(
        server,
        user,
        ("ok.txt", b"Plain words about the Wren project.", "text/plain"),
        ("x.zip", b"PK", "a/b"),
    )
    assert [f["metadata"]["status"] for f in files] == ["PROCESSED", "FAILED"]


def test_delete_files_removes_them_from_disk_and_answers(server: LocalGlean, user: str) -> None:
    file_id = upload(server, user, ("roadmap.txt", ROADMAP, "text/plain"))[0]["id"]
    stored = sorted(p.name for p in (server.config.data_dir / "files").glob(f"{file_id}.*"))
    assert stored == [f"{file_id}.bin", f"{file_id}.json"]
    chat_id = ask_chat(
        server, user, "When is the Osprey GA?", message={"uploadedFileIds": [file_id]}, saveChat=True
    )["chatId"]

    assert post(server, "deletechatfiles", {"fileIds": [file_id]}, user=user).status_code == 200
    assert not list((server.config.data_dir / "files").glob(f"{file_id}.*"))
    assert post(server, "getchatfiles", {"fileIds": [file_id]}, user=user).status_code == 404
    assert httpx.get(f"{server.url}{API}/chat-files/{file_id}", headers=headers(user)).status_code == 404
    # The chat that used it goes on, without the file's content.
    follow = ask_chat(server, user, "When is the Osprey gripper GA?", chatId=chat_id)
    assert "September 2026" not in answer_text(follow)
    # Naming the deleted file now is an unknown id.
    again = post(
        server,
        "chat",
        {"messages": [{"fragments": [{"text": "Osprey?"}], "uploadedFileIds": [file_id]}]},
        user=user,
    )
    assert again.status_code == 404


def test_delete_files_is_all_or_nothing(server: LocalGlean, user: str) -> None:
    file_id = upload(server, user, ("roadmap.txt", ROADMAP, "text/plain"))[0]["id"]
    reply = post(server, "deletechatfiles", {"fileIds": [file_id, "file_doesnotexist"]}, user=user)
    assert reply.status_code == 404 and "file_doesnotexist" in reply.text
    assert post(server, "getchatfiles", {"fileIds": [file_id]}, user=user).status_code == 200


def test_download_keeps_bytes_and_name(server: LocalGlean, user: str) -> None:
    pdf = render("Badge policy", [Block("Wear your badge visibly at all times.")])
    file_id = upload(server, user, ("Badge Policy (v2).pdf", pdf, "application/pdf"))[0]["id"]
    got = httpx.get(f"{server.url}{API}/chat-files/{file_id}", headers=headers(user))
    assert got.content == pdf
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "Badge%20Policy%20%28v2%29.pdf" in got.headers["content-disposition"]
    preview = httpx.get(f"{server.url}{API}/chat-files/{file_id}?preview=true", headers=headers(user))
    assert preview.headers["content-disposition"].startswith("inline;")


def test_upload_request_errors(server: LocalGlean, user: str) -> None:
    files_dir = server.config.data_dir / "files"
    before = sorted(files_dir.iterdir())
    as_json = post(server, "uploadchatfiles", {"files": []}, user=user)
    assert as_json.status_code == 415
    no_files = httpx.post(
        f"{server.url}{API}/uploadchatfiles", headers=headers(user), files={"other": ("a.txt", b"x")}
    )
    assert no_files.status_code == 400 and "'files'" in no_files.text
    garbled = httpx.post(
        f"{server.url}{API}/uploadchatfiles",
        headers=headers(user) | {"Content-Type": "multipart/form-data; boundary=abc"},
        content=b'--abc\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nno end',
    )
    assert garbled.status_code == 400 and "multipart" in garbled.text
    nameless = httpx.post(
        f"{server.url}{API}/uploadchatfiles",
        headers=headers(user) | {"Content-Type": "multipart/form-data; boundary=abc"},
        content=b'--abc\r\nContent-Disposition: form-data; name="files"\r\n\r\nhello\r\n--abc--\r\n',
    )
    assert nameless.status_code == 400 and "file name" in nameless.text
    assert sorted(files_dir.iterdir()) == before  # rejected uploads leave nothing behind
