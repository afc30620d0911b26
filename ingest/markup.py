"""Markdown and HTML as plain text: the words a reader sees, tables as rows with headers.

A web page saved from an intranet or a wiki carries its site around the article: the menu
("Home | About | Contact"), a cookie banner, the footer's "Privacy | Terms | Sitemap". Indexed,
they were passages of their own and the text beside every answer from the page; they are
dropped here when they sit outside the page's ``<main>``/``<article>`` (a page whose text is
all boilerplate keeps it rather than come out empty). Tables, in HTML and in Markdown's pipe
syntax, became a cell a line (or ``| a | b |`` and ``|---|``): they are rows now,
``key | Header: value``, as in every other format (``ingest.tables.rows_with_headers``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.loaders import LoadContext, Page, _check_lines, _read_text
from ingest.tables import rows_with_headers

# Site furniture: never the document itself.
_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside")
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search"}
_BANNER = re.compile(r"cookie|consent|gdpr|skip-?link|breadcrumb", re.I)
_BANNER_MAX_CHARS = 400  # a cookie notice is a sentence or two; a section on cookies is not


def load_markdown(path: Path, ctx: LoadContext | None = None) -> list[Page]:
    text = _check_lines(path, _read_text(path))
    # Keep the words, drop markup that only adds noise to embeddings and BM25.
    text = re.sub(r"```.*?\n", "", text)
    text = _markdown_tables(text, ctx)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)  # images -> alt text
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links -> link text
    # A heading is a block of its own: "Fixes\n1. The login page..." read as one sentence.
    text = re.sub(r"^\s{0,3}#{1,6}\s*(.*)$", r"\n\1\n", text, flags=re.M)
    text = re.sub(r"(\*\*|__|`)", "", text)
    # *emphasis* and _emphasis_ (not a "* " list bullet, not snake_case or 2*3*4)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", r"\1", text)
    return [Page(1, text)]


_PIPE_ROW = re.compile(r"^\s*\|?.*\|.*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)]


def _markdown_tables(text: str, ctx: LoadContext | None) -> str:
    """A pipe table (header line, ``|---|`` rule, body lines) as one paragraph per row."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and "|" in lines[i] and _PIPE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and "|" in lines[end] and _PIPE_ROW.match(lines[end]):
                end += 1
            grid = [_pipe_cells(lines[i]), *(_pipe_cells(x) for x in lines[i + 2 : end])]
            rows = rows_with_headers(grid)
            if rows and ctx is not None:
                ctx.report.tables += 1
            out += ["", "\n\n".join(rows), ""]
            i = end
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def load_html(path: Path, ctx: LoadContext | None = None) -> list[Page]:
    from bs4 import BeautifulSoup

    html = _read_text(path)
    soup = BeautifulSoup(html, "html.parser")
    _drop_boilerplate(soup)
    text = _visible_text(soup, ctx)
    if not text.strip():  # the page was all "boilerplate": better its words than nothing
        text = _visible_text(BeautifulSoup(html, "html.parser"), ctx)
    return [Page(1, text)]


def _visible_text(soup: Any, ctx: LoadContext | None) -> str:
    for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe"]):
        tag.decompose()
    _drop_inline_space(soup)
    _html_tables(soup, ctx)
    text = soup.get_text("\n")
    text = "\n".join(line.strip() for line in text.splitlines())
    # A browser shows a line break in HTML as a space: "django-\nname" is "django- name", never
    # a word hyphenated at the end of a line (which cleaning would join into "djangoname").
    return re.sub(r"-\n(?=\w)", "- ", text)


def _in_content(tag: Any) -> bool:
    return tag.find_parent(["main", "article"]) is not None


def _drop_boilerplate(soup: Any) -> None:
    """Menus, site headers and footers, sidebars and cookie banners outside the content."""
    doomed = []
    for tag in soup.find_all(True):
        role = str(tag.get("role") or "").lower()
        if tag.name == "nav" or role == "navigation":
            doomed.append(tag)  # a menu is a menu, even inside <main>
        elif (tag.name in _BOILERPLATE_TAGS or role in _BOILERPLATE_ROLES) and not _in_content(tag):
            if not (tag.name == "header" and tag.find("h1")):  # a page's own title stays
                doomed.append(tag)
        else:
            marks = " ".join([str(tag.get("id") or ""), *(tag.get("class") or [])])
            if _BANNER.search(marks) and len(tag.get_text(" ", strip=True)) <= _BANNER_MAX_CHARS:
                doomed.append(tag)
    for tag in doomed:
        if not tag.decomposed:
            tag.decompose()


def _html_tables(soup: Any, ctx: LoadContext | None) -> None:
    """Each data table as rows (innermost first: a table laid out inside another's cell)."""
    from bs4 import NavigableString

    for table in reversed(soup.find_all("table")):
        trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        grid = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in trs]
        if max((len(r) for r in grid), default=0) < 2:
            continue  # a layout table of one column: its text reads as it is
        head = 0
        while head < len(trs) - 1 and (
            trs[head].find_parent("thead") is not None
            or all(c.name == "th" for c in trs[head].find_all(["th", "td"]))
        ):
            head += 1
        rows = rows_with_headers(grid, max(head, 1))
        if rows and ctx is not None:
            ctx.report.tables += 1
        table.replace_with(NavigableString("\n\n" + "\n\n".join(rows) + "\n\n"))


# Phrasing elements: the space between two of them is a space inside a sentence.
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    ]
)


def _drop_inline_space(soup: Any) -> None:
    """Trim the whitespace around text in running text (between or inside inline elements):
    ``get_text("\\n")`` puts each text node on a line of its own, so the space or line
    break in ``<code>a</code>\\n<em>b</em>`` became a blank line, which every later stage
    reads as a paragraph break, cutting a sentence in two ("the form #!/usr/bin/env" |
    "interpreter_name is deprecated."). Words stay on lines of their own (the text reads
    the same once whitespace is collapsed); only the blank lines between blocks remain."""
    from bs4 import NavigableString, Tag

    def running(node: Any) -> bool:
        return node is None or isinstance(node, NavigableString) or node.name in _INLINE

    for s in list(soup.find_all(string=True)):
        parent = s.parent
        if not isinstance(parent, Tag) or parent.name in ("pre", "textarea") or s == s.strip():
            continue
        if parent.name in _INLINE or (running(s.previous_sibling) and running(s.next_sibling)):
            if s.strip():
                s.replace_with(NavigableString(s.strip()))
            else:
                s.extract()
