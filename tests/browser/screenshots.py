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


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else DOCS
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            public_thread(browser, out)
            private_answer(browser, out)
        finally:
            browser.close()
    for name in sorted(p.name for p in out.glob("sandbox-*.png")):
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
