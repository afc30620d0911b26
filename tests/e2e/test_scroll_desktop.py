"""A new answer is scrolled into view in Chromium, side by side as much as stacked (ui/scroll.py).

At 1300x1000 the answer and cost/health columns sit side by side and Streamlit leaves its
main pane where it is: from the second question on the new question and answer were drawn
below the fold (the second answer at y=933, the pane at scrollTop 0). Here, after the 2nd
and 3rd question, the latest answer's box is inside the viewport; opening a source of an
earlier answer or a sidebar toggle (a rerun with no new answer) leaves the view where it
is; the phone (390x844, columns stacked) still gets each new question at the top.
One `streamlit run` for the module (the fixture of test_browser.py); screenshots in
tests/artifacts/scroll/.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.e2e import test_browser as _tb
from tests.e2e.test_browser import ARTIFACTS, Server, ask

server = _tb.server  # the module-scoped `streamlit run` and Chromium fixtures
browser = _tb.browser

pytestmark = pytest.mark.browser

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # pragma: no cover - test_browser.py skips the module first
    pytest.skip("playwright is not installed", allow_module_level=True)

SHOTS = ARTIFACTS / "scroll"
QUESTIONS = (
    "What is the nightly hotel limit in London?",
    "How many vacation days do employees get?",
    "What is the daily meal allowance?",
)
# Where the latest question and answer are, in viewport pixels; the columns' boxes.
_LAYOUT_JS = """() => {
  const msgs = [...document.querySelectorAll('[data-testid="stChatMessage"]')];
  const box = (e) => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; };
  const cols = [...document.querySelectorAll(
    '.st-key-page_columns > [data-testid="stLayoutWrapper"] > '
    + '[data-testid="stHorizontalBlock"] > [data-testid="stColumn"]')];
  const chatBox = document.querySelector('[data-testid="stBottom"]')
    || document.querySelector('[data-testid="stChatInput"]');
  return {
    question: box(msgs[msgs.length - 2]),
    answer: box(msgs[msgs.length - 1]),
    columns: cols.map(box),
    bottomTop: chatBox ? chatBox.getBoundingClientRect().top : innerHeight,
    height: innerHeight,
    scrollTop: document.querySelector('[data-testid="stMain"]').scrollTop,
  };
}"""


def layout(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(_LAYOUT_JS)
    return result


def in_view(m: dict[str, Any]) -> bool:
    """The latest answer's box is inside the viewport, its question at or under the top."""
    (q_top, _), (a_top, a_bottom) = m["question"], m["answer"]
    return q_top >= 0 and a_top >= 0 and m["height"] >= a_bottom


def ask_and_wait(page: Page, question: str, n: int) -> None:
    ask(page, question)
    answered = page.get_by_test_id("stChatMessage").filter(has_text="Answered by")
    expect(answered).to_have_count(n, timeout=90_000)
    expect(answered.last).to_contain_text("Answered by extractive")


def settled_layout(page: Page, ok: Any, timeout_s: float = 10) -> dict[str, Any]:
    """The layout once ``ok`` holds (the scroll waits for the page to stop growing) or at
    the deadline, for the assertion to show."""
    deadline = time.monotonic() + timeout_s
    m = layout(page)
    while not ok(m) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        m = layout(page)
    return m


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_desktop_side_by_side_new_answers_scroll_into_view(
    server: Server, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(server.url)
    for n, question in enumerate(QUESTIONS, 1):
        ask_and_wait(page, question, n)
        m = settled_layout(page, in_view)
        shot(page, f"desktop_q{n}")
        (main_top, _), (side_top, _) = m["columns"]
        assert main_top == side_top, f"columns not side by side at 1300 px: {m}"
        assert in_view(m), f"answer {n} is not in the viewport: {m}"
        # not behind the chat box either: its "Answered by" line is above it
        meta = page.get_by_test_id("stChatMessage").last.get_by_text("Answered by")
        meta_box = meta.bounding_box()
        assert meta_box is not None
        assert meta_box["y"] + meta_box["height"] <= m["bottomTop"], m
        if n >= 2:
            assert m["scrollTop"] > 0, m

    # opening a source of the first answer: no new answer, so no jump back to the last one
    expander = page.get_by_test_id("stMain").get_by_test_id("stExpander").first
    page.mouse.move(400, 500)
    page.mouse.wheel(0, -300)  # a reader scrolls up with the wheel (which ends any reveal)
    expander.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    before = layout(page)["scrollTop"]
    expander.locator("summary").click()
    expect(expander.locator("details")).to_have_attribute("open", "")
    page.wait_for_timeout(3500)  # past the scroll script's last retry, had one run
    assert layout(page)["scrollTop"] == before
    shot(page, "desktop_source_opened")

    # a sidebar widget reruns the page: still no jump
    sidebar = page.get_by_test_id("stSidebar")
    toggle = sidebar.get_by_text("Sensitive documents")
    toggle.click()
    expect(sidebar.get_by_role("switch", name=re.compile("Sensitive documents"))).to_be_checked()
    page.wait_for_timeout(3500)
    assert layout(page)["scrollTop"] == before
    toggle.click()  # back to the shared server's default for the next page
    page.close()


def test_phone_stacked_new_question_goes_to_the_top(server: Server, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server.url)
    for n, question in enumerate(QUESTIONS[:2], 1):
        ask_and_wait(page, question, n)
        m = settled_layout(page, lambda m: in_view(m) and m["question"][0] <= 150)
        shot(page, f"phone_q{n}")
        (_, main_bottom), (side_top, _) = m["columns"]
        assert side_top >= main_bottom - 1, f"columns not stacked at 390 px: {m}"
        assert in_view(m), f"answer {n} is not in the viewport: {m}"
        assert m["question"][0] <= 150, f"question {n} is not at the top: {m}"
    page.close()
