"""The page's two columns (answer | cost and health) share the width by need, not by ratio.

A fixed 5:3 split left the side column 132-180 px wide at 768-1024 px with the sidebar
open, narrower than its tables (250-280 px): they scrolled sideways behind an invisible
scrollbar, and "Question / Answered by / Toke" hid the Cost column. Here the columns wrap:
side by side while the answer keeps 360 px and the side panel 280 px, else the panel goes
under the answer at full width (as Streamlit stacks them below 640 px anyway).
"""

from __future__ import annotations

import streamlit as st

PAGE_KEY = "page_columns"  # st.container key: its element gets the class st-key-page_columns
MAIN_MIN_PX = 360
SIDE_MIN_PX = 280  # the widest side table (Provider health) fits without scrolling

# The columns' row: Streamlit (1.67) puts a layout wrapper between a container and its row.
ROW_SELECTOR = (  # ui.scroll uses it too
    f'.st-key-{PAGE_KEY} > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]'
)
_ROW = ROW_SELECTOR
# Streamlit slides a collapsed sidebar off the screen but leaves it visible: Tab walked
# through its ~20 unseen controls (on a phone, where it starts collapsed, before reaching
# the chat) and screen readers read them. Hidden, they leave the tab order and the
# accessibility tree; opening the sidebar shows them again. (Its help icons set their own
# visibility, hence every descendant and !important.)
_COLLAPSED_SIDEBAR = 'section[data-testid="stSidebar"][data-collapsed="true"]'
# An st.html that only runs a script (ui.scroll, ui.sources) has no box, but its container
# took a gap: the answer streaming under a just-asked question (ui.scroll) moved up 1rem
# when the finished turn was drawn without it.
_SCRIPT_ONLY = (
    '[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child)'
)
# An open PDF page (ui.sources draws it in a .gqa-evidence box) wants more than the answer
# column's 360 px: at 1366 px with the sidebar open it was drawn 416 px wide, its text ~6 px
# high, beside a side column empty from its tables down. While one is open the answer column
# asks for PREVIEW_MIN_PX; where that and the side panel do not fit side by side, the panel
# goes under the answers (as on narrower screens) and the page gets the full width.
PREVIEW_MIN_PX = 640
EVIDENCE_CLASS = "gqa-evidence"  # ui.sources' box around a drawn page
_WITH_PAGE = f"{_ROW}:has(.{EVIDENCE_CLASS}) > [data-testid='stColumn']:first-child"
# The "Rename" field in the sidebar's popover (ui.conversations) is ~190 px wide: Streamlit's
# "Press Enter to apply", drawn inside the field's right end, covered the name being typed.
# A caption under the field says it instead.
_RENAME_HINT = '[class*="st-key-conv_title_"] [data-testid="InputInstructions"]'
# "Ask within" with seven documents picked wrapped its chips onto four rows (200 px of a
# phone's 844, the chat input pushed down): on a phone they stay on one row, swiped sideways.
_WITHIN_CHIPS = '.st-key-ask_within [data-testid="stMultiSelectTagsContainer"]'
PHONE_MAX_PX = 640  # Streamlit stacks its columns below this width: a phone
CSS = f"""
<style>
{_ROW} {{ flex-wrap: wrap; }}
{_ROW} > [data-testid="stColumn"] {{
  flex: 5 1 {MAIN_MIN_PX}px !important; width: auto !important; min-width: 0 !important;
}}
{_ROW} > [data-testid="stColumn"]:last-child {{ flex: 3 1 {SIDE_MIN_PX}px !important; }}
{_WITH_PAGE} {{ flex-basis: {PREVIEW_MIN_PX}px !important; }}
{_COLLAPSED_SIDEBAR}, {_COLLAPSED_SIDEBAR} * {{ visibility: hidden !important; }}
{_SCRIPT_ONLY} {{ display: none; }}
{_RENAME_HINT} {{ display: none; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  {_WITHIN_CHIPS} {{ flex-wrap: nowrap !important; overflow-x: auto; }}
  {_WITHIN_CHIPS} [role="group"] > span {{ flex-shrink: 0; }}
}}
</style>
"""


def style() -> None:
    """The page's CSS, drawn before the sidebar: drawn with the columns, after it, a Tab
    pressed in the first seconds on a phone still reached the collapsed sidebar's controls."""
    st.html(CSS)


def columns() -> tuple[st.delta_generator.DeltaGenerator, st.delta_generator.DeltaGenerator]:
    """(main, side): the answer column and the cost/health column, wrapping when narrow
    (the CSS of :func:`style`)."""
    with st.container(key=PAGE_KEY):
        main, side = st.columns([5, 3], gap="medium")
    return main, side
