"""Web pages and Markdown read as a person reads them: no site menu, cookie banner or footer in
the text, and tables as ``key | Header: value`` rows (not a cell a line, not ``|---|``)."""

from __future__ import annotations

from pathlib import Path

from ingest.loaders import load, load_document

INTRANET_PAGE = """<!doctype html><html><head><title>Pet policy</title></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/contact">Contact</a></nav>
<header><a class="logo">Acme Intranet</a></header>
<div id="cookie-banner">We use cookies. Accept all cookies? <button>OK</button></div>
<main><h1>Office pet policy</h1>
<p>Dogs are welcome in the Berlin office on Fridays, provided they are vaccinated.</p>
<table><thead><tr><th>Office</th><th>Dogs allowed</th><th>Day</th></tr></thead>
<tbody><tr><td>Berlin</td><td>Yes</td><td>Friday</td></tr>
<tr><td>Paris</td><td>No</td><td></td></tr></tbody></table></main>
<aside>Related: Parking policy, Bike policy</aside>
<footer>&copy; 2024 Acme Corp | Privacy | Terms | Sitemap</footer></body></html>"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_site_menu_banner_sidebar_and_footer_are_not_indexed(tmp_path: Path) -> None:
    text = load(_write(tmp_path, "pets.html", INTRANET_PAGE))[0].text
    assert text.startswith("Office pet policy")
    assert "Dogs are welcome in the Berlin office on Fridays" in text
    for furniture in ("Home", "Contact", "cookies", "Acme Intranet", "Related", "Sitemap"):
        assert furniture not in text, furniture


def test_html_table_rows_carry_their_headers(tmp_path: Path) -> None:
    loaded = load_document(_write(tmp_path, "pets.html", INTRANET_PAGE))
    text = loaded.pages[0].text
    assert "Berlin | Dogs allowed: Yes | Day: Friday" in text
    assert "Paris | Dogs allowed: No" in text
    assert "Office\nDogs allowed" not in text  # was: every cell on a line of its own
    assert loaded.report.tables == 1


def test_content_inside_article_and_a_page_title_header_stay(tmp_path: Path) -> None:
    page = (
        "<html><body><header><h1>Quarterly report</h1></header><article>"
        "<header><p>By Ana Silva</p></header><p>Revenue rose by 4 percent.</p>"
        "<footer><p>Filed under finance.</p></footer></article></body></html>"
    )
    text = load(_write(tmp_path, "r.html", page))[0].text
    for kept in ("Quarterly report", "By Ana Silva", "Revenue rose", "Filed under finance"):
        assert kept in text, kept


def test_a_page_that_is_all_footer_keeps_its_words(tmp_path: Path) -> None:
    page = (
        "<html><body><footer><p>Contact the helpdesk on extension 4411.</p></footer></body></html>"
    )
    assert "extension 4411" in load(_write(tmp_path, "f.html", page))[0].text


def test_markdown_pipe_table_and_emphasis(tmp_path: Path) -> None:
    md = (
        "# Falcon 2.4\n\nExports via the *Export* menu, see _Settings_; keep my_var_name.\n\n"
        "* a bullet stays\n\n"
        "| Component | Version | Notes |\n|:---|---:|---|\n| API | 2.4.0 | |\n"
        "| Web client | 2.4.1 | needs a \\| pipe |\n\nAfter the table.\n"
    )
    loaded = load_document(_write(tmp_path, "notes.md", md))
    text = loaded.pages[0].text
    assert "Exports via the Export menu, see Settings; keep my_var_name." in text
    assert "* a bullet stays" in text
    assert "API | Version: 2.4.0\n\nWeb client | Version: 2.4.1 | Notes: needs a | pipe" in text
    assert "|---" not in text and "| Component |" not in text
    assert text.endswith("After the table.")
    assert loaded.report.tables == 1


def test_a_markdown_heading_is_a_block_of_its_own(tmp_path: Path) -> None:
    """ "## Fixes" then "1. The login page..." was read as "... menu. Fixes 1. The login page"."""
    md = "## New\n- Exports work.\n## Fixes\n1. The login page no longer freezes.\n"
    text = load(_write(tmp_path, "n.md", md))[0].text
    assert text == "New\n\n- Exports work.\n\nFixes\n\n1. The login page no longer freezes."
