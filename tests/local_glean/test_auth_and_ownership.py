"""Tokens, act-as, and chats/files belonging to the user they were made for."""

from __future__ import annotations

import httpx
import pytest

from local_glean import LocalGlean

from .helpers import API, GLOBAL_TOKEN, USER_EMAIL, USER_TOKEN, ask_chat, headers, post, upload


def test_missing_or_unknown_token_is_401_with_a_reason(server: LocalGlean) -> None:
    missing = httpx.post(f"{server.url}{API}/listchats")
    assert missing.status_code == 401
    assert missing.headers["content-type"].startswith("text/plain")
    assert "Bearer" in missing.text
    wrong = httpx.post(f"{server.url}{API}/listchats", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "Invalid token" in wrong.text
    basic = httpx.post(f"{server.url}{API}/listchats", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401


def test_global_token_needs_act_as(server: LocalGlean) -> None:
    reply = post(server, "listchats", headers={"Authorization": f"Bearer {GLOBAL_TOKEN}"})
    assert reply.status_code == 401
    assert reply.text.startswith("Required header missing: X-Glean-ActAs")
    not_email = post(server, "listchats", user="not-an-email")
    assert not_email.status_code == 403 and "email" in not_email.text


def test_legacy_act_as_header_is_accepted(server: LocalGlean, user: str) -> None:
    saved = ask_chat(server, user, "What is the 401k match?", saveChat=True)
    legacy = {"Authorization": f"Bearer {GLOBAL_TOKEN}", "X-Scio-Actas": user}
    listed = httpx.post(f"{server.url}{API}/listchats", headers=legacy).json()
    assert [r["chat"]["id"] for r in listed["chatResults"]] == [saved["chatId"]]


def test_user_token_acts_as_its_own_user_only(server: LocalGlean) -> None:
    own = {"Authorization": f"Bearer {USER_TOKEN}"}
    saved = httpx.post(
        f"{server.url}{API}/chat",
        headers=own,
        json={"messages": [{"fragments": [{"text": "What is the wellness stipend?"}]}], "saveChat": True},
    ).json()
    listed = httpx.post(f"{server.url}{API}/listchats", headers=own).json()["chatResults"]
    assert saved["chatId"] in [r["chat"]["id"] for r in listed]
    assert all(r["chat"]["createdBy"]["name"] == USER_EMAIL.split("@")[0] for r in listed)
    # Naming yourself is fine; naming someone else is not.
    same = httpx.post(f"{server.url}{API}/listchats", headers=own | {"X-Glean-ActAs": USER_EMAIL})
    assert same.status_code == 200
    other = httpx.post(f"{server.url}{API}/listchats", headers=own | {"X-Glean-ActAs": "bob@example.com"})
    assert other.status_code == 403 and "global token" in other.text


def test_other_users_chats_are_invisible_and_untouchable(server: LocalGlean, user: str) -> None:
    mallory = f"mallory-{user}"
    chat_id = ask_chat(server, user, "How do I set up the VPN?", saveChat=True)["chatId"]

    assert post(server, "listchats", user=mallory).json()["chatResults"] == []
    denied = post(server, "getchat", {"id": chat_id}, user=mallory)
    assert denied.status_code == 403
    assert denied.json()["errorType"] == "PERMISSION_DENIED"  # getchat's typed 403 body
    follow_up = post(
        server,
        "chat",
        {"messages": [{"fragments": [{"text": "and on Linux?"}]}], "chatId": chat_id},
        user=mallory,
    )
    assert follow_up.status_code == 403
    assert post(server, "deletechats", {"ids": [chat_id]}, user=mallory).status_code == 403
    assert post(server, "deleteallchats", user=mallory).status_code == 200  # deletes only mallory's (none)

    mine = post(server, "getchat", {"id": chat_id}, user=user).json()["chatResult"]["chat"]
    assert len(mine["messages"]) == 4  # the question, two updates, the answer: nothing added by mallory


def test_delete_all_deletes_only_ones_own(server: LocalGlean, user: str) -> None:
    other = f"other-{user}"
    ask_chat(server, user, "What is the per diem?", saveChat=True)
    kept = ask_chat(server, other, "What is the per diem?", saveChat=True)["chatId"]
    assert post(server, "deleteallchats", user=user).status_code == 200
    assert post(server, "listchats", user=user).json()["chatResults"] == []
    assert [r["chat"]["id"] for r in post(server, "listchats", user=other).json()["chatResults"]] == [kept]


def test_files_are_private_to_their_uploader(server: LocalGlean, user: str) -> None:
    secret = b"The Falcon budget is 42 million euros."
    file_id = upload(server, user, ("falcon.txt", secret, "text/plain"))[0]["id"]
    eve = f"eve-{user}"
    assert post(server, "getchatfiles", {"fileIds": [file_id]}, user=eve).status_code == 403
    download = httpx.get(f"{server.url}{API}/chat-files/{file_id}", headers=headers(eve))
    assert download.status_code == 403 and secret not in download.content
    assert post(server, "deletechatfiles", {"fileIds": [file_id]}, user=eve).status_code == 403
    use = post(
        server,
        "chat",
        {"messages": [{"fragments": [{"text": "What is the Falcon budget?"}], "uploadedFileIds": [file_id]}]},
        user=eve,
    )
    assert use.status_code == 403
    # Not even by searching for its words without naming it.
    leak = ask_chat(server, eve, "What is the Falcon budget?")
    assert "42 million" not in str(leak)
    # The uploader still has it.
    assert post(server, "getchatfiles", {"fileIds": [file_id]}, user=user).status_code == 200


@pytest.mark.parametrize("op", ["listchats", "deleteallchats"])
def test_bodyless_operations_accept_an_empty_body(server: LocalGlean, user: str, op: str) -> None:
    reply = httpx.post(f"{server.url}{API}/{op}", headers=headers(user))
    assert reply.status_code == 200


def test_optional_glean_headers_are_accepted(server: LocalGlean, user: str) -> None:
    extra = {
        "X-Glean-Auth-Type": "OAUTH",
        "X-Glean-Include-Experimental": "true",
        "X-Glean-Exclude-Deprecated-After": "2026-01-01",
    }
    reply = post(
        server, "listchats", user=user, headers=extra, params={"locale": "ja", "timezoneOffset": "540"}
    )
    assert reply.status_code == 200
