"""An answer that is a list, shown as one: "Action items: A | Owner: ...; B | Owner: ...; C
..." or a guide's section "Your first week: 1. Day 1: ... 2. Day 2: ..." read as one long
paragraph on the page. The answer's text (the CLI's, the API's, the one saved) stays as it
is; only its markdown here is laid out as bullets or numbered lines.
"""

from __future__ import annotations

import re

from text import citations
from ui.text import escape_md

# "Lead: body [1]": the lead a short phrase before the first colon, citations at the end
_LISTED = re.compile(
    rf"^(?P<lead>[^\n:;]{{1,80}}):\s+(?P<body>.+?)(?P<cites>(?:\s*{citations.MARKER.pattern})*)\s*$",
    re.S,
)
_NUMBERED = re.compile(r"(?:^|\s+)(\d{1,2})[.)]\s+")
_DASHED = re.compile(r"(?:^|\s+)-\s+(?=[A-Z0-9])")
MIN_ITEMS = 3  # two items read well enough as "A; B"


def _numbered(body: str) -> list[str] | None:
    """ "1. Day 1: Meet ... 2. Day 2: Shadow ..." -> its items, when numbered 1, 2, 3 ..."""
    marks = list(_NUMBERED.finditer(body))
    if len(marks) < MIN_ITEMS or marks[0].start() != 0:
        return None
    if [int(m.group(1)) for m in marks] != list(range(1, len(marks) + 1)):
        return None
    ends = [m.start() for m in marks[1:]] + [len(body)]
    return [body[m.end() : end].strip() for m, end in zip(marks, ends, strict=True)]


def list_items(text: str) -> tuple[str, list[str], bool, str] | None:
    """(lead, items, numbered, citations) of an answer that is one list, else None."""
    m = _LISTED.match(text.strip())
    if m is None:
        return None
    body, numbered = m.group("body").strip(), False
    if citations.MARKER.search(body):  # more than one piece: "A; B; C. [1] More. [2]" is prose
        return None
    if (items := _numbered(body)) is not None:
        numbered = True
    elif body.startswith("- "):
        items = [i.strip() for i in _DASHED.split(body) if i.strip()]
    else:
        items = [i.strip() for i in body.split("; ")]
        items[-1] = items[-1].rstrip(".")  # the list's own full stop, not an item's
    if len(items) < MIN_ITEMS or any(not i for i in items):
        return None
    return m.group("lead").strip(), items, numbered, m.group("cites").strip()


def answer_markdown(text: str) -> str:
    """The answer as escaped markdown (:func:`ui.text.escape_md`), a list laid out as one."""
    listed = list_items(text)
    if listed is None:
        return escape_md(text)
    lead, items, numbered, cites = listed
    lines = [
        f"{i}. {escape_md(item)}" if numbered else f"- {escape_md(item)}"
        for i, item in enumerate(items, 1)
    ]
    if cites:
        lines[-1] += " " + escape_md(cites)
    return f"{escape_md(lead)}:\n\n" + "\n".join(lines)
