"""The pieces on their own: text extraction, multipart parsing, token parsing, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from local_glean.auth import DEFAULT_TOKENS, AuthError, authenticate, parse_tokens
from local_glean.cli import build_parser, config_from_args
from local_glean.config import SAMPLE_DOCS_DIR, load_applications
from local_glean.extract import ExtractionError, extract
from local_glean.multipart import MultipartError, parse
from local_glean.pdfwrite import Block, render


def test_markdown_title_sections_and_lists() -> None:
    doc = extract(
        "guide.md",
        b"# Guide\n\nIntro text that is long enough to stand alone as a passage here.\n\n"
        b"## Steps\n\n1. First [link](http://x) step\n2. Second step\n   continued\n",
    )
    assert doc.title == "Guide"
    assert [p.heading for p in doc.passages] == ["", "Steps"]
    assert doc.passages[1].text == "1. First link step\n2. Second step continued"


def test_html_skips_scripts_and_uses_title() -> None:
    html = (
        b"<html><head><title>Perks</title><script>var a = 'secret';</script></head><body><h1>Perks</h1>"
        b"<h2>Snacks</h2><p>Free snacks on every floor, every day of the week, all year.</p>"
        b"<ul><li>Fruit</li><li>Nuts</li></ul></body></html>"
    )
    doc = extract("perks.html", html)
    assert doc.title == "Perks"
    text = " ".join(p.text for p in doc.passages)
    assert "secret" not in text and "- Fruit\n- Nuts" in text
    assert doc.passages[0].heading == "Snacks"


def test_pdf_round_trip_keeps_paragraphs() -> None:
    pdf = render(
        "Fleet", [Block("Vans", heading=True), Block("Vans are booked in the fleet tool a week ahead.")]
    )
    doc = extract("fleet.pdf", pdf)
    assert doc.title == "Fleet"
    assert doc.passages[0].heading == "Vans" and "booked in the fleet tool" in doc.passages[0].text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.docx", b"PK..", "FILE_EXTENSION_UNSUPPORTED"),
        ("a.pdf", b"not a pdf", "PARSE_FAILED"),
        ("a.txt", b"\x00\x00", "PARSE_FAILED"),
        ("a.md", b"\n\n", "EMPTY_CONTENT"),
    ],
)
def test_extraction_failures_name_the_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionError) as failure:
        extract(name, data)
    assert failure.value.reason == reason


def test_a_one_line_note_is_its_own_text() -> None:
    doc = extract("note.txt", b"Gate code 2468 for the loading dock\n")
    assert doc.passages[0].text == "Gate code 2468 for the loading dock"
    assert extract("t.md", b"# Only a title\n").passages[0].text == "Only a title"


def test_text_decoding_falls_back_to_cp1252() -> None:
    doc = extract(
        "note.txt", "Caf\u00e9 opening hours are 8 to 5 on weekdays, closed on weekends.".encode("cp1252")
    )
    assert "Café" in doc.passages[0].text


def test_multipart_parsing_keeps_binary_bytes() -> None:
    payload = b"\r\n--not-the-boundary\r\n\x00\xff"
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="files"; filename="a \\"q\\".bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + payload + b"\r\n--XyZ\r\n"
        b'Content-Disposition: form-data; name="note"\r\n\r\nhello\r\n--XyZ--\r\n'
    )
    files, note = parse(body, "XyZ")
    assert files.data == payload and files.filename == 'a "q".bin' and files.name == "files"
    assert note.data == b"hello" and note.filename is None
    with pytest.raises(MultipartError):
        parse(body[:-9], "XyZ")


def test_token_spec_parsing() -> None:
    assert parse_tokens("t1=Ann@Example.com, g=*") == {"t1": "ann@example.com", "g": "*"}
    for bad in ("", "t1", "t1=", "=a@b.co", "t1=not-an-email"):
        with pytest.raises(ValueError):
            parse_tokens(bad)


def test_authenticate_rules() -> None:
    tokens = dict(DEFAULT_TOKENS)
    assert authenticate({"authorization": "Bearer dev-token"}, tokens).email == "demo@example.com"
    who = authenticate({"authorization": "bearer dev-global-token", "x-scio-actas": "X@Y.io"}, tokens)
    assert who.email == "x@y.io" and who.acting
    with pytest.raises(AuthError) as missing:
        authenticate({"authorization": "Bearer dev-global-token"}, tokens)
    assert missing.value.status == 401


def test_applications_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "apps.yml"
    bad.write_text("applications: {id: x}\n")
    with pytest.raises(ValueError, match="applications"):
        load_applications(bad)
    bad.write_text("applications:\n  - name: no id\n")
    with pytest.raises(ValueError, match="id"):
        load_applications(bad)
    assert set(load_applications(None)) == {"default"}


def test_cli_config_defaults_and_environment(tmp_path: Path) -> None:
    args = build_parser().parse_args([])
    config = config_from_args(args, {"HOME": str(tmp_path)})
    assert config.port == 8731 and config.docs_dir == SAMPLE_DOCS_DIR
    assert (
        dict(config.tokens) == dict(DEFAULT_TOKENS) and not config.faults_enabled and not config.pace.enabled
    )
    assert config.applications_file is not None  # the sample applications go with the sample docs
    env = {"LOCAL_GLEAN_TOKENS": "abc=ann@example.com", "LOCAL_GLEAN_FAULTS": "1"}
    args = build_parser().parse_args(
        ["--pace", "realistic", "--data", str(tmp_path), "--docs", str(tmp_path)]
    )
    config = config_from_args(args, env)
    assert dict(config.tokens) == {"abc": "ann@example.com"} and config.faults_enabled and config.pace.enabled
    assert config.applications_file is None and config.data_dir == tmp_path
    with pytest.raises(ValueError, match="docs folder"):
        config_from_args(build_parser().parse_args(["--docs", str(tmp_path / "missing")]), {})


def test_python_dash_m_serves(tmp_path: Path) -> None:
    env = {**os.environ, "LOCAL_GLEAN_TOKENS": "cli-token=cli@example.com"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "local_glean", "--port", "0", "--data", str(tmp_path)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert "local_glean serving http://127.0.0.1:" in first
        url = first.split()[2].removesuffix("/rest/api/v1/")
        assert httpx.get(f"{url}/healthz").json()["documents"] == 11
        listed = httpx.post(f"{url}/rest/api/v1/listchats", headers={"Authorization": "Bearer cli-token"})
        assert listed.status_code == 200 and listed.json() == {"chatResults": []}
        assert (
            httpx.post(
                f"{url}/rest/api/v1/listchats", headers={"Authorization": "Bearer dev-token"}
            ).status_code
            == 401
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
