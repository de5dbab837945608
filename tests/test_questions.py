"""Tests for the question classifier: decisions, Slack markup cleaning, question extraction, and its scores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from questions import Detection, detect
from questions.evaluate import HELDOUT_PATHS, LABELLED_PATH, evaluate, evaluate_heldout, load
from questions.markup import clean
from questions.typos import correct


@pytest.mark.parametrize(
    "text",
    [
        "where is the VPN setup doc?",
        "is there a holiday calendar?",
        "does anyone know how to reset 2FA on the admin console",
        "looking for the VPN setup doc",
        "need the expense policy",
        "can someone point me to the onboarding checklist",
        "anyone have the link to the Q3 OKR doc",
        "how do I request access to the prod bastion",
        "explain how our feature flag rollout works",
        "tell me about the parental leave policy",
        "wheres the pto policy",
        "what r the core hours for the london office",
        "sick leave policy?",
        "vpn keeps disconnecting, is there a known fix",
        "Can you tell me what the deadline is for the self-review?",
        "Quick one, what's the max I can expense for a team dinner?",
    ],
)
def test_information_seeking_messages_are_questions(text: str) -> None:
    detection = detect(text)
    assert detection.is_question, detection
    assert detection.question


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("thanks!", "thanks"),
        ("hey team", "greeting"),
        ("sounds good", "acknowledgement"),
        ("who even does that?!", "rhetorical"),
        ("why is it always mondays?", "rhetorical"),
        ("lunch?", "social"),
        ("coffee anyone?", "social"),
        ("you around?", "personal"),
        ("how's it going?", "personal"),
        ("how was your weekend?", "personal"),
        ("can you join the call?", "action_request"),
        ("<@U0456DEF> are you free for a quick call?", "personal"),
        ("Does anyone have time to review my PR?", "personal"),
        ("Jen, can we move our 1:1 to 3pm?", "social"),
        (":tada: :tada:", "emoji_only"),
        ("👍🏽", "emoji_only"),
        ("<https://github.com/acme/api/pull/512>", "link_only"),
        ("https://docs.example.com/runbooks/kafka", "link_only"),
        ("<@U0456DEF>", "mention_only"),
        ("", "empty"),
    ],
)
def test_non_questions_are_rejected_with_the_rule_that_decided(text: str, reason: str) -> None:
    assert detect(text) == Detection(False, "", reason)


@pytest.mark.parametrize(
    "text",
    [
        "deploying now",
        "PR is up",
        "Please welcome Priya, who joins us as Head of Design!",
        "When the build finishes I'll cut the release",
        "my code works and I have no idea why :sweat_smile:",
        "looking forward to the offsite!",
        "need coffee",
        "Let me know if you have questions",
        "Not sure if I'll make it to the retro",
        "Want me to send you the notes?",
        "&gt; where is the VPN doc?\nit's pinned in #it-help",
    ],
)
def test_statements_that_look_like_requests_are_not_questions(text: str) -> None:
    assert not detect(text).is_question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("hey team\nwhere is the VPN setup doc?", "where is the VPN setup doc?"),
        ("<@U02ABCDEF> where can I find the runbook?", "where can I find the runbook?"),
        ("<!here> does anyone know where the fonts are?", "does anyone know where the fonts are?"),
        ("@channel what's the FSA deadline?", "what's the FSA deadline?"),
        ("Hey, where is the VPN doc?", "where is the VPN doc?"),
        ("ok so where's the latest roadmap", "where's the latest roadmap"),
        ("ok where is it", "where is it"),
        ("thanks where is the doc", "where is the doc"),
        ("gm folks how do I get a badge", "how do I get a badge"),
        ("<#C0123|it-help> how do I add a printer?", "how do I add a printer?"),
        (
            "Is <https://wiki.example.com/oncall|this page> the current on-call guide?",
            "Is this page the current on-call guide?",
        ),
        (
            "Hello!\nI'm new here. Where do I find the onboarding docs?\nThanks!",
            "Where do I find the onboarding docs?",
        ),
        (
            "hi all\n\nlooking for the release train doc :pray:\n\nthanks in advance!",
            "looking for the release train doc",
        ),
        (
            'Migrations fail:\n```\npsycopg.errors.UndefinedTable: relation "users"\n```\nhow do I fix this?',
            "how do I fix this?",
        ),
        ("is `make seed` safe to run against staging?", "is make seed safe to run against staging?"),
        (
            "*Where* do we document the webhook retry policy? 🤔",
            "Where do we document the webhook retry policy?",
        ),
        (
            "2 things:\n1. the demo went great\n2. where is the reference list?",
            "where is the reference list?",
        ),
    ],
)
def test_question_is_the_cleaned_sentence_that_asks(text: str, question: str) -> None:
    detection = detect(text)
    assert detection.is_question, detection
    assert detection.question == question


def test_markup_is_cleaned_and_counted() -> None:
    cleaned = clean(
        "<@U123ABC> see <#C999|eng-help> and <https://x.example/a|the doc> or https://y.example/b "
        ":tada::tada: 🎉 &amp; mail ana@example.com at 10:30:45 about arn:aws:iam::1:role/x"
    )
    assert (
        cleaned.text
        == "see #eng-help and the doc or & mail ana@example.com at 10:30:45 about arn:aws:iam::1:role/x"
    )
    assert (cleaned.mentions, cleaned.links, cleaned.emoji) == (1, 2, 3)


def test_long_code_blocks_are_dropped_and_short_ones_kept_inline() -> None:
    assert clean("run ```make test``` first").text == "run make test first"
    cleaned = clean("error:\n```\nTraceback (most recent call last):\n  boom\n```\nwhy?")
    assert cleaned.text == "error:\nwhy?"
    assert cleaned.code_blocks == 1


def test_slack_date_tokens_read_as_their_fallback_text() -> None:
    assert clean("due <!date^1700000000^{date}|Nov 14>").text == "due Nov 14"


def test_non_string_input_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="str"):
        detect(None)  # type: ignore[arg-type]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "text",
    [
        "why " * 20_000,
        ":" + "a" * 50_000,
        "<http:" * 10_000,
        "?!" * 20_000 + "x",
        "<@U" * 20_000,
        "a, " * 20_000,
    ],
)
def test_hostile_input_is_handled_in_linear_time(text: str) -> None:
    # A backtracking regex would blow the timeout here; the bot runs this on every channel message.
    assert not detect(text).is_question


def test_labelled_set_is_large_varied_and_scored_well() -> None:
    examples = load(LABELLED_PATH)
    assert len(examples) >= 700
    assert {e.is_question for e in examples} == {True, False}
    assert len({e.category for e in examples}) >= 20
    report = evaluate()
    # Measured 0.997 / 1.000 on 738 items; the rules were written against this set, so the held-out
    # test below is the honest estimate.
    assert report.precision >= 0.99
    assert report.recall >= 0.99


def test_held_out_sets_meet_issue_12_targets() -> None:
    # Both batches were written before the rules they test and never used to tune them: do not "fix" the
    # classifier against these items, add new cases to labelled.jsonl instead. Measured together (304
    # items): precision 0.944, recall 0.974; issue 12's targets are recall >= 0.95 at precision >= 0.90.
    assert all(path.exists() for path in HELDOUT_PATHS)
    report = evaluate_heldout()
    assert report.total >= 300
    assert report.precision >= 0.90
    assert report.recall >= 0.95


# Issue 12's own examples of what the classifier used to get wrong.
@pytest.mark.parametrize(
    ("text", "is_question"),
    [
        ("pls send me the onboarding doc", True),
        ("wher do i find the vpn setup guide", True),
        ("hwo do I request a new laptop", True),
        ("Help! my badge stopped working at the front door", True),
        ("seriously, who books a meeting at 7am?", False),
        ("pizza friday anyone?", False),
    ],
)
def test_issue_12_examples(text: str, is_question: bool) -> None:
    assert detect(text).is_question is is_question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Help! my badge stopped working at the front door", "my badge stopped working at the front door"),
        ("urgent: how do I revoke a leaked API key?", "how do I revoke a leaked API key?"),
        ("<@U0ABC123> pls send me the onboarding doc :pray:", "pls send me the onboarding doc"),
    ],
)
def test_urgent_openers_and_requests_extract_the_ask(text: str, question: str) -> None:
    assert detect(text) == Detection(True, question, detect(text).reason)


@pytest.mark.parametrize(
    "text",
    [
        "Lunch is in the kitchen, help yourselves",
        "urgent fix deployed, all good now",
        "Help!",
        "can you send me the slides from your talk?",
        "please send me a calendar invite for the review",
        "who designed this form lol",
        "Where do I sign up? :joy:",
        "where has the week gone",
        "really? a two hour meeting?",
    ],
)
def test_openers_favours_jokes_and_small_talk_are_not_questions(text: str) -> None:
    assert not detect(text).is_question


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("hwo", "how"), ("wher", "where"), ("waht", "what"), ("ther", "there"), ("anyoen", "anyone")],
)
def test_typos_in_question_words_are_corrected(typo: str, meant: str) -> None:
    assert correct(typo) == meant


@pytest.mark.parametrize("word", ["here", "now", "three", "were", "known", "hat", "cold"])
def test_real_words_one_letter_away_are_left_alone(word: str) -> None:
    assert correct(word) == word
    assert correct("were", "can") == "where"  # ... except "were can I find", which means "where"


def test_laughing_emoji_are_counted() -> None:
    assert clean("where do I sign up? :joy: 🙃 :tada:").jest == 2


def test_report_is_consistent_with_its_misses(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    rows = [
        {"text": "where is the VPN doc?", "is_question": True, "category": "wh"},
        {"text": "thanks!", "is_question": False, "category": "thanks"},
        {"text": "thanks!", "is_question": True, "category": "thanks"},  # deliberately mislabelled
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = evaluate(path)
    assert (report.overall.tp, report.overall.fp, report.overall.tn, report.overall.fn) == (1, 0, 1, 1)
    assert report.precision == 1.0
    assert report.recall == 0.5
    assert [m.example.text for m in report.misses] == ["thanks!"]
    assert report.by_category["thanks"].total == 2


def test_malformed_labelled_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "hi", "is_question": false, "category": "greeting"}\n{"text": "x"}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load(path)


def test_evaluate_module_prints_a_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "questions.evaluate"], capture_output=True, text=True, check=True, timeout=60
    )
    assert "precision" in result.stdout
    assert "rhetorical" in result.stdout  # a per-category row
