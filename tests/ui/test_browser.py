"""End to end in headless Chromium (Debian's chromium): the chat answers with source cards, quotes as real
blockquotes and no live links from text; modes, feedback and export work; the language switch re-renders what
the page says; axe-core finds no WCAG 2.0/2.1 A/AA violation on the start page, an answer, relate mode,
writing-support mode, English mode and a 390 px phone; the page works by keyboard alone and under the CSP.
Screenshots of desktop and phone are kept in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, RunningApp
from tests.ui.axe import describe, summary, violations
from ui.app import create_app

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

ARTIFACTS = ROOT / "test-artifacts"
HOUSING = "Vilka globala mål hör till målområdet om bostäder?"


@pytest.fixture(scope="module")
def server(corpus_assistant):
    settings = corpus_assistant.settings.model_copy(update={"rate_limit_per_minute": 0, "feedback_per_minute": 0})
    with RunningApp(create_app(settings, corpus_assistant)) as running:
        yield running.url


@pytest.fixture(scope="module")
def console(page):
    """Console errors of the page (a CSP violation would be one)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def open_chat(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url + "/", wait_until="domcontentloaded")
    page.get_by_text("Program för social hållbarhet").first.wait_for(timeout=30000)
    # Gradio renders the blocks after the title, so wait for them (a slow CI machine)
    expect(page.locator("button.goal-area")).to_have_count(6, timeout=30000)


def ask(page, text: str, expect_text: str, mode: str | None = None) -> None:
    if mode:
        page.locator("#mode").get_by_text(mode).click()
    page.locator("#question textarea").fill(text)
    page.locator("#send").click()
    page.locator("#chat").get_by_text(expect_text).first.wait_for(timeout=60000)
    page.wait_for_timeout(300)  # the last streamed paragraph


def settled(page) -> None:
    """No event running: Gradio dims the outputs of a running event, which would read as low contrast."""
    page.wait_for_function("document.querySelectorAll('.pending, .generating').length === 0", timeout=60000)
    page.wait_for_timeout(600)  # the dimming's transition


def assert_accessible(page, where: str) -> None:
    settled(page)
    found = violations(page)
    print(f"axe {where}: {summary(found)}")
    assert not found, f"{where}:\n{describe(found)}"


def test_chat_in_a_real_browser(server, page, console, corpus_assistant):
    ARTIFACTS.mkdir(exist_ok=True)
    open_chat(page, server)
    # the page sets lang from the chosen language once its script has run (slow on a loaded machine)
    page.wait_for_function("document.documentElement.lang === 'sv'", timeout=15000)
    assert page.locator("h1").count() == 1 and page.evaluate("document.documentElement.lang") == "sv"
    assert_accessible(page, "start page")

    ask(page, HOUSING, "Hållbara städer och samhällen")
    card = page.locator("#sources .source-card").first
    text = card.inner_text()
    assert "s. 11" in text and "Tillgång till fullgoda" in text and "Området omfattar mål 5, 10, 11 och 17" in text
    page.locator("#sources .sdg").nth(3).wait_for(timeout=30000)  # at least four SDG badges
    page.locator('#chat a[href="#source-1"]').first.wait_for(timeout=30000)  # markers link to their source cards
    quote = page.locator("#chat blockquote").first  # quotes are real blockquotes, not "> …" lines
    assert "Området omfattar mål 5, 10, 11 och 17" in quote.inner_text()
    assert "&gt;" not in page.locator("#chat").inner_text() and "\n> " not in page.locator("#chat").inner_text()
    assert_accessible(page, "answer")

    ask(
        page,
        "Jag driver en mötesplats för unga i Bäckby",
        "Ditt arbete hör till dessa målområden",
        "Koppla mitt arbete",
    )
    assert_accessible(page, "relate mode")
    ask(page, "Skriv en kort intranätstext om trygghet i stadsdelarna, 100 ord", "Faktaunderlag", "Skrivstöd")
    assert_accessible(page, "writing-support mode")
    heading = page.locator("#chat .message").last.locator("h2").first  # "Faktaunderlag": not under a header
    heading.scroll_into_view_if_needed()
    assert heading.evaluate(
        "h => { const r = h.getBoundingClientRect(); const e = document.elementFromPoint(r.left + 4, r.top + 4);"
        " return h === e || h.contains(e); }"
    )

    before = _feedback_rows(corpus_assistant)
    page.locator("#comment textarea").fill("Bra källor, ring mig på 070-123 45 67")
    page.locator("#thumbs-up").click()
    page.locator("#feedback-status").get_by_text("Tack för din återkoppling!").wait_for(timeout=30000)
    assert _feedback_rows(corpus_assistant) == before + 1

    page.locator("#export").click()
    link = page.locator("#export-file a[download]")
    link.wait_for(timeout=30000)
    with page.expect_download() as download:
        link.click()
    assert "Faktaunderlag" in open(download.value.path(), encoding="utf-8").read()

    page.locator("#language").get_by_text("English").click()
    page.locator("#send").get_by_text("Send").wait_for(timeout=30000)
    page.locator("#feedback-status").get_by_text("Thank you for your feedback!").wait_for(timeout=60000)
    page.locator("#chat").get_by_text("Your work relates to").first.wait_for(timeout=60000)  # earlier answers
    page.locator("#sources .sdg", has_text="Sustainable cities").first.wait_for(timeout=30000)  # badges
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator("button.goal-area", has_text="goals 5, 10, 11, 17").first.wait_for(timeout=30000)
    assert_accessible(page, "English mode")
    page.screenshot(path=str(ARTIFACTS / "chat-desktop.png"), full_page=True)
    assert (ARTIFACTS / "chat-desktop.png").stat().st_size > 10000
    assert not [e for e in console if "Content Security Policy" in e], console


