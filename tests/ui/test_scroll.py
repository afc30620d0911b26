"""On a phone the columns stack and the chat box keeps the page at its bottom, under the
cost panel: each new answer brings its question back into view (ui/scroll.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import ask
from ui.scroll import STACKED_BELOW_PX, reveal_script


def _reveal_scripts(at: AppTest) -> list[str]:
    return [str(e.proto.body) for e in at.get("html") if "__gqaShownTurn" in e.proto.body]


def test_each_answer_has_its_own_script_that_knows_the_layout() -> None:
    first, second = reveal_script(1), reveal_script(2)
    assert first != second, "the same script again would not run for the next answer"
    assert "const turn = 2;" in second
    # the layout is read: stacked columns scroll the question to the top, side by side only
    # when it is not already in view (tests/e2e/test_scroll_desktop.py drives both)
    assert "stColumn" in second and f"{STACKED_BELOW_PX} > w.innerWidth" in second
    # Streamlit's HTML sanitiser drops "<" inside a script: only the tags may have one
    assert second.count("<") == 2


@pytest.mark.integration
def test_a_new_answer_is_scrolled_into_view_and_a_plain_rerun_is_not(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    assert _reveal_scripts(at) == []  # the welcome: nothing to scroll to
    ask(at, "How many vacation days do employees get?")
    assert [s for s in _reveal_scripts(at) if "const turn = 1;" in s]
    at.run()  # a rerun with no new question (a click in the sidebar): the reader stays put
    assert not at.exception
    assert _reveal_scripts(at) == []
