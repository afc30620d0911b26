"""Topic keywords and keyword-built labels: class-based TF-IDF over the clusters' chunks.

c-TF-IDF (as in BERTopic): each cluster's chunks are one "document", so words frequent in
it and rare elsewhere win. The keywords name a topic when no model labels it.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

N_KEYWORDS = 8

# Words that survive English stop-word removal yet say nothing about a topic (document
# furniture and filler that dominate PDFs).
EXTRA_STOP = {
    "page",
    "pages",
    "section",
    "sections",
    "shall",
    "also",
    "may",
    "must",
    "use",
    "used",
    "using",
    "include",
    "includes",
    "including",
    "e.g",
    "i.e",
    "etc",
    "see",
    "within",
    "following",
    "based",
    "provide",
    "provides",
    "provided",
    "one",
    "two",
    "new",
    "would",
    "could",
    "should",
    "can",
    "will",
    "per",
    "http",
    "https",
    "www",
    "gov",
    "org",
    "com",
    "pdf",
    "doi",
    "vol",
    "fr",
    "pp",
    "ii",
    "iii",
    "iv",
    "vi",
    # Federal Register page furniture ("VerDate Sep<11>2014 Jkt 250001 Frm 00001 Fmt 4701").
    "verdate",
    "jkt",
    "frm",
    "fmt",
    "sfmt",
    "sgm",
    "po",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
}
# Fine as keywords, too vague to name a topic on their own.
LABEL_GENERIC = {
    "proposed",
    "information",
    "organization",
    "organizations",
    "version",
    "days",
    "day",
    "time",
    "work",
    "does",
    "need",
    "year",
    "years",
    "activities",
    "paragraph",
    "number",
    "general",
    "related",
    "specific",
    "different",
    "example",
    "important",
    "available",
}
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "vs"}


def ctfidf_keywords(
    texts: list[str], labels: np.ndarray, k: int, n: int = N_KEYWORDS
) -> list[list[str]]:
    """Top ``n`` c-TF-IDF terms (1-2 words) per cluster, near-duplicates merged."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    classes = [
        " ".join(t for t, lab in zip(texts, labels, strict=True) if lab == c) for c in range(k)
    ]
    stop = list(ENGLISH_STOP_WORDS | EXTRA_STOP)
    vec = CountVectorizer(
        stop_words=stop,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z\-]{2,}\b",
        min_df=1,
    )
    try:
        counts = vec.fit_transform(classes).toarray().astype(np.float64)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(k)]
    terms = vec.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    avg_words = counts.sum() / max(k, 1)
    idf = np.log(1.0 + avg_words / np.maximum(counts.sum(axis=0), 1.0))
    scores = tf * idf
    out: list[list[str]] = []
    for c in range(k):
        order = np.argsort(-scores[c])
        chosen: list[str] = []
        for j in order[: n * 6]:
            if scores[c, j] <= 0:
                break
            _merge_term(chosen, str(terms[j]))
            if len(chosen) >= n:
                break
        out.append(chosen)
    return out


def _merge_term(chosen: list[str], term: str) -> None:
    """Add ``term`` unless a chosen phrase already covers it; a phrase replaces its words."""
    words = term.split()
    if len(set(words)) < len(words):  # "risk risk"
        return
    for i, c in enumerate(chosen):
        cw = set(c.split())
        if set(words) <= cw:
            return
        if cw < set(words):
            chosen[i] = term
            # drop any other chosen term the phrase also covers
            chosen[:] = list(
                dict.fromkeys(t for t in chosen if t == term or not set(t.split()) < set(words))
            )
            return
    chosen.append(term)


def word_casing(texts: list[str]) -> dict[str, str]:
    """lowercase word -> its most common written form (keeps NIST, FIPS, COVID upper)."""
    seen: dict[str, Counter[str]] = {}
    for t in texts:
        for w in re.findall(r"[A-Za-z][A-Za-z\-]{2,}", t):
            seen.setdefault(w.lower(), Counter())[w] += 1
    return {lw: c.most_common(1)[0][0] for lw, c in seen.items()}


def title_word(w: str, casing: dict[str, str]) -> str:
    form = casing.get(w, w)
    if len(form) > 1 and form.isupper():  # an acronym
        return form
    return "-".join(p[:1].upper() + p[1:] for p in w.split("-"))


def keyword_label(keywords: list[str], casing: dict[str, str], taken: set[str]) -> str:
    """A 2-4 word Title Case label from the top keywords, distinct from ``taken``.

    A two- or three-word phrase among the top three keywords names a topic better than two
    loose words, so it leads; vague words ("proposed", "information") never stand alone.
    """
    useful = [kw for kw in keywords if not all(w in LABEL_GENERIC for w in kw.split())]
    phrases = [kw for kw in useful[:3] if len(kw.split()) >= 2]
    candidates: list[list[str]] = []
    for lead in [*phrases, *useful]:
        words = lead.split()
        for kw in useful:
            if len(words) >= 2:
                break
            words += [w for w in kw.split() if w not in words and w not in LABEL_GENERIC]
        candidates.append(words[:4])
    for words in candidates:
        label = " ".join(title_word(w, casing) for w in words)
        if len(words) >= 2 and label.lower() not in taken:
            return label
    words = candidates[0] if candidates else []
    label = " ".join(title_word(w, casing) for w in words)
    if len(words) < 2:
        label = f"{label} Topics" if words else "Miscellaneous Passages"
    base, i = label, 2
    while label.lower() in taken:
        label = f"{base} {i}"
        i += 1
    return label
