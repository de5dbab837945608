"""Files shared in Slack reach Glean: forwarded as the answer's identity, used by the first answer and every
follow-up in the thread, and every refusal said in the thread (wrong host, too large, login page, Glean FAILED)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from core.contract import FILES_JOB, job_id_for
from core.settings import Settings, SettingsError
from glean_chat import Glean
from local_glean import LocalGlean
from slack_sandbox import DEFAULT_BOT_SCOPES, Sandbox, SandboxConfig
from tests.harness import BOT_TOKEN, SIGNING_SECRET, Bot, saved_chats, start_bot
from workers.files import _wait_processed

PLAN = (
    b"# Project Zorblax launch plan\n\n"
    b"The Zorblax launch is scheduled for 14 March 2026 from launch pad 39B.\n\n"
    b"Priya Raman is the Zorblax launch director and approves every go or no-go decision.\n"
)


def _texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") + json.dumps(m.get("blocks") or []) for m in messages)


def _user_turns(chat: Any) -> list[tuple[str, list[str]]]:
    return [
        ("".join(f.text or "" for f in m.fragments or []), list(m.uploaded_file_ids or []))
        for m in chat.messages or []
        if m.author == "USER"
    ]


def test_a_file_with_a_question_is_answered_from_the_file_and_kept_for_follow_ups(bot: Bot) -> None:
    shared = bot.sandbox.upload_file(
        "U_ALICE",
        "C_GENERAL",
        "zorblax-plan.md",
        PLAN,
        "text/markdown",
        text="When is the Zorblax launch scheduled?",
    )
    assert bot.wait_outcomes(shared["ts"]) == ["enqueued:question"]
    bot.work()
    replies = bot.replies(shared["ts"])
    note, answer = replies  # the note comes first: the answer waited for the upload
    assert "Added *zorblax-plan.md* to this conversation" in note["text"]
    assert "14 March 2026" in answer["text"]
    assert "zorblax-plan.md" in json.dumps(answer["blocks"])  # cited as a source
    [file_id] = bot.store.thread_files("T0SANDBOX", "C_GENERAL", shared["ts"])
    [chat] = saved_chats(bot)
    assert _user_turns(chat) == [("When is the Zorblax launch scheduled?", [file_id])]

    follow_up = bot.ask("Who approves the Zorblax go or no-go decision?", thread_ts=shared["ts"])
    assert bot.outcomes.for_ts(follow_up["ts"]) == ["enqueued:followup"]
    bot.work()
    assert "Priya Raman" in bot.replies(shared["ts"])[-1]["text"]
    [chat] = saved_chats(bot)
    assert [files for _, files in _user_turns(chat)] == [[file_id], [file_id]]


def test_a_mention_on_a_message_with_a_file_fetches_the_message_and_uses_the_file(bot: Bot) -> None:
    file = bot.sandbox.create_file("U_ALICE", "zorblax-plan.md", PLAN, "text/markdown")
    message = bot.sandbox.post_message(
        "U_ALICE", "C_GENERAL", "<@UBOT> who is the Zorblax launch director?", files=[file["id"]]
    )
    assert sorted(bot.wait_outcomes(message["ts"], 2)) == [
        "enqueued:mention",
        "skipped:mention_answered_via_app_mention",
    ]
    assert bot.sandbox.calls("conversations.history")  # app_mention carries no files: the bot looked
    bot.work()
    assert "Priya Raman" in bot.replies(message["ts"])[-1]["text"]


def test_a_file_dropped_in_a_followed_thread_is_added_then_used(bot: Bot) -> None:
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    dropped = bot.sandbox.upload_file(
        "U_ALICE",
        "C_GENERAL",
        "zorblax-plan.md",
        PLAN,
        "text/markdown",
        text="here is the plan",
        thread_ts=question["ts"],
    )
    assert bot.wait_outcomes(dropped["ts"]) == ["enqueued:files"]
    bot.work()
    assert "Added *zorblax-plan.md*" in bot.replies(question["ts"])[-1]["text"]
    assert len(bot.replies(question["ts"])) == 2  # the answer, the note: a remark gets no answer
    assert "eyes" not in json.dumps(bot.sandbox.message("C_GENERAL", dropped["ts"]))
    bot.ask("When is the Zorblax launch?", thread_ts=question["ts"])
    bot.work()
    assert "14 March 2026" in bot.replies(question["ts"])[-1]["text"]


def test_a_file_with_no_question_in_an_unanswered_channel_is_not_forwarded(bot: Bot) -> None:
    shared = bot.sandbox.upload_file("U_ALICE", "C_GENERAL", "zorblax-plan.md", PLAN, "text/markdown")
    assert bot.wait_outcomes(shared["ts"]) == ["skipped:file_without_question"]
    remark = bot.sandbox.upload_file(
        "U_ALICE", "C_GENERAL", "zorblax-plan.md", PLAN, "text/markdown", text="The plan is final."
    )
    assert bot.wait_outcomes(remark["ts"])[0].startswith("skipped:not_question")
    bot.work()
    assert bot.replies(shared["ts"]) == [] and bot.replies(remark["ts"]) == []


def test_a_redelivered_file_share_is_uploaded_and_answered_once(bot: Bot) -> None:
    shared = bot.sandbox.upload_file(
        "U_ALICE", "C_GENERAL", "zorblax-plan.md", PLAN, "text/markdown", text="When is the Zorblax launch?"
    )
    bot.wait_outcomes(shared["ts"])
    bot.sandbox.redeliver_last()
    assert bot.wait_outcomes(shared["ts"], 2)[1] == "skipped:duplicate_delivery"
    bot.work()
    bot.work()
    assert len(bot.replies(shared["ts"])) == 2  # one note, one answer
    assert len(bot.store.my_files("T0SANDBOX", "U_ALICE")) == 1
    # An RQ retry of the same forwarding (a worker died after uploading) uploads nothing and says nothing again.
    done = bot.queue.fetch_job(job_id_for("files", "T0SANDBOX", "C_GENERAL", shared["ts"]))
    assert done is not None
    bot.queue.enqueue(FILES_JOB, done.args[0], job_id="files-retry")
    bot.work()
    retry = bot.queue.fetch_job("files-retry")
    assert retry is not None and retry.return_value() == "added 1 of 1"
    assert len(bot.store.my_files("T0SANDBOX", "U_ALICE")) == 1
    assert len(bot.replies(shared["ts"])) == 2


def test_act_as_forwards_the_file_as_the_asker(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEAN_API_TOKEN="dev-global-token", GLEAN_ACT_AS="asker")
    shared = bot.sandbox.upload_file(
        "U_ALICE", "C_GENERAL", "zorblax-plan.md", PLAN, "text/markdown", text="When is the Zorblax launch?"
    )
    bot.wait_outcomes(shared["ts"])
    bot.work()
    assert bot.replies(shared["ts"]) == []  # private: note and answer are ephemeral to Alice
    note, answer = bot.sandbox.ephemerals("C_GENERAL", "U_ALICE")
    assert "Added *zorblax-plan.md*" in note["text"] and "14 March 2026" in _texts([answer])
    [file_id] = bot.store.thread_files("T0SANDBOX", "C_GENERAL", shared["ts"], "U_ALICE")
    with Glean(bearer_auth="dev-global-token", server_url=bot.glean.base_url) as g:
        assert g.client.chat.get_files(file_ids=[file_id], x_scio_actas="alice@example.com").files
        with pytest.raises(Exception, match="403"):
            g.client.chat.get_files(file_ids=[file_id], x_scio_actas="bob@example.com")


# -- refusals --------------------------------------------------------------------------------------
class _Catcher(BaseHTTPRequestHandler):
    seen: list[dict[str, str]]

    def do_GET(self) -> None:
        self.seen.append(dict(self.headers))
        body = b"stolen"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback server that is not Slack: it records whoever calls it (the token must never arrive)."""
    seen: list[dict[str, str]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Catcher", (_Catcher,), {"seen": seen}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", seen
    server.shutdown()
    server.server_close()


def _forged_file_reply(bot: Bot, text: str, file: dict[str, Any]) -> dict[str, Any]:
    """A file_share reply in a thread the bot answered, as a compromised or buggy source might send it."""
    question = bot.ask("What are the company holidays in 2025?")
    bot.work()
    return {
        "type": "message",
        "subtype": "file_share",
        "user": "U_ALICE",
        "text": text,
        "ts": f"{float(question['ts']) + 0.000001:.6f}",
        "thread_ts": question["ts"],
        "channel": "C_GENERAL",
        "channel_type": "channel",
        "files": [file],
    }


def test_a_file_url_off_slack_is_never_fetched_and_the_asker_is_told(
    bot: Bot, elsewhere: tuple[str, list[dict[str, str]]]
) -> None:
    base, seen = elsewhere
    file = {
        "id": "F_EVIL",
        "name": "plan.md",
        "mimetype": "text/markdown",
        "size": 6,
        "url_private": f"{base}files-pri/T0SANDBOX-F_EVIL/plan.md",
    }
    event = _forged_file_reply(bot, "When is the Zorblax launch?", file)
    bot.sandbox.deliver(event)
    assert bot.wait_outcomes(event["ts"]) == ["enqueued:followup"]
    bot.work()
    _first_answer, note, answer = bot.replies(event["thread_ts"])
    assert "I didn't fetch *plan.md*: its download link is not on Slack's own file servers" in note["text"]
    assert seen == []  # not a single request: the token never left Slack
    assert answer["text"]  # the question is still answered, without the file


def test_a_file_over_the_size_limit_is_refused(make_bot: Callable[..., Bot]) -> None:
    bot = make_bot(GLEANBOT_MAX_FILE_MB="0.001")  # 1 KB
    shared = bot.sandbox.upload_file(
        "U_ALICE",
        "C_GENERAL",
        "zorblax-plan.md",
        PLAN * 10,
        "text/markdown",
        text="When is the Zorblax launch?",
    )
    bot.wait_outcomes(shared["ts"])
    bot.work()
    note, _answer = bot.replies(shared["ts"])
    assert "I couldn't add *zorblax-plan.md*: it is 1.8 KB, over my 1 KB limit" in note["text"]
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", shared["ts"]) == []


def test_a_login_page_instead_of_the_file_is_refused(glean: LocalGlean, redis_url: str) -> None:
    config = SandboxConfig(
        signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, bot_scopes=DEFAULT_BOT_SCOPES - {"files:read"}
    )
    with Sandbox(config) as sandbox:
        bot = start_bot(sandbox, glean, redis_url)
        try:
            shared = sandbox.upload_file(
                "U_ALICE",
                "C_GENERAL",
                "zorblax-plan.md",
                PLAN,
                "text/markdown",
                text="When is the Zorblax launch?",
            )
            bot.wait_outcomes(shared["ts"])
            bot.work()
            note, answer = bot.replies(shared["ts"])
            assert "Slack showed a sign-in page instead of the file" in note["text"]
            assert "`files:read`" in note["text"]
            assert "14 March" not in answer["text"]  # the page was not uploaded as the file
        finally:
            bot.stop()


def _shared_with_link(bot: Bot, file_id: str, spoil: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A reply sharing the plan whose download link has "zorblax" replaced by `spoil`: (note, answer)."""
    real = bot.sandbox.create_file("U_ALICE", "zorblax-plan.md", PLAN, "text/markdown")
    link = real["url_private_download"].replace("zorblax", spoil)
    event = _forged_file_reply(
        bot, "When is the Zorblax launch?", {**real, "id": file_id, "url_private_download": link}
    )
    bot.sandbox.deliver(event)
    bot.wait_outcomes(event["ts"])
    bot.work()
    _first_answer, note, answer = bot.replies(event["thread_ts"])
    return note, answer


def test_a_file_slack_refuses_to_serve_is_explained(bot: Bot) -> None:
    note, _answer = _shared_with_link(bot, "F_GONE", "deleted")
    assert "Slack refused the download (HTTP 404)" in note["text"]


def test_a_file_link_that_is_not_a_valid_url_is_explained_not_a_crash(bot: Bot) -> None:
    # A control character in the link passes the host check but httpx refuses to parse it (InvalidURL,
    # which is no HTTPError): the upload job crashed and the asker heard "Something went wrong".
    note, answer = _shared_with_link(bot, "F_BROKEN", "zor\x7fblax")
    assert (
        "I couldn't add *zorblax-plan.md*: Slack gave me a download link that is not a valid URL"
        in note["text"]
    )
    assert "Something went wrong" not in note["text"] + answer["text"]
    assert answer["text"]  # the question is still answered, without the file


def test_glean_failing_a_file_is_explained_with_its_reason(bot: Bot) -> None:
    shared = bot.sandbox.upload_file(
        "U_ALICE",
        "C_GENERAL",
        "telemetry.bin",
        b"\x00\x01\x02",
        "application/octet-stream",
        text="What does the telemetry file say?",
    )
    bot.wait_outcomes(shared["ts"])
    bot.work()
    note, answer = bot.replies(shared["ts"])
    assert "Glean couldn't use *telemetry.bin*: Glean can't read this kind of file" in note["text"]
    assert "`FAILED`, `FILE_EXTENSION_UNSUPPORTED`" in note["text"]
    assert answer["text"]  # answered anyway, without the file
    assert bot.store.thread_files("T0SANDBOX", "C_GENERAL", shared["ts"]) == []
    # It still shows in the person's files, with its status.
    [record] = bot.store.my_files("T0SANDBOX", "U_ALICE").values()
    assert record["name"] == "telemetry.bin"


def test_a_link_to_a_file_outside_slack_is_explained(bot: Bot) -> None:
    external = {
        "id": "F_EXT",
        "name": "Zorblax roadmap",
        "mode": "external",
        "is_external": True,
        "external_type": "gdrive",
        "url_private": "https://docs.google.com/document/d/1",
    }
    event = _forged_file_reply(bot, "When is the Zorblax launch?", external)
    bot.sandbox.deliver(event)
    bot.wait_outcomes(event["ts"])
    bot.work()
    _first_answer, note, _answer = bot.replies(event["thread_ts"])
    assert (
        "it's a link to a file stored outside Slack (gdrive); upload the file itself instead" in note["text"]
    )


def test_a_file_stub_is_completed_with_files_info(bot: Bot) -> None:
    real = bot.sandbox.create_file("U_ALICE", "zorblax-plan.md", PLAN, "text/markdown")
    event = _forged_file_reply(
        bot, "When is the Zorblax launch?", {"id": real["id"], "file_access": "check_file_info"}
    )
    bot.sandbox.deliver(event)
    bot.wait_outcomes(event["ts"])
    bot.work()
    assert bot.sandbox.calls("files.info")
    _first_answer, note, answer = bot.replies(event["thread_ts"])
    assert "Added *zorblax-plan.md*" in note["text"] and "14 March 2026" in answer["text"]


def test_a_file_alone_in_a_dm_is_added_and_its_thread_answers_about_it(bot: Bot) -> None:
    dropped = bot.sandbox.upload_file("U_ALICE", "D_ALICE", "zorblax-plan.md", PLAN, "text/markdown")
    assert bot.wait_outcomes(dropped["ts"]) == ["enqueued:files"]
    bot.work()
    [note] = bot.replies(dropped["ts"], channel="D_ALICE")
    assert "Added *zorblax-plan.md* to this conversation" in note["text"]
    bot.ask("When is the Zorblax launch?", channel="D_ALICE", thread_ts=dropped["ts"])
    bot.work()
    assert "14 March 2026" in bot.replies(dropped["ts"], channel="D_ALICE")[-1]["text"]


def test_the_file_size_limit_setting() -> None:
    base = {"GLEAN_SERVER_URL": "http://127.0.0.1:1", "GLEAN_API_TOKEN": "t"}
    assert Settings.from_env(base).max_file_bytes == 25 * 1024 * 1024
    assert Settings.from_env({**base, "GLEANBOT_MAX_FILE_MB": "1.5"}).max_file_bytes == 1_572_864
    for bad in ("0", "-1", "lots", "5000"):
        with pytest.raises(SettingsError, match="GLEANBOT_MAX_FILE_MB"):
            Settings.from_env({**base, "GLEANBOT_MAX_FILE_MB": bad})


def test_an_upload_still_processing_is_polled_until_glean_is_done() -> None:
    calls: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(json.loads(request.content))
        status = "PROCESSING" if len(calls) == 1 else "FAILED"
        body = {
            "files": {"f1": {"id": "f1", "metadata": {"status": status, "failureReason": "PARSE_FAILED"}}}
        }
        return httpx.Response(200, json=body)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with Glean(bearer_auth="t", server_url="https://glean.invalid", client=client) as glean:
        assert _wait_processed(glean, "f1", None) == ("FAILED", "PARSE_FAILED")
    assert calls == [{"fileIds": ["f1"]}, {"fileIds": ["f1"]}]
