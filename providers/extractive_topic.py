"""What a sentence is about though it does not say so: its document's title (when the
passage opens the document with it), the label of its block ("EXAMPLE 1:"), the sentence its
pronoun points back to.

"Does Northwind Fleet support Okta?" against the release notes titled "Northwind Fleet
release notes": the sentence that answers ("Single sign-on with Okta and Microsoft Entra ID is
now available.") never names the product, and a sentence that did ("Northwind Fleet moved to
a new map engine ...") won the question and was refused. Counted as said by every sentence of
the passage, the title's words also stop telling its sentences apart (they are in all of
them), so the word only one sentence has - "Okta" - decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from providers.base import Source
from providers.extractive_cuts import opens_document
from text.terms import content_terms

TITLE_CHARS = 80  # a first line longer than this is a sentence, not the document's title


def title_line(src: Source) -> str:
    """The document's title when the passage opens the document with one: a short first line
    that ends no sentence, with the next line starting anew ("Northwind Fleet release notes";
    not a wrapped sentence, "... is called dioxygen, O" before "2. It is"); else ""."""
    if not opens_document(src):
        return ""
    first, _, rest = src.text.lstrip().partition("\n")
    first, nxt = first.strip(), rest.lstrip()[:1]
    plain = len(first) <= TITLE_CHARS and "," not in first and first[-1:] not in ".?!;:-"
    return first if plain and 0 < len(first.split()) <= 12 and (not nxt or nxt.isupper()) else ""


def file_terms(src: Source) -> set[str]:
    """The content words of the passage's file name: "git-2.29.0-relnotes.txt" names Git and
    2.29, which its sentences deep in the notes never repeat."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", src.source)
    return set(content_terms(re.sub(r"[-_]+", " ", stem)))


def topic_terms(src: Source) -> set[str]:
    """The content words of the title line the passage opens its document with.

    Not the indexed context of every chunk (``ChunkRecord.context``, title and section
    heading): added to every sentence it cost the dev set's fit half 2 of 119 answers
    containing the gold (0.7647 -> 0.7479; the title alone did the same), 2026-12-02."""
    return set(content_terms(title_line(src)))


# "EXAMPLE 1: An organization ... The resulting security category ... is ...": a label at
# the start of a line names the sentences after it, up to the next label or paragraph.
_LABEL = re.compile(r"(?m)^[ \t]*(?P<label>[A-Z][A-Za-z]{2,} \d{1,3}[A-Za-z]?)[ \t]*:")
MAX_LABEL_REACH = 600  # characters: a label names a short block, not the rest of the page


def label_terms(text: str, start: int) -> set[str]:
    """The words of the label whose block holds the sentence at ``start`` (none outside one)."""
    before = text[max(0, start - MAX_LABEL_REACH) : start + 1]
    labels = list(_LABEL.finditer(before))
    if not labels or re.search(r"\n[ \t]*\n", before[labels[-1].end() :]):
        return set()
    return set(content_terms(labels[-1].group("label")))


def sentence_terms(
    spans: Sequence[tuple[Source, int, int, int, str]], ctx: Sequence[str | None]
) -> list[set[str]]:
    """Each sentence's content words, with the sentence before's when it is its context
    (a pronoun's antecedent), its block's label, and its document's title
    (:func:`topic_terms`)."""
    own = [set(content_terms(sp[4])) for sp in spans]
    sources = {id(sp[0]): sp[0] for sp in spans}  # each passage's title read once
    topics = {key: topic_terms(src) for key, src in sources.items()}
    return [
        (t | own[i - 1] if c is not None else t)
        | label_terms(sp[0].text, sp[2])
        | topics[id(sp[0])]
        for i, (t, c, sp) in enumerate(zip(own, ctx, spans, strict=True))
    ]
