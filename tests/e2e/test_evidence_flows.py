"""Issue 16 flows in Chromium: a reload keeps the conversation, [n] opens source n, the page
preview highlights the cited sentence, the cost chart stays hidden while the session
costs $0. One `streamlit run` for the module (the fixture of test_browser.py); a
screenshot per step in tests/artifacts/issue16/; timings in browser_timings.json.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e import test_browser as _tb
from tests.e2e.test_browser import ARTIFACTS, TIMINGS, Server, ask, click_until_shown

server = _tb.server  # the module-scoped `streamlit run` and Chromium fixtures
browser = _tb.browser

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import Browser, Locator, Page, expect
except ImportError:  # pragma: no cover - test_browser.py skips the module first
    pytest.skip("playwright is not installed", allow_module_level=True)

SHOTS = ARTIFACTS / "issue16"
QUESTION = "What is the nightly hotel limit in London?"
STATE: dict[str, str] = {}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let reruns settle (skeletons otherwise)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def open_page(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(url)
    return page


def conversation_url(server: Server, browser: Browser) -> str:
    """A saved conversation with one extractive answer (made by the first test)."""
    if "url" not in STATE:
        test_reload_keeps_the_conversation(server, browser)
    return STATE["url"]


def test_reload_keeps_the_conversation(server: Server, browser: Browser) -> None:
    page = open_page(browser, server.url)
    loaded = time.perf_counter()
    # The page and the chat box draw while the engine warms in the background.
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=30_000)
    TIMINGS["chat_box_drawn_s"] = time.perf_counter() - server.launched
    loading = page.get_by_text("Loading the documents and the search model")
    welcome = page.get_by_text("documents are indexed")
    expect(loading.or_(welcome).first).to_be_visible(timeout=90_000)
    if loading.is_visible():
        shot(page, "00_loading")
        # A question asked now waits for the engine with a spinner, not a blank page.
        ask(page, QUESTION)
        spinner = page.get_by_test_id("stSpinner").filter(has_text="Loading the documents")
        answered = page.get_by_text("Answered by extractive")
        expect(spinner.or_(answered).first).to_be_visible(timeout=30_000)
        if spinner.is_visible():
            shot(page, "00_question_waits_for_the_engine")
    else:  # the engine was already warm (another test module's server in this process)
        expect(page.get_by_text("documents are indexed")).to_be_visible(timeout=90_000)
        shot(page, "01_welcome")
        ask(page, QUESTION)
    expect(page.get_by_text("Answered by extractive")).to_be_visible(timeout=90_000)
    TIMINGS["page_load_to_first_answer_s"] = time.perf_counter() - loaded
    TIMINGS["launch_to_first_answer_s"] = time.perf_counter() - server.launched
    expect(page).to_have_url(re.compile(r"\?c=[0-9a-f]{12}"), timeout=10_000)
    STATE["url"] = page.url.split("#")[0]
    shot(page, "02_answered")

    page.reload()
    expect(page.get_by_text("Answered by extractive")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stChatMessage").filter(has_text=QUESTION)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name=QUESTION)).to_be_visible()
    expect(sidebar.get_by_role("button", name="Export as Markdown")).to_be_visible()
    shot(page, "03_after_reload")
    page.close()


def _open_source_1(page: Page) -> Locator:
    expect(page.get_by_text("Answered by extractive")).to_be_visible(timeout=60_000)
    page.wait_for_function("window.__gqaCitations === true", timeout=30_000)  # handler drawn
    link = page.locator('a[href*="#sources-"]').filter(has_text="[1]").first
    link.click()
    ex = page.get_by_test_id("stExpander").filter(has_text="[1] travel-and-expense-policy.pdf")
    expect(ex.locator("details")).to_have_attribute("open", "", timeout=10_000)
    return ex


def test_citation_opens_and_scrolls_to_its_source(server: Server, browser: Browser) -> None:
    url = conversation_url(server, browser)
    page = open_page(browser, url)
    ex = _open_source_1(page)
    expect(ex.get_by_text("Highlighted: 1 sentence the answer used.")).to_be_in_viewport()
    assert "#sources-" not in page.url  # the click opened the source, not a bare anchor
    shot(page, "04_citation_opened_source_1")
    page.close()


def _show_page_2(page: Page, ex: Locator) -> Locator:
    show = ex.get_by_text("Show page 2")
    switch = ex.locator('label:has-text("Show page 2") input')
    show.click()
    page.wait_for_timeout(1000)
    if not switch.is_checked():  # the click landed while the citation's rerun redrew it
        show.click()
    expect(switch).to_be_checked(timeout=10_000)
    img = ex.locator('img[alt*="page" i]').first  # drawn by ui.sources at a readable width
    expect(img.or_(ex.get_by_text("This page could not be shown."))).to_be_visible(timeout=60_000)
    expect(img).to_be_visible()  # not the error caption
    return img


def test_page_preview_highlights_the_cited_sentence(server: Server, browser: Browser) -> None:
    page = open_page(browser, conversation_url(server, browser))
    ex = _open_source_1(page)
    img = _show_page_2(page, ex)
    page.wait_for_timeout(300)
    img.scroll_into_view_if_needed()
    shot(page, "05_page_preview")
    png = Image.open(io.BytesIO(img.screenshot())).convert("RGB")
    # translucent yellow (255, 214, 0, 110) over white is about (255, 237, 145)
    colors: list[tuple[int, tuple[int, int, int]]] = png.getcolors(1 << 22) or []  # type: ignore[assignment]
    yellow = sum(n for n, (r, g, b) in colors if r >= 245 and 220 <= g <= 250 and 110 <= b <= 180)
    assert yellow > 1500, f"only {yellow} highlight pixels in the preview"
    page.close()


def test_page_preview_fits_a_phone_and_zooms_from_the_keyboard(
    server: Server, browser: Browser
) -> None:
    # On a phone the page was drawn wider than its column and cut off mid-word at the right
    # edge ("220 U"), with no sign it scrolled; now it fits, and "Zoom in" makes it readable.
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(conversation_url(server, browser))
    ex = _open_source_1(page)
    _show_page_2(page, ex)
    frame = ex.locator(".gqa-page").first
    sideways = "e => e.scrollWidth - e.clientWidth"
    assert frame.evaluate(sideways) <= 1, "the page should fit the phone's column"
    zoom = ex.get_by_label("Zoom in (scroll sideways)")
    zoom.focus()
    page.keyboard.press("Space")
    expect(zoom).to_be_checked()
    assert frame.evaluate(sideways) > 50, "zoomed in, the page is wider than the column"
    shot(page, "05b_page_preview_phone_zoomed")
    page.close()


_COLUMNS_JS = """() => [...document.querySelectorAll(
  '.st-key-page_columns > [data-testid="stLayoutWrapper"] > '
  + '[data-testid="stHorizontalBlock"] > [data-testid="stColumn"]')
].map((c) => Math.round(c.getBoundingClientRect().top))"""


def test_page_preview_is_readable_on_a_desktop(server: Server, browser: Browser) -> None:
    # At 1366x900 with the sidebar open the page was drawn 416 px wide (the answer column's
    # width), its text ~6 px high, beside a side column empty from its tables down.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(conversation_url(server, browser))
    ex = _open_source_1(page)
    img = _show_page_2(page, ex)
    expect(img).to_have_js_property("complete", True)
    natural = img.evaluate("i => i.naturalWidth")
    page.wait_for_timeout(500)  # the columns re-lay out around the open page
    box = img.bounding_box()
    assert box is not None and box["width"] >= 0.95 * natural, (box, natural)
    assert ex.locator(".gqa-page").first.evaluate("e => e.scrollWidth - e.clientWidth") <= 1
    main_top, side_top = page.evaluate(_COLUMNS_JS)
    assert side_top > main_top, "the side panel went under the answers for the page"
    img.scroll_into_view_if_needed()
    shot(page, "05c_page_preview_desktop")
    ex.get_by_text("Show page 2").click()  # closed: the side panel is beside them again
    expect(img).to_be_hidden(timeout=10_000)
    page.wait_for_timeout(500)
    main_top, side_top = page.evaluate(_COLUMNS_JS)
    assert side_top == main_top
    page.close()


def test_a_collapsed_sidebar_takes_no_keyboard_focus_on_a_phone(
    server: Server, browser: Browser
) -> None:
    # On a phone the sidebar starts collapsed, slid off the screen: Tab went through its
    # unseen controls (the focus at x = -279) before reaching anything on the page.
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(server.url)
    expect(page.get_by_test_id("stChatInputTextArea")).to_be_visible(timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    in_sidebar = "() => !!document.activeElement.closest('[data-testid=stSidebar]')"
    for _ in range(4):  # past "Skip to main content": the first few stops
        page.keyboard.press("Tab")
        assert not page.evaluate(in_sidebar), "Tab reached a control of the hidden sidebar"
    page.get_by_test_id("stExpandSidebarButton").click()  # opened, its controls are there
    expect(sidebar.get_by_role("combobox", name="Answer with")).to_be_visible()
    page.close()


def test_ask_within_keeps_its_picks_on_one_row_on_a_phone(server: Server, browser: Browser) -> None:
    # Seven documents picked wrapped onto four rows (200 px of the phone's 844), pushing the
    # chat input down; now one row, swiped sideways, each name whole.
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto(server.url)
    box = page.get_by_role("combobox", name="Ask within")
    box.wait_for(timeout=90_000)
    picked = 0
    for _ in range(4):
        box.click()
        options = page.get_by_role("option")
        if options.count() == 0:
            break
        options.first.click()
        page.keyboard.press("Escape")
        picked += 1
        page.wait_for_timeout(500)
    assert picked >= 3
    chips = page.locator('.st-key-ask_within [data-testid="stMultiSelectTagsContainer"]')
    tops = chips.locator('[role="group"] > span').evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == picked and len(set(tops)) == 1, tops  # one row
    whole = chips.locator('[role="group"] > span > span').evaluate_all(
        "els => els.every(e => e.scrollWidth <= e.clientWidth + 1)"
    )
    assert whole, "a picked document's name was cut short"
    shot(page, "06c_ask_within_phone")
    page.close()


def test_cost_chart_hidden_while_the_session_costs_nothing(
    server: Server, browser: Browser
) -> None:
    page = open_page(browser, server.url)
    ask(page, "How many vacation days do employees get?")
    expect(page.get_by_text("Answered by extractive")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Session cost")).to_be_visible()
    expect(page.get_by_text("No spending limit is set.")).to_be_visible()
    assert page.get_by_test_id("stVegaLiteChart").count() == 0
    assert "RAG_SESSION_BUDGET_USD" not in page.content()
    shot(page, "06_cost_zero_no_chart")

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Answer with").click()
    page.get_by_role("option", name=re.compile(r"^OpenAI(?!-compatible)")).click()
    expect(sidebar.get_by_role("combobox", name="Model")).to_be_visible()
    ask(page, QUESTION)
    expect(page.get_by_text("Answered by OpenAI")).to_be_visible(timeout=60_000)
    chart = page.get_by_test_id("stVegaLiteChart")
    expect(chart).to_be_visible(timeout=20_000)
    chart.evaluate("e => e.scrollIntoView({block: 'center'})")
    shot(page, "07_cost_chart_after_a_paid_answer")
    cost = page.get_by_test_id("stMetric").filter(has_text="Cost")
    spent = cost.get_by_test_id("stMetricValue").inner_text()
    assert spent != "$0"

    # A reload (a new browser session) reopens the conversation with its provider and cost.
    expect(page).to_have_url(re.compile(r"\?c=[0-9a-f]{12}"), timeout=10_000)
    page.reload()
    expect(page.get_by_text("Answered by OpenAI").first).to_be_visible(timeout=60_000)
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Answer with")
    expect(box).to_have_value(re.compile(r"^OpenAI - "), timeout=30_000)
    # The saved answers' cost comes back (the follow-up rewrite's call is not saved with
    # the turn, so it may be less than the session spent).
    expect(page.get_by_text("before it was reopened")).to_be_visible(timeout=30_000)
    restored = cost.get_by_test_id("stMetricValue").inner_text()
    assert restored != "$0" and float(restored[1:]) <= float(spent[1:])
    shot(page, "08_reload_keeps_provider_and_cost")
    page.close()


def test_ask_within_limits_the_sources(server: Server, browser: Browser) -> None:
    page = open_page(browser, server.url)
    expect(page.get_by_text("documents are indexed")).to_be_visible(timeout=90_000)
    within = page.get_by_role("combobox", name="Ask within")
    within.click()
    page.get_by_role("option", name="employee-handbook.md").click()
    page.keyboard.press("Escape")
    ask(page, QUESTION)
    expect(page.get_by_text("Answered by extractive")).to_be_visible(timeout=60_000)
    sources = page.get_by_test_id("stExpander").filter(
        has_text=re.compile(r"\[\d+\] .+ · relevance")
    )
    expect(sources.first).to_be_visible()
    names = sources.locator("summary").all_inner_texts()
    assert names and all("employee-handbook.md" in n for n in names), names
    shot(page, "09_ask_within_one_document")
    page.close()


def test_compare_titles_each_column_with_its_answering_provider(
    server: Server, browser: Browser
) -> None:
    page = open_page(browser, server.url)
    expect(page.get_by_text("documents are indexed")).to_be_visible(timeout=90_000)
    sidebar = page.get_by_test_id("stSidebar")
    picker = sidebar.get_by_role("combobox", name="Providers to compare")
    click_until_shown(sidebar.get_by_text("Compare providers"), picker)
    picker.click()
    page.get_by_role("option", name=re.compile(r"^OpenAI · ")).click()
    page.keyboard.press("Escape")
    ask(page, QUESTION)
    turn = page.get_by_test_id("stChatMessage").last
    expect(turn.get_by_text("Answered by OpenAI")).to_be_visible(timeout=60_000)
    # The streamed columns are redrawn by the rerun that follows; until Streamlit drops the
    # stale copies a column can show twice, so wait for exactly one of each.
    expect(turn.get_by_text("Answered by extractive")).to_have_count(1, timeout=30_000)
    expect(turn.get_by_text("Answered by OpenAI")).to_have_count(1, timeout=30_000)
    # the column titles: the provider asked, with its model
    expect(turn.get_by_text(re.compile(r"^OpenAI · \S+$"))).to_have_count(1)
    expect(turn.get_by_text("extractive", exact=True)).to_have_count(1)
    shot(page, "10_compare_columns")
    page.close()


def test_bad_upload_is_a_red_error_with_its_reason_and_delete_asks_first(
    server: Server, browser: Browser, tmp_path: Path
) -> None:
    page = open_page(browser, server.url)
    expect(page.get_by_text("documents are indexed")).to_be_visible(timeout=90_000)
    bad = tmp_path / "broken-report.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a PDF")
    page.locator("input[type=file]").set_input_files(str(bad))
    error = page.get_by_test_id("stAlertContentError").filter(has_text="broken-report.pdf")
    expect(error).to_be_visible(timeout=60_000)
    assert "failed" in error.inner_text()
    error.scroll_into_view_if_needed()
    shot(page, "11_bad_upload_red")

    sidebar = page.get_by_test_id("stSidebar")
    count = sidebar.get_by_text(re.compile(r"^\d+ documents indexed")).inner_text()
    delete = sidebar.get_by_role("button", name=re.compile("Delete a document"))
    delete.scroll_into_view_if_needed()
    delete.click()
    page.get_by_role("combobox", name="Document to delete").click()
    page.get_by_role("option", name="release-notes.txt").click()
    confirm = page.get_by_role("button", name="Yes, delete release-notes.txt")
    expect(confirm).to_be_visible(timeout=10_000)
    shot(page, "12_delete_asks_first")
    page.keyboard.press("Escape")  # not confirmed: nothing is deleted
    page.wait_for_timeout(500)
    expect(sidebar.get_by_text(count)).to_be_visible()
    # confirmed: deleted, said so, and the popover closes (left open, it covered the list)
    delete.click()
    page.get_by_role("combobox", name="Document to delete").click()
    page.get_by_role("option", name="release-notes.txt").click()
    confirm.click()
    expect(page.get_by_text("Deleted release-notes.txt.").first).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_text(re.compile(r"^\d+ documents indexed"))).not_to_have_text(count)
    expect(page.get_by_role("combobox", name="Document to delete")).to_be_hidden()
    expect(sidebar.get_by_text("release-notes.txt", exact=True)).to_have_count(0)
    page.close()
