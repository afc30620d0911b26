"""The training script's data loaders and near-duplicate filter (no network, no model)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from rag.analysis.sentiment_data import (
    UCI_JSON_MEMBERS,
    UCI_MEMBER,
    ngram_pool,
    overlaps,
    read_dev,
    read_uci,
    read_uci_json,
)

pytestmark = pytest.mark.analysis

UCI_LINES = "Good case, Excellent value.\t1\nThe battery died   after a week.\t0\n\nno label here\n"


def test_read_uci_from_txt_and_from_the_npm_tarball(tmp_path: Path) -> None:
    txt = tmp_path / "amazon_cells_labelled.txt"
    txt.write_text(UCI_LINES, encoding="utf-8")
    tgz = tmp_path / "wink-sentiment-5.0.2.tgz"
    with tarfile.open(tgz, "w:gz") as tf:
        data = UCI_LINES.encode()
        info = tarfile.TarInfo(UCI_MEMBER)
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    for path in (txt, tgz):
        texts, ys = read_uci(path)
        assert texts == ["Good case, Excellent value.", "The battery died after a week."]
        assert ys.tolist() == [1, 0]


def test_overlap_filter_catches_shared_eight_word_runs_only(tmp_path: Path) -> None:
    pool = ngram_pool(["a gorgeous , witty , seductive movie that never loses its nerve ."])
    texts = [
        "Honestly: gorgeous, witty, seductive movie that never loses its nerve!",  # 8+ shared
        "A gorgeous, witty movie.",  # too short to share 8 words
        "The phone never loses its charge and the screen is fine.",
    ]
    assert overlaps(texts, pool).tolist() == [True, False, False]
    dev = tmp_path / "dev.tsv"
    dev.write_text("sentence\tlabel\na made-up line for the test .\t1\n", encoding="utf-8")
    assert read_dev(dev) == ["a made-up line for the test ."]
    assert not overlaps([], set()).any() and isinstance(overlaps([], set()), np.ndarray)


def test_read_uci_json_parts_from_the_sentiment_npm_tarball(tmp_path: Path) -> None:
    import json

    tgz = tmp_path / "sentiment-5.0.2.tgz"
    rows = [
        {"text": "A very,  very slow-moving movie.  ", "class": 0},
        {"text": "Loved the acting.", "class": 1},
        {"text": "  ", "class": 1},
        {"text": "x", "class": 5},
    ]
    with tarfile.open(tgz, "w:gz") as tf:
        for name in UCI_JSON_MEMBERS.values():
            data = json.dumps(rows).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    parts = read_uci_json(tgz)
    assert set(parts) == set(UCI_JSON_MEMBERS)
    texts, ys = parts["uciImdbSentences"]
    assert texts == ["A very, very slow-moving movie.", "Loved the acting."]
    assert ys.tolist() == [0, 1]
