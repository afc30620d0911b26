"""Safe rendering of untrusted text (documents, model output) as Streamlit markdown.

Nothing from a document or a model is ever rendered as HTML or as live markdown: every
markdown/HTML special character is backslash-escaped, so a document cannot inject links,
images (remote fetches), LaTeX, colour directives or headings. Emphasis we add ourselves
(citations, highlighted sentences) uses Streamlit's own markdown features around escaped
text.

One exception, measured in Chromium: a bare address in the text ("https://...", "www...",
"name@example.org") still becomes a link (GitHub-flavoured markdown finds them after escapes
are read). Such a link shows exactly where it goes, so it cannot disguise a target the way
"[click here](...)" could; breaking the address with invisible characters would corrupt it
for a reader who copies it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from text import citations
from text.quotes import used_sentences
from text.sentences import line_breaks, sentence_spans
from text.sentences import sentences as _sentences

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that mean
# something to Streamlit's markdown (incl. ``$`` LaTeX, ``:`` emoji/colour directives,
# ``~`` strikethrough, ``|`` tables, ``<``/``&`` HTML and entities).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$=^&\"'])")
# An escaped bracket group ("\\[1, 3\\]"); text.citations decides whether it is a citation.
_ESCAPED_BRACKET = re.compile(r"\\\[((?:[^\]\n\\]|\\[^\]]){1,40})\\\]")
_ESCAPE = re.compile(r"\\(.)")


def escape_md(text: str) -> str:
    """Text that Streamlit's markdown shows literally (newlines become line breaks)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    escaped = _SPECIAL.sub(r"\\\1", text)
    # Two trailing spaces = a hard line break (never after the last line: it would break
    # emphasis we wrap around the text); blank lines stay paragraph breaks.
    return "  \n".join(line.rstrip() for line in escaped.split("\n"))


def link_citations(escaped: str, anchor: str | None) -> str:
    """Bold the escaped ``[n]`` citations, linking them to the answer's source list."""

    def link(m: re.Match[str]) -> str:
        numbers = citations.marker_numbers("[" + _ESCAPE.sub(r"\1", m.group(1)) + "]")
        if not numbers:
            return m.group(0)  # "[sic]", "[44 U.S.C.]": text, not a citation
        if not anchor:
            return f"**{m.group(0)}**"
        # The title says where the link goes: a screen reader announced only "[1]" (and a
        # mouse shows it on hover). A click opens the first source it names (ui.sources).
        return f'[**{m.group(0)}**](#{anchor} "Show source {numbers[0]} below")'

    return _ESCAPED_BRACKET.sub(link, escaped)


def split_sentences(text: str) -> list[str]:
    """Sentences (text.sentences), each on one line."""
    return _sentences(text)


def highlighted_passage(passage: str, answer_sents: Sequence[str]) -> tuple[str, int]:
    """Escaped markdown of the passage with used sentences highlighted, and how many; a
    heading, list item or new paragraph starts its own line (a hard break), as in the file.
    Kept: every rerun draws every turn's sources again (their splitting and matching were
    two fifths of drawing a 20-question conversation)."""
    return _highlighted(passage, tuple(answer_sents))


@functools.lru_cache(maxsize=2048)
def _highlighted(passage: str, answer_sents: tuple[str, ...]) -> tuple[str, int]:
    spans = sentence_spans(passage)
    flags = used_sentences(passage, answer_sents)
    parts: list[str] = []
    for (start, end), used, new_line in zip(spans, flags, line_breaks(passage, spans), strict=True):
        sentence = escape_md(" ".join(passage[start:end].split()))
        if parts:
            parts.append("  \n" if new_line else " ")
        # bold as well as blue: the pale background alone hardly shows for a colour-blind
        # reader, in the dark theme or on a dim phone screen
        parts.append(f":blue-background[**{sentence}**]" if used else sentence)
    return "".join(parts), sum(flags)


_LABEL_SPECIAL = re.compile(r"([\\`*_\[\]()<>~$:|])")


def escape_label(text: str) -> str:
    """Lighter escaping for widget labels (inline markdown only; dots and dashes stay)."""
    return _LABEL_SPECIAL.sub(r"\\\1", text)
