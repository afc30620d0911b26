"""Token-aware chunking that keeps sentence boundaries and records where each chunk came from.

The embedding model sees at most 256 word pieces; anything beyond is silently dropped from
the dense index. So chunk size is measured with the model's own tokenizer, never in
characters. Chunks are packed from whole sentences; a sentence longer than a chunk is cut
at token boundaries. Chunks never cross pages, so every chunk has exactly one page, and
``start``/``end`` are character offsets into that page's text (``page_text[start:end]``).

The one tokenizer pass also gives each chunk its word-piece ids (``Chunk.ids``), which the
embedder uses instead of tokenizing the text again. They are kept only where they equal
what tokenizing the chunk's own text gives: every join (chunk start, end, and between its
sentences) falls where no word runs across it (see :func:`_clean_cut`); otherwise ``ids``
is None and the embedder tokenizes the text (tests/unit/test_token_ids.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.loaders import Page
from ingest.tokens import encode as model_encode
from text.sentences import sentence_spans

# The old name, kept for callers outside ingest (benches, other branches): the splitter
# itself lives in text.sentences.
split_sentences = sentence_spans


@dataclass(frozen=True)
class Chunk:
    text: str
    page: int
    start: int  # character offset within the page text
    end: int
    index: int  # position of the chunk within its document
    tokens: int
    # Word pieces of ``text`` (no [CLS]/[SEP]) when they equal tokenizing ``text`` alone.
    ids: tuple[int, ...] | None = field(default=None, compare=False, repr=False)


TokenOffsets = Callable[[Sequence[str]], list[list[tuple[int, int]]]]
_Encoded = list[tuple[list[int] | None, list[tuple[int, int]]]]


def chunk_pages(
    pages: Sequence[Page],
    max_tokens: int = 200,
    overlap: int = 40,
    token_offsets: TokenOffsets | None = None,
) -> list[Chunk]:
    """``token_offsets`` replaces the model's tokenizer (chunks then carry no ids)."""

    def encode(texts: Sequence[str]) -> _Encoded:
        if token_offsets is None:
            return list(model_encode(texts))
        return [(None, offs) for offs in token_offsets(texts)]

    chunks: list[Chunk] = []
    for page in pages:
        if page.text.strip():
            chunks.extend(_chunk_page(page, max_tokens, overlap, encode, len(chunks)))
    return chunks


def _is_punct(ch: str) -> bool:
    """BERT's pre-tokenizer splits on these (ASCII symbols and Unicode punctuation)."""
    o = ord(ch)
    if 33 <= o <= 47 or 58 <= o <= 64 or 91 <= o <= 96 or 123 <= o <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_space(ch: str) -> bool:
    # Not str.isspace: BERT's normaliser deletes \x1c-\x1f (Python calls them spaces).
    return ch in " \t\n\r" or unicodedata.category(ch) == "Zs"


def _clean_cut(text: str, pos: int) -> bool:
    """No word runs across ``pos``: tokenizing the two sides apart gives the same pieces as
    tokenizing them together (a space or a punctuation mark on either side)."""
    if pos <= 0 or pos >= len(text):
        return True
    a, b = text[pos - 1], text[pos]
    return _is_space(a) or _is_space(b) or _is_punct(a) or _is_punct(b)


_Piece = tuple[int, int, int, list[int] | None]  # start, end, tokens, ids


def _pieces(
    text: str, max_tokens: int, encode: Callable[[Sequence[str]], _Encoded]
) -> list[_Piece]:
    """Sentences (one batched tokenizer pass), over-long ones cut at word-piece boundaries:
    units no bigger than ``max_tokens``."""
    pieces: list[_Piece] = []
    spans = sentence_spans(text)
    for (s, e), (ids, offs) in zip(spans, encode([text[s:e] for s, e in spans]), strict=True):
        if len(offs) <= max_tokens:
            pieces.append((s, e, max(1, len(offs)), ids))
            continue
        # Over-long sentence (tables, OCR'd ledgers, run-on text): cut between lines where
        # one ends in the window's second half, else between words, else at a word piece.
        i = 0
        while i < len(offs):
            j = _cut(text[s:e], offs, i, max_tokens)
            cut_end = e if j >= len(offs) else s + offs[j][0]
            part = None if ids is None else ids[i:j]
            pieces.append((s + offs[i][0], cut_end, j - i, part))
            i = j
    return pieces


def _cut(sentence: str, offs: Sequence[tuple[int, int]], i: int, max_tokens: int) -> int:
    """Where the window of word pieces from ``i`` ends: at most ``max_tokens`` on, moved back
    to the start of a line, else of a word, in the window's second half. A cut at a word
    piece put "34 06/04/2019 ..." (the end of "DHAW20190034") at the head of a senate
    ledger's chunk, the text users are shown."""
    end = i + max_tokens
    if end >= len(offs):
        return len(offs)
    floor = i + max_tokens // 2
    gaps = [(k, sentence[offs[k - 1][1] : offs[k][0]]) for k in range(end, floor, -1)]
    for want in ("\n", " "):
        for k, gap in gaps:
            if want in gap or (want == " " and gap and not gap.strip()):
                return k
    return end


def _chunk_ids(text: str, pieces: Sequence[_Piece]) -> tuple[int, ...] | None:
    """The chunk's ids from its pieces' ids, when every join is clean (else None)."""
    out: list[int] = []
    for start, end, _, ids in pieces:
        if ids is None or not (_clean_cut(text, start) and _clean_cut(text, end)):
            return None
        out.extend(ids)
    return tuple(out)


def _chunk_page(
    page: Page,
    max_tokens: int,
    overlap: int,
    encode: Callable[[Sequence[str]], _Encoded],
    first_index: int,
) -> list[Chunk]:
    text = page.text
    pieces = _pieces(text, max_tokens, encode)

    chunks: list[Chunk] = []
    i = 0
    while i < len(pieces):
        total = 0
        j = i
        while j < len(pieces) and total + pieces[j][2] <= max_tokens:
            total += pieces[j][2]
            j += 1
        if j == i:  # cannot happen (pieces <= max_tokens) but never loop forever
            j, total = i + 1, pieces[i][2]
        start, end = pieces[i][0], pieces[j - 1][1]
        ids = _chunk_ids(text, pieces[i:j])
        chunks.append(
            Chunk(text[start:end], page.number, start, end, first_index + len(chunks), total, ids)
        )
        if j >= len(pieces):
            break
        # Overlap: carry trailing whole sentences (up to ``overlap`` tokens) into the next chunk.
        back, carried = j, 0
        while back - 1 > i and carried + pieces[back - 1][2] <= overlap:
            back -= 1
            carried += pieces[back][2]
        i = back
    return chunks
