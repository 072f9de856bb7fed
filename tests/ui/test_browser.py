"""End to end in headless Chromium: the page loads, a Swedish question gets an answer with a source card
(page and goal area), the mode switches, feedback is stored, and a screenshot is kept in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, RunningApp
from ui.app import create_app

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(corpus_assistant):
    with RunningApp(create_app(corpus_assistant.settings, corpus_assistant)) as running:
        yield running.url


def test_chat_in_a_real_browser(server, page, corpus_assistant):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/", wait_until="domcontentloaded")
    page.get_by_text("Program för social hållbarhet").first.wait_for(timeout=30000)
    from playwright.sync_api import expect

    # the goal-area overview; Gradio renders the blocks after the title, so wait for them (a slow CI machine)
    expect(page.locator("button.goal-area")).to_have_count(6, timeout=30000)

    page.locator("#question textarea").fill("Vilka globala mål hör till målområdet om bostäder?")
    page.locator("#send").click()
    card = page.locator("#sources .source-card").first
    card.wait_for(timeout=60000)
    text = card.inner_text()
    assert "s. 11" in text and "Tillgång till fullgoda" in text and "Området omfattar mål 5, 10, 11 och 17" in text
    page.locator("#sources .sdg").nth(3).wait_for(timeout=30000)  # at least four SDG badges
    page.locator("#chat").get_by_text("Hållbara städer och samhällen").first.wait_for(timeout=30000)
    page.locator('#chat a[href="#source-1"]').first.wait_for(timeout=30000)  # markers link to their source cards

    page.locator("#mode").get_by_text("Koppla mitt arbete").click()
    page.locator("#question textarea").fill("Jag driver en mötesplats för unga i Bäckby")
    page.locator("#send").click()
    page.locator("#chat").get_by_text("Ditt arbete hör till dessa målområden").wait_for(timeout=60000)

    before = _feedback_rows(corpus_assistant)
    page.locator("#comment textarea").fill("Bra källor")
    page.locator("#thumbs-up").click()
    page.locator("#feedback-status").get_by_text("Tack för din återkoppling!").wait_for(timeout=30000)
    assert _feedback_rows(corpus_assistant) == before + 1

    page.locator("#language").get_by_text("English").click()
    page.locator("#send").get_by_text("Send").wait_for(timeout=30000)
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    assert (ARTIFACTS / "chat.png").stat().st_size > 10000


def _feedback_rows(assistant) -> int:
    import sqlite3

    path = assistant.settings.data_dir / "feedback.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])


def test_concurrent_clients_get_no_errors(server):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from evals.loadtest import main

    with ThreadPoolExecutor(1) as pool:  # its own event loop, apart from Playwright's
        result = pool.submit(lambda: asyncio.run(main(server, clients=4, requests=3, timeout=60))).result()
    assert result["requests"] == 12 and result["errors"] == 0 and result["p95_ms"] > 0
