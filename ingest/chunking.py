"""Token-aware chunking that keeps sentence boundaries and records where each chunk came from.

The embedding model sees at most 256 word pieces; anything beyond is silently dropped from
the dense index. So chunk size is measured with the model's own tokenizer, never in
characters. Chunks are packed from whole sentences; a sentence longer than a chunk is cut
at token boundaries. Chunks never cross pages, so every chunk has exactly one page, and
``start``/``end`` are character offsets into that page's text (``page_text[start:end]``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.loaders import Page
from ingest.tokens import token_offsets as model_token_offsets
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


TokenOffsets = Callable[[Sequence[str]], list[list[tuple[int, int]]]]


def chunk_pages(
    pages: Sequence[Page],
    max_tokens: int = 200,
    overlap: int = 40,
    token_offsets: TokenOffsets = model_token_offsets,
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for page in pages:
        if page.text.strip():
            chunks.extend(_chunk_page(page, max_tokens, overlap, token_offsets, len(chunks)))
    return chunks


def _chunk_page(
    page: Page, max_tokens: int, overlap: int, token_offsets: TokenOffsets, first_index: int
) -> list[Chunk]:
    text = page.text
    # One tokenizer pass per sentence (batched): sentence token counts and cut points.
    pieces: list[tuple[int, int, int]] = []  # (start, end, tokens) units no bigger than max_tokens
    spans = sentence_spans(text)
    offsets = token_offsets([text[s:e] for s, e in spans])
    for (s, e), offs in zip(spans, offsets, strict=True):
        if len(offs) <= max_tokens:
            pieces.append((s, e, max(1, len(offs))))
            continue
        # Over-long sentence (tables, run-on text): cut at word-piece boundaries.
        for i in range(0, len(offs), max_tokens):
            window = offs[i : i + max_tokens]
            cut_end = e if i + max_tokens >= len(offs) else s + offs[i + max_tokens][0]
            pieces.append((s + window[0][0], cut_end, len(window)))

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
        chunks.append(
            Chunk(text[start:end], page.number, start, end, first_index + len(chunks), total)
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
