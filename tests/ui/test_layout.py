"""The answer and cost/health columns wrap instead of squeezing the side panel (ui/layout.py).

At 768-1024 px with the sidebar open a fixed 5:3 split left the side column 132-180 px, under
its tables' 250-280 px: they scrolled sideways behind an invisible scrollbar ("Question /
Answered by / Toke", the Cost column out of sight)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from ui.layout import MAIN_MIN_PX, PAGE_KEY, ROW_SELECTOR, SIDE_MIN_PX


def _page_css(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if ROW_SELECTOR in h.proto.body]


def _two_columns() -> None:
    from ui import layout

    layout.style()
    main, side = layout.columns()
    main.write("answer")
    side.write("costs")


def test_the_columns_wrap_and_keep_the_side_panel_wide_enough_for_its_tables() -> None:
    at = AppTest.from_function(_two_columns, default_timeout=30)
    at.run()
    assert not at.exception
    (css,) = _page_css(at)
    assert "flex-wrap: wrap" in css
    assert f"flex: 5 1 {MAIN_MIN_PX}px" in css and f"flex: 3 1 {SIDE_MIN_PX}px" in css
    assert SIDE_MIN_PX >= 280  # Provider health's table: 266-278 px in Chromium (walk28)
    assert len(at.get("column")) == 2 and f"st-key-{PAGE_KEY}" in ROW_SELECTOR


@pytest.mark.integration
def test_the_app_lays_its_columns_out_with_the_wrapping_rule(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    assert _page_css(at), "app.py draws its answer and side columns with ui.layout's CSS"
