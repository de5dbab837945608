"""The page's Slack markup rendering, run in Chromium: mrkdwn, Markdown and Block Kit come out formatted, and
nothing from a message can become markup or a script link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from slack_sandbox import Sandbox, SandboxConfig
from tests.browser.helpers import VIEWPORT


@pytest.fixture(scope="module")
def render(browser: Any) -> Iterator[Any]:
    sandbox = Sandbox(SandboxConfig()).start()
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(sandbox.base_url)
    page.wait_for_selector("#channel-list a")

    def call(kind: str, *args: Any) -> str:
        html: str = page.evaluate("([kind, args]) => window.SlackRender[kind](...args)", [kind, list(args)])
        return html

    yield call
    context.close()
    sandbox.stop()


CTX = {"users": {"U_ALICE": {"name": "alice"}}, "channels": {"C_GENERAL": {"name": "general"}}, "me": "U_BOB"}


def test_mrkdwn_formatting_links_and_mentions(render: Any) -> None:
    html = render(
        "mrkdwn", "*Sources* _all_ ~old~ `x<y>` <https://d.example/a?b=1&amp;c=2|Doc> <@U_ALICE>", CTX
    )
    assert "<b>Sources</b> <i>all</i> <s>old</s> <code>x&lt;y&gt;</code>" in html
    assert (
        '<a href="https://d.example/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">Doc</a>' in html
    )
    assert '<span class="mention">@alice</span>' in html
    assert render("mrkdwn", "<#C_GENERAL> :warning: &gt; not a quote", CTX) == (
        '<span class="mention">#general</span> ⚠️ &gt; not a quote'
    )
    assert render("mrkdwn", "```\nline 1\n```\n&gt; quoted", CTX) == (
        '<pre>line 1</pre><span class="quote">quoted</span>'
    )


def test_markdown_as_glean_writes_it(render: Any) -> None:
    html = render("markdown", "## Holidays\n**New Year** is *off* [[1]](https://d.example/h)\n- one\n- two")
    assert html == (
        '<div class="md-h md-h2">Holidays</div><p><b>New Year</b> is <i>off</i> '
        '<a href="https://d.example/h" target="_blank" rel="noopener noreferrer">[1]</a></p>'
        "<ul><li>one</li><li>two</li></ul>"
    )


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("mrkdwn", "<javascript:alert(1)|click me>"),
        ("mrkdwn", '<https://x.example/"onmouseover="alert(1)|x>'),
        ("markdown", "[click me](javascript:alert(1)) <img src=x onerror=alert(1)>"),
        ("markdown", "<script>alert(1)</script>"),
    ],
)
def test_nothing_in_a_message_becomes_markup_or_a_script_link(render: Any, kind: str, text: str) -> None:
    html = render(kind, text, CTX)
    assert "javascript:" not in html
    assert "<img" not in html and "<script" not in html
    assert 'onmouseover="' not in html


def test_blocks_with_buttons(render: Any) -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Sources*"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "share",
                    "value": 'v"1',
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Share <now>"},
                }
            ],
        },
        {"type": "mystery"},
    ]
    html = render("blocks", blocks, CTX)
    assert "<b>Sources</b>" in html
    assert (
        'class="btn btn-primary" data-action-id="share" data-value="v&quot;1">Share &lt;now&gt;</button>'
        in html
    )
    assert "[mystery block]" in html
