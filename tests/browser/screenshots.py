"""Regenerate the sandbox screenshots in docs/: `.venv/bin/python -m tests.browser.screenshots [OUT_DIR]`.

Drives the same stack and browser as the browser tests (Debian's Chromium; install `fonts-noto-color-emoji`
too, or emoji show as boxes). Not a test: it writes files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from local_glean.pacing import Pace
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, start_stack

DOCS = Path(__file__).resolve().parents[2] / "docs"
TIMEOUT_MS = 60_000
# Slower than the tests: a screenshot taken mid-answer should catch a good part of it on screen.
SCREENSHOT_PACE = Pace(first_token_ms=500, tokens_per_s=60)
VIEWPORT = {"width": 1280, "height": 880}


def ask(page: Any, text: str, composer: str = "#composer") -> None:
    page.fill(f"{composer} textarea", text)
    page.press(f"{composer} textarea", "Enter")


def public_thread(browser: Any, out: Path) -> None:
    stack = start_stack(pace=SCREENSHOT_PACE)
    try:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{stack.url}#as=U_ALICE&c=C_GENERAL")
        ask(page, "What are the company holidays?")
        page.locator('#thread-messages .msg[data-user="UBOT"][data-stream="stopped"]').wait_for(
            timeout=TIMEOUT_MS
        )
        ask(page, "and for contractors?", composer="#thread-composer")
        streaming = page.locator('#thread-messages .msg[data-user="UBOT"][data-stream="streaming"]')
        streaming.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / "sandbox-streaming.png"))
        page.locator('#thread-messages .msg[data-user="UBOT"][data-stream="stopped"]').nth(1).wait_for(
            timeout=TIMEOUT_MS
        )
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "sandbox-thread.png"))
    finally:
        stack.stop()


def private_answer(browser: Any, out: Path) -> None:
    stack = start_stack(pace=SCREENSHOT_PACE, act_as=True)
    try:
        alice = browser.new_page(viewport=VIEWPORT)
        alice.goto(f"{stack.url}#as=U_ALICE&c=C_GENERAL")
        ask(alice, "What is the meal limit on business travel?")
        alice.locator('#thread-messages .msg.ephemeral[data-user="UBOT"]', has_text="Sources").wait_for(
            timeout=TIMEOUT_MS
        )
        alice.wait_for_timeout(300)
        alice.screenshot(path=str(out / "sandbox-private.png"))
        bob = browser.new_page(viewport=VIEWPORT)
        bob.goto(f"{stack.url}#as=U_BOB&c=C_GENERAL")
        bob.locator("#messages .msg").first.wait_for()
        bob.wait_for_timeout(300)
        bob.screenshot(path=str(out / "sandbox-private-other-user.png"))
    finally:
        stack.stop()


def agent_container(browser: Any, out: Path) -> None:
    """The split view beside #general mid-answer: status gone, task steps, the answer streaming."""
    stack = start_stack(pace=SCREENSHOT_PACE)
    try:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{stack.url}#as=U_ALICE&c=C_GENERAL")
        page.click("#agent-toggle")
        page.locator("#agent-prompts button.chip").first.click(timeout=TIMEOUT_MS)
        page.locator('#agent-messages .msg[data-user="UBOT"][data-stream="stopped"]').wait_for(
            timeout=TIMEOUT_MS
        )
        page.locator("#agent-prompts .agent-prompts-title").wait_for(timeout=TIMEOUT_MS)
        page.locator("#agent-messages").evaluate("el => { el.scrollTop = 0; }")  # greeting, steps, answer
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "sandbox-agent-container.png"))
    finally:
        stack.stop()


def shortcut_modal(browser: Any, out: Path) -> None:
    """A message's ⋯ menu, then the bot's "Ask Glean" modal over the page."""
    stack = start_stack(pace=SCREENSHOT_PACE)
    try:
        assert stack.sandbox is not None
        stack.sandbox.post_message(
            "U_BOB", "C_GENERAL", "Heads up: the office is closed on the company holidays"
        )
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{stack.url}#as=U_ALICE&c=C_GENERAL")
        message = page.locator('#messages .msg[data-user="U_BOB"]').first
        message.hover()
        message.locator("button.msg-more").click()
        page.locator("#msg-menu button.menu-item").first.wait_for()
        page.screenshot(path=str(out / "sandbox-shortcut-menu.png"))
        page.locator("#msg-menu button.menu-item", has_text="Ask Glean about this").click()
        page.locator("#modal .modal-text").fill("Which days are those?")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "sandbox-shortcut-modal.png"))
    finally:
        stack.stop()


def home_tab(browser: Any, out: Path) -> None:
    """The app's Home tab after two questions: the bot's published view with its buttons."""
    stack = start_stack(pace=Pace(first_token_ms=0, tokens_per_s=0))
    try:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{stack.url}#as=U_ALICE&c=C_GENERAL")
        for question in ("What are the company holidays?", "How do I set up the VPN?"):
            ask(page, question)
            page.locator('#thread-messages .msg[data-user="UBOT"][data-stream="stopped"]').wait_for(
                timeout=TIMEOUT_MS
            )
            page.click("#thread-close")
        page.click('#dm-list a[data-channel="D_ALICE"]')
        page.click('#app-tabs button[data-tab="home"]')
        page.locator("#home .block-header", has_text="Your recent conversations").wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "sandbox-home.png"))
    finally:
        stack.stop()


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DOCS
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            public_thread(browser, out)
            private_answer(browser, out)
            agent_container(browser, out)
            shortcut_modal(browser, out)
            home_tab(browser, out)
        finally:
            browser.close()
    for name in sorted(p.name for p in out.glob("sandbox-*.png")):
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