def test_no_live_links_from_text(server, page):
    open_chat(page, server)
    page.locator("#question textarea").fill("Vad säger https://evil.example/x och www.example.com, mejla a@b.se?")
    page.locator("#send").click()
    page.locator("#chat").get_by_text("evil.example").first.wait_for(timeout=60000)
    page.wait_for_timeout(500)
    hrefs = page.locator("#chat a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(h.startswith("#source-") for h in hrefs), hrefs


def test_keyboard_only(server, page):
    """Tab reaches the question; Enter sends, Shift+Enter adds a line; the send button works by keyboard."""
    open_chat(page, server)
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#question') !== null"):
            break
    else:
        pytest.fail("Tab never reached the question box")
    page.keyboard.type("Vilka globala mål hör till")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("målområdet om bostäder?")
    assert "\n" in page.locator("#question textarea").input_value()  # a new line, nothing sent
    assert page.locator("#chat .message").count() == 0
    page.keyboard.press("Enter")
    page.locator("#chat").get_by_text("Hållbara städer och samhällen").first.wait_for(timeout=60000)
    page.locator("#question textarea").focus()
    page.keyboard.type("Vad säger programmet om trygghet?")
    page.keyboard.press("Tab")  # to the send button
    assert page.evaluate("document.activeElement.id") == "send"
    page.keyboard.press("Enter")
    page.locator("#chat .message").nth(3).wait_for(timeout=60000)


def test_phone(server, page):
    """390 px wide: the input is on the first screen, the sources come right after it; no axe violation."""
    phone = page.context.browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        open_chat(phone, server)
        box = phone.locator("#question textarea").bounding_box()
        assert box and box["y"] + box["height"] <= 844, box
        assert_accessible(phone, "390 px phone")
        ask(phone, HOUSING, "Hållbara städer och samhällen")
        send = phone.locator("#send").bounding_box()
        card = phone.locator("#sources .source-card").first.bounding_box()
        assert card and send and 0 < card["y"] - send["y"] < 250, (send, card)  # with the answer, not screens below
        assert_accessible(phone, "390 px phone, answer")
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "chat-phone.png"), full_page=False)
        assert (ARTIFACTS / "chat-phone.png").stat().st_size > 10000
    finally:
        phone.close()


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
